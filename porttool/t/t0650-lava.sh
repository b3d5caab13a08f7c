#!/bin/bash
# porttool lava: the jobs it writes (checked with LAVA's own schema from
# lava-common, and by lava-run --validate for the qemu job with the device
# porttool writes), its errors, and --results reading LAVA's logs and
# results files into the bench database.  t0925 runs a job for real.
. "$(dirname "$0")/lib.sh"

# busybox-static is downloaded once and kept across runs (as t0620's).
export XDG_CACHE_HOME="$TRASH_ROOT/cache-boot"
LAVA_PY=/usr/bin/python3

have_lava_common() { "$LAVA_PY" -c 'import lava_common.schemas' 2>/dev/null; }

# validate JOB: LAVA's schema for job definitions, strict as a server is.
validate() {
	"$LAVA_PY" -c 'import sys, yaml
from lava_common.schemas import validate
validate(yaml.safe_load(open(sys.argv[1])), strict=True)' "$1"
}

# fake_build DIR [DTB]: a build directory with an "Image" (the job's
# preparation signs and copies it; nothing boots it here) and a DTB.
fake_build() {
	mkdir -p "$1/arch/arm64/boot" &&
	head -c 65536 /dev/zero >"$1/arch/arm64/boot/Image" &&
	if [ -n "${2:-}" ]; then
		mkdir -p "$1/$(dirname "$2")" && echo dtb >"$1/$2"
	fi
}

test_expect_success 'lava: no version is a usage error' '
	test_expect_code 2 porttool lava 2>err && grep -q "^usage: porttool lava" err
'

test_expect_success 'lava: an unknown board is an error naming the known ones' '
	test_expect_code 1 porttool lava 5.10 --board vax --build-dir . 2>err &&
	grep -q "unknown board .vax." err && grep -q "pi4b" err
'

test_expect_success 'lava: an unknown suite is a usage error' '
	test_expect_code 2 porttool lava 5.10 --suite apache 2>err &&
	grep -q "suite .apache.: boot, guest or micro" err
'

test_expect_success 'lava: a missing build says which build to run' '
	mkdir empty &&
	test_expect_code 1 porttool lava 5.10 --build-dir empty --out out 2>err &&
	grep -q "no kernel at .*empty/arch/arm64/boot/Image; run .porttool build 5.10 --board qemu. first" err &&
	test_expect_code 1 porttool lava 5.10 --kvm --board m400 --build-dir empty 2>err &&
	grep -q "run .porttool build 5.10 --board m400 --kvm. first" err &&
	test ! -e out
'

test_expect_success 'lava: a board build without its DTB is an error' '
	fake_build b &&
	test_expect_code 1 porttool lava 5.10 --board pi4b --build-dir b --out out 2>err &&
	grep -q "no DTB at .*b/arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dtb" err
'

test_expect_success 'lava: a bench suite needs the initramfs porttool bench made' '
	fake_build b &&
	test_expect_code 1 porttool lava 5.10 --suite guest --build-dir b --out out 2>err &&
	grep -q "no guest initramfs at .*b/bench/guest-initramfs.cpio; run .porttool bench 5.10 --suite guest." err &&
	test_expect_code 2 porttool lava 5.10 --initrd x --build-dir b 2>err &&
	grep -q "initrd is for --suite guest or micro" err
'

if have_lava_common; then
	test_expect_success 'lava: the qemu boot job validates, and lava-run accepts it with its device' '
		fake_build b &&
		porttool lava 5.10 --build-dir b --out out >res &&
		grep -q "^LAVA job: $PWD/out/job.yaml" res &&
		grep -q "^LAVA device: $PWD/out/device.yaml" res &&
		validate out/job.yaml &&
		cmp b/arch/arm64/boot/Image out/Image &&
		grep -q "url: \"file://$PWD/out/Image\"" out/job.yaml &&
		grep -q "porttool.lava" out/job.yaml &&
		grep -q "^  connection: {minutes: 60}" out/job.yaml &&
		grep -q "name: porttool_5.10_qemu_sekvm_boot" out/job.yaml &&
		grep -q -- "-machine virt,virtualization=on,gic-version=2" out/device.yaml &&
		if [ "$(id -u)" = 0 ] && command -v lava-run >/dev/null; then
			lava-run --validate --job-id 1 --output-dir "$PWD/val" \
				--device out/device.yaml out/job.yaml 2>val.log &&
			grep -q "\"case\": \"validate\", \"definition\": \"lava\", \"result\": \"pass\"" val.log
		fi
	'

	test_expect_success 'lava: the SeKVM initramfs carries the guest signatures, no private key is left in OUT' '
		test -f ../7/out/initramfs.cpio &&
		cpio -it --quiet <../7/out/initramfs.cpio >list &&
		grep -qx init list && grep -qx guest/vm.pub list &&
		grep -qx guest/Image.sig list && grep -qx bin/vmm list &&
		! grep "\.key$" list &&
		find ../7/out >files && ! grep "\.key$" files &&
		! grep -q initramfs/ files
	'

	test_expect_success 'lava: the pi4b and m400 jobs validate and follow LAVA device types' '
		fake_build pi arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dtb &&
		fake_build m4 arch/arm64/boot/dts/apm/apm-mustang.dtb &&
		porttool lava 5.10 --kvm --board pi4b --build-dir pi --out pi-out \
			--url-base http://lab.example.org/sekvm/ >res &&
		porttool lava 5.10 --kvm --board m400 --build-dir m4 --out m4-out \
			--url-base http://lab.example.org/m400 >>res &&
		validate pi-out/job.yaml && validate m4-out/job.yaml &&
		grep -q "^device_type: \"bcm2711-rpi-4-b\"" pi-out/job.yaml &&
		grep -q "^device_type: \"mustang\"" m4-out/job.yaml &&
		grep -q "url: \"http://lab.example.org/sekvm/bcm2711-rpi-4-b.dtb\"" pi-out/job.yaml &&
		grep -q "url: \"http://lab.example.org/m400/apm-mustang.dtb\"" m4-out/job.yaml &&
		grep -q "method: u-boot" m4-out/job.yaml &&
		grep -q "to: tftp" pi-out/job.yaml &&
		grep -q "name: porttool_5.10_m400_kvm_boot" m4-out/job.yaml &&
		test -f pi-out/bcm2711-rpi-4-b.dtb && test ! -e pi-out/device.yaml
	'

	test_expect_success 'lava: a schema-breaking job is caught by the check the tests use' '
		fake_build b &&
		porttool lava 5.10 --kvm --board qemu --build-dir b --out out >/dev/null &&
		sed "s/^visibility: public/visibility: everyone/" out/job.yaml >bad.yaml &&
		! validate bad.yaml 2>err && grep -q visibility err
	'

	test_expect_success 'lava: the bench suites use porttool bench'"'"'s initramfs' '
		fake_build b && mkdir b/bench && echo cpio >b/bench/micro-initramfs.cpio &&
		porttool lava 5.10 --suite micro --build-dir b --out out >/dev/null &&
		validate out/job.yaml && cmp b/bench/micro-initramfs.cpio out/initramfs.cpio &&
		grep -q "micro.iters=65536" out/job.yaml &&
		grep -q -- "-icount shift=0,sleep=off" out/device.yaml &&
		grep -q "MICRO-RESULT name=" out/job.yaml
	'

	# monitor JOB LOG: the test cases the job's monitors take from a
	# serial log, as lava-dispatcher's TestMonitorAction does: per
	# monitor, from its start string, each pattern match up to its end.
	monitor() {
		"$LAVA_PY" -c 'import re, sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
log = open(sys.argv[2], newline="").read()
pos = 0
for m in next(a["test"] for a in job["actions"] if "test" in a)["monitors"]:
    pos = log.index(m["start"], pos) + len(m["start"])
    end = log.index(m["end"], pos)
    for c in re.finditer(m["pattern"], log[pos:end]):
        g = c.groupdict()
        print(m["name"], g["test_case_id"], g.get("result") or "pass",
              g.get("measurement") or "", g.get("units") or "")
    pos = end + len(m["end"])' "$1" "$2"
	}

	test_expect_success 'lava: the micro job'"'"'s monitor takes every result of a real micro log' '
		fake_build b && mkdir b/bench && echo cpio >b/bench/micro-initramfs.cpio &&
		porttool lava 5.10 --suite micro --build-dir b --out out >/dev/null &&
		monitor out/job.yaml "$T_DIR/bench-logs/micro-sekvm-1.log" >cases &&
		cat cases && test $(wc -l <cases) = 6 &&
		for n in hvc mmio-kernel mmio-user ipi eoi s2fault; do
			grep -E "^porttool_5.10_qemu_sekvm_micro $n pass [0-9]+ ticks$" cases ||
				exit 1
		done
	'

	test_expect_success 'lava: the guest and boot jobs'"'"' monitors take what the initramfs prints' '
		fake_build b && mkdir b/bench && echo cpio >b/bench/guest-initramfs.cpio &&
		porttool lava 5.10 --suite guest --kvm --build-dir b --initrd b/bench/guest-initramfs.cpio \
			--out guest >/dev/null &&
		printf "%s\r\r\n" "PORTTOOL-BENCH: vmm start" \
			"BENCH-VMM: BENCH-RESULT name=mem ns=1234567 size=64MiB" \
			"BENCH-VMM: BENCH-ERROR name=virtio: no /dev/hvc0" \
			"BENCH-VMM: BENCH-RESULT name=mmio ns=42 size=4KiB" \
			"PORTTOOL-BENCH: done" >guest.log &&
		monitor guest/job.yaml guest.log >cases &&
		printf "porttool_5.10_qemu_kvm_guest %s pass %s ns\n" mem 1234567 mmio 42 >expect &&
		test_cmp expect cases &&
		porttool lava 5.10 --kvm --build-dir b --out boot >/dev/null &&
		printf "%s\r\r\n" "PORTTOOL-LAVA: checks begin" \
			"PORTTOOL-LAVA-CASE: dev-kvm result=pass" \
			"PORTTOOL-LAVA-CASE: guest-boot result=fail" \
			"PORTTOOL-LAVA: checks end" "PORTTOOL-LAVA: figures begin" \
			"PORTTOOL-LAVA-CASE: host-userspace measurement=3.14 units=s" \
			"PORTTOOL-LAVA: figures end" >boot.log &&
		monitor boot/job.yaml boot.log >cases &&
		printf "porttool_5.10_qemu_kvm_boot %s\n" "dev-kvm pass  " "guest-boot fail  " \
			"host-userspace pass 3.14 s" >expect &&
		test_cmp expect cases
	'
else
	test_skip "lava: the generated jobs against LAVA's schema" \
		"no lava_common for $LAVA_PY (ci/deps.sh installs lava-common)"
fi

# A lava-run log as lava-run writes it (its stderr): one flow mapping a
# line; the measurement tagged as LAVA's YAML dumper tags it.
write_log() {
	cat >"$1" <<-\EOF
	{"dt": "2026-12-06T04:19:25.845351", "lvl": "results", "msg": {"case": "validate", "definition": "lava", "result": "pass"}}
	{"dt": "2026-12-06T04:20:29.000000", "lvl": "target", "msg": "PORTTOOL-LAVA-CASE: userspace result=pass"}
	{"dt": "2026-12-06T04:20:29.268660", "lvl": "results", "msg": {"case": "userspace", "definition": "porttool_5.10_qemu_sekvm_boot", "extra": {"test_case_id": "userspace"}, "level": "3.1", "result": "pass"}}
	{"dt": "2026-12-06T04:20:29.312062", "lvl": "results", "msg": {"case": "guest_boot", "definition": "porttool_5.10_qemu_sekvm_boot", "extra": {"test_case_id": "guest-boot"}, "level": "3.1", "result": "fail"}}
	{"dt": "2026-12-06T04:26:38.600525", "lvl": "results", "msg": {"case": "guest_up", "definition": "porttool_5.10_qemu_sekvm_boot", "extra": {"test_case_id": "guest-up"}, "level": "3.1", "measurement": ! "33.0", "result": "pass", "units": "s"}}
	{"dt": "2026-12-06T04:26:38.700000", "lvl": "results", "msg": {"case": "other", "definition": "0_smoke", "result": "pass"}}
	{"dt": "2026-12-06T04:20:33.909836", "lvl": "results", "msg": {"case": "job", "definition": "lava", "result": "pass"}}
	EOF
}

test_expect_success 'lava --results: a lava-run log into the database; a failed case fails' '
	mkdir run && write_log run/lava.log &&
	test_expect_code 1 porttool lava --results run --db db.sqlite >res 2>err &&
	grep -q "^5.10 qemu sekvm guest-up: 33 s" res &&
	grep -q "^5.10 qemu sekvm guest-boot: fail" res &&
	grep -q "^3 test cases: 1 measurements, 1 failed; LAVA job: pass" res &&
	sql db.sqlite "select line, board, hypervisor, suite, benchmark, value, unit, source
		       from measurements" >rows &&
	echo "5.10|qemu|sekvm|boot|guest-up|33.0|s|lava $PWD/run/lava.log" >expect &&
	test_cmp expect rows &&
	sql db.sqlite "select line, hypervisor, reason, log from failures" >fails &&
	echo "5.10|sekvm|LAVA test case guest-boot failed|$PWD/run/lava.log" >expect &&
	test_cmp expect fails
'

test_expect_success 'lava --results: a server results export (numbered suites) and a failed job' '
	cat >results.yaml <<-\EOF &&
	- {suite: 1_porttool_5.10_pi4b_kvm_micro, name: hvc, result: pass, measurement: "123456.0000000000", unit: ticks}
	- {suite: 1_porttool_5.10_pi4b_kvm_micro, name: ipi, result: pass, measurement: "98765", unit: ticks}
	- {suite: lava, name: job, result: fail, metadata: {error_msg: "bootloader-interrupt timed out"}}
	EOF
	test_expect_code 1 porttool lava --results results.yaml --db db.sqlite >res 2>err &&
	grep -q "LAVA job failed: bootloader-interrupt timed out" err &&
	sql db.sqlite "select board, hypervisor, suite, benchmark, value, unit from measurements
		       order by benchmark" >rows &&
	printf "%s\n" "pi4b|kvm|micro|hvc|123456.0|ticks" "pi4b|kvm|micro|ipi|98765.0|ticks" >expect &&
	test_cmp expect rows &&
	sql db.sqlite "select reason from failures" >fails &&
	echo "LAVA job failed: bootloader-interrupt timed out" >expect && test_cmp expect fails
'

test_expect_success 'lava --results: bad input is an error naming the file and where; nothing stored' '
	printf "{\"lvl\": \"results\", \"msg\": {\"case\": \"x\"\n" >broken.log &&
	test_expect_code 1 porttool lava --results broken.log --db db.sqlite 2>err &&
	grep -q "broken.log:1: not YAML" err &&
	printf "%s\n" "{\"lvl\": \"results\", \"msg\": {\"case\": \"x\", \"definition\": \"porttool_5.10_qemu_kvm_boot\", \"result\": \"pass\", \"measurement\": \"fast\"}}" >badnum.log &&
	test_expect_code 1 porttool lava --results badnum.log --db db.sqlite 2>err &&
	grep -q "badnum.log:1: case x has the measurement .fast., not a number" err &&
	printf "%s\n" "{\"lvl\": \"results\", \"msg\": {\"case\": \"x\", \"definition\": \"porttool_5.10_qemu_kvm_boot\", \"result\": \"maybe\"}}" >badres.log &&
	test_expect_code 1 porttool lava --results badres.log --db db.sqlite 2>err &&
	grep -q "case x has the result .maybe." err &&
	echo "just text" >text.log &&
	test_expect_code 1 porttool lava --results text.log --db db.sqlite 2>err &&
	grep -q "text.log: not a list of LAVA results" err &&
	mkdir d &&
	test_expect_code 1 porttool lava --results d --db db.sqlite 2>err &&
	grep -q "d holds no LAVA results: no lava.log" err &&
	test_expect_code 1 porttool lava --results missing.log --db db.sqlite 2>err &&
	grep -q "cannot read the LAVA results missing.log" err &&
	test ! -e db.sqlite
'

test_expect_success 'lava --results: a log of only LAVA'"'"'s own results says so' '
	echo "{\"lvl\": \"results\", \"msg\": {\"case\": \"job\", \"definition\": \"lava\", \"result\": \"fail\", \"error_msg\": \"Constant failure_retry does not exist\"}}" >own.log &&
	test_expect_code 1 porttool lava --results own.log --db db.sqlite 2>err &&
	grep -q "no porttool test cases (LAVA.s own only; the job failed: Constant failure_retry" err &&
	test ! -e db.sqlite
'

test_done
