#!/bin/bash
# total.sh LOGDIR: add up the last "N passed, N failed" line of each suite.
# A suite that exited non-zero, or printed no such line, counts one failure.
dir=$1
p=0 f=0 bad=
for rc in "$dir"/*.rc; do
	name=$(basename "$rc" .rc)
	line=$(grep -oE '[0-9]+ passed, [0-9]+ failed' "$dir/$name.log" | tail -n 1)
	sp=$(echo "$line" | awk '{ print $1 }')
	sf=$(echo "$line" | awk '{ print $3 }')
	if [ -z "$sp" ]; then
		sp=0 sf=1
	elif [ "$(cat "$rc")" != 0 ] && [ "$sf" = 0 ]; then
		sf=1
	fi
	[ "$sf" = 0 ] || bad="$bad $name"
	p=$((p + sp)) f=$((f + sf))
done
[ -z "$bad" ] || echo "failing suites:$bad"
echo "corevisor: $p passed, $f failed"
[ "$f" = 0 ]
