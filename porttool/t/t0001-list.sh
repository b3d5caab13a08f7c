#!/bin/bash
# porttool list: the project's ports, and synthetic ports directories with
# every kind of broken port.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME="$TRASH/cache"

# good_port DIR VER BASE: a minimal valid port.
good_port() {
	mkdir -p "$1/v$2" &&
	printf '[port]\n\tversion = %s\n[base]\n\tversion = %s\n\ttag = v%s\n[board "qemu"]\n\tdefconfig = q.config\n' \
		"$2" "$3" "$3" >"$1/v$2/port.conf" &&
	printf '# series\n' >"$1/v$2/series"
}

test_expect_success 'list: the project ports, in version order' '
	porttool list >out &&
	head -n 1 out | grep -q "^PORT  *BASE  *TAG  *COMMIT  *TREE  *PATCHES  *BOARDS  *DEFAULT TREE" &&
	awk "NR > 1 {print \$1}" out >order &&
	ls "$PROJECT_DIR/ports" | grep "^v[0-9]" | sort -V >want &&
	test_cmp want order &&
	n=$(grep -v "^#" "$PROJECT_DIR/ports/v4.18/series" | grep -c . || true) &&
	grep -q "^v4.18  *4.18  *v4.18  *known  *-  *$n  *[a-z0-9,]*  *none (--from CLONE or --tarball FILE)$" out
'

test_expect_success 'list: 5.10 shows its base, known ids, boards and Debian default' '
	porttool list >out &&
	line=$(grep "^v5.10 " out) &&
	n=$(grep -v "^#" "$PROJECT_DIR/ports/v5.10/series" | grep -c . || true) &&
	echo "$line" | grep -q "^v5.10  *5.10.223  *v5.10.223  *known  *known  *$n  *qemu,pi4b,m400  *debian linux-source-5.10=5.10.223-1 (bullseye-security)" &&
	! echo "$line" | grep -q cached
'

test_expect_success 'list: 6.1 shows its base, known ids, boards and Debian bookworm default' '
	porttool list >out &&
	line=$(grep "^v6.1 " out) &&
	n=$(grep -v "^#" "$PROJECT_DIR/ports/v6.1/series" | grep -c . || true) &&
	echo "$line" | grep -q "^v6.1  *6.1.192  *v6.1.192  *known  *known  *$n  *qemu,pi4b,m400  *debian linux-source-6.1=6.1.192-3 (bookworm-security)" &&
	! echo "$line" | grep -q cached
'

test_expect_success 'list: 6.12 shows its base, known ids, boards and Debian bookworm-security default' '
	porttool list >out &&
	line=$(grep "^v6.12 " out) &&
	n=$(grep -v "^#" "$PROJECT_DIR/ports/v6.12/series" | grep -c . || true) &&
	echo "$line" | grep -q "^v6.12  *6.12.118  *v6.12.118  *known  *known  *$n  *qemu,pi4b,m400  *debian linux-source-6.12=6.12.118-1~deb12u1 (bookworm-security)" &&
	! echo "$line" | grep -q cached
'

test_expect_success 'list: says cached once the default tree is in the cache' '
	mkdir -p "$XDG_CACHE_HOME/porttool/trees/v5.10/.git" &&
	porttool list >out &&
	grep "^v5.10 " out | grep -q ", cached$" &&
	rm -rf "$XDG_CACHE_HOME/porttool/trees"
'

test_expect_success 'list: a synthetic ports dir, patches counted' '
	good_port p 6.1 6.1.100 &&
	printf "0001-a.patch\n#@corevisor\n0002-b.patch -p1\n" >p/v6.1/series &&
	touch p/v6.1/0001-a.patch p/v6.1/0002-b.patch &&
	good_port p 4.9 4.9 &&
	porttool --ports p list >out &&
	test $(wc -l <out) = 3 &&
	grep -q "^v4.9  *4.9  *v4.9  *-  *-  *0  *qemu  *none" out &&
	sed -n 3p out | grep -q "^v6.1  *6.1.100  *v6.1.100  *-  *-  *2  *qemu"
'

test_expect_success 'list: an empty ports dir lists nothing, succeeds' '
	mkdir empty &&
	porttool --ports empty list >out 2>err &&
	test $(wc -l <out) = 1 && grep -q "no ports in empty" err
'

test_expect_success 'list: missing port.conf is an error, the rest is listed' '
	good_port p 5.10 5.10.1 && good_port p 6.1 6.1.1 &&
	mkdir p/v5.15 && touch p/v5.15/series &&
	test_expect_code 1 porttool --ports p list >out 2>err &&
	grep -q "p/v5.15/port.conf: no such file" err &&
	grep -q "^v5.15  *ERROR" out &&
	grep -q "^v5.10  *5.10.1 " out && grep -q "^v6.1  *6.1.1 " out
'

test_expect_success 'list: malformed config names the file and the line' '
	good_port p 5.10 5.10.1 && good_port p 6.1 6.1.1 &&
	printf "[port]\n\tversion = 6.1\n[base\n\tversion = 6.1.1\n" >p/v6.1/port.conf &&
	test_expect_code 1 porttool --ports p list >out 2>err &&
	grep -q "p/v6.1/port.conf.*missing .]. in section header (in p/v6.1/port.conf:3)" err &&
	grep -q "^v6.1  *ERROR" out && grep -q "^v5.10  *5.10.1 " out
'

test_expect_success 'list: missing required keys and bad ids are errors' '
	good_port p 5.10 5.10.1 &&
	printf "[port]\n\tversion = 5.10\n" >p/v5.10/port.conf &&
	test_expect_code 1 porttool --ports p list >out 2>err &&
	grep -q "port.version, base.version and base.tag are required" err &&
	good_port q 5.10 5.10.1 &&
	printf "\tcommit = 1234\n" >>q/v5.10/port.conf &&
	sed -i "s/^\[board/[base]\n\tcommit = 1234\n[board/" q/v5.10/port.conf &&
	test_expect_code 1 porttool --ports q list >out 2>err &&
	grep -q "base.commit .1234. is not a 40-digit commit id" err
'

test_expect_success 'list: keys without a value are errors' '
	good_port p 5.10 5.10.1 &&
	printf "[corevisor]\n\tpath\n" >>p/v5.10/port.conf &&
	test_expect_code 1 porttool --ports p list 2>err &&
	grep -q "p/v5.10/port.conf: corevisor.path has no value" err &&
	good_port q 5.10 5.10.1 &&
	printf "[board \"pi4b\"]\n\tdtb\n" >>q/v5.10/port.conf &&
	test_expect_code 1 porttool --ports q list 2>err &&
	grep -q "q/v5.10/port.conf: key .board.pi4b.dtb. needs a value" err
'

test_expect_success 'list: a series naming a missing patch' '
	good_port p 5.10 5.10.1 &&
	printf "0001-here.patch\n0002-gone.patch\n" >p/v5.10/series &&
	touch p/v5.10/0001-here.patch &&
	test_expect_code 1 porttool --ports p list >out 2>err &&
	grep -q "p/v5.10/series:2: patch .0002-gone.patch. does not exist" err &&
	grep -q "^v5.10  *ERROR" out
'

test_expect_success 'list: duplicate series entries' '
	good_port p 5.10 5.10.1 &&
	printf "0001-a.patch\n# comment\n0001-a.patch\n" >p/v5.10/series &&
	touch p/v5.10/0001-a.patch &&
	test_expect_code 1 porttool --ports p list 2>err &&
	grep -q "series:3: patch .0001-a.patch. listed twice (first at line 1)" err
'

test_expect_success 'list: two corevisor markers' '
	good_port p 5.10 5.10.1 &&
	printf "#@corevisor\n\n  #@corevisor  \n" >p/v5.10/series &&
	test_expect_code 1 porttool --ports p list 2>err &&
	grep -q "series:3: second #@corevisor marker" err
'

test_expect_success 'list: bad versions: directory names and port.conf values' '
	good_port p 5.10 5.10.1 &&
	mkdir p/vfoo p/v5 &&
	test_expect_code 1 porttool --ports p list >out 2>err &&
	grep -q "p/vfoo: not a port directory name" err &&
	grep -q "p/v5: not a port directory name" err &&
	grep -q "^v5.10  *5.10.1 " out &&
	good_port q 5.10 5.10.1 &&
	sed -i "s/5\.10/5.11/g" q/v5.10/port.conf &&
	test_expect_code 1 porttool --ports q list 2>err &&
	grep -q "port.version is .5.11. but the directory says .5.10." err &&
	good_port r 5.10 5.100.1 &&
	test_expect_code 1 porttool --ports r list 2>err &&
	grep -q "base.version .5.100.1. is not a release of the 5.10 line" err &&
	good_port s 5.10 5.10.x &&
	test_expect_code 1 porttool --ports s list 2>err &&
	grep -q "base.version .5.10.x. is not a kernel release" err
'

test_expect_success 'list: usage errors' '
	test_expect_code 2 porttool list extra 2>err && grep -q "takes no arguments" err &&
	test_expect_code 2 porttool list --nope 2>err && grep -q "unknown option" err &&
	test_expect_code 1 porttool --ports nowhere list 2>err &&
	grep -q "nowhere" err &&
	porttool list --help | grep -q "usage: porttool list"
'

test_done
