// SPDX-License-Identifier: GPL-2.0
/*
 * Device trees, read and edited with libfdt.
 *
 * The corevisor takes three things from the board's DTB: the RAM map (to
 * build the host stage-2), the GIC (for GICv2 it needs the hypervisor
 * control interface GICH and the virtual CPU interface GICV, the third and
 * fourth reg entries of the GIC node) and a UART for its console.  A board
 * DTB without one of them cannot run SeKVM, so build, check and boot test
 * for them and name what is missing.
 */
#include "dtb.h"

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

static const char *const gicv2_compatibles[] = {
	"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
	"arm,cortex-a7-gic", NULL,
};
static const char *const uart_compatibles[] = {
	"arm,pl011", "ns16550a", "ns16550", "snps,dw-apb-uart",
	"brcm,bcm2835-aux-uart", NULL,
};

static void *load_dtb(const char *path, size_t extra, size_t *size)
{
	size_t len = 0;
	char *blob = read_file(path, &len);
	void *buf;
	int err;

	if (!blob) {
		error("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	err = fdt_check_header(blob);
	if (!err && fdt_totalsize(blob) > len)
		err = -FDT_ERR_TRUNCATED;
	if (err) {
		error("%s is not a valid device tree blob: %s", path,
		      fdt_strerror(err));
		free(blob);
		return NULL;
	}
	*size = len + extra;
	buf = xcalloc(1, *size);
	err = fdt_open_into(blob, buf, (int)*size);
	free(blob);
	if (err) {
		error("%s: %s", path, fdt_strerror(err));
		free(buf);
		return NULL;
	}
	return buf;
}

static bool node_enabled(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

/* Number of (address, size) pairs in a node's reg property. */
static int reg_entries(const void *fdt, int node)
{
	int parent = fdt_parent_offset(fdt, node), len = 0;
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	const void *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 0 || sc < 0 || ac + sc == 0)
		return 0;
	return len / (int)((ac + sc) * sizeof(fdt32_t));
}

static int find_compatible(const void *fdt, const char *const *list,
			   const char **which)
{
	for (; *list; list++) {
		int node = -1;

		while ((node = fdt_node_offset_by_compatible(fdt, node, *list)) >= 0)
			if (node_enabled(fdt, node)) {
				*which = *list;
				return node;
			}
	}
	return -1;
}

static void node_path(const void *fdt, int node, char *buf, int len)
{
	if (fdt_get_path(fdt, node, buf, len))
		snprintf(buf, (size_t)len, "(node at offset %d)", node);
}

static int check_memory(const void *fdt, const char *name, FILE *out)
{
	char path[256];

	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "memory"))
			continue;
		node_path(fdt, node, path, sizeof(path));
		fprintf(out, "PASS dtb-memory (%s: %s, %d range%s)\n", name,
			path, reg_entries(fdt, node),
			reg_entries(fdt, node) == 1 ? "" : "s");
		return 0;
	}
	fprintf(out, "FAIL dtb-memory: %s has no memory node "
		"(device_type = \"memory\")\n", name);
	return 1;
}

static int check_gic(const void *fdt, const char *name, FILE *out)
{
	const char *compat = NULL;
	int node = find_compatible(fdt, gicv2_compatibles, &compat), n;
	char path[256];

	if (node < 0) {
		int v3 = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");

		if (v3 >= 0) {
			node_path(fdt, v3, path, sizeof(path));
			fprintf(out, "FAIL dtb-gic: %s has a GICv3 (%s) but no "
				"GICv2; the corevisor drives GICv2 (GICH/GICV)\n",
				name, path);
		} else {
			fprintf(out, "FAIL dtb-gic: %s has no GICv2 interrupt "
				"controller node (compatible arm,gic-400 or "
				"arm,cortex-a15-gic)\n", name);
		}
		return 1;
	}
	node_path(fdt, node, path, sizeof(path));
	n = reg_entries(fdt, node);
	if (n < 4) {
		fprintf(out, "FAIL dtb-gic: %s: GIC %s (%s) has %d reg regions; "
			"missing %s (GICD, GICC, GICH, GICV expected)\n", name,
			path, compat, n, n < 3 ? "GICH and GICV" : "GICV");
		return 1;
	}
	fprintf(out, "PASS dtb-gic (%s: %s, %s, GICD/GICC/GICH/GICV)\n", name,
		path, compat);
	return 0;
}

/* The console: /chosen's stdout-path when it names a UART, else any UART. */
static int check_uart(const void *fdt, const char *name, FILE *out)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), node = -1;
	const char *stdout_path = chosen >= 0 ?
		fdt_getprop(fdt, chosen, "stdout-path", NULL) : NULL;
	const char *compat = NULL;
	char path[256];

	if (stdout_path) {
		size_t len = strcspn(stdout_path, ":");

		node = fdt_path_offset_namelen(fdt, stdout_path, (int)len);
		for (const char *const *c = uart_compatibles; node >= 0 && *c; c++)
			if (!fdt_node_check_compatible(fdt, node, *c))
				compat = *c;
	}
	if (!compat)
		node = find_compatible(fdt, uart_compatibles, &compat);
	if (node < 0) {
		fprintf(out, "FAIL dtb-uart: %s has no enabled UART node "
			"(arm,pl011 or ns16550a)\n", name);
		return 1;
	}
	node_path(fdt, node, path, sizeof(path));
	fprintf(out, "PASS dtb-uart (%s: %s, %s)\n", name, path, compat);
	return 0;
}

int dtb_check_nodes(const char *path, FILE *out)
{
	size_t size;
	void *fdt = load_dtb(path, 0, &size);
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int failed;

	if (!fdt) {
		fprintf(out, "FAIL dtb: %s is not a readable device tree\n", path);
		return -1;
	}
	failed = check_memory(fdt, name, out) + check_gic(fdt, name, out) +
		 check_uart(fdt, name, out);
	free(fdt);
	return failed;
}

int dtb_pack(const char *path)
{
	size_t size;
	void *fdt = load_dtb(path, 0, &size);
	int ret = 0;

	if (!fdt)
		return -1;
	fdt_pack(fdt);
	if (write_file(path, fdt, fdt_totalsize(fdt))) {
		error("cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	free(fdt);
	return ret;
}
