# A guest of 'porttool bench --suite apps': start the servers APPS_SERVERS
# names (default: all), run the local workloads APPS_LOCAL names, then
# wait for the QEMU host's clients until APPS_WAIT seconds have passed or
# /run/stop exists.
. /usr/lib/sekvm-apps/lib.sh

for s in $(echo "${APPS_SERVERS:-redis,memcached,apache,mysql}" | tr , " "); do
	[ "$s" = none ] && continue
	framed "start-$s" "start_$s"
done
for w in $(echo "${APPS_LOCAL:-hackbench,kbuild}" | tr , " "); do
	[ "$w" = none ] && continue
	framed "$w" "run_$w"
done
echo "APPS-READY"
i=0
while [ ! -e /run/stop ] && [ "$i" -lt "${APPS_WAIT:-600}" ]; do
	sleep 1
	i=$((i + 1))
done
