// SPDX-License-Identifier: GPL-2.0
/* porttool build: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_build(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'build' is not implemented yet");
	return EXIT_FAIL;
}
