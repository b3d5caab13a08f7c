#!/bin/bash
# tcb.sh: size of the trusted base (core, arch/aarch64, crypto, include;
# not the tests and not the fake machine) and of out/corevisor.elf.
cd "$(dirname "$0")/.." || exit 1
count() {
	# lines that are not blank and not only comment
	cat "$@" 2>/dev/null | sed -E 's#^[[:space:]]*(/?\*.*|//.*)?$##' | grep -c .
}
total=0
for group in core arch/aarch64 crypto include; do
	files=$(find "$group" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) \
		-not -path '*/test/*' 2>/dev/null | sort)
	[ -n "$files" ] || continue
	n=$(count $files)
	raw=$(cat $files | wc -l)
	printf "tcb: %-13s %5d lines of code (%d with comments and blanks)\n" "$group" "$n" "$raw"
	total=$((total + n))
done
echo "tcb: total         $total lines of C and asm"
if [ -f out/corevisor.elf ]; then
	SIZE=$(command -v aarch64-linux-gnu-size || echo size)
	$SIZE -A out/corevisor.elf | awk '
		$1 == ".text" || $1 == ".rodata" || $1 == ".data" || $1 == ".bss" {
			n[$1] = $2
		}
		END {
			split(".text .rodata .data .bss", s, " ")
			for (i = 1; i <= 4; i++) {
				note = ""
				if (s[i] == ".bss" && !n[s[i]])
					note = " (zeroed data is in .data)"
				printf "tcb: out/corevisor.elf %-8s %d bytes%s\n", s[i], n[s[i]], note
			}
		}'
else
	echo "tcb: out/corevisor.elf not built"
fi
