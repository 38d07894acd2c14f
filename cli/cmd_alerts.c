/* cmd_alerts.c — `vpcflow alerts` (security alerts over a batch of logs) and `vpcflow watch`
 * (the same rules over a followed stream, each alert printed as it fires). */
#include "analysis_opts.h"
#include "notify_opts.h"

#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULES_HELP                                                                                                     \
    "Rules (each can be tuned or turned off in a rules file, docs/alerts.md):\n"                                       \
    "  internal-reject          rejected traffic whose source is inside the VPC (a private or\n"                       \
    "                           VPC address): a host probing its neighbours. Rejected traffic\n"                       \
    "                           from the internet is noise and does not count. high; 1 record\n"                       \
    "                           per source in 1h\n"                                                                    \
    "  port-scan                one source rejected on >= 20 destination ports or >= 20\n"                             \
    "                           destination hosts within 10m. medium\n"                                                \
    "  sensitive-port-accepted  accepted traffic from the internet to 22, 23, 445, 3306, 3389,\n"                      \
    "                           5432, 6379, 9200, 27017. high; per source, host and port in 1h\n"                      \
    "  egress-spike             an instance sends more than 10x its own average to the internet\n"                     \
    "                           in 10m, and at least 100 MiB. medium\n"                                                \
    "  user rules               a name, a filter pattern, a key and a threshold, e.g.\n"                               \
    "                           {\"rules\": [{\"name\": \"db-clients\", \"pattern\":\n"                                \
    "                           \"dstport=5432 action=ACCEPT\", \"group_by\": \"srcaddr\",\n"                          \
    "                           \"min_records\": 1, \"window\": \"1h\"}]}\n"                                           \
    "\n"                                                                                                               \
    "Windows follow the records' own times (start), not the clock: a window of W starts every\n"                       \
    "W/2, so a burst shorter than W/2 is always seen whole. A key fires at most once per window\n"                     \
    "and never in two overlapping windows.\n"

const char cmd_alerts_help[] =
    "Usage: vpcflow alerts [--rules FILE] [options] PATH...\n"
    "\n"
    "Security alerts over flow logs: internal hosts probing their neighbours, port scans,\n"
    "services reachable from the internet, unusual data leaving the VPC. One JSON line per\n"
    "alert, sorted by first_seen, rule and key (the same output whatever the thread count):\n"
    "  {\"rule\", \"severity\", \"key\": {\"srcaddr\", \"owner\"}, \"first_seen\", \"last_seen\",\n"
    "   \"window_start\", \"window_end\", \"records\", \"bytes\", [\"ports\", \"hosts\",]\n"
    "   [\"baseline_bytes\",] \"examples\": [original record lines]}\n"
    "\n" RULES_HELP "\n"
    "  --rules FILE       rule settings and user rules (JSON, docs/alerts.md)\n"
    "  --only RULE[,RULE] run only these rules\n"
    "  --print-rules      print the effective rules as a rules file and exit\n"
    "  -o, --output json|table  (default json)\n"
    "  --since T, --until T, --action ACCEPT|REJECT   only these records\n" CLI_NOTIFY_HELP "\n"
    "--memory SIZE (default 512M) bounds the state of every key: beyond it the least recently\n"
    "seen keys are forgotten, and a warning says how many (their alerts may be missing).\n"
    "--prices, --free-tier and --no-dedup are accepted as by the other commands.\n"
    "\n"
    "Give the topology (--subnets, --enis, --ip-ranges) for owner labels, and so that AWS\n"
    "service addresses and NAT gateways are told apart from the internet.\n"
    "\n"
    "Examples:\n"
    "  vpcflow alerts --subnets subnets.json --enis enis.json --ip-ranges ip-ranges.json AWSLogs/\n"
    "  vpcflow alerts --only internal-reject,port-scan -o table flows.log.gz\n"
    "  vpcflow alerts --rules rules.json --since 2026-11-01 AWSLogs/ | jq -r .key.srcaddr\n";

const char cmd_watch_help[] =
    "Usage: vpcflow watch [--rules FILE] [options] [PATH...|-]\n"
    "\n"
    "The rules of 'vpcflow alerts' over a stream: standard input (the default), or files\n"
    "followed like tail -F (a file renamed and recreated, or truncated, is followed on).\n"
    "Lines may be flow-log records (--format applies; a header line switches the format),\n"
    "CloudWatch Logs subscription payloads (JSON such as {\"awslogs\":{\"data\":...}}, or bare\n"
    "base64 of gzip), or CloudWatch export lines. Each alert is printed and flushed the\n"
    "moment its threshold is crossed, with the counts seen so far. Records are not\n"
    "de-duplicated: alerts are about behaviour, not bytes billed.\n"
    "\n"
    "State is bounded: a window is dropped once the newest record is --lateness past its end,\n"
    "idle keys are forgotten, and at most --max-keys keys are tracked, in at most --memory\n"
    "(default 512M; beyond it the least recently seen keys are forgotten). SIGINT or SIGTERM ends\n"
    "the watch (exit 0) with a summary on stderr: records read and alerts fired per rule.\n"
    "\n" RULES_HELP "\n"
    "  --rules FILE, --only RULES, --print-rules, -o json|table   as for 'vpcflow alerts'\n"
    "  --exit-at-eof      read every input to its end, then stop (instead of following)\n"
    "  --from-end         start files at their end: only lines written from now on\n"
    "  --poll MS          how often files are checked for growth (default 250)\n"
    "  --lateness SECS    how long after its end a window still takes records (default 600)\n"
    "  --max-keys N       keys tracked at most, all rules together (default 100000)\n" CLI_NOTIFY_HELP "\n"
    "Examples:\n"
    "  vpcflow watch --enis enis.json --subnets subnets.json /var/log/vpc/flows.log\n"
    "  aws logs tail /vpc/flowlogs --follow --format short | vpcflow watch -\n"
    "  vpcflow watch --exit-at-eof --only port-scan -o table flows.log\n";

enum {
    OPT_RULES = OPT_ANALYSIS_LAST,
    OPT_ONLY,
    OPT_PRINT_RULES,
    OPT_EXIT_AT_EOF,
    OPT_FROM_END,
    OPT_POLL,
    OPT_LATENESS,
    OPT_MAX_KEYS,
    OPT_NOTIFY,
    OPT_NOTIFY_RATE,
    OPT_NOTIFY_TIMEOUT
};

typedef struct alerts_cli {
    cli_common common;
    cli_analysis an;
    const char *rules_path, *only;
    int print_rules, table;
    vpcflow_watch_options w;
    cli_notify notify;
} alerts_cli;

/* Options of both commands; a watch-only option given to alerts is a usage error. */
static int parse(alerts_cli *c, int argc, char **argv, int watch)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             {"subnets", required_argument, 0, OPT_SUBNETS},
                                             {"enis", required_argument, 0, OPT_ENIS},
                                             {"ip-ranges", required_argument, 0, OPT_IPRANGES},
                                             {"topology", required_argument, 0, OPT_TOPOLOGY},
                                             {"history", required_argument, 0, OPT_HISTORY},
                                             {"region", required_argument, 0, OPT_REGION},
                                             {"action", required_argument, 0, OPT_ACTION},
                                             {"since", required_argument, 0, OPT_SINCE},
                                             {"until", required_argument, 0, OPT_UNTIL},
                                             {"prices", required_argument, 0, OPT_PRICES},
                                             {"free-tier", no_argument, 0, OPT_FREE_TIER},
                                             {"memory", required_argument, 0, OPT_MEMORY},
                                             {"no-dedup", no_argument, 0, OPT_NO_DEDUP},
                                             {"rules", required_argument, 0, OPT_RULES},
                                             {"only", required_argument, 0, OPT_ONLY},
                                             {"print-rules", no_argument, 0, OPT_PRINT_RULES},
                                             {"output", required_argument, 0, 'o'},
                                             {"exit-at-eof", no_argument, 0, OPT_EXIT_AT_EOF},
                                             {"from-end", no_argument, 0, OPT_FROM_END},
                                             {"poll", required_argument, 0, OPT_POLL},
                                             {"lateness", required_argument, 0, OPT_LATENESS},
                                             {"max-keys", required_argument, 0, OPT_MAX_KEYS},
                                             {"notify", required_argument, 0, OPT_NOTIFY},
                                             {"notify-rate", required_argument, 0, OPT_NOTIFY_RATE},
                                             {"notify-timeout", required_argument, 0, OPT_NOTIFY_TIMEOUT},
                                             {0}};
    const char *cmd = watch ? "watch" : "alerts";
    int opt;
    while ((opt = cli_getopt(argc, argv, ":o:j:h", longopts, &c->common, &c->an)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        uint64_t v;
        static const char *const watch_only[] = {"--exit-at-eof", "--from-end", "--poll", "--lateness", "--max-keys"};
        if (!watch && opt >= OPT_EXIT_AT_EOF && opt <= OPT_MAX_KEYS)
            return cli_usage(cmd, "%s is an option of 'vpcflow watch'", watch_only[opt - OPT_EXIT_AT_EOF]);
        switch (opt) {
        case OPT_RULES:
            c->rules_path = optarg;
            break;
        case OPT_ONLY:
            c->only = optarg;
            break;
        case OPT_PRINT_RULES:
            c->print_rules = 1;
            break;
        case 'o':
            if (strcmp(optarg, "table") != 0 && strcmp(optarg, "json") != 0)
                return cli_usage(cmd, "--output takes json or table, not '%s'", optarg);
            c->table = optarg[0] == 't';
            break;
        case OPT_NOTIFY:
        case OPT_NOTIFY_RATE:
        case OPT_NOTIFY_TIMEOUT: {
            int rc = cli_notify_opt(&c->notify, cmd, opt - OPT_NOTIFY, optarg);
            if (rc >= 0)
                return rc;
            break;
        }
        case OPT_EXIT_AT_EOF:
            c->w.exit_at_eof = 1;
            break;
        case OPT_FROM_END:
            c->w.from_end = 1;
            break;
        case OPT_POLL:
            if (cli_parse_uint(optarg, 60000, &v) < 0 || v == 0)
                return cli_usage(cmd, "--poll takes milliseconds from 1 to 60000, not '%s'", optarg);
            c->w.poll_ms = (unsigned)v;
            break;
        case OPT_LATENESS:
            if (cli_parse_uint(optarg, 30 * 86400, &v) < 0 || v == 0)
                return cli_usage(cmd, "--lateness takes seconds from 1 to 2592000, not '%s'", optarg);
            c->w.lateness = (int64_t)v;
            break;
        case OPT_MAX_KEYS:
            if (cli_parse_uint(optarg, UINT32_MAX, &v) < 0 || v < 16)
                return cli_usage(cmd, "--max-keys takes a number of at least 16, not '%s'", optarg);
            c->w.max_keys = (size_t)v;
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s\n%s", watch ? cmd_watch_help : cmd_alerts_help, cli_analysis_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option(cmd, opt, argv);
        }
    }
    return -1;
}

/* The rules file, --only, and --print-rules; returns an exit status, or -1 to go on. */
static int load_rules(alerts_cli *c, vpcflow_alert_rules **rules)
{
    vpcflow_error err;
    vpcflow_status st = vpcflow_alert_rules_load(c->rules_path, rules, &err);
    if (st == VPCFLOW_OK && c->only)
        st = vpcflow_alert_rules_select(*rules, c->only, &err);
    if (st != VPCFLOW_OK)
        return cli_fail(st, &err);
    if (!c->print_rules)
        return -1;
    return cli_output_status(vpcflow_alert_rules_write(*rules, stdout) < 0 || fflush(stdout) != 0);
}

static void init(alerts_cli *c)
{
    memset(c, 0, sizeof *c);
    cli_common_init(&c->common);
    cli_analysis_init(&c->an);
}

/* Options and rules of alerts (watch = 0) and watch; returns an exit status, or -1 to go on
 * with *rules loaded. */
static int start(alerts_cli *c, int argc, char **argv, int watch, vpcflow_alert_rules **rules)
{
    init(c);
    int rc = parse(c, argc, argv, watch);
    if (rc >= 0)
        return rc;
    *rules = NULL;
    if ((rc = load_rules(c, rules)) >= 0) {
        vpcflow_alert_rules_free(*rules);
        return rc;
    }
    return -1;
}

int cmd_alerts(int argc, char **argv)
{
    alerts_cli c;
    vpcflow_alert_rules *rules;
    int rc = start(&c, argc, argv, 0, &rules);
    if (rc >= 0)
        return rc;
    if (optind >= argc) {
        vpcflow_alert_rules_free(rules);
        return cli_usage("alerts", "alerts needs at least one PATH (use - for standard input)");
    }
    vpcflow_analysis_options ao;
    cli_analysis_options(&c.an, &c.common, &ao);
    vpcflow_alerts *list = NULL;
    vpcflow_error err;
    vpcflow_status st =
        vpcflow_alerts_run((const char *const *)(argv + optind), (size_t)(argc - optind), &ao, rules, &list, &err);
    vpcflow_alert_rules_free(rules);
    if (st != VPCFLOW_OK) {
        cli_after_scan(&c.common, &(vpcflow_scan_stats){0});
        return cli_fail(st, &err);
    }
    cli_after_scan(&c.common, vpcflow_alerts_stats(list));
    if (cli_no_records(vpcflow_alerts_stats(list), argv + optind, argc - optind)) {
        vpcflow_alerts_free(list);
        return EXIT_NO_RECORDS;
    }
    uint64_t evicted = vpcflow_alerts_evicted(list);
    if (evicted && !c.common.quiet)
        cli_warn("%llu key%s forgotten (the least recently seen) to stay within --memory: their alerts may be "
                 "missing or undercounted",
                 (unsigned long long)evicted, evicted == 1 ? " was" : "s were");
    errno = 0;
    rc = vpcflow_alerts_write(list, c.table ? VPCFLOW_ALERTS_TABLE : VPCFLOW_ALERTS_JSON, stdout);
    int nrc;
    vpcflow_notifier *nt = cli_notify_start(&c.notify, &nrc);
    for (size_t i = 0; nt && i < vpcflow_alerts_count(list); i++)
        vpcflow_notifier_send(nt, vpcflow_alerts_get(list, i));
    cli_notify_end(nt, 60000); /* a batch waits for its notifications, a minute at most */
    vpcflow_alerts_free(list);
    if (nrc >= 0)
        return nrc;
    if (rc < 0 && errno == ENOMEM) {
        cli_error("out of memory writing the alerts");
        return EXIT_RUNTIME;
    }
    return cli_finish(&c.common, rc < 0 || fflush(stdout) != 0);
}

/* ---- watch ------------------------------------------------------------------------- */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct watch_out {
    int table, failed;
    vpcflow_notifier *notify;
} watch_out;

static int print_alert(void *ctx, const vpcflow_alert *a)
{
    watch_out *o = ctx;
    if (o->notify)
        vpcflow_notifier_send(o->notify, a); /* queued: a slow receiver does not hold the stream */
    int rc = o->table ? vpcflow_alert_write_row(a, stdout) : vpcflow_alert_write_json(a, stdout);
    if (rc < 0 || fflush(stdout) != 0) { /* a reader that went away ends the watch */
        o->failed = 1;
        return 1;
    }
    return 0;
}

static void summary(const vpcflow_watch *w, const vpcflow_alert_rules *rules)
{
    const vpcflow_watch_summary *s = vpcflow_watch_stats(w);
    const vpcflow_scan_stats *t = &s->scan;
    fprintf(stderr, "vpcflow watch: %llu records (%llu NODATA, %llu SKIPDATA, %llu malformed), %llu alert%s\n",
            (unsigned long long)t->records, (unsigned long long)t->records_nodata,
            (unsigned long long)t->records_skipdata, (unsigned long long)t->records_malformed,
            (unsigned long long)s->alerts, s->alerts == 1 ? "" : "s");
    for (size_t i = 0; i < vpcflow_alert_rules_count(rules); i++)
        if (vpcflow_alert_rules_enabled(rules, i))
            fprintf(stderr, "  %-24s %llu\n", vpcflow_alert_rules_name(rules, i),
                    (unsigned long long)vpcflow_watch_fired(w, i));
    if (s->payloads)
        fprintf(stderr, "  %llu subscription payload%s decoded, %llu control message%s skipped\n",
                (unsigned long long)s->payloads, s->payloads == 1 ? "" : "s", (unsigned long long)s->control_messages,
                s->control_messages == 1 ? "" : "s");
    if (s->late)
        fprintf(stderr, "  %llu record%s arrived after their windows closed (--lateness) and did not count\n",
                (unsigned long long)s->late, s->late == 1 ? "" : "s");
    if (s->dropped)
        fprintf(stderr, "  %llu record%s did not count: --max-keys keys were tracked already\n",
                (unsigned long long)s->dropped, s->dropped == 1 ? "" : "s");
    if (s->evicted)
        fprintf(stderr, "  %llu key%s forgotten (the least recently seen) to stay within --memory\n",
                (unsigned long long)s->evicted, s->evicted == 1 ? " was" : "s were");
}

int cmd_watch(int argc, char **argv)
{
    alerts_cli c;
    vpcflow_alert_rules *rules;
    int rc = start(&c, argc, argv, 1, &rules);
    if (rc >= 0)
        return rc;
    c.common.progress = 0; /* a stream has no end to measure progress against */
    watch_out out = {c.table, 0, NULL};
    out.notify = cli_notify_start(&c.notify, &rc);
    if (rc >= 0) {
        vpcflow_alert_rules_free(rules);
        return rc;
    }
    c.w.size = sizeof c.w;
    cli_analysis_options(&c.an, &c.common, &c.w.analysis);
    c.w.rules = rules;
    c.w.stop = &stop_requested;
    c.w.alert = print_alert;
    c.w.ctx = &out;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a signal wakes the wait at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    vpcflow_watch *w = NULL;
    vpcflow_error err;
    vpcflow_status st = vpcflow_watch_new(&c.w, &w, &err);
    if (st == VPCFLOW_OK) {
        if (c.table && vpcflow_alert_write_header(stdout) == 0)
            fflush(stdout);
        st = vpcflow_watch_run(w, (const char *const *)(argv + optind), (size_t)(argc - optind), &err);
    }
    if (w && (st == VPCFLOW_OK || vpcflow_watch_stats(w)->scan.lines))
        summary(w, rules); /* not after a failure to open the inputs */
    vpcflow_watch_free(w);
    /* what is still queued gets one attempt's time, then is dropped and counted */
    cli_notify_end(out.notify, c.notify.timeout_s ? c.notify.timeout_s * 1000 : 5000);
    vpcflow_alert_rules_free(rules);
    if (st != VPCFLOW_OK)
        return cli_fail(st, &err);
    return cli_output_status(out.failed);
}
