/* cmd_cat.c — `vpcflow cat`: print the normalized records of every input, in input order. */
#include "cli.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_cat_help[] =
    "Usage: vpcflow cat [--output text|csv|jsonl] [--fields F1,F2,...] [options] PATH...\n"
    "\n"
    "Prints every record of the inputs, normalized: addresses in canonical form, times in\n"
    "Unix seconds (millisecond inputs converted), in input order. NODATA and SKIPDATA records\n"
    "are printed too. Header lines are not repeated.\n"
    "\n"
    "  -o, --output KIND  text (default): the AWS space-separated layout, '-' for no value\n"
    "                     csv: a header of AWS field names, then one row per record;\n"
    "                          empty cells for no value\n"
    "                     jsonl: one JSON object per record, null for no value\n"
    "  -f, --fields LIST  print these fields, in this order (AWS names, comma separated);\n"
    "                     a field a record's format lacks is printed as no value.\n"
    "                     Default: the fields of each record's own format (for csv: the\n"
    "                     format of the first input's first line)\n"
    "\n"
    "Examples:\n"
    "  vpcflow cat AWSLogs/ | head\n"
    "  vpcflow cat --output csv --fields srcaddr,dstaddr,bytes flows.log.gz > flows.csv\n"
    "  zcat flows.log.gz | vpcflow cat --output jsonl -\n";

typedef struct cat_ctx {
    vpcflow_output kind;
    vpcflow_columns *cols; /* NULL: each record's own columns */
    vpcflow_ordered *out;
    int lazy_header;       /* csv from stdin: header from the first record */
    pthread_mutex_t lock;
    const vpcflow_format *warned[16];
    size_t nwarned;
    int quiet;
} cat_ctx;

typedef struct cat_state {
    cat_ctx *ctx;
    char *buf;
    size_t len, cap;
    uint64_t seq;
    int failed;
} cat_state;

static void *cat_open(void *ctx, unsigned worker)
{
    (void)worker;
    cat_state *s = calloc(1, sizeof *s);
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

static int flush(cat_state *s)
{
    if (s->len && vpcflow_ordered_write(s->ctx->out, s->seq, s->buf, s->len) < 0)
        s->failed = 1;
    s->len = 0;
    return s->failed;
}

/* csv: say once per format which of its columns the chosen columns leave out */
static void check_columns(cat_ctx *c, const vpcflow_record *rec)
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

static int cat_record(void *state, const vpcflow_record *rec)
{
    cat_state *s = state;
    cat_ctx *c = s->ctx;
    if (rec->seq != s->seq && flush(s))
        return 1;
    s->seq = rec->seq;
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
    if (c->kind == VPCFLOW_OUTPUT_CSV && c->cols && vpcflow_format_columns(rec->format) > 0)
        check_columns(c, rec);
    for (;;) {
        size_t need = vpcflow_record_render(rec, c->kind, c->cols, s->buf + s->len, s->cap - s->len);
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

static int cat_chunk_end(void *state, uint64_t seq, int last)
{
    (void)last;
    cat_state *s = state;
    if (s->len && s->seq == seq)
        flush(s);
    if (vpcflow_ordered_done(s->ctx->out, seq) < 0)
        s->failed = 1;
    return s->failed;
}

static int cat_close(void *ctx, void *state)
{
    (void)ctx;
    cat_state *s = state;
    int failed = s->failed;
    free(s->buf);
    free(s);
    return failed;
}

static int parse_kind(const char *s, vpcflow_output *kind)
{
    if (strcmp(s, "text") == 0)
        *kind = VPCFLOW_OUTPUT_TEXT;
    else if (strcmp(s, "csv") == 0)
        *kind = VPCFLOW_OUTPUT_CSV;
    else if (strcmp(s, "jsonl") == 0 || strcmp(s, "json") == 0)
        *kind = VPCFLOW_OUTPUT_JSON;
    else
        return -1;
    return 0;
}

static int start_csv(cat_ctx *c, char **paths, int npaths, const char *format)
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

int cmd_cat(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, {"output", required_argument, 0, 'o'}, {"fields", required_argument, 0, 'f'}, {0}};
    cli_common common;
    cli_common_init(&common);
    cat_ctx c;
    memset(&c, 0, sizeof c);
    const char *fields = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, ":o:f:j:h", longopts, NULL)) != -1) {
        int r = cli_common_opt(&common, opt, optarg);
        if (r < 0)
            return EXIT_INPUT;
        if (r)
            continue;
        switch (opt) {
        case 'o':
            if (parse_kind(optarg, &c.kind) < 0)
                return cli_usage("cat", "--output takes text, csv or jsonl, not '%s'", optarg);
            break;
        case 'f':
            fields = optarg;
            break;
        case 'h':
        case OPT_HELP:
            fputs(cmd_cat_help, stdout);
            fputs("\n", stdout);
            fputs(cli_common_help, stdout);
            return EXIT_OK;
        default:
            return cli_bad_option("cat", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("cat", "cat needs at least one PATH (use - for standard input)");
    vpcflow_error err;
    if (fields) {
        vpcflow_status st = vpcflow_columns_parse(fields, 1, &c.cols, &err);
        if (st != VPCFLOW_OK)
            return cli_fail(st, &err);
    }
    c.quiet = common.quiet;
    pthread_mutex_init(&c.lock, NULL);
    int rc = c.kind == VPCFLOW_OUTPUT_CSV ? start_csv(&c, argv + optind, argc - optind, common.format) : 0;
    if (rc)
        return rc;
    c.out = vpcflow_ordered_new(stdout);
    vpcflow_scan_options o;
    cli_scan_options(&common, &o);
    vpcflow_sink sink = {cat_open, cat_record, cat_chunk_end, cat_close, &c};
    vpcflow_scan_stats stats;
    vpcflow_status st = vpcflow_scan((const char *const *)(argv + optind), (size_t)(argc - optind), &o, &sink,
                                     &stats, &err);
    int write_failed = vpcflow_ordered_free(c.out) || fflush(stdout) != 0;
    cli_after_scan(&common, &stats);
    vpcflow_columns_free(c.cols);
    pthread_mutex_destroy(&c.lock);
    if (st != VPCFLOW_OK && st != VPCFLOW_ERR_STOPPED)
        return cli_fail(st, &err);
    if (write_failed) {
        cli_error("write error on standard output");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}
