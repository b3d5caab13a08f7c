#!/bin/bash
# porttool rootfs: the application workloads' root filesystem from Debian's
# arm64 packages (needs Debian's archive, as porttool tree does).
#
# The small cases build a two-package image in this test's own cache (the
# apt directory, lists and downloaded .debs, is the real cache's, so that
# nothing is downloaded twice); the last case checks the default image,
# built once per machine in the real cache, for every workload's program.
. "$(dirname "$0")/lib.sh"

REAL=${XDG_CACHE_HOME:-$HOME/.cache}/porttool
export XDG_CACHE_HOME="$TRASH/cache"
mkdir -p "$REAL/apt-arm64" "$XDG_CACHE_HOME/porttool" &&
ln -s "$REAL/apt-arm64" "$XDG_CACHE_HOME/porttool/apt-arm64"
IMAGES="$XDG_CACHE_HOME/porttool/rootfs"
SMALL=busybox-static,rt-tests

# in_image IMAGE PATH: debugfs's stat of PATH, nothing when it is missing.
in_image() { debugfs -R "stat $2" "$1" 2>/dev/null; }
# The cache's files with their contents' hashes.
snapshot() { (cd "$IMAGES" 2>/dev/null && find . -type f -exec sha256sum {} + | sort); }

test_expect_success 'rootfs: builds a small image: ext4, fsck-clean, the package, /init, /dev/console' '
	porttool rootfs --packages $SMALL >out 2>err || { cat err; false; } &&
	img=$(cat out) && test "$(wc -l <out)" = 1 &&
	case "$img" in "$IMAGES"/*.ext4) ;; *) echo "image $img not in $IMAGES"; false ;; esac &&
	e2fsck -fn "$img" &&
	in_image "$img" /usr/bin/hackbench | grep -q "Type: regular" &&
	in_image "$img" /init | grep -q "Mode:  0755" &&
	in_image "$img" /dev/console | grep -q "Type: character special" &&
	debugfs -R "dump /bin/busybox busybox" "$img" && readelf -h busybox | grep -q "AArch64" &&
	debugfs -R "cat /usr/lib/sekvm-apps/lib.sh" "$img" 2>/dev/null >lib.sh &&
	cmp lib.sh "$PROJECT_DIR/porttool/qemu/rootfs/usr/lib/sekvm-apps/lib.sh" &&
	grep -q "^rt-tests [0-9]" "$img.packages" &&
	grep -q "^libnuma1 " "$img.packages" &&
	grep -q "rootfs: [0-9]* packages, building" err
'

test_expect_success 'rootfs: every time in the image is the fixed epoch' '
	img=$(porttool rootfs --packages $SMALL 2>/dev/null) &&
	in_image "$img" /usr/bin/hackbench >stat &&
	for t in ctime atime mtime crtime; do
		grep -q "^ *$t: 0x6553f100:" stat || { echo "$t:"; cat stat; false; }
	done
'

test_expect_success 'rootfs: a second run finds the image in the cache' '
	img=$(porttool rootfs --packages $SMALL 2>/dev/null) &&
	before=$(stat -c %Y.%i "$img") &&
	porttool rootfs --packages $SMALL >out 2>err &&
	test "$(cat out)" = "$img" &&
	grep -q "packages, cached" err &&
	test "$(stat -c %Y.%i "$img")" = "$before"
'

test_expect_success 'rootfs: building again gives the same bytes (sha256)' '
	img=$(porttool rootfs --packages $SMALL 2>/dev/null) &&
	sha256sum <"$img" >first &&
	mv "$img" "$TRASH/first.ext4" && rm "$img.packages" &&
	porttool rootfs --packages $SMALL >out 2>err || { cat err; false; } &&
	test "$(cat out)" = "$img" && grep -q "building" err &&
	sha256sum <"$img" >second &&
	test_cmp first second
'

test_expect_success 'rootfs: --out copies the image' '
	img=$(porttool rootfs --packages $SMALL --out copy.ext4 2>/dev/null) &&
	cmp "$img" copy.ext4
'

test_expect_success 'rootfs: other packages are another image' '
	a=$(porttool rootfs --packages $SMALL 2>/dev/null) &&
	b=$(porttool rootfs --packages busybox-static 2>/dev/null) &&
	test "$a" != "$b" && test -f "$a" && test -f "$b" &&
	! in_image "$b" /usr/bin/hackbench | grep -q regular
'

test_expect_success 'rootfs: an unknown package fails naming it, the cache untouched' '
	snapshot >before &&
	test_expect_code 1 porttool rootfs --packages rt-tests,no-such-pkg-sekvm19 >out 2>err &&
	grep "error: rootfs: .*no-such-pkg-sekvm19" err &&
	test ! -s out &&
	snapshot >after && test_cmp before after &&
	test -z "$(find "$IMAGES" -name ".*tmp*")"
'

test_expect_success 'rootfs: a bad --packages is a usage error' '
	test_expect_code 2 porttool rootfs --packages , 2>err &&
	grep -q "names no package" err &&
	test_expect_code 1 porttool rootfs --packages rt-tests,-oops 2>err &&
	grep -q "'"'"'-oops'"'"' is not a package name" err &&
	test_expect_code 2 porttool rootfs extra 2>err
'

# The default image: every workload's programs, in the real cache.
test_expect_success 'rootfs: the default image has every workload program' '
	img=$(XDG_CACHE_HOME="${REAL%/porttool}" porttool rootfs 2>err) || { tail -20 err; false; } &&
	for p in /usr/bin/hackbench /usr/bin/redis-server /usr/bin/redis-benchmark \
		/usr/bin/memcached /usr/bin/memcaslap /usr/sbin/apache2 /usr/bin/ab \
		/usr/sbin/mariadbd /usr/bin/mariadb-install-db /usr/bin/sysbench \
		/usr/bin/make /usr/bin/aarch64-linux-gnu-gcc-12 /usr/sbin/dropbear \
		/usr/lib/apache2/modules/mod_mpm_event.so /init /bin/sh; do
		in_image "$img" "$p" | grep -q "Type: \(regular\|symlink\)" ||
			{ echo "no $p in $img"; false; }
	done &&
	! grep -q "^mongodb" "$img.packages"
'

test_done
