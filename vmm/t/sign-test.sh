#!/bin/bash
# sign-test.sh [--runner CMD] SEKVM_SIGN CV_VERIFY: sekvm-sign against
# itself, against the openssl command line, and against the corevisor's
# own verifier (cv_verify, built from corevisor/crypto).  --runner runs
# sekvm-sign through CMD (qemu-aarch64 for the arm64 build).
# Ends "N passed, N failed".
set -u
runner=
if [ "${1:-}" = --runner ]; then
	runner=$2
	shift 2
fi
sign_bin=$(realpath "$1")
cv=$(realpath "$2")
sign() { $runner "$sign_bin" "$@"; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
# expect 0|1|2 NAME CMD...: the command's exit status must be the given one
expect() {
	local want=$1 name=$2
	shift 2
	"$@" >"$dir/out" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ]; then ok "$name"; else
		bad "$name (exit $rc, wanted $want)"; sed 's/^/     /' "$dir/out"; fi
}
# expect_msg TEXT NAME CMD...: must fail and say TEXT
expect_msg() {
	local text=$1 name=$2
	shift 2
	if "$@" >"$dir/out" 2>&1; then bad "$name (succeeded)"
	elif grep -qF -- "$text" "$dir/out"; then ok "$name"
	else bad "$name (no '$text')"; sed 's/^/     /' "$dir/out"; fi
}
size_is() {
	if [ "$(stat -c %s "$2")" = "$1" ]; then ok "$3"; else bad "$3 ($(stat -c %s "$2") bytes)"; fi
}
flip_bit() { # flip_bit IN OUT BYTE: copy IN to OUT with bit 0 of BYTE flipped
	cp "$1" "$2"
	local b
	b=$(od -An -tu1 -j "$3" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 1)))" |
		dd of="$2" bs=1 seek="$3" conv=notrunc status=none
}

cd "$dir"
expect 0 "keygen A" sign keygen a.key a.pub
expect 0 "keygen B" sign keygen b.key b.pub
size_is 32 a.pub "public key file is 32 raw bytes"
[ "$(stat -c %a a.key)" = 600 ] && ok "private key file is mode 0600" || bad "private key mode $(stat -c %a a.key)"
touch c.key && chmod 644 c.key
expect 0 "keygen over an existing 0644 key file" sign keygen c.key c.pub
[ "$(stat -c %a c.key)" = 600 ] && ok "overwritten key file is made 0600" || bad "overwritten key mode $(stat -c %a c.key)"
expect_msg "nodir/x.key: No such file" "unwritable key path is named" sign keygen nodir/x.key x.pub
cmp -s a.pub b.pub && bad "two keygens gave the same key" || ok "two keygens give different keys"
# openssl's own view of the private key must have the same public half.
openssl pkey -in a.key -pubout -outform DER 2>/dev/null | tail -c 32 >a.pub.openssl
cmp -s a.pub a.pub.openssl && ok "openssl derives the same public key" || bad "openssl public key differs"

head -c 70001 /dev/urandom >img          # not a whole number of pages
head -c 8192 /dev/urandom >img.pages     # exactly two pages
expect 0 "sign" sign sign a.key img img.sig
size_is 64 img.sig "signature file is 64 raw bytes"
expect 0 "verify round trip" sign verify a.pub img img.sig
expect 0 "corevisor accepts sekvm-sign's signature" "$cv" a.pub img img.sig 0x40000000
expect 0 "sign page-multiple image at --ipa" sign sign --ipa 0x48000000 a.key img.pages pages.sig
expect 0 "verify page-multiple image at --ipa" sign verify --ipa 0x48000000 a.pub img.pages pages.sig
expect 0 "corevisor accepts page-multiple image" "$cv" a.pub img.pages pages.sig 0x48000000

flip_bit img img.flip 12345
flip_bit img.pages img.pages.flip 8191
flip_bit img.sig img.sig.flip 40
expect 1 "verify refuses a flipped image bit" sign verify a.pub img.flip img.sig
expect 1 "corevisor refuses a flipped image bit" "$cv" a.pub img.flip img.sig 0x40000000
expect 1 "corevisor refuses a flipped bit in the last byte" "$cv" a.pub img.pages.flip pages.sig 0x48000000
expect 1 "verify refuses a flipped signature bit" sign verify a.pub img img.sig.flip
expect 1 "corevisor refuses a flipped signature bit" "$cv" a.pub img img.sig.flip 0x40000000
expect 0 "sign with key B" sign sign b.key img img.b.sig
expect 1 "verify refuses key B's signature under key A" sign verify a.pub img img.b.sig
expect 1 "corevisor refuses key B's signature under key A" "$cv" a.pub img img.b.sig 0x40000000
expect 0 "corevisor accepts key B's signature under key B" "$cv" b.pub img img.b.sig 0x40000000
expect 1 "verify refuses another load address" sign verify --ipa 0x40200000 a.pub img img.sig
expect 1 "corevisor refuses another load address" "$cv" a.pub img img.sig 0x40200000
cp img img.grown && printf '\0' >>img.grown   # same pages, one byte longer
expect 0 "zero byte inside the padding: same signed pages" "$cv" a.pub img.grown img.sig 0x40000000
head -c 4096 /dev/zero >>img.grown            # one page more
expect 1 "corevisor refuses an image one page longer" "$cv" a.pub img.grown img.sig 0x40000000

head -c 31 a.pub >short.pub
expect_msg "short.pub: 31 bytes" "short public key is named" sign verify short.pub img img.sig
expect_msg "nosuch.img: No such file" "missing image is named" sign sign a.key nosuch.img x.sig
expect_msg "a.pub: not a PEM private key" "public key as private key is named" sign sign a.pub img x.sig
head -c 63 img.sig >short.sig
expect_msg "short.sig: 63 bytes" "short signature is named" sign verify a.pub img short.sig
expect_msg "must be 4 KiB aligned" "unaligned --ipa is refused" sign sign --ipa 0x40000800 a.key img x.sig
expect 2 "unknown command is a usage error" sign frobnicate
expect 2 "missing arguments are a usage error" sign sign a.key

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
