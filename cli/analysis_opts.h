/* analysis_opts.h — command-line options for the analysing commands (summary, top, timeline). */
#ifndef VPCFLOW_CLI_ANALYSIS_H
#define VPCFLOW_CLI_ANALYSIS_H

#include "cli.h"

#define CLI_MAX_FILES 64

typedef struct cli_analysis {
    const char *subnets[CLI_MAX_FILES], *enis[CLI_MAX_FILES], *ipranges[CLI_MAX_FILES], *topology[CLI_MAX_FILES];
    const char *history[CLI_MAX_FILES];
    size_t nsubnets, nenis, nipranges, ntopology, nhistory;
    const char *prices, *region;
    int free_tier, action;
    int64_t since, until;
    size_t memory;
    int no_dedup;
} cli_analysis;

#define CLI_ANALYSIS_LONGOPTS                                                                                          \
    {"subnets", required_argument, 0, OPT_SUBNETS}, {"enis", required_argument, 0, OPT_ENIS},                          \
        {"ip-ranges", required_argument, 0, OPT_IPRANGES}, {"topology", required_argument, 0, OPT_TOPOLOGY},           \
        {"prices", required_argument, 0, OPT_PRICES}, {"region", required_argument, 0, OPT_REGION},                    \
        {"free-tier", no_argument, 0, OPT_FREE_TIER}, {"action", required_argument, 0, OPT_ACTION},                    \
        {"since", required_argument, 0, OPT_SINCE}, {"until", required_argument, 0, OPT_UNTIL},                        \
        {"memory", required_argument, 0, OPT_MEMORY}, {"history", required_argument, 0, OPT_HISTORY},                  \
    {                                                                                                                  \
        "no-dedup", no_argument, 0, OPT_NO_DEDUP                                                                       \
    }

extern const char cli_analysis_help[];
void cli_analysis_init(cli_analysis *a);
int cli_analysis_opt(cli_analysis *a, int opt, const char *arg);
/* getopt_long for a subcommand: handles the common options (and, when an is not NULL, the
 * analysing ones) on the way and returns the next option of the command's own, -1 at the end,
 * or CLI_OPT_BAD after a bad value of a shared option (its message was printed). */
#define CLI_OPT_BAD (-2)
int cli_getopt(int argc, char **argv, const char *optstring, const struct option *longopts, cli_common *c,
               cli_analysis *an);
void cli_analysis_options(cli_analysis *a, cli_common *c, vpcflow_analysis_options *o);
/* "512M", "2G", "1T" (powers of 1024, an optional "iB"/"B"): 0, or -1 when it is not a size,
 * -2 when it is larger than 2^64 - 1 bytes. */
int cli_parse_size(const char *s, uint64_t *out);
#define CLI_MEMORY_MIN (UINT64_C(11) << 20) /* one reading thread's buffers, the run, 1 MiB of tables */
#define CLI_MEMORY_MAX (UINT64_C(4) << 40)
int cli_parse_time(const char *s, int64_t *out);
/* A bucket length: "300", "60s", "5m", "1h", "1d" to seconds; -1 when it is not one. */
int cli_parse_every(const char *s, int64_t *out);

#endif
