// SPDX-License-Identifier: GPL-2.0
/* porttool rebase: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_rebase(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'rebase' is not implemented yet");
	return EXIT_FAIL;
}
