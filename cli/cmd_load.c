/* cmd_load.c — `vpcflow load`: the records, with what vpcflow computes, into a PostgreSQL table. */
#include "analysis_opts.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char cmd_load_help[] =
    "Usage: vpcflow load [--dsn DSN] [--table NAME] [--schema NAME] [--rollup 1m|1h|1d] [options] PATH...\n"
    "\n"
    "Loads every record into a PostgreSQL table with what vpcflow computes about it: class,\n"
    "AZs, owners, the de-duplication verdict, NAT processing, the cost numerator\n"
    "(docs/postgres.md). Rows go over the wire typed (binary COPY). Each file loads in one\n"
    "transaction and is recorded in vpcflow_loaded_files (path, size, content hash): run the\n"
    "same load again and the files loaded are skipped; a load interrupted leaves nothing of\n"
    "the file it was in, and the next run loads it. The view NAME_unique holds the rows\n"
    "counted once, as `summary` counts them; `vpcflow sql` writes the reports' SQL over it.\n"
    "\n"
    "  --dsn DSN         libpq connection string or URI ('host=db dbname=flows user=me',\n"
    "                    'service=flows', postgresql://...); default: libpq's own defaults\n"
    "                    (PGHOST, PGDATABASE, PGUSER, ~/.pgpass). A password is never printed\n"
    "  --table NAME      the table (default: flows); created when missing, with the view\n"
    "                    NAME_unique and indexes on start, class, srcaddr, dstaddr,\n"
    "                    interface_id, nat_peer\n"
    "  --schema NAME     its schema (default: the first of the search_path)\n"
    "  --rollup 1m|1h|1d instead of one row per record, one per time bucket and key (interface,\n"
    "                    addresses, ports, protocol, action, log-status and every enrichment\n"
    "                    column) with bytes, packets and cost summed and `flows` counted; a\n"
    "                    table is raw or one rollup for its life\n"
    "  --reload          load files already loaded again, replacing their rows\n"
    "\n"
    "Examples:\n"
    "  vpcflow load --dsn 'host=localhost dbname=flows' --enis enis.json --subnets subnets.json AWSLogs/\n"
    "  psql -d flows -c 'SELECT class, sum(bytes) FROM flows_unique GROUP BY 1 ORDER BY 2 DESC'\n"
    "  vpcflow load --dsn service=flows --table flows_hourly --rollup 1h AWSLogs/\n"
    "\n"
    "Exit status: 0 loaded (or nothing new to load), 1 no connection, authentication or\n"
    "privilege refused, a server error, 2 bad usage, 3 some files could not be opened or read\n"
    "wholly (named on stderr; nothing of them was loaded, the others were).\n";

static const char load_topology_help[] =
    "Topology and cost (as for summary):\n"
    "  --subnets FILE, --enis FILE, --ip-ranges FILE, --topology FILE   (each repeatable)\n"
    "  --history PATH    ownership history: CloudTrail, lookup-events, AWS Config (repeatable;\n"
    "                    docs/ownership.md)\n"
    "  --region REGION   home region\n"
    "  --prices FILE     price table (docs/prices.md) for the cost_num column\n"
    "  --free-tier       accepted for the same command line as summary: the free allowance\n"
    "                    is monthly, so `vpcflow sql --free-tier` applies it in SQL\n"
    "  --memory SIZE     memory for the run (default 512M): caps the reading threads\n";

enum { OPT_DSN = OPT_ANALYSIS_LAST, OPT_TABLE, OPT_SCHEMA, OPT_ROLLUP, OPT_RELOAD };

#define SKIPS_SHOWN 10 /* files skipped named one by one; the rest are counted */

typedef struct ui {
    cli_common *c;
    uint64_t skipped;
} ui;

static void clear(cli_common *c)
{
    if (c->progress_shown) {
        fputs("\r\033[K", stderr);
        c->progress_shown = 0;
    }
}

static void note(void *ctx, int kind, const char *path, const char *message)
{
    ui *u = ctx;
    if (u->c->quiet || (kind == VPCFLOW_LOAD_SKIPPED && ++u->skipped > SKIPS_SHOWN))
        return;
    clear(u->c);
    if (*path)
        fprintf(stderr, "vpcflow: %s: %s\n", path, message);
    else
        fprintf(stderr, "vpcflow: note: %s\n", message);
}

static void line(const vpcflow_load_stats *s, char *buf, size_t cap)
{
    double secs = s->seconds > 0 ? s->seconds : 1e-9;
    snprintf(buf, cap, "%llu file%s loaded, %llu skipped, %llu rows, %.1f s, %.0f rows/s, %.1f MB/s",
             (unsigned long long)s->files_loaded, s->files_loaded == 1 ? "" : "s", (unsigned long long)s->files_skipped,
             (unsigned long long)s->rows, s->seconds, (double)s->rows / secs, (double)s->bytes_text / 1e6 / secs);
}

static void progress(void *ctx, const vpcflow_load_stats *s)
{
    ui *u = ctx;
    char buf[200];
    line(s, buf, sizeof buf);
    fprintf(stderr, "\r\033[K%s", buf);
    u->c->progress_shown = 1;
}

int cmd_load(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             {"subnets", required_argument, 0, OPT_SUBNETS},
                                             {"enis", required_argument, 0, OPT_ENIS},
                                             {"ip-ranges", required_argument, 0, OPT_IPRANGES},
                                             {"topology", required_argument, 0, OPT_TOPOLOGY},
                                             {"history", required_argument, 0, OPT_HISTORY},
                                             {"prices", required_argument, 0, OPT_PRICES},
                                             {"region", required_argument, 0, OPT_REGION},
                                             {"free-tier", no_argument, 0, OPT_FREE_TIER},
                                             {"memory", required_argument, 0, OPT_MEMORY},
                                             {"dsn", required_argument, 0, OPT_DSN},
                                             {"table", required_argument, 0, OPT_TABLE},
                                             {"schema", required_argument, 0, OPT_SCHEMA},
                                             {"rollup", required_argument, 0, OPT_ROLLUP},
                                             {"reload", no_argument, 0, OPT_RELOAD},
                                             {0}};
    cli_common common;
    cli_analysis an;
    cli_common_init(&common);
    cli_analysis_init(&an);
    vpcflow_load_options lo;
    memset(&lo, 0, sizeof lo);
    lo.size = sizeof lo;
    int opt;
    while ((opt = cli_getopt(argc, argv, ":j:h", longopts, &common, &an)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        switch (opt) {
        case OPT_DSN:
            lo.dsn = optarg;
            break;
        case OPT_TABLE:
        case OPT_SCHEMA:
            if (!*optarg || strlen(optarg) > 40) /* the indexes' names stay under PostgreSQL's 63 bytes */
                return cli_usage("load", "%s takes a name of 1 to 40 characters",
                                 opt == OPT_TABLE ? "--table" : "--schema");
            if (opt == OPT_TABLE)
                lo.table = optarg;
            else
                lo.schema = optarg;
            break;
        case OPT_ROLLUP:
            if (!strcmp(optarg, "1m"))
                lo.rollup = 60;
            else if (!strcmp(optarg, "1h"))
                lo.rollup = 3600;
            else if (!strcmp(optarg, "1d"))
                lo.rollup = 86400;
            else
                return cli_usage("load", "--rollup takes 1m, 1h or 1d, not '%s'", optarg);
            break;
        case OPT_RELOAD:
            lo.reload = 1;
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s\n%s", cmd_load_help, load_topology_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option("load", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("load", "load needs at least one PATH (a file or a directory)");
    for (int i = optind; i < argc; i++)
        if (!strcmp(argv[i], "-"))
            return cli_usage("load", "load reads files and directories, not standard input: a file is loaded once, "
                                     "known by its path and content");
    int show = common.progress < 0 ? isatty(2) && !common.quiet : common.progress;
    common.progress = 0; /* the scan's own progress line gives way to the load's */
    cli_analysis_options(&an, &common, &lo.analysis);
    lo.note = note;
    lo.progress = show ? progress : NULL;
    ui u = {&common, 0};
    lo.ctx = &u;
    vpcflow_load_stats s;
    vpcflow_error err;
    vpcflow_status st = vpcflow_load_run((const char *const *)(argv + optind), (size_t)(argc - optind), &lo, &s, &err);
    clear(&common);
    s.scan.inputs = s.files_loaded + s.files_failed; /* the files read, for "N of M inputs" */
    cli_after_scan(&common, &s.scan);
    if (u.skipped > SKIPS_SHOWN && !common.quiet)
        fprintf(stderr, "vpcflow: and %llu more files loaded already (same path, size and content): skipped\n",
                (unsigned long long)(u.skipped - SKIPS_SHOWN));
    char buf[200];
    line(&s, buf, sizeof buf);
    if (st != VPCFLOW_OK) {
        if (s.files_loaded || s.files_skipped)
            fprintf(stderr, "vpcflow: before the error: %s\n", buf);
        return cli_fail(st, &err);
    }
    fprintf(stderr, "vpcflow: %s\n", buf);
    return s.files_failed ? EXIT_PARTIAL : EXIT_OK;
}
