/* pqwrite.c — the Parquet writer (pqwrite.h). A file is "PAR1", the row groups, the footer
 * (FileMetaData in Thrift's compact protocol), its length and "PAR1". Each row group holds one
 * column chunk per column: an optional dictionary page, then data pages (v1) of definition
 * levels (optional columns) and values. Values are buffered per column as PLAIN bytes; while a
 * BYTE_ARRAY column's dictionary stays small, each value's dictionary index is kept too, and at
 * the end of the row group the smaller of the two encodings is written. */
#include "parquet/pqwrite.h"

#include "base/array.h"
#include "base/internal.h"
#include "parquet/thrift_write.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define STAT_MAX 64 /* longest string kept as a min or max statistic */
#define DICT_MAX_ENTRIES 65536

enum { ENC_PLAIN = 0, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };
enum { PAGE_DATA = 0, PAGE_DICTIONARY = 2 };
enum { CONV_UTF8 = 0, CONV_DECIMAL = 5, CONV_INT_16 = 16, CONV_INT_32 = 17 };

typedef struct chunk_meta {
    int64_t dict_off, data_off; /* dict_off -1: none */
    int64_t usize, csize;
    uint64_t nulls;
    unsigned encodings; /* bit per Encoding */
    int minmax;
    unsigned char min[STAT_MAX], max[STAT_MAX];
    uint8_t minlen, maxlen;
} chunk_meta;

typedef struct rg_meta {
    int64_t rows, offset, usize, csize;
    chunk_meta *cols;
} rg_meta;

typedef struct pcol {
    vf_pqw_column def;
    uint64_t rows; /* values given in this row group, NULLs included */
    uint8_t *defs; /* optional: 1 per row with a value */
    size_t defs_cap;
    unsigned char *vals; /* PLAIN values (BOOLEAN: one byte each) */
    size_t vlen, vcap;
    uint64_t nvals;
    /* dictionary (BYTE_ARRAY with def.dictionary) */
    int dict_on;
    uint32_t *idx;
    size_t idx_cap;
    unsigned char *dict; /* PLAIN entries */
    size_t dlen, dcap;
    uint32_t *doff; /* entry -> its offset in dict */
    size_t ndict, doff_cap;
    uint32_t *slots; /* hash slots: entry + 1, 0 empty */
    size_t nslots;
    /* statistics */
    uint64_t nulls;
    int minmax; /* 0: none yet, 1: min and max hold, -1: not kept */
    int64_t imin, imax;
    unsigned char smin[STAT_MAX], smax[STAT_MAX];
    size_t sminlen, smaxlen;
} pcol;

struct vf_pqw {
    pcol *cols;
    size_t ncols;
    vf_pqw_options o;
    FILE *out;
    int64_t offset;
    uint64_t rows, rows_total;
    size_t buffered;
    int oom, failed;
    vf_pqw_compressor *cz;
    rg_meta *rgs;
    size_t nrg, rg_cap;
    unsigned char *body, *cbuf;
    size_t body_len, body_cap, cbuf_cap;
    vf_tw tw;
};

static int writes(vf_pqw *w, const void *p, size_t n)
{
    if (w->failed)
        return -1;
    if (n && fwrite(p, 1, n, w->out) != n) {
        w->failed = errno ? errno : EIO;
        return -1;
    }
    w->offset += (int64_t)n;
    return 0;
}

vf_pqw *vf_pqw_new(const vf_pqw_column *cols, size_t ncols, const vf_pqw_options *o, FILE *out)
{
    for (size_t i = 0; i < ncols; i++) {
        const vf_pqw_column *c = &cols[i];
        int ok = c->name && (c->type == VF_PQW_BOOLEAN || c->type == VF_PQW_INT32 || c->type == VF_PQW_INT64 ||
                             c->type == VF_PQW_BYTE_ARRAY || (c->type == VF_PQW_FIXED && c->type_length > 0));
        if (!ok) {
            errno = EINVAL;
            return NULL;
        }
    }
    vf_pqw *w = vf_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->o = *o;
    if (!w->o.row_group_bytes)
        w->o.row_group_bytes = (size_t)64 << 20;
    if (!w->o.row_group_rows)
        w->o.row_group_rows = (uint64_t)1 << 20;
    if (!w->o.page_bytes)
        w->o.page_bytes = (size_t)1 << 20;
    if (!w->o.dictionary_bytes)
        w->o.dictionary_bytes = (size_t)1 << 20;
    if (!w->o.created_by)
        w->o.created_by = "vpcflow";
    w->out = out;
    w->ncols = ncols;
    w->cols = vf_calloc(ncols ? ncols : 1, sizeof *w->cols);
    w->cz = vf_pqw_compressor_new(o->codec, o->level);
    if (!w->cols || !w->cz) {
        vf_pqw_free(w);
        errno = ENOMEM;
        return NULL;
    }
    for (size_t i = 0; i < ncols; i++) {
        w->cols[i].def = cols[i];
        w->cols[i].def.name = vf_strndup(cols[i].name, strlen(cols[i].name));
        w->cols[i].dict_on = cols[i].dictionary && cols[i].type == VF_PQW_BYTE_ARRAY;
        if (!w->cols[i].def.name) {
            vf_pqw_free(w);
            errno = ENOMEM;
            return NULL;
        }
    }
    writes(w, "PAR1", 4);
    return w;
}

static void release(pcol *c)
{
    free(c->defs);
    free(c->vals);
    free(c->idx);
    free(c->dict);
    free(c->doff);
    free(c->slots);
    c->defs = NULL;
    c->vals = NULL;
    c->idx = NULL;
    c->dict = NULL;
    c->doff = NULL;
    c->slots = NULL;
    c->defs_cap = c->vcap = c->idx_cap = c->dcap = c->doff_cap = c->nslots = 0;
}

void vf_pqw_free(vf_pqw *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->ncols; i++) {
        release(&w->cols[i]);
        free((char *)w->cols[i].def.name);
    }
    for (size_t i = 0; i < w->nrg; i++)
        free(w->rgs[i].cols);
    free(w->rgs);
    free(w->cols);
    free(w->body);
    free(w->cbuf);
    vf_tw_free(&w->tw);
    vf_pqw_compressor_free(w->cz);
    free(w);
}

/* ---- buffering values ---- */

static void put_def(vf_pqw *w, pcol *c, uint8_t d)
{
    if (c->def.optional) {
        if (vf_grow(&c->defs, &c->defs_cap, c->rows + 1, 1) < 0) {
            w->oom = 1;
            return;
        }
        c->defs[c->rows] = d;
        w->buffered++;
    }
    c->rows++;
}

static int put_vals(vf_pqw *w, pcol *c, const void *p, size_t n)
{
    if (!n)
        return 0;
    if (vf_grow(&c->vals, &c->vcap, c->vlen + n, 1) < 0) {
        w->oom = 1;
        return -1;
    }
    memcpy(c->vals + c->vlen, p, n);
    c->vlen += n;
    w->buffered += n;
    return 0;
}

void vf_pqw_null(vf_pqw *w, size_t c)
{
    pcol *col = &w->cols[c];
    if (!col->def.optional) {
        w->oom = 1; /* reported as EINVAL by the row's end */
        col->rows = UINT64_MAX - 1;
        return;
    }
    col->nulls++;
    put_def(w, col, 0);
}

static void stat_int(pcol *c, int64_t v)
{
    if (c->minmax == 0) {
        c->imin = c->imax = v;
        c->minmax = 1;
    } else if (v < c->imin) {
        c->imin = v;
    } else if (v > c->imax) {
        c->imax = v;
    }
}

void vf_pqw_int(vf_pqw *w, size_t c, int64_t v)
{
    pcol *col = &w->cols[c];
    unsigned char b[8];
    size_t n = col->def.type == VF_PQW_INT64 ? 8 : col->def.type == VF_PQW_INT32 ? 4 : 1;
    if (col->def.type == VF_PQW_BOOLEAN) {
        b[0] = v != 0;
    } else {
        for (size_t i = 0; i < n; i++)
            b[i] = (unsigned char)((uint64_t)v >> (8 * i));
        stat_int(col, n == 4 ? (int32_t)v : v);
    }
    if (put_vals(w, col, b, n) < 0)
        return;
    col->nvals++;
    put_def(w, col, 1);
}

static int bytes_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
    int r = memcmp(a, b, VF_MIN(an, bn));
    return r ? r : (an > bn) - (an < bn);
}

static void stat_bytes(pcol *c, const unsigned char *p, size_t n)
{
    if (c->minmax < 0)
        return;
    if (n > STAT_MAX) {
        c->minmax = -1;
        return;
    }
    if (c->minmax == 0 || bytes_cmp(p, n, c->smin, c->sminlen) < 0) {
        memcpy(c->smin, p, n);
        c->sminlen = n;
    }
    if (c->minmax == 0 || bytes_cmp(p, n, c->smax, c->smaxlen) > 0) {
        memcpy(c->smax, p, n);
        c->smaxlen = n;
    }
    c->minmax = 1;
}

static uint32_t get_u32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32le(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static int dict_rehash(pcol *c, size_t nslots)
{
    uint32_t *s = vf_calloc(nslots, sizeof *s);
    if (!s)
        return -1;
    for (size_t e = 0; e < c->ndict; e++) {
        const unsigned char *p = c->dict + c->doff[e];
        uint64_t h = vf_hash_bytes(p + 4, get_u32le(p));
        size_t i = (size_t)h & (nslots - 1);
        while (s[i])
            i = (i + 1) & (nslots - 1);
        s[i] = (uint32_t)e + 1;
    }
    free(c->slots);
    c->slots = s;
    c->nslots = nslots;
    return 0;
}

/* The value's dictionary index (a new entry when needed), or -1 when the dictionary is given
 * up: too large, or out of memory (then PLAIN carries the chunk). */
static long dict_index(vf_pqw *w, pcol *c, const unsigned char *p, size_t n)
{
    if ((c->ndict + 1) * 2 > c->nslots && dict_rehash(c, c->nslots ? c->nslots * 2 : 1024) < 0)
        return -1;
    uint64_t h = vf_hash_bytes(p, n);
    size_t i = (size_t)h & (c->nslots - 1);
    while (c->slots[i]) {
        uint32_t e = c->slots[i] - 1;
        const unsigned char *q = c->dict + c->doff[e];
        if (get_u32le(q) == n && memcmp(q + 4, p, n) == 0)
            return e;
        i = (i + 1) & (c->nslots - 1);
    }
    if (c->ndict >= DICT_MAX_ENTRIES || c->dlen + 4 + n > w->o.dictionary_bytes)
        return -1;
    if (vf_grow(&c->doff, &c->doff_cap, c->ndict + 1, sizeof *c->doff) < 0 ||
        vf_grow(&c->dict, &c->dcap, c->dlen + 4 + n, 1) < 0)
        return -1;
    c->doff[c->ndict] = (uint32_t)c->dlen;
    put_u32le(c->dict + c->dlen, (uint32_t)n);
    memcpy(c->dict + c->dlen + 4, p, n);
    c->dlen += 4 + n;
    c->slots[i] = (uint32_t)++c->ndict;
    stat_bytes(c, p, n);
    return (long)(c->ndict - 1);
}

void vf_pqw_bytes(vf_pqw *w, size_t c, const void *p, size_t n)
{
    pcol *col = &w->cols[c];
    if (col->def.type == VF_PQW_FIXED) {
        if (n != (size_t)col->def.type_length) {
            col->rows = UINT64_MAX - 1;
            w->oom = 1;
            return;
        }
        if (put_vals(w, col, p, n) < 0)
            return;
        col->minmax = -1;
    } else {
        if (n > UINT32_MAX) {
            w->oom = 1;
            return;
        }
        unsigned char len[4];
        put_u32le(len, (uint32_t)n);
        if (put_vals(w, col, len, 4) < 0 || put_vals(w, col, p, n) < 0)
            return;
        if (col->dict_on) {
            long e = dict_index(w, col, p, n);
            if (e >= 0 && vf_grow(&col->idx, &col->idx_cap, col->nvals + 1, sizeof *col->idx) == 0) {
                col->idx[col->nvals] = (uint32_t)e;
                w->buffered += 4;
            } else {
                col->dict_on = 0;
            }
        }
        if (!col->dict_on)
            stat_bytes(col, p, n);
    }
    col->nvals++;
    put_def(w, col, 1);
}

/* ---- encoding ---- */

static int body_grow(vf_pqw *w, size_t need)
{
    return vf_grow(&w->body, &w->body_cap, need, 1);
}

static uint32_t elem_at(const void *vals, int elem, size_t i)
{
    return elem == 1 ? ((const uint8_t *)vals)[i] : ((const uint32_t *)vals)[i];
}

int vf_pqw_rle(unsigned char **buf, size_t *len, size_t *cap, const void *vals, int elem, size_t n, int bw)
{
    size_t vbytes = ((size_t)bw + 7) / 8;
    size_t i = 0;
    while (i < n) {
        uint32_t v = elem_at(vals, elem, i);
        size_t run = 1;
        while (i + run < n && elem_at(vals, elem, i + run) == v)
            run++;
        if (run >= 8) {
            if (vf_grow(buf, cap, *len + 10 + vbytes, 1) < 0)
                return -1;
            *len += vf_tw_uvarint(*buf + *len, (uint64_t)run << 1);
            for (size_t b = 0; b < vbytes; b++)
                (*buf)[(*len)++] = (unsigned char)(v >> (8 * b));
            i += run;
            continue;
        }
        /* groups of 8 bit-packed until a run of 8 equal values starts a group (or the end) */
        size_t start = i, groups = 0;
        for (;;) {
            i += 8;
            groups++;
            if (i >= n)
                break;
            uint32_t u = elem_at(vals, elem, i);
            size_t r = 1;
            while (r < 8 && i + r < n && elem_at(vals, elem, i + r) == u)
                r++;
            if (r >= 8)
                break;
        }
        if (vf_grow(buf, cap, *len + 10 + groups * (size_t)bw, 1) < 0)
            return -1;
        *len += vf_tw_uvarint(*buf + *len, (uint64_t)groups << 1 | 1);
        uint64_t acc = 0;
        int nbits = 0;
        for (size_t k = start; k < start + groups * 8; k++) {
            uint64_t x = k < n ? elem_at(vals, elem, k) : 0;
            acc |= x << nbits;
            nbits += bw;
            while (nbits >= 8) {
                (*buf)[(*len)++] = (unsigned char)acc;
                acc >>= 8;
                nbits -= 8;
            }
        }
        if (i > n)
            i = n;
    }
    return 0;
}

static int bit_width(size_t max)
{
    int bw = 1;
    while (bw < 32 && (max >> bw))
        bw++;
    return bw;
}

/* Writes a page: header (page type, sizes, its own header struct), then the body compressed. */
static int write_page(vf_pqw *w, int type, uint32_t nvalues, int encoding, chunk_meta *m)
{
    size_t bound = vf_pqw_compress_bound(w->cz, w->body_len);
    if (vf_grow(&w->cbuf, &w->cbuf_cap, bound ? bound : 1, 1) < 0) {
        w->oom = 1;
        return -1;
    }
    size_t clen = vf_pqw_compress(w->cz, w->body, w->body_len, w->cbuf, w->cbuf_cap);
    if (clen == (size_t)-1 || clen > INT32_MAX || w->body_len > INT32_MAX) {
        w->failed = EIO;
        return -1;
    }
    vf_tw *t = &w->tw;
    vf_tw_reset(t);
    vf_tw_i32(t, 1, type);
    vf_tw_i32(t, 2, (int32_t)w->body_len);
    vf_tw_i32(t, 3, (int32_t)clen);
    if (type == PAGE_DICTIONARY) {
        vf_tw_struct(t, 7);
        vf_tw_i32(t, 1, (int32_t)nvalues);
        vf_tw_i32(t, 2, ENC_PLAIN);
        vf_tw_end(t);
    } else {
        vf_tw_struct(t, 5);
        vf_tw_i32(t, 1, (int32_t)nvalues);
        vf_tw_i32(t, 2, encoding);
        vf_tw_i32(t, 3, ENC_RLE);
        vf_tw_i32(t, 4, ENC_RLE);
        vf_tw_end(t);
    }
    vf_tw_end(t);
    if (t->oom) {
        w->oom = 1;
        return -1;
    }
    m->usize += (int64_t)(t->len + w->body_len);
    m->csize += (int64_t)(t->len + clen);
    return writes(w, t->buf, t->len) || writes(w, w->cbuf, clen) ? -1 : 0;
}

static size_t value_size(const pcol *c, size_t pos)
{
    switch (c->def.type) {
    case VF_PQW_BOOLEAN:
        return 1;
    case VF_PQW_INT32:
        return 4;
    case VF_PQW_INT64:
        return 8;
    case VF_PQW_FIXED:
        return (size_t)c->def.type_length;
    default:
        return 4 + get_u32le(c->vals + pos);
    }
}

static int write_chunk(vf_pqw *w, pcol *c, chunk_meta *m)
{
    memset(m, 0, sizeof *m);
    m->dict_off = -1;
    m->nulls = c->nulls;
    int bw = c->ndict > 1 ? bit_width(c->ndict - 1) : 1;
    int use_dict = c->dict_on && c->ndict > 0 && c->dlen + c->nvals * (size_t)bw / 8 + 64 < c->vlen;
    if (use_dict) {
        m->dict_off = w->offset;
        if (body_grow(w, c->dlen) < 0) {
            w->oom = 1;
            return -1;
        }
        memcpy(w->body, c->dict, c->dlen);
        w->body_len = c->dlen;
        if (write_page(w, PAGE_DICTIONARY, (uint32_t)c->ndict, ENC_PLAIN, m) < 0)
            return -1;
        m->encodings |= 1u << ENC_PLAIN | 1u << ENC_RLE_DICTIONARY;
    } else {
        m->encodings |= 1u << ENC_PLAIN;
    }
    if (c->def.optional)
        m->encodings |= 1u << ENC_RLE;
    m->data_off = w->offset;
    uint64_t r = 0, v = 0;
    size_t p = 0;
    while (r < c->rows) {
        uint64_t r0 = r, v0 = v;
        size_t p0 = p, bytes = 0;
        while (r < c->rows && bytes < w->o.page_bytes && r - r0 < ((uint64_t)1 << 20)) {
            if (!c->def.optional || c->defs[r]) {
                size_t s = value_size(c, p);
                p += s;
                bytes += s;
                v++;
            }
            r++;
        }
        w->body_len = 0;
        if (c->def.optional) {
            if (body_grow(w, 4) < 0) {
                w->oom = 1;
                return -1;
            }
            w->body_len = 4;
            if (vf_pqw_rle(&w->body, &w->body_len, &w->body_cap, c->defs + r0, 1, (size_t)(r - r0), 1) < 0) {
                w->oom = 1;
                return -1;
            }
            put_u32le(w->body, (uint32_t)(w->body_len - 4));
        }
        if (use_dict) {
            if (body_grow(w, w->body_len + 1) < 0) {
                w->oom = 1;
                return -1;
            }
            w->body[w->body_len++] = (unsigned char)bw;
            if (vf_pqw_rle(&w->body, &w->body_len, &w->body_cap, c->idx + v0, 4, (size_t)(v - v0), bw) < 0) {
                w->oom = 1;
                return -1;
            }
        } else if (c->def.type == VF_PQW_BOOLEAN) {
            size_t n = (size_t)(v - v0), at = w->body_len;
            if (body_grow(w, at + (n + 7) / 8) < 0) {
                w->oom = 1;
                return -1;
            }
            memset(w->body + at, 0, (n + 7) / 8);
            for (size_t k = 0; k < n; k++)
                if (c->vals[p0 + k])
                    w->body[at + k / 8] |= (unsigned char)(1u << (k % 8));
            w->body_len += (n + 7) / 8;
        } else {
            if (body_grow(w, w->body_len + (p - p0)) < 0) {
                w->oom = 1;
                return -1;
            }
            if (p > p0)
                memcpy(w->body + w->body_len, c->vals + p0, p - p0);
            w->body_len += p - p0;
        }
        if (write_page(w, PAGE_DATA, (uint32_t)(r - r0), use_dict ? ENC_RLE_DICTIONARY : ENC_PLAIN, m) < 0)
            return -1;
    }
    if (c->minmax == 1 && c->def.type != VF_PQW_BOOLEAN) {
        m->minmax = 1;
        if (c->def.type == VF_PQW_BYTE_ARRAY) {
            memcpy(m->min, c->smin, c->sminlen);
            memcpy(m->max, c->smax, c->smaxlen);
            m->minlen = (uint8_t)c->sminlen;
            m->maxlen = (uint8_t)c->smaxlen;
        } else {
            size_t n = c->def.type == VF_PQW_INT64 ? 8 : 4;
            for (size_t i = 0; i < n; i++) {
                m->min[i] = (unsigned char)((uint64_t)c->imin >> (8 * i));
                m->max[i] = (unsigned char)((uint64_t)c->imax >> (8 * i));
            }
            m->minlen = m->maxlen = (uint8_t)n;
        }
    }
    return 0;
}

static void reset_column(pcol *c)
{
    c->rows = 0;
    c->vlen = 0;
    c->nvals = 0;
    c->nulls = 0;
    c->minmax = 0;
    c->dlen = 0;
    c->ndict = 0;
    if (c->slots)
        memset(c->slots, 0, c->nslots * sizeof *c->slots);
    c->dict_on = c->def.dictionary && c->def.type == VF_PQW_BYTE_ARRAY;
}

static int check(vf_pqw *w)
{
    if (w->failed) {
        errno = w->failed;
        return -1;
    }
    if (w->oom) {
        errno = ENOMEM;
        for (size_t i = 0; i < w->ncols; i++)
            if (w->cols[i].rows == UINT64_MAX - 1)
                errno = EINVAL;
        return -1;
    }
    return 0;
}

int vf_pqw_flush(vf_pqw *w, int rel)
{
    if (check(w) < 0)
        return -1;
    if (w->rows > 0) {
        if (vf_grow(&w->rgs, &w->rg_cap, w->nrg + 1, sizeof *w->rgs) < 0) {
            errno = ENOMEM;
            return -1;
        }
        rg_meta *rg = &w->rgs[w->nrg];
        memset(rg, 0, sizeof *rg);
        rg->cols = vf_calloc(w->ncols ? w->ncols : 1, sizeof *rg->cols);
        if (!rg->cols) {
            errno = ENOMEM;
            return -1;
        }
        w->nrg++;
        rg->rows = (int64_t)w->rows;
        rg->offset = w->offset;
        for (size_t i = 0; i < w->ncols; i++) {
            if (write_chunk(w, &w->cols[i], &rg->cols[i]) < 0)
                return check(w) < 0 ? -1 : (errno = EIO, -1);
            rg->usize += rg->cols[i].usize;
            rg->csize += rg->cols[i].csize;
            reset_column(&w->cols[i]);
        }
        w->rows = 0;
        w->buffered = 0;
    }
    if (rel)
        for (size_t i = 0; i < w->ncols; i++)
            release(&w->cols[i]);
    return check(w);
}

int vf_pqw_end_row(vf_pqw *w)
{
    w->rows++;
    w->rows_total++;
    if (w->oom || w->failed)
        return check(w);
    if (w->rows >= w->o.row_group_rows || w->buffered >= w->o.row_group_bytes) {
        for (size_t i = 0; i < w->ncols; i++)
            if (w->cols[i].rows != w->rows) {
                errno = EINVAL;
                return -1;
            }
        return vf_pqw_flush(w, 0);
    }
    return 0;
}

/* ---- footer ---- */

static void schema_element(vf_tw *t, const vf_pqw_column *c)
{
    vf_tw_elem_struct(t);
    vf_tw_i32(t, 1, (int32_t)c->type);
    if (c->type == VF_PQW_FIXED)
        vf_tw_i32(t, 2, c->type_length);
    vf_tw_i32(t, 3, c->optional ? 1 : 0);
    vf_tw_string(t, 4, c->name, strlen(c->name));
    switch (c->logical) {
    case VF_PQW_LOGICAL_STRING:
        vf_tw_i32(t, 6, CONV_UTF8);
        vf_tw_struct(t, 10);
        vf_tw_struct(t, 1);
        vf_tw_end(t);
        vf_tw_end(t);
        break;
    case VF_PQW_LOGICAL_INT16:
    case VF_PQW_LOGICAL_INT32:
        vf_tw_i32(t, 6, c->logical == VF_PQW_LOGICAL_INT16 ? CONV_INT_16 : CONV_INT_32);
        vf_tw_struct(t, 10);
        vf_tw_struct(t, 10);
        vf_tw_i8(t, 1, c->logical == VF_PQW_LOGICAL_INT16 ? 16 : 32);
        vf_tw_bool(t, 2, 1);
        vf_tw_end(t);
        vf_tw_end(t);
        break;
    case VF_PQW_LOGICAL_DECIMAL:
        vf_tw_i32(t, 6, CONV_DECIMAL);
        vf_tw_i32(t, 7, c->scale);
        vf_tw_i32(t, 8, c->precision);
        vf_tw_struct(t, 10);
        vf_tw_struct(t, 5);
        vf_tw_i32(t, 1, c->scale);
        vf_tw_i32(t, 2, c->precision);
        vf_tw_end(t);
        vf_tw_end(t);
        break;
    default:
        break;
    }
    vf_tw_end(t);
}

static void column_chunk(vf_tw *t, const vf_pqw *w, const rg_meta *rg, size_t i)
{
    const vf_pqw_column *c = &w->cols[i].def;
    const chunk_meta *m = &rg->cols[i];
    vf_tw_elem_struct(t);
    vf_tw_i64(t, 2, m->dict_off >= 0 ? m->dict_off : m->data_off);
    vf_tw_struct(t, 3);
    vf_tw_i32(t, 1, (int32_t)c->type);
    size_t nenc = 0;
    for (unsigned e = 0; e < 32; e++)
        nenc += (m->encodings >> e) & 1;
    vf_tw_list(t, 2, VF_PQW_T_I32, nenc);
    for (unsigned e = 0; e < 32; e++)
        if ((m->encodings >> e) & 1)
            vf_tw_elem_i32(t, (int32_t)e);
    vf_tw_list(t, 3, VF_PQW_T_BINARY, 1);
    vf_tw_elem_binary(t, c->name, strlen(c->name));
    vf_tw_i32(t, 4, (int32_t)w->o.codec);
    vf_tw_i64(t, 5, rg->rows);
    vf_tw_i64(t, 6, m->usize);
    vf_tw_i64(t, 7, m->csize);
    vf_tw_i64(t, 9, m->data_off);
    if (m->dict_off >= 0)
        vf_tw_i64(t, 11, m->dict_off);
    vf_tw_struct(t, 12);
    vf_tw_i64(t, 3, (int64_t)m->nulls);
    if (m->minmax) {
        vf_tw_binary(t, 5, m->max, m->maxlen);
        vf_tw_binary(t, 6, m->min, m->minlen);
    }
    vf_tw_end(t);
    vf_tw_end(t);
    vf_tw_end(t);
}

int vf_pqw_finish(vf_pqw *w)
{
    for (size_t i = 0; i < w->ncols; i++)
        if (w->cols[i].rows != w->rows) {
            errno = EINVAL;
            return -1;
        }
    if (vf_pqw_flush(w, 1) < 0)
        return -1;
    vf_tw *t = &w->tw;
    vf_tw_reset(t);
    vf_tw_i32(t, 1, 1);
    vf_tw_list(t, 2, VF_PQW_T_STRUCT, w->ncols + 1);
    vf_tw_elem_struct(t);
    vf_tw_string(t, 4, "schema", 6);
    vf_tw_i32(t, 5, (int32_t)w->ncols);
    vf_tw_end(t);
    for (size_t i = 0; i < w->ncols; i++)
        schema_element(t, &w->cols[i].def);
    vf_tw_i64(t, 3, (int64_t)w->rows_total);
    vf_tw_list(t, 4, VF_PQW_T_STRUCT, w->nrg);
    for (size_t g = 0; g < w->nrg; g++) {
        const rg_meta *rg = &w->rgs[g];
        vf_tw_elem_struct(t);
        vf_tw_list(t, 1, VF_PQW_T_STRUCT, w->ncols);
        for (size_t i = 0; i < w->ncols; i++)
            column_chunk(t, w, rg, i);
        vf_tw_i64(t, 2, rg->usize);
        vf_tw_i64(t, 3, rg->rows);
        vf_tw_i64(t, 5, rg->offset);
        vf_tw_i64(t, 6, rg->csize);
        vf_tw_i16(t, 7, (int16_t)g);
        vf_tw_end(t);
    }
    vf_tw_string(t, 6, w->o.created_by, strlen(w->o.created_by));
    vf_tw_list(t, 7, VF_PQW_T_STRUCT, w->ncols);
    for (size_t i = 0; i < w->ncols; i++) {
        vf_tw_elem_struct(t); /* ColumnOrder */
        vf_tw_struct(t, 1);   /* TYPE_ORDER */
        vf_tw_end(t);
        vf_tw_end(t);
    }
    vf_tw_end(t);
    if (t->oom || t->len > UINT32_MAX) {
        errno = ENOMEM;
        return -1;
    }
    unsigned char tail[8];
    put_u32le(tail, (uint32_t)t->len);
    memcpy(tail + 4, "PAR1", 4);
    if (writes(w, t->buf, t->len) < 0 || writes(w, tail, 8) < 0)
        return check(w);
    return 0;
}

uint64_t vf_pqw_rows(const vf_pqw *w)
{
    return w->rows_total;
}

size_t vf_pqw_buffered(const vf_pqw *w)
{
    return w->buffered;
}

size_t vf_pqw_memory(const vf_pqw *w)
{
    size_t m = w->body_cap + w->cbuf_cap + w->tw.cap + w->nrg * w->ncols * sizeof(chunk_meta);
    for (size_t i = 0; i < w->ncols; i++) {
        const pcol *c = &w->cols[i];
        m += c->defs_cap + c->vcap + c->idx_cap * 4 + c->dcap + c->doff_cap * 4 + c->nslots * 4;
    }
    return m;
}
