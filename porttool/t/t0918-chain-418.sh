#!/bin/bash
# The real chain on Linux 4.18 (ports/v4.18): tree, apply, build --board
# qemu, check, boot (SeKVM), build --kvm, boot --kvm, then build --board
# m400 and check it.  As t0900 for 5.10, but no Debian package ships 4.18:
# the chain runs only when the base tree is in porttool's cache, and skips
# otherwise, saying how to put it there.  Slow: a cold run builds three
# kernels; the work directory is kept between runs (PORTTOOL_CHAIN418_DIR).
. "$(dirname "$0")/lib.sh"

W=${PORTTOOL_CHAIN418_DIR:-$TRASH_ROOT/t0918-work}
TREE=$W/tree
CACHE_TREE=${XDG_CACHE_HOME:-$HOME/.cache}/porttool/trees/v4.18
BASE=$(sed -n 's/^[[:space:]]*commit = \([0-9a-f]*\)$/\1/p' \
	"$PROJECT_DIR/ports/v4.18/port.conf")
CHECKS="qemu-exit no-panic userspace dev-kvm poweroff"

# A kernel tree with the port's base commit in it.
has_base() {
	test -d "$1/.git" && git -C "$1" cat-file -e "$BASE^{commit}" 2>/dev/null
}

if ! has_base "$TREE" && ! has_base "$CACHE_TREE"; then
	echo "# no v4.18 base tree ($BASE) in porttool's cache $CACHE_TREE:"
	echo "# make it with 'porttool tree 4.18 --from CLONE --dir $CACHE_TREE',"
	echo "# CLONE a full clone of github.com/VeriGu/usenix-ae-linux"
	for step in tree apply build-qemu check boot build-kvm boot-kvm \
		    bench-apps build-m400 check-m400; do
		test_skip "chain 4.18: $step" "no v4.18 base tree in porttool's cache"
	done
	test_done
	exit 0
fi

mkdir -p "$W"
: >"$W/times"
rm -f "$W/check.out" "$W/boot.out" "$W/check-m400.out" "$W/bench-apps.out"
rm -rf "$W/apps" "$W/apps.db"

test_expect_success 'chain 4.18: tree copies the cached base tree (once)' '
	if ! has_base "$TREE"; then
		rm -rf "$TREE" &&
		timed tree porttool tree 4.18 --from "$CACHE_TREE" --dir "$TREE" >out
	fi &&
	has_base "$TREE"
'

test_expect_success 'chain 4.18: apply checks the port out on a new branch' '
	branch=sekvm/t0918-$(date +%Y%m%d%H%M%S) &&
	timed apply porttool apply 4.18 --tree "$TREE" --branch "$branch" &&
	test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
	test "$(git -C "$TREE" rev-list --count "$BASE..HEAD")" = \
	     "$(( $(grep -c "^0" "$PROJECT_DIR/ports/v4.18/series") + 1 ))" &&
	echo "$branch" >"$W/branch"
'

test_expect_success 'chain 4.18: build --board qemu makes Image and modules with CONFIG_SEKVM' '
	timed build-qemu porttool build 4.18 --board qemu --tree "$TREE" --out "$W/qemu" >out 2>err &&
	test -s "$W/qemu/arch/arm64/boot/Image" &&
	find "$W/qemu/modules/lib/modules" -name "*.ko" | grep -q . &&
	grep -q "^CONFIG_SEKVM=y" "$W/qemu/.config" &&
	grep -q "^CONFIG_SEKVM_GUEST=y" "$W/qemu/.config"
'

# The corevisor in the 4.18 Image is the one every port embeds.
test_expect_success 'chain 4.18: check passes; the embedded corevisor is the project build' '
	make -s -C "$PROJECT_DIR/corevisor" out/corevisor.elf out/corevisor.bin &&
	timed check porttool check 4.18 --board qemu --out "$W/qemu" >"$W/check.out" 2>err ||
	{ cat err "$W/check.out"; false; }
	cmp "$W/qemu/arch/arm64/kvm/sekvm/corevisor.bin" \
	    "$PROJECT_DIR/corevisor/out/corevisor.bin"
'

test_expect_success 'chain 4.18: boot (SeKVM) passes every check' '
	timed boot porttool boot 4.18 --out "$W/qemu" >"$W/boot.out" 2>err ||
	{ cat err; false; }
'

test_expect_success 'chain 4.18: boot (SeKVM): host attacks refused, the guest boots and is attacked' '
	for c in $CHECKS attack-read-corevisor attack-write-corevisor \
		 attack-hyp-stub-after-install attack-garbage-hypercalls \
		 guest-boot guest-virtio guest-read-private guest-map-other-vm \
		 guest-give-core-page image-bit-flip-refused \
		 image-other-key-refused guest-scrubbed vmid-reused; do
		grep -q "^PASS $c$" "$W/boot.out" || { echo "no PASS $c"; cat "$W/boot.out"; exit 1; }
	done
'

# 0020: debugfs sekvm/stats prints the corevisor's counters (ABI 1.4);
# the boot's initramfs reads every sekvm/ file before the guest runs.
test_expect_success 'chain 4.18: boot (SeKVM): sekvm/stats lists the corevisor counters' '
	sekvm_stats_listed "$W/qemu/boot/serial.log"
'

test_expect_success 'chain 4.18: build --kvm builds the base, without SeKVM' '
	timed build-kvm porttool build 4.18 --kvm --board qemu --tree "$TREE" --out "$W/qemu-kvm" >out 2>err &&
	test -s "$W/qemu-kvm/arch/arm64/boot/Image" &&
	! grep -q "^CONFIG_SEKVM=y" "$W/qemu-kvm/.config"
'

test_expect_success 'chain 4.18: boot --kvm: stock KVM initialises and a guest boots' '
	timed boot-kvm porttool boot 4.18 --kvm --out "$W/qemu-kvm" >out 2>err &&
	for c in $CHECKS kvm-hyp-init guest-boot guest-virtio; do
		grep -q "^PASS $c$" out || { echo "no PASS $c"; cat out; exit 1; }
	done
'

# The apps suite on 4.18 (issue 19): its getrandom() blocks until the
# kernel is seeded and it does not gather jitter itself, so each host's
# script seeds it with haveged before ab and sysbench (which seed
# OpenSSL) run, as the guest's /init seeds the guest's; without that both
# clients waited for ever under both hosts.
test_expect_success 'chain 4.18: bench --suite apps: ab and sysbench finish against the 4.18 guest' '
	timed bench-apps porttool bench 4.18 --suite apps --reps 1 \
		--sekvm-out "$W/qemu" --kvm-out "$W/qemu-kvm" --dir "$W/apps" \
		--db "$W/apps.db" --apps apache,mysql --apache-requests 20 \
		--apache-concurrency 2 --mysql-seconds 2 --client-timeout 200 \
		>"$W/bench-apps.out" 2>err || { cat err "$W/bench-apps.out"; false; } &&
	for k in sekvm kvm; do
		log=$W/apps/apps-$k-1.log &&
		grep -q "^PORTTOOL-BENCH: entropy: this host seeded by haveged in [0-9]* s" "$log" &&
		grep -q "^APPS-VMM: APPS-INIT: entropy: seeded by haveged" "$log" &&
		grep -q "^APPS-HOST: Requests per second: *[0-9]" "$log" &&
		grep -q "^APPS-HOST: *queries: *[1-9][0-9]*  *(" "$log" &&
		! grep -q "apps-error" "$log" || { echo "$k:"; cat "$log"; exit 1; }
	done &&
	sql "$W/apps.db" "select benchmark, hypervisor from measurements where suite = \"apps\" and value > 0 order by benchmark, hypervisor" >rows &&
	test "$(cat rows | tr "\n" " ")" = "apache|kvm apache|sekvm mysql|kvm mysql|sekvm "
'

test_expect_success 'chain 4.18: build --board m400 makes Image and apm-mustang.dtb' '
	timed build-m400 porttool build 4.18 --board m400 --tree "$TREE" --out "$W/m400" >out 2>err &&
	test -s "$W/m400/arch/arm64/boot/Image" &&
	test -s "$W/m400/arch/arm64/boot/dts/apm/apm-mustang.dtb" &&
	grep -q "^CONFIG_ARCH_XGENE=y" "$W/m400/.config" &&
	grep -q "^CONFIG_SEKVM=y" "$W/m400/.config"
'

test_expect_success 'chain 4.18: check --board m400 passes' '
	timed check-m400 porttool check 4.18 --board m400 --out "$W/m400" >"$W/check-m400.out" 2>err ||
	{ cat err "$W/check-m400.out"; false; }
'

chain_summary 4.18 check boot bench-apps check-m400
test_done
