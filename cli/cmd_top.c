/* cmd_top.c — `vpcflow top` and `vpcflow timeline`: traffic by any key, and over time. */
#include "analysis_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_top_help[] = "Usage: vpcflow top --by KEY[,KEY...] [options] PATH...\n"
                            "\n"
                            "Groups the traffic by the keys and prints the largest groups, with bytes, packets,\n"
                            "flows, cost, share of the total and owner labels for addresses. Flows seen by both of\n"
                            "their ENIs count once (see docs/model.md).\n"
                            "\n"
                            "Keys: srcaddr, dstaddr, pair (src→dst), srcport, dstport, port (the service side: a port\n"
                            "below 1024, else one outside the ephemeral range, else the lower), protocol, interface,\n"
                            "instance, account, vpc, subnet, src-az, dst-az, az-pair, class, action, owner (a flow\n"
                            "counts for the owners of both its ends), src-owner, dst-owner, tcp-flags,\n"
                            "flow-direction, hour, day, or any field of the format (e.g. pkt-dst-aws-service).\n"
                            "Several keys group by the combination.\n"
                            "\n"
                            "  -b, --by KEYS      what to group by (required)\n"
                            "  -m, --metric M     bytes (default), packets, flows or cost\n"
                            "  -n N               rows to print (default 10; 0 for all)\n"
                            "  --class C[,C]      only these traffic classes (e.g. cross-az,internet-out)\n"
                            "  -w, --where PAT    only records matching a filter pattern: CloudWatch syntax or the\n"
                            "                     named form 'dstaddr=10.0.1.20 action=ACCEPT' (docs/filter.md)\n"
                            "  -o, --output table|csv|json  (default table; csv and json carry raw integers)\n"
                            "\n"
                            "Examples (the README walks through them):\n"
                            "  vpcflow top --by dstaddr --class cross-az ...           who receives cross-AZ bytes\n"
                            "  vpcflow top --by srcaddr --where 'dstaddr=10.0.1.20' ... who sends to 10.0.1.20\n"
                            "  vpcflow top --by port --class internet-out ...          ports leaving the VPC\n"
                            "  vpcflow top --by dstaddr --class internet-out -m cost ...  top external recipients\n";

const char cmd_timeline_help[] =
    "Usage: vpcflow timeline [--every 5m|1h|1d] [--by KEY[,KEY...]] [options] PATH...\n"
    "\n"
    "The metric per time bucket (UTC), optionally split by keys (the keys of 'vpcflow top').\n"
    "A record spanning bucket edges is apportioned by the time it spends in each bucket\n"
    "(bytes, packets and cost; its flow counts in its first bucket).\n"
    "\n"
    "  -e, --every D      bucket length: 60s, 5m, 1h (default), 1d, or seconds\n"
    "  -b, --by KEYS      split each bucket by these keys (e.g. class, action)\n"
    "  -m, --metric M     bytes (default), packets, flows or cost: orders rows in a bucket\n"
    "  --class, --where   as for 'vpcflow top'\n"
    "  -o, --output table|csv|json  (csv and json are for plotting)\n"
    "\n"
    "Example:\n"
    "  vpcflow timeline --every 1h --by class --output csv AWSLogs/ > hourly.csv\n";

enum { OPT_CLASS = OPT_ANALYSIS_LAST, OPT_EVERY };

static int run(int argc, char **argv, int timeline)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             CLI_ANALYSIS_LONGOPTS,
                                             {"by", required_argument, 0, 'b'},
                                             {"metric", required_argument, 0, 'm'},
                                             {"where", required_argument, 0, 'w'},
                                             {"class", required_argument, 0, OPT_CLASS},
                                             {"output", required_argument, 0, 'o'},
                                             {"every", required_argument, 0, 'e'},
                                             {0}};
    const char *cmd = timeline ? "timeline" : "top";
    cli_common common;
    cli_analysis an;
    cli_common_init(&common);
    cli_analysis_init(&an);
    vpcflow_query_options q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.limit = 10;
    vpcflow_output kind = VPCFLOW_OUTPUT_TABLE;
    int opt;
    while ((opt = cli_getopt(argc, argv, ":b:m:w:o:e:n:j:h", longopts, &common, &an)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        uint64_t v;
        switch (opt) {
        case 'b':
            q.by = optarg;
            break;
        case 'm':
            q.metric = optarg;
            break;
        case 'w':
            q.where = optarg;
            break;
        case OPT_CLASS:
            q.classes = optarg;
            break;
        case 'n':
            if (cli_parse_uint(optarg, SIZE_MAX, &v) < 0)
                return cli_usage(cmd, "-n takes a number of rows (0 for all), not '%s'", optarg);
            q.limit = (size_t)v;
            break;
        case 'e':
            if (!timeline)
                return cli_usage(cmd,
                                 "--every is a timeline option (vpcflow timeline --every %s): top has no "
                                 "time buckets",
                                 optarg);
            if (cli_parse_every(optarg, &q.every) < 0)
                return cli_usage(cmd, "--every takes a duration such as 5m, 1h or 1d, not '%s'", optarg);
            break;
        case 'o':
            if (strcmp(optarg, "csv") == 0)
                kind = VPCFLOW_OUTPUT_CSV;
            else if (strcmp(optarg, "json") == 0)
                kind = VPCFLOW_OUTPUT_JSON;
            else if (strcmp(optarg, "table") == 0 || strcmp(optarg, "text") == 0)
                kind = VPCFLOW_OUTPUT_TABLE;
            else
                return cli_usage(cmd, "--output takes table, csv or json, not '%s'", optarg);
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s\n%s", timeline ? cmd_timeline_help : cmd_top_help, cli_analysis_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option(cmd, opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage(cmd, "%s needs at least one PATH (use - for standard input)", cmd);
    if (!timeline && !q.by)
        return cli_usage(cmd, "top needs --by KEY (e.g. --by dstaddr)");
    cli_analysis_options(&an, &common, &q.analysis);
    vpcflow_rows *rows = NULL;
    vpcflow_error err;
    const char *const *paths = (const char *const *)(argv + optind);
    vpcflow_status st = timeline ? vpcflow_timeline_run(paths, (size_t)(argc - optind), &q, &rows, &err)
                                 : vpcflow_top_run(paths, (size_t)(argc - optind), &q, &rows, &err);
    if (st != VPCFLOW_OK) {
        cli_after_scan(&common, &(vpcflow_scan_stats){0});
        return cli_fail(st, &err);
    }
    cli_after_scan(&common, vpcflow_rows_stats(rows));
    if (cli_no_records(vpcflow_rows_stats(rows), argv + optind, argc - optind)) {
        vpcflow_rows_free(rows);
        return EXIT_NO_RECORDS;
    }
    int rc = vpcflow_rows_write(rows, kind, stdout);
    vpcflow_rows_free(rows);
    return cli_finish(&common, rc < 0 || fflush(stdout) != 0);
}

int cmd_top(int argc, char **argv)
{
    return run(argc, argv, 0);
}

int cmd_timeline(int argc, char **argv)
{
    return run(argc, argv, 1);
}
