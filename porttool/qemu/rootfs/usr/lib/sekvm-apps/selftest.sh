# Every workload, server and client both on this machine (127.0.0.1): the
# root filesystem's own check, and where the parsers' fixtures come from.
. /usr/lib/sekvm-apps/lib.sh

for s in $(echo "${APPS_SERVERS:-redis,memcached,apache,mysql}" | tr , " "); do
	[ "$s" = none ] && continue
	if framed "start-$s" "start_$s"; then
		framed "$s" "client_$s" 127.0.0.1
	fi
done
for w in $(echo "${APPS_LOCAL:-hackbench,kbuild}" | tr , " "); do
	[ "$w" = none ] && continue
	framed "$w" "run_$w"
done
