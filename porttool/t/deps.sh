#!/bin/bash
# porttool's dependency checks, from the built objects (nm) and the
# sources' #include lines:
#   deps.sh cycles DIR     modules that call each other in a circle
#   deps.sh includes DIR   headers that include each other in a circle
#   deps.sh users DIR SYM  the objects that call SYM
#   deps.sh defs DIR NAME  the objects that define a function NAME
# "cycles" and "includes" print each circle tsort finds and exit 1 if any.
set -u
cmd=$1 dir=$2

# The objects of today's sources: an object whose .c moved or went away
# (left by an older build in the same checkout) is not porttool any more.
objects() {
	local o
	for o in $(find "$dir" -name '*.o' -not -path '*/fuzz/*' | sort); do
		[ -e "${o%.o}.c" ] && echo "$o"
	done
}

# "user definer" for every call from one object into another.
call_edges() {
	local o
	for o in $(objects); do
		nm "$o" | awk -v m="$(basename "$o" .o)" '
			$1 == "U" { print "U", m, $2 }
			NF == 3 && $2 ~ /^[TDBR]$/ { print "D", m, $3 }'
	done | awk '
		$1 == "D" { def[$3] = $2; next }
		{ use[NR] = $2 " " $3 }
		END {
			for (i in use) {
				split(use[i], u, " ")
				if ((u[2] in def) && def[u[2]] != u[1])
					print u[1], def[u[2]]
			}
		}' | sort -u
}

# "includer included" for every #include "x.h" of the sources.
include_edges() {
	local f
	find "$dir" \( -name '*.c' -o -name '*.h' \) -not -path '*/fuzz/*' |
	while read -r f; do
		sed -n 's/^#include "\(.*\)"/\1/p' "$f" |
			while read -r h; do
				echo "$(basename "$f") $(basename "$h")"
			done
	done | sort -u
}

# tsort names a loop on stderr; print them and fail when there is one.
no_loops() {
	local err
	err=$(tsort 2>&1 >/dev/null)
	[ -z "$err" ] && return 0
	printf '%s\n' "$err"
	return 1
}

case $cmd in
cycles) call_edges | no_loops || exit 1 ;;
includes) include_edges | no_loops || exit 1 ;;
users)
	for o in $(objects); do
		nm "$o" | awk -v s="$3" '$1 == "U" && $2 == s { found = 1 } END { exit !found }' &&
			basename "$o" .o
	done
	;;
defs)
	for o in $(objects); do
		nm "$o" | awk -v s="$3" 'NF == 3 && $2 ~ /^[tT]$/ && $3 == s { found = 1 } END { exit !found }' &&
			basename "$o" .o
	done
	;;
*) echo "usage: deps.sh cycles|includes|users|defs DIR [NAME]" >&2; exit 2 ;;
esac
exit 0
