/* cmd_filter.c — `vpcflow filter`: print the records that match a CloudWatch filter pattern. */
#include "analysis_opts.h"
#include "record_out.h"
#include "vpcflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_filter_help[] =
    "Usage: vpcflow filter [options] PATTERN PATH...\n"
    "\n"
    "Prints the records that match PATTERN, in input order: by default each line exactly as\n"
    "it is in the input. PATTERN is a CloudWatch Logs filter pattern, with CloudWatch's\n"
    "meaning, in one of three forms (docs/filter.md has the details):\n"
    "\n"
    "  Terms: text the record contains (case matters)\n"
    "    REJECT                   records containing REJECT\n"
    "    REJECT 3389              both terms\n"
    "    ?REJECT ?NODATA          either term (? terms are ignored next to plain terms)\n"
    "    REJECT -\"172.31.9.69\"    REJECT but not 172.31.9.69\n"
    "    \"REJECT OK\"              a quoted phrase;  \"\" matches every record\n"
    "    %eni-[0-9a-f]{8}%        a regex between % signs (CloudWatch's subset)\n"
    "\n"
    "  Space-delimited: [name, name=value, ...], names by position, one per field\n"
    "    [version, accountid, interfaceid, srcaddr, dstaddr, srcport, dstport, protocol,\n"
    "     packets, bytes, start, end, action=REJECT, logstatus]\n"
    "    [v, acct, eni, src, dst, sport, dport=22 || dport=3389, ...]\n"
    "    [v, acct, eni=eni-0f*, ...]    ... stands for any number of fields\n"
    "    Operators = != with * wildcards or %regex%; numbers = != < <= > >=; && binds\n"
    "    tighter than ||. Without ..., the last name takes the rest of the record.\n"
    "\n"
    "  Named (vpcflow's own): field<op>value with AWS field names, all must hold\n"
    "    action=REJECT dstport=22,23,3389      a comma list means any of them\n"
    "    srcaddr=10.0.0.0/8 dstaddr!=2001:db8::/32 bytes>=1000000\n"
    "    flow-direction=egress pkt-dst-aws-service=S3  instance-id=-   (- : no value)\n"
    "    A pattern is in this form when it starts with a field name and an operator;\n"
    "    quote a term to search for such text (\"action=REJECT\"). A pattern that is one\n"
    "    unquoted name<op>value whose name is no field (dstprot=22) is an error naming\n"
    "    the field meant, not a term that would silently match nothing.\n"
    "\n"
    "Options:\n"
    "  -o, --output KIND  line (default): the input line as it is; text: normalized, the\n"
    "                     AWS layout; csv; jsonl (like 'vpcflow cat')\n"
    "  -f, --fields LIST  print these fields (AWS names, comma separated); implies text\n"
    "                     output unless --output says otherwise. A name that is no AWS\n"
    "                     field must be a column of the first input's format, else an error\n"
    "  -c, --count        print only the number of matching records\n"
    "  -v, --invert       select the records that do not match\n"
    "\n"
    "A PATTERN that starts with '-' needs '--' before it: vpcflow filter -- -ACCEPT flows.log\n"
    "Exit status: 0 when the scan succeeds, even if no record matches; 2 for a bad pattern\n"
    "(its column is shown) or bad usage; 1 when an input cannot be read.\n"
    "\n"
    "A PATH that holds no record at all (an empty directory, files that are not flow logs)\n"
    "exits with status 4; a PATTERN that matches none of the records read exits with 0.\n"
    "\n"
    "Examples:\n"
    "  vpcflow filter 'action=REJECT dstport=22,3389' AWSLogs/\n"
    "  vpcflow filter --count '[..., action=REJECT, logstatus]' flows.log.gz\n"
    "  vpcflow filter -o jsonl 'srcaddr=203.0.113.0/24' export/ | jq .bytes\n";

typedef struct filter_ctx {
    const vpcflow_filter *filter;
    int invert, count_only;
    record_out out;
    uint64_t matched;
} filter_ctx;

typedef struct filter_state {
    filter_ctx *ctx;
    record_out_worker *out;
    uint64_t matched;
} filter_state;

static void *filter_open(void *ctx, unsigned worker)
{
    (void)worker;
    filter_ctx *c = ctx;
    filter_state *s = calloc(1, sizeof *s);
    if (s && !(s->out = record_out_worker_new(&c->out))) {
        free(s);
        s = NULL;
    }
    if (s)
        s->ctx = c;
    return s;
}

static int filter_record(void *state, const vpcflow_record *rec)
{
    filter_state *s = state;
    filter_ctx *c = s->ctx;
    if (record_out_next(s->out, rec))
        return 1;
    if (vpcflow_filter_match(c->filter, rec) == c->invert)
        return 0;
    s->matched++;
    return c->count_only ? 0 : record_out_emit(s->out, rec);
}

static int filter_chunk_end(void *state, uint64_t seq, int last)
{
    (void)last;
    filter_state *s = state;
    return record_out_chunk_end(s->out, seq);
}

static int filter_close(void *ctx, void *state)
{
    filter_ctx *c = ctx;
    filter_state *s = state;
    c->matched += s->matched; /* close() calls come one at a time */
    int failed = record_out_worker_free(s->out);
    free(s);
    return failed;
}

/* Prints a pattern error: the message with its column, the pattern, a caret under the column. */
static int pattern_error(vpcflow_status st, const vpcflow_error *err, const char *pattern)
{
    int rc = cli_fail(st, err);
    if (st != VPCFLOW_ERR_INPUT || !err->column)
        return rc;
    fputs("  ", stderr);
    for (const char *p = pattern; *p; p++)
        fputc((unsigned char)*p < ' ' ? ' ' : *p, stderr);
    fputs("\n  ", stderr);
    for (uint32_t i = 0; i + 1 < err->column && pattern[i]; i++)
        if (((unsigned char)pattern[i] & 0xc0) != 0x80) /* one column per UTF-8 character */
            fputc(pattern[i] == '\t' ? '\t' : ' ', stderr);
    fputs("^\n", stderr);
    return rc;
}

static int run_scan(filter_ctx *c, cli_common *common, char **paths, int npaths)
{
    vpcflow_error err;
    if (c->count_only)
        c->out.kind = RECORD_OUT_LINE; /* nothing is printed but the count: no csv header */
    int rc = record_out_start(&c->out, paths, npaths, common->format);
    if (rc != EXIT_OK)
        return rc;
    vpcflow_scan_options o;
    cli_scan_options(common, &o);
    vpcflow_sink sink = {filter_open, filter_record, filter_chunk_end, filter_close, c, NULL};
    vpcflow_scan_stats stats;
    vpcflow_status st = vpcflow_scan((const char *const *)paths, (size_t)npaths, &o, &sink, &stats, &err);
    int write_failed = record_out_finish(&c->out);
    cli_after_scan(common, &stats);
    if (st != VPCFLOW_OK && st != VPCFLOW_ERR_STOPPED)
        return cli_fail(st, &err);
    if (!write_failed && cli_no_records(&stats, paths, npaths))
        return EXIT_NO_RECORDS; /* nothing read: not the same as nothing matched */
    if (c->count_only)
        write_failed |= printf("%llu\n", (unsigned long long)c->matched) < 0 || fflush(stdout) != 0;
    return cli_finish(common, write_failed);
}

int cmd_filter(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             {"output", required_argument, 0, 'o'},
                                             {"fields", required_argument, 0, 'f'},
                                             {"count", no_argument, 0, 'c'},
                                             {"invert", no_argument, 0, 'v'},
                                             {0}};
    cli_common common;
    cli_common_init(&common);
    filter_ctx c;
    memset(&c, 0, sizeof c);
    c.out.kind = RECORD_OUT_LINE;
    int kind_given = 0;
    const char *fields = NULL;
    int opt;
    while ((opt = cli_getopt(argc, argv, ":o:f:cvj:h", longopts, &common, NULL)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        switch (opt) {
        case 'o':
            if (record_out_parse_kind(optarg, 1, 0, &c.out.kind) < 0)
                return cli_usage("filter", "--output takes line, text, csv or jsonl, not '%s'", optarg);
            kind_given = 1;
            break;
        case 'f':
            fields = optarg;
            break;
        case 'c':
            c.count_only = 1;
            break;
        case 'v':
            c.invert = 1;
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s", cmd_filter_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option("filter", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("filter", "filter needs a PATTERN and at least one PATH (use - for standard input)");
    const char *pattern = argv[optind++];
    if (optind >= argc)
        return cli_usage("filter", "filter needs at least one PATH after the pattern (use - for standard input)");
    if (fields && c.out.kind == RECORD_OUT_LINE) {
        if (kind_given)
            return cli_usage("filter", "--fields needs --output text, csv or jsonl (line prints the input as it is)");
        c.out.kind = VPCFLOW_OUTPUT_TEXT;
    }
    vpcflow_error err;
    vpcflow_filter *f = NULL;
    vpcflow_status st = vpcflow_filter_compile(pattern, &f, &err);
    if (st != VPCFLOW_OK)
        return pattern_error(st, &err, pattern);
    c.filter = f;
    if (fields) {
        int frc = record_out_set_fields(&c.out, fields);
        if (frc == EXIT_OK)
            frc = record_out_check_fields(&c.out, argv + optind, argc - optind, common.format);
        if (frc != EXIT_OK) {
            record_out_free(&c.out);
            vpcflow_filter_free(f);
            return frc;
        }
    }
    c.out.quiet = common.quiet;
    int rc = run_scan(&c, &common, argv + optind, argc - optind);
    record_out_free(&c.out);
    vpcflow_filter_free(f);
    return rc;
}
