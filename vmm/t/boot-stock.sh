#!/bin/bash
# boot-stock.sh BUILD_DIR: boot a guest with the vmm under real KVM.
#
# QEMU (TCG, virtualization=on, GICv2) boots a 5.10 host kernel with KVM;
# its initramfs runs the static arm64 vmm, which boots the same Image (or
# $VMM_GUEST_KERNEL) as a 2-vCPU guest whose init prints a marker with the
# CPUs it saw, writes another to the virtio console (swiotlb=2048,force:
# every buffer bounces through the swiotlb pool) and powers off.  KVM
# inside TCG is nested virtualization by emulation: slow, so the guest gets
# minutes.  Ends with "vmm: N passed, N failed".
#
# Host kernel: $VMM_HOST_KERNEL, else a stock-KVM build by porttool (its
# default output v5.10-qemu-kvm, or the one porttool's chain test t0900
# leaves in its work directory), else a SeKVM build (v5.10-qemu, or
# t0900's).  Without one the test is skipped, and says so.
# Guest kernel: $VMM_GUEST_KERNEL (e.g. one built with CONFIG_SEKVM_GUEST,
# whose .config sits three directories up, as in a kernel build tree),
# else the host kernel.
# Env: VMM_BOOT_TIMEOUT (s, default 1500), VMM_KEEP=1 (keep the work dir).
set -u
build=$(cd "${1:?usage: boot-stock.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
timeout_s=${VMM_BOOT_TIMEOUT:-1500}
pt_build=${XDG_CACHE_HOME:-$HOME/.cache}/porttool/build
# The same scratch root porttool/t/lib.sh uses for this checkout.
project=$(cd "$here/.." && pwd)
pt_trash=${TRASH_ROOT:-${TMPDIR:-/tmp}/porttool-tests-$(printf %s "$project" | cksum | cut -d' ' -f1)}
pt_chain=${PORTTOOL_CHAIN_DIR:-$pt_trash/t0900-work}
busybox_root=${VMM_ARM64_CACHE:-$HOME/.cache/sekvm-vmm}
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
finish() { echo "vmm: $pass passed, $fail failed"; [ "$fail" = 0 ]; exit; }

kernel=${VMM_HOST_KERNEL:-}
if [ -z "$kernel" ]; then
	for k in "$pt_build/v5.10-qemu-kvm" "$pt_chain/qemu-kvm" \
		 "$pt_build/v5.10-qemu" "$pt_chain/qemu"; do
		if [ -f "$k/arch/arm64/boot/Image" ]; then
			kernel=$k/arch/arm64/boot/Image
			break
		fi
	done
fi
if [ -z "$kernel" ] || [ ! -f "$kernel" ]; then
	echo "skipped: no host kernel at ${kernel:-$pt_build/v5.10-qemu-kvm/arch/arm64/boot/Image (nor $pt_chain/qemu-kvm/...)}"
	finish
fi
# A SeKVM build (CONFIG_SEKVM=y in the build's .config) must register the
# signed image instead of falling back.
config=$(dirname "$kernel")/../../../.config
kind=stock
grep -qx 'CONFIG_SEKVM=y' "$config" 2>/dev/null && kind=sekvm
guest_kernel=${VMM_GUEST_KERNEL:-$kernel}
if [ ! -f "$guest_kernel" ]; then
	bad "guest kernel $guest_kernel exists"
	finish
fi
# Only a guest built with CONFIG_SEKVM_GUEST says whether it found SeKVM.
guest_config=$(dirname "$guest_kernel")/../../../.config
sekvm_guest=no
grep -qx 'CONFIG_SEKVM_GUEST=y' "$guest_config" 2>/dev/null && sekvm_guest=yes
echo "host kernel: $kernel ($kind KVM)"
echo "guest kernel: $guest_kernel (CONFIG_SEKVM_GUEST: $sekvm_guest)"

"$here/scripts/fetch-arm64-debs.sh" "$busybox_root" busybox-static || {
	bad "fetch Debian's arm64 busybox-static"
	finish
}
busybox=$busybox_root/root/bin/busybox
work=$(mktemp -d /tmp/vmm-boot.XXXXXX)
[ "${VMM_KEEP:-0}" = 1 ] && echo "work dir: $work" || trap 'rm -rf "$work"' EXIT

# A root directory with busybox, /dev/console (the kernel opens it for
# init's stdio) and the given init script.
make_root() {
	local root=$1 init=$2
	mkdir -p "$root"/{bin,dev,proc,sys,tmp}
	cp "$busybox" "$root/bin/busybox"
	ln -sf busybox "$root/bin/sh"
	mknod -m 600 "$root/dev/console" c 5 1
	cp "$init" "$root/init"
	chmod 755 "$root/init"
}
pack() { (cd "$1" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$2"; }

make_root "$work/guest" "$here/guest/init.sh"
pack "$work/guest" "$work/guest.cpio.gz"

cat >"$work/host-init" <<HOST
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "VMM-HOST: userspace up, \$(grep -c '^processor' /proc/cpuinfo) cpus"
[ -c /dev/kvm ] && echo "VMM-HOST: /dev/kvm present" || echo "VMM-HOST: /dev/kvm missing"
/bin/vmm --kernel /guest/initrd.cpio.gz --mem 64 >/tmp/bad.out 2>&1
echo "VMM-HOST: bad-kernel exit \$? \$(grep Image /tmp/bad.out)"
/bin/vmm --kernel /guest/Image --cpus 9 >/tmp/bad.out 2>&1
echo "VMM-HOST: bad-cpus exit \$? \$(head -n1 /tmp/bad.out)"
args="--kernel /guest/Image --initrd /guest/initrd.cpio.gz --mem 256
	--sig /guest/Image.sig --pubkey /guest/vm.pub"
cmdline="console=ttyAMA0 earlycon=pl011,0x09000000 panic=-1"
echo "VMM-HOST: starting guest, 2 vCPUs"
{ /bin/vmm \$args --cpus 2 --cmdline "\$cmdline swiotlb=2048,force"
  echo "VMM-EXIT \$?"; } 2>&1 | sed 's/^/2CPU: /'
echo "VMM-HOST: starting guest, 4 vCPUs"
{ /bin/vmm \$args --cpus 4 --cmdline "\$cmdline quiet"; echo "VMM-EXIT \$?"; } 2>&1 |
	sed 's/^/4CPU: /'
echo "VMM-HOST: starting guest, 1 vCPU, reboot"
{ /bin/vmm \$args --cpus 1 --cmdline "\$cmdline quiet vmmtest=reboot hold=1"
  echo "VMM-EXIT \$?"; } 2>&1 | sed 's/^/1CPU: /'
echo "VMM-HOST: done"
poweroff -f
HOST
make_root "$work/host" "$work/host-init"
mkdir -p "$work/host/guest"
cp "$build/vmm" "$work/host/bin/vmm"
cp "$guest_kernel" "$work/host/guest/Image"
cp "$work/guest.cpio.gz" "$work/host/guest/initrd.cpio.gz"
# A signed image and key, as a SeKVM VMM gets them; on stock KVM the vmm
# checks their form and says the image is not registered.
# The signature covers the load address: RAM base + the Image header's
# text_offset (LE64 at byte 8), which is 0 for 5.10 but 0x80000 for
# 4.18 and 5.4 Images.
text_offset=$(od -An -t u8 -j 8 -N 8 --endian=little "$guest_kernel" | tr -d ' ')
ipa=$(printf '0x%x' $((0x40000000 + text_offset)))
"$build/sekvm-sign" keygen "$work/vm.key" "$work/host/guest/vm.pub" &&
	"$build/sekvm-sign" sign --ipa "$ipa" "$work/vm.key" "$guest_kernel" \
		"$work/host/guest/Image.sig" || { bad "sign the guest kernel"; finish; }
pack "$work/host" "$work/host.cpio.gz"

echo "booting (timeout ${timeout_s}s; nested KVM under TCG takes minutes)"
t0=$(date +%s)
timeout -k 10 "$timeout_s" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=2 -cpu cortex-a72 -smp 2 -m 2G \
	-nographic -no-reboot -kernel "$kernel" -initrd "$work/host.cpio.gz" \
	-append "console=ttyAMA0 panic=-1" </dev/null >"$work/console.log" 2>&1
rc=$?
echo "qemu exit $rc after $(( $(date +%s) - t0 )) s"
log=$work/console.log
tr -d '\r' <"$log" >"$log.txt"
log=$log.txt

has() { grep -qE -- "$1" "$log"; }
check() { # check NAME REGEX
	if has "$2"; then ok "$1"; else bad "$1"; fi
}
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	bad "QEMU finished within ${timeout_s}s (killed by timeout)"
else
	ok "QEMU finished within ${timeout_s}s"
fi
check "host reached userspace" "^VMM-HOST: userspace up"
check "host has /dev/kvm" "^VMM-HOST: /dev/kvm present"
check "vmm refuses a non-Image kernel, naming the file" \
	"^VMM-HOST: bad-kernel exit 1 vmm: /guest/initrd.cpio.gz: not a bootable arm64 Image"
check "vmm refuses --cpus 9 as a usage error" "^VMM-HOST: bad-cpus exit 2 vmm: --cpus: '9'"
check "host kernel runs at EL2 (KVM can use it)" "^CPU: All CPU\\(s\\) started at EL2"
if [ "$kind" = stock ]; then
	check "stock KVM: the image is not registered, and the vmm says so" \
		"^2CPU: vmm: stock KVM: image not registered"
else
	check "SeKVM: the vmm registered the signed kernel" \
		"^2CPU: vmm: SeKVM: kernel image registered"
fi
check "guest kernel booted on the vmm's device tree" "^2CPU: Machine model: linux,dummy-virt"
check "guest runs at EL1 under KVM" "^2CPU: CPU: All CPU\\(s\\) started at EL1"
check "guest console through the pl011 driver" "^2CPU: printk: console \\[ttyAMA0\\] enabled"
check "guest printed its marker" "^2CPU: SEKVM-GUEST-OK"
check "guest saw 2 CPUs" "^2CPU: SEKVM-GUEST-OK cpus=2 online=0-1"
check "guest bounces DMA through a forced swiotlb pool (swiotlb=2048,force)" \
	"^2CPU: software IO TLB: mapped \\[mem .*\\] \\(4MB\\)"
check "guest's line through the virtio console (only via /dev/hvc0)" "^2CPU: SEKVM-VIRTIO-OK\$"
if grep -qx 'CONFIG_SEKVM_GUEST=y' "$config" 2>/dev/null; then
	check "CONFIG_SEKVM_GUEST host kernel: entered at EL2, not a guest" \
		"^sekvm-guest: kernel entered at EL2, not a guest, DMA unchanged"
fi
if [ "$sekvm_guest" = yes ] && [ "$kind" = stock ]; then
	check "CONFIG_SEKVM_GUEST guest: stock KVM is not SeKVM, DMA unchanged" \
		"^2CPU: sekvm-guest: not a SeKVM guest, DMA unchanged"
elif [ "$sekvm_guest" = yes ]; then
	# 2048 slabs of 2 KiB: 1024 pages shared, nothing else of the pool.
	check "CONFIG_SEKVM_GUEST guest under SeKVM: swiotlb pool shared" \
		"^2CPU: sekvm-guest: corevisor ABI v1\\.[0-9]+, DMA buffers shared with the host \\(1024 swiotlb pages\\)"
	if has "^2CPU: sekvm-guest: .*failed"; then
		bad "CONFIG_SEKVM_GUEST guest under SeKVM: no share/unshare failure"
	else
		ok "CONFIG_SEKVM_GUEST guest under SeKVM: no share/unshare failure"
	fi
else
	echo "note: the guest kernel has no CONFIG_SEKVM_GUEST; its probe line is not checked"
fi
check "vmm saw the guest power off" "^2CPU: vmm: guest powered off"
check "vmm exited 0 (guest's poweroff)" "^2CPU: VMM-EXIT 0"
check "a 4-vCPU guest saw 4 CPUs" "^4CPU: SEKVM-GUEST-OK cpus=4 online=0-3"
check "a 1-vCPU guest saw 1 CPU" "^1CPU: SEKVM-GUEST-OK cpus=1 online=0\$"
check "4-vCPU guest: vmm exit 0" "^4CPU: VMM-EXIT 0"
check "1-vCPU guest held for hold=1 before its reset" "^1CPU: SEKVM-GUEST-HOLD 1s"
check "vmm reports the guest's reset" "^1CPU: vmm: guest asked for a reset"
check "reset guest: vmm exit 3" "^1CPU: VMM-EXIT 3"
check "host powered off after the guests" "^VMM-HOST: done"
if [ "$fail" != 0 ]; then
	echo "---- last 60 console lines ($kernel)"
	tail -n 60 "$log"
fi
finish
