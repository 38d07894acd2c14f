/* pqread.c — the flat Parquet reader (pqread.h): the footer at open, then page by page for
 * each column chunk asked for, values decoded one at a time from the current page. Memory per
 * column reader: one page (compressed and not) and its chunk's dictionary. */
#include "parquet/pqread.h"

#include "parquet/codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct vf_pq_file {
    const uint8_t *buf; /* the whole file, or NULL: read from fd */
    int fd;
    uint64_t size;
    uint64_t data_end; /* where the footer starts */
    char *name;
    uint8_t *footer;
    vf_pq_meta meta;
    const vf_pq_schema **leaves; /* one per column */
    char **names;
    uint32_t ncolumns;
};

static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Bytes [off, off+len) of the file: a view of the buffer, or read into *buf. */
static vpcflow_status read_at(const vf_pq_file *f, uint64_t off, size_t len, uint8_t **buf, size_t *cap,
                              const uint8_t **out, vpcflow_error *err)
{
    if (off > f->size || len > f->size - off)
        return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0, "corrupt Parquet file: a range past the file's end");
    if (f->buf) {
        *out = f->buf + off;
        return VPCFLOW_OK;
    }
    if (len > *cap || !*buf) {
        uint8_t *n = realloc(*buf, len ? len : 1);
        if (!n)
            return vf_error(err, VPCFLOW_ERR_IO, f->name, 0, 0, "out of memory");
        *buf = n;
        *cap = len;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(f->fd, *buf + got, len - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return vf_error(err, VPCFLOW_ERR_IO, f->name, 0, 0, "read error: %s", strerror(errno));
        if (r == 0)
            return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0, "Parquet file truncated while reading");
        got += (size_t)r;
    }
    *out = *buf;
    return VPCFLOW_OK;
}

/* ---- opening -------------------------------------------------------------------------------- */

static vpcflow_status corrupt(const vf_pq_file *f, vpcflow_error *err, const char *why)
{
    return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0, "corrupt Parquet file: %s", why);
}

static char *leaf_name(const vf_pq_schema *s)
{
    return vf_strndup(s->name ? (const char *)s->name : "", s->name_len); /* a name is required: "" if absent */
}

/* The schema must be a root with flat leaves only; their names are copied. */
static vpcflow_status check_schema(vf_pq_file *f, vpcflow_error *err)
{
    const vf_pq_meta *m = &f->meta;
    if (m->nschema < 1 || m->schema[0].num_children < 0)
        return corrupt(f, err, "no schema");
    f->leaves = vf_calloc(m->nschema, sizeof *f->leaves);
    f->names = vf_calloc(m->nschema, sizeof *f->names);
    if (!f->leaves || !f->names)
        return vf_error(err, VPCFLOW_ERR_IO, f->name, 0, 0, "out of memory");
    for (uint32_t i = 1; i < m->nschema; i++) {
        const vf_pq_schema *s = &m->schema[i];
        char *name = leaf_name(s);
        if (!name)
            return vf_error(err, VPCFLOW_ERR_IO, f->name, 0, 0, "out of memory");
        f->names[f->ncolumns] = name;
        f->leaves[f->ncolumns++] = s;
        if (s->num_children > 0 || s->type < 0)
            return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0,
                            "Parquet column '%s' is nested (a group): only flat columns are supported", name);
        if (s->repetition == VF_PQ_REPEATED)
            return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0,
                            "Parquet column '%s' is repeated (a list): only flat columns are supported", name);
        if (s->type > VF_PQ_FIXED_LEN_BYTE_ARRAY)
            return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0,
                            "corrupt Parquet file: column '%s' has an unknown type %d", name, (int)s->type);
        if (s->type == VF_PQ_FIXED_LEN_BYTE_ARRAY && (s->type_length < 1 || s->type_length > (1 << 20)))
            return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0,
                            "corrupt Parquet file: column '%s' has a bad fixed length", name);
    }
    if ((uint32_t)m->schema[0].num_children != m->nschema - 1)
        return corrupt(f, err, "the schema's root does not hold its columns");
    for (uint32_t g = 0; g < m->nrow_groups; g++) {
        if (m->row_groups[g].ncolumns != f->ncolumns)
            return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0,
                            "corrupt Parquet file: row group %u has %u columns, the schema %u", g,
                            m->row_groups[g].ncolumns, f->ncolumns);
        if (m->row_groups[g].num_rows < 0)
            return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0,
                            "corrupt Parquet file: row group %u has no row count", g);
    }
    return VPCFLOW_OK;
}

static vpcflow_status open_file(vf_pq_file *f, vpcflow_error *err)
{
    uint8_t *tmp = NULL;
    size_t tcap = 0;
    const uint8_t *p;
    vpcflow_status st;
    if (f->size < 12)
        return corrupt(f, err, "shorter than its magic numbers and footer length");
    if ((st = read_at(f, 0, 4, &tmp, &tcap, &p, err)) != VPCFLOW_OK)
        goto done;
    if (memcmp(p, "PAR1", 4) != 0) {
        st = corrupt(f, err, "no PAR1 magic at its start");
        goto done;
    }
    if ((st = read_at(f, f->size - 8, 8, &tmp, &tcap, &p, err)) != VPCFLOW_OK)
        goto done;
    if (memcmp(p + 4, "PAR1", 4) != 0) {
        st = corrupt(f, err, "no PAR1 magic at its end (truncated?)");
        goto done;
    }
    uint32_t flen = le32(p);
    if (flen > f->size - 12 || flen > VF_PQ_MAX_FOOTER) {
        st = vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0,
                      "corrupt Parquet file: footer of %u bytes in a file of %llu (limit %u)", flen,
                      (unsigned long long)f->size, VF_PQ_MAX_FOOTER);
        goto done;
    }
    f->data_end = f->size - 8 - flen;
    if ((st = read_at(f, f->data_end, flen, &f->footer, &tcap, &p, err)) != VPCFLOW_OK)
        goto done;
    const char *why = NULL;
    if (vf_pq_meta_decode(p, flen, &f->meta, &why) < 0) {
        st = strcmp(why, "out of memory") == 0
                 ? vf_error(err, VPCFLOW_ERR_IO, f->name, 0, 0, "out of memory")
                 : vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0, "corrupt Parquet file: footer: %s", why);
        goto done;
    }
    st = check_schema(f, err);
done:
    if (tmp != f->footer)
        free(tmp);
    return st;
}

static vpcflow_status open_common(vf_pq_file *f, const char *name, vf_pq_file **out, vpcflow_error *err)
{
    *out = NULL;
    f->name = vf_strndup(name, strlen(name));
    if (!f->name) {
        free(f);
        return vf_error(err, VPCFLOW_ERR_IO, name, 0, 0, "out of memory");
    }
    vpcflow_status st = open_file(f, err);
    if (st != VPCFLOW_OK) {
        vf_pq_close(f);
        return st;
    }
    *out = f;
    return VPCFLOW_OK;
}

vpcflow_status vf_pq_open_buffer(const void *p, size_t n, const char *name, vf_pq_file **out, vpcflow_error *err)
{
    vf_pq_file *f = vf_calloc(1, sizeof *f);
    if (!f)
        return vf_error(err, VPCFLOW_ERR_IO, name, 0, 0, "out of memory");
    f->buf = p;
    f->fd = -1;
    f->size = n;
    return open_common(f, name, out, err);
}

vpcflow_status vf_pq_open_fd(int fd, uint64_t size, const char *name, vf_pq_file **out, vpcflow_error *err)
{
    vf_pq_file *f = vf_calloc(1, sizeof *f);
    if (!f)
        return vf_error(err, VPCFLOW_ERR_IO, name, 0, 0, "out of memory");
    f->fd = fd;
    f->size = size;
    return open_common(f, name, out, err);
}

void vf_pq_close(vf_pq_file *f)
{
    if (!f)
        return;
    for (uint32_t i = 0; f->names && i < f->ncolumns; i++)
        free(f->names[i]);
    free(f->names);
    free(f->leaves);
    vf_pq_meta_free(&f->meta);
    free(f->footer);
    free(f->name);
    free(f);
}

uint32_t vf_pq_ncolumns(const vf_pq_file *f)
{
    return f->ncolumns;
}

const char *vf_pq_column_name(const vf_pq_file *f, uint32_t col)
{
    return col < f->ncolumns ? f->names[col] : NULL;
}

const vf_pq_schema *vf_pq_column_schema(const vf_pq_file *f, uint32_t col)
{
    return col < f->ncolumns ? f->leaves[col] : NULL;
}

uint32_t vf_pq_nrow_groups(const vf_pq_file *f)
{
    return f->meta.nrow_groups;
}

int64_t vf_pq_row_group_rows(const vf_pq_file *f, uint32_t rg)
{
    return rg < f->meta.nrow_groups ? f->meta.row_groups[rg].num_rows : 0;
}

/* ---- RLE / bit-packed hybrid and DELTA_BINARY_PACKED ---------------------------------------- */

static int varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        uint8_t b = *(*p)++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

/* width bits at bit `pos` of base[0, nbytes), least significant first (the caller checked
 * that they lie within it): one unaligned load when 8 bytes are there, else byte by byte. */
static inline uint64_t get_bits(const uint8_t *base, uint64_t nbytes, uint64_t pos, unsigned width)
{
    unsigned off = (unsigned)(pos & 7);
    if (width + off <= 64 && (pos >> 3) + 8 <= nbytes) {
        uint64_t w = le64(base + (pos >> 3)) >> off;
        return width == 64 ? w : w & ((UINT64_C(1) << width) - 1);
    }
    uint64_t v = 0;
    for (unsigned k = 0; k < width;) {
        off = (unsigned)(pos & 7);
        unsigned take = VF_MIN(8 - off, width - k);
        v |= (uint64_t)((base[pos >> 3] >> off) & ((1u << take) - 1)) << k;
        k += take;
        pos += take;
    }
    return v;
}

void vf_pq_rle_init(vf_pq_rle *r, const uint8_t *p, size_t n, unsigned width)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    r->end = p + n;
    r->width = width;
}

/* Starts the next run when the current one is used up: 0, or -1 at the end of the data. */
static int rle_run(vf_pq_rle *r)
{
    while (!r->left) {
        uint64_t h;
        if (varint(&r->p, r->end, &h) < 0)
            return -1;
        if (h & 1) {
            uint64_t groups = h >> 1, bytes = groups * r->width; /* groups < 2^63 / 64: no overflow */
            if (groups > ((uint64_t)1 << 40))
                return -1;
            bytes = VF_MIN(bytes, (uint64_t)(r->end - r->p)); /* the last run may be cut short */
            r->packed = 1;
            r->bits = r->p;
            r->bitpos = 0;
            r->bitlen = bytes * 8;
            r->p += bytes;
            r->left = groups * 8;
        } else {
            unsigned nbytes = (r->width + 7) / 8;
            if ((size_t)(r->end - r->p) < nbytes)
                return -1;
            r->value = 0;
            for (unsigned k = 0; k < nbytes; k++)
                r->value |= (uint64_t)r->p[k] << (8 * k);
            r->p += nbytes;
            r->packed = 0;
            r->left = h >> 1;
        }
    }
    return 0;
}

int vf_pq_rle_next(vf_pq_rle *r, uint64_t *v)
{
    if (r->width > 64 || rle_run(r) < 0)
        return -1;
    if (r->packed) {
        if (r->bitlen - r->bitpos < r->width)
            return -1;
        *v = get_bits(r->bits, r->bitlen / 8, r->bitpos, r->width);
        r->bitpos += r->width;
    } else
        *v = r->value;
    r->left--;
    return 0;
}

size_t vf_pq_rle_read(vf_pq_rle *r, uint32_t *out, size_t n)
{
    size_t i = 0;
    if (r->width > 32)
        return 0;
    while (i < n) {
        if (rle_run(r) < 0)
            return i;
        size_t take = (size_t)VF_MIN((uint64_t)(n - i), r->left);
        if (!r->packed) {
            uint32_t x = (uint32_t)r->value;
            for (size_t k = 0; k < take; k++)
                out[i + k] = x;
        } else {
            const unsigned w = r->width;
            if (w) {
                uint64_t fit = (r->bitlen - r->bitpos) / w;
                if (fit < take) {
                    if (!fit)
                        return i;
                    take = (size_t)fit;
                }
            }
            const uint8_t *bits = r->bits;
            uint64_t nbytes = r->bitlen / 8, pos = r->bitpos;
            for (size_t k = 0; k < take; k++, pos += w)
                out[i + k] = (uint32_t)get_bits(bits, nbytes, pos, w);
            r->bitpos = pos;
        }
        r->left -= take;
        i += take;
    }
    return i;
}

int vf_pq_delta_init(vf_pq_delta *d, const uint8_t *p, size_t n)
{
    memset(d, 0, sizeof *d);
    d->p = p;
    d->end = p + n;
    uint64_t first;
    if (varint(&d->p, d->end, &d->block) < 0 || varint(&d->p, d->end, &d->minis) < 0 ||
        varint(&d->p, d->end, &d->total) < 0 || varint(&d->p, d->end, &first) < 0)
        return -1;
    if (d->block == 0 || d->block % 128 || d->block > ((uint64_t)1 << 20) || d->minis == 0 || d->block % d->minis ||
        (d->block / d->minis) % 32)
        return -1;
    d->per_mini = d->block / d->minis;
    d->last = (uint64_t)((first >> 1) ^ -(first & 1));
    d->left = d->total;
    d->mini = d->minis; /* the first delta starts a block */
    return 0;
}

static int delta_block(const uint8_t **p, const uint8_t *end, uint64_t minis, uint64_t *min_delta,
                       const uint8_t **widths)
{
    if (varint(p, end, min_delta) < 0 || (uint64_t)(end - *p) < minis)
        return -1;
    *widths = *p;
    *p += minis;
    return 0;
}

int vf_pq_delta_next(vf_pq_delta *d, int64_t *v)
{
    if (!d->left)
        return -1;
    if (!d->started) {
        d->started = 1;
        d->left--;
        *v = (int64_t)d->last;
        return 0;
    }
    if (!d->mini_left) {
        if (d->mini + 1 >= d->minis) {
            uint64_t z;
            if (delta_block(&d->p, d->end, d->minis, &z, &d->widths) < 0)
                return -1;
            d->min_delta = (uint64_t)((z >> 1) ^ -(z & 1));
            d->mini = 0;
        } else
            d->mini++;
        d->width = d->widths[d->mini];
        if (d->width > 64)
            return -1;
        uint64_t bytes = VF_MIN(d->per_mini * d->width / 8, (uint64_t)(d->end - d->p));
        d->bits = d->p;
        d->bitpos = 0;
        d->bitlen = bytes * 8;
        d->p += bytes;
        d->mini_left = d->per_mini;
    }
    if (d->bitlen - d->bitpos < d->width)
        return -1;
    d->last += d->min_delta + get_bits(d->bits, d->bitlen / 8, d->bitpos, d->width); /* wraps as the spec says */
    d->bitpos += d->width;
    d->mini_left--;
    d->left--;
    *v = (int64_t)d->last;
    return 0;
}

const uint8_t *vf_pq_delta_end(const vf_pq_delta *d)
{
    const uint8_t *p = d->p;
    uint64_t remaining = d->total ? d->total - 1 : 0; /* the first value is in the header */
    while (remaining) {
        uint64_t z;
        const uint8_t *widths;
        if (delta_block(&p, d->end, d->minis, &z, &widths) < 0)
            return NULL;
        for (uint64_t m = 0; m < d->minis && remaining; m++) {
            if (widths[m] > 64)
                return NULL;
            uint64_t bytes = d->per_mini * widths[m] / 8;
            if (bytes > (uint64_t)(d->end - p))
                return NULL;
            p += bytes;
            remaining -= VF_MIN(remaining, d->per_mini);
        }
    }
    return p;
}

/* ---- column chunks ------------------------------------------------------------------------- */

struct vf_pq_column {
    vf_pq_file *f;
    uint32_t rg, col;
    const vf_pq_schema *leaf;
    int type, codec, max_def, unsigned_int;
    uint32_t width;    /* bytes of a fixed-size value */
    uint64_t pos, end; /* the chunk's pages not read yet */
    int64_t rows_left; /* rows of the row group not returned yet */
    int seen_data;     /* a data page was read (a dictionary page may only come first) */
    uint8_t *hbuf, *cbuf, *pbuf, *dbuf;
    size_t hcap, ccap, pcap, dcap;
    vf_pq_value *dict;
    size_t dict_cap;
    uint32_t ndict;
    int have_dict;
    uint64_t dict_serial; /* dictionaries loaded so far */
    /* the current data page */
    uint64_t left; /* values (nulls included) */
    vf_pq_rle def;
    int enc;
    const uint8_t *vp, *vend;
    uint64_t bit;          /* PLAIN BOOLEAN */
    uint64_t count, index; /* BYTE_STREAM_SPLIT */
    vf_pq_rle ids;         /* dictionary indices, RLE booleans */
    vf_pq_delta d1, d2;
    uint8_t *prev, *next; /* DELTA_BYTE_ARRAY: the previous value, and room for the next */
    size_t prev_cap, next_cap;
    uint32_t prev_len;
    uint32_t *idx, *lv; /* a batch's dictionary indices and definition levels */
    size_t idx_cap, lv_cap;
};

vf_pq_column *vf_pq_column_new(void)
{
    return vf_calloc(1, sizeof(vf_pq_column));
}

void vf_pq_column_free(vf_pq_column *c)
{
    if (!c)
        return;
    free(c->hbuf);
    free(c->cbuf);
    free(c->pbuf);
    free(c->dbuf);
    free(c->dict);
    free(c->prev);
    free(c->next);
    free(c->idx);
    free(c->lv);
    free(c);
}

static vpcflow_status col_fail(const vf_pq_column *c, vpcflow_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static vpcflow_status col_fail(const vf_pq_column *c, vpcflow_error *err, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vf_error(err, VPCFLOW_ERR_INPUT, c->f->name, 0, 0, "corrupt Parquet file: row group %u, column '%s': %s",
                    c->rg, c->f->names[c->col], msg);
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap && *buf)
        return 0;
    uint8_t *n = realloc(*buf, need ? need : 1);
    if (!n)
        return -1;
    *buf = n;
    *cap = need;
    return 0;
}

vpcflow_status vf_pq_column_begin(vf_pq_column *c, vf_pq_file *f, uint32_t rg, uint32_t col, vpcflow_error *err)
{
    c->f = f;
    c->rg = rg;
    c->col = col;
    c->leaf = f->leaves[col];
    const vf_pq_chunk *k = &f->meta.row_groups[rg].columns[col];
    c->type = c->leaf->type;
    c->max_def = c->leaf->repetition == VF_PQ_OPTIONAL;
    c->unsigned_int = c->leaf->unsigned_int;
    c->width = c->type == VF_PQ_INT96 ? 12 : c->type == VF_PQ_FIXED_LEN_BYTE_ARRAY ? (uint32_t)c->leaf->type_length : 0;
    c->rows_left = f->meta.row_groups[rg].num_rows;
    c->seen_data = 0;
    c->have_dict = 0;
    c->ndict = 0;
    c->left = 0;
    c->prev_len = 0;
    if (!k->has_meta || k->external)
        return col_fail(c, err, "column chunk %s", k->external ? "in another file" : "without metadata");
    if (k->type != c->type || k->path_len != 1)
        return col_fail(c, err, "column chunk does not match the schema");
    c->codec = k->codec;
    if (c->codec != VF_PQ_UNCOMPRESSED && c->codec != VF_PQ_SNAPPY && c->codec != VF_PQ_GZIP &&
        c->codec != VF_PQ_ZSTD) {
        const char *name = vf_pq_codec_name(c->codec);
        return vf_error(err, VPCFLOW_ERR_INPUT, f->name, 0, 0,
                        "Parquet column '%s' uses compression codec %s%s%d%s, which is not supported (only "
                        "UNCOMPRESSED, SNAPPY, GZIP, ZSTD)",
                        f->names[col], name ? name : "", name ? " (" : "", (int)c->codec, name ? ")" : "");
    }
    int64_t start = k->data_page_offset;
    if (k->dictionary_page_offset >= 4 && k->dictionary_page_offset < start)
        start = k->dictionary_page_offset;
    if (start < 4 || k->total_compressed < 0 || (uint64_t)start > f->data_end ||
        (uint64_t)k->total_compressed > f->data_end - (uint64_t)start)
        return col_fail(c, err, "column chunk outside the file's data");
    c->pos = (uint64_t)start;
    c->end = c->pos + (uint64_t)k->total_compressed;
    return VPCFLOW_OK;
}

/* The next page header at c->pos: it is read with growing reads, as its size is unknown. */
static vpcflow_status read_header(vf_pq_column *c, vf_pq_page_header *h, size_t *used, vpcflow_error *err)
{
    uint64_t avail = c->end - c->pos;
    size_t want = (size_t)VF_MIN(avail, (uint64_t)4096);
    for (;;) {
        const uint8_t *p;
        vpcflow_status st = read_at(c->f, c->pos, want, &c->hbuf, &c->hcap, &p, err);
        if (st != VPCFLOW_OK)
            return st;
        const char *why;
        int truncated;
        if (vf_pq_page_header_decode(p, want, h, used, &why, &truncated) == 0)
            return VPCFLOW_OK;
        if (!truncated || want == avail || want >= ((size_t)16 << 20))
            return col_fail(c, err, "page header at byte %llu: %s", (unsigned long long)c->pos, why);
        want = (size_t)VF_MIN(avail, (uint64_t)want * 8);
    }
}

/* Decompresses n bytes at src (the values of a page) into exactly `expect` bytes: *out. */
static vpcflow_status inflate_page(vf_pq_column *c, const uint8_t *src, size_t n, size_t expect, int compressed,
                                   uint8_t **buf, size_t *cap, const uint8_t **out, vpcflow_error *err)
{
    if (!compressed || c->codec == VF_PQ_UNCOMPRESSED) {
        if (n != expect)
            return col_fail(c, err, "uncompressed page of %zu bytes, its header says %zu", n, expect);
        *out = src;
        return VPCFLOW_OK;
    }
    const char *why;
    if (vf_pq_check_size(c->codec, src, n, expect, &why) < 0) /* before allocating what it declares */
        return col_fail(c, err, "%s", why);
    if (grow(buf, cap, expect) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, c->f->name, 0, 0, "out of memory");
    if (vf_pq_decompress(c->codec, src, n, *buf, expect, &why) < 0)
        return col_fail(c, err, "%s", why);
    *out = *buf;
    return VPCFLOW_OK;
}

/* One PLAIN value at *p (advanced), for every type but BOOLEAN. */
static int plain_value(const vf_pq_column *c, const uint8_t **p, const uint8_t *end, vf_pq_value *v)
{
    size_t left = (size_t)(end - *p);
    switch (c->type) {
    case VF_PQ_INT32:
        if (left < 4)
            return -1;
        v->i = c->unsigned_int ? (int64_t)le32(*p) : (int64_t)(int32_t)le32(*p);
        *p += 4;
        return 0;
    case VF_PQ_INT64:
        if (left < 8)
            return -1;
        v->i = (int64_t)le64(*p);
        *p += 8;
        return 0;
    case VF_PQ_FLOAT: {
        if (left < 4)
            return -1;
        uint32_t u = le32(*p);
        float x;
        memcpy(&x, &u, 4);
        v->d = x;
        *p += 4;
        return 0;
    }
    case VF_PQ_DOUBLE: {
        if (left < 8)
            return -1;
        uint64_t u = le64(*p);
        memcpy(&v->d, &u, 8);
        *p += 8;
        return 0;
    }
    case VF_PQ_BYTE_ARRAY: {
        if (left < 4 || le32(*p) > left - 4)
            return -1;
        v->len = le32(*p);
        v->s = *p + 4;
        *p += 4 + v->len;
        return 0;
    }
    default: /* INT96, FIXED_LEN_BYTE_ARRAY */
        if (left < c->width)
            return -1;
        v->s = *p;
        v->len = c->width;
        *p += c->width;
        return 0;
    }
}

static vpcflow_status load_dictionary(vf_pq_column *c, const vf_pq_page_header *h, const uint8_t *src,
                                      vpcflow_error *err)
{
    if (c->have_dict || c->seen_data)
        return col_fail(c, err, "a dictionary page after the first page");
    if (!(h->has_body & VF_PQ_HAS_DICT) || h->num_values < 0)
        return col_fail(c, err, "dictionary page without its header");
    if (h->encoding != VF_PQ_PLAIN && h->encoding != VF_PQ_PLAIN_DICTIONARY)
        return col_fail(c, err, "dictionary page of encoding %d (PLAIN expected)", (int)h->encoding);
    if (c->type == VF_PQ_BOOLEAN)
        return col_fail(c, err, "a dictionary of booleans");
    const uint8_t *p;
    vpcflow_status st =
        inflate_page(c, src, (size_t)h->compressed_size, (size_t)h->uncompressed_size, 1, &c->dbuf, &c->dcap, &p, err);
    if (st != VPCFLOW_OK)
        return st;
    if (p != c->dbuf) { /* a view of a buffer that the next page reuses: copied */
        if (grow(&c->dbuf, &c->dcap, (size_t)h->uncompressed_size) < 0)
            return vf_error(err, VPCFLOW_ERR_IO, c->f->name, 0, 0, "out of memory");
        memcpy(c->dbuf, p, (size_t)h->uncompressed_size);
        p = c->dbuf;
    }
    const uint8_t *end = p + h->uncompressed_size;
    uint64_t min_width = c->width ? c->width : c->type == VF_PQ_INT64 || c->type == VF_PQ_DOUBLE ? 8 : 4;
    if ((uint64_t)h->num_values * min_width > (uint64_t)h->uncompressed_size ||
        (uint32_t)h->num_values > VF_PQ_MAX_DICT)
        return col_fail(c, err, "dictionary of %d values in %d bytes (at most %u values)", (int)h->num_values,
                        (int)h->uncompressed_size, VF_PQ_MAX_DICT);
    if (vf_grow(&c->dict, &c->dict_cap, (size_t)h->num_values, sizeof *c->dict) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, c->f->name, 0, 0, "out of memory");
    for (int32_t i = 0; i < h->num_values; i++) {
        memset(&c->dict[i], 0, sizeof c->dict[i]);
        if (plain_value(c, &p, end, &c->dict[i]) < 0)
            return col_fail(c, err, "dictionary page shorter than its %d values", (int)h->num_values);
        c->dict[i].id = (uint32_t)i + 1;
    }
    c->ndict = (uint32_t)h->num_values;
    c->have_dict = 1;
    c->dict_serial++;
    return VPCFLOW_OK;
}

/* Sets up the value decoder of a data page for the bytes [p, end). */
static vpcflow_status start_values(vf_pq_column *c, int enc, const uint8_t *p, const uint8_t *end, vpcflow_error *err)
{
    c->enc = enc;
    c->vp = p;
    c->vend = end;
    size_t n = (size_t)(end - p);
    switch (enc) {
    case VF_PQ_PLAIN:
        c->bit = 0;
        return VPCFLOW_OK;
    case VF_PQ_PLAIN_DICTIONARY:
    case VF_PQ_RLE_DICTIONARY:
        if (!c->have_dict)
            return col_fail(c, err, "dictionary-encoded page without a dictionary page");
        if (n < 1 || p[0] > 32)
            return col_fail(c, err, "bad dictionary index width");
        vf_pq_rle_init(&c->ids, p + 1, n - 1, p[0]);
        return VPCFLOW_OK;
    case VF_PQ_RLE:
        if (c->type != VF_PQ_BOOLEAN || n < 4 || le32(p) > n - 4)
            return col_fail(c, err, "bad RLE values");
        vf_pq_rle_init(&c->ids, p + 4, le32(p), 1);
        return VPCFLOW_OK;
    case VF_PQ_DELTA_BINARY_PACKED:
        if ((c->type != VF_PQ_INT32 && c->type != VF_PQ_INT64) || vf_pq_delta_init(&c->d1, p, n) < 0)
            return col_fail(c, err, "bad DELTA_BINARY_PACKED values");
        return VPCFLOW_OK;
    case VF_PQ_DELTA_LENGTH_BYTE_ARRAY:
        if (c->type != VF_PQ_BYTE_ARRAY || vf_pq_delta_init(&c->d1, p, n) < 0 || !(c->vp = vf_pq_delta_end(&c->d1)))
            return col_fail(c, err, "bad DELTA_LENGTH_BYTE_ARRAY values");
        return VPCFLOW_OK;
    case VF_PQ_DELTA_BYTE_ARRAY: {
        const uint8_t *s;
        if ((c->type != VF_PQ_BYTE_ARRAY && c->type != VF_PQ_FIXED_LEN_BYTE_ARRAY) ||
            vf_pq_delta_init(&c->d1, p, n) < 0 || !(s = vf_pq_delta_end(&c->d1)) ||
            vf_pq_delta_init(&c->d2, s, (size_t)(end - s)) < 0 || !(c->vp = vf_pq_delta_end(&c->d2)))
            return col_fail(c, err, "bad DELTA_BYTE_ARRAY values");
        c->prev_len = 0;
        return VPCFLOW_OK;
    }
    case VF_PQ_BYTE_STREAM_SPLIT: {
        uint32_t w = c->type == VF_PQ_FLOAT || c->type == VF_PQ_INT32    ? 4
                     : c->type == VF_PQ_DOUBLE || c->type == VF_PQ_INT64 ? 8
                     : c->type == VF_PQ_FIXED_LEN_BYTE_ARRAY             ? c->width
                                                                         : 0;
        if (!w || n % w)
            return col_fail(c, err, "bad BYTE_STREAM_SPLIT values");
        c->count = n / w;
        c->index = 0;
        return VPCFLOW_OK;
    }
    default:
        return vf_error(err, VPCFLOW_ERR_INPUT, c->f->name, 0, 0,
                        "Parquet column '%s' (row group %u) uses encoding %d, which is not supported",
                        c->f->names[c->col], c->rg, enc);
    }
}

static vpcflow_status load_data(vf_pq_column *c, const vf_pq_page_header *h, const uint8_t *src, vpcflow_error *err)
{
    int v2 = h->type == VF_PQ_DATA_PAGE_V2;
    if (!(h->has_body & (v2 ? VF_PQ_HAS_V2 : VF_PQ_HAS_V1)) || h->num_values < 0)
        return col_fail(c, err, "data page without its header");
    if ((int64_t)h->num_values > c->rows_left)
        return col_fail(c, err, "a page of %d values where %lld rows are left", (int)h->num_values,
                        (long long)c->rows_left);
    c->seen_data = 1;
    const uint8_t *p, *end, *levels = NULL;
    size_t nlevels = 0;
    vpcflow_status st;
    if (v2) {
        if (h->def_length < 0 || h->rep_length < 0 ||
            (int64_t)h->def_length + h->rep_length > (int64_t)VF_MIN(h->compressed_size, h->uncompressed_size))
            return col_fail(c, err, "level lengths larger than the page");
        size_t lv = (size_t)h->def_length + (size_t)h->rep_length;
        levels = src + h->rep_length;
        nlevels = (size_t)h->def_length;
        st = inflate_page(c, src + lv, (size_t)h->compressed_size - lv, (size_t)h->uncompressed_size - lv,
                          h->is_compressed, &c->pbuf, &c->pcap, &p, err);
        if (st != VPCFLOW_OK)
            return st;
        end = p + (h->uncompressed_size - (int32_t)lv);
    } else {
        st = inflate_page(c, src, (size_t)h->compressed_size, (size_t)h->uncompressed_size, 1, &c->pbuf, &c->pcap, &p,
                          err);
        if (st != VPCFLOW_OK)
            return st;
        end = p + h->uncompressed_size;
        if (c->max_def) {
            if (h->def_encoding != VF_PQ_RLE)
                return col_fail(c, err, "definition levels of encoding %d (RLE expected)", (int)h->def_encoding);
            if (end - p < 4 || le32(p) > (size_t)(end - p - 4))
                return col_fail(c, err, "definition levels larger than the page");
            levels = p + 4;
            nlevels = le32(p);
            p += 4 + nlevels;
        }
    }
    if (c->max_def)
        vf_pq_rle_init(&c->def, levels, nlevels, 1);
    c->left = (uint64_t)h->num_values;
    return start_values(c, h->encoding, p, end, err);
}

/* Reads pages until a data page with values is loaded. */
static vpcflow_status next_page(vf_pq_column *c, vpcflow_error *err)
{
    while (!c->left) {
        if (c->pos >= c->end)
            return col_fail(c, err, "the column chunk ends %lld rows before its row group", (long long)c->rows_left);
        vf_pq_page_header h;
        size_t used;
        vpcflow_status st = read_header(c, &h, &used, err);
        if (st != VPCFLOW_OK)
            return st;
        if (h.compressed_size < 0 || h.uncompressed_size < 0 || (uint64_t)h.compressed_size > c->end - c->pos - used)
            return col_fail(c, err, "page at byte %llu larger than its column chunk", (unsigned long long)c->pos);
        if ((size_t)h.compressed_size > VF_PQ_MAX_PAGE || (size_t)h.uncompressed_size > VF_PQ_MAX_PAGE)
            return col_fail(c, err, "page larger than %zu MiB", VF_PQ_MAX_PAGE >> 20);
        uint64_t body = c->pos + used;
        c->pos = body + (uint64_t)h.compressed_size;
        if (h.type != VF_PQ_DICTIONARY_PAGE && h.type != VF_PQ_DATA_PAGE && h.type != VF_PQ_DATA_PAGE_V2)
            continue; /* index pages and kinds unknown: not needed */
        const uint8_t *src;
        if ((st = read_at(c->f, body, (size_t)h.compressed_size, &c->cbuf, &c->ccap, &src, err)) != VPCFLOW_OK)
            return st;
        st = h.type == VF_PQ_DICTIONARY_PAGE ? load_dictionary(c, &h, src, err) : load_data(c, &h, src, err);
        if (st != VPCFLOW_OK)
            return st;
    }
    return VPCFLOW_OK;
}

static vpcflow_status delta_bytes(vf_pq_column *c, vf_pq_value *v, vpcflow_error *err)
{
    int64_t prefix = 0, len;
    if (c->enc == VF_PQ_DELTA_BYTE_ARRAY && vf_pq_delta_next(&c->d1, &prefix) < 0)
        return col_fail(c, err, "DELTA_BYTE_ARRAY prefixes shorter than the page");
    vf_pq_delta *lens = c->enc == VF_PQ_DELTA_BYTE_ARRAY ? &c->d2 : &c->d1;
    if (vf_pq_delta_next(lens, &len) < 0 || len < 0 || len > c->vend - c->vp)
        return col_fail(c, err, "byte-array lengths past the page's end");
    if (c->enc == VF_PQ_DELTA_LENGTH_BYTE_ARRAY) {
        v->s = c->vp;
        v->len = (uint32_t)len;
        c->vp += len;
        return VPCFLOW_OK;
    }
    if (prefix < 0 || prefix > c->prev_len)
        return col_fail(c, err, "DELTA_BYTE_ARRAY prefix longer than the previous value");
    if (grow(&c->next, &c->next_cap, (size_t)prefix + (size_t)len) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, c->f->name, 0, 0, "out of memory");
    if (prefix)
        memcpy(c->next, c->prev, (size_t)prefix);
    if (len)
        memcpy(c->next + prefix, c->vp, (size_t)len);
    c->vp += len;
    uint8_t *t = c->prev;
    size_t tc = c->prev_cap;
    c->prev = c->next;
    c->prev_cap = c->next_cap;
    c->next = t;
    c->next_cap = tc;
    c->prev_len = (uint32_t)(prefix + len);
    v->s = c->prev;
    v->len = c->prev_len;
    return VPCFLOW_OK;
}

static vpcflow_status split_value(vf_pq_column *c, vf_pq_value *v, vpcflow_error *err)
{
    uint32_t w = (uint32_t)((size_t)(c->vend - c->vp) / (c->count ? c->count : 1));
    if (c->index >= c->count)
        return col_fail(c, err, "BYTE_STREAM_SPLIT values shorter than the page");
    uint8_t b[8];
    if (c->type == VF_PQ_FIXED_LEN_BYTE_ARRAY) {
        if (grow(&c->prev, &c->prev_cap, w) < 0)
            return vf_error(err, VPCFLOW_ERR_IO, c->f->name, 0, 0, "out of memory");
        for (uint32_t k = 0; k < w; k++)
            c->prev[k] = c->vp[k * c->count + c->index];
        c->index++;
        v->s = c->prev;
        v->len = w;
        return VPCFLOW_OK;
    }
    for (uint32_t k = 0; k < w; k++)
        b[k] = c->vp[k * c->count + c->index];
    c->index++;
    const uint8_t *q = b;
    plain_value(c, &q, b + w, v);
    return VPCFLOW_OK;
}

/* The value of a non-null row of the current page. */
static vpcflow_status one_value(vf_pq_column *c, vf_pq_value *v, vpcflow_error *err)
{
    uint64_t idx;
    int64_t x;
    switch (c->enc) {
    case VF_PQ_PLAIN:
        if (c->type == VF_PQ_BOOLEAN) {
            if (c->bit >= (uint64_t)(c->vend - c->vp) * 8)
                return col_fail(c, err, "values shorter than the page");
            v->i = (c->vp[c->bit >> 3] >> (c->bit & 7)) & 1;
            c->bit++;
            return VPCFLOW_OK;
        }
        if (plain_value(c, &c->vp, c->vend, v) < 0)
            return col_fail(c, err, "values shorter than the page");
        return VPCFLOW_OK;
    case VF_PQ_PLAIN_DICTIONARY:
    case VF_PQ_RLE_DICTIONARY:
        if (vf_pq_rle_next(&c->ids, &idx) < 0)
            return col_fail(c, err, "dictionary indices shorter than the page");
        if (idx >= c->ndict)
            return col_fail(c, err, "dictionary index %llu out of range (%u values)", (unsigned long long)idx,
                            c->ndict);
        *v = c->dict[idx];
        return VPCFLOW_OK;
    case VF_PQ_RLE:
        if (vf_pq_rle_next(&c->ids, &idx) < 0)
            return col_fail(c, err, "RLE values shorter than the page");
        v->i = (int64_t)(idx & 1);
        return VPCFLOW_OK;
    case VF_PQ_DELTA_BINARY_PACKED:
        if (vf_pq_delta_next(&c->d1, &x) < 0)
            return col_fail(c, err, "DELTA_BINARY_PACKED values shorter than the page");
        v->i = c->type == VF_PQ_INT64 ? x : c->unsigned_int ? (int64_t)(uint32_t)x : (int64_t)(int32_t)x;
        return VPCFLOW_OK;
    case VF_PQ_BYTE_STREAM_SPLIT:
        return split_value(c, v, err);
    default:
        return delta_bytes(c, v, err);
    }
}

vpcflow_status vf_pq_column_next(vf_pq_column *c, vf_pq_value *v, vpcflow_error *err)
{
    if (c->rows_left <= 0)
        return col_fail(c, err, "read past the row group's end");
    vpcflow_status st = next_page(c, err);
    if (st != VPCFLOW_OK)
        return st;
    c->left--;
    c->rows_left--;
    v->null = 0;
    v->id = 0;
    if (c->max_def) {
        uint64_t level;
        if (vf_pq_rle_next(&c->def, &level) < 0 || level > 1)
            return col_fail(c, err, "definition levels shorter than the page");
        if (!level) {
            v->null = 1;
            return VPCFLOW_OK;
        }
    }
    return one_value(c, v, err);
}

/* n non-null values of the current page into v[0, n): *got of them before an error. The
 * dictionary and PLAIN numbers and strings, the common cases, in tight loops; the rest one by
 * one. */
static vpcflow_status page_values(vf_pq_column *c, vf_pq_value *v, size_t n, size_t *got, vpcflow_error *err)
{
    size_t i = 0;
    *got = 0;
    if (c->enc == VF_PQ_PLAIN_DICTIONARY || c->enc == VF_PQ_RLE_DICTIONARY) {
        if (vf_grow(&c->idx, &c->idx_cap, n ? n : 1, sizeof *c->idx) < 0)
            return vf_error(err, VPCFLOW_ERR_IO, c->f->name, 0, 0, "out of memory");
        size_t m = vf_pq_rle_read(&c->ids, c->idx, n);
        const vf_pq_value *dict = c->dict;
        uint32_t ndict = c->ndict;
        for (; i < m; i++) {
            uint32_t id = c->idx[i];
            if (VF_UNLIKELY(id >= ndict)) {
                *got = i;
                return col_fail(c, err, "dictionary index %llu out of range (%u values)", (unsigned long long)id,
                                ndict);
            }
            v[i] = dict[id];
        }
        *got = m;
        return m == n ? VPCFLOW_OK : col_fail(c, err, "dictionary indices shorter than the page");
    }
    if (c->enc == VF_PQ_PLAIN && c->type == VF_PQ_INT64) {
        size_t fit = VF_MIN(n, (size_t)(c->vend - c->vp) / 8); /* past them: one_value's error */
        for (; i < fit; i++)
            v[i].i = (int64_t)le64(c->vp + 8 * i);
        c->vp += 8 * i;
    } else if (c->enc == VF_PQ_PLAIN && c->type == VF_PQ_INT32) {
        size_t fit = VF_MIN(n, (size_t)(c->vend - c->vp) / 4);
        for (; i < fit; i++)
            v[i].i = c->unsigned_int ? (int64_t)le32(c->vp + 4 * i) : (int64_t)(int32_t)le32(c->vp + 4 * i);
        c->vp += 4 * i;
    } else if (c->enc == VF_PQ_PLAIN && c->type == VF_PQ_BYTE_ARRAY) {
        const uint8_t *p = c->vp, *end = c->vend;
        for (; i < n; i++) {
            size_t left = (size_t)(end - p);
            if (left < 4 || le32(p) > left - 4)
                break;
            v[i].len = le32(p);
            v[i].s = p + 4;
            p += 4 + v[i].len;
        }
        c->vp = p;
    }
    for (; i < n; i++) {
        vpcflow_status st = one_value(c, &v[i], err);
        if (st != VPCFLOW_OK) {
            *got = i;
            return st;
        }
    }
    *got = n;
    return VPCFLOW_OK;
}

vpcflow_status vf_pq_column_read(vf_pq_column *c, vf_pq_value *v, size_t n, size_t *got, vpcflow_error *err)
{
    *got = 0;
    if (!n)
        return VPCFLOW_OK;
    if (c->rows_left <= 0)
        return col_fail(c, err, "read past the row group's end");
    vpcflow_status st = next_page(c, err);
    if (st != VPCFLOW_OK)
        return st;
    n = VF_MIN(n, (size_t)VF_MIN(c->left, (uint64_t)c->rows_left));
    if (c->enc == VF_PQ_DELTA_BYTE_ARRAY || c->enc == VF_PQ_BYTE_STREAM_SPLIT) {
        n = 1; /* a value in a buffer that the next one reuses */
    }
    size_t rows = n, nn = n, done;
    vpcflow_status lst = VPCFLOW_OK;
    if (c->max_def) {
        if (vf_grow(&c->lv, &c->lv_cap, n, sizeof *c->lv) < 0)
            return vf_error(err, VPCFLOW_ERR_IO, c->f->name, 0, 0, "out of memory");
        rows = vf_pq_rle_read(&c->def, c->lv, n);
        for (size_t r = 0; r < rows; r++) {
            if (VF_UNLIKELY(c->lv[r] > 1)) {
                rows = r;
                break;
            }
        }
        if (rows < n)
            lst = col_fail(c, err, "definition levels shorter than the page");
        nn = 0;
        for (size_t r = 0; r < rows; r++)
            nn += c->lv[r];
    }
    vpcflow_error verr;
    st = page_values(c, v, nn, &done, &verr);
    int dict = c->enc == VF_PQ_PLAIN_DICTIONARY || c->enc == VF_PQ_RLE_DICTIONARY;
    if (!dict) /* only dictionary values have an id */
        for (size_t r = 0; r < done; r++)
            v[r].id = 0;
    if (c->max_def && nn == rows && done == nn) { /* no nulls: the values are in their rows */
        for (size_t r = 0; r < rows; r++)
            v[r].null = 0;
    } else if (c->max_def) { /* spread the values over their rows, last first; nulls between */
        size_t good = rows, j = done;
        if (done < nn) { /* rows up to the value that failed */
            size_t seen = 0;
            for (good = 0; good < rows && seen + c->lv[good] <= done; good++)
                seen += c->lv[good];
        }
        for (size_t r = good; r-- > 0;) {
            if (c->lv[r]) {
                v[r] = v[--j];
                v[r].null = 0;
            } else
                v[r].null = 1;
        }
        rows = good;
    } else {
        rows = done;
        for (size_t r = 0; r < rows; r++)
            v[r].null = 0;
    }
    c->left -= rows;
    c->rows_left -= (int64_t)rows;
    *got = rows;
    if (st != VPCFLOW_OK) {
        if (err)
            *err = verr;
        return st;
    }
    return lst;
}

uint64_t vf_pq_column_dict_serial(const vf_pq_column *c)
{
    return c->dict_serial;
}

uint32_t vf_pq_column_dict_size(const vf_pq_column *c)
{
    return c->have_dict ? c->ndict : 0;
}
