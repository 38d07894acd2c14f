/* cmd_cat.c — `vpcflow cat`: print the normalized records of every input, in input order. */
#include "analysis_opts.h"
#include "record_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_cat_help[] = "Usage: vpcflow cat [--output text|csv|jsonl] [--fields F1,F2,...] [options] PATH...\n"
                            "\n"
                            "Prints every record of the inputs, normalized: addresses in canonical form, times in\n"
                            "Unix seconds (millisecond inputs converted), in input order. NODATA and SKIPDATA records\n"
                            "are printed too. Header lines are not repeated.\n"
                            "\n"
                            "  -o, --output KIND  text (default): the AWS space-separated layout, '-' for no value\n"
                            "                     csv: a header of AWS field names, then one row per record;\n"
                            "                          empty cells for no value\n"
                            "                     jsonl: one JSON object per record, null for no value\n"
                            "                     Bytes that are not UTF-8 are copied as they are to text and csv,\n"
                            "                     and written as U+FFFD in jsonl (always valid JSON)\n"
                            "  -f, --fields LIST  print these fields, in this order (AWS names, comma separated);\n"
                            "                     a field a record's format lacks is printed as no value.\n"
                            "                     Default: the fields of each record's own format (for csv: the\n"
                            "                     format of the first input's first line, and a warning for\n"
                            "                     each later format with columns that header leaves out)\n"
                            "\n"
                            "Examples:\n"
                            "  vpcflow cat AWSLogs/ | head\n"
                            "  vpcflow cat --output csv --fields srcaddr,dstaddr,bytes flows.log.gz > flows.csv\n"
                            "  zcat flows.log.gz | vpcflow cat --output jsonl -\n";

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

int cmd_cat(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, {"output", required_argument, 0, 'o'}, {"fields", required_argument, 0, 'f'}, {0}};
    cli_common common;
    cli_common_init(&common);
    record_out c;
    memset(&c, 0, sizeof c);
    c.kind = VPCFLOW_OUTPUT_TEXT;
    const char *fields = NULL;
    int opt;
    while ((opt = cli_getopt(argc, argv, ":o:f:j:h", longopts, &common, NULL)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        switch (opt) {
        case 'o':
            if (record_out_parse_kind(optarg, 0, &c.kind) < 0)
                return cli_usage("cat", "--output takes text, csv or jsonl, not '%s'", optarg);
            break;
        case 'f':
            fields = optarg;
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
    if (fields) {
        int frc = record_out_set_fields(&c, fields);
        if (frc != EXIT_OK)
            return frc;
    }
    c.quiet = common.quiet;
    int rc = record_out_start(&c, argv + optind, argc - optind, common.format);
    if (rc != EXIT_OK) {
        record_out_free(&c);
        return rc;
    }
    vpcflow_scan_options o;
    cli_scan_options(&common, &o);
    vpcflow_error err;
    vpcflow_sink sink = {cat_open, cat_record, cat_chunk_end, cat_close, &c, NULL};
    vpcflow_scan_stats stats;
    vpcflow_status st =
        vpcflow_scan((const char *const *)(argv + optind), (size_t)(argc - optind), &o, &sink, &stats, &err);
    int write_failed = record_out_finish(&c);
    cli_after_scan(&common, &stats);
    record_out_free(&c);
    if (st != VPCFLOW_OK && st != VPCFLOW_ERR_STOPPED)
        return cli_fail(st, &err);
    return cli_finish(&common, write_failed);
}
