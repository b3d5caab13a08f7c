#!/bin/bash
# repro.sh: build the corevisor again from a copy of its sources in
# another directory and check that corevisor.elf and corevisor.bin come
# out byte for byte the same as out/.  Prints one PASS/FAIL line per file.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/elsewhere/corevisor"
tar -c --exclude=./out --exclude=./build . | tar -x -C "$tmp/elsewhere/corevisor"
if ! timeout 300 make -s -C "$tmp/elsewhere/corevisor" out/corevisor.bin \
	>"$tmp/log" 2>&1; then
	echo "FAIL reproducible build: the copy did not build"
	sed 's/^/  /' "$tmp/log" | tail -n 20
	exit 0
fi
for f in corevisor.elf corevisor.bin; do
	if cmp -s "out/$f" "$tmp/elsewhere/corevisor/out/$f"; then
		echo "PASS reproducible $f"
	else
		echo "FAIL reproducible $f: differs when built elsewhere"
	fi
done
