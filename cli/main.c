/* main.c — the vpcflow command: dispatches to one subcommand per file (cmd_*.c). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char main_help[] =
    "vpcflow — AWS VPC Flow Logs: where the data-transfer bill comes from, and what is\n"
    "attacking or misbehaving in the network. Reads the files AWS writes, as they are.\n"
    "\n"
    "Usage: vpcflow COMMAND [options] PATH...\n"
    "       vpcflow help COMMAND | fields\n"
    "       vpcflow --version\n"
    "\n"
    "Commands:\n"
    "  cat       print the records, normalized (text, CSV, JSON lines)\n"
    "  filter    print the records that match a CloudWatch filter pattern\n"
    "  summary   where the data-transfer bill comes from: classes, talkers, dollars\n"
    "  advise    what to change to cut that bill, ranked by dollars saved, with evidence\n"
    "  top       the largest groups of traffic by any key (address, port, owner, AZ, …)\n"
    "  timeline  the traffic per time bucket, split by any key\n"
    "  alerts    security alerts: internal hosts probing, port scans, exposed services, egress spikes\n"
    "  watch     the same alerts over a followed file or stdin, printed as they fire\n"
    "  lambda    the same alerts as an AWS Lambda function (custom runtime), answering each event\n"
    "  report    one self-contained HTML page: cost, classes over time, AZ matrix, talkers, security\n"
    "  sql       the SQL of each report, for PostgreSQL, DuckDB or Athena\n"
    "  convert   the records with class, owners, dedup and cost as Parquet, CSV or JSON lines files\n"
    "  load      load the records, classified and priced, into a PostgreSQL table\n"
    "  owners    who held an address when: its owners over time, from CloudTrail and AWS Config\n"
    "  rightsize  is an EC2 instance oversized, and should it be reserved? (CloudWatch CPU)\n"
    "  help      explain a command, or list the flow-log fields (vpcflow help fields)\n"
    "\n"
    "Inputs: files (plain, gzip or Parquet, by content), directories (the S3 AWSLogs/ layout,\n"
    "Hive-style or not, read in sorted order), '-' for stdin; S3 header lines, custom formats\n"
    "of any version 2-8 fields, CloudWatch Logs exports, subscription payloads and the JSON\n"
    "of `aws logs filter-log-events`, `get-log-events` and `get-query-results` are\n"
    "recognised automatically.\n"
    "\n"
    "Exit status:\n"
    "  0  success (malformed lines are counted and reported, but not fatal without --strict)\n"
    "  1  runtime error: a file cannot be opened or read, out of memory, a write failed\n"
    "  2  bad input or usage: unknown option, bad pattern or format, corrupt or truncated\n"
    "     gzip or Parquet, a malformed line with --strict\n"
    "  3  partial result: some inputs could not be read, or not wholly (each is named on\n"
    "     stderr, what was read counts; --strict makes the first one fatal instead)\n"
    "  4  no records: the inputs hold no flow-log record at all (an empty directory, the\n"
    "     wrong folder, files that are not flow logs, only header lines); NODATA and\n"
    "     SKIPDATA records are records. A filter that matches nothing is not this: 0\n";

static void help_fields(void)
{
    printf("Flow-log fields vpcflow reads (AWS names; any subset, any order):\n\n");
    static const char *types[] = {"text", "number", "number", "unix time", "address", "keyword"};
    int version = 0;
    for (int f = 0; f < VPCFLOW_F_COUNT; f++) {
        if (vpcflow_field_version((vpcflow_field)f) != version) {
            version = vpcflow_field_version((vpcflow_field)f);
            printf("%sversion %d:\n", f ? "\n" : "", version);
        }
        printf("  %-28s %s\n", vpcflow_field_name((vpcflow_field)f), types[vpcflow_field_type_of((vpcflow_field)f)]);
    }
    printf("\nFields with other names are kept as opaque text columns (with one warning).\n");
}

typedef struct command {
    const char *name;
    int (*run)(int, char **);
    const char *help;
} command;

static const command commands[] = {
    {"cat", cmd_cat, cmd_cat_help},
    {"filter", cmd_filter, cmd_filter_help},
    {"summary", cmd_summary, cmd_summary_help},
    {"advise", cmd_advise, cmd_advise_help},
    {"top", cmd_top, cmd_top_help},
    {"timeline", cmd_timeline, cmd_timeline_help},
    {"alerts", cmd_alerts, cmd_alerts_help},
    {"watch", cmd_watch, cmd_watch_help},
    {"lambda", cmd_lambda, cmd_lambda_help},
    {"report", cmd_report, cmd_report_help},
    {"sql", cmd_sql, cmd_sql_help},
    {"convert", cmd_convert, cmd_convert_help},
    {"load", cmd_load, cmd_load_help},
    {"owners", cmd_owners, cmd_owners_help},
    {"rightsize", cmd_rightsize, cmd_rightsize_help},
};

static const command *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int help(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_help, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "fields") == 0) {
        help_fields();
        return EXIT_OK;
    }
    const command *c = find(argv[1]);
    if (!c) {
        cli_error("no such command or topic: '%s'", argv[1]);
        return EXIT_INPUT;
    }
    /* the command's own --help: the same text, every option it accepts */
    char help_opt[] = "--help";
    char *args[] = {argv[1], help_opt, NULL};
    return c->run(2, args);
}

static int run(int argc, char **argv);

/* Whatever the command, output that could not be written (a full disk, a closed pipe, help
 * sent to /dev/full) is an error, found at the latest when stdout is closed. */
int main(int argc, char **argv)
{
    int rc = run(argc, argv);
    int failed = ferror(stdout);
    if (fclose(stdout) != 0)
        failed = 1;
    if (failed && rc != EXIT_RUNTIME) {
        cli_error("write error on standard output");
        rc = EXIT_RUNTIME;
    }
    return rc;
}

static int run(int argc, char **argv)
{
    opterr = 0; /* commands report bad options themselves (cli_bad_option) */
    if (argc < 2) {
        fputs(main_help, stderr);
        return EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(main_help, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("vpcflow %s\n", vpcflow_version());
        return EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0)
        return help(argc - 1, argv + 1);
    const command *c = find(cmd);
    if (!c) {
        cli_error("unknown command '%s'", cmd);
        fputs("Try 'vpcflow --help'.\n", stderr);
        return EXIT_INPUT;
    }
    return c->run(argc - 1, argv + 1);
}
