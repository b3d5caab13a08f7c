// SPDX-License-Identifier: GPL-2.0
/* porttool boot: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_boot(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'boot' is not implemented yet");
	return EXIT_FAIL;
}
