#!/bin/bash
# One library, no circles: each concern has one owner among porttool's
# objects, and no two modules (or headers) depend on each other in a
# circle.  Checked on the built objects with nm (t/deps.sh).
. "$(dirname "$0")/lib.sh"

DIR="$PROJECT_DIR/porttool"
DEPS="$T_DIR/deps.sh"

test_expect_success 'no module calls into a module that calls back into it' '
	"$DEPS" cycles "$DIR"
'

test_expect_success 'no header includes one that includes it back' '
	"$DEPS" includes "$DIR"
'

test_expect_success 'subproc.c is the only place that forks or execs' '
	for sym in fork vfork execv execvp execve execl execlp posix_spawn \
		   posix_spawnp popen system; do
		"$DEPS" users "$DIR" $sym
	done | sort -u >users &&
	cat users && echo subproc >expect && test_cmp expect users
'

test_expect_success 'one remove_tree: only tempdir.c walks a tree to delete it' '
	"$DEPS" users "$DIR" nftw >users && echo tempdir >expect && test_cmp expect users &&
	for f in remove_tree remove_dir; do "$DEPS" defs "$DIR" $f; done >defs &&
	test_cmp expect defs
'

test_expect_success 'header unfolding and subject stripping: mailhdr.c alone' '
	for f in strip_subject_prefix unfold mail_header_value squeeze_space; do
		"$DEPS" defs "$DIR" $f
	done | sort -u >defs &&
	echo mailhdr >expect && test_cmp expect defs &&
	"$DEPS" users "$DIR" strip_subject_prefix | sort >users &&
	printf "mailfmt\npatch\n" >expect && test_cmp expect users
'

test_expect_success 'a growable buffer: sbuf.c alone' '
	for f in sbuf_add byte_buf_free buf_add put; do
		"$DEPS" defs "$DIR" $f
	done | sort -u >defs &&
	cat defs && echo sbuf >expect && test_cmp expect defs
'

test_expect_success 'C-quoting of paths: quote.c alone, used by export and apply' '
	"$DEPS" users "$DIR" quote_path | sort >users &&
	printf "format_patch\npatch_check\n" >expect && test_cmp expect users
'

test_done
