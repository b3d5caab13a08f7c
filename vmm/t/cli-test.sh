#!/bin/bash
# cli-test.sh VMM: the static arm64 vmm's option and input checks, run as
# aarch64 code under qemu-user (no KVM needed: every case here must be
# refused before /dev/kvm is opened).  Ends "N passed, N failed".
set -u
vmm=$(realpath "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
fail=0
if ! command -v qemu-aarch64 >/dev/null; then
	echo "skipped: qemu-aarch64 (qemu-user) not installed"
	echo "0 passed, 0 failed"
	exit 0
fi
# expect RC TEXT NAME ARGS...: exit status RC and TEXT in the output
expect() {
	local want=$1 text=$2 name=$3
	shift 3
	qemu-aarch64 "$vmm" "$@" >"$dir/out" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ] && grep -qF -- "$text" "$dir/out"; then
		echo "ok   $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name (exit $rc, wanted $want and '$text')"
		sed 's/^/     /' "$dir/out"
		fail=$((fail + 1))
	fi
}
head -c 32 /dev/urandom >"$dir/k.pub"
head -c 64 /dev/urandom >"$dir/i.sig"
head -c 31 /dev/urandom >"$dir/short.pub"
head -c 65 /dev/urandom >"$dir/long.sig"
expect 0 "usage: vmm --kernel" "--help prints usage" --help
expect 2 "--kernel is required" "no --kernel" --cpus 2
expect 2 "--cpus: '0'" "--cpus 0" --kernel x --cpus 0
expect 2 "--cpus: '9'" "--cpus above 8" --kernel x --cpus 9
expect 2 "--cpus: '2x'" "--cpus not a number" --kernel x --cpus 2x
expect 2 "--mem: '8'" "--mem below 16" --kernel x --mem 8
expect 2 "--mem: '-1'" "--mem negative" --kernel x --mem -1
expect 2 "unrecognized option '--bogus'" "unknown option" --kernel x --bogus
expect 2 "unexpected argument 'extra'" "stray argument" --kernel x extra
expect 1 "(missing --pubkey)" "--sig without --pubkey" --kernel x --sig "$dir/i.sig"
expect 1 "(missing --sig)" "--pubkey without --sig" --kernel x --pubkey "$dir/k.pub"
expect 1 "short.pub: 31 bytes" "short public key named" --kernel x \
	--pubkey "$dir/short.pub" --sig "$dir/i.sig"
expect 1 "long.sig: 65 bytes" "long signature named" --kernel x \
	--pubkey "$dir/k.pub" --sig "$dir/long.sig"
expect 1 "nosuch.pub: No such file" "missing key file named" --kernel x \
	--pubkey "$dir/nosuch.pub" --sig "$dir/i.sig"
# Files are read and checked before /dev/kvm is opened, so these hold
# on any machine, with or without KVM.
head -c 8192 /dev/urandom >"$dir/notimage"
expect 1 "nosuch-Image: No such file" "missing kernel named" \
	--kernel "$dir/nosuch-Image"
expect 1 "notimage: not a bootable arm64 Image" "non-Image kernel named" \
	--kernel "$dir/notimage"
# A header-only Image claiming 40 MiB of kernel (text_offset 0).
python3 -c '
import struct, sys
hdr = struct.pack("<IIQQQQQQII", 0, 0, 0, 40 << 20, 2, 0, 0, 0, 0x644d5241, 0)
sys.stdout.buffer.write(hdr + bytes(4096 - len(hdr)))' >"$dir/Image40"
expect 1 "Image40: kernel needs 40960 KiB" "kernel larger than --mem named" \
	--kernel "$dir/Image40" --mem 32
expect 1 "nosuch-initrd: No such file" "missing initrd named" \
	--kernel "$dir/Image40" --initrd "$dir/nosuch-initrd"
expect 2 "--load-offset needs --raw" "--load-offset without --raw" \
	--kernel x --load-offset 0x80000
expect 2 "--load-offset: '0x80001'" "--load-offset not page aligned" \
	--kernel x --raw --load-offset 0x80001
# The disk and the NIC are opened and checked before /dev/kvm too.
head -c 100 /dev/zero >"$dir/tiny.img"
expect 1 "--disk $dir/nosuch.img: No such file" "missing disk named" \
	--kernel "$dir/Image40" --mem 64 --disk "$dir/nosuch.img"
expect 1 "--disk $dir/nosuch.img: No such file" "missing ,ro disk named" \
	--kernel "$dir/Image40" --mem 64 --disk "$dir/nosuch.img,ro"
expect 1 "tiny.img: 100 bytes, less than one 512-byte sector" \
	"disk smaller than a sector named" \
	--kernel "$dir/Image40" --mem 64 --disk "$dir/tiny.img"
expect 2 "--disk given twice" "two --disk" --kernel x --disk a --disk b
expect 1 "--net 'eth0': expected tap=NAME" "--net without tap=" \
	--kernel "$dir/Image40" --mem 64 --net eth0
expect 1 "--net 'tap=t0,mac=01:02:03:04:05:06': after the name only" \
	"--net with a multicast MAC" \
	--kernel "$dir/Image40" --mem 64 --net tap=t0,mac=01:02:03:04:05:06
expect 2 "--net given twice" "two --net" --kernel x --net tap=a --net tap=b
# A raw image has no header to check; one larger than RAM is still named.
head -c $((20 << 20)) /dev/zero >"$dir/raw20"
expect 1 "raw20: kernel needs 20480 KiB" "raw image larger than --mem named" \
	--kernel "$dir/raw20" --raw --mem 16
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
