/* parquet_source.c — renders a Parquet flow-log file as flow-log text for the line processor:
 *
 *   columns  account_id  srcaddr  bytes ...      (AWS names, "_" for "-")
 *   header   account-id srcaddr bytes ...        (line 0)
 *   rows     123456789012 10.0.0.1 4096 ...      (line N = row N; NULL is "-")
 *
 * Rows are rendered a few hundred KiB at a time, row group by row group, each column read
 * page by page (lib/parquet): memory is one page per column, not the file. Text cannot hold a
 * space inside a value, so blanks and control bytes in strings become '_'. */
#include "read/parquet_source.h"

#include "parquet/pqread.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_BATCH ((size_t)256 << 10)
#define ROW_BATCH 512 /* values read from a column at a time */

enum { KIND_OTHER, KIND_STRING, KIND_UINT, KIND_INT }; /* how a column's values are rendered */

/* The text of a column chunk's dictionary entries, each rendered the first time it is met:
 * entry i is text[off[i], off[i] + len[i]), or not yet rendered when len[i] is UINT32_MAX. */
typedef struct dict_text {
    uint64_t serial; /* the column reader's dictionary it holds (0: none) */
    uint32_t n;
    uint32_t *off, *len;
    size_t cap, lcap; /* of off and len */
    char *text;
    size_t tlen, tcap;
} dict_text;

struct vf_pq_source {
    vf_pq_file *f;
    uint32_t nsel;
    uint32_t *sel; /* the columns read, in file order */
    vf_pq_column **cols;
    const vf_pq_schema **schema; /* of each column read */
    uint8_t *kind;               /* of each column read: KIND_* */
    uint32_t rg, rg_end;         /* the row groups still to render: [rg, rg_end) */
    int64_t rg_left;
    int in_rg, header_done, done;
    const char *name;
    vpcflow_status pending; /* an error to return once the text before it is read */
    vpcflow_error pending_err;
    char *text;
    size_t len, pos, cap;
    /* each column's batch of values: vals[k][at[k], have[k]) are still to render; a column
     * whose read failed (after the values before the error) keeps its error in cerr[k] */
    vf_pq_value **vals;
    size_t *at, *have;
    int64_t *col_left; /* rows of the row group not read yet, per column */
    vpcflow_status *cst;
    vpcflow_error *cerr;
    dict_text *dt; /* per column: its dictionary's entries as text, rendered once each */
};

static inline int room(vf_pq_source *ps, size_t n)
{
    if (ps->len + n <= ps->cap)
        return 0;
    return vf_grow(&ps->text, &ps->cap, ps->len + n, 1);
}

/* A column's name as a header token: [a-z0-9_-], starting with a letter. */
static void put_name(vf_pq_source *ps, const char *name)
{
    int f = vpcflow_field_lookup(name, strlen(name));
    if (f >= 0) {
        const char *aws = vpcflow_field_name((vpcflow_field)f);
        memcpy(ps->text + ps->len, aws, strlen(aws));
        ps->len += strlen(aws);
        return;
    }
    if (name[0] < 'a' || name[0] > 'z')
        ps->text[ps->len++] = 'x';
    for (const char *p = name; *p; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        ps->text[ps->len++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ? c : '_';
    }
}

static int put_header(vf_pq_source *ps)
{
    for (uint32_t k = 0; k < ps->nsel; k++) {
        const char *name = vf_pq_column_name(ps->f, ps->sel[k]);
        size_t n = strlen(name) + 64; /* an AWS name is shorter than 64 */
        if (room(ps, n + 2) < 0)
            return -1;
        put_name(ps, name);
        ps->text[ps->len++] = k + 1 < ps->nsel ? ' ' : '\n';
    }
    return 0;
}

/* Does s hold a byte that cannot stand in a field of a text line (blank, control, DEL)? Eight
 * bytes at a time: a word has a byte below 0x21 when (x - 0x21..) & ~x & 0x80.. is not 0 (a
 * byte of 0x80 or more may raise a false alarm, which only costs the exact pass). */
static int has_blank(const uint8_t *s, size_t n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
    uint64_t x, del, any = 0;
    if (n >= 8) {
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&x, s + i, 8);
            del = x ^ (ones * 0x7f);
            any |= ((x - ones * 0x21) & ~x & high) | ((del - ones) & ~del & high);
        }
        memcpy(&x, s + n - 8, 8); /* the tail, overlapping the last word */
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        x = (uint64_t)a | (uint64_t)b << 32;
    } else {
        for (size_t i = 0; i < n; i++)
            if (s[i] <= ' ' || s[i] == 0x7f)
                return 1;
        return 0;
    }
    del = x ^ (ones * 0x7f);
    any |= ((x - ones * 0x21) & ~x & high) | ((del - ones) & ~del & high);
    return any != 0;
}

/* v in decimal at out, which has room for 20 bytes (what is past the digits is scratch):
 * written two digits at a time from the last into a scratch buffer, then moved in one fixed
 * copy, not a call. */
static inline size_t put_u64(char *out, uint64_t v)
{
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                   "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                   "8081828384858687888990919293949596979899";
    char tmp[40];
    char *q = tmp + 20;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100) * 2;
        v /= 100;
        q -= 2;
        q[0] = pairs[d];
        q[1] = pairs[d + 1];
    }
    if (v >= 10) {
        q -= 2;
        q[0] = pairs[v * 2];
        q[1] = pairs[v * 2 + 1];
    } else
        *--q = (char)('0' + v);
    memcpy(out, q, 20);
    return (size_t)(tmp + 20 - q);
}

/* s[0, n) to o (no byte past o[n) is written): short strings (most flow-log fields)
 * in two overlapping loads and stores, not a call. */
static inline void put_bytes(char *o, const uint8_t *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(o, &a, 8);
        memcpy(o + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(o, &a, 4);
        memcpy(o + n - 4, &b, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            o[i] = (char)s[i];
    } else
        memcpy(o, s, n);
}

static inline int put_value(vf_pq_source *ps, const vf_pq_schema *s, const vf_pq_value *v)
{
    static const char hex[] = "0123456789abcdef";
    size_t need = v->null                                                                       ? 1
                  : s->type >= VF_PQ_INT96 && s->type != VF_PQ_FLOAT && s->type != VF_PQ_DOUBLE ? (size_t)v->len * 2 + 1
                                                                                                : 32;
    if (room(ps, need + 1) < 0)
        return -1;
    char *o = ps->text + ps->len;
    if (v->null) {
        *o = '-';
        ps->len++;
        return 0;
    }
    switch (s->type) {
    case VF_PQ_BOOLEAN:
        memcpy(o, v->i ? "true" : "false", v->i ? 4 : 5);
        ps->len += v->i ? 4 : 5;
        return 0;
    case VF_PQ_INT32:
    case VF_PQ_INT64:
        if (v->i < 0 && !s->unsigned_int) {
            *o++ = '-';
            ps->len++;
            ps->len += put_u64(o, -(uint64_t)v->i);
        } else
            ps->len += put_u64(o, (uint64_t)v->i);
        return 0;
    case VF_PQ_FLOAT:
    case VF_PQ_DOUBLE:
        ps->len += (size_t)snprintf(o, need, "%.17g", v->d);
        return 0;
    case VF_PQ_BYTE_ARRAY:
        if (!v->len) {
            *o = '-';
            ps->len++;
            return 0;
        }
        put_bytes(o, v->s, v->len);
        if (VF_UNLIKELY(has_blank(v->s, v->len)))
            for (uint32_t i = 0; i < v->len; i++)
                o[i] = (uint8_t)o[i] <= ' ' || o[i] == 0x7f ? '_' : o[i];
        ps->len += v->len;
        return 0;
    default: /* INT96, FIXED_LEN_BYTE_ARRAY: hexadecimal */
        for (uint32_t i = 0; i < v->len; i++) {
            o[2 * i] = hex[v->s[i] >> 4];
            o[2 * i + 1] = hex[v->s[i] & 15];
        }
        ps->len += (size_t)v->len * 2;
        if (!v->len)
            ps->text[ps->len++] = '-';
        return 0;
    }
}

static vpcflow_status oom(vf_pq_source *ps, vpcflow_error *err)
{
    return vf_error(err, VPCFLOW_ERR_IO, ps->name, 0, 0, "out of memory");
}

/* Column k read another batch: if its reader loaded another dictionary, none of that one's
 * entries is rendered yet. 0, or -1 out of memory. */
static int dict_check(vf_pq_source *ps, uint32_t k)
{
    dict_text *d = &ps->dt[k];
    uint64_t serial = vf_pq_column_dict_serial(ps->cols[k]);
    if (d->serial == serial)
        return 0;
    uint32_t n = vf_pq_column_dict_size(ps->cols[k]);
    if (vf_grow(&d->off, &d->cap, n ? n : 1, sizeof *d->off) < 0 ||
        vf_grow(&d->len, &d->lcap, n ? n : 1, sizeof *d->len) < 0)
        return -1;
    memset(d->len, 0xff, (size_t)n * sizeof *d->len);
    d->n = n;
    d->tlen = 0;
    d->serial = serial;
    return 0;
}

/* A dictionary value of column k: its entry's text, rendered (by put_value) the first time. */
static int put_dict_value(vf_pq_source *ps, uint32_t k, const vf_pq_value *v)
{
    dict_text *d = &ps->dt[k];
    uint32_t i = v->id - 1;
    if (VF_UNLIKELY(i >= d->n))
        return put_value(ps, ps->schema[k], v);
    if (VF_UNLIKELY(d->len[i] == UINT32_MAX)) {
        size_t at = ps->len;
        if (put_value(ps, ps->schema[k], v) < 0)
            return -1;
        size_t n = ps->len - at;
        if (n >= UINT32_MAX || vf_grow(&d->text, &d->tcap, d->tlen + n, 1) < 0)
            return 0; /* not kept: rendered again next time */
        memcpy(d->text + d->tlen, ps->text + at, n);
        d->off[i] = (uint32_t)d->tlen;
        d->len[i] = (uint32_t)n;
        d->tlen += n;
        return 0;
    }
    if (room(ps, (size_t)d->len[i] + 1) < 0)
        return -1;
    put_bytes(ps->text + ps->len, (const uint8_t *)d->text + d->off[i], d->len[i]);
    ps->len += d->len[i];
    return 0;
}

/* Renders rows until about TEXT_BATCH bytes of text are ready, or the file ends. Each column
 * is read a batch of values at a time; the rows that every column has values for are rendered,
 * and a column whose batch is used up reads its next one. */
static vpcflow_status fill(vf_pq_source *ps, vpcflow_error *err)
{
    vpcflow_status st;
    if (!ps->header_done) {
        ps->header_done = 1;
        if (put_header(ps) < 0)
            return oom(ps, err);
    }
    while (ps->len < TEXT_BATCH) {
        if (ps->in_rg && ps->rg_left == 0) {
            ps->in_rg = 0;
            ps->rg++;
        }
        if (!ps->in_rg) {
            if (ps->rg >= ps->rg_end) {
                ps->done = 1;
                return VPCFLOW_OK;
            }
            for (uint32_t k = 0; k < ps->nsel; k++)
                if ((st = vf_pq_column_begin(ps->cols[k], ps->f, ps->rg, ps->sel[k], err)) != VPCFLOW_OK)
                    return st;
            ps->rg_left = vf_pq_row_group_rows(ps->f, ps->rg);
            for (uint32_t k = 0; k < ps->nsel; k++) {
                ps->at[k] = ps->have[k] = 0;
                ps->col_left[k] = ps->rg_left;
            }
            ps->in_rg = 1;
            continue;
        }
        size_t rows = (size_t)VF_MIN(ps->rg_left, (int64_t)ROW_BATCH);
        for (uint32_t k = 0; k < ps->nsel; k++) {
            if (ps->at[k] < ps->have[k])
                continue;
            if (ps->cst[k] != VPCFLOW_OK) { /* the rows before its error are rendered */
                if (err)
                    *err = ps->cerr[k];
                return ps->cst[k];
            }
            size_t got;
            ps->cst[k] = vf_pq_column_read(ps->cols[k], ps->vals[k],
                                           (size_t)VF_MIN(ps->col_left[k], (int64_t)ROW_BATCH), &got, &ps->cerr[k]);
            if (dict_check(ps, k) < 0)
                return oom(ps, err);
            ps->at[k] = 0;
            ps->have[k] = got;
            ps->col_left[k] -= (int64_t)got;
            if (!got) {
                if (err)
                    *err = ps->cerr[k];
                return ps->cst[k];
            }
        }
        for (uint32_t k = 0; k < ps->nsel; k++)
            rows = VF_MIN(rows, ps->have[k] - ps->at[k]);
        for (size_t r = 0; r < rows; r++) {
            for (uint32_t k = 0; k < ps->nsel; k++) {
                const vf_pq_value *v = &ps->vals[k][ps->at[k] + r];
                if (v->id && !v->null) {
                    if (put_dict_value(ps, k, v) < 0)
                        return oom(ps, err);
                } else if (ps->kind[k] == KIND_STRING && !v->null && v->len && room(ps, (size_t)v->len + 1) == 0) {
                    char *o = ps->text + ps->len;
                    put_bytes(o, v->s, v->len); /* the common cases inline: */
                    if (VF_UNLIKELY(has_blank(v->s, v->len)))
                        for (uint32_t i = 0; i < v->len; i++)
                            o[i] = (uint8_t)o[i] <= ' ' || o[i] == 0x7f ? '_' : o[i];
                    ps->len += v->len;
                } else if ((ps->kind[k] == KIND_UINT || (ps->kind[k] == KIND_INT && v->i >= 0)) && !v->null &&
                           room(ps, 21) == 0)
                    ps->len += put_u64(ps->text + ps->len, (uint64_t)v->i);
                else if (put_value(ps, ps->schema[k], v) < 0) /* the others, and errors */
                    return oom(ps, err);
                ps->text[ps->len++] = ' ';
            }
            ps->text[ps->len - 1] = '\n';
        }
        for (uint32_t k = 0; k < ps->nsel; k++)
            ps->at[k] += rows;
        ps->rg_left -= (int64_t)rows;
    }
    return VPCFLOW_OK;
}

long vf_pq_source_read(vf_pq_source *ps, char *out, size_t cap, vpcflow_status *st, vpcflow_error *err)
{
    while (ps->pos == ps->len) {
        ps->pos = ps->len = 0;
        if (ps->pending != VPCFLOW_OK) { /* met after the rows before it were handed out */
            *st = ps->pending;
            if (err)
                *err = ps->pending_err;
            return -1;
        }
        if (ps->done)
            return 0;
        vpcflow_status got = fill(ps, &ps->pending_err);
        if (got != VPCFLOW_OK) {
            ps->pending = got;
            ps->done = 1;
            /* the complete rows before the error count; the row it cut is dropped */
            const char *nl = ps->len ? memrchr(ps->text, '\n', ps->len) : NULL;
            ps->len = nl ? (size_t)(nl + 1 - ps->text) : 0;
        }
    }
    size_t n = VF_MIN(cap, ps->len - ps->pos);
    memcpy(out, ps->text + ps->pos, n);
    ps->pos += n;
    return (long)n;
}

/* The columns to read: known fields in the mask (every column when the mask is 0). */
static vpcflow_status select_columns(vf_pq_source *ps, uint64_t fields, vpcflow_error *err)
{
    uint32_t n = vf_pq_ncolumns(ps->f);
    int known = 0;
    ps->sel = vf_calloc(n ? n : 1, sizeof *ps->sel);
    ps->cols = vf_calloc(n ? n : 1, sizeof *ps->cols);
    if (!ps->sel || !ps->cols)
        return oom(ps, err);
    for (uint32_t i = 0; i < n; i++) {
        const char *col = vf_pq_column_name(ps->f, i);
        int f = vpcflow_field_lookup(col, strlen(col));
        if (fields && (f < 0 || !(fields & VPCFLOW_BIT(f))))
            continue;
        if (f >= 0 && !known++ && ps->nsel) { /* a header starts with a known field: it goes first */
            memmove(ps->sel + 1, ps->sel, ps->nsel * sizeof *ps->sel);
            ps->sel[0] = i;
        } else
            ps->sel[ps->nsel] = i;
        if (!(ps->cols[ps->nsel] = vf_pq_column_new()))
            return oom(ps, err);
        ps->nsel++;
    }
    ps->schema = vf_calloc(ps->nsel ? ps->nsel : 1, sizeof *ps->schema);
    if (!ps->schema)
        return oom(ps, err);
    for (uint32_t k = 0; k < ps->nsel; k++)
        ps->schema[k] = vf_pq_column_schema(ps->f, ps->sel[k]);
    uint32_t m = ps->nsel ? ps->nsel : 1;
    ps->kind = vf_calloc(m, sizeof *ps->kind);
    ps->vals = vf_calloc(m, sizeof *ps->vals);
    ps->at = vf_calloc(m, sizeof *ps->at);
    ps->have = vf_calloc(m, sizeof *ps->have);
    ps->col_left = vf_calloc(m, sizeof *ps->col_left);
    ps->cst = vf_calloc(m, sizeof *ps->cst);
    ps->cerr = vf_calloc(m, sizeof *ps->cerr);
    ps->dt = vf_calloc(m, sizeof *ps->dt);
    if (!ps->kind || !ps->vals || !ps->at || !ps->have || !ps->col_left || !ps->cst || !ps->cerr || !ps->dt)
        return oom(ps, err);
    for (uint32_t k = 0; k < ps->nsel; k++) {
        if (!(ps->vals[k] = vf_calloc(ROW_BATCH, sizeof *ps->vals[k])))
            return oom(ps, err);
        int t = ps->schema[k]->type;
        ps->kind[k] = t == VF_PQ_BYTE_ARRAY                                                   ? KIND_STRING
                      : (t == VF_PQ_INT32 || t == VF_PQ_INT64) && ps->schema[k]->unsigned_int ? KIND_UINT
                      : t == VF_PQ_INT32 || t == VF_PQ_INT64                                  ? KIND_INT
                                                                                              : KIND_OTHER;
    }
    if (!known)
        return vf_error(err, VPCFLOW_ERR_INPUT, ps->name, 0, 0,
                        "Parquet file without a flow-log column (column names are AWS field names with '_' for '-')");
    return VPCFLOW_OK;
}

vpcflow_status vf_pq_source_open(int fd, uint64_t size, const char *name, uint64_t fields, uint32_t rg_begin,
                                 uint32_t rg_end, int header, vf_pq_source **out, vpcflow_error *err)
{
    *out = NULL;
    vf_pq_source *ps = vf_calloc(1, sizeof *ps);
    if (!ps)
        return vf_error(err, VPCFLOW_ERR_IO, name, 0, 0, "out of memory");
    ps->name = name;
    vpcflow_status st = vf_pq_open_fd(fd, size, name, &ps->f, err);
    if (st == VPCFLOW_OK)
        st = select_columns(ps, fields, err);
    if (st != VPCFLOW_OK) {
        vf_pq_source_free(ps);
        return st;
    }
    ps->rg = VF_MIN(rg_begin, vf_pq_nrow_groups(ps->f));
    ps->rg_end = VF_MIN(rg_end, vf_pq_nrow_groups(ps->f));
    ps->header_done = !header;
    *out = ps;
    return VPCFLOW_OK;
}

char *vf_pq_source_header(vf_pq_source *ps, size_t *len)
{
    size_t saved_len = ps->len, saved_pos = ps->pos;
    char *h = NULL;
    if (put_header(ps) == 0 && (h = vf_strndup(ps->text + saved_len, ps->len - saved_len - 1)))
        *len = ps->len - saved_len - 1; /* without its '\n' */
    ps->len = saved_len;
    ps->pos = saved_pos;
    return h;
}

void vf_pq_source_free(vf_pq_source *ps)
{
    if (!ps)
        return;
    for (uint32_t k = 0; ps->cols && k < ps->nsel; k++)
        vf_pq_column_free(ps->cols[k]);
    free(ps->cols);
    for (uint32_t k = 0; ps->vals && k < ps->nsel; k++)
        free(ps->vals[k]);
    for (uint32_t k = 0; ps->dt && k < ps->nsel; k++) {
        free(ps->dt[k].off);
        free(ps->dt[k].len);
        free(ps->dt[k].text);
    }
    free(ps->dt);
    free(ps->vals);
    free(ps->at);
    free(ps->have);
    free(ps->col_left);
    free(ps->cst);
    free(ps->cerr);
    free(ps->kind);
    free(ps->schema);
    free(ps->sel);
    free(ps->text);
    vf_pq_close(ps->f);
    free(ps);
}
