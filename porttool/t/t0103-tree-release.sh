#!/bin/bash
# porttool tree VER with neither --from nor --tarball for a line Debian does
# not ship: the release tarball of port.conf [tarball], downloaded with
# libcurl from a small HTTP server on loopback, checked against
# tarball.sha256, kept in the cache, and imported as --tarball would.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME="$TRASH/cache"

# A kernel-like 5.11.99 tarball and an HTTP server on loopback serving it.
SRV="$TRASH/srv"
mkdir -p "$SRV/v5.x/linux-5.11.99"
printf 'VERSION = 5\nPATCHLEVEL = 11\nSUBLEVEL = 99\nEXTRAVERSION =\n' \
	>"$SRV/v5.x/linux-5.11.99/Makefile"
echo 'obj-y += arm.o' >"$SRV/v5.x/linux-5.11.99/Kbuild"
find "$SRV/v5.x/linux-5.11.99" -exec touch -d '2021-04-14 06:51:04 UTC' {} +
(cd "$SRV/v5.x" && tar cJf linux-5.11.99.tar.xz linux-5.11.99)
SUM=$(sha256sum "$SRV/v5.x/linux-5.11.99.tar.xz" | cut -d' ' -f1)
PORTNO=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$SRV" "$PORTNO" \
	>"$TRASH/http.log" 2>&1 &
HTTP_PID=$!
trap 'kill $HTTP_PID 2>/dev/null' EXIT
for i in $(seq 50); do
	python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORTNO/')" 2>/dev/null && break
	sleep 0.1
done

# make_port DIR URL SHA: a 5.11 port whose default tree is that release.
make_port() {
	mkdir -p "$1/v5.11"
	printf '[port]\n\tversion = 5.11\n[base]\n\tversion = 5.11.99\n\ttag = v5.11.99\n[tarball]\n\turl = %s\n\tsha256 = %s\n' \
		"$2" "$3" >"$1/v5.11/port.conf"
}
URL="http://127.0.0.1:$PORTNO/v5.x/linux-{version}.tar.xz"

test_expect_success 'tree 5.11: downloads the release, checks it, imports it' '
	make_port p "$URL" "$SUM" &&
	porttool tree 5.11 --ports p --dir t >out 2>err && cat err &&
	test "$(cat out)" = "$PWD/t" &&
	grep "downloading http://127.0.0.1:$PORTNO/v5.x/linux-5.11.99.tar.xz" err &&
	test "$(git -C t rev-parse v5.11.99)" = "$(git -C t rev-parse HEAD)" &&
	git -C t show HEAD:Makefile | grep -q "SUBLEVEL = 99" &&
	git -C t log -1 --format=%B | grep -q "SHA-256 $SUM" &&
	cmp "$SRV/v5.x/linux-5.11.99.tar.xz" "$XDG_CACHE_HOME/porttool/tarballs/linux-5.11.99.tar.xz"
'

test_expect_success 'a download whose digest differs is refused and not kept' '
	make_port p "$URL" 0000000000000000000000000000000000000000000000000000000000000000 &&
	test_expect_code 1 porttool tree 5.11 --ports p --dir t 2>err && cat err &&
	grep "linux-5.11.99.tar.xz: SHA-256 is $SUM, but port v5.11.s tarball.sha256 is 0000" err &&
	test ! -e t && ! ls "$XDG_CACHE_HOME/porttool/tarballs" | grep part
'

test_expect_success 'a missing release names the URL and the HTTP error' '
	make_port p "http://127.0.0.1:$PORTNO/v5.x/none-{version}.tar.xz" "$SUM" &&
	test_expect_code 1 porttool tree 5.11 --ports p --dir t 2>err && cat err &&
	grep "downloading http://127.0.0.1:$PORTNO/v5.x/none-5.11.99.tar.xz: .*404" err &&
	test ! -e t
'

test_expect_success 'tarball.url without tarball.sha256, or a bad digest, is an error' '
	make_port p "$URL" "$SUM" && sed -i "/sha256/d" p/v5.11/port.conf &&
	test_expect_code 1 porttool tree 5.11 --ports p --dir t 2>err &&
	grep "p/v5.11/port.conf: tarball.url and tarball.sha256 go together; tarball.sha256 is missing" err &&
	make_port p "$URL" ABC &&
	test_expect_code 1 porttool tree 5.11 --ports p --dir t 2>err &&
	grep "tarball.sha256 .ABC. is not 64 lower-case hex digits" err
'

test_expect_success 'list shows the release URL as the default tree' '
	make_port p "$URL" "$SUM" &&
	porttool list --ports p >out &&
	grep "^v5.11 .*http://127.0.0.1:$PORTNO/v5.x/linux-5.11.99.tar.xz" out
'

test_expect_success 'tree 5.11 again without the server: the kept tarball, the same commit' '
	make_port p "$URL" "$SUM" &&
	porttool tree 5.11 --ports p --dir a >/dev/null 2>&1 &&
	kill $HTTP_PID && wait $HTTP_PID 2>/dev/null;
	porttool tree 5.11 --ports p --dir b >/dev/null 2>err && cat err &&
	grep "downloaded before" err &&
	test "$(git -C a rev-parse HEAD)" = "$(git -C b rev-parse HEAD)"
'

test_done
