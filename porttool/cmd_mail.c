// SPDX-License-Identifier: GPL-2.0
/* porttool mail: placeholder until the command is written (see issues). */
#include "porttool.h"

int cmd_mail(struct porttool_ctx *ctx, int argc, char **argv)
{
	error("'mail' is not implemented yet");
	return EXIT_FAIL;
}
