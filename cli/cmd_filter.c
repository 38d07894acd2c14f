/* cmd_filter.c — `vpcflow filter`: print the records that match a CloudWatch filter pattern. */
#include "cli.h"

#include <stdio.h>

const char cmd_filter_help[] = "Usage: vpcflow filter PATTERN [options] PATH...\n(not implemented yet)\n";

int cmd_filter(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("filter is not implemented yet");
    return EXIT_RUNTIME;
}
