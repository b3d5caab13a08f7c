#!/bin/bash
# git am parity on git's own mailinfo test messages (t5100-git/, from git's
# t/t5100): for every message, what porttool takes from it (author, date,
# commit message) equals what git am takes: git mailinfo's author and
# subject, the date as git parses it, and the message git am commits
# (subject, blank line, body, through git stripspace).  A message git
# refuses must be refused by porttool too.  The last case prints the count
# of messages and of differences; differences kept by design are listed
# in BY_DESIGN with the reason.
. "$(dirname "$0")/lib.sh"

CORPUS="$T_DIR/t5100-git"

# Messages whose difference is deliberate: name -> reason.
declare -A BY_DESIGN=(
	[sample.mbox/0011]="a multipart/mixed MIME mail: porttool reads single-part mails (git format-patch writes no other kind without --attach), so the MIME boundary and part headers stay in the message"
)

# Split the mboxes, copy the single messages: one file per message.
corpus() {
	local f
	mkdir -p msgs
	for f in sample.mbox rfc2047-samples.mbox quoted-cr.mbox; do
		mkdir -p "msgs/$f" &&
		git mailsplit -o"msgs/$f" "$CORPUS/$f" >/dev/null || return 1
	done
	for f in comment.in embed-from.in info-from.in quoted-from.in \
		 quoted-string.in nul-plain nul-b64.in 0001mboxrd 0002mboxrd; do
		cp "$CORPUS/$f" "msgs/$f"
	done
}

# git's view of message $1, in porttool mailinfo's format.
git_view() {
	local info author email subject date
	git mailinfo -u msg patch <"$1" >info 2>/dev/null || return 1
	author=$(sed -n 's/^Author: //p' info)
	email=$(sed -n 's/^Email: //p' info)
	subject=$(sed -n 's/^Subject: //p' info)
	date=$(sed -n 's/^Date: //p' info)
	[ -n "$email" ] && [ -n "$date" ] && [ -n "$subject" ] || return 1
	ident=$(GIT_AUTHOR_NAME=$author GIT_AUTHOR_EMAIL=$email \
		GIT_AUTHOR_DATE=$date git var GIT_AUTHOR_IDENT 2>/dev/null) ||
		return 1
	printf 'Author: %s\nEmail: %s\nDate: %s\nSubject: %s\n\n' \
		"$author" "$email" "${ident##*> }" "$subject"
	{ printf '%s\n\n' "$subject"; cat msg; } | git stripspace
}

test_expect_success 'every message of git t5100: porttool takes what git am takes' '
	corpus &&
	n=0 diffs=0 &&
	for m in $(find msgs -type f | sort); do
		name=${m#msgs/}
		n=$((n + 1))
		if git_view "$m" >want 2>/dev/null; then g=ok; else g=refused; fi
		if porttool mailinfo "$m" >got 2>err; then p=ok; else p=refused; fi
		if [ $g = refused ] && [ $p = refused ]; then
			continue
		fi
		if [ $g = ok ] && [ $p = ok ] && cmp -s want got; then
			continue
		fi
		if [ -n "${BY_DESIGN[$name]:-}" ]; then
			echo "by design: $name: ${BY_DESIGN[$name]}"
			continue
		fi
		diffs=$((diffs + 1))
		echo "DIFFERS: $name (git $g, porttool $p)"
		[ $p = refused ] && cat err
		[ $g = ok ] && [ $p = ok ] && diff -u want got
	done
	echo "am parity: $n messages, $diffs difference(s), ${#BY_DESIGN[@]} by design" &&
	test $n -ge 30 && test $diffs = 0
'

test_done
