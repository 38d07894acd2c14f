/* cmd_advise.c — `vpcflow advise`: what to change in the network, ranked by the dollars it saves. */
#include "analysis_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_advise_help[] =
    "Usage: vpcflow advise [options] PATH...\n"
    "\n"
    "Reads the logs as summary does and lists the changes that would cut the data-transfer\n"
    "bill, ranked by net saving per 30-day month: gateway endpoints for NAT traffic to S3 and\n"
    "DynamoDB, interface endpoints for other AWS services, a NAT gateway per AZ, replicas or\n"
    "AZ affinity for chatty cross-AZ owners (an RDS instance and its clients), a CDN or a\n"
    "regional copy for internet and inter-region egress. Each action gives the saving over the\n"
    "window and per month, what the change costs (hourly resources x 720 h at the price\n"
    "table's rates), the net, the evidence and its caveats; a change whose net is not positive\n"
    "is not proposed. Then which input would make the advice exact. See docs/advise.md.\n"
    "\n"
    "  -o, --output table|json  one action a line for people (default), or one JSON object\n"
    "                    {actions: [{rank, kind, change, saving_usd, saving_usd_month,\n"
    "                    cost_usd_month, net_usd_month, evidence, caveats}], inputs: [...]}\n"
    "  --egress-gb N     internet and inter-region egress below N GB a 30-day month gets no\n"
    "                    action (default 100)\n"
    "  --min-net USD     changes saving less than USD a month net are not proposed (default 0.01)\n"
    "\n"
    "Examples:\n"
    "  vpcflow advise --subnets subnets.json --enis enis.json --ip-ranges ip-ranges.json AWSLogs/\n"
    "  vpcflow advise --prices ours.json --output json ... | jq '.actions[0]'\n";

enum { OPT_OUTPUT = OPT_ANALYSIS_LAST, OPT_EGRESS_GB, OPT_MIN_NET };

int cmd_advise(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             CLI_ANALYSIS_LONGOPTS,
                                             {"output", required_argument, 0, 'o'},
                                             {"egress-gb", required_argument, 0, OPT_EGRESS_GB},
                                             {"min-net", required_argument, 0, OPT_MIN_NET},
                                             {0}};
    cli_common common;
    cli_analysis an;
    cli_common_init(&common);
    cli_analysis_init(&an);
    int json = 0;
    uint64_t egress_gb = 100, min_net = 10000; /* micro-dollars: one cent */
    int opt;
    while ((opt = cli_getopt(argc, argv, ":o:j:h", longopts, &common, &an)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        switch (opt) {
        case 'o':
            if (strcmp(optarg, "json") == 0)
                json = 1;
            else if (strcmp(optarg, "table") == 0)
                json = 0;
            else
                return cli_usage("advise", "--output takes table or json, not '%s'", optarg);
            break;
        case OPT_EGRESS_GB: {
            char *end;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (end == optarg || *end || optarg[0] == '-' || v > (1ull << 40))
                return cli_usage("advise", "--egress-gb takes a whole number of GB, not '%s'", optarg);
            egress_gb = v;
            break;
        }
        case OPT_MIN_NET: {
            char *end;
            double v = strtod(optarg, &end);
            if (end == optarg || *end || !(v >= 0) || v > 1e9)
                return cli_usage("advise", "--min-net takes an amount of dollars such as 0.01, not '%s'", optarg);
            min_net = (uint64_t)(v * 1e6 + 0.5);
            break;
        }
        case 'h':
        case OPT_HELP:
            printf("%s\n%s\n%s", cmd_advise_help, cli_analysis_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option("advise", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("advise", "advise needs at least one PATH (use - for standard input)");
    vpcflow_advise_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    cli_analysis_options(&an, &common, &o.analysis);
    o.egress_gb_month = egress_gb;
    o.min_net_micro_usd = min_net;
    vpcflow_advice *adv = NULL;
    vpcflow_error err;
    vpcflow_status st =
        vpcflow_advise_run((const char *const *)(argv + optind), (size_t)(argc - optind), &o, &adv, &err);
    if (st != VPCFLOW_OK) {
        cli_after_scan(&common, &(vpcflow_scan_stats){0});
        return cli_fail(st, &err);
    }
    cli_after_scan(&common, vpcflow_advice_stats(adv));
    if (cli_no_records(vpcflow_advice_stats(adv), argv + optind, argc - optind)) {
        vpcflow_advice_free(adv);
        return EXIT_NO_RECORDS;
    }
    int rc = vpcflow_advice_write(adv, json ? VPCFLOW_OUTPUT_JSON : VPCFLOW_OUTPUT_TABLE, stdout);
    vpcflow_advice_free(adv);
    return cli_finish(&common, rc < 0 || fflush(stdout) != 0);
}
