# The chain on a Debian kernel line other than 5.10 (t0940: 6.1, t0950:
# 6.12), as t0900 does for 5.10: the base tree (reproducibly, from the
# embedded default), apply, build --board qemu, check (the corevisor
# byte-identical to the 5.10 chain's when that build is there), boot
# (SeKVM: every check 5.10's boot passes, and no kernel warning),
# kvm-arm.mode=protected refused, build --kvm, boot --kvm.
#
# The line's linux-source .deb is 140-155 MB, so by default the chain
# does not download it: it runs when the .deb is already in porttool's
# cache ($XDG_CACHE_HOME/porttool/debian/debs, where 'porttool tree VER'
# leaves it) or when a tree is ($PORTTOOL_TREE_<VER>, or the cache's
# trees/vVER), and otherwise skips, saying how to get it.  With
# PORTTOOL_CHAIN_FETCH=1 (ci/test.sh sets it: CI rebuilds the Debian lines
# from nothing) it downloads the .deb with 'porttool tree' instead.
# The work directory ($PORTTOOL_CHAIN<VER>_DIR; ci/test.sh keeps it in
# porttool's cache) is kept between runs, so the import happens once and a
# second run builds incrementally; a cold run builds two kernels (30-40
# minutes on 2 shared cores).
#
# The test that sources this file sets, before sourcing it:
#   LINE       the kernel line (6.1)
#   W          its work directory, or empty for $TRASH_ROOT/$WORK
#   WORK       the work directory's name under $TRASH_ROOT
#   SRC        where a prepared tree may be
#   KVM_HYP    what the line's stock KVM prints once its EL2 is up
#   KVM_IABT   "fails" when the line's stock KVM injects the wrong ESR for
#              an instruction abort (bm-iabt must then fail with exactly
#              that ESR), "either" when that is what the run records
#   PTRAUTH    1 when the line's qemu config has ARM64_PTR_AUTH: the boot on
#              QEMU's -cpu max must pass every check with host and guest
#              using pointer authentication
#   HVHE       1 when the line has pKVM's hVHE (6.12: arm64_sw.hvhe, and
#              kvm-arm.mode=protected as its alias): both are refused on a
#              VHE CPU (QEMU's -cpu max) and the corevisor owns EL2
# and then calls chain_debian_run.
. "$(dirname "$0")/lib.sh"

W=${W:-$TRASH_ROOT/$WORK}
CONF="$PROJECT_DIR/ports/v$LINE/port.conf"
conf() { git config -f "$CONF" "$1"; }
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/porttool
DEB="$CACHE/debian/debs/$(conf debian.package)_$(conf debian.version)_all.deb"
TREE=$W/tree
TREE_VAR=PORTTOOL_TREE_$(echo "$LINE" | tr . _)
HOWTO="neither $DEB nor a $LINE tree in $SRC: 'porttool tree $LINE' downloads and imports it (a few minutes), or set $TREE_VAR (ports/v$LINE/README.md), or PORTTOOL_CHAIN_FETCH=1 to let the chain download it"
FETCH=${PORTTOOL_CHAIN_FETCH:-0}
CASES="tree-import tree-ids apply build-qemu check boot boot-no-warning protected-refused build-kvm boot-kvm bench"
# The 5.10 chain's work directory (t0900), to compare with.
W510=${PORTTOOL_CHAIN_DIR:-$TRASH_ROOT/t0900-work}
# Every check 5.10's boot passes, by name (the bare-metal guest's too);
# when the 5.10 chain's own boot output is there, every PASS in it.
CHECKS="qemu-exit no-panic userspace dev-kvm poweroff corevisor-memory-reserved
	corevisor-banner host-stage2 kvm-handed-over attack-read-corevisor
	attack-write-corevisor attack-hyp-stub-after-install attack-garbage-hypercalls
	guest-boot guest-virtio guest-read-private guest-map-other-vm guest-give-core-page
	image-bit-flip-refused image-other-key-refused guest-scrubbed vmid-reused
	bm-timer-virt bm-timer-phys bm-timer-phys-tval bm-iabt bm-breakpoint
	bm-watchpoint bm-single-step bm-exit"
# What stock KVM passes on every line (bm-iabt aside: KVM_IABT).
KVM_CHECKS="qemu-exit no-panic userspace dev-kvm poweroff kvm-hyp-init guest-boot
	guest-virtio bm-timer-virt bm-timer-phys bm-timer-phys-tval bm-breakpoint
	bm-watchpoint bm-single-step bm-exit"
# The ESR stock 6.1.192 KVM injects for an instruction abort: inject_abt64()
# ORs the int (ESR_ELx_EC_IABT_CUR << ESR_ELx_EC_SHIFT), 0x84000000,
# sign-extended into its u64 esr, and QEMU keeps the upper half.  5.10 (a
# u32 esr) and the corevisor inject 0x86000010.
IABT_WRONG="FAIL bm-iabt: FAIL iabt: wrong exception: ESR 0xffffffff86000010, expected EC 0x21 FSC 0x10, 0x86000010"

have_src() { git -C "$SRC" rev-parse -q --verify "refs/tags/$(conf base.tag)" >/dev/null 2>&1; }

# An apt configuration whose mirror never answers: proves no download.
offline_apt() {
	mkdir -p "$1/sources.list.d" &&
	printf 'deb http://127.0.0.1:9/debian bookworm main\ndeb http://127.0.0.1:9/debian-security bookworm-security main\n' \
		>"$1/sources.list"
}

# Where this run's tree comes from: kept (an earlier run's), download
# (the .deb, PORTTOOL_CHAIN_FETCH=1), deb (the cached .deb, offline),
# clone (a clone of the line's sources), or none (the chain skips).
tree_source() {
	if test -d "$TREE/.git"; then echo kept
	elif test -f "$DEB"; then echo deb
	elif have_src; then echo clone
	elif test "$FETCH" = 1; then echo download
	else echo none
	fi
}

chain_debian_tree() {
	local how
	case $TREE_SOURCE in
	kept) how="is kept from an earlier run" ;;
	download) how="downloads $(conf debian.package) and imports it" ;;
	deb) how="imports the cached $(conf debian.package) offline" ;;
	clone) how="imports the clone of its sources" ;;
	esac
	test_expect_success "chain $LINE: tree $how" '
		case $TREE_SOURCE in
		kept)
			echo "kept from an earlier run: $TREE" ;;
		download)
			timed tree porttool tree $LINE --dir "$TREE" >out 2>err ||
			{ cat err; false; } &&
			test "$(cat out)" = "$TREE" &&
			grep -q "downloading $(conf debian.package)" err &&
			test -f "$DEB" ;;
		deb)
			offline_apt etc &&
			PORTTOOL_APT_ETC=$PWD/etc timed tree \
				porttool tree $LINE --dir "$TREE" >out 2>err || { cat err; false; } &&
			test "$(cat out)" = "$TREE" &&
			grep -q "using cached $DEB" err &&
			! grep -q "downloading" err ;;
		clone)
			timed tree porttool tree $LINE --from "$SRC" --dir "$TREE" ;;
		esac
	'

	test_expect_success "chain $LINE: tag, commit and tree are those port.conf records" '
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
}

chain_debian_apply_build_check() {
	npatches=$(grep -c "^[0-9].*\.patch$" "$PROJECT_DIR/ports/v$LINE/series")
	test_expect_success "chain $LINE: apply checks the $npatches patches out on a new branch" '
		branch=sekvm/t-chain-$LINE-$(date +%Y%m%d%H%M%S) &&
		timed apply porttool apply $LINE --tree "$TREE" --branch "$branch" >out 2>err ||
		{ cat err; false; } &&
		grep -q "^Applied .*: $npatches patch(es) and the corevisor on $(conf base.tag)" out &&
		test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
		echo "$branch" >"$W/branch"
	'

	test_expect_success "chain $LINE: build --board qemu" '
		timed build-qemu porttool build $LINE --board qemu --tree "$TREE" --out "$W/qemu" >out 2>err ||
		{ tail -n 30 "$W/qemu/build.log"; false; } &&
		test -s "$W/qemu/arch/arm64/boot/Image" &&
		grep -q "^CONFIG_SEKVM=y" "$W/qemu/.config"
	'

	test_expect_success "chain $LINE: check passes; the corevisor is the one every port embeds" '
		make -s -C "$PROJECT_DIR/corevisor" out/corevisor.elf out/corevisor.bin &&
		timed check porttool check $LINE --board qemu --out "$W/qemu" >"$W/check.out" 2>err ||
		{ cat err "$W/check.out"; false; } &&
		bin=$W/qemu/arch/arm64/kvm/sekvm/corevisor.bin &&
		echo "# corevisor.bin sha256 ($LINE): $(sha256sum <"$bin" | cut -d" " -f1)" &&
		grep -q "^corevisor sha256: $(sha256sum <"$bin" | cut -d" " -f1)$" "$W/check.out" &&
		cmp "$bin" "$PROJECT_DIR/corevisor/out/corevisor.bin" &&
		other=$W510/qemu/arch/arm64/kvm/sekvm/corevisor.bin &&
		if test -f "$other"; then
			echo "# corevisor.bin sha256 (5.10): $(sha256sum <"$other" | cut -d" " -f1)" &&
			cmp "$bin" "$other"
		fi
	'
}

chain_debian_boot() {
	test_expect_success "chain $LINE: boot (SeKVM) passes every check 5.10 passes" '
		timed boot porttool boot $LINE --out "$W/qemu" >"$W/boot.out" 2>err ||
		{ cat err "$W/boot.out"; false; } &&
		for c in $CHECKS; do
			grep -q "^PASS $c$" "$W/boot.out" || { echo "no PASS $c"; exit 1; }
		done &&
		if test -f "$W510/boot.out"; then
			sed -n "s/^PASS \([^ ]*\).*/\1/p" "$W510/boot.out" >want &&
			while read -r c; do
				grep -q "^PASS $c\( \|$\)" "$W/boot.out" ||
				{ echo "5.10 passes $c, $LINE does not"; exit 1; }
			done <want
		fi &&
		! grep -q "^FAIL" "$W/boot.out"
	'

	# 6.x shares each VM and vCPU with its own nVHE EL2 (kvm_share_hyp()),
	# whose page tables SeKVM never makes: unsharing them at teardown warned.
	test_expect_success "chain $LINE: the SeKVM boot logs no kernel warning" '
		log=$W/qemu/boot/serial.log &&
		test -s "$log" &&
		grep -q "SeKVM: the corevisor owns EL2" "$log" &&
		if grep -n -A12 "WARNING: CPU\|BUG:" "$log"; then false; fi
	'

	# pKVM and the corevisor cannot both own EL2: the option is refused
	# with a message and the corevisor takes EL2 as without it.
	test_expect_success "chain $LINE: kvm-arm.mode=protected is refused, the corevisor owns EL2" '
		boot_no_root cortex-a72 protected.log kvm-arm.mode=protected &&
		log=$W/protected.log &&
		grep "kvm-arm.mode=protected refused: the SeKVM corevisor owns EL2 (CONFIG_SEKVM)" "$log" &&
		corevisor_owns_el2 "$log" &&
		! grep -i "protected nVHE\|pkvm" "$log"
	'
}

# The SeKVM build booted on QEMU's CPU $1 with command-line options $3 and
# no initramfs: the kernel panics on its missing root, and panic=-1 with
# -no-reboot ends QEMU.  The serial output goes to $W/$2.
boot_no_root() {
	timeout 900 qemu-system-aarch64 -M virt,virtualization=on,gic-version=2 \
		-cpu "$1" -smp 2 -m 1024 -nographic -no-reboot \
		-kernel "$W/qemu/arch/arm64/boot/Image" \
		-append "console=ttyAMA0 $3 panic=-1" >"$W/$2" 2>&1 || :
}

# The corevisor took EL2 on both CPUs (log $1).
corevisor_owns_el2() {
	grep "SeKVM: the corevisor owns EL2" "$1" &&
	grep -c "corevisor ABI v[0-9.]* on cpu [01], host stage-2 on" "$1" >n &&
	test "$(cat n)" = 2
}

# ... and the kernel stayed at EL1 without hVHE.
corevisor_owns_el2_no_hvhe() {
	corevisor_owns_el2 "$1" &&
	! grep "VHE for hypervisor only\|hVHE mode\|protected nVHE\|pKVM" "$1"
}

# pKVM's hVHE (6.12) on a VHE CPU: asked for with arm64_sw.hvhe=1, or as
# kvm-arm.mode=protected's early alias.  Either would have KVM's EL2 run
# with HCR_EL2.E2H; under SeKVM both are refused and the corevisor still
# owns EL2.
chain_debian_hvhe() {
	test "${HVHE:-0}" = 1 || return 0
	test_expect_success "chain $LINE: arm64_sw.hvhe=1 on a VHE CPU is refused, the corevisor owns EL2" '
		boot_no_root max hvhe.log "kvm-arm.mode=nvhe arm64_sw.hvhe=1" &&
		grep "sekvm: arm64_sw.hvhe=1 refused: the SeKVM corevisor owns EL2 (CONFIG_SEKVM)" "$W/hvhe.log" &&
		corevisor_owns_el2_no_hvhe "$W/hvhe.log"
	'

	test_expect_success "chain $LINE: kvm-arm.mode=protected on a VHE CPU is refused without hVHE" '
		boot_no_root max protected-max.log kvm-arm.mode=protected &&
		grep "kvm-arm.mode=protected refused: the SeKVM corevisor owns EL2 (CONFIG_SEKVM)" "$W/protected-max.log" &&
		! grep "arm64_sw.hvhe=1 refused" "$W/protected-max.log" &&
		corevisor_owns_el2_no_hvhe "$W/protected-max.log"
	'
}

# Pointer authentication on both sides of the corevisor (-cpu max has
# it): the host signs with its keys, the guest (this Image) with its own,
# which the corevisor switches on the guest's first use; without that the
# guest's first PACIASP would take an undefined instruction.
chain_debian_ptrauth() {
	test "${PTRAUTH:-0}" = 1 || return 0
	test_expect_success "chain $LINE: boot --cpu max: host and guest sign pointers, every check passes" '
		porttool boot $LINE --cpu max --out "$W/qemu" >"$W/boot-max.out" 2>err ||
		{ cat err "$W/boot-max.out"; false; } &&
		! grep "^FAIL" "$W/boot-max.out" &&
		grep -q "^PASS guest-boot$" "$W/boot-max.out" &&
		log=$W/qemu/boot/serial.log &&
		grep -q "^CPU features: detected: Address authentication" "$log" &&
		grep -q "^SEKVM-GUEST: CPU features: detected: Address authentication" "$log" &&
		if grep -n -A12 "WARNING: CPU\|BUG:\|Internal error" "$log"; then false; fi
	'
}

chain_debian_kvm() {
	test_expect_success "chain $LINE: build --kvm builds the base, the tree is untouched" '
		branch=$(cat "$W/branch") &&
		timed build-kvm porttool build $LINE --kvm --board qemu --tree "$TREE" --out "$W/qemu-kvm" >out 2>err ||
		{ cat err; tail -n 30 "$W/qemu-kvm/build.log"; false; } &&
		test -s "$W/qemu-kvm/arch/arm64/boot/Image" &&
		test "$(git -C "$TREE" symbolic-ref --short HEAD)" = "$branch" &&
		! grep -q "^CONFIG_SEKVM=y" "$W/qemu-kvm/.config"
	'

	test_expect_success "chain $LINE: boot --kvm: stock KVM boots the same guest" '
		{ timed boot-kvm porttool boot $LINE --kvm --out "$W/qemu-kvm" >"$W/boot-kvm.out" 2>err || :; } &&
		for c in $KVM_CHECKS; do
			grep -q "^PASS $c$" "$W/boot-kvm.out" || { cat err "$W/boot-kvm.out"; echo "no PASS $c"; exit 1; }
		done &&
		grep -q "$KVM_HYP" "$W/qemu-kvm/boot/serial.log" &&
		{ grep "^FAIL" "$W/boot-kvm.out" >fails || :; } &&
		if test "$KVM_IABT" = either && grep -q "^PASS bm-iabt$" "$W/boot-kvm.out"; then
			! test -s fails
		else
			echo "$IABT_WRONG" >want &&
			test_cmp want fails
		fi
	'
}

# porttool bench on the line's two kernels, one boot each, as t0920 does
# for 5.10: every workload measured on both, the SeKVM guest told it runs
# under the corevisor, the stock one not.
chain_debian_bench() {
	test_expect_success "chain $LINE: bench: one boot of each kernel measures every workload" '
		rm -rf "$W/bench" &&
		timed bench porttool bench $LINE --sekvm-out "$W/qemu" --kvm-out "$W/qemu-kvm" \
			--reps 1 --db "$W/bench.db" --dir "$W/bench" --json "$W/bench.json" >out 2>err ||
		{ cat out err; false; } &&
		cat out &&
		grep -q "^guest benchmark: v$LINE, SeKVM vs stock KVM, 1 boot each" out &&
		grep -q "sekvm-guest: corevisor ABI v[0-9.]*, DMA buffers shared" "$W/bench/sekvm-1.log" &&
		grep -q "sekvm-guest: not a SeKVM guest" "$W/bench/kvm-1.log" &&
		python3 -c "
import json
r = json.load(open(\"$W/bench.json\"))
assert len(r[\"workloads\"]) == 6, r
for w in r[\"workloads\"]:
    assert w[\"sekvm_median_ns\"] > 0 and w[\"kvm_median_ns\"] > 0, w
"
	'
}

chain_debian_run() {
	test "${HVHE:-0}" = 1 && CASES="$CASES hvhe-refused protected-max-refused"
	test "${PTRAUTH:-0}" = 1 && CASES="$CASES boot-cpu-max-ptrauth"
	TREE_SOURCE=$(tree_source)
	if test "$TREE_SOURCE" = none; then
		for c in $CASES; do test_skip "chain $LINE: $c" "$HOWTO"; done
		test_done
		exit
	fi
	mkdir -p "$W"
	: >"$W/times"
	rm -f "$W/check.out" "$W/boot.out" "$W/boot-kvm.out"
	chain_debian_tree
	chain_debian_apply_build_check
	chain_debian_boot
	chain_debian_hvhe
	chain_debian_ptrauth
	chain_debian_kvm
	chain_debian_bench
	chain_summary "$LINE" check boot boot-kvm
	test_done
}
