// SPDX-License-Identifier: GPL-2.0
/* porttool status: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_status(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'status' is not implemented yet");
	return EXIT_FAIL;
}
