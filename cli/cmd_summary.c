/* cmd_summary.c — `vpcflow summary`: where the data-transfer bill comes from. */
#include "analysis_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_summary_help[] =
    "Usage: vpcflow summary [options] PATH...\n"
    "\n"
    "Classifies every byte (same-az, cross-az, inter-region, aws-same-region, internet-out,\n"
    "internet-in, internal-unknown, unknown), counts a flow seen by both of its ENIs once,\n"
    "puts dollars on it with the data-transfer price table, and names the top talkers and\n"
    "the biggest single cost driver. See docs/model.md for the exact rules.\n"
    "\n"
    "  -o, --output table|json  table for people (default), or the JSON object of\n"
    "                    docs/model.md: records, bytes_logged, bytes_unique, classes{…},\n"
    "                    nat_processing, cost_usd_total, top_senders, top_receivers, …\n"
    "  --bill-gb N       the data-transfer GB on your bill: say how much these logs explain\n"
    "  --bill-usd N      the data-transfer dollars on your bill: likewise\n"
    "\n"
    "Examples:\n"
    "  vpcflow summary AWSLogs/\n"
    "  aws ec2 describe-subnets > subnets.json; aws ec2 describe-network-interfaces > enis.json\n"
    "  vpcflow summary --subnets subnets.json --enis enis.json --ip-ranges ip-ranges.json AWSLogs/\n"
    "  vpcflow summary --output json --bill-usd 1234.56 ... | jq .classes\n";

enum { OPT_OUTPUT = OPT_ANALYSIS_LAST, OPT_BILL_GB, OPT_BILL_USD };

static int parse_amount(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

int cmd_summary(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             CLI_ANALYSIS_LONGOPTS,
                                             {"output", required_argument, 0, 'o'},
                                             {"bill-gb", required_argument, 0, OPT_BILL_GB},
                                             {"bill-usd", required_argument, 0, OPT_BILL_USD},
                                             {0}};
    cli_common common;
    cli_analysis an;
    cli_common_init(&common);
    cli_analysis_init(&an);
    int json = 0;
    vpcflow_bill bill = {0, 0};
    int opt;
    while ((opt = cli_getopt(argc, argv, ":o:j:h", longopts, &common, &an)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        switch (opt) {
        case 'o':
            if (strcmp(optarg, "json") == 0)
                json = 1;
            else if (strcmp(optarg, "table") == 0 || strcmp(optarg, "text") == 0)
                json = 0;
            else
                return cli_usage("summary", "--output takes table or json, not '%s'", optarg);
            break;
        case OPT_BILL_GB:
        case OPT_BILL_USD:
            if (parse_amount(optarg, opt == OPT_BILL_GB ? &bill.gb : &bill.usd) < 0)
                return cli_usage("summary", "%s takes a positive number, not '%s'",
                                 opt == OPT_BILL_GB ? "--bill-gb" : "--bill-usd", optarg);
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s\n%s", cmd_summary_help, cli_analysis_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option("summary", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("summary", "summary needs at least one PATH (use - for standard input)");
    vpcflow_analysis_options o;
    cli_analysis_options(&an, &common, &o);
    vpcflow_summary *s = NULL;
    vpcflow_error err;
    vpcflow_status st =
        vpcflow_summary_run((const char *const *)(argv + optind), (size_t)(argc - optind), &o, &s, &err);
    if (st != VPCFLOW_OK) {
        cli_after_scan(&common, &(vpcflow_scan_stats){0});
        return cli_fail(st, &err);
    }
    cli_after_scan(&common, vpcflow_summary_stats(s));
    if (cli_no_records(vpcflow_summary_stats(s), argv + optind, argc - optind)) {
        vpcflow_summary_free(s);
        return EXIT_NO_RECORDS;
    }
    int rc = vpcflow_summary_write(s, &bill, json ? VPCFLOW_OUTPUT_JSON : VPCFLOW_OUTPUT_TABLE, stdout);
    vpcflow_summary_free(s);
    return cli_finish(&common, rc < 0 || fflush(stdout) != 0);
}
