// SPDX-License-Identifier: GPL-2.0
/* porttool tree: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_tree(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'tree' is not implemented yet");
	return EXIT_FAIL;
}
