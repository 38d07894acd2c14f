/* cmd_report.c — `vpcflow report --html FILE`: the summary, timeline, top lists and alerts as
 * one self-contained HTML page. */
#include "analysis_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_report_help[] =
    "Usage: vpcflow report --html FILE [options] PATH...\n"
    "\n"
    "Writes one self-contained HTML page (no external requests: charts are inline SVG) to open\n"
    "from disk, attach to a ticket or hand to whoever pays the bill: the total cost and the\n"
    "biggest cost driver, bytes by class over time, the cross-AZ matrix, top talkers and ports,\n"
    "NAT gateways and their peers, rejected traffic and the alerts of the default rules, and\n"
    "the inputs with what would sharpen the answer. Every figure is the one `summary`, `top`,\n"
    "`timeline` and `alerts` print on the same inputs, and the inputs are read once (after the\n"
    "first pass that learns ENIs without --enis, as for summary). Tables sort by a click on a\n"
    "header; the page prints to PDF. See docs/report.md.\n"
    "\n"
    "  --html FILE       where to write the page ('-': standard output); FILE is replaced\n"
    "                    whole once the page is complete\n"
    "  --bill-gb N       the data-transfer GB on your bill: say how much these logs explain\n"
    "  --bill-usd N      the data-transfer dollars on your bill: likewise\n"
    "  -e, --every D     time bucket of the timeline: 60s, 5m, 1h, 1d, or seconds (default:\n"
    "                    chosen from the time range, at most 96 buckets)\n"
    "  --title TEXT      the page's title (default \"vpcflow report\")\n"
    "\n"
    "Examples:\n"
    "  vpcflow report --html report.html AWSLogs/\n"
    "  vpcflow report --html report.html --subnets subnets.json --enis enis.json \\\n"
    "      --ip-ranges ip-ranges.json --bill-usd 1234.56 AWSLogs/\n";

enum { OPT_HTML = OPT_ANALYSIS_LAST, OPT_BILL_GB, OPT_BILL_USD, OPT_TITLE };

static int parse_amount(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             CLI_ANALYSIS_LONGOPTS,
                                             {"html", required_argument, 0, OPT_HTML},
                                             {"bill-gb", required_argument, 0, OPT_BILL_GB},
                                             {"bill-usd", required_argument, 0, OPT_BILL_USD},
                                             {"every", required_argument, 0, 'e'},
                                             {"title", required_argument, 0, OPT_TITLE},
                                             {0}};
    cli_common common;
    cli_analysis an;
    cli_common_init(&common);
    cli_analysis_init(&an);
    vpcflow_report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.size = sizeof ro;
    const char *html = NULL;
    int opt;
    while ((opt = cli_getopt(argc, argv, ":e:j:h", longopts, &common, &an)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        switch (opt) {
        case OPT_HTML:
            html = optarg;
            break;
        case OPT_BILL_GB:
        case OPT_BILL_USD:
            if (parse_amount(optarg, opt == OPT_BILL_GB ? &ro.bill.gb : &ro.bill.usd) < 0)
                return cli_usage("report", "%s takes a positive number, not '%s'",
                                 opt == OPT_BILL_GB ? "--bill-gb" : "--bill-usd", optarg);
            break;
        case 'e':
            if (cli_parse_every(optarg, &ro.every) < 0)
                return cli_usage("report", "--every takes a duration such as 5m, 1h or 1d, not '%s'", optarg);
            break;
        case OPT_TITLE:
            ro.title = optarg;
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s\n%s", cmd_report_help, cli_analysis_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option("report", opt, argv);
        }
    }
    if (!html || !*html)
        return cli_usage("report", "report needs --html FILE (the page to write; '-' for standard output)");
    if (optind >= argc)
        return cli_usage("report", "report needs at least one PATH (use - for standard input)");
    cli_analysis_options(&an, &common, &ro.analysis);
    int to_stdout = strcmp(html, "-") == 0;
    char tmp[4096];
    FILE *out = stdout;
    if (!to_stdout) {
        if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", html, (long)getpid()) >= (int)sizeof tmp)
            return cli_usage("report", "--html: path too long");
        if (!(out = fopen(tmp, "w"))) {
            cli_error("%s: cannot write: %s", html, strerror(errno));
            return EXIT_RUNTIME;
        }
    }
    vpcflow_error err;
    vpcflow_scan_stats stats;
    vpcflow_status st =
        vpcflow_report_html((const char *const *)(argv + optind), (size_t)(argc - optind), &ro, out, &stats, &err);
    cli_after_scan(&common, &stats);
    if (to_stdout)
        return st != VPCFLOW_OK ? cli_fail(st, &err) : cli_finish(&common, fflush(stdout) != 0);
    int write_failed = fclose(out) != 0;
    if (st != VPCFLOW_OK || write_failed) {
        unlink(tmp);
        if (st != VPCFLOW_OK)
            return cli_fail(st, &err);
        cli_error("%s: write error", html);
        return EXIT_RUNTIME;
    }
    if (rename(tmp, html) != 0) {
        cli_error("%s: cannot write: %s", html, strerror(errno));
        unlink(tmp);
        return EXIT_RUNTIME;
    }
    return cli_done(&common);
}
