#!/bin/bash
# The 5.4 chain (ports/v5.4, Ubuntu's linux-raspi 5.4.55 of the published
# Pi 4B artifact): tree, apply, build --board qemu, check, boot (SeKVM),
# build --kvm, boot --kvm, build and check --board pi4b.  No Debian package
# ships this base, so it runs only when the base tree is in porttool's
# cache (<cache>/trees/v5.4, or $PORTTOOL_V54_TREE); otherwise every case
# is skipped with how to get the tree.  The base can be a clone without a
# checkout: only its objects and the tag are used.  Slow when it runs:
# three kernel builds; the work directory ($PORTTOOL_CHAIN54_DIR, which
# ci/test.sh points at <cache>/ci-chain-5.4) is kept, so a second run is
# incremental.
. "$(dirname "$0")/lib.sh"

CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/porttool
case $CACHE in /*) ;; *) CACHE=$HOME/.cache/porttool ;; esac
BASE=${PORTTOOL_V54_TREE:-$CACHE/trees/v5.4}
W=${PORTTOOL_CHAIN54_DIR:-$TRASH_ROOT/t0905-work}
TREE=$W/tree
CASES="tree apply build-qemu check boot boot-guest build-kvm boot-kvm pi4b"

if ! git -C "$BASE" rev-parse -q --verify "refs/tags/v5.4.55-raspi^{commit}" \
	>/dev/null 2>&1; then
	why="no 5.4 base tree at $BASE (a git repository with tag v5.4.55-raspi)"
	how="get it: fetch the public snapshot xx-thomas/osdi23-paper114-sekvm,"
	how="$how 'git clone --no-checkout SNAPSHOT $CACHE/trees/v5.4', then"
	how="$how 'git -C $CACHE/trees/v5.4 tag v5.4.55-raspi 0d6ec98c6'"
	how="$how (ports/v5.4/README.md)"
	echo "# $why"
	echo "# $how"
	for c in $CASES; do
		test_skip "chain 5.4: $c" "no 5.4 base tree in the cache"
	done
	test_done
	exit
fi

mkdir -p "$W"
: >"$W/times"
rm -f "$W/check.out" "$W/boot.out"

# The snapshot lacks the blobs of 11 files (amdgpu register headers and
# the artifact's prebuilt image), none of them built for arm64: porttool
# refuses to clone it and names them by path; a shared clone with those
# paths outside a sparse checkout is the work tree then.
test_expect_success 'chain 5.4: tree --from the cached base makes a work tree (once)' '
	if ! test -d "$TREE/.git"; then
		rm -rf "$TREE" &&
		if ! timed tree porttool tree 5.4 --from "$BASE" --dir "$TREE" >out 2>err; then
			cat err &&
			grep -q "lacks the contents of" err &&
			grep -q "^  missing: drivers/gpu/drm/amd/include/asic_reg/" err &&
			! grep -q "object not found" err &&
			git clone -q --shared --no-checkout "$BASE" "$TREE" &&
			git -C "$TREE" sparse-checkout set --no-cone "/*" \
				"!/drivers/gpu/drm/amd/include/asic_reg/" "!/install/" &&
			git -C "$TREE" checkout -q -b master v5.4.55-raspi
		fi
	fi &&
	test "$(git -C "$TREE" rev-parse "v5.4.55-raspi^{commit}")" = \
	     0d6ec98c6d7ff1da74df33384184c0664ffd89a4 &&
	test "$(git -C "$TREE" rev-parse "v5.4.55-raspi^{tree}")" = \
	     "$(git config -f "$PROJECT_DIR/ports/v5.4/port.conf" base.tree)"
'

test_expect_success 'chain 5.4: apply checks the series out on a new branch' '
	n=$(grep -c "^0" "$PROJECT_DIR/ports/v5.4/series") &&
	branch=sekvm/t0905-$(date +%Y%m%d%H%M%S) &&
	timed apply porttool apply 5.4 --tree "$TREE" --branch "$branch" >out &&
	grep -q "^Applied .*: $n patch(es) and the corevisor on v5.4.55-raspi" out &&
	test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
	echo "$branch" >"$W/branch"
'

test_expect_success 'chain 5.4: build --board qemu makes Image and modules' '
	timed build-qemu porttool build 5.4 --board qemu --tree "$TREE" --out "$W/qemu" >out 2>err &&
	test -s "$W/qemu/arch/arm64/boot/Image" &&
	grep -q "^CONFIG_SEKVM=y" "$W/qemu/.config" &&
	grep -q "^CONFIG_SEKVM_GUEST=y" "$W/qemu/.config" &&
	grep -q "\[compile\] done" err
'

# The corevisor is the project's, unchanged: check compares the section
# in vmlinux with corevisor/out/corevisor.bin and prints its sha256.
test_expect_success 'chain 5.4: check passes and embeds the one corevisor' '
	make -s -C "$PROJECT_DIR/corevisor" out/corevisor.elf out/corevisor.bin &&
	timed check porttool check 5.4 --board qemu --out "$W/qemu" >"$W/check.out" 2>err ||
	{ cat err "$W/check.out"; false; } &&
	bin=$W/qemu/arch/arm64/kvm/sekvm/corevisor.bin &&
	echo "# corevisor.bin sha256 (5.4): $(sha256sum <"$bin" | cut -d" " -f1)" &&
	cmp "$bin" "$PROJECT_DIR/corevisor/out/corevisor.bin" &&
	other=${PORTTOOL_CHAIN_DIR:-$TRASH_ROOT/t0900-work}/qemu/arch/arm64/kvm/sekvm/corevisor.bin &&
	if test -f "$other"; then
		echo "# corevisor.bin sha256 (5.10): $(sha256sum <"$other" | cut -d" " -f1)" &&
		cmp "$bin" "$other"
	fi
'

test_expect_success 'chain 5.4: boot (SeKVM) passes every check' '
	timed boot porttool boot 5.4 --out "$W/qemu" >"$W/boot.out" 2>err ||
	{ cat err; false; }
'

test_expect_success 'chain 5.4: boot (SeKVM): the guest boots, is attacked, bad images are refused' '
	for c in corevisor-banner host-stage2 kvm-handed-over attack-read-corevisor \
		 attack-write-corevisor attack-hyp-stub-after-install \
		 attack-garbage-hypercalls guest-boot guest-virtio guest-read-private \
		 guest-map-other-vm guest-give-core-page image-bit-flip-refused \
		 image-other-key-refused guest-scrubbed vmid-reused $BM_CHECKS; do
		grep -q "^PASS $c$" "$W/boot.out" || { echo "no PASS $c"; cat "$W/boot.out"; exit 1; }
	done &&
	! grep -q "^FAIL" "$W/boot.out" &&
	grep -q "^SEKVM-GUEST: vmm exit 0" "$W/qemu/boot/serial.log"
'

test_expect_success 'chain 5.4: build --kvm builds the stock base' '
	timed build-kvm porttool build 5.4 --kvm --board qemu --tree "$TREE" --out "$W/qemu-kvm" >out 2>err &&
	test -s "$W/qemu-kvm/arch/arm64/boot/Image" &&
	! grep -q "^CONFIG_SEKVM=y" "$W/qemu-kvm/.config"
'

test_expect_success 'chain 5.4: boot --kvm: stock KVM runs the same guest' '
	timed boot-kvm porttool boot 5.4 --kvm --out "$W/qemu-kvm" >out 2>err &&
	for c in dev-kvm kvm-hyp-init guest-boot guest-virtio $BM_CHECKS; do
		grep -q "^PASS $c$" out || { echo "no PASS $c"; cat out; exit 1; }
	done &&
	! grep -q "^FAIL" out
'

test_expect_success 'chain 5.4: build and check --board pi4b (bcm2711 DT: GIC-400)' '
	timed build-pi4b porttool build 5.4 --board pi4b --tree "$TREE" --out "$W/pi4b" >out 2>err &&
	test -s "$W/pi4b/arch/arm64/boot/Image" &&
	test -s "$W/pi4b/arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dtb" &&
	timed check-pi4b porttool check 5.4 --board pi4b --out "$W/pi4b" >out 2>err ||
	{ cat out err; false; } &&
	grep -q "^PASS dtb-gic" out
'

chain_summary 5.4 check boot
test_done
