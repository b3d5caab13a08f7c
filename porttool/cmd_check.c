// SPDX-License-Identifier: GPL-2.0
/* porttool check: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_check(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'check' is not implemented yet");
	return EXIT_FAIL;
}
