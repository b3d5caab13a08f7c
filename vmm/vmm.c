// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm: boots one arm64 Linux guest under KVM (stock or SeKVM).
 *
 *   vmm --kernel IMAGE [--initrd FILE] [--cmdline TEXT] [--cpus N]
 *       [--mem MiB] [--sig FILE --pubkey FILE] [--raw [--load-offset N]]
 *       [--no-virtio] [--disk PATH[,ro]] [--net tap=NAME[,mac=MAC]]
 *
 * Exit status: 0 the guest powered off, 1 error, 2 usage, 3 the guest
 * asked for a reset, 4 the guest crashed (PSCI SYSTEM_EVENT types).
 *
 * The order of the steps matters on SeKVM: the VM's key goes to the
 * corevisor before any memory or image exists, and the kernel image is
 * registered once it is in guest memory and before any vCPU runs.
 */
#include "fdt.h"
#include "loader.h"
#include "sekvm.h"
#include "uart.h"
#include "vcpu.h"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "virtio_net.h"
#include "vm.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CMDLINE	"console=ttyAMA0"
#define DEFAULT_MEM_MIB	256
#define MIN_MEM_MIB	16
/* RAM at 1 GiB in a 40-bit IPA space leaves room for far more; this cap
 * only catches typos.
 */
#define MAX_MEM_MIB	(64 * 1024)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmm --kernel IMAGE [--initrd FILE] [--cmdline TEXT]\n"
		"           [--cpus N] [--mem MiB] [--sig FILE --pubkey FILE]\n"
		"           [--raw [--load-offset N]] [--no-virtio]\n"
		"           [--disk PATH[,ro]] [--net tap=NAME[,mac=MAC]]\n"
		"  --cpus   1..%d (default 1)   --mem  %d..%d MiB (default %d)\n"
		"  --sig    raw Ed25519 signature of the kernel (sekvm-sign)\n"
		"  --pubkey the VM's raw Ed25519 public key\n"
		"  --raw    the kernel is a raw image (no arm64 Image header),\n"
		"           loaded and entered at RAM base + --load-offset\n"
		"           (bytes, a 4 KiB multiple, default 0), DTB in x0\n"
		"  --no-virtio  no virtio console (not in the DT, its MMIO unhandled)\n"
		"  --disk   a virtio-blk disk: a file or block device (,ro: read-only)\n"
		"  --net    a virtio-net NIC on tap device NAME (made if missing)\n"
		"Exit: 0 guest powered off, 1 error, 2 usage, 3 guest reset, "
		"4 guest crash\n",
		VMM_MAX_CPUS, MIN_MEM_MIB, MAX_MEM_MIB, DEFAULT_MEM_MIB);
}

/* A whole decimal number in [min, max], or complain naming the option. */
static int parse_range(const char *opt, const char *s, uint64_t min,
		       uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *s == '-' || *end || errno || v < min || v > max) {
		fprintf(stderr, "vmm: %s: '%s' is not a number from %llu to "
			"%llu\n", opt, s, (unsigned long long)min,
			(unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

/* --load-offset: decimal or 0x hex, a 4 KiB multiple inside 64 GiB */
static int parse_offset(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *s == '-' || *end || errno || v % 4096 ||
	    v >= MAX_MEM_MIB * (1ULL << 20)) {
		fprintf(stderr, "vmm: --load-offset: '%s' is not a multiple "
			"of 4096 below %llu MiB\n", s,
			(unsigned long long)MAX_MEM_MIB);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct vmm_config *cfg)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "cpus", required_argument, NULL, 'n' },
		{ "mem", required_argument, NULL, 'm' },
		{ "sig", required_argument, NULL, 's' },
		{ "pubkey", required_argument, NULL, 'p' },
		{ "raw", no_argument, NULL, 'r' },
		{ "no-virtio", no_argument, NULL, 'V' },
		{ "load-offset", required_argument, NULL, 'o' },
		{ "disk", required_argument, NULL, 'd' },
		{ "net", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool offset_given = false;
	uint64_t n;
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->cmdline = DEFAULT_CMDLINE;
	cfg->cpus = 1;
	cfg->mem_mib = DEFAULT_MEM_MIB;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			cfg->kernel = optarg;
			break;
		case 'i':
			cfg->initrd = optarg;
			break;
		case 'c':
			cfg->cmdline = optarg;
			break;
		case 's':
			cfg->sig = optarg;
			break;
		case 'p':
			cfg->pubkey = optarg;
			break;
		case 'n':
			if (parse_range("--cpus", optarg, 1, VMM_MAX_CPUS,
					&n) < 0)
				return -1;
			cfg->cpus = (unsigned int)n;
			break;
		case 'm':
			if (parse_range("--mem", optarg, MIN_MEM_MIB,
					MAX_MEM_MIB, &cfg->mem_mib) < 0)
				return -1;
			break;
		case 'r':
			cfg->raw = true;
			break;
		case 'V':
			cfg->no_virtio = true;
			break;
		case 'd':
			if (cfg->disk) {
				fprintf(stderr, "vmm: --disk given twice (one "
					"disk per VM)\n");
				return -1;
			}
			cfg->disk = optarg;
			break;
		case 't':
			if (cfg->net) {
				fprintf(stderr, "vmm: --net given twice (one "
					"NIC per VM)\n");
				return -1;
			}
			cfg->net = optarg;
			break;
		case 'o':
			if (parse_offset(optarg, &cfg->load_offset) < 0)
				return -1;
			offset_given = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;	/* getopt named the bad option */
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vmm: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!cfg->kernel) {
		fprintf(stderr, "vmm: --kernel is required\n");
		return -1;
	}
	if (offset_given && !cfg->raw) {
		fprintf(stderr, "vmm: --load-offset needs --raw (an Image "
			"header states its own text_offset)\n");
		return -1;
	}
	return 0;
}

/* Build the device tree straight into guest RAM at layout->dtb_ipa. */
static int write_dtb(struct vm *vm, const struct vmm_config *cfg,
		     const struct boot_layout *layout)
{
	uint64_t mpidr[VMM_MAX_CPUS];
	struct fdt_params p = {
		.nr_cpus = vm->nr_vcpus,
		.mpidr = mpidr,
		.ram_base = VMM_RAM_BASE,
		.ram_size = vm->ram_size,
		.cmdline = cfg->cmdline,
		.initrd_start = layout->initrd_start,
		.initrd_end = layout->initrd_end,
		.no_virtio = cfg->no_virtio,
		.blk = cfg->disk != NULL,
		.net = cfg->net != NULL,
	};
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		mpidr[i] = vm->vcpus[i].mpidr;
	return fdt_build(vm_ram_ptr(vm, layout->dtb_ipa, LOADER_DTB_MAX),
			 LOADER_DTB_MAX, &p);
}

/*
 * Everything up to the first KVM_RUN; 0 or -1 (error printed).  Every
 * file is read and checked, and the layout planned, before /dev/kvm is
 * opened: bad input is reported as such, whatever the kernel supports.
 */
/* The block and network devices' backends, opened before /dev/kvm. */
static int open_devices(struct vm *vm, const struct vmm_config *cfg)
{
	struct vblk_disk disk;
	struct vnet_cfg net;

	if (cfg->disk) {
		if (vblk_open(cfg->disk, &disk) < 0)
			return -1;
		vblk_init(vm, &disk, vm_virtio_blk_irq, vm);
	}
	if (cfg->net) {
		if (vnet_open(cfg->net, &net) < 0)
			return -1;
		vnet_init(vm, &net, vm_virtio_net_irq, vm);
	}
	return 0;
}

static int setup(struct vm *vm, const struct vmm_config *cfg,
		 struct sekvm_reg *reg, struct boot_files *files,
		 struct boot_layout *layout)
{
	if (sekvm_read_files(reg, cfg->pubkey, cfg->sig) < 0 ||
	    loader_read(files, cfg->kernel, cfg->initrd, cfg->raw,
			cfg->load_offset) < 0 ||
	    loader_plan(files, cfg->mem_mib << 20, layout) < 0 ||
	    open_devices(vm, cfg) < 0 ||
	    vm_create(vm) < 0 ||
	    sekvm_set_key(reg, vm) < 0 ||
	    vm_add_ram(vm, cfg->mem_mib) < 0 ||
	    loader_copy(vm, files, layout) < 0 ||
	    sekvm_register_kernel(reg, vm, layout) < 0 ||
	    vm_create_vgic(vm) < 0 ||
	    vcpu_create_all(vm, cfg->cpus) < 0 ||
	    vm_init_vgic(vm) < 0 ||
	    write_dtb(vm, cfg, layout) < 0)
		return -1;
	return vcpu_set_boot_regs(&vm->vcpus[0], layout->kernel_ipa,
				  layout->dtb_ipa);
}

int main(int argc, char **argv)
{
	struct vmm_config cfg;
	struct sekvm_reg reg;
	struct boot_files files;
	struct boot_layout layout;
	struct vm vm;
	int status;

	if (parse_args(argc, argv, &cfg) < 0) {
		usage(stderr);
		return VMM_EXIT_USAGE;
	}
	memset(&vm, 0, sizeof(vm));
	memset(&layout, 0, sizeof(layout));
	memset(&files, 0, sizeof(files));
	vm.kvm_fd = vm.vm_fd = vm.vgic_fd = -1;
	pthread_mutex_init(&vm.stop_lock, NULL);
	uart_init(1);
	vcon_init(&vm, 1, vm_virtio_irq, &vm);
	vm.no_virtio = cfg.no_virtio;
	if (setup(&vm, &cfg, &reg, &files, &layout) < 0) {
		loader_free(&files);
		vm_destroy(&vm);
		return VMM_EXIT_ERROR;
	}
	loader_free(&files);	/* copied into guest RAM */
	fprintf(stderr, "vmm: %u vCPU(s), %llu MiB, kernel at 0x%llx, "
		"initrd %s, dtb at 0x%llx\n", vm.nr_vcpus,
		(unsigned long long)cfg.mem_mib,
		(unsigned long long)layout.kernel_ipa,
		cfg.initrd ? cfg.initrd : "none",
		(unsigned long long)layout.dtb_ipa);
	if (vnet_start() < 0) {
		vm_destroy(&vm);
		return VMM_EXIT_ERROR;
	}
	status = vcpu_run_all(&vm);
	vm_destroy(&vm);
	return status;
}
