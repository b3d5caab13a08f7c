#!/bin/bash
# fetch-arm64-debs.sh DEST PKG...
#
# Download Debian arm64 packages and unpack each into DEST/root, using a
# private apt lists directory under DEST so the host's apt state (and its
# architecture list) is never touched.  The mirror URIs are read from the
# machine's own apt sources, so no host name is written into this project.
# Idempotent: a package already unpacked (stamp file) is not fetched again.
set -eu
dest=${1:?usage: fetch-arm64-debs.sh DEST PKG...}
shift
[ $# -gt 0 ] || { echo "fetch-arm64-debs.sh: no package named" >&2; exit 2; }
mkdir -p "$dest/apt/lists/partial" "$dest/apt/cache/archives/partial" \
	"$dest/debs" "$dest/root" "$dest/stamps"
apt_dir=$dest/apt

# One "deb" line per (URI, suite) of the host's deb822 or one-line sources.
write_sources() {
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	local out=$apt_dir/sources.list
	: >"$out"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v kr="$keyring" '
			/^URIs:/ { uri = $2 }
			/^Suites:/ { n = split(substr($0, 9), s, " ") }
			/^Components:/ { comp = substr($0, 13) }
			/^$/ { flush() }
			END { flush() }
			function flush(  i) {
				for (i = 1; i <= n; i++)
					if (uri != "")
						printf "deb [arch=arm64 signed-by=%s] %s %s%s\n", kr, uri, s[i], comp == "" ? " main" : " " comp
				uri = ""; n = 0; comp = ""
			}' "$f" >>"$out"
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) \(.*\)$/deb [arch=arm64] \2 \3/p' \
			/etc/apt/sources.list >>"$out"
	fi
	if [ ! -s "$out" ]; then
		echo "fetch-arm64-debs.sh: no Debian mirror found in /etc/apt/sources.list{,.d}" >&2
		exit 1
	fi
}

apt_private() {
	apt-get -q -o APT::Architecture=arm64 -o APT::Architectures=arm64 \
		-o Dir::Etc::SourceList="$apt_dir/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::State::Status="$apt_dir/status" \
		-o Dir::Cache="$apt_dir/cache" "$@"
}

need=
for p in "$@"; do
	[ -e "$dest/stamps/$p" ] || need="$need $p"
done
[ -n "$need" ] || exit 0

touch "$apt_dir/status"
if [ ! -s "$apt_dir/sources.list" ] || ! ls "$apt_dir/lists/"*Packages* >/dev/null 2>&1; then
	write_sources
	apt_private update >&2
fi
for p in $need; do
	(cd "$dest/debs" && apt_private download "$p:arm64" >&2)
	deb=$(ls -t "$dest/debs/${p}_"*_arm64.deb | head -n1)
	dpkg-deb -x "$deb" "$dest/root"
	touch "$dest/stamps/$p"
done
