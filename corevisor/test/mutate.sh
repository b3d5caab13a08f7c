#!/bin/bash
# mutate.sh [NAME...]: delete each ownership check of the corevisor in
# turn and show which suites catch it.
#
# Each check is named below with the file, the exact code that makes the
# check and what replaces it (the check deleted: its condition made
# false, or the permission made unconditional).  For each one, a copy of
# corevisor/ is mutated under $MUT_DIR and runs
#   host  the host suites (unit, holes, smp, model with MUT_MODEL_CALLS
#         calls; the log of each row says which one failed),
#   el2   the EL2 test (one image, QEMU, cortex-a72),
#   fuzz  the EL1 fuzzer, MUT_FUZZ_N calls with the fixed seed MUT_SEED;
# a suite that fails catches the mutant.  The unmutated copy runs first
# and must pass all three.  Prints one table row per check and a line
# "mutate: N passed, N failed" (a check no suite catches is a failure;
# so is a pattern that no longer matches the source: update the table).
# Table rows starting with # are not run; the comment above each says why.
set -u
cd "$(dirname "$0")/.."
MUT_DIR=${MUT_DIR:-$(mktemp -d)}
MUT_SEED=${MUT_SEED:-0x5eed}
MUT_FUZZ_N=${MUT_FUZZ_N:-20000}
MUT_MODEL_CALLS=${MUT_MODEL_CALLS:-100000}
MUT_SUITES=${MUT_SUITES:-host el2 fuzz}
# a host suite that runs longer hangs: the mutant is caught
MUT_TIMEOUT=${MUT_TIMEOUT:-300}

# name @ file @ code @ replacement  (\n and \t as in the source)
checks=$(cat <<'TABLE'
host-s2-gich @ core/page_state.c @ pa < IPA_LIMIT && !is_gich(pa) && @ pa < IPA_LIMIT &&
host-s2-smmu @ core/page_state.c @ && !is_smmu(pa); @ ;
host-s2-core @ core/page_state.c @ \treturn page_kind(pg) != PAGE_CORE && page_kind(pg) != PAGE_VM; @ \treturn page_kind(pg) != PAGE_VM;
host-s2-vm @ core/page_state.c @ \treturn page_kind(pg) != PAGE_CORE && page_kind(pg) != PAGE_VM; @ \treturn page_kind(pg) != PAGE_CORE;
host-buffer-owner @ core/page_state.c @ \tif (!pg || pg->owner != OWNER_HOST)\n\t\treturn false; @ \tif (!pg)\n\t\treturn false;
host-buffer-len @ core/page_state.c @ \treturn (pa & ~PAGE_MASK) + len <= PAGE_SIZE; @ \treturn true;
vm-map-ram @ core/page_state.c @ \tif (ipa >= IPA_LIMIT || !own_is_ram(pa)) @ \tif (ipa >= IPA_LIMIT)
vm-map-owner @ core/page_state.c @ \tif (pg->owner != OWNER_HOST)\n\t\tret = CV_E_DENIED; @ \tif (0)\n\t\tret = CV_E_DENIED;
vm-map-dma @ core/page_state.c @ \telse if (page_kind(pg) != PAGE_HOST)\n\t\tret = CV_E_STATE; @ \telse if (0)\n\t\tret = CV_E_STATE;
vm-map-ipa-free @ core/page_state.c @ \telse if (pgt_mapped(vm->s2_root, ipa)) @ \telse if (0)
vm-map-nomem @ core/page_state.c @ \telse if (pgt_tables_needed(vm->s2_root, ipa) >\n\t\t (int)pool_free_pages(&vm->pool))\n\t\tret = CV_E_NOMEM;\n\tif (!ret) { @ \telse if (0)\n\t\tret = CV_E_NOMEM;\n\tif (!ret) {
share-twice @ core/page_state.c @ \telse if (page_kind(pg) == want)\n\t\tret = CV_E_STATE; @ \telse if (0)\n\t\tret = CV_E_STATE;
unshare-revoke @ core/page_state.c @ \t\tif (!shared)\n\t\t\thost_s2_unmap(pa); @ 
reclaim-owner @ core/page_state.c @ \t\t\tif (pg->owner != vm->vmid)\n\t\t\t\tcontinue; @ \t\t\tif (0)\n\t\t\t\tcontinue;
device-ram @ core/page_state.c @ \tif (own_is_ram(pa) || is_gich(pa) || is_smmu(pa)) @ \tif (is_gich(pa) || is_smmu(pa))
device-gich @ core/page_state.c @ \tif (own_is_ram(pa) || is_gich(pa) || is_smmu(pa)) @ \tif (own_is_ram(pa) || is_smmu(pa))
device-smmu @ core/page_state.c @ \tif (own_is_ram(pa) || is_gich(pa) || is_smmu(pa)) @ \tif (own_is_ram(pa) || is_gich(pa))
device-ipa-free @ core/page_state.c @ \tif (pgt_mapped(vm->s2_root, ipa))\n\t\tret = CV_E_STATE;\n\telse if @ \tif (0)\n\t\tret = CV_E_STATE;\n\telse if
device-nomem @ core/page_state.c @ \telse if (pgt_tables_needed(vm->s2_root, ipa) >\n\t\t (int)pool_free_pages(&vm->pool))\n\t\tret = CV_E_NOMEM;\n\telse if @ \telse if (0)\n\t\tret = CV_E_NOMEM;\n\telse if
host-dma-owner @ core/page_state.c @ \tif (pg->owner != OWNER_HOST)\n\t\treturn CV_E_DENIED; @ \tif (0)\n\t\treturn CV_E_DENIED;
host-dma-max @ core/page_state.c @ \treturn pg->share == SHARE_MAX ? CV_E_NOMEM : 0; @ \treturn 0;
vm-dma-off @ core/page_state.c @ \tif (vm->state == VM_OFF)\n\t\treturn CV_E_STATE; @ \tif (0)\n\t\treturn CV_E_STATE;
vm-dma-owner @ core/page_state.c @ \tif (pg->owner != vm->vmid || pg->gfn @ \tif (0 || pg->gfn
vm-dma-gfn @ core/page_state.c @ pg->gfn != iova >> PAGE_SHIFT || @ 0 ||
vm-dma-image @ core/page_state.c @ \t    vm_in_image(vm, iova)) @ \t    0)
vm-dma-consent @ core/page_state.c @ \tif (vm->state == VM_RUNNING && page_kind(pg) != PAGE_VM_SHARED) @ \tif (0)
list-ram @ core/page_state.c @ \tpg = own_page(pa);\n\tif (!pg)\n\t\treturn CV_E_RANGE; @ \tpg = own_page(pa);
list-owner @ core/page_state.c @ \tdefault:\n\t\treturn CV_E_DENIED; @ \tdefault:\n\t\tbreak;
list-dma @ core/page_state.c @ \tcase PAGE_HOST_DMA:\n\t\treturn CV_E_STATE; @ \tcase PAGE_HOST_DMA:\n\t\tbreak;
list-ipa-free @ core/page_state.c @ \tif (pgt_mapped(vm->s2_root, ipa))\n\t\treturn CV_E_STATE; @ \tif (0)\n\t\treturn CV_E_STATE;
list-nomem @ core/page_state.c @ \t\tif (!ret && !room &&\n @ \t\tif (0 && !room &&\n
list-unclaim @ core/page_state.c @ \t\tunclaim(pa, i - 1);\n @ 
list-tlbi @ core/host_s2.c @ \tmachine_tlbi_vmid(hw_root);\n\tstat_since @ \tstat_since
stat-cpu @ core/stats.c @ \tif (cpu >= core.nr_cpus || id >= CV_STAT_NR) @ \tif (id >= CV_STAT_NR)
stat-id @ core/stats.c @ \tif (cpu >= core.nr_cpus || id >= CV_STAT_NR) @ \tif (cpu >= core.nr_cpus)
vcpu-register-state @ core/vm.c @ \telse if (vm->state != VM_READY && vm->state != VM_VERIFIED)\n\t\tret = CV_E_STATE;\n\telse if (vm->vcpu @ \telse if (0)\n\t\tret = CV_E_STATE;\n\telse if (vm->vcpu
vcpu-register-once @ core/vm.c @ \telse if (vm->vcpu[idx].state != VCPU_NONE) @ \telse if (0)
key-state @ core/vm.c @ \tif (vm->state != VM_READY || vm->key_set) @ \tif (vm->key_set)
key-once @ core/vm.c @ \tif (vm->state != VM_READY || vm->key_set) @ \tif (vm->state != VM_READY)
image-state @ core/vm.c @ \telse if (vm->state != VM_READY || !vm->key_set ||\n\t\t vm->image[slot].size) @ \telse if (!vm->key_set ||\n\t\t vm->image[slot].size)
image-once @ core/vm.c @ \telse if (vm->state != VM_READY || !vm->key_set ||\n\t\t vm->image[slot].size) @ \telse if (vm->state != VM_READY || !vm->key_set)
load-full @ core/vm.c @ \t\t    img->next == img->size >> PAGE_SHIFT) @ \t\t    0)
verify-state @ core/vm.c @ \tif (vm->state != VM_READY || !vm->key_set)\n\t\tret = CV_E_STATE;\n\tfor @ \tif (!vm->key_set)\n\t\tret = CV_E_STATE;\n\tfor
verify-loaded @ core/vm.c @ \t\tif (img->next != img->size >> PAGE_SHIFT) @ \t\tif (0)
verify-sig @ core/vm.c @ \t\telse if (!image_ok(vm, img)) @ \t\telse if (0)
verify-any @ core/vm.c @ \tif (!ret && !nr) @ \tif (0)
power-on-state @ core/vm.c @ \telse if (vm->state != VM_VERIFIED || v->state != VCPU_STOPPED) @ \telse if (v->state != VCPU_STOPPED)
power-on-entry @ core/vm.c @ \telse if (!vm_in_image(vm, entry)) @ \telse if (0)
stop-twice @ core/vm.c @ \tif (vm->state == VM_OFF || vcpu_active(vm)) @ \tif (vcpu_active(vm))
stop-vcpu-active @ core/vm.c @ \tif (vm->state == VM_OFF || vcpu_active(vm)) @ \tif (vm->state == VM_OFF)
teardown-running @ core/vm.c @ \tif (vm->state == VM_RUNNING || vcpu_active(vm)) @ \tif (vcpu_active(vm))
teardown-vcpu-active @ core/vm.c @ \tif (vm->state == VM_RUNNING || vcpu_active(vm)) @ \tif (vm->state == VM_RUNNING)
teardown-smmu @ core/vm.c @ \tsmmu_unbind_vm(vm);\n @ 
teardown-wipe-vcpu @ core/vm.c @ \tcv_memset(vm->vcpu, 0, CV_MAX_VCPUS * sizeof(*vm->vcpu)); @ 
reset-cut @ core/vm.c @ \t\tpgs_cut_vm(vm);\n @ 
reset-scrub @ core/vm.c @ \tfor (i = 0; i < CV_MAX_VMS; i++)\n\t\tdestroy_when_idle(&core.vm[i]); @ 
unmap-vm-state @ core/vm.c @ \tif ((vm->state != VM_READY && vm->state != VM_OFF) || vm->smmu_ctxs || @ \tif (vm->smmu_ctxs ||
unmap-vm-dma @ core/vm.c @ \tif ((vm->state != VM_READY && vm->state != VM_OFF) || vm->smmu_ctxs || @ \tif ((vm->state != VM_READY && vm->state != VM_OFF) ||
unmap-vcpu-active @ core/vm.c @ || vm->smmu_ctxs ||\n\t    vcpu_active(vm)) @ || vm->smmu_ctxs)
list-count @ core/vm.c @ \tif (n < 1 || n > CV_MAP_PAGES_MAX || ipa @ \tif (n < 1 || ipa
list-block @ core/vm.c @ \tif (ipa >> 21 != (ipa + (n - 1) * PAGE_SIZE) >> 21)\n\t\treturn CV_E_INVAL; @ \tif (0)\n\t\treturn CV_E_INVAL;
list-vm-off @ core/vm.c @ \tif (vm->state == VM_OFF) {\n\t\tlock_give(&vm->lock);\n\t\treturn CV_E_STATE; @ \tif (0) {\n\t\tlock_give(&vm->lock);\n\t\treturn CV_E_STATE;
map-vm-off @ core/vm.c @ \tif (vm->state == VM_OFF)\n\t\tret = CV_E_STATE;\n\telse\n\t\tret = pgs_host_to_vm(vm @ \tif (0)\n\t\tret = CV_E_STATE;\n\telse\n\t\tret = pgs_host_to_vm(vm
device-vm-state @ core/vm.c @ \tif (vm->state != VM_READY && vm->state != VM_VERIFIED)\n\t\tret = CV_E_STATE;\n\telse\n\t\tret = pgs_map_device @ \tif (0)\n\t\tret = CV_E_STATE;\n\telse\n\t\tret = pgs_map_device
run-vm-state @ core/vcpu.c @ (vm->state != VM_RUNNING || v->state != VCPU_READY)) @ (v->state != VCPU_READY))
run-vcpu-ready @ core/vcpu.c @ (vm->state != VM_RUNNING || v->state != VCPU_READY)) @ (vm->state != VM_RUNNING))
run-stopped-reenter @ core/vcpu.c @ \t\tif (!ret && machine_load_acquire(&vm->state) != VM_RUNNING) { @ \t\tif (0) {
answer-mmio @ core/vcpu.c @ \t\treturn v->pending == PEND_ABORT && v->fault_esr & ESR_ISV &&\n\t\t\tESR_EC(v->fault_esr) == EC_DABT_LOW ? 0 : CV_E_STATE; @ \t\treturn 0;
answer-dabt @ core/vcpu.c @ \t\treturn v->pending == PEND_ABORT ? 0 : CV_E_STATE; @ \t\treturn 0;
answer-hvc @ core/vcpu.c @ \t\treturn v->pending == PEND_HVC ? 0 : CV_E_STATE; @ \t\treturn 0;
vcpu-exists @ core/vcpu.c @ \tif ((*v)->state == VCPU_NONE)\n\t\tgoto fail; @ \tif (0)\n\t\tgoto fail;
vcpu-idle @ core/vcpu.c @ \tif (vm && (*v)->state == VCPU_ACTIVE) { @ \tif (0) {
get-virq-lr @ core/vcpu.c @ \tif (lr < core.nr_lrs) @ \tif (1)
set-virq-lr @ core/vcpu.c @ \tif (lr >= core.nr_lrs) @ \tif (0)
set-virq-valid @ core/vcpu.c @ \telse if (!lr_valid(val)) @ \telse if (0)
run-lrs-check @ core/vcpu.c @ \tif (!ret && lrs)\n\t\tret = check_lrs(lrs); @ 
run-lrs-range @ core/vcpu.c @ \t\tif (i >= core.nr_lrs)\n\t\t\treturn CV_E_RANGE; @ 
run-lrs-valid @ core/vcpu.c @ \t\tif (!lr_valid(val))\n\t\t\treturn CV_E_INVAL; @ 
cpu-on-range @ core/vcpu.c @ \tif (target >= CV_MAX_VCPUS)\n\t\treturn; @ 
cpu-on-stopped @ core/vcpu.c @ \tif (vm->vcpu[target].state != VCPU_STOPPED)\n\t\treturn; @ 
smmu-alloc-state @ core/smmu.c @ \t\tif (vm->state != VM_READY)\n\t\t\tret = CV_E_STATE; @ \t\tif (0)\n\t\t\tret = CV_E_STATE;
smmu-alloc-used @ core/smmu.c @ \tif (!ret && ctxs[ctx].used) @ \tif (0)
smmu-ctx-recheck @ core/smmu.c @ \tif (c->used && c->vmid == vmid) { @ \tif (1) {
smmu-free-running @ core/smmu.c @ \tif (vm && vm->state == VM_RUNNING) { @ \tif (0) {
smmu-unbind-owner @ core/smmu.c @ \t\tif (!c->used || c->vmid != vm->vmid) @ \t\tif (!c->used)
smmu-map-ram @ core/smmu.c @ \tif (iova >= IPA_LIMIT || !own_is_ram(pa)) @ \tif (iova >= IPA_LIMIT)
smmu-map-iova-free @ core/smmu.c @ \tif (pgt_mapped(c->root, iova))\n\t\tret = CV_E_STATE; @ \tif (0)\n\t\tret = CV_E_STATE;
smmu-map-check @ core/smmu.c @ \t\tret = vm ? pgs_vm_dma_check(vm, pg, iova) :\n\t\t\t   pgs_host_dma_check(pg); @ \t\tret = 0;
smmu-map-nomem @ core/smmu.c @ \tif (!ret && pgt_tables_needed(c->root, iova) > @ \tif (0 && pgt_tables_needed(c->root, iova) >
install-gate @ core/hypercall.c @ \treturn machine_load_acquire(&core.nr_up) == core.nr_cpus && @ \treturn 1 &&
reset-gate @ core/hypercall.c @ &&\n\t       !machine_load_acquire(&core.resetting); @ ;
# Not a check: core_host_hvc is reached only through the runtime vectors,
# which trap.c installs after core_init_cpu set cpu_up for that CPU, and
# cpu_up is never cleared; a CPU that is not installed takes its HVCs at
# the init vectors.  Kept here (commented out) so nobody adds it back.
#hvc-cpu-up @ core/hypercall.c @ \tif (cpu >= CV_MAX_CPUS || !core.cpu_up[cpu]) { @ \tif (cpu >= CV_MAX_CPUS) {
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

# host_suite DIR NAME [ARGS]: build one host suite and run it
host_suite() {
	local d=$1 t=$2 log=$1/host.log

	shift 2
	echo "-- $t" >>"$log"
	make -C "$d" -s "build/host/test_$t" >>"$log" 2>&1 &&
	timeout "$MUT_TIMEOUT" "$d/build/host/test_$t" "$@" >>"$log" 2>&1
}

# run_suite DIR SUITE: 0 if the suite passes in that copy
run_suite() {
	local d=$1 log=$1/$2.log
	case $2 in
	host)
		# cheapest first, each built when its turn comes: the first
		# suite that fails ends the row (its name is the last "--"
		# line of host.log)
		: >"$log"
		host_suite "$d" unit && host_suite "$d" holes &&
		host_suite "$d" smp &&
		host_suite "$d" model "$MUT_MODEL_CALLS" 1 ;;
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
done < <(sed -e '/^#/d' -e 's/ @ /\x01/g' <<<"$checks")
echo "mutate: $p passed, $f failed"
[ "$f" = 0 ]
