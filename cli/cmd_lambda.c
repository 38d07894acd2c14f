/* cmd_lambda.c — `vpcflow lambda`: the alerts of `watch` as a Lambda function (the Runtime API
 * loop of lib/lambda/), or over event files given here, one response per line. */
#include "analysis_opts.h"
#include "notify_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_lambda_help[] =
    "Usage: vpcflow lambda [--rules FILE] [options] [EVENT.json...]\n"
    "\n"
    "The rules of 'vpcflow alerts' as an AWS Lambda function (a custom runtime: the zip's\n"
    "bootstrap runs 'vpcflow lambda', docs/lambda.md). It asks the Runtime API at\n"
    "$AWS_LAMBDA_RUNTIME_API for each event: a CloudWatch Logs subscription event\n"
    "({\"awslogs\":{\"data\":...}}; control messages are skipped), a Kinesis batch of them, or an\n"
    "S3 event notification (each object's text is read with --fetch, or taken from\n"
    "s3.object.body). It answers with one JSON document:\n"
    "  {\"records\", \"malformed\", \"payloads\", \"control_messages\", \"objects\", \"alerts\": [...]}\n"
    "(alerts as 'vpcflow alerts' writes them, also logged one per line), or, for an event that\n"
    "is none of these, an error {\"errorMessage\", \"errorType\": \"InvalidEvent\"}. A rules or\n"
    "topology file that cannot be read is reported as an initialisation error.\n"
    "\n"
    "State (windows, counts, egress baselines) lives in memory while the execution environment\n"
    "stays warm: best effort. Rules with windows longer than the time between invocations\n"
    "(port-scan 10m, egress-spike's baseline) see what this environment saw; Lambda may run\n"
    "several environments at once and start new ones at any time.\n"
    "\n"
    "Given EVENT.json files, each is handled as one invocation, here, and its response printed\n"
    "as a line (exit 2 when one is not an event): for trying rules on saved events.\n"
    "\n"
    "  --rules FILE, --only RULES   as for 'vpcflow alerts'\n"
    "  --lateness SECS, --max-keys N   as for 'vpcflow watch'\n"
    "  --fetch CMD        command printing an S3 object, {bucket} and {key} replaced (quoted),\n"
    "                     e.g. 'aws s3 cp s3://{bucket}/{key} -'; gzip is decompressed\n"
    "  --max-invocations N  stop after N events (default: run until the environment ends)\n" CLI_NOTIFY_HELP "\n"
    "Examples:\n"
    "  vpcflow lambda --rules rules.json --notify https://hooks.slack.com/services/...\n"
    "  vpcflow lambda --enis enis.json --subnets subnets.json saved-event.json\n";

enum {
    OPT_RULES = OPT_ANALYSIS_LAST,
    OPT_ONLY,
    OPT_LATENESS,
    OPT_MAX_KEYS,
    OPT_FETCH,
    OPT_MAX_INV,
    OPT_NOTIFY,
    OPT_NOTIFY_RATE,
    OPT_NOTIFY_TIMEOUT
};

typedef struct lambda_cli {
    cli_common common;
    cli_analysis an;
    const char *rules_path, *only;
    cli_notify notify;
    vpcflow_lambda_options l;
} lambda_cli;

static int parse(lambda_cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             CLI_ANALYSIS_LONGOPTS,
                                             {"rules", required_argument, 0, OPT_RULES},
                                             {"only", required_argument, 0, OPT_ONLY},
                                             {"lateness", required_argument, 0, OPT_LATENESS},
                                             {"max-keys", required_argument, 0, OPT_MAX_KEYS},
                                             {"fetch", required_argument, 0, OPT_FETCH},
                                             {"max-invocations", required_argument, 0, OPT_MAX_INV},
                                             {"notify", required_argument, 0, OPT_NOTIFY},
                                             {"notify-rate", required_argument, 0, OPT_NOTIFY_RATE},
                                             {"notify-timeout", required_argument, 0, OPT_NOTIFY_TIMEOUT},
                                             {0}};
    int opt;
    while ((opt = cli_getopt(argc, argv, ":j:h", longopts, &c->common, &c->an)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        uint64_t v;
        int rc;
        switch (opt) {
        case OPT_RULES:
            c->rules_path = optarg;
            break;
        case OPT_ONLY:
            c->only = optarg;
            break;
        case OPT_LATENESS:
            if (cli_parse_uint(optarg, 30 * 86400, &v) < 0 || v == 0)
                return cli_usage("lambda", "--lateness takes seconds from 1 to 2592000, not '%s'", optarg);
            c->l.watch.lateness = (int64_t)v;
            break;
        case OPT_MAX_KEYS:
            if (cli_parse_uint(optarg, UINT32_MAX, &v) < 0 || v < 16)
                return cli_usage("lambda", "--max-keys takes a number of at least 16, not '%s'", optarg);
            c->l.watch.max_keys = (size_t)v;
            break;
        case OPT_FETCH:
            if (!*optarg)
                return cli_usage("lambda", "--fetch takes a command, e.g. 'aws s3 cp s3://{bucket}/{key} -'");
            c->l.fetch = optarg;
            break;
        case OPT_MAX_INV:
            if (cli_parse_uint(optarg, UINT64_MAX, &v) < 0 || v == 0)
                return cli_usage("lambda", "--max-invocations takes a number of at least 1, not '%s'", optarg);
            c->l.max_invocations = v;
            break;
        case OPT_NOTIFY:
        case OPT_NOTIFY_RATE:
        case OPT_NOTIFY_TIMEOUT:
            if ((rc = cli_notify_opt(&c->notify, "lambda", opt - OPT_NOTIFY, optarg)) >= 0)
                return rc;
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s\n%s", cmd_lambda_help, cli_analysis_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option("lambda", opt, argv);
        }
    }
    return -1;
}

/* A failure before the first event: on stderr, and to the Runtime API when there is one. */
static int init_failed(int runtime, vpcflow_status st, const vpcflow_error *err)
{
    if (runtime) {
        char msg[2048];
        vpcflow_error_format(err, msg, sizeof msg);
        if (vpcflow_lambda_init_error(NULL, "Runtime.InitError", msg) < 0)
            cli_warn("the initialisation error could not be reported to the Lambda Runtime API");
    }
    return cli_fail(st, err);
}

/* Each event file as one invocation; its response on a line. */
static int local_events(lambda_cli *c, vpcflow_lambda *l, char **paths, int n)
{
    int rc = EXIT_OK;
    for (int i = 0; i < n && rc != EXIT_RUNTIME; i++) {
        FILE *f = fopen(paths[i], "rb");
        char *text = NULL;
        size_t len = 0;
        FILE *m = f ? open_memstream(&text, &len) : NULL;
        char buf[65536];
        size_t k;
        while (m && (k = fread(buf, 1, sizeof buf, f)) > 0)
            fwrite(buf, 1, k, m);
        int bad = !f || ferror(f);
        if (f)
            fclose(f);
        if (m && fclose(m) != 0)
            bad = 1;
        if (bad) {
            cli_error("%s: cannot read", paths[i]);
            free(text);
            rc = EXIT_RUNTIME;
            break;
        }
        char *response = NULL;
        vpcflow_error err;
        vpcflow_status st = vpcflow_lambda_handle(l, text, len, &response, &err);
        free(text);
        if (response) {
            printf("%s\n", response);
            free(response);
        }
        if (st != VPCFLOW_OK) {
            if (strcmp(err.file, "event") == 0)
                snprintf(err.file, sizeof err.file, "%s", paths[i]);
            cli_fail(st, &err);
            rc = st == VPCFLOW_ERR_INPUT ? EXIT_INPUT : EXIT_RUNTIME;
        }
    }
    return fflush(stdout) != 0 ? cli_output_status(1) : rc;
}

int cmd_lambda(int argc, char **argv)
{
    lambda_cli c;
    memset(&c, 0, sizeof c);
    cli_common_init(&c.common);
    cli_analysis_init(&c.an);
    int rc = parse(&c, argc, argv);
    if (rc >= 0)
        return rc;
    int runtime = optind >= argc;
    c.common.progress = 0;
    vpcflow_alert_rules *rules = NULL;
    vpcflow_error err;
    vpcflow_status st = vpcflow_alert_rules_load(c.rules_path, &rules, &err);
    if (st == VPCFLOW_OK && c.only)
        st = vpcflow_alert_rules_select(rules, c.only, &err);
    if (st != VPCFLOW_OK) {
        vpcflow_alert_rules_free(rules);
        return init_failed(runtime, st, &err);
    }
    c.l.size = sizeof c.l;
    c.l.watch.size = sizeof c.l.watch;
    cli_analysis_options(&c.an, &c.common, &c.l.watch.analysis);
    c.l.watch.rules = rules;
    c.l.log = runtime ? stdout : NULL;
    c.l.notify = cli_notify_start(&c.notify, &rc);
    vpcflow_lambda *l = NULL;
    if (rc < 0 && (st = vpcflow_lambda_new(&c.l, &l, &err)) != VPCFLOW_OK)
        rc = init_failed(runtime, st, &err);
    if (rc < 0 && !runtime)
        rc = local_events(&c, l, argv + optind, argc - optind);
    else if (rc < 0) {
        st = vpcflow_lambda_run(l, &err);
        rc = st == VPCFLOW_OK ? EXIT_OK : cli_fail(st, &err);
    }
    vpcflow_lambda_free(l);
    cli_notify_end(c.l.notify, c.notify.timeout_s ? c.notify.timeout_s * 1000 : 5000);
    vpcflow_alert_rules_free(rules);
    return rc;
}
