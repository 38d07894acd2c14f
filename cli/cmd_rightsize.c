/* cmd_rightsize.c — `vpcflow rightsize`: is an instance oversized, and should it be reserved?
 * Options and printing; the decisions and the writers are lib/rightsize/ (docs/rightsize.md). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_rightsize_help[] =
    "Usage: vpcflow rightsize [options] METRICS...\n"
    "\n"
    "Right-size EC2 instances before reserving them. METRICS are the CPUUtilization (and,\n"
    "when the CloudWatch agent publishes it, memory) of one or more instances, as the AWS\n"
    "CLI prints them (`aws cloudwatch get-metric-statistics`, `get-metric-data`) or as CSV\n"
    "`timestamp,value`; files or directories. The instance id comes from the file name\n"
    "(i-0123...), else from the document. For each instance: the p99 of its hourly CPU\n"
    "maxima plus 20% headroom must fit the recommended type's vCPUs (scaled by per-vCPU\n"
    "performance); idle (max CPU <= 2%) is its own verdict; fewer than 14 days, gaps over\n"
    "10% or a trend that outgrows the type within the term say \"observe longer\"; then\n"
    "every Reserved Instance option of the recommended type against on-demand, with its\n"
    "break-even. Savings are per 730-hour month on demand (docs/rightsize.md).\n"
    "\n"
    "  --type TYPE       the current instance type (m4.large), for instances that\n"
    "                    --instances does not name\n"
    "  --instances FILE  `aws ec2 describe-instances` JSON: each instance's type, state,\n"
    "                    tags (Name, owner, aws:autoscaling:groupName)\n"
    "  --any-family      candidates of every family, burstable ones among them (default:\n"
    "                    the current family only)\n"
    "  --min-memory GIB  never recommend less memory than this (without a memory metric,\n"
    "                    candidates may have less memory than the current type)\n"
    "  --percentile P    the percentile of the hourly maxima that must fit (default 99)\n"
    "  --headroom PCT    added to it (default 20)\n"
    "  --term 1|3        the RI term, in years, the load must hold for (default 1)\n"
    "  --reserved OPT    the RI bought, or considered, for the current type: 1y, 3y,\n"
    "                    1y-convertible, 3y-standard-all-upfront, ... (default 1y: standard,\n"
    "                    no upfront); its waste at the current size is shown\n"
    "  --prices FILE     the AWS Price List bulk CSV for EC2 (index.csv, streamed) instead\n"
    "                    of the built-in us-east-1 catalog\n"
    "  --region REGION   the region of --prices (default us-east-1)\n"
    "  --os NAME         the operating system of --prices (default Linux)\n"
    "  -o, --output table|json|csv  a table (default), a JSON array or CSV: one row per\n"
    "                    instance with current_type, recommended_type, verdict,\n"
    "                    monthly_saving_usd, ri_verdict, ri_saving_usd and the evidence\n"
    "\n"
    "Examples:\n"
    "  vpcflow rightsize --type m4.large --any-family cpu-i-0a1b2c3d4e5f60718.json\n"
    "  vpcflow rightsize --instances instances.json -o json metrics/\n"
    "  vpcflow rightsize --prices index.csv --type m5.2xlarge --min-memory 16 cpu.csv\n";

enum {
    OPT_TYPE = 0x200,
    OPT_INSTANCES,
    OPT_ANY,
    OPT_MINMEM,
    OPT_PCT,
    OPT_HEAD,
    OPT_TERM,
    OPT_RESERVED,
    OPT_RS_PRICES,
    OPT_RS_REGION,
    OPT_OS,
    OPT_RS_HELP
};

static int number_opt(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

int cmd_rightsize(int argc, char **argv)
{
    static const struct option longopts[] = {{"type", required_argument, 0, OPT_TYPE},
                                             {"instances", required_argument, 0, OPT_INSTANCES},
                                             {"any-family", no_argument, 0, OPT_ANY},
                                             {"min-memory", required_argument, 0, OPT_MINMEM},
                                             {"percentile", required_argument, 0, OPT_PCT},
                                             {"headroom", required_argument, 0, OPT_HEAD},
                                             {"term", required_argument, 0, OPT_TERM},
                                             {"reserved", required_argument, 0, OPT_RESERVED},
                                             {"prices", required_argument, 0, OPT_RS_PRICES},
                                             {"region", required_argument, 0, OPT_RS_REGION},
                                             {"os", required_argument, 0, OPT_OS},
                                             {"output", required_argument, 0, 'o'},
                                             {"help", no_argument, 0, OPT_RS_HELP},
                                             {0}};
    vpcflow_rightsize_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.headroom = -1; /* the default */
    vpcflow_output output = VPCFLOW_OUTPUT_TABLE;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_TYPE:
            o.type = optarg;
            break;
        case OPT_INSTANCES:
            o.instances = optarg;
            break;
        case OPT_ANY:
            o.any_family = 1;
            break;
        case OPT_MINMEM:
            if (number_opt(optarg, 0, 1e6, &o.min_memory))
                return cli_usage("rightsize", "--min-memory takes GiB (16, 0.5), not '%s'", optarg);
            break;
        case OPT_PCT:
            if (number_opt(optarg, 1, 100, &o.percentile))
                return cli_usage("rightsize", "--percentile takes 1 to 100, not '%s'", optarg);
            break;
        case OPT_HEAD:
            if (number_opt(optarg, 0, 1000, &o.headroom))
                return cli_usage("rightsize", "--headroom takes a percent (0 to 1000), not '%s'", optarg);
            break;
        case OPT_TERM:
            if (strcmp(optarg, "1") && strcmp(optarg, "3"))
                return cli_usage("rightsize", "--term takes 1 or 3 (years), not '%s'", optarg);
            o.term_years = optarg[0] - '0';
            break;
        case OPT_RESERVED:
            o.reserved = optarg; /* checked by the library: a usage error as well */
            break;
        case OPT_RS_PRICES:
            o.prices = optarg;
            break;
        case OPT_RS_REGION:
            o.region = optarg;
            break;
        case OPT_OS:
            o.os = optarg;
            break;
        case 'o':
            if (!strcmp(optarg, "table"))
                output = VPCFLOW_OUTPUT_TABLE;
            else if (!strcmp(optarg, "json"))
                output = VPCFLOW_OUTPUT_JSON;
            else if (!strcmp(optarg, "csv"))
                output = VPCFLOW_OUTPUT_CSV;
            else
                return cli_usage("rightsize", "--output takes table, json or csv, not '%s'", optarg);
            break;
        case 'h':
        case OPT_RS_HELP:
            fputs(cmd_rightsize_help, stdout);
            return EXIT_OK;
        default:
            return cli_bad_option("rightsize", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("rightsize", "rightsize needs METRICS: CloudWatch CPUUtilization files or directories");
    vpcflow_rightsize *rs = NULL;
    vpcflow_error err;
    vpcflow_status st =
        vpcflow_rightsize_run((const char *const *)(argv + optind), (size_t)(argc - optind), &o, &rs, &err);
    if (st == VPCFLOW_ERR_INPUT && !err.file[0]) /* an option value: as wrong as a bad option */
        return cli_usage("rightsize", "%s", err.message);
    if (st != VPCFLOW_OK)
        return cli_fail(st, &err);
    for (size_t i = 0; i < vpcflow_rightsize_warning_count(rs); i++)
        cli_warn("%s", vpcflow_rightsize_warning(rs, i));
    int failed = vpcflow_rightsize_write(rs, output, stdout) < 0;
    vpcflow_rightsize_free(rs);
    return cli_output_status(fflush(stdout) != 0 || failed);
}
