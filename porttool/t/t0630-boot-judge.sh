#!/bin/bash
# porttool boot --judge: the serial-log checks on crafted logs.
#
# t/boot-logs/sekvm.log is what a SeKVM boot that delivers issue 5 prints
# (host checks, the good guest and the host's attacks on it, the two
# refused images, the kernel's sekvm lines), kvm.log the stock-KVM boot.
# Both must pass whole; then each case takes one piece of evidence away
# (or contradicts it) and the check that rests on it, and only that one,
# must FAIL, saying why.
. "$(dirname "$0")/lib.sh"

LOGS=$T_DIR/boot-logs

# judge LOG [ARGS]: judge LOG, the verdicts in res, the exit status in rc.
judge() {
	local log=$1
	shift
	rc=0
	porttool boot 5.10 --judge "$log" "$@" >res 2>err || rc=$?
}

# only_fails CHECK...: the verdicts in res have exactly these FAILs (and
# every other check PASSes), and the exit status says so.
only_fails() {
	grep "^FAIL " res | sed "s/^FAIL \([^:]*\):.*/\1/" | sort >got
	printf "%s\n" "$@" | sort >want
	test_cmp want got || { cat res; return 1; }
	test "$rc" = 1 || { echo "exit $rc, wanted 1"; return 1; }
	! grep -v "^PASS \|^FAIL \|^[0-9]* passed, [0-9]* failed$" res
}

# mutate SED-SCRIPT [LOG]: a copy of LOG (default sekvm.log) edited, in log.
mutate() {
	sed "$1" "$LOGS/${2:-sekvm.log}" >log
	! cmp -s log "$LOGS/${2:-sekvm.log}" || { echo "sed '$1' changed nothing"; return 1; }
}

test_expect_success 'judge: the SeKVM log passes every check, the guest checks by name' '
	judge "$LOGS/sekvm.log" &&
	test "$rc" = 0 &&
	grep -q "^36 passed, 0 failed$" res &&
	for c in guest-boot guest-virtio guest-read-private guest-map-other-vm \
		 guest-give-core-page image-bit-flip-refused image-other-key-refused \
		 guest-scrubbed vmid-reused; do
		grep -qx "PASS $c" res || { echo "no PASS $c"; exit 1; }
	done &&
	! grep -q "^PASS dtb-" res
'

test_expect_success 'judge: the stock-KVM log passes; no SeKVM-only check is printed' '
	judge "$LOGS/kvm.log" --kvm &&
	test "$rc" = 0 &&
	grep -q "^18 passed, 0 failed$" res &&
	grep -qx "PASS guest-boot" res && grep -qx "PASS guest-virtio" res &&
	grep -qx "PASS bm-timer-phys" res && grep -qx "PASS bm-exit" res &&
	! grep -q "guest-read-private\|image-bit-flip\|guest-scrubbed\|vmid-reused\|corevisor" res
'

test_expect_success 'judge: kvm-hyp-init takes 6.12'"'"'s words, which name the mode' '
	mutate "s/Hyp mode initialized/Hyp nVHE mode initialized/" kvm.log &&
	judge log --kvm && test "$rc" = 0 && grep -qx "PASS kvm-hyp-init" res &&
	mutate "s/Hyp mode initialized/Protected nVHE mode initialized/" kvm.log &&
	judge log --kvm && test "$rc" = 0 &&
	mutate "s/Hyp mode initialized successfully/Hyp mode failed/" kvm.log &&
	judge log --kvm && only_fails kvm-hyp-init &&
	grep -q "^FAIL kvm-hyp-init: KVM printed no .Hyp \\[MODE\\] mode initialized successfully.$" res
'

test_expect_success 'judge: a missing log is an error naming it' '
	test_expect_code 1 porttool boot 5.10 --judge nowhere.log >res 2>err &&
	grep -q "cannot read the serial log nowhere.log" err
'

test_expect_success 'judge: a log whose QEMU was killed fails qemu-exit with its timeout' '
	{ cat "$LOGS/sekvm.log" && echo "# porttool: QEMU killed after 42 s timeout"; } >log &&
	judge log && only_fails qemu-exit &&
	grep -q "^FAIL qemu-exit: QEMU still running after 42 s" res
'

# The guest is the same Image: its console repeats host lines, tagged.
test_expect_success 'judge: the host checks do not take the guest'"'"'s lines for the host'"'"'s' '
	mutate "s/^\(sekvm: reserved .*\)/SEKVM-GUEST: \1/; /^SEKVM-DMESG: .*sekvm: reserved/d; s/^reboot: Power down/SEKVM-GUEST: reboot: Power down/" &&
	grep -q "^SEKVM-GUEST: sekvm: reserved" log &&
	judge log && only_fails corevisor-memory-reserved poweroff
'

test_expect_success 'judge: a guest panic is not the host'"'"'s (but shows that guest ran)' '
	mutate "/^SEKVM-GUEST-FLIPPED: vmm: image refused/i SEKVM-GUEST-FLIPPED: Kernel panic - not syncing: Attempted to kill init!" &&
	judge log && only_fails image-bit-flip-refused &&
	grep -q "^FAIL image-bit-flip-refused: the Image with one bit flipped ran: the guest printed .Kernel panic - not syncing" res
'

test_expect_success 'judge: a host panic fails no-panic' '
	mutate "/^Run \/init/i Unable to handle kernel paging request at virtual address 0000000000000000" &&
	judge log && only_fails no-panic
'

# ---- the bare-metal test guest (issue 14) ----

test_expect_success 'bm: every behaviour is a check of its own, on both hosts' '
	judge "$LOGS/sekvm.log" &&
	for c in timer-virt timer-phys timer-phys-tval iabt breakpoint \
		 watchpoint single-step exit; do
		grep -qx "PASS bm-$c" res || { echo "no PASS bm-$c"; exit 1; }
	done
'

test_expect_success 'bm: a FAIL from the guest fails that check only, with its words' '
	mutate "s/^SEKVM-GUEST-BM: bmguest: PASS timer-phys: .*/SEKVM-GUEST-BM: bmguest: FAIL timer-phys: registers do not read back: CVAL 0x0, CTL 0x0/" &&
	judge log && only_fails bm-timer-phys &&
	grep -q "^FAIL bm-timer-phys: FAIL timer-phys: registers do not read back: CVAL 0x0, CTL 0x0$" res
'

test_expect_success 'bm: PASS timer-phys does not stand in for timer-phys-tval' '
	mutate "/bmguest: PASS timer-phys-tval/d" &&
	judge log && only_fails bm-timer-phys-tval &&
	grep -q "^FAIL bm-timer-phys-tval: bmguest printed no line for timer-phys-tval; vmm exit 0 after .vmm exit 0.$" res
'

# bmguest prints timer-phys-tval before timer-phys: "PASS timer-phys-tval"
# is the first line that starts with "PASS timer-phys".
test_expect_success 'bm: PASS timer-phys-tval does not stand in for timer-phys' '
	mutate "/bmguest: PASS timer-phys: /d" &&
	judge log && only_fails bm-timer-phys &&
	grep -q "^FAIL bm-timer-phys: bmguest printed no line for timer-phys; vmm exit 0 after .vmm exit 0.$" res
'

test_expect_success 'bm: a guest that crashed fails the rest and bm-exit' '
	mutate "/bmguest: PASS breakpoint/,/bmguest: done/c SEKVM-GUEST-BM: bmguest: unexpected synchronous exception: ESR 0x96000010 ELR 0x40000abc FAR 0x20000000" kvm.log &&
	sed -i "s/^SEKVM-GUEST-BM: vmm exit 0/SEKVM-GUEST-BM: vmm exit 4/" log &&
	judge log --kvm && only_fails bm-breakpoint bm-watchpoint bm-single-step \
		bm-timer-phys-tval bm-timer-phys bm-exit &&
	grep -q "^FAIL bm-exit: bmguest printed no line for its end .*vmm exit 4" res
'

test_expect_success 'bm: a boot without the bare-metal guest fails its checks saying so' '
	mutate "/^SEKVM-GUEST-BM: /d" kvm.log &&
	judge log --kvm &&
	test "$(grep -c "^FAIL bm-.*: the bare-metal guest never ran" res)" = 8
'

# ---- guest-boot ----

test_expect_success 'guest-boot: fails without the guest marker' '
	mutate "/^SEKVM-GUEST: SEKVM-GUEST-OK/d" && judge log &&
	only_fails guest-boot &&
	grep -q "^FAIL guest-boot: the vmm exited 0 but the guest printed no .SEKVM-GUEST-OK" res
'

test_expect_success 'guest-boot: fails when the guest saw one CPU' '
	mutate "s/SEKVM-GUEST-OK cpus=2 online=0-1/SEKVM-GUEST-OK cpus=1 online=0/" && judge log &&
	only_fails guest-boot && grep -q "wrong CPUs: .SEKVM-GUEST-OK cpus=1 online=0." res
'

test_expect_success 'guest-boot: fails when the vmm did not exit 0' '
	mutate "s/^SEKVM-GUEST: vmm exit 0/SEKVM-GUEST: vmm exit 4/" && judge log &&
	only_fails guest-boot && grep -q "^FAIL guest-boot: .vmm exit 4. after .vmm: guest powered off" res
'

# ---- guest-virtio ----

test_expect_success 'guest-virtio: fails when SEKVM-VIRTIO-OK never came through' '
	mutate "/SEKVM-VIRTIO-OK/d" && judge log &&
	only_fails guest-virtio && grep -q "never came through the virtio console" res
'

test_expect_success 'guest-virtio: fails when the guest had no virtio console' '
	mutate "s/^SEKVM-GUEST: SEKVM-VIRTIO-OK/SEKVM-GUEST: SEKVM-VIRTIO: no \/dev\/hvc0 (no virtio console)/" &&
	judge log && only_fails guest-virtio && grep -q "found no virtio console" res
'

test_expect_success 'guest-virtio: fails under SeKVM when the guest kernel did not share its DMA' '
	mutate "s/^SEKVM-GUEST: sekvm-guest: .*/SEKVM-GUEST: sekvm-guest: not a SeKVM guest, DMA unchanged/" &&
	judge log && only_fails guest-virtio &&
	grep -q "printed no .sekvm-guest: corevisor ABI v1.... DMA buffers shared with the host. line; it said .sekvm-guest: not a SeKVM guest, DMA unchanged.$" res
'

test_expect_success 'guest-virtio: the DMA line must come from the guest, not the host' '
	mutate "s/^SEKVM-GUEST: sekvm-guest: /sekvm-guest: /" && judge log &&
	only_fails guest-virtio
'

test_expect_success 'guest-virtio (--kvm): fails without SEKVM-VIRTIO-OK' '
	mutate "/SEKVM-VIRTIO-OK/d" kvm.log && judge log --kvm &&
	only_fails guest-virtio
'

test_expect_success 'guest-virtio (--kvm): a stock guest claiming shared DMA fails' '
	mutate "/SEKVM-GUEST-OK/a SEKVM-GUEST: sekvm-guest: corevisor ABI v1.0, DMA buffers shared with the host" kvm.log &&
	judge log --kvm && only_fails guest-virtio && grep -q "under stock KVM" res
'

# ---- guest-blk, guest-net (vmm --disk, --net) ----

test_expect_success 'guest-blk: fails without the disk file'"'"'s content' '
	mutate "/SEKVM-BLK-OK/d" && judge log && only_fails guest-blk &&
	grep -q "^FAIL guest-blk: the guest said nothing about its disk" res
'

test_expect_success 'guest-blk: fails when the content is not what porttool wrote' '
	mutate "s/sekvm-disk-7c1f3a9e/sekvm-disk-00000000/" && judge log &&
	only_fails guest-blk
'

test_expect_success 'guest-blk: fails when the write did not survive the remount' '
	mutate "s/^SEKVM-GUEST: SEKVM-BLK-OK .*/SEKVM-GUEST: SEKVM-BLK-FAIL: read '"'"'sekvm-disk-7c1f3a9e'"'"', wrote '"'"'a'"'"', read back '"'"''"'"'/" &&
	judge log && only_fails guest-blk &&
	grep -q "^FAIL guest-blk: SEKVM-BLK-FAIL: read .sekvm-disk-7c1f3a9e., wrote .a., read back" res
'

test_expect_success 'guest-blk: the line must come from the guest' '
	mutate "s/^SEKVM-GUEST: SEKVM-BLK-OK/SEKVM-BLK-OK/" && judge log &&
	only_fails guest-blk
'

test_expect_success 'guest-net: fails without the exchange, naming the guest'"'"'s failure' '
	mutate "s/^SEKVM-GUEST: SEKVM-NET-OK .*/SEKVM-GUEST: SEKVM-NET-FAIL: tcp 10.0.2.1:7777 after 10 tries: received '"'"''"'"' nc: can'"'"'t connect/" &&
	judge log && only_fails guest-net &&
	grep -q "^FAIL guest-net: SEKVM-NET-FAIL: tcp 10.0.2.1:7777 after 10 tries" res
'

test_expect_success 'guest-net: fails when the host never got the guest'"'"'s line' '
	mutate "/^PORTTOOL-BOOT: tcp: received/d" && judge log &&
	only_fails guest-net && grep -q "the host never said it got the guest" res
'

test_expect_success 'guest-net: fails when the guest received something else' '
	mutate "s/received .sekvm-host-to-guest./received '"'"'x'"'"'/" &&
	judge log && only_fails guest-net
'

test_expect_success 'guest-net: fails when init gave the guest no NIC' '
	mutate "/SEKVM-NET-OK/d; s/ --net tap=tap0//" && judge log &&
	only_fails guest-net && grep -q "init gave the guest no --net" res
'

test_expect_success 'guest-blk, guest-net: both fail when init gave no devices' '
	mutate "/guest devices:/d; /SEKVM-NET-OK/d; /SEKVM-BLK-OK/d" &&
	judge log && only_fails guest-blk guest-net &&
	grep -q "^FAIL guest-net: init gave the guest no devices" res
'

test_expect_success 'guest-blk, guest-net (--kvm): judged the same' '
	mutate "/SEKVM-NET-OK/d; /SEKVM-BLK-OK/d" kvm.log && judge log --kvm &&
	only_fails guest-blk guest-net
'

test_expect_success 'guest-blk, guest-net: not judged for a line whose config lacks them' '
	mkdir -p ports-nodev &&
	cp -r "$PROJECT_DIR/ports/v5.10" ports-nodev/ &&
	sed -i "/^CONFIG_TUN=y/d" ports-nodev/v5.10/configs/qemu.config &&
	mutate "/SEKVM-NET-OK/d; /SEKVM-BLK-OK/d" &&
	rc=0 && porttool --ports ports-nodev boot 5.10 --judge log >res 2>err || rc=$? &&
	test "$rc" = 0 && grep -q "^34 passed, 0 failed$" res &&
	! grep -q "guest-blk\|guest-net" res
'

# ---- the attacks on the running guest ----

for hook in read_private:guest-read-private map_other_vm:guest-map-other-vm \
	    give_core_page:guest-give-core-page; do
	name=${hook%%:*} check=${hook#*:}

	test_expect_success "$check: fails when the self-test says FAIL" "
		mutate 's/\\(sekvm-selftest: $name\\) PASS/\\1 FAIL the host read it/' && judge log &&
		only_fails $check &&
		grep -q '^FAIL $check: sekvm-selftest: $name FAIL the host read it' res
	"

	test_expect_success "$check: fails when the host did not survive it" "
		mutate '/PORTTOOL-BOOT: hook guest\\/$name: survived/d' && judge log &&
		only_fails $check && grep -q 'the host did not survive it' res
	"

	test_expect_success "$check: fails when the guest was not running" "
		mutate 's/hook guest\\/$name: start (guest running)/hook guest\\/$name: start (guest not running)/' &&
		judge log && only_fails $check && grep -q 'the guest was not running' res
	"

	test_expect_success "$check: fails when the kernel has no such hook" "
		mutate '/guest\\/$name: /d' && judge log &&
		only_fails $check &&
		grep -q '^FAIL $check: no self-test hook /sys/kernel/debug/sekvm/guest/$name' res
	"
done

# ---- the refused images ----

for run in FLIPPED:image-bit-flip-refused OTHERKEY:image-other-key-refused; do
	tag=SEKVM-GUEST-${run%%:*} check=${run#*:}

	test_expect_success "$check: fails without the corevisor's refusal" "
		mutate '/^$tag: vmm: image refused/d' && judge log &&
		only_fails $check && grep -q 'exited 1 without .vmm: image refused by the corevisor' res
	"

	test_expect_success "$check: fails when the vmm exits 0" "
		mutate 's/^$tag: vmm exit 1/$tag: vmm exit 0/' && judge log &&
		only_fails $check && grep -q 'exited 0' res
	"

	test_expect_success "$check: fails when the guest ran" "
		mutate '/^$tag: vmm: image refused/i $tag: SEKVM-GUEST-OK cpus=2 online=0-1' &&
		judge log && only_fails $check && grep -q 'ran: the guest printed SEKVM-GUEST-OK' res
	"

	test_expect_success "$check: fails when init never made the run" "
		mutate '/^$tag: /d' && judge log &&
		only_fails $check && grep -q 'init never ran the vmm' res
	"
done

# ---- teardown and VMIDs (the kernel's lines as init printed them) ----

test_expect_success 'guest-scrubbed: fails when a page came back not zeroed' '
	mutate "s/^\(SEKVM-DMESG: .*vmid 1 torn down, 65536 pages back to the host,\) 0 not zeroed/\1 3 not zeroed/" &&
	judge log && only_fails guest-scrubbed &&
	grep -q "^FAIL guest-scrubbed: vmid 1 torn down with 65536 pages back to the host, 3 not zeroed" res
'

test_expect_success 'guest-scrubbed: fails when no page came back' '
	mutate "s/^\(SEKVM-DMESG: .*vmid 1 torn down,\) 65536 pages/\1 0 pages/" &&
	judge log && only_fails guest-scrubbed && grep -q "0 pages back to the host, 0 not zeroed (it owned none?)" res
'

test_expect_success 'guest-scrubbed, vmid-reused: fail when the guest was never torn down' '
	mutate "/^SEKVM-DMESG: .*vmid 1 torn down, 65536/d" &&
	judge log && only_fails guest-scrubbed vmid-reused &&
	grep -q "^FAIL guest-scrubbed: the good guest.s vmid 1 was never torn down" res
'

test_expect_success 'guest-scrubbed, vmid-reused: judge only the kernel log init printed' '
	mutate "/^SEKVM-DMESG: /d" &&
	judge log && only_fails guest-scrubbed vmid-reused &&
	grep -q "has no .porttool-boot: guest good run. marker" res
'

test_expect_success 'guest-scrubbed: the good guest is the VM registered after its marker' '
	mutate "/^SEKVM-DMESG: porttool-boot: guest good run/d" &&
	judge log && only_fails guest-scrubbed vmid-reused
'

test_expect_success 'vmid-reused: fails when the next VM gets another VMID' '
	mutate "/SEKVM-DMESG: porttool-boot: guest flipped run/,/SEKVM-DMESG: porttool-boot: guest otherkey run/s/vmid 1 /vmid 3 /" &&
	judge log && only_fails vmid-reused &&
	grep -q "^FAIL vmid-reused: the next VM after vmid 1.s teardown got vmid 3" res
'

test_expect_success 'vmid-reused: fails when no VM came after the teardown' '
	mutate "/SEKVM-DMESG: porttool-boot: guest flipped run/,\$ { /registered/d }" &&
	judge log && only_fails vmid-reused &&
	grep -q "no VM was registered after vmid 1 was torn down" res
'

test_done
