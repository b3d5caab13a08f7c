#!/bin/bash
# porttool tree --tarball and --from on small synthetic kernel-like trees,
# and every usage and input error of 'porttool tree'.
. "$(dirname "$0")/lib.sh"

# Keep every cache of these tests in the trash, away from the real one.
export XDG_CACHE_HOME="$TRASH/cache"
# No test here may reach a mirror: point apt at one that does not answer.
export PORTTOOL_APT_ETC="$TRASH/apt-etc"
mkdir -p "$PORTTOOL_APT_ETC/sources.list.d"
printf 'deb http://127.0.0.1:9/debian bookworm main\ndeb http://127.0.0.1:9/debian-security bookworm-security main\n' \
	>"$PORTTOOL_APT_ETC/sources.list"

# make_kernel DIR SUBLEVEL: a kernel-like tree with what makes imports hard:
# an executable script, a symlink, and Debian's ignore-everything .gitignore.
make_kernel() {
	mkdir -p "$1/scripts" "$1/arch/arm64/kvm"
	printf 'VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = %s\nEXTRAVERSION =\nNAME = Dare mighty things\n' "$2" >"$1/Makefile"
	printf '#!/bin/sh\necho built\n' >"$1/scripts/build.sh"
	chmod 755 "$1/scripts/build.sh"
	printf 'obj-y += arm.o\n' >"$1/arch/arm64/kvm/Makefile"
	ln -s scripts/build.sh "$1/build-link"
	printf '.*\n*.o\n/*\n!/debian/\n' >"$1/.gitignore"
	# Fixed dates: the import's commit date is the newest of them.
	find "$1" -exec touch -h -d '2024-08-10 06:09:03 UTC' {} +
	touch -d '2024-08-10 06:09:04 UTC' "$1/Makefile"
}

test_expect_success 'tarball: every file, mode and symlink, tagged base.tag' '
	make_kernel linux-5.10.223 223 &&
	tar cJf k.tar.xz linux-5.10.223 &&
	porttool tree 5.10 --tarball k.tar.xz --dir t >out 2>err &&
	test "$(cat out)" = "$PWD/t" &&
	git -C t ls-tree -r HEAD >tree &&
	grep -q "^100755 blob .*	scripts/build.sh$" tree &&
	grep -q "^120000 blob .*	build-link$" tree &&
	grep -q "^100644 blob .*	.gitignore$" tree &&
	grep -q "^100644 blob .*	arch/arm64/kvm/Makefile$" tree &&
	test $(wc -l <tree) = $(tar tf k.tar.xz | grep -vc "/$") &&
	test "$(readlink t/build-link)" = scripts/build.sh &&
	test -x t/scripts/build.sh &&
	test "$(git -C t rev-parse v5.10.223)" = "$(git -C t rev-parse HEAD)" &&
	test "$(git -C t cat-file -t v5.10.223)" = commit &&
	test -z "$(git -C t status --porcelain --ignored)" &&
	grep -q "checking out: 5/5 files" err
'

test_expect_success 'tarball: fixed author and date, the same commit twice' '
	make_kernel linux-5.10.223 223 &&
	tar czf k.tar.gz linux-5.10.223 &&
	porttool tree 5.10 --tarball k.tar.gz --dir a >/dev/null &&
	sleep 1 &&
	porttool tree 5.10 --tarball k.tar.gz --dir b >/dev/null &&
	test "$(git -C a rev-parse HEAD)" = "$(git -C b rev-parse HEAD)" &&
	test "$(git -C a log -1 --format="%an <%ae> %cn <%ce> %at %ct")" = \
		"porttool <porttool@sekvm.invalid> porttool <porttool@sekvm.invalid> 1723270144 1723270144" &&
	test "$(git -C a log -1 --format=%s)" = "Linux 5.10.223" &&
	test "$(git -C a rev-list --count HEAD)" = 1
'

test_expect_success 'tarball: plain .tar without a top directory, other release gets vX.Y.Z' '
	make_kernel k 200 &&
	(cd k && tar cf ../k.tar .) &&
	porttool tree 5.10 --tarball k.tar --dir t >out 2>err &&
	test -f t/Makefile && test -f t/scripts/build.sh &&
	test "$(git -C t tag)" = v5.10.200 &&
	grep -q "not the port.s base 5.10.223: tagging it v5.10.200" err
'

test_expect_success 'tarball: without --dir it is cached, the second call reuses it' '
	make_kernel linux-5.10.223 223 &&
	tar cJf linux-5.10.223.tar.xz linux-5.10.223 &&
	porttool tree 5.10 --tarball linux-5.10.223.tar.xz >out1 2>err1 &&
	test "$(cat out1)" = "$XDG_CACHE_HOME/porttool/trees/tarballs/linux-5.10.223" &&
	porttool tree 5.10 --tarball linux-5.10.223.tar.xz >out2 2>err2 &&
	test_cmp out1 out2 &&
	grep -q "imported from linux-5.10.223.tar.xz before" err2 &&
	! grep -q "reading tarball" err2
'

test_expect_success 'tarball: --dir may be an existing empty directory' '
	make_kernel linux-5.10.223 223 &&
	tar cJf k.tar.xz linux-5.10.223 &&
	mkdir empty &&
	porttool tree 5.10 --tarball k.tar.xz --dir empty >out &&
	test "$(cat out)" = "$PWD/empty" &&
	test -f empty/Makefile
'

test_expect_success 'tarball: hard links, and a repeated path where the last one wins' '
	make_kernel k 223 &&
	ln k/scripts/build.sh k/scripts/build-again.sh &&
	tar cf k.tar k &&
	tar tvf k.tar | grep -q "k/scripts/build.* link to k/scripts/build" &&
	mkdir -p later/k && echo "new text" >later/k/README &&
	echo "old text" >k/README && tar rf k.tar k/README &&
	tar rf k.tar -C later k/README &&
	test "$(tar tf k.tar | grep -c "k/README$")" = 2 &&
	porttool tree 5.10 --tarball k.tar --dir t >out &&
	test "$(git -C t rev-parse HEAD:scripts/build.sh)" = "$(git -C t rev-parse HEAD:scripts/build-again.sh)" &&
	git -C t ls-tree HEAD scripts/ | grep -q "^100755 .*build-again.sh$" &&
	test "$(git -C t show HEAD:README)" = "new text"
'

test_expect_success 'tarball: a path that is both a file and a directory is refused' '
	make_kernel k 223 && echo x >k/arch-x && echo y >k/arch.y && tar cf k.tar k &&
	mkdir -p y/k && echo file >y/k/arch &&
	tar rf k.tar -C y k/arch &&
	test_expect_code 1 porttool tree 5.10 --tarball k.tar --dir t 2>err &&
	grep -q "k.tar: .arch. is both a file and a directory (holding .arch/arm64/kvm/Makefile.)" err &&
	test ! -e t
'

test_expect_success 'tarball: not a kernel (no Makefile) fails and leaves nothing' '
	mkdir -p notkernel/src && echo hello >notkernel/src/a.c &&
	tar cJf nk.tar.xz notkernel &&
	test_expect_code 1 porttool tree 5.10 --tarball nk.tar.xz --dir t 2>err &&
	grep -q "nk.tar.xz: not a kernel tarball: no top-level Makefile" err &&
	test ! -e t && test -z "$(ls -A .| grep tmp)"
'

test_expect_success 'tarball: a Makefile without a version is not a kernel' '
	mkdir -p x && echo "all:" >x/Makefile && tar cf x.tar x &&
	test_expect_code 1 porttool tree 5.10 --tarball x.tar --dir t 2>err &&
	grep -q "x.tar: not a kernel tarball: its Makefile has no numeric VERSION" err &&
	test ! -e t
'

test_expect_success 'tarball: garbage, a missing file and unsafe paths are refused' '
	head -c 5000 /dev/urandom >junk.tar.xz &&
	test_expect_code 1 porttool tree 5.10 --tarball junk.tar.xz --dir t 2>err &&
	grep -q "junk.tar.xz" err && test ! -e t &&
	test_expect_code 1 porttool tree 5.10 --tarball nosuch.tar.xz --dir t 2>err &&
	grep -q "tarball nosuch.tar.xz: no such file" err && test ! -e t &&
	make_kernel k 223 && mkdir evil && echo x >evil/victim &&
	tar cf evil.tar k/Makefile --transform "s,^k/Makefile,k/../../escaped," &&
	test_expect_code 1 porttool tree 5.10 --tarball evil.tar --dir t 2>err &&
	grep -q "unsafe path" err && test ! -e t && test ! -e ../escaped &&
	tar cf git.tar k/Makefile k/scripts/build.sh --transform "s,^k/scripts/build.sh,k/.git/hooks/post-checkout," &&
	test_expect_code 1 porttool tree 5.10 --tarball git.tar --dir t 2>err &&
	grep -q "unsafe path .*\.git" err && test ! -e t
'

test_expect_success 'tree: --dir that is not empty, or a file, is refused untouched' '
	make_kernel linux-5.10.223 223 && tar cJf k.tar.xz linux-5.10.223 &&
	mkdir full && echo keep >full/mine &&
	test_expect_code 1 porttool tree 5.10 --tarball k.tar.xz --dir full 2>err &&
	grep -q "dir full: exists and is not empty" err &&
	test "$(ls -A full)" = mine && test "$(cat full/mine)" = keep &&
	echo data >afile &&
	test_expect_code 1 porttool tree 5.10 --tarball k.tar.xz --dir afile 2>err &&
	grep -q "dir afile: exists and is not a directory" err &&
	test "$(cat afile)" = data
'

# A clone holding the port's base tag, like an upstream linux clone.
make_clone() {
	make_kernel "$1" 223 &&
	git -C "$1" init -q -b main &&
	git -C "$1" add -f . && git -C "$1" commit -q -m "Linux 5.10.223" &&
	git -C "$1" tag "$2"
}

test_expect_success 'from: a clone with the base tag is used in place' '
	make_clone up v5.10.223 &&
	porttool tree 5.10 --from up >out 2>err &&
	test "$(cat out)" = "$PWD/up" &&
	test -z "$(git -C up status --porcelain)"
'

test_expect_success 'from: --dir clones it with libgit2, tags included' '
	make_clone up v5.10.223 &&
	git -C up checkout -q -b side && echo more >up/more && git -C up add -f more &&
	git -C up commit -q -m side && git -C up tag side-tag && git -C up checkout -q main &&
	porttool tree 5.10 --from up --dir copy >out &&
	test "$(cat out)" = "$PWD/copy" &&
	test "$(git -C copy rev-parse v5.10.223^{commit})" = "$(git -C up rev-parse v5.10.223^{commit})" &&
	git -C copy rev-parse -q --verify side-tag >/dev/null &&
	test -f copy/Makefile
'

test_expect_success 'from: --dir checks out the base, not the source HEAD past it' '
	make_clone up v5.10.223 &&
	echo port >up/PORTED && git -C up add -f PORTED && git -C up commit -q -m port &&
	porttool tree 5.10 --from up --dir copy >out &&
	test "$(git -C copy rev-parse HEAD)" = "$(git -C up rev-parse v5.10.223^{commit})" &&
	! test -e copy/PORTED && test -z "$(git -C copy status --porcelain)"
'

test_expect_success 'from: a clone without the base tag is refused' '
	make_clone up v5.10.200 &&
	test_expect_code 1 porttool tree 5.10 --from up --dir copy 2>err &&
	grep -q "up: has neither base.commit [0-9a-f]* nor tag .v5.10.223. of port v5.10" err &&
	test ! -e copy &&
	test_expect_code 1 porttool tree 5.10 --from nowhere 2>err &&
	grep -q "from nowhere: no such directory" err &&
	mkdir plain &&
	test_expect_code 1 porttool tree 5.10 --from plain 2>err &&
	grep -q "plain" err
'

test_expect_success 'from: base.commit is enough when the tag is missing' '
	make_clone up other-tag &&
	mkdir -p ports/v5.10 &&
	printf "[port]\n\tversion = 5.10\n[base]\n\tversion = 5.10.223\n\ttag = v5.10.223\n\tcommit = %s\n" \
		"$(git -C up rev-parse HEAD)" >ports/v5.10/port.conf &&
	porttool --ports ports tree 5.10 --from up >out &&
	test "$(cat out)" = "$PWD/up"
'

test_expect_success 'tree: waits for another porttool preparing the same default tree' '
	export XDG_CACHE_HOME=$PWD/cache &&
	mkdir -p ports/v5.10 cache/porttool/trees &&
	printf "[port]\n\tversion = 5.10\n[base]\n\tversion = 5.10.223\n\ttag = v5.10.223\n[debian]\n\tpackage = linux-source-5.10\n\tversion = 5.10.223-1\n\tsuite = bullseye-security\n" \
		>ports/v5.10/port.conf &&
	make_clone up v5.10.223 &&
	{ flock cache/porttool/trees/v5.10.lock sh -c "touch locked; sleep 2; mv up cache/porttool/trees/v5.10" & } &&
	for i in $(seq 100); do test -e locked && break; sleep 0.1; done &&
	porttool --ports ports tree 5.10 >out 2>err &&
	wait &&
	test "$(cat out)" = "$PWD/cache/porttool/trees/v5.10" &&
	grep -q "waiting for another porttool preparing" err &&
	! grep -q downloading err
'

test_expect_success 'tree: usage errors exit 2' '
	test_expect_code 2 porttool tree 2>err && grep -q "which version" err &&
	test_expect_code 2 porttool tree 5.10 5.4 2>err && grep -q "too many arguments" err &&
	test_expect_code 2 porttool tree 5.10 --from a --tarball b 2>err &&
	grep -q "exclude each other" err &&
	test_expect_code 2 porttool tree 5.10 --bogus 2>err && grep -q "unknown option" err &&
	test_expect_code 2 porttool tree 5.10 --dir 2>err && grep -q "needs a value" err &&
	porttool tree --help >out && grep -q "usage: porttool tree VER" out
'

test_expect_success 'tree: unknown and malformed versions exit 1' '
	test_expect_code 1 porttool tree 9.99 2>err &&
	grep -q "unknown version .9.99." err &&
	test_expect_code 1 porttool tree banana 2>err &&
	grep -q "not a kernel version" err
'

test_expect_success 'tree: no embedded default for a line Debian does not ship' '
	test_expect_code 1 porttool tree 4.18 2>err &&
	grep -q "no embedded default tree for v4.18; use --from CLONE or --tarball FILE" err &&
	test ! -e "$XDG_CACHE_HOME/porttool/trees/v4.18"
'

test_expect_success 'tree: a download failure says so and leaves no tree' '
	export XDG_CACHE_HOME=$PWD/cache &&
	test_expect_code 1 porttool tree 5.10 >out 2>err &&
	grep -q "apt-get update failed for suite .bullseye-security." err &&
	test ! -s out &&
	test ! -e "$XDG_CACHE_HOME/porttool/trees/v5.10" &&
	test -z "$(ls -A "$XDG_CACHE_HOME/porttool/trees" | grep -v "\.lock$")" &&
	test -z "$(ls -A "$XDG_CACHE_HOME/porttool/debian/debs")"
'

test_expect_success 'tree: mirrors come from the machine apt config (deb822 and .list)' '
	export XDG_CACHE_HOME=$PWD/cache &&
	mkdir -p etc/sources.list.d &&
	printf "deb [arch=amd64] http://127.0.0.1:9/thirdparty nodistro main\ndeb-src http://127.0.0.1:9/src bookworm main\n" \
		>etc/sources.list &&
	cat >etc/sources.list.d/debian.sources <<-\EOF &&
	# disabled first: must be skipped
	Types: deb
	URIs: http://127.0.0.1:9/disabled
	Suites: bookworm-security
	Components: main
	Enabled: no

	Types: deb deb-src
	URIs: http://127.0.0.1:9/main-mirror
	Suites: bookworm bookworm-updates
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

	Types: deb
	URIs: http://127.0.0.1:9/sec-mirror
	Suites: bookworm-security
	Components: main
	Signed-By:
	 -----BEGIN PGP PUBLIC KEY BLOCK-----
	 .
	 mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD3K87ZM18gzyQZJD+w
	 -----END PGP PUBLIC KEY BLOCK-----
	EOF
	printf "deb http://127.0.0.1:9/ignored-ext bookworm main\n" >etc/sources.list.d/other.list.disabled &&
	PORTTOOL_APT_ETC=$PWD/etc test_expect_code 1 porttool tree 5.10 2>err &&
	grep -q "apt source for bullseye-security: http://127.0.0.1:9/sec-mirror$" err &&
	grep -q "apt source for bullseye: http://127.0.0.1:9/main-mirror$" err &&
	cat >want <<-\EOF &&
	deb http://127.0.0.1:9/sec-mirror bullseye-security main
	deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://127.0.0.1:9/main-mirror bullseye main
	EOF
	test_cmp want cache/porttool/debian/sources.list &&
	grep -q "apt-get update failed" err
'

test_expect_success 'tree: a source that lists the suite itself is used as is' '
	export XDG_CACHE_HOME=$PWD/cache &&
	mkdir -p etc/sources.list.d &&
	printf "deb http://127.0.0.1:9/m bookworm main\ndeb http://127.0.0.1:9/old-sec bullseye-security main # comment\n" \
		>etc/sources.list &&
	PORTTOOL_APT_ETC=$PWD/etc test_expect_code 1 porttool tree 5.10 2>err &&
	grep -q "apt source for bullseye-security: http://127.0.0.1:9/old-sec$" err &&
	grep -q "apt source for bullseye: http://127.0.0.1:9/m$" err
'

test_expect_success 'tree: no Debian source for the suite in the apt config' '
	mkdir -p etc2/sources.list.d &&
	printf "deb http://example.invalid/ nodistro main\n" >etc2/sources.list &&
	PORTTOOL_APT_ETC=$PWD/etc2 test_expect_code 1 porttool tree 5.10 2>err &&
	grep -q "no Debian security archive for suite .bullseye-security." err
'

# A public snapshot may lack blobs (the 5.11.14 one lacks four amdgpu
# headers): --dir names them instead of libgit2's "object not found", and
# the clone is still usable in place.
test_expect_success 'from: a clone lacking blobs of the base names them' '
	make_clone up v5.10.223 &&
	seq 1 999 >up/huge_sh_mask.h && git -C up add -f huge_sh_mask.h &&
	git -C up commit -q -m more && git -C up tag -f v5.10.223 &&
	blob=$(git -C up rev-parse HEAD:huge_sh_mask.h) &&
	rm "up/.git/objects/${blob:0:2}/${blob:2}" &&
	test_expect_code 1 porttool tree 5.10 --from up --dir copy 2>err && cat err &&
	grep "up lacks the contents of 1 file(s) of the base" err &&
	grep "^  missing: huge_sh_mask.h$" err &&
	! grep "object not found" err && test ! -e copy &&
	porttool tree 5.10 --from up >out && test "$(cat out)" = "$PWD/up"
'

test_done
