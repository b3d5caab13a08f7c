// SPDX-License-Identifier: GPL-2.0
/* porttool list: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_list(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'list' is not implemented yet");
	return EXIT_FAIL;
}
