#!/bin/bash
# The real chain on Linux 5.11.14 (ports/v5.11), as t0900 does for 5.10:
# apply, build --board qemu, check (the corevisor byte-identical to the
# one the 5.10 chain embeds, when that chain's build is there), boot
# (SeKVM), build --kvm, boot --kvm, then the pi4b and m400 builds.
#
# No distribution ships 5.11, so the base tree is used only when it is
# already there: $PORTTOOL_TREE_5_11, or porttool's cache
# ($XDG_CACHE_HOME/porttool/trees/v5.11, where 'porttool tree 5.11' puts
# it).  Without one every case skips and says how to get it.  The work
# directory is kept between runs: with a warm ccache a second run only
# rebuilds what changed (a cold one builds four kernels, 30-60 minutes on
# 2 shared cores).
. "$(dirname "$0")/lib.sh"

W=${PORTTOOL_CHAIN511_DIR:-$TRASH_ROOT/t0930-work}
TREE=$W/tree
SRC=${PORTTOOL_TREE_5_11:-${XDG_CACHE_HOME:-$HOME/.cache}/porttool/trees/v5.11}
HOWTO="no 5.11 base tree in $SRC: make it with 'porttool tree 5.11 --dir $SRC --from CLONE' (a clone with tag v5.11.14) or '--tarball linux-5.11.14.tar.xz', or set PORTTOOL_TREE_5_11 (ports/v5.11/README.md)"
CASES="tree apply build-qemu check boot build-kvm boot-kvm build-pi4b build-m400"

if ! test -d "$TREE/.git" && ! git -C "$SRC" rev-parse -q --verify refs/tags/v5.11.14 >/dev/null 2>&1; then
	for c in $CASES; do test_skip "chain 5.11: $c" "$HOWTO"; done
	test_done
	exit
fi

mkdir -p "$W"
: >"$W/times"
rm -f "$W/check.out" "$W/boot.out" "$W/boot-kvm.out"

test_expect_success 'chain 5.11: the base tree, v5.11.14 as port.conf records it' '
	# A tree made from the public snapshot lacks four amdgpu blobs:
	# porttool then refuses to clone it (naming them), and a shared clone
	# with those files outside a sparse checkout does instead.
	if ! test -d "$TREE/.git"; then
		rm -rf "$TREE" &&
		if ! timed tree porttool tree 5.11 --from "$SRC" --dir "$TREE" >out 2>err; then
			cat err && grep -q "lacks the contents of" err &&
			git clone -q --shared --no-checkout "$SRC" "$TREE" &&
			git -C "$TREE" sparse-checkout set --no-cone "/*" "!/drivers/gpu/drm/amd/include/asic_reg/" &&
			git -C "$TREE" checkout -q -b master v5.11.14
		fi
	fi &&
	test "$(git -C "$TREE" rev-parse v5.11.14^{tree})" = \
	     "$(git config -f "$PROJECT_DIR/ports/v5.11/port.conf" base.tree)"
'

test_expect_success 'chain 5.11: apply checks the port out on a new branch' '
	branch=sekvm/t0930-$(date +%Y%m%d%H%M%S) &&
	timed apply porttool apply 5.11 --tree "$TREE" --branch "$branch" &&
	test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
	echo "$branch" >"$W/branch"
'

test_expect_success 'chain 5.11: build --board qemu' '
	timed build-qemu porttool build 5.11 --board qemu --tree "$TREE" --out "$W/qemu" >out 2>err ||
	{ tail -n 30 "$W/qemu/build.log"; false; } &&
	test -s "$W/qemu/arch/arm64/boot/Image" &&
	grep -q "^CONFIG_SEKVM=y" "$W/qemu/.config"
'

test_expect_success 'chain 5.11: check passes; the corevisor is the one every port embeds' '
	make -s -C "$PROJECT_DIR/corevisor" out/corevisor.elf out/corevisor.bin &&
	timed check porttool check 5.11 --board qemu --out "$W/qemu" >"$W/check.out" 2>err ||
	{ cat err "$W/check.out"; false; } &&
	bin=$W/qemu/arch/arm64/kvm/sekvm/corevisor.bin &&
	echo "# corevisor.bin sha256 (5.11): $(sha256sum <"$bin" | cut -d" " -f1)" &&
	cmp "$bin" "$PROJECT_DIR/corevisor/out/corevisor.bin" &&
	other=${PORTTOOL_CHAIN_DIR:-$TRASH_ROOT/t0900-work}/qemu/arch/arm64/kvm/sekvm/corevisor.bin &&
	if test -f "$other"; then
		echo "# corevisor.bin sha256 (5.10): $(sha256sum <"$other" | cut -d" " -f1)" &&
		cmp "$bin" "$other"
	fi
'

test_expect_success 'chain 5.11: boot (SeKVM) passes every check 5.10 passes' '
	timed boot porttool boot 5.11 --out "$W/qemu" >"$W/boot.out" 2>err ||
	{ cat err "$W/boot.out"; false; } &&
	for c in guest-boot guest-virtio guest-read-private guest-map-other-vm \
		 guest-give-core-page image-bit-flip-refused image-other-key-refused \
		 guest-scrubbed vmid-reused $BM_CHECKS; do
		grep -q "^PASS $c$" "$W/boot.out" || { echo "no PASS $c"; exit 1; }
	done &&
	! grep -q "^FAIL" "$W/boot.out"
'

# 0020, carried from 5.10 with 0019 (a block of pages a fault): debugfs
# sekvm/stats prints the corevisor's counters (ABI 1.4), which the
# boot's initramfs reads before the guest runs.
test_expect_success 'chain 5.11: boot (SeKVM): sekvm/stats lists the corevisor counters' '
	sekvm_stats_listed "$W/qemu/boot/serial.log"
'

test_expect_success 'chain 5.11: build --kvm builds the base, the tree is untouched' '
	branch=$(cat "$W/branch") &&
	timed build-kvm porttool build 5.11 --kvm --board qemu --tree "$TREE" --out "$W/qemu-kvm" >out 2>err ||
	{ cat err; false; } &&
	test -s "$W/qemu-kvm/arch/arm64/boot/Image" &&
	test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
	! grep -q "^CONFIG_SEKVM=y" "$W/qemu-kvm/.config"
'

test_expect_success 'chain 5.11: boot --kvm: stock KVM boots the same guest' '
	timed boot-kvm porttool boot 5.11 --kvm --out "$W/qemu-kvm" >"$W/boot-kvm.out" 2>err ||
	{ cat err "$W/boot-kvm.out"; false; } &&
	for c in qemu-exit no-panic userspace dev-kvm kvm-hyp-init guest-boot guest-virtio $BM_CHECKS; do
		grep -q "^PASS $c$" "$W/boot-kvm.out" || { echo "no PASS $c"; exit 1; }
	done
'

for board in pi4b m400; do
	test_expect_success "chain 5.11: build --board $board" '
		timed build-'$board' porttool build 5.11 --board '$board' --tree "$TREE" --out "$W/'$board'" >out 2>err ||
		{ tail -n 30 "$W/'$board'/build.log"; false; } &&
		test -s "$W/'$board'/arch/arm64/boot/Image" &&
		grep -q "^PASS dtb-gic" out && grep -q "^PASS dtb-uart" out &&
		grep -q "^PASS dtb-memory" out
	'
done

chain_summary 5.11 check boot boot-kvm
test_done
