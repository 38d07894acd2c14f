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

struct vf_pq_source {
    vf_pq_file *f;
    uint32_t nsel;
    uint32_t *sel; /* the columns read, in file order */
    vf_pq_column **cols;
    const vf_pq_schema **schema; /* of each column read */
    uint32_t rg, rg_end;         /* the row groups still to render: [rg, rg_end) */
    int64_t rg_left;
    int in_rg, header_done, done;
    const char *name;
    vpcflow_status pending; /* an error to return once the text before it is read */
    vpcflow_error pending_err;
    char *text;
    size_t len, pos, cap;
};

static int room(vf_pq_source *ps, size_t n)
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
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, del;
        memcpy(&x, s + i, 8);
        del = x ^ (ones * 0x7f);
        if (((x - ones * 0x21) & ~x & high) | ((del - ones) & ~del & high))
            return 1;
    }
    for (; i < n; i++)
        if (s[i] <= ' ' || s[i] == 0x7f)
            return 1;
    return 0;
}

static size_t put_u64(char *out, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

static int put_value(vf_pq_source *ps, const vf_pq_schema *s, const vf_pq_value *v)
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
        ps->len += (size_t)snprintf(o, need, "%s", v->i ? "true" : "false");
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
        memcpy(o, v->s, v->len);
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

/* Renders rows until about TEXT_BATCH bytes of text are ready, or the file ends. */
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
            ps->in_rg = 1;
            continue;
        }
        for (uint32_t k = 0; k < ps->nsel; k++) {
            vf_pq_value v;
            if ((st = vf_pq_column_next(ps->cols[k], &v, err)) != VPCFLOW_OK)
                return st;
            if (put_value(ps, ps->schema[k], &v) < 0)
                return oom(ps, err);
            ps->text[ps->len++] = k + 1 < ps->nsel ? ' ' : '\n';
        }
        ps->rg_left--;
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
    free(ps->schema);
    free(ps->sel);
    free(ps->text);
    vf_pq_close(ps->f);
    free(ps);
}
