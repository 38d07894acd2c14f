/* cmd_cat.c — `vpcflow cat`: print the normalized records of every input, in input order. */
#include "analysis_opts.h"
#include "record_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_cat_help[] =
    "Usage: vpcflow cat [--output text|csv|jsonl|ecs|es-bulk] [--fields F1,F2,...] [options] PATH...\n"
    "\n"
    "Prints every record of the inputs, normalized: addresses in canonical form, times in\n"
    "Unix seconds (millisecond inputs converted), in input order. NODATA and SKIPDATA records\n"
    "are printed too. Header lines are not repeated.\n"
    "\n"
    "  -o, --output KIND  text (default): the AWS space-separated layout, '-' for no value\n"
    "                     csv: a header of AWS field names, then one row per record;\n"
    "                          empty cells for no value\n"
    "                     jsonl: one JSON object per record, null for no value\n"
    "                     ecs: one Elastic Common Schema document per line, the fields\n"
    "                          Filebeat's aws.vpcflow parser writes (source.ip,\n"
    "                          event.outcome, aws.vpcflow.*, ...) plus vpcflow's enrichment\n"
    "                          under vpcflow.* (class, AZs, owners, dedup, cost); docs/ecs.md\n"
    "                     es-bulk: ecs with an Elasticsearch _bulk action line before each\n"
    "                          document: pipe it to curl --data-binary @- URL/_bulk\n"
    "                     Bytes that are not UTF-8 are copied as they are to text and csv,\n"
    "                     and written as U+FFFD in jsonl, ecs and es-bulk (always valid JSON)\n"
    "  -f, --fields LIST  print these fields, in this order (AWS names, comma separated);\n"
    "                     a field a record's format lacks is printed as no value; a\n"
    "                     name that is no AWS field must be a column of the first\n"
    "                     input's format (its header line, or --format): else an error.\n"
    "                     Default: the fields of each record's own format (for csv: the\n"
    "                     format of the first input's first line, and a warning for\n"
    "                     each later format with columns that header leaves out)\n"
    "  --index NAME       es-bulk: the index the action lines name (default vpcflow-flowlogs)\n"
    "\n"
    "Enrichment (ecs and es-bulk only; all optional, as for `vpcflow summary`):\n"
    "  --subnets FILE, --enis FILE, --ip-ranges FILE, --topology FILE, --region REGION\n"
    "                     the network: AZs, owners, classes (without --enis, ENI facts are\n"
    "                     learned from the inputs in a first pass)\n"
    "  --prices FILE, --free-tier   the price table for vpcflow.cost_usd\n"
    "\n"
    "Examples:\n"
    "  vpcflow cat AWSLogs/ | head\n"
    "  vpcflow cat --output csv --fields srcaddr,dstaddr,bytes flows.log.gz > flows.csv\n"
    "  zcat flows.log.gz | vpcflow cat --output jsonl -\n"
    "  vpcflow cat --output es-bulk --index flows --subnets subnets.json --enis enis.json AWSLogs/ |\n"
    "      curl -s -H 'Content-Type: application/x-ndjson' --data-binary @- localhost:9200/_bulk\n";

static void *cat_open(void *ctx, unsigned worker)
{
    (void)worker;
    return record_out_worker_new(ctx);
}

static int cat_record(void *state, const vpcflow_record *rec)
{
    return record_out_next(state, rec) || record_out_emit(state, rec);
}

static int cat_chunk_end(void *state, uint64_t seq, int last)
{
    (void)last;
    return record_out_chunk_end(state, seq);
}

static int cat_close(void *ctx, void *state)
{
    (void)ctx;
    return record_out_worker_free(state);
}

enum { OPT_INDEX = OPT_ANALYSIS_LAST };

static int is_ecs(int kind)
{
    return kind == RECORD_OUT_ECS || kind == RECORD_OUT_ES_BULK;
}

static int has_enrichment_options(const cli_analysis *an)
{
    return an->nsubnets || an->nenis || an->nipranges || an->ntopology || an->prices || an->region || an->free_tier;
}

static int cat_scan(record_out *c, cli_common *common, cli_analysis *an, char **paths, int npaths)
{
    vpcflow_scan_options o;
    cli_scan_options(common, &o);
    const char *const *scan_paths = (const char *const *)paths;
    size_t nscan = (size_t)npaths;
    vpcflow_enrich *enrich = NULL;
    vpcflow_error err;
    if (is_ecs(c->kind)) {
        vpcflow_analysis_options ao;
        cli_analysis_options(an, common, &ao);
        vpcflow_status est = vpcflow_enrich_open(scan_paths, nscan, &ao, &enrich, &err);
        if (est != VPCFLOW_OK) {
            cli_after_scan(common, &(vpcflow_scan_stats){0});
            return cli_fail(est, &err);
        }
        c->enrich = enrich;
        scan_paths = vpcflow_enrich_paths(enrich, &nscan);
        o = *vpcflow_enrich_scan_options(enrich);
    }
    vpcflow_sink sink = {cat_open, cat_record, cat_chunk_end, cat_close, c, NULL};
    vpcflow_scan_stats stats;
    vpcflow_status st = vpcflow_scan(scan_paths, nscan, &o, &sink, &stats, &err);
    int write_failed = record_out_finish(c);
    cli_after_scan(common, &stats);
    vpcflow_enrich_close(enrich);
    c->enrich = NULL;
    if (st != VPCFLOW_OK && st != VPCFLOW_ERR_STOPPED)
        return cli_fail(st, &err);
    if (!write_failed && cli_no_records(&stats, paths, npaths))
        return EXIT_NO_RECORDS;
    return cli_finish(common, write_failed);
}

int cmd_cat(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             {"output", required_argument, 0, 'o'},
                                             {"fields", required_argument, 0, 'f'},
                                             {"index", required_argument, 0, OPT_INDEX},
                                             {"subnets", required_argument, 0, OPT_SUBNETS},
                                             {"enis", required_argument, 0, OPT_ENIS},
                                             {"ip-ranges", required_argument, 0, OPT_IPRANGES},
                                             {"topology", required_argument, 0, OPT_TOPOLOGY},
                                             {"prices", required_argument, 0, OPT_PRICES},
                                             {"region", required_argument, 0, OPT_REGION},
                                             {"free-tier", no_argument, 0, OPT_FREE_TIER},
                                             {0}};
    cli_common common;
    cli_common_init(&common);
    cli_analysis an;
    cli_analysis_init(&an);
    record_out c;
    memset(&c, 0, sizeof c);
    c.kind = VPCFLOW_OUTPUT_TEXT;
    c.index = "vpcflow-flowlogs";
    const char *fields = NULL;
    int index_given = 0;
    int opt;
    while ((opt = cli_getopt(argc, argv, ":o:f:j:h", longopts, &common, &an)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        switch (opt) {
        case 'o':
            if (record_out_parse_kind(optarg, 0, 1, &c.kind) < 0)
                return cli_usage("cat", "--output takes text, csv, jsonl, ecs or es-bulk, not '%s'", optarg);
            break;
        case 'f':
            fields = optarg;
            break;
        case OPT_INDEX:
            if (!optarg[0])
                return cli_usage("cat", "--index needs a name");
            c.index = optarg;
            index_given = 1;
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s", cmd_cat_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option("cat", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("cat", "cat needs at least one PATH (use - for standard input)");
    if (!is_ecs(c.kind) && has_enrichment_options(&an))
        return cli_usage("cat", "the topology and price options enrich --output ecs and es-bulk only");
    if (index_given && c.kind != RECORD_OUT_ES_BULK)
        return cli_usage("cat", "--index names the index of --output es-bulk");
    if (fields && is_ecs(c.kind))
        return cli_usage("cat", "--fields does not apply to --output ecs or es-bulk (documents hold every field)");
    if (fields) {
        int frc = record_out_set_fields(&c, fields);
        if (frc == EXIT_OK)
            frc = record_out_check_fields(&c, argv + optind, argc - optind, common.format);
        if (frc != EXIT_OK) {
            record_out_free(&c);
            return frc;
        }
    }
    c.quiet = common.quiet;
    int rc = record_out_start(&c, argv + optind, argc - optind, common.format);
    if (rc == EXIT_OK)
        rc = cat_scan(&c, &common, &an, argv + optind, argc - optind);
    record_out_free(&c);
    return rc;
}
