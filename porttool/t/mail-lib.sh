# Helpers for the 'porttool mail' tests (t05xx-mail-*.sh); source after lib.sh.
#
# Each case gets its own HOME and XDG cache in its scratch directory, so the
# user's git config and porttool's tree cache never leak into a test.

PY=/usr/bin/python3		# Debian's, which has aiosmtpd
SMTPD="$T_DIR/smtpd.py"
# The real 5.10 tree (MAINTAINERS, scripts/checkpatch.pl), read-only: the
# unpacked Debian source if it is there, else porttool's cached default tree.
KTREE=/tmp/k/linux-source-5.10
[ -f "$KTREE/MAINTAINERS" ] || KTREE=$(real_tree) || KTREE=

# test_ktree NAME BODY: a case that needs the real tree; skipped without it.
test_ktree() {
	if [ -n "$KTREE" ] && [ -f "$KTREE/MAINTAINERS" ]; then
		test_expect_success "$@"
	else
		test_skip "$1" "no Linux 5.10 tree"
	fi
}
# Authors sign off their own patches, as checkpatch wants.
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

# Call at the top of every case body.
mail_setup() {
	export HOME="$PWD/home" XDG_CACHE_HOME="$PWD/cache" TMPDIR="$PWD/tmp"
	mkdir -p "$HOME" "$XDG_CACHE_HOME" "$TMPDIR"
	unset GIT_CONFIG_GLOBAL EMAIL
}

# make_repo DIR: a small git repository laid out like a kernel tree, with
# the tag v5.10.223 on its base commit.
make_repo() {
	git init -q "$1"
	(
		cd "$1"
		mkdir -p arch/arm64/kvm/hyp virt/kvm include/linux
		printf 'int arm;\n' >arch/arm64/kvm/arm.c
		printf 'int hyp;\n' >arch/arm64/kvm/hyp/switch.c
		printf 'int kvm_main;\n' >virt/kvm/kvm_main.c
		printf 'int kvm_host;\n' >include/linux/kvm_host.h
		printf 'all:\n' >Makefile
		git add . && git commit -q -m "Linux 5.10.223"
		git tag v5.10.223
	)
}

# add_commit REPO FILE LINE SUBJECT [BODY]: a signed-off commit appending LINE.
add_commit() {
	(
		cd "$1"
		printf '%s\n' "$3" >>"$2"
		git add "$2"
		git commit -q -s -m "$4" -m "${5:-Why: the hostvisor needs it.}"
	)
}

# make_port PORTS REPO [VER]: write REPO's commits since v5.10.223 as a port
# with real git format-patch.
make_port() {
	local ports=$1 repo=$2 ver=${3:-5.10} d
	d="$ports/v$ver"
	mkdir -p "$d"
	rm -f "$d"/*.patch
	git -C "$repo" format-patch -q -o "$(cd "$d" && pwd)" v5.10.223
	(cd "$d" && ls *.patch >series)
	cat >"$d/port.conf" <<-EOC
	[port]
		version = $ver
		description = a synthetic port for the mail tests
	[base]
		version = 5.10.223
		tag = v5.10.223
	EOC
}

# std_port: repo/ with three patches and ports/v5.10 from them.
std_port() {
	make_repo repo
	add_commit repo arch/arm64/kvm/arm.c 'int sekvm_arm;' 'KVM: arm64: add the SeKVM hook'
	add_commit repo virt/kvm/kvm_main.c 'int sekvm_main;' 'KVM: call the corevisor on VM creation'
	add_commit repo include/linux/kvm_host.h 'int sekvm_host;' 'KVM: declare the corevisor interface'
	make_port ports repo
}

# start_smtpd NAME [smtpd.py options]: a server recording into NAME/; sets
# SMTP_PORT and SMTPD_PID.  It exits by itself after 60 s and is killed
# when the case's subshell ends.
start_smtpd() {
	local name=$1 i
	shift
	rm -f "$name.port"
	"$PY" "$SMTPD" --dir "$name" --port-file "$name.port" --timeout 60 "$@" \
		>"$name.log" 2>&1 &
	SMTPD_PID=$!
	SMTPD_PIDS="${SMTPD_PIDS:-} $SMTPD_PID"
	trap 'kill $SMTPD_PIDS 2>/dev/null; wait 2>/dev/null' EXIT
	for i in $(seq 100); do
		[ -s "$name.port" ] && break
		kill -0 "$SMTPD_PID" 2>/dev/null || { cat "$name.log"; return 1; }
		sleep 0.1
	done
	SMTP_PORT=$(cat "$name.port")
	[ -n "$SMTP_PORT" ]
}

stop_smtpd() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# How many messages a server recorded.
received() { ls "$1"/*.eml 2>/dev/null | wc -l; }

# The value of header H in file F (first occurrence, unfolded).
header() {
	awk -v h="$1" '
		/^$/ { exit }
		found && /^[ \t]/ { sub(/^[ \t]+/, " "); v = v $0; next }
		found { exit }
		tolower($0) ~ "^" tolower(h) ":" { sub(/^[^:]*: ?/, ""); v = $0; found = 1 }
		END { print v }' "$2"
}

# mail ARGS: porttool mail on ports/ with a sender.
mail() { porttool mail --ports ports --from "Sender Person <sender@example.org>" "$@"; }
