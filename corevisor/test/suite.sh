#!/bin/bash
# suite.sh LOGDIR NAME CMD...: run one test suite, keep its output and exit
# status for total.sh.  Always exits 0 so that every suite runs.
dir=$1 name=$2
shift 2
echo "-- $name: $*"
"$@" 2>&1 | tee "$dir/$name.log"
echo "${PIPESTATUS[0]}" > "$dir/$name.rc"
exit 0
