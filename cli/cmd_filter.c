/* cmd_filter.c — `vpcflow filter`: print the records that match a CloudWatch filter pattern. */
#include "cli.h"
#include "vpcflow.h"

#include <pthread.h>
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
    "    quote a term to search for such text (\"action=REJECT\").\n"
    "\n"
    "Options:\n"
    "  -o, --output KIND  line (default): the input line as it is; text: normalized, the\n"
    "                     AWS layout; csv; jsonl (like 'vpcflow cat')\n"
    "  -f, --fields LIST  print these fields (AWS names, comma separated); implies text\n"
    "                     output unless --output says otherwise\n"
    "  -c, --count        print only the number of matching records\n"
    "  -v, --invert       select the records that do not match\n"
    "\n"
    "A PATTERN that starts with '-' needs '--' before it: vpcflow filter -- -ACCEPT flows.log\n"
    "Exit status: 0 when the scan succeeds, even if no record matches; 2 for a bad pattern\n"
    "(its column is shown) or bad usage; 1 when an input cannot be read.\n"
    "\n"
    "Examples:\n"
    "  vpcflow filter 'action=REJECT dstport=22,3389' AWSLogs/\n"
    "  vpcflow filter --count '[..., action=REJECT, logstatus]' flows.log.gz\n"
    "  vpcflow filter -o jsonl 'srcaddr=203.0.113.0/24' export/ | jq .bytes\n";

enum { OUT_LINE = -1 };

typedef struct filter_ctx {
    const vpcflow_filter *filter;
    int invert, count_only;
    int kind; /* OUT_LINE or a vpcflow_output */
    vpcflow_columns *cols;
    int fields_given; /* --fields: the user chose the columns, nothing to warn about */
    vpcflow_ordered *out;
    int lazy_header;
    uint64_t matched;
    pthread_mutex_t lock;
    const vpcflow_format *warned[16];
    size_t nwarned;
    int quiet;
} filter_ctx;

typedef struct filter_state {
    filter_ctx *ctx;
    char *buf;
    size_t len, cap;
    uint64_t seq, matched;
    int failed;
} filter_state;

static void *filter_open(void *ctx, unsigned worker)
{
    (void)worker;
    filter_state *s = calloc(1, sizeof *s);
    if (s) {
        s->ctx = ctx;
        s->cap = 1 << 20;
        s->buf = malloc(s->cap);
        if (!s->buf) {
            free(s);
            s = NULL;
        }
    }
    return s;
}

static int flush(filter_state *s)
{
    if (s->len && vpcflow_ordered_write(s->ctx->out, s->seq, s->buf, s->len) < 0)
        s->failed = 1;
    s->len = 0;
    return s->failed;
}

/* csv without --fields: say once per format which of its columns the header (from the first
 * input) leaves out */
static void check_columns(filter_ctx *c, const vpcflow_record *rec)
{
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->nwarned; i++)
        if (c->warned[i] == rec->format) {
            pthread_mutex_unlock(&c->lock);
            return;
        }
    if (c->nwarned < 16)
        c->warned[c->nwarned++] = rec->format;
    char missing[1024] = "";
    size_t n = vpcflow_format_columns(rec->format), used = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = vpcflow_format_column_name(rec->format, i);
        int found = 0;
        for (size_t k = 0; k < vpcflow_columns_count(c->cols) && !found; k++)
            found = strcmp(vpcflow_columns_name(c->cols, k), name) == 0;
        if (!found && used + strlen(name) + 3 < sizeof missing)
            used += (size_t)snprintf(missing + used, sizeof missing - used, "%s%s", used ? ", " : "", name);
    }
    if (used && !c->quiet)
        cli_warn("%s:%llu: this format has columns the CSV output leaves out (%s); choose them with --fields",
                 rec->input, (unsigned long long)rec->line_no, missing);
    pthread_mutex_unlock(&c->lock);
}

/* Renders rec into the worker's buffer: the input line, or a rendered record. */
static size_t render(filter_ctx *c, const vpcflow_record *rec, char *buf, size_t cap)
{
    if (c->kind != OUT_LINE)
        return vpcflow_record_render(rec, (vpcflow_output)c->kind, c->cols, buf, cap);
    size_t need = rec->line.len + 1;
    if (need <= cap) {
        memcpy(buf, rec->line.ptr, rec->line.len);
        buf[rec->line.len] = '\n';
    }
    return need;
}

static int emit(filter_state *s, const vpcflow_record *rec)
{
    filter_ctx *c = s->ctx;
    if (c->lazy_header) { /* only one unit reads stdin: no race on the first record */
        c->lazy_header = 0;
        c->cols = vpcflow_columns_from_format(rec->format);
        if (!c->cols)
            return 1;
        char head[8192];
        size_t n = vpcflow_columns_csv_header(c->cols, head, sizeof head);
        if (n > sizeof head || vpcflow_ordered_write(c->out, s->seq, head, n) < 0)
            return 1;
    }
    if (c->kind == VPCFLOW_OUTPUT_CSV && !c->fields_given && c->cols && vpcflow_format_columns(rec->format) > 0)
        check_columns(c, rec);
    for (;;) {
        size_t need = render(c, rec, s->buf + s->len, s->cap - s->len);
        if (need <= s->cap - s->len) {
            s->len += need;
            break;
        }
        if (s->len) {
            if (flush(s))
                return 1;
            continue;
        }
        char *nb = realloc(s->buf, need * 2);
        if (!nb)
            return 1;
        s->buf = nb;
        s->cap = need * 2;
    }
    return s->len > (1u << 20) - 4096 ? flush(s) : 0;
}

static int filter_record(void *state, const vpcflow_record *rec)
{
    filter_state *s = state;
    filter_ctx *c = s->ctx;
    if (rec->seq != s->seq && flush(s))
        return 1;
    s->seq = rec->seq;
    if (vpcflow_filter_match(c->filter, rec) == c->invert)
        return 0;
    s->matched++;
    return c->count_only ? 0 : emit(s, rec);
}

static int filter_chunk_end(void *state, uint64_t seq, int last)
{
    (void)last;
    filter_state *s = state;
    if (s->len && s->seq == seq)
        flush(s);
    if (vpcflow_ordered_done(s->ctx->out, seq) < 0)
        s->failed = 1;
    return s->failed;
}

static int filter_close(void *ctx, void *state)
{
    filter_ctx *c = ctx;
    filter_state *s = state;
    int failed = s->failed;
    c->matched += s->matched; /* close() calls come one at a time */
    free(s->buf);
    free(s);
    return failed;
}

static int parse_kind(const char *s, int *kind)
{
    if (strcmp(s, "line") == 0)
        *kind = OUT_LINE;
    else if (strcmp(s, "text") == 0)
        *kind = VPCFLOW_OUTPUT_TEXT;
    else if (strcmp(s, "csv") == 0)
        *kind = VPCFLOW_OUTPUT_CSV;
    else if (strcmp(s, "jsonl") == 0 || strcmp(s, "json") == 0)
        *kind = VPCFLOW_OUTPUT_JSON;
    else
        return -1;
    return 0;
}

static int start_csv(filter_ctx *c, char **paths, int npaths, const char *format)
{
    if (!c->cols) {
        if (strcmp(paths[0], "-") == 0) {
            c->lazy_header = 1;
            return 0;
        }
        vpcflow_format *fmt = NULL;
        vpcflow_error err;
        vpcflow_status st = vpcflow_peek_format((const char *const *)paths, (size_t)npaths, format, &fmt, &err);
        if (st != VPCFLOW_OK)
            return cli_fail(st, &err);
        c->cols = vpcflow_columns_from_format(fmt);
        vpcflow_format_free(fmt);
        if (!c->cols)
            return cli_fail(VPCFLOW_ERR_IO, &(vpcflow_error){.message = "out of memory"});
    }
    char head[8192];
    size_t n = vpcflow_columns_csv_header(c->cols, head, sizeof head);
    fwrite(head, 1, n < sizeof head ? n : sizeof head, stdout);
    return 0;
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
    int rc = c->kind == VPCFLOW_OUTPUT_CSV && !c->count_only ? start_csv(c, paths, npaths, common->format) : 0;
    if (rc)
        return rc;
    c->out = vpcflow_ordered_new(stdout);
    if (!c->out)
        return cli_fail(VPCFLOW_ERR_IO, &(vpcflow_error){.message = "out of memory"});
    vpcflow_scan_options o;
    cli_scan_options(common, &o);
    vpcflow_sink sink = {filter_open, filter_record, filter_chunk_end, filter_close, c};
    vpcflow_scan_stats stats;
    vpcflow_status st =
        vpcflow_scan((const char *const *)paths, (size_t)npaths, &o, &sink, &stats, &err);
    int write_failed = vpcflow_ordered_free(c->out) != 0;
    if (st == VPCFLOW_OK && c->count_only)
        printf("%llu\n", (unsigned long long)c->matched);
    write_failed |= fflush(stdout) != 0;
    cli_after_scan(common, &stats);
    if (st != VPCFLOW_OK && st != VPCFLOW_ERR_STOPPED)
        return cli_fail(st, &err);
    if (write_failed) {
        cli_error("write error on standard output");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
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
    c.kind = OUT_LINE;
    int kind_given = 0;
    const char *fields = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, ":o:f:cvj:h", longopts, NULL)) != -1) {
        int r = cli_common_opt(&common, opt, optarg);
        if (r < 0)
            return EXIT_INPUT;
        if (r)
            continue;
        switch (opt) {
        case 'o':
            if (parse_kind(optarg, &c.kind) < 0)
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
            fputs(cmd_filter_help, stdout);
            fputs("\n", stdout);
            fputs(cli_common_help, stdout);
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
    if (fields && c.kind == OUT_LINE) {
        if (kind_given)
            return cli_usage("filter", "--fields needs --output text, csv or jsonl (line prints the input as it is)");
        c.kind = VPCFLOW_OUTPUT_TEXT;
    }
    vpcflow_error err;
    vpcflow_filter *f = NULL;
    vpcflow_status st = vpcflow_filter_compile(pattern, &f, &err);
    if (st != VPCFLOW_OK)
        return pattern_error(st, &err, pattern);
    c.filter = f;
    if (fields) {
        c.fields_given = 1;
        st = vpcflow_columns_parse(fields, 1, &c.cols, &err);
        if (st != VPCFLOW_OK) {
            vpcflow_filter_free(f);
            return cli_fail(st, &err);
        }
    }
    c.quiet = common.quiet;
    pthread_mutex_init(&c.lock, NULL);
    int rc = run_scan(&c, &common, argv + optind, argc - optind);
    vpcflow_columns_free(c.cols);
    pthread_mutex_destroy(&c.lock);
    vpcflow_filter_free(f);
    return rc;
}
