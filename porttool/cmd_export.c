// SPDX-License-Identifier: GPL-2.0
/* porttool export: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_export(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'export' is not implemented yet");
	return EXIT_FAIL;
}
