# A QEMU host that stands in for a board for 'porttool bench --target'
# (t0970): the built kernel boots in QEMU (virt, EL2, GICv2, as porttool
# boot's) with user-mode networking that forwards 127.0.0.1:PORT to its
# port 22, where Debian's dropbear (dropbear-bin) serves root.
#
# Its disk is 'porttool rootfs --packages busybox-static,dropbear-bin'
# (Debian's arm64 packages through porttool's private apt lists; cached, a
# few MiB), snapshot=on so the image stays as built.  A small initramfs
# (busybox from that image, its /init below) mounts it, installs busybox's
# applets into it, puts the test's public key in root's authorized_keys and
# the test's host key (made by ssh-keygen here, converted by dropbearconvert
# there) as dropbear's, and runs dropbear in a chroot into it.  So the host
# key is known before the board boots: known_hosts is written by the test
# and StrictHostKeyChecking is yes.
#
# Needs: BOARD_DIR (keys, the initramfs, the serial log), porttool.

board_tools_missing() {
	local p
	for p in ssh ssh-keygen cpio debugfs qemu-system-aarch64 python3; do
		command -v "$p" >/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

# A TCP port on 127.0.0.1 nothing listens on right now.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# board_prepare: keys, ssh config, known_hosts and the initramfs in
# BOARD_DIR; the root filesystem's path in BOARD_ROOTFS.
board_prepare() {
	local d=$BOARD_DIR c=$BOARD_DIR/cpio
	mkdir -p "$c/bin" "$c/dev" "$c/proc" "$c/sys" "$c/r" &&
	BOARD_ROOTFS=$(porttool rootfs --packages busybox-static,dropbear-bin 2>"$d/rootfs.err" |
		tail -n 1) &&
	test -s "$BOARD_ROOTFS" || { cat "$d/rootfs.err"; return 1; }
	ssh-keygen -q -t ed25519 -N '' -C porttool-test -f "$d/id" &&
	ssh-keygen -q -t ed25519 -N '' -C porttool-test-other -f "$d/other-id" &&
	ssh-keygen -q -t ed25519 -N '' -C board-host -f "$d/hostkey" &&
	ssh-keygen -q -t ed25519 -N '' -C not-the-board -f "$d/wrong-hostkey" &&
	debugfs -R "dump /bin/busybox $c/bin/busybox" "$BOARD_ROOTFS" 2>/dev/null &&
	chmod 755 "$c/bin/busybox" &&
	cp "$d/id.pub" "$c/authorized_keys" &&
	cp "$d/hostkey" "$c/hostkey" &&
	cat >"$c/init" <<'EOF' &&
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t ext4 /dev/vda /r || echo "BOARD-ERROR: no root filesystem"
mount -t devtmpfs devtmpfs /r/dev
mkdir -p /r/dev/pts
mount -t devpts devpts /r/dev/pts
mount -t proc proc /r/proc
mount -t sysfs sysfs /r/sys
mount -t tmpfs tmpfs /r/tmp
chroot /r /bin/busybox --install -s /bin
mkdir -p /r/root/.ssh /r/etc/dropbear
cp /authorized_keys /r/root/.ssh/authorized_keys
chmod 700 /r/root /r/root/.ssh
chmod 600 /r/root/.ssh/authorized_keys
cp /hostkey /r/etc/dropbear/hostkey.openssh
chroot /r /usr/bin/dropbearconvert openssh dropbear /etc/dropbear/hostkey.openssh \
	/etc/dropbear/dropbear_ed25519_host_key || echo "BOARD-ERROR: dropbearconvert"
ip link set lo up
ip link set eth0 up
net=$(sed -n 's/.* board\.net=\([0-9.]*\).*/\1/p' /proc/cmdline)
ip addr add $net.15/24 dev eth0
ip route add default via $net.2
echo "BOARD-READY: $(uname -r), /dev/kvm: $(test -c /dev/kvm && echo yes || echo no)"
# -s: no passwords; -E: its log on the console; -F: stays here
chroot /r /usr/sbin/dropbear -F -E -s -p 22 -r /etc/dropbear/dropbear_ed25519_host_key
echo "BOARD-ERROR: dropbear exited $?"
poweroff -f
EOF
	chmod 755 "$c/init" &&
	(cd "$c" && find . | cpio -o -H newc --quiet) >"$d/board.cpio"
}

# board_config NAME KEY KNOWN_HOSTS: an ssh -F file in BOARD_DIR/NAME.
board_config() {
	cat >"$BOARD_DIR/$1" <<EOF
Host *
	IdentityFile $2
	IdentitiesOnly yes
	UserKnownHostsFile $3
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	PasswordAuthentication no
	KbdInteractiveAuthentication no
EOF
}

# board_boot IMAGE PORT [MACHINE]: boot the board in the background (its
# pid in BOARD_PID, the serial console in BOARD_DIR/serial-PORT.log) and
# wait until ssh logs in, at most 240 s.  MACHINE defaults to porttool's
# virt,virtualization=on,gic-version=2.  Its network is BOARD_NET.0/24
# (default 10.9.0: not the 10.0.2.0/24 and up of the apps suite's guests),
# its memory BOARD_MEM (default 2G).
board_boot() {
	local image=$1 port=$2 machine=${3:-virt,virtualization=on,gic-version=2} i
	local log=$BOARD_DIR/serial-$port.log net=${BOARD_NET:-10.9.0}
	echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$BOARD_DIR/hostkey.pub")" \
		>"$BOARD_DIR/known_hosts-$port"
	board_config "config-$port" "$BOARD_DIR/id" "$BOARD_DIR/known_hosts-$port"
	nice -n 10 qemu-system-aarch64 -M "$machine" -cpu cortex-a72 -smp 2 \
		-m "${BOARD_MEM:-2G}" -nographic -no-reboot -kernel "$image" \
		-initrd "$BOARD_DIR/board.cpio" \
		-append "console=ttyAMA0 panic=-1 rdinit=/init board.net=$net" \
		-drive "file=$BOARD_ROOTFS,if=none,format=raw,id=rootfs,snapshot=on" \
		-device virtio-blk-device,drive=rootfs \
		-netdev "user,id=net0,net=$net.0/24,hostfwd=tcp:127.0.0.1:$port-:22" \
		-device virtio-net-device,netdev=net0 </dev/null >"$log" 2>&1 &
	BOARD_PID=$!
	for i in $(seq 240); do
		if ! kill -0 "$BOARD_PID" 2>/dev/null; then
			echo "the board's QEMU exited:"; tail -n 20 "$log"; return 1
		fi
		if grep -q "BOARD-READY" "$log" &&
		   ssh -F "$BOARD_DIR/config-$port" -p "$port" -o BatchMode=yes \
			-o ConnectTimeout=5 root@127.0.0.1 true 2>/dev/null; then
			return 0
		fi
		sleep 1
	done
	echo "the board did not let ssh in within 240 s:"; tail -n 20 "$log"
	return 1
}

board_stop() {
	[ -n "${BOARD_PID:-}" ] || return 0
	kill "$BOARD_PID" 2>/dev/null
	wait "$BOARD_PID" 2>/dev/null
	BOARD_PID=
}
