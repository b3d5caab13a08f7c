#!/bin/bash
# mutate.sh [NAME...]: delete each ownership check of the corevisor in
# turn and show which suites catch it.
#
# Each check is named below with the file, the exact code that makes the
# check and what replaces it (the check deleted: its condition made
# false, or the permission made unconditional).  For each one, a copy of
# corevisor/ is mutated under $MUT_DIR and runs
#   host  the host suites (unit, model with MUT_MODEL_CALLS calls, smp),
#   el2   the EL2 test (one image, QEMU, cortex-a72),
#   fuzz  the EL1 fuzzer, MUT_FUZZ_N calls with the fixed seed MUT_SEED;
# a suite that fails catches the mutant.  The unmutated copy runs first
# and must pass all three.  Prints one table row per check and a line
# "mutate: N passed, N failed" (a check no suite catches is a failure;
# so is a pattern that no longer matches the source: update the table).
set -u
cd "$(dirname "$0")/.."
MUT_DIR=${MUT_DIR:-$(mktemp -d)}
MUT_SEED=${MUT_SEED:-0x5eed}
MUT_FUZZ_N=${MUT_FUZZ_N:-20000}
MUT_MODEL_CALLS=${MUT_MODEL_CALLS:-100000}
MUT_SUITES=${MUT_SUITES:-host el2 fuzz}

# name @ file @ code @ replacement  (\n and \t as in the source)
checks=$(cat <<'TABLE'
vm-map-owner @ core/vm_mem.c @ \tif (pg->owner != OWNER_HOST)\n\t\tret = CV_E_DENIED; @ \tif (0)\n\t\tret = CV_E_DENIED;
vm-map-dma @ core/vm_mem.c @ \telse if (pg->share)\n\t\tret = CV_E_STATE; @ \telse if (0)\n\t\tret = CV_E_STATE;
vm-map-ipa-free @ core/vm_mem.c @ \telse if (pgt_lookup(vm->s2_root, ipa) & PTE_VALID) @ \telse if (0)
vm-device-not-ram @ core/vm_mem.c @ \tif (own_is_ram(pa) || is_gich(pa)) @ \tif (0)
host-s2-owner @ core/host_s2.c @ \treturn pg->owner != OWNER_CORE && pg->share; @ \treturn true;
host-s2-gich @ core/host_s2.c @ \t\treturn pa < IPA_LIMIT && !is_gich(pa); @ \t\treturn pa < IPA_LIMIT;
host-buffer-owner @ core/boot.c @ \tif (!pg || pg->owner != OWNER_HOST)\n\t\treturn false; @ \tif (!pg)\n\t\treturn false;
map-vm-off @ core/boot.c @ \tif (vm->state == VM_OFF)\n\t\tret = CV_E_STATE;\n\telse\n\t\tret = vm_map_page @ \tif (0)\n\t\tret = CV_E_STATE;\n\telse\n\t\tret = vm_map_page
unmap-vm-state @ core/boot.c @ \tif ((vm->state != VM_READY && vm->state != VM_OFF) || vm->smmu_ctxs) @ \tif (vm->smmu_ctxs)
unmap-vm-dma @ core/boot.c @ \tif ((vm->state != VM_READY && vm->state != VM_OFF) || vm->smmu_ctxs) @ \tif (vm->state != VM_READY && vm->state != VM_OFF)
device-vm-state @ core/boot.c @ \tif (vm->state != VM_READY && vm->state != VM_VERIFIED)\n\t\tret = CV_E_STATE;\n\telse\n\t\tret = vm_map_device @ \tif (0)\n\t\tret = CV_E_STATE;\n\telse\n\t\tret = vm_map_device
teardown-running @ core/boot.c @ \tif (vm->state == VM_RUNNING || vcpu_active(vm) || vm->smmu_ctxs) @ \tif (vcpu_active(vm) || vm->smmu_ctxs)
teardown-dma @ core/boot.c @ \tif (vm->state == VM_RUNNING || vcpu_active(vm) || vm->smmu_ctxs) @ \tif (vm->state == VM_RUNNING || vcpu_active(vm))
stop-vcpu-active @ core/boot.c @ \tif (vm->state == VM_OFF || vcpu_active(vm)) @ \tif (vm->state == VM_OFF)
run-vm-off @ core/vcpu.c @ (vm->state != VM_RUNNING || v->state != VCPU_READY) @ (v->state != VCPU_READY)
smmu-host-owner @ core/smmu.c @ \telse if (!vm && pg->owner != OWNER_HOST) @ \telse if (0)
smmu-vm-owner @ core/smmu.c @ (pg->owner != vm->vmid || @ (0 ||
smmu-vm-gfn @ core/smmu.c @ pg->gfn != iova >> PAGE_SHIFT || @ 0 ||
smmu-vm-image @ core/smmu.c @ boot_in_image(vm, iova))) @ 0))
smmu-alloc-state @ core/smmu.c @ \t\tif (vm->state != VM_READY && vm->state != VM_VERIFIED)\n\t\t\tret = CV_E_STATE; @ \t\tif (0)\n\t\t\tret = CV_E_STATE;
smmu-free-running @ core/smmu.c @ \tif (vm && vm->state == VM_RUNNING) { @ \tif (0) {
TABLE
)

# mutate FILE CODE REPLACEMENT: replace the one occurrence, or fail
mutate() {
	python3 - "$@" <<'PY'
import sys
path, code, repl = sys.argv[1:4]
dec = lambda s: s.replace('\\n', '\n').replace('\\t', '\t')
code, repl = dec(code), dec(repl)
src = open(path).read()
if src.count(code) != 1:
    sys.exit('pattern found %d times' % src.count(code))
open(path, 'w').write(src.replace(code, repl))
PY
}

# run_suite DIR SUITE: 0 if the suite passes in that copy
run_suite() {
	local d=$1 log=$1/$2.log
	case $2 in
	host)
		make -C "$d" -s host >"$log" 2>&1 &&
		"$d/build/host/test_unit" >>"$log" 2>&1 &&
		"$d/build/host/test_model" "$MUT_MODEL_CALLS" 1 >>"$log" 2>&1 &&
		"$d/build/host/test_smp" >>"$log" 2>&1 ;;
	el2)
		make -C "$d" -s out/el2/test-low.elf >"$log" 2>&1 &&
		: >"$d/out/el2/none.log" &&
		(cd "$d" && test/el2/run.sh out/el2/none.log \
			out/el2/test-low.elf@cortex-a72) >>"$log" 2>&1 ;;
	fuzz)
		make -C "$d" -s fuzz-test FUZZ_N="$MUT_FUZZ_N" \
			FUZZ_SEED="$MUT_SEED" >"$log" 2>&1 ;;
	esac
}

copy() {
	rm -rf "$1" && mkdir -p "$1" &&
	tar -c --exclude=./out --exclude=./build . | tar -x -C "$1"
}

p=0 f=0
base=$MUT_DIR/base
copy "$base"
for s in $MUT_SUITES; do
	if ! run_suite "$base" $s; then
		echo "FAIL mutate: the unmutated corevisor fails $s (see $base/$s.log)"
		echo "mutate: 0 passed, 1 failed"
		exit 1
	fi
done
head="| check | file |" rule="|---|---|"
for s in $MUT_SUITES; do head="$head $s |" rule="$rule---|"; done
echo "$head"
echo "$rule"
while IFS=$'\x01' read -r name file code repl; do
	[ $# = 0 ] || [[ " $* " == *" $name "* ]] || continue
	d=$MUT_DIR/$name
	# the base's build too: only the mutated file is compiled again
	rm -rf "$d" && cp -a "$base" "$d"
	if ! why=$(mutate "$d/$file" "$code" "$repl" 2>&1); then
		echo "| $name | $file | $why | | |"
		f=$((f + 1))
		continue
	fi
	# a mutant that does not build would be "caught" by every suite
	if ! make -C "$d" -s out/corevisor.bin >"$d/build.log" 2>&1; then
		echo "| $name | $file | does not build (see $d/build.log) |"
		f=$((f + 1))
		continue
	fi
	row="| $name | $file |" caught=
	for s in $MUT_SUITES; do
		if run_suite "$d" $s; then
			row="$row - |"
		else
			row="$row caught |" caught=y
		fi
	done
	echo "$row"
	if [ -n "$caught" ]; then p=$((p + 1)); else f=$((f + 1)); fi
done < <(sed 's/ @ /\x01/g' <<<"$checks")
echo "mutate: $p passed, $f failed"
[ "$f" = 0 ]
