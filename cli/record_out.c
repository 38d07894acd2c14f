/* record_out.c — printing records from many scan workers in input order. */
#include "record_out.h"

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WORKER_BUFFER = 1 << 20 };

int record_out_set_fields(record_out *ro, const char *fields)
{
    vpcflow_error err;
    ro->fields_given = 1;
    vpcflow_status st = vpcflow_columns_parse(fields, 1, &ro->cols, &err);
    return st == VPCFLOW_OK ? EXIT_OK : cli_fail(st, &err);
}

static int format_has(const vpcflow_format *fmt, const char *name)
{
    for (size_t i = 0; fmt && i < vpcflow_format_columns(fmt); i++)
        if (strcmp(vpcflow_format_column_name(fmt, i), name) == 0)
            return 1;
    return 0;
}

int record_out_check_fields(const record_out *ro, char **paths, int npaths, const char *format)
{
    vpcflow_format *fmt = NULL;
    int peeked = 0, rc = EXIT_OK;
    for (size_t i = 0; ro->cols && i < vpcflow_columns_count(ro->cols) && rc == EXIT_OK; i++) {
        const char *name = vpcflow_columns_name(ro->cols, i);
        if (vpcflow_field_lookup(name, strlen(name)) >= 0)
            continue;
        if (!peeked) {
            peeked = 1;
            vpcflow_error err;
            if (vpcflow_peek_format((const char *const *)paths, (size_t)npaths, format, &fmt, &err) != VPCFLOW_OK)
                return EXIT_OK; /* the scan says what is wrong with the input */
        }
        if (format_has(fmt, name))
            continue;
        int near = vpcflow_field_nearest(name, strlen(name));
        const char *first = strcmp(paths[0], "-") ? paths[0] : "standard input";
        if (near >= 0)
            cli_error("--fields: unknown field '%s' (did you mean %s?); see 'vpcflow help fields'", name,
                      vpcflow_field_name((vpcflow_field)near));
        else
            cli_error("--fields: unknown field '%s': not an AWS flow-log field (see 'vpcflow help fields'), nor a "
                      "column of the format of %s",
                      name, first);
        rc = EXIT_INPUT;
    }
    vpcflow_format_free(fmt);
    return rc;
}

int record_out_parse_kind(const char *s, int allow_line, int allow_ecs, int *kind)
{
    if (allow_line && strcmp(s, "line") == 0)
        *kind = RECORD_OUT_LINE;
    else if (allow_ecs && strcmp(s, "ecs") == 0)
        *kind = RECORD_OUT_ECS;
    else if (allow_ecs && strcmp(s, "es-bulk") == 0)
        *kind = RECORD_OUT_ES_BULK;
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

static int write_header(record_out *ro, char **paths, int npaths, const char *format)
{
    if (!ro->cols) {
        if (strcmp(paths[0], "-") == 0) {
            ro->lazy_header = 1;
            return EXIT_OK;
        }
        vpcflow_format *fmt = NULL;
        vpcflow_error err;
        vpcflow_status st = vpcflow_peek_format((const char *const *)paths, (size_t)npaths, format, &fmt, &err);
        if (st != VPCFLOW_OK)
            return cli_fail(st, &err);
        ro->cols = vpcflow_columns_from_format(fmt);
        vpcflow_format_free(fmt);
        if (!ro->cols)
            return cli_fail(VPCFLOW_ERR_IO, &(vpcflow_error){.message = "out of memory"});
    }
    char head[8192];
    size_t n = vpcflow_columns_csv_header(ro->cols, head, sizeof head);
    fwrite(head, 1, n < sizeof head ? n : sizeof head, stdout);
    return EXIT_OK;
}

int record_out_start(record_out *ro, char **paths, int npaths, const char *format)
{
    pthread_mutex_init(&ro->lock, NULL);
    ro->started = 1;
    int rc = ro->kind == VPCFLOW_OUTPUT_CSV ? write_header(ro, paths, npaths, format) : EXIT_OK;
    if (rc != EXIT_OK)
        return rc;
    ro->out = vpcflow_ordered_new(stdout);
    if (!ro->out)
        return cli_fail(VPCFLOW_ERR_IO, &(vpcflow_error){.message = "out of memory"});
    return EXIT_OK;
}

int record_out_finish(record_out *ro)
{
    int failed = ro->out && vpcflow_ordered_free(ro->out) != 0;
    ro->out = NULL;
    return failed | (fflush(stdout) != 0);
}

void record_out_free(record_out *ro)
{
    vpcflow_columns_free(ro->cols);
    ro->cols = NULL;
    if (ro->started)
        pthread_mutex_destroy(&ro->lock);
    ro->started = 0;
}

record_out_worker *record_out_worker_new(record_out *ro)
{
    record_out_worker *w = calloc(1, sizeof *w);
    if (w) {
        w->ro = ro;
        w->cap = WORKER_BUFFER;
        w->buf = malloc(w->cap);
        if (ro->enrich)
            w->en = vpcflow_enricher_new(ro->enrich);
        if (!w->buf || (ro->enrich && !w->en)) {
            vpcflow_enricher_free(w->en);
            free(w->buf);
            free(w);
            w = NULL;
        }
    }
    return w;
}

static int flush(record_out_worker *w)
{
    if (w->len && vpcflow_ordered_write(w->ro->out, w->seq, w->buf, w->len) < 0)
        w->failed = 1;
    w->len = 0;
    return w->failed;
}

int record_out_next(record_out_worker *w, const vpcflow_record *rec)
{
    if (rec->seq != w->seq && flush(w))
        return 1;
    w->seq = rec->seq;
    return 0;
}

/* csv with the first input's columns: say once per format which of its columns they leave out */
static void check_columns(record_out *ro, const vpcflow_record *rec)
{
    pthread_mutex_lock(&ro->lock);
    for (size_t i = 0; i < ro->nwarned; i++)
        if (ro->warned[i] == rec->format) {
            pthread_mutex_unlock(&ro->lock);
            return;
        }
    if (ro->nwarned < sizeof ro->warned / sizeof ro->warned[0])
        ro->warned[ro->nwarned++] = rec->format;
    char missing[1024] = "";
    size_t n = vpcflow_format_columns(rec->format), used = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = vpcflow_format_column_name(rec->format, i);
        int found = 0;
        for (size_t k = 0; k < vpcflow_columns_count(ro->cols) && !found; k++)
            found = strcmp(vpcflow_columns_name(ro->cols, k), name) == 0;
        if (!found && used + strlen(name) + 3 < sizeof missing)
            used += (size_t)snprintf(missing + used, sizeof missing - used, "%s%s", used ? ", " : "", name);
    }
    if (used && !ro->quiet)
        cli_warn("%s:%llu: this format has columns the CSV output leaves out (%s); choose them with --fields",
                 rec->input, (unsigned long long)rec->line_no, missing);
    pthread_mutex_unlock(&ro->lock);
}

/* Renders rec at buf: the input line, an ECS document (with its enrichment en, or NULL), or a
 * rendered record. Returns the size it needs. */
static size_t render(const record_out *ro, const vpcflow_record *rec, const vpcflow_enriched *en, char *buf, size_t cap)
{
    if (ro->kind == RECORD_OUT_ECS || ro->kind == RECORD_OUT_ES_BULK)
        return vpcflow_ecs_render(rec, en, ro->kind == RECORD_OUT_ES_BULK ? ro->index : NULL, buf, cap);
    if (ro->kind != RECORD_OUT_LINE)
        return vpcflow_record_render(rec, (vpcflow_output)ro->kind, ro->cols, buf, cap);
    size_t need = rec->line.len + 1;
    if (need <= cap) {
        memcpy(buf, rec->line.ptr, rec->line.len);
        buf[rec->line.len] = '\n';
    }
    return need;
}

int record_out_emit(record_out_worker *w, const vpcflow_record *rec)
{
    record_out *ro = w->ro;
    if (ro->lazy_header) { /* only one unit reads stdin: no race on the first record */
        ro->lazy_header = 0;
        ro->cols = vpcflow_columns_from_format(rec->format);
        if (!ro->cols)
            return 1;
        char head[8192];
        size_t n = vpcflow_columns_csv_header(ro->cols, head, sizeof head);
        if (n > sizeof head || vpcflow_ordered_write(ro->out, w->seq, head, n) < 0)
            return 1;
    }
    if (ro->kind == VPCFLOW_OUTPUT_CSV && !ro->fields_given && ro->cols && vpcflow_format_columns(rec->format) > 0)
        check_columns(ro, rec);
    vpcflow_enriched en, *enp = NULL;
    if (w->en) {
        vpcflow_enrich_record(w->en, rec, &en);
        enp = &en;
    }
    for (;;) {
        size_t need = render(ro, rec, enp, w->buf + w->len, w->cap - w->len);
        if (need <= w->cap - w->len) {
            w->len += need;
            break;
        }
        if (w->len) {
            if (flush(w))
                return 1;
            continue;
        }
        char *nb = realloc(w->buf, need * 2);
        if (!nb)
            return 1;
        w->buf = nb;
        w->cap = need * 2;
    }
    return w->len > WORKER_BUFFER - 4096 ? flush(w) : 0;
}

int record_out_chunk_end(record_out_worker *w, uint64_t seq)
{
    if (w->len && w->seq == seq)
        flush(w);
    if (vpcflow_ordered_done(w->ro->out, seq) < 0)
        w->failed = 1;
    return w->failed;
}

int record_out_worker_free(record_out_worker *w)
{
    int failed = w->failed;
    vpcflow_enricher_free(w->en);
    free(w->buf);
    free(w);
    return failed;
}
