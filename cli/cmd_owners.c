/* cmd_owners.c — `vpcflow owners`: who held an address when, from --history and --enis. */
#include "analysis_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char cmd_owners_help[] =
    "Usage: vpcflow owners [options] ADDRESS\n"
    "\n"
    "The ownership timeline of one address: which ENI held it, for which owner (instance,\n"
    "load balancer, NAT gateway, Lambda, ...), in which AZ, from when to when. It comes from\n"
    "the CloudTrail events and AWS Config items given with --history, then from the current\n"
    "snapshot (--enis) where the history is silent: exactly the owner every other command\n"
    "gives a record of that time (docs/ownership.md).\n"
    "\n"
    "  --at TIME         only the owner at that time (a Unix time, or 2026-11-03T10:00:00Z)\n"
    "  -o, --output table|json  a table (default), or a JSON array of {from, to, eni, owner,\n"
    "                    az, subnet, source}; from/to are ISO-8601 times, null when open\n"
    "\n"
    "Examples:\n"
    "  vpcflow owners --history AWSLogs/123456789012/CloudTrail/ --enis enis.json 10.0.1.50\n"
    "  vpcflow owners --history config-history.json --at 2026-11-03T10:00:00Z 10.0.1.50\n";

enum { OPT_OUTPUT = OPT_ANALYSIS_LAST, OPT_AT };

static void time_text(int64_t t, char *buf, size_t cap)
{
    if (t == INT64_MIN || t == INT64_MAX) {
        snprintf(buf, cap, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void json_time(int64_t t)
{
    char buf[40];
    if (t == INT64_MIN || t == INT64_MAX) {
        fputs("null", stdout);
        return;
    }
    time_text(t, buf, sizeof buf);
    json_string(buf);
}

/* Text from the inputs, in a table: control characters would break its lines. */
static void cell(const char *s, int width)
{
    char buf[160];
    size_t n = 0;
    for (; *s && n + 1 < sizeof buf; s++)
        buf[n++] = (unsigned char)*s < 0x20 ? '?' : *s;
    buf[n] = 0;
    printf("%-*s", width, buf[0] ? buf : "-");
}

int cmd_owners(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             CLI_ANALYSIS_LONGOPTS,
                                             {"output", required_argument, 0, 'o'},
                                             {"at", required_argument, 0, OPT_AT},
                                             {0}};
    cli_common common;
    cli_analysis an;
    cli_common_init(&common);
    cli_analysis_init(&an);
    int json = 0, have_at = 0;
    int64_t at = 0;
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
                return cli_usage("owners", "--output takes table or json, not '%s'", optarg);
            break;
        case OPT_AT:
            if (cli_parse_time(optarg, &at) < 0)
                return cli_usage("owners", "--at takes a Unix time or a date like 2026-11-03T10:00:00Z, not '%s'",
                                 optarg);
            have_at = 1;
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s\n%s", cmd_owners_help, cli_analysis_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option("owners", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("owners", "owners needs an ADDRESS");
    if (optind + 1 < argc)
        return cli_usage("owners", "owners takes one ADDRESS, not %d", argc - optind);
    if (!an.nhistory && !an.nenis && !an.ntopology)
        return cli_usage("owners", "owners needs --history, --enis or --topology to know any owner");
    vpcflow_analysis_options o;
    cli_analysis_options(&an, &common, &o);
    vpcflow_owners *w = NULL;
    vpcflow_error err;
    vpcflow_status st = vpcflow_owners_run(argv[optind], &o, &w, &err);
    if (st != VPCFLOW_OK)
        return cli_fail(st, &err);
    const char *notes = vpcflow_owners_notes(w);
    if (!common.quiet && *notes)
        fprintf(stderr, "%s", notes);
    size_t n = vpcflow_owners_count(w), shown = 0;
    int history_covers = 0;
    for (size_t i = 0; have_at && i < n; i++) {
        const vpcflow_owner_span *s = vpcflow_owners_span(w, i);
        history_covers |= !strcmp(s->source, "history") && s->from <= at && at < s->to;
    }
    if (json)
        putchar('[');
    else
        printf("%-21s %-21s %-26s %-22s %-12s %s\n", "FROM", "TO", "OWNER", "ENI", "AZ", "SOURCE");
    for (size_t i = 0; i < n; i++) {
        const vpcflow_owner_span *s = vpcflow_owners_span(w, i);
        if (have_at && !(s->from <= at && at < s->to))
            continue;
        if (have_at && history_covers && strcmp(s->source, "history") != 0)
            continue; /* the history wins where it speaks */
        char from[40], to[40];
        time_text(s->from, from, sizeof from);
        time_text(s->to, to, sizeof to);
        if (json) {
            fputs(shown ? ",\n {" : "\n {", stdout);
            fputs("\"from\": ", stdout);
            json_time(s->from);
            fputs(", \"to\": ", stdout);
            json_time(s->to);
            fputs(", \"eni\": ", stdout);
            json_string(s->eni);
            fputs(", \"owner\": ", stdout);
            json_string(s->label);
            fputs(", \"az\": ", stdout);
            json_string(s->az);
            fputs(", \"subnet\": ", stdout);
            json_string(s->subnet);
            fputs(", \"source\": ", stdout);
            json_string(s->source);
            putchar('}');
        } else {
            printf("%-21s %-21s ", from, to);
            cell(s->label, 26);
            putchar(' ');
            cell(s->eni, 22);
            putchar(' ');
            cell(s->az, 12);
            printf(" %s\n", s->source);
        }
        shown++;
    }
    if (json)
        fputs(shown ? "\n]\n" : "]\n", stdout);
    else if (!shown)
        printf("(no owner known%s)\n", have_at ? " at that time" : "");
    vpcflow_owners_free(w);
    return cli_finish(&common, fflush(stdout) != 0);
}
