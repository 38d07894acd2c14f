/* cli.h — what the subcommands of the vpcflow tool share: exit codes, common options,
 * diagnostics and progress on stderr. */
#ifndef VPCFLOW_CLI_H
#define VPCFLOW_CLI_H

#include "vpcflow.h"

#include <getopt.h>
#include <stdint.h>

/* Exit statuses (documented in `vpcflow --help`). EXIT_PARTIAL: the output covers only what
 * could be read; some inputs could not be read, or not wholly (each is named on stderr).
 * EXIT_NO_RECORDS: the inputs were read and hold no flow-log record at all (an empty directory,
 * the wrong folder, files that are not flow logs, only header lines). */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_INPUT = 2, EXIT_PARTIAL = 3, EXIT_NO_RECORDS = 4 };

typedef struct cli_common {
    const char *format;
    unsigned threads;
    int strict;
    int quiet;
    int progress; /* -1 auto (when stderr is a terminal), 0 off, 1 on */
    int progress_shown;
    uint64_t inputs_failed; /* from the last scan: inputs not read, or not wholly */
} cli_common;

/* Codes of the long options above 0x100: those every reading command takes (CLI_COMMON_LONGOPTS),
 * then those of the analysing commands (CLI_ANALYSIS_LONGOPTS, analysis_opts.h). */
enum {
    OPT_FORMAT = 0x100,
    OPT_THREADS,
    OPT_STRICT,
    OPT_QUIET,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
    OPT_HELP,
    OPT_SUBNETS,
    OPT_ENIS,
    OPT_IPRANGES,
    OPT_TOPOLOGY,
    OPT_PRICES,
    OPT_REGION,
    OPT_FREE_TIER,
    OPT_ACTION,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_MEMORY,
    OPT_NO_DEDUP,
    OPT_HISTORY,
    OPT_ANALYSIS_LAST /* commands number their own options from here */
};
#define CLI_COMMON_LONGOPTS                                                                                            \
    {"format", required_argument, 0, OPT_FORMAT}, {"threads", required_argument, 0, OPT_THREADS},                      \
        {"strict", no_argument, 0, OPT_STRICT}, {"quiet", no_argument, 0, OPT_QUIET},                                  \
        {"progress", no_argument, 0, OPT_PROGRESS}, {"no-progress", no_argument, 0, OPT_NO_PROGRESS},                  \
    {                                                                                                                  \
        "help", no_argument, 0, OPT_HELP                                                                               \
    }

/* The help text of the common options, for the commands' own help. */
extern const char cli_common_help[];

void cli_common_init(cli_common *c);
/* Handles a common option: returns 1 when handled, 0 when not a common option, -1 on a bad
 * value (a message was printed). */
int cli_common_opt(cli_common *c, int opt, const char *arg);
void cli_scan_options(cli_common *c, vpcflow_scan_options *o);
/* Prints what the scan found worth saying (malformed total) and clears the progress line. */
void cli_after_scan(cli_common *c, const vpcflow_scan_stats *s);
/* After a scan that succeeded: when it read no record at all (no OK, NODATA or SKIPDATA
 * record) and no input failed, prints what was found instead and returns 1; else 0. */
int cli_no_records(const vpcflow_scan_stats *s, char **paths, int npaths);
/* The exit status of a command whose scan succeeded: EXIT_PARTIAL when some inputs could not
 * be read (wholly), else EXIT_OK. */
int cli_done(const cli_common *c);

void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints err and returns the exit status for st. */
int cli_fail(vpcflow_status st, const vpcflow_error *err);
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_exit_status(vpcflow_status st);
/* The exit status once a command has written its output: when failed is nonzero, one line
 * "write error on standard output" and EXIT_RUNTIME; otherwise EXIT_OK. */
int cli_output_status(int failed);
/* The exit status of a command that scanned and wrote: cli_output_status, then cli_done. */
int cli_finish(const cli_common *c, int write_failed);
/* After getopt_long returned '?' or ':' (optstrings start with ':' and opterr is 0): one line
 * naming the unknown option or the option missing its value; returns EXIT_INPUT. */
int cli_bad_option(const char *cmd, int opt, char **argv);

int cli_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* Subcommands. */
int cmd_cat(int argc, char **argv);
extern const char cmd_cat_help[];
int cmd_filter(int argc, char **argv);
extern const char cmd_filter_help[];
int cmd_summary(int argc, char **argv);
extern const char cmd_summary_help[];
int cmd_advise(int argc, char **argv);
extern const char cmd_advise_help[];
int cmd_top(int argc, char **argv);
extern const char cmd_top_help[];
int cmd_timeline(int argc, char **argv);
extern const char cmd_timeline_help[];
int cmd_alerts(int argc, char **argv);
extern const char cmd_alerts_help[];
int cmd_watch(int argc, char **argv);
extern const char cmd_watch_help[];
int cmd_lambda(int argc, char **argv);
extern const char cmd_lambda_help[];
int cmd_convert(int argc, char **argv);
extern const char cmd_convert_help[];
int cmd_sql(int argc, char **argv);
extern const char cmd_sql_help[];
int cmd_load(int argc, char **argv);
int cmd_report(int argc, char **argv);
extern const char cmd_report_help[];
extern const char cmd_load_help[];
int cmd_owners(int argc, char **argv);
extern const char cmd_owners_help[];
int cmd_rightsize(int argc, char **argv);
extern const char cmd_rightsize_help[];

#endif
