#!/bin/bash
# The build-only boards: the 5.10 port must build an Image and the board's
# DTB for the Raspberry Pi 4B (bcm2711-rpi-4-b.dtb) and the HP m400
# (apm-mustang.dtb, the closest mainline X-Gene 1 board), with the DTB
# holding what the corevisor needs.  Slow: two kernel builds.  Shares the
# chain's work directory (t0900) when it exists.
#
# CI's budget: on a fresh machine the 5.10 chain already builds two
# kernels from nothing (SeKVM and stock KVM); two more would not fit in
# its 80 minutes.  So a board is built here only when its build directory
# is already there (a warm machine: the build is incremental) or when
# PORTTOOL_TEST_BOARDS=1 asks for it (`make -C porttool test-boards`);
# otherwise its case is skipped, saying how to run it.
. "$(dirname "$0")/lib.sh"

W=${PORTTOOL_CHAIN_DIR:-$TRASH_ROOT/t0900-work}
TREE=$W/tree
mkdir -p "$W"

# wanted BOARD: build this board in this run?
wanted() {
	[ "${PORTTOOL_TEST_BOARDS:-}" = 1 ] || [ -s "$W/$1/.config" ]
}

if wanted pi4b || wanted m400; then
test_expect_success 'boards: a tree carrying the port' '
	if ! test -d "$TREE/.git"; then
		rm -rf "$TREE" && porttool tree 5.10 --dir "$TREE" >out
	fi &&
	case "$(git -C "$TREE" symbolic-ref --short HEAD)" in
	sekvm/*) ;;
	*) porttool apply 5.10 --tree "$TREE" --branch "sekvm/t0910-$(date +%Y%m%d%H%M%S)" ;;
	esac
'
fi

for board in pi4b m400; do
	case $board in
	pi4b) dtb=arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dtb ;;
	m400) dtb=arch/arm64/boot/dts/apm/apm-mustang.dtb ;;
	esac
	if ! wanted $board; then
		test_skip "boards: build --board $board" \
			"cold: no $W/$board yet; make -C porttool test-boards builds it"
		continue
	fi
	test_expect_success "boards: build --board $board makes Image and $(basename $dtb)" '
		t0=$(date +%s) &&
		porttool build 5.10 --board '$board' --tree "$TREE" --out "$W/'$board'" >out 2>err &&
		echo "# '$board' built in $(( $(date +%s) - t0 )) s" &&
		test -s "$W/'$board'/arch/arm64/boot/Image" &&
		test -s "$W/'$board'/'$dtb'" &&
		grep -q "^DTB: .*'$dtb'" out &&
		grep -q "^PASS dtb-gic" out && grep -q "^PASS dtb-uart" out &&
		grep -q "^PASS dtb-memory" out &&
		test -z "$(git -C "$TREE" status --porcelain --ignored)"
	'
done

test_done
