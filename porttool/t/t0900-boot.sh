#!/bin/bash
# The real chain on Debian's 5.10.223: tree, apply, build --board qemu,
# check, boot (SeKVM), build --kvm, boot --kvm.  Slow: a cold run builds two
# kernels (about 15-20 minutes on 2 cores); the work directory is kept
# between runs so that a second run is incremental.
#
# The SeKVM checks fail, not skip, while the port does not deliver what
# they look for: their FAIL lines are in this script's log.  Both boots
# carry a 2-vCPU guest (vmm/README.md); the SeKVM boot also attacks it
# and tries two images the corevisor must refuse.
. "$(dirname "$0")/lib.sh"

W=${PORTTOOL_CHAIN_DIR:-$TRASH_ROOT/t0900-work}
TREE=$W/tree
mkdir -p "$W"
: >"$W/times"
rm -f "$W/check.out" "$W/boot.out"

test_expect_success 'chain: tree 5.10 makes the base tree (once)' '
	if ! test -d "$TREE/.git"; then
		rm -rf "$TREE" &&
		timed tree porttool tree 5.10 --dir "$TREE" >out
	fi &&
	git -C "$TREE" rev-parse -q --verify refs/tags/v5.10.223 >/dev/null
'

test_expect_success 'chain: apply 5.10 checks the port out on a new branch' '
	branch=sekvm/t0900-$(date +%Y%m%d%H%M%S) &&
	timed apply porttool apply 5.10 --tree "$TREE" --branch "$branch" &&
	test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
	echo "$branch" >"$W/branch"
'

test_expect_success 'chain: build --board qemu makes Image and modules, tree stays clean' '
	timed build-qemu porttool build 5.10 --board qemu --tree "$TREE" --out "$W/qemu" >out 2>err &&
	test -s "$W/qemu/arch/arm64/boot/Image" &&
	find "$W/qemu/modules/lib/modules" -name "*.ko" | grep -q . &&
	grep -q "\[compile\] done" err && grep -q "steps done\|steps," err &&
	test -s "$W/qemu/build.log" &&
	test -z "$(git -C "$TREE" status --porcelain --ignored)"
'

test_expect_success 'chain: check passes on the SeKVM build' '
	make -s -C "$PROJECT_DIR/corevisor" out/corevisor.elf out/corevisor.bin &&
	timed check porttool check 5.10 --board qemu --out "$W/qemu" >"$W/check.out" 2>err ||
	{ cat err; false; }
'

# The default timeout (600 s) covers the nested guest runs.
test_expect_success 'chain: boot (SeKVM) passes every check' '
	timed boot porttool boot 5.10 --out "$W/qemu" >"$W/boot.out" 2>err ||
	{ cat err; false; }
'

# Issue 5's checks, each by name: they need the port's guest support
# (ports/v5.10 0009-0019: the guest runs, its hooks, the teardown lines)
# and the vmm's virtio console and guest patch (vmm/, ports/v5.10 0015).
test_expect_success 'chain: boot (SeKVM): the guest boots, is attacked, bad images are refused' '
	for c in guest-boot guest-virtio guest-read-private guest-map-other-vm \
		 guest-give-core-page image-bit-flip-refused image-other-key-refused \
		 guest-scrubbed vmid-reused; do
		grep -q "^PASS $c$" "$W/boot.out" || { echo "no PASS $c"; cat "$W/boot.out"; exit 1; }
	done &&
	grep -q "^SEKVM-GUEST: vmm exit 0" "$W/qemu/boot/serial.log"
'

# Issue 19: the good guest reads and writes its virtio-blk ext4 disk and
# talks TCP to the host over virtio-net (a tap), through its shared swiotlb pool.
test_expect_success 'chain: boot (SeKVM): the guest uses its disk and NIC' '
	for c in guest-blk guest-net; do
		grep -q "^PASS $c$" "$W/boot.out" || { echo "no PASS $c"; cat "$W/boot.out"; exit 1; }
	done &&
	cpio -it --quiet <"$W/qemu/boot/initramfs.cpio" >list &&
	grep -qx guest/disk.img list &&
	grep -q "^PORTTOOL-BOOT: tap: tap0 up as 10.0.2.1/24" "$W/qemu/boot/serial.log"
'

# Issue 14: the bare-metal test guest sees the machine stock KVM gives
# it (timers, aborts, debug), signed by the VM key like any image
# ($BM_CHECKS, lib.sh).
test_expect_success 'chain: boot (SeKVM): the bare-metal guest passes every check, signed' '
	for c in $BM_CHECKS; do
		grep -q "^PASS $c$" "$W/boot.out" || { echo "no PASS $c"; cat "$W/boot.out"; exit 1; }
	done &&
	B=$W/qemu/boot &&
	cpio -it --quiet <"$B/initramfs.cpio" >list &&
	grep -qx guest/bmguest.bin list && grep -qx guest/bmguest.sig list &&
	cpio -i --quiet --to-stdout guest/bmguest.bin <"$B/initramfs.cpio" >bm.bin &&
	cpio -i --quiet --to-stdout guest/bmguest.sig <"$B/initramfs.cpio" >bm.sig &&
	"$PROJECT_DIR/vmm/build/sekvm-sign" verify --ipa 0x40000000 "$B/vm.pub" bm.bin bm.sig
'

# What porttool itself puts in the SeKVM initramfs: the VM key, the two
# signatures and the flipped Image, made by sekvm-sign in the boot dir.
test_expect_success 'chain: boot (SeKVM): the initramfs has the key, both signatures, the flipped Image' '
	B=$W/qemu/boot &&
	cpio -it --quiet <"$B/initramfs.cpio" >list &&
	for f in bin/vmm guest/Image guest/initrd.cpio guest/vm.pub guest/Image.sig \
		 guest/Image.sig.otherkey guest/Image.flipped; do
		grep -qx "$f" list || { echo "initramfs lacks $f"; exit 1; }
	done &&
	for f in vm.pub Image.sig Image.sig.otherkey Image.flipped; do
		cpio -i --quiet --to-stdout "guest/$f" <"$B/initramfs.cpio" >"$f" &&
		cmp "$f" "$B/$f" || exit 1
	done &&
	{ cmp -l "$W/qemu/arch/arm64/boot/Image" Image.flipped >diffs || :; } &&
	test "$(wc -l <diffs)" = 1 &&
	SIGN=$PROJECT_DIR/vmm/build/sekvm-sign &&
	"$SIGN" verify vm.pub "$W/qemu/arch/arm64/boot/Image" Image.sig &&
	test_expect_code 1 "$SIGN" verify vm.pub Image.flipped Image.sig &&
	test_expect_code 1 "$SIGN" verify vm.pub "$W/qemu/arch/arm64/boot/Image" Image.sig.otherkey &&
	"$SIGN" verify "$B/other.pub" "$W/qemu/arch/arm64/boot/Image" Image.sig.otherkey
'

test_expect_success 'chain: build --kvm builds the base, the tree is untouched' '
	branch=$(cat "$W/branch") &&
	timed build-kvm porttool build 5.10 --kvm --board qemu --tree "$TREE" --out "$W/qemu-kvm" >out 2>err &&
	test -s "$W/qemu-kvm/arch/arm64/boot/Image" &&
	test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
	test -z "$(git -C "$TREE" status --porcelain --ignored)" &&
	! grep -q "^CONFIG_SEKVM=y" "$W/qemu-kvm/.config"
'

# The default timeout (600 s) covers the nested guest.
test_expect_success 'chain: boot --kvm: stock KVM initialises, /dev/kvm, userspace, a guest boots' '
	timed boot-kvm porttool boot 5.10 --kvm --out "$W/qemu-kvm" >out 2>err &&
	for c in qemu-exit no-panic userspace dev-kvm poweroff kvm-hyp-init guest-boot guest-virtio \
		 guest-blk guest-net $BM_CHECKS; do
		grep -q "^PASS $c$" out || { echo "no PASS $c"; cat out; exit 1; }
	done &&
	grep -q "Hyp mode initialized successfully" "$W/qemu-kvm/boot/serial.log" &&
	grep -q "^SEKVM-GUEST: vmm: guest powered off after" "$W/qemu-kvm/boot/serial.log" &&
	cpio -it --quiet <"$W/qemu-kvm/boot/initramfs.cpio" >list &&
	for f in bin/vmm guest/Image guest/initrd.cpio guest/bmguest.bin; do
		grep -qx "$f" list || { echo "initramfs lacks $f"; exit 1; }
	done &&
	! grep -q "^guest/vm.pub\|^guest/bmguest.sig" list &&
	! grep -q "^PASS guest-scrubbed\|^FAIL guest-scrubbed\|image-bit-flip" out &&
	cpio -i --quiet --to-stdout guest/Image <"$W/qemu-kvm/boot/initramfs.cpio" >guest-image &&
	cmp guest-image "$W/qemu-kvm/arch/arm64/boot/Image" &&
	cpio -it --quiet <"$W/qemu-kvm/boot/guest-initrd.cpio" | sort >guest-list &&
	printf "%s\\n" bin bin/busybox bin/sh dev dev/console init proc sys >want &&
	test_cmp want guest-list &&
	cpio -i --quiet --to-stdout init <"$W/qemu-kvm/boot/guest-initrd.cpio" >guest-init &&
	test_cmp "$PROJECT_DIR/vmm/guest/init.sh" guest-init
'

test_expect_success 'chain: check of the stock build fails: no corevisor in it' '
	test_expect_code 1 porttool check 5.10 --kvm --board qemu --out "$W/qemu-kvm" >out 2>err &&
	grep -q "^FAIL corevisor-section: vmlinux has no .sekvm.corevisor section" out
'

chain_summary 5.10 check boot
test_done
