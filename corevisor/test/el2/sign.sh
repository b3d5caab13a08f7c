#!/bin/bash
# sign.sh GUEST_BIN IPA OUTDIR: make a fresh Ed25519 key and sign the
# guest image as the corevisor checks it: the signature covers
# struct cv_image_signed { "CVIMAGE1", ipa (le64), size (le64),
# SHA-512 of the image }.  Writes OUTDIR/pub.bin (32 bytes) and
# OUTDIR/sig.bin (64 bytes).
set -e
bin=$1 ipa=$2 out=$3
openssl genpkey -algorithm ed25519 -out "$out/key.pem" 2>/dev/null
openssl pkey -in "$out/key.pem" -pubout -outform DER | tail -c 32 >"$out/pub.bin"
python3 - "$bin" "$ipa" "$out/msg.bin" <<'PY'
import hashlib, struct, sys
data = open(sys.argv[1], 'rb').read()
msg = b'CVIMAGE1' + struct.pack('<QQ', int(sys.argv[2], 0), len(data)) + \
      hashlib.sha512(data).digest()
open(sys.argv[3], 'wb').write(msg)
PY
openssl pkeyutl -sign -inkey "$out/key.pem" -rawin -in "$out/msg.bin" \
	-out "$out/sig.bin"
[ "$(stat -c %s "$out/pub.bin")" = 32 ] && [ "$(stat -c %s "$out/sig.bin")" = 64 ]
