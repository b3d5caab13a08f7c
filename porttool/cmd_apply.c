// SPDX-License-Identifier: GPL-2.0
/* porttool apply: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_apply(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'apply' is not implemented yet");
	return EXIT_FAIL;
}
