#!/bin/bash
# The chain on Debian's 6.12 (ports/v6.12, linux-source-6.12 from
# bookworm-security), as t0900 does for 5.10 and t0940 for 6.1:
# the base tree (reproducibly, from the embedded default), apply, build
# --board qemu, check (the corevisor byte-identical to the 5.10 chain's
# when that build is there), boot (SeKVM: every check 5.10's boot passes,
# and no kernel warning), kvm-arm.mode=protected refused, build --kvm,
# boot --kvm.
#
# linux-source-6.12 is a 154 MB package and its import takes minutes, so
# this test never downloads it: it runs when the .deb is already in
# porttool's cache ($XDG_CACHE_HOME/porttool/debian/debs, where
# 'porttool tree 6.12' leaves it) or when a 6.12 tree is ($PORTTOOL_TREE_6_12,
# or the cache's trees/v6.12), and otherwise skips, saying how to get it.
# The work directory ($PORTTOOL_CHAIN612_DIR; ci/test.sh keeps it in
# porttool's cache) is kept between runs, so the import happens once and a
# second run builds incrementally; a cold run builds two kernels (30-40
# minutes on 2 shared cores).
. "$(dirname "$0")/lib.sh"

CONF="$PROJECT_DIR/ports/v6.12/port.conf"
conf() { git config -f "$CONF" "$1"; }
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/porttool
DEB="$CACHE/debian/debs/$(conf debian.package)_$(conf debian.version)_all.deb"
W=${PORTTOOL_CHAIN612_DIR:-$TRASH_ROOT/t0950-work}
TREE=$W/tree
SRC=${PORTTOOL_TREE_6_12:-$CACHE/trees/v6.12}
HOWTO="neither $DEB nor a 6.12 tree in $SRC: 'porttool tree 6.12' downloads and imports it (a few minutes), or set PORTTOOL_TREE_6_12 (ports/v6.12/README.md)"
CASES="tree-import tree-ids apply build-qemu check boot boot-no-warning protected-refused build-kvm boot-kvm"

have_src() { git -C "$SRC" rev-parse -q --verify "refs/tags/$(conf base.tag)" >/dev/null 2>&1; }

if ! test -d "$TREE/.git" && ! test -f "$DEB" && ! have_src; then
	for c in $CASES; do test_skip "chain 6.12: $c" "$HOWTO"; done
	test_done
	exit
fi

mkdir -p "$W"
: >"$W/times"
rm -f "$W/check.out" "$W/boot.out" "$W/boot-kvm.out"
# The 5.10 chain's work directory (t0900), to compare with.
W510=${PORTTOOL_CHAIN_DIR:-$TRASH_ROOT/t0900-work}

# An apt configuration whose mirror never answers: proves no download.
offline_apt() {
	mkdir -p "$1/sources.list.d" &&
	printf 'deb http://127.0.0.1:9/debian bookworm main\ndeb http://127.0.0.1:9/debian-security bookworm-security main\n' \
		>"$1/sources.list"
}

test_expect_success 'chain 6.12: tree imports the cached linux-source-6.12 offline' '
	if test -d "$TREE/.git"; then
		echo "kept from an earlier run: $TREE"
	elif test -f "$DEB"; then
		offline_apt etc &&
		PORTTOOL_APT_ETC=$PWD/etc timed tree \
			porttool tree 6.12 --dir "$TREE" >out 2>err || { cat err; false; } &&
		test "$(cat out)" = "$TREE" &&
		grep -q "using cached $DEB" err &&
		! grep -q "downloading" err
	else
		timed tree porttool tree 6.12 --from "$SRC" --dir "$TREE"
	fi
'

test_expect_success 'chain 6.12: tag, commit and tree are those port.conf records' '
	test "$(git -C "$TREE" rev-parse "$(conf base.tag)^{commit}")" = "$(conf base.commit)" &&
	test "$(git -C "$TREE" rev-parse "$(conf base.tag)^{tree}")" = "$(conf base.tree)" &&
	test "$(git -C "$TREE" log -1 --format="%an <%ae> %s" "$(conf base.tag)")" = \
		"porttool <porttool@sekvm.invalid> Linux $(conf base.version)" &&
	# The boards port.conf lists have their DTs on this line.
	test -f "$TREE/arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dts" &&
	test -f "$TREE/arch/arm64/boot/dts/apm/apm-mustang.dts" &&
	if have_src; then
		test "$(git -C "$SRC" rev-parse "$(conf base.tag)^{commit}")" = "$(conf base.commit)"
	fi
'

test_expect_success 'chain 6.12: apply checks the 20 patches out on a new branch' '
	branch=sekvm/t0940-$(date +%Y%m%d%H%M%S) &&
	timed apply porttool apply 6.12 --tree "$TREE" --branch "$branch" >out 2>err ||
	{ cat err; false; } &&
	grep -q "^Applied .*: 20 patch(es) and the corevisor on v6.12.118" out &&
	test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
	echo "$branch" >"$W/branch"
'

test_expect_success 'chain 6.12: build --board qemu' '
	timed build-qemu porttool build 6.12 --board qemu --tree "$TREE" --out "$W/qemu" >out 2>err ||
	{ tail -n 30 "$W/qemu/build.log"; false; } &&
	test -s "$W/qemu/arch/arm64/boot/Image" &&
	grep -q "^CONFIG_SEKVM=y" "$W/qemu/.config"
'

test_expect_success 'chain 6.12: check passes; the corevisor is the one every port embeds' '
	make -s -C "$PROJECT_DIR/corevisor" out/corevisor.elf out/corevisor.bin &&
	timed check porttool check 6.12 --board qemu --out "$W/qemu" >"$W/check.out" 2>err ||
	{ cat err "$W/check.out"; false; } &&
	bin=$W/qemu/arch/arm64/kvm/sekvm/corevisor.bin &&
	echo "# corevisor.bin sha256 (6.12): $(sha256sum <"$bin" | cut -d" " -f1)" &&
	grep -q "^corevisor sha256: $(sha256sum <"$bin" | cut -d" " -f1)$" "$W/check.out" &&
	cmp "$bin" "$PROJECT_DIR/corevisor/out/corevisor.bin" &&
	other=$W510/qemu/arch/arm64/kvm/sekvm/corevisor.bin &&
	if test -f "$other"; then
		echo "# corevisor.bin sha256 (5.10): $(sha256sum <"$other" | cut -d" " -f1)" &&
		cmp "$bin" "$other"
	fi
'

# Every check 5.10's boot passes, by name (the bare-metal guest's too);
# when the 5.10 chain's own boot output is there, every PASS in it.
CHECKS="qemu-exit no-panic userspace dev-kvm poweroff corevisor-memory-reserved
	corevisor-banner host-stage2 kvm-handed-over attack-read-corevisor
	attack-write-corevisor attack-hyp-stub-after-install attack-garbage-hypercalls
	guest-boot guest-virtio guest-read-private guest-map-other-vm guest-give-core-page
	image-bit-flip-refused image-other-key-refused guest-scrubbed vmid-reused
	bm-timer-virt bm-timer-phys bm-timer-phys-tval bm-iabt bm-breakpoint
	bm-watchpoint bm-single-step bm-exit"
test_expect_success 'chain 6.12: boot (SeKVM) passes every check 5.10 passes' '
	timed boot porttool boot 6.12 --out "$W/qemu" >"$W/boot.out" 2>err ||
	{ cat err "$W/boot.out"; false; } &&
	for c in $CHECKS; do
		grep -q "^PASS $c$" "$W/boot.out" || { echo "no PASS $c"; exit 1; }
	done &&
	if test -f "$W510/boot.out"; then
		sed -n "s/^PASS \([^ ]*\).*/\1/p" "$W510/boot.out" >want &&
		while read -r c; do
			grep -q "^PASS $c\( \|$\)" "$W/boot.out" ||
			{ echo "5.10 passes $c, 6.12 does not"; exit 1; }
		done <want
	fi &&
	! grep -q "^FAIL" "$W/boot.out"
'

# 6.12 shares each VM and vCPU with its own nVHE EL2 (kvm_share_hyp()),
# whose page tables SeKVM never makes: unsharing them at teardown warned.
test_expect_success 'chain 6.12: the SeKVM boot logs no kernel warning' '
	log=$W/qemu/boot/serial.log &&
	test -s "$log" &&
	grep -q "SeKVM: the corevisor owns EL2" "$log" &&
	if grep -n -A12 "WARNING: CPU\|BUG:" "$log"; then false; fi
'

# pKVM and the corevisor cannot both own EL2: the option is refused with a
# message and the corevisor takes EL2 as without it.  No initramfs: the
# kernel panics on its missing root, and panic=-1 with -no-reboot ends QEMU.
test_expect_success 'chain 6.12: kvm-arm.mode=protected is refused, the corevisor owns EL2' '
	timeout 600 qemu-system-aarch64 -M virt,virtualization=on,gic-version=2 \
		-cpu cortex-a72 -smp 2 -m 1024 -nographic -no-reboot \
		-kernel "$W/qemu/arch/arm64/boot/Image" \
		-append "console=ttyAMA0 kvm-arm.mode=protected panic=-1" >log 2>&1 || :
	cp log "$W/protected.log" &&
	grep "kvm-arm.mode=protected refused: the SeKVM corevisor owns EL2 (CONFIG_SEKVM)" log &&
	grep "SeKVM: the corevisor owns EL2" log &&
	grep -c "corevisor ABI v[0-9.]* on cpu [01], host stage-2 on" log >n &&
	test "$(cat n)" = 2 &&
	! grep -i "protected nVHE\|pkvm" log
'

test_expect_success 'chain 6.12: build --kvm builds the base, the tree is untouched' '
	branch=$(cat "$W/branch") &&
	timed build-kvm porttool build 6.12 --kvm --board qemu --tree "$TREE" --out "$W/qemu-kvm" >out 2>err ||
	{ cat err; tail -n 30 "$W/qemu-kvm/build.log"; false; } &&
	test -s "$W/qemu-kvm/arch/arm64/boot/Image" &&
	test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
	! grep -q "^CONFIG_SEKVM=y" "$W/qemu-kvm/.config"
'

# Stock 6.1.192 KVM injected an instruction abort with ESR_EL1 bits 63:32
# set (inject_abt64() sign-extends an int syndrome; t0940).  Whether
# 6.12.118 still does is what this case records: bm-iabt passes, or fails
# with exactly that ESR; nothing else may fail.
test_expect_success 'chain 6.12: boot --kvm: stock KVM boots the same guest' '
	{ timed boot-kvm porttool boot 6.12 --kvm --out "$W/qemu-kvm" >"$W/boot-kvm.out" 2>err || :; } &&
	for c in qemu-exit no-panic userspace dev-kvm poweroff kvm-hyp-init guest-boot guest-virtio \
		 bm-timer-virt bm-timer-phys bm-timer-phys-tval bm-breakpoint \
		 bm-watchpoint bm-single-step bm-exit; do
		grep -q "^PASS $c$" "$W/boot-kvm.out" || { cat err "$W/boot-kvm.out"; echo "no PASS $c"; exit 1; }
	done &&
	grep -q "Hyp nVHE mode initialized successfully" "$W/qemu-kvm/boot/serial.log" &&
	{ grep "^FAIL" "$W/boot-kvm.out" >fails || :; } &&
	if grep -q "^PASS bm-iabt$" "$W/boot-kvm.out"; then
		! test -s fails
	else
		echo "FAIL bm-iabt: FAIL iabt: wrong exception: ESR 0xffffffff86000010, expected EC 0x21 FSC 0x10, 0x86000010" >want &&
		test_cmp want fails
	fi
'

for f in check boot boot-kvm; do
	test -f "$W/$f.out" && echo "# porttool $f 6.12:" && sed 's/^/#   /' "$W/$f.out"
done
echo "# step times:"
sed 's/^/#   /' "$W/times"
test_done
