/* test_parquet_read.c — the Parquet reader (lib/parquet): Thrift compact decoding, the RLE /
 * bit-packed hybrid and DELTA_BINARY_PACKED decoders with known answers (the examples of
 * parquet-format's Encodings.md), files built here byte by byte (PLAIN, dictionary, NULLs,
 * codecs, v2 pages), a table of hostile files each refused with its own message, the column
 * projection of the scan, and Parquet read through vpcflow_scan. */
#include "t.h"

#include "parquet/codec.h"
#include "parquet/meta.h"
#include "parquet/pqread.h"
#include "parquet/thrift.h"
#include "vpcflow.h"

#include <pthread.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <zstd.h>

/* ---- a byte builder with a tiny Thrift compact writer (for the tests only) -------------- */

typedef struct buf {
    uint8_t b[4096];
    size_t n;
} buf;

static void put(buf *w, const void *p, size_t n)
{
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
static void put8(buf *w, uint8_t v)
{
    w->b[w->n++] = v;
}
static void put_varint(buf *w, uint64_t v)
{
    while (v >= 0x80) {
        put8(w, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    put8(w, (uint8_t)v);
}
static void put_zz(buf *w, int64_t v)
{
    put_varint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}
static void put_le32(buf *w, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put8(w, (uint8_t)(v >> (8 * i)));
}
/* field headers with a delta of 1..15 from the previous id */
static void fld(buf *w, int delta, int type)
{
    put8(w, (uint8_t)(delta << 4 | type));
}
static void fi(buf *w, int delta, int64_t v)
{
    fld(w, delta, VF_TC_I32);
    put_zz(w, v);
}
static void fl(buf *w, int delta, int64_t v)
{
    fld(w, delta, VF_TC_I64);
    put_zz(w, v);
}
static void fs(buf *w, int delta, const char *s)
{
    fld(w, delta, VF_TC_BINARY);
    put_varint(w, strlen(s));
    put(w, s, strlen(s));
}
static void list_hdr(buf *w, unsigned n, int elem)
{
    if (n < 15)
        put8(w, (uint8_t)(n << 4 | elem));
    else {
        put8(w, (uint8_t)(0xf0 | elem));
        put_varint(w, n);
    }
}

/* ---- Thrift ---------------------------------------------------------------------------- */

TEST(thrift_varints_and_zigzag)
{
    static const struct {
        const char *bytes;
        size_t n;
        uint64_t want;
        int ok;
    } cases[] = {
        {"\x00", 1, 0, 1},
        {"\x7f", 1, 127, 1},
        {"\x80\x01", 2, 128, 1},
        {"\xac\x02", 2, 300, 1},
        {"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10, UINT64_MAX, 1},
        {"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10, 0, 0},     /* more than 64 bits */
        {"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x81\x00", 11, 0, 0}, /* too long */
        {"\x80", 1, 0, 0},                                          /* truncated */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("case %zu", i);
        vf_thrift t;
        uint64_t v = 0;
        vf_thrift_init(&t, cases[i].bytes, cases[i].n);
        int r = vf_thrift_varint(&t, &v);
        CHECK_EQ_I64(r, cases[i].ok ? 0 : -1);
        if (cases[i].ok)
            CHECK_EQ_U64(v, cases[i].want);
        else
            CHECK(t.why != NULL);
    }
    t_label(NULL);
    CHECK_EQ_I64(vf_zigzag(0), 0);
    CHECK_EQ_I64(vf_zigzag(1), -1);
    CHECK_EQ_I64(vf_zigzag(2), 1);
    CHECK_EQ_I64(vf_zigzag(3), -2);
    CHECK_EQ_I64(vf_zigzag(4294967294u), 2147483647);
    CHECK_EQ_I64(vf_zigzag(UINT64_MAX), INT64_MIN);
}

TEST(thrift_struct_fields_bools_lists_skip)
{
    buf w = {0};
    fi(&w, 1, -7);          /* 1: i32 */
    fld(&w, 1, VF_TC_TRUE); /* 2: bool true */
    fld(&w, 1, VF_TC_FALSE);
    put8(&w, VF_TC_STRUCT); /* long form: id 300 */
    put_zz(&w, 300);
    fi(&w, 1, 5); /* nested struct {1: 5} */
    put8(&w, 0);
    fld(&w, 1, VF_TC_LIST); /* 301: list of 20 i32 (long list header) */
    list_hdr(&w, 20, VF_TC_I32);
    for (int i = 0; i < 20; i++)
        put_zz(&w, i * 1000);
    fld(&w, 1, VF_TC_MAP); /* 302: map<bin, double> of 1, skipped */
    put_varint(&w, 1);
    put8(&w, VF_TC_BINARY << 4 | VF_TC_DOUBLE);
    put_varint(&w, 1);
    put8(&w, 'k');
    put(&w, "\0\0\0\0\0\0\xf0\x3f", 8);
    fld(&w, 1, VF_TC_SET); /* 303: set of bools, skipped */
    list_hdr(&w, 2, VF_TC_TRUE);
    put8(&w, 1);
    put8(&w, 2);
    put8(&w, 0);

    vf_thrift t;
    int16_t last, id;
    uint8_t type;
    int32_t i32;
    int b;
    vf_thrift_init(&t, w.b, w.n);
    CHECK_EQ_I64(vf_thrift_struct_begin(&t, &last), 0);
    CHECK_EQ_I64(vf_thrift_field(&t, &last, &id, &type), 1);
    CHECK_EQ_I64(id, 1);
    CHECK_EQ_I64(vf_thrift_i32(&t, type, &i32), 0);
    CHECK_EQ_I64(i32, -7);
    CHECK_EQ_I64(vf_thrift_field(&t, &last, &id, &type), 1);
    CHECK(id == 2 && vf_thrift_bool(&t, type, &b) == 0 && b == 1);
    CHECK_EQ_I64(vf_thrift_field(&t, &last, &id, &type), 1);
    CHECK(id == 3 && vf_thrift_bool(&t, type, &b) == 0 && b == 0);
    CHECK_EQ_I64(vf_thrift_field(&t, &last, &id, &type), 1);
    CHECK(id == 300 && type == VF_TC_STRUCT);
    int16_t inner;
    CHECK_EQ_I64(vf_thrift_struct_begin(&t, &inner), 0);
    CHECK_EQ_I64(vf_thrift_field(&t, &inner, &id, &type), 1);
    CHECK(id == 1 && vf_thrift_i32(&t, type, &i32) == 0 && i32 == 5);
    CHECK_EQ_I64(vf_thrift_field(&t, &inner, &id, &type), 0);
    vf_thrift_struct_end(&t);
    CHECK_EQ_I64(vf_thrift_field(&t, &last, &id, &type), 1);
    uint8_t elem;
    uint32_t n;
    CHECK(id == 301 && vf_thrift_list(&t, type, &elem, &n) == 0 && n == 20 && elem == VF_TC_I32);
    for (uint32_t i = 0; i < n; i++) {
        int64_t v;
        CHECK(vf_thrift_int(&t, elem, &v) == 0 && v == (int64_t)i * 1000);
    }
    CHECK_EQ_I64(vf_thrift_field(&t, &last, &id, &type), 1);
    CHECK(id == 302 && vf_thrift_skip(&t, type) == 0);
    CHECK_EQ_I64(vf_thrift_field(&t, &last, &id, &type), 1);
    CHECK(id == 303 && vf_thrift_skip(&t, type) == 0);
    CHECK_EQ_I64(vf_thrift_field(&t, &last, &id, &type), 0);
    CHECK(t.p == t.end && t.why == NULL);
    /* skipping the whole struct from the start lands at the same place */
    vf_thrift_init(&t, w.b, w.n);
    CHECK_EQ_I64(vf_thrift_skip(&t, VF_TC_STRUCT), 0);
    CHECK(t.p == t.end);
}

TEST(thrift_refuses_hostile_data)
{
    buf deep = {0};
    for (int i = 0; i < 40; i++)
        fld(&deep, 1, VF_TC_STRUCT);
    for (int i = 0; i < 41; i++)
        put8(&deep, 0);
    buf huge_list = {0};
    fld(&huge_list, 1, VF_TC_LIST);
    list_hdr(&huge_list, 1000000, VF_TC_I32);
    buf huge_bin = {0};
    fld(&huge_bin, 1, VF_TC_BINARY);
    put_varint(&huge_bin, (uint64_t)1 << 40);
    buf bad_type = {0};
    fld(&bad_type, 1, 13);
    const struct {
        buf *b;
        const char *why;
    } cases[] = {
        {&deep, "nested too deep"},
        {&huge_list, "truncated"},
        {&huge_bin, "truncated"},
        {&bad_type, "unknown Thrift field type"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("case %zu", i);
        vf_thrift t;
        vf_thrift_init(&t, cases[i].b->b, cases[i].b->n);
        CHECK_EQ_I64(vf_thrift_skip(&t, VF_TC_STRUCT), -1);
        CHECK(t.why && strstr(t.why, cases[i].why));
    }
}

/* ---- RLE / bit-packed hybrid and DELTA_BINARY_PACKED ----------------------------------------- */

TEST(rle_hybrid_known_answers)
{
    static const struct {
        const char *bytes;
        size_t n;
        unsigned width;
        int count; /* values to read; -1 after them: the next read fails */
        uint64_t want[16];
        int then_fails;
    } cases[] = {
        /* Encodings.md: 0..7 bit-packed with width 3 */
        {"\x03\x88\xc6\xfa", 4, 3, 8, {0, 1, 2, 3, 4, 5, 6, 7}, 1},
        /* width 1, one group: LSB first */
        {"\x03\xb1", 2, 1, 8, {1, 0, 0, 0, 1, 1, 0, 1}, 1},
        /* an RLE run of 5 copies of 5 (width 3: one byte), then 3 copies of 300 (width 9: two bytes) */
        {"\x0a\x05", 2, 3, 5, {5, 5, 5, 5, 5}, 1},
        {"\x06\x2c\x01", 3, 9, 3, {300, 300, 300}, 1},
        /* RLE run then bit-packed run */
        {"\x04\x01\x03\xff", 4, 1, 10, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 1},
        /* width 0: values are all 0, no bytes */
        {"\x08", 1, 0, 4, {0, 0, 0, 0}, 1},
        /* a packed run cut short: the values present are read, then it fails */
        {"\x05\xff", 2, 2, 4, {3, 3, 3, 3}, 1},
        /* an RLE run whose value is missing */
        {"\x06", 1, 8, 0, {0}, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("case %zu", i);
        vf_pq_rle r;
        vf_pq_rle_init(&r, (const uint8_t *)cases[i].bytes, cases[i].n, cases[i].width);
        for (int k = 0; k < cases[i].count; k++) {
            uint64_t v = 99;
            CHECK_EQ_I64(vf_pq_rle_next(&r, &v), 0);
            CHECK_EQ_U64(v, cases[i].want[k]);
        }
        uint64_t v;
        if (cases[i].then_fails)
            CHECK_EQ_I64(vf_pq_rle_next(&r, &v), -1);
        /* the batch decoder: the same values, then it stops where the data ends; in one call
         * and in calls of 3 (runs split across calls) */
        for (size_t step = 3; step <= 16; step += 13) {
            uint32_t out[16];
            size_t got = 0, k;
            vf_pq_rle_init(&r, (const uint8_t *)cases[i].bytes, cases[i].n, cases[i].width);
            while ((k = vf_pq_rle_read(&r, out + got, VF_MIN(step, 16 - got))) > 0)
                got += k;
            CHECK_EQ_U64(got, (uint64_t)cases[i].count);
            for (size_t j = 0; j < got && j < 16; j++)
                CHECK_EQ_U64(out[j], cases[i].want[j]);
        }
    }
}

TEST(delta_binary_packed_known_answers)
{
    /* Encodings.md example 1: 1 2 3 4 5 (all deltas 1: min delta 1, widths 0) */
    static const uint8_t ex1[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
    /* example 2: 7 5 3 1 2 3 4 5: min delta -2, relative 0 0 0 3 3 3 3, width 2 */
    static const uint8_t ex2[] = {0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0, 0, 0, 0xc0, 0x3f, 0, 0, 0, 0, 0, 0};
    static const struct {
        const uint8_t *b;
        size_t n;
        int count;
        int64_t want[8];
    } cases[] = {
        {ex1, sizeof ex1, 5, {1, 2, 3, 4, 5}},
        {ex2, sizeof ex2, 8, {7, 5, 3, 1, 2, 3, 4, 5}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("case %zu", i);
        vf_pq_delta d;
        CHECK_EQ_I64(vf_pq_delta_init(&d, cases[i].b, cases[i].n), 0);
        CHECK(vf_pq_delta_end(&d) == cases[i].b + cases[i].n);
        for (int k = 0; k < cases[i].count; k++) {
            int64_t v = -99;
            CHECK_EQ_I64(vf_pq_delta_next(&d, &v), 0);
            CHECK_EQ_I64(v, cases[i].want[k]);
        }
        int64_t v;
        CHECK_EQ_I64(vf_pq_delta_next(&d, &v), -1);
    }
    t_label(NULL);
    /* bad headers: block size not a multiple of 128, miniblocks not of 32 values, cut short */
    static const uint8_t bad1[] = {0x40, 0x01, 0x01, 0x00};
    static const uint8_t bad2[] = {0x80, 0x01, 0x08, 0x01, 0x00};
    vf_pq_delta d;
    CHECK_EQ_I64(vf_pq_delta_init(&d, bad1, sizeof bad1), -1);
    CHECK_EQ_I64(vf_pq_delta_init(&d, bad2, sizeof bad2), -1);
    CHECK_EQ_I64(vf_pq_delta_init(&d, ex2, 3), -1);
    /* the block of example 2 cut before its miniblock: the end is unknown, the values fail */
    CHECK_EQ_I64(vf_pq_delta_init(&d, ex2, 9), 0);
    CHECK(vf_pq_delta_end(&d) == NULL);
}

/* ---- files built byte by byte ---------------------------------------------------------------- */

typedef struct page {
    int type; /* VF_PQ_DATA_PAGE, _DICTIONARY_PAGE, _DATA_PAGE_V2 */
    int enc;
    int32_t nvalues, nnulls;
    const char *levels; /* v2: definition level bytes (not compressed) */
    size_t nlevels;
    const char *body; /* before compression */
    size_t len;
    int32_t compressed_size; /* 0: the real one */
} page;

typedef struct spec {
    const char *name;
    int type, rep, codec;
    int64_t rows;
    page pages[3];
    int npages;
    int nested, deep_footer, huge_list;
    int nrg; /* row groups, each the same pages (0: 1) */
} spec;

static size_t compress(int codec, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    if (codec == VF_PQ_SNAPPY) {
        size_t len = cap;
        return snappy_compress((const char *)in, n, (char *)out, &len) == SNAPPY_OK ? len : 0;
    }
    if (codec == VF_PQ_ZSTD)
        return ZSTD_compress(out, cap, in, n, 3);
    memcpy(out, in, n);
    return n;
}

static void page_header(buf *w, const page *p, int32_t usize, int32_t csize)
{
    fi(w, 1, p->type);
    fi(w, 1, usize);
    fi(w, 1, csize);
    if (p->type == VF_PQ_DATA_PAGE) {
        fld(w, 2, VF_TC_STRUCT); /* 5 */
        fi(w, 1, p->nvalues);
        fi(w, 1, p->enc);
        fi(w, 1, VF_PQ_RLE);
        fi(w, 1, VF_PQ_RLE);
    } else if (p->type == VF_PQ_DICTIONARY_PAGE) {
        fld(w, 4, VF_TC_STRUCT); /* 7 */
        fi(w, 1, p->nvalues);
        fi(w, 1, p->enc);
    } else {
        fld(w, 5, VF_TC_STRUCT); /* 8 */
        fi(w, 1, p->nvalues);
        fi(w, 1, p->nnulls);
        fi(w, 1, p->nvalues);
        fi(w, 1, p->enc);
        fi(w, 1, (int64_t)p->nlevels);
        fi(w, 1, 0);
    }
    put8(w, 0);
    put8(w, 0);
}

static void row_group(buf *w, const spec *s, int64_t dict_off, int64_t data_off, int64_t chunk_len);

static void footer(buf *w, const spec *s, int nrg, const int64_t *dict_offs, const int64_t *data_offs,
                   int64_t chunk_len)
{
    if (s->deep_footer) { /* an unknown field (id 50) nested 40 structs deep */
        put8(w, VF_TC_STRUCT);
        put_zz(w, 50);
        for (int i = 0; i < 40; i++)
            fld(w, 1, VF_TC_STRUCT);
        for (int i = 0; i < 41; i++)
            put8(w, 0);
        put8(w, VF_TC_I32); /* back to id 1 (long form) */
        put_zz(w, 1);
        put_zz(w, 1);
    } else
        fi(w, 1, 1);       /* 1: version */
    fld(w, 1, VF_TC_LIST); /* 2: schema */
    list_hdr(w, s->huge_list ? 100000 : s->nested ? 3 : 2, VF_TC_STRUCT);
    fs(w, 4, "schema");
    fi(w, 1, 1);
    put8(w, 0);
    if (s->nested) {
        fi(w, 3, VF_PQ_OPTIONAL);
        fs(w, 1, "outer");
        fi(w, 1, 1);
        put8(w, 0);
    }
    fi(w, 1, s->type);
    fi(w, 2, s->rep);
    if (s->name[0]) /* "": a leaf without its (required) name */
        fs(w, 1, s->name);
    put8(w, 0);
    fl(w, 1, s->rows * nrg); /* 3: num_rows */
    fld(w, 1, VF_TC_LIST);   /* 4: row_groups */
    list_hdr(w, (unsigned)nrg, VF_TC_STRUCT);
    for (int g = 0; g < nrg; g++)
        row_group(w, s, dict_offs[g], data_offs[g], chunk_len);
    put8(w, 0); /* FileMetaData's end */
}

static void row_group(buf *w, const spec *s, int64_t dict_off, int64_t data_off, int64_t chunk_len)
{
    fld(w, 1, VF_TC_LIST); /* RowGroup 1: columns */
    list_hdr(w, 1, VF_TC_STRUCT);
    fl(w, 2, data_off);      /* ColumnChunk 2: file_offset */
    fld(w, 1, VF_TC_STRUCT); /* 3: meta_data */
    fi(w, 1, s->type);
    fld(w, 1, VF_TC_LIST);
    list_hdr(w, 1, VF_TC_I32);
    put_zz(w, 0);
    fld(w, 1, VF_TC_LIST);
    list_hdr(w, 1, VF_TC_BINARY);
    put_varint(w, strlen(s->name));
    put(w, s->name, strlen(s->name));
    fi(w, 1, s->codec);
    fl(w, 1, s->rows);
    fl(w, 1, chunk_len);
    fl(w, 1, chunk_len);
    fl(w, 2, data_off); /* 9 */
    if (dict_off >= 0)
        fl(w, 2, dict_off); /* 11 */
    put8(w, 0);
    put8(w, 0);
    fl(w, 1, chunk_len); /* RowGroup 2: total_byte_size */
    fl(w, 1, s->rows);   /* 3: num_rows */
    put8(w, 0);
}

static size_t build(const spec *s, uint8_t *out)
{
    buf *w = calloc(1, sizeof *w);
    put(w, "PAR1", 4);
    int nrg = s->nrg ? s->nrg : 1;
    int64_t dict_offs[8], data_offs[8], chunk_len = 0;
    for (int g = 0; g < nrg; g++) {
        int64_t dict_off = -1, data_off = -1;
        for (int i = 0; i < s->npages; i++) {
            const page *p = &s->pages[i];
            if (p->type == VF_PQ_DICTIONARY_PAGE)
                dict_off = (int64_t)w->n;
            else if (data_off < 0)
                data_off = (int64_t)w->n;
            uint8_t body[1024];
            size_t lv = p->type == VF_PQ_DATA_PAGE_V2 ? p->nlevels : 0;
            if (lv)
                memcpy(body, p->levels, lv);
            size_t clen = lv + compress(s->codec, (const uint8_t *)p->body, p->len, body + lv, sizeof body - lv);
            page_header(w, p, (int32_t)(lv + p->len), p->compressed_size ? p->compressed_size : (int32_t)clen);
            put(w, body, clen);
        }
        chunk_len = (int64_t)w->n - (dict_off >= 0 ? dict_off : data_off);
        dict_offs[g] = dict_off;
        data_offs[g] = data_off;
    }
    size_t start = w->n;
    footer(w, s, nrg, dict_offs, data_offs, chunk_len);
    put_le32(w, (uint32_t)(w->n - start));
    put(w, "PAR1", 4);
    size_t n = w->n;
    memcpy(out, w->b, n);
    free(w);
    return n;
}

/* Reads column 0 of every row group: values joined with ',' (NULL as '-'), or the error. With
 * batch 0, one value at a time (vf_pq_column_next), else batch values at a time
 * (vf_pq_column_read): the answer must be the same. */
static void read_all_batch(const uint8_t *file, size_t n, char *out, size_t cap, size_t batch)
{
    vf_pq_file *f;
    vpcflow_error err;
    size_t len = 0;
    out[0] = 0;
    if (vf_pq_open_buffer(file, n, "t.parquet", &f, &err) != VPCFLOW_OK) {
        snprintf(out, cap, "ERROR %s", err.message);
        return;
    }
    vf_pq_column *c = vf_pq_column_new();
    const vf_pq_schema *s = vf_pq_column_schema(f, 0);
    for (uint32_t g = 0; g < vf_pq_nrow_groups(f); g++) {
        if (vf_pq_column_begin(c, f, g, 0, &err) != VPCFLOW_OK)
            goto fail;
        vf_pq_value vals[64];
        size_t got = 0, at = 0;
        for (int64_t r = 0; r < vf_pq_row_group_rows(f, g); r++) {
            if (!batch && vf_pq_column_next(c, &vals[0], &err) != VPCFLOW_OK)
                goto fail;
            if (batch && at == got) {
                size_t want = (size_t)VF_MIN((int64_t)batch, vf_pq_row_group_rows(f, g) - r);
                vpcflow_status st = vf_pq_column_read(c, vals, want, &got, &err);
                at = 0;
                if (st != VPCFLOW_OK || got == 0 || got > want) {
                    if (st == VPCFLOW_OK)
                        snprintf(err.message, sizeof err.message, "got %zu of %zu values", got, want);
                    goto fail;
                }
            }
            const vf_pq_value v = vals[batch ? at++ : 0];
            if (len)
                out[len++] = ',';
            if (v.null)
                len += (size_t)snprintf(out + len, cap - len, "-");
            else if (s->type == VF_PQ_BYTE_ARRAY)
                len += (size_t)snprintf(out + len, cap - len, "%.*s", (int)v.len, (const char *)v.s);
            else
                len += (size_t)snprintf(out + len, cap - len, "%lld", (long long)v.i);
        }
    }
    vf_pq_column_free(c);
    vf_pq_close(f);
    return;
fail:
    snprintf(out, cap, "ERROR %s", err.message);
    vf_pq_column_free(c);
    vf_pq_close(f);
}

static void read_all(const uint8_t *file, size_t n, char *out, size_t cap)
{
    static const size_t batches[] = {1, 2, 3, 64};
    read_all_batch(file, n, out, cap, 0);
    for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
        char again[1024];
        read_all_batch(file, n, again, sizeof again, batches[b]);
        CHECK_STR(again, out);
    }
}

#define BODY(s) s, sizeof s - 1

static const page plain_i32 = {
    VF_PQ_DATA_PAGE, VF_PQ_PLAIN, 3, 0, NULL, 0, BODY("\x07\0\0\0\xfd\xff\xff\xff\xff\xff\0\0"), 0};
/* 4 values, NULL second: levels 1 0 1 1 (4-byte length, bit-packed run), then "ab" "" "xyz" */
static const page opt_str = {VF_PQ_DATA_PAGE,
                             VF_PQ_PLAIN,
                             4,
                             0,
                             NULL,
                             0,
                             BODY("\x02\0\0\0\x03\x0d"
                                  "\x02\0\0\0ab\0\0\0\0\x03\0\0\0xyz"),
                             0};
static const page dict_page = {
    VF_PQ_DICTIONARY_PAGE, VF_PQ_PLAIN, 2, 0, NULL, 0, BODY("\x06\0\0\0ACCEPT\x06\0\0\0REJECT"), 0};
/* indices 1 0 0 1, width 1 */
static const page dict_data = {VF_PQ_DATA_PAGE, VF_PQ_RLE_DICTIONARY, 4, 0, NULL, 0, BODY("\x01\x03\x09"), 0};
static const page dict_bad = {VF_PQ_DATA_PAGE, VF_PQ_RLE_DICTIONARY, 1, 0, NULL, 0, BODY("\x03\x02\x05"), 0};
/* v2: 3 values, NULL last: levels 1 1 0 (raw), values 40000000000 and 7 */
static const page v2_i64 = {
    VF_PQ_DATA_PAGE_V2, VF_PQ_PLAIN, 3, 1, "\x03\x03", 2, BODY("\x00\x90\x2f\x50\x09\0\0\0\x07\0\0\0\0\0\0\0"), 0};
static const page big_page = {VF_PQ_DATA_PAGE, VF_PQ_PLAIN, 3, 0, NULL, 0, BODY("\x07\0\0\0\x01\0\0\0\x02\0\0\0"),
                              100000};
/* 3 values declared, 2 and a half there: the two read, then the page is short */
static const page short_i32 = {
    VF_PQ_DATA_PAGE, VF_PQ_PLAIN, 3, 0, NULL, 0, BODY("\x07\0\0\0\xfd\xff\xff\xff\xff\xff"), 0};
static const page bad_levels = {VF_PQ_DATA_PAGE, VF_PQ_PLAIN, 1, 0, NULL, 0, BODY("\x40\0\0\0\x03"), 0};

TEST(files_decode_values)
{
    static const struct {
        spec s;
        const char *want;
    } cases[] = {
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 3, {plain_i32}, 1, 0, 0, 0, 0}, "7,-3,65535"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_SNAPPY, 3, {plain_i32}, 1, 0, 0, 0, 0}, "7,-3,65535"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_ZSTD, 3, {plain_i32}, 1, 0, 0, 0, 0}, "7,-3,65535"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 6, {plain_i32, plain_i32}, 2, 0, 0, 0, 0},
         "7,-3,65535,7,-3,65535"},
        {{"vpc_id", VF_PQ_BYTE_ARRAY, VF_PQ_OPTIONAL, VF_PQ_SNAPPY, 4, {opt_str}, 1, 0, 0, 0, 0}, "ab,-,,xyz"},
        {{"action", VF_PQ_BYTE_ARRAY, VF_PQ_OPTIONAL, VF_PQ_ZSTD, 4, {dict_page, dict_data}, 2, 0, 0, 0, 0},
         "ERROR corrupt Parquet file: row group 0, column 'action': definition levels larger than the page"},
        {{"action", VF_PQ_BYTE_ARRAY, VF_PQ_REQUIRED, VF_PQ_ZSTD, 4, {dict_page, dict_data}, 2, 0, 0, 0, 0},
         "REJECT,ACCEPT,ACCEPT,REJECT"},
        {{"bytes", VF_PQ_INT64, VF_PQ_OPTIONAL, VF_PQ_SNAPPY, 3, {v2_i64}, 1, 0, 0, 0, 0}, "40000000000,7,-"},
        {{"bytes", VF_PQ_INT64, VF_PQ_OPTIONAL, VF_PQ_UNCOMPRESSED, 3, {v2_i64}, 1, 0, 0, 0, 0}, "40000000000,7,-"},
        /* a leaf without a name reads (as "") */
        {{"", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 3, {plain_i32}, 1, 0, 0, 0, 0}, "7,-3,65535"},
    };
    uint8_t file[4096];
    char got[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("case %zu", i);
        size_t n = build(&cases[i].s, file);
        read_all(file, n, got, sizeof got);
        CHECK_STR(got, cases[i].want);
    }
}

TEST(hostile_files_refused)
{
    static const spec good = {"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 3, {plain_i32}, 1, 0, 0, 0,
                              0};
    static const struct {
        spec s;
        const char *edit; /* "head", "tail", "footer-len", "cut", "tiny", "" */
        const char *want;
    } cases[] = {
        {good, "head", "no PAR1 magic at its start"},
        {good, "cut", "no PAR1 magic at its end"},
        {good, "footer-len", "footer of 2147483647 bytes"},
        {good, "footer-cut", "corrupt Parquet file: footer: truncated Thrift data"},
        {good, "tiny", "shorter than its magic numbers"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 3, {big_page}, 1, 0, 0, 0, 0},
         "",
         "larger than its column chunk"},
        {{"action", VF_PQ_BYTE_ARRAY, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 1, {dict_page, dict_bad}, 2, 0, 0, 0, 0},
         "",
         "dictionary index 5 out of range (2 values)"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 3, {plain_i32}, 1, 0, 1, 0, 0},
         "",
         "nested too deep"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 3, {plain_i32}, 1, 1, 0, 0, 0},
         "",
         "column 'outer' is nested"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REPEATED, VF_PQ_UNCOMPRESSED, 3, {plain_i32}, 1, 0, 0, 0, 0},
         "",
         "column 'srcport' is repeated"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 3, {plain_i32}, 1, 0, 0, 1, 0}, "", "truncated"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 10, {plain_i32}, 1, 0, 0, 0, 0},
         "",
         "the column chunk ends 7 rows before its row group"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 2, {plain_i32}, 1, 0, 0, 0, 0},
         "",
         "a page of 3 values where 2 rows are left"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, 5, 3, {plain_i32}, 1, 0, 0, 0, 0}, "", "codec LZ4 (5)"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_UNCOMPRESSED, 3, {short_i32}, 1, 0, 0, 0, 0},
         "",
         "column 'srcport': values shorter than the page"},
        {{"srcport", VF_PQ_INT32, VF_PQ_OPTIONAL, VF_PQ_UNCOMPRESSED, 1, {bad_levels}, 1, 0, 0, 0, 0},
         "",
         "definition levels larger than the page"},
        {{"srcport", VF_PQ_INT32, VF_PQ_REQUIRED, VF_PQ_SNAPPY, 3, {plain_i32}, 1, 0, 0, 0, 0},
         "corrupt-page",
         "corrupt SNAPPY page"},
    };
    uint8_t file[4096];
    char got[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("case %zu (%s)", i, cases[i].want);
        size_t n = build(&cases[i].s, file);
        const char *e = cases[i].edit;
        if (strcmp(e, "head") == 0)
            file[3] = '2';
        else if (strcmp(e, "cut") == 0)
            n -= 3;
        else if (strcmp(e, "footer-len") == 0)
            memcpy(file + n - 8, "\xff\xff\xff\x7f", 4);
        else if (strcmp(e, "footer-cut") == 0) { /* its last 10 bytes gone, its length says so */
            memmove(file + n - 18, file + n - 8, 8);
            n -= 10;
            file[n - 8] = (uint8_t)(file[n - 8] - 10);
        } else if (strcmp(e, "tiny") == 0)
            n = 8;
        else if (strcmp(e, "corrupt-page") == 0) { /* the snappy stream's length: 12 -> 13 */
            uint8_t *p = memmem(file + 4, n - 4, "\x0c\x2c", 2);
            CHECK(p != NULL);
            if (p)
                *p = 13;
        }
        read_all(file, n, got, sizeof got);
        CHECK(strncmp(got, "ERROR ", 6) == 0);
        CHECK(strstr(got, cases[i].want) != NULL);
        if (!strstr(got, cases[i].want))
            printf("    got: %s\n", got);
    }
}

/* ---- through vpcflow_scan: rows as records, line N = row N, projection --------------------- */

typedef struct seen {
    char text[2048];
    size_t len;
    unsigned records, columns, units;
} seen;

static void on_unit(void *state, uint64_t seq)
{
    ((seen *)state)->units++;
}

static int on_record(void *state, const vpcflow_record *rec)
{
    seen *s = state;
    s->records++;
    s->columns = (unsigned)vpcflow_format_columns(rec->format);
    s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "%llu:%.*s|",
                               (unsigned long long)rec->line_no, (int)rec->text.len, rec->text.ptr);
    return 0;
}

static void *open_state(void *ctx, unsigned worker)
{
    return ctx;
}

TEST(scan_reads_parquet_rows_with_projection)
{
    /* one optional bytes column, NULL in its third row */
    uint8_t file[4096];
    spec s = {"bytes", VF_PQ_INT64, VF_PQ_OPTIONAL, VF_PQ_SNAPPY, 3, {v2_i64}, 1, 0, 0, 0, 0};
    size_t n = build(&s, file);
    const char *path = t_file(0, "b.parquet", file, n);
    seen got = {0};
    vpcflow_sink sink = {open_state, on_record, NULL, NULL, &got, NULL};
    vpcflow_scan_options opt = {.size = sizeof opt, .threads = 1};
    vpcflow_scan_stats st;
    vpcflow_error err;
    CHECK_EQ_I64(vpcflow_scan(&path, 1, &opt, &sink, &st, &err), VPCFLOW_OK);
    CHECK_STR(got.text, "1:40000000000|2:7|3:-|");
    CHECK_EQ_U64(st.headers, 1);
    CHECK_EQ_U64(got.columns, 1);
    /* projection: bytes is not wanted, nothing else is known: the file is refused as such */
    memset(&got, 0, sizeof got);
    opt.fields = VPCFLOW_BIT(VPCFLOW_F_SRCADDR);
    CHECK_EQ_I64(vpcflow_scan(&path, 1, &opt, &sink, &st, &err), VPCFLOW_ERR_INPUT);
    CHECK(strstr(err.message, "without a flow-log column") != NULL);
    /* an older caller's options (size without `fields`) read every column */
    memset(&got, 0, sizeof got);
    opt.size = offsetof(vpcflow_scan_options, fields);
    CHECK_EQ_I64(vpcflow_scan(&path, 1, &opt, &sink, &st, &err), VPCFLOW_OK);
    CHECK_EQ_U64(got.records, 3);
}

TEST(scan_splits_parquet_by_row_groups)
{
    /* 5 row groups of 3 rows; units of at least chunk_bytes / 64 = 3 rows: one per row group */
    uint8_t file[4096];
    spec s = {"bytes", VF_PQ_INT64, VF_PQ_OPTIONAL, VF_PQ_ZSTD, 3, {v2_i64}, 1, 0, 0, 0, 5};
    size_t n = build(&s, file);
    const char *path = t_file(1, "rg.parquet", file, n);
    static const char want[] = "1:40000000000|2:7|3:-|4:40000000000|5:7|6:-|7:40000000000|8:7|9:-|10:40000000000|"
                               "11:7|12:-|13:40000000000|14:7|15:-|";
    static const struct {
        size_t chunk;
        unsigned units;
    } cases[] = {{192, 5}, {400, 3}, {0, 1}}; /* 400 / 64: 6 rows, two row groups a unit */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("chunk %zu", cases[i].chunk);
        seen got = {0};
        vpcflow_sink sink = {open_state, on_record, NULL, NULL, &got, on_unit};
        vpcflow_scan_options opt = {.size = sizeof opt, .threads = 1, .chunk_bytes = cases[i].chunk};
        vpcflow_scan_stats st;
        vpcflow_error err;
        CHECK_EQ_I64(vpcflow_scan(&path, 1, &opt, &sink, &st, &err), VPCFLOW_OK);
        CHECK_STR(got.text, want);
        CHECK_EQ_U64(st.headers, 1);
        CHECK_EQ_U64(st.lines, 16);
        CHECK_EQ_U64(st.records, 15); /* a NULL bytes is a record without bytes */
        CHECK_EQ_U64(st.bytes, 5 * (40000000000ull + 7));
        CHECK_EQ_U64(got.units, cases[i].units);
    }
}

typedef struct tally {
    pthread_mutex_t lock;
    uint64_t records, line_sum, bytes;
} tally;

static int on_tally(void *state, const vpcflow_record *rec)
{
    tally *t = state;
    pthread_mutex_lock(&t->lock);
    t->records++;
    t->line_sum += rec->line_no;
    t->bytes += rec->bytes;
    pthread_mutex_unlock(&t->lock);
    return 0;
}

TEST(scan_parquet_row_groups_in_threads)
{
    uint8_t file[4096];
    spec s = {"bytes", VF_PQ_INT64, VF_PQ_OPTIONAL, VF_PQ_SNAPPY, 3, {v2_i64}, 1, 0, 0, 0, 7};
    size_t n = build(&s, file);
    const char *path = t_file(2, "rg7.parquet", file, n);
    for (unsigned threads = 1; threads <= 4; threads++) {
        t_label("%u threads", threads);
        tally t = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
        vpcflow_sink sink = {open_state, on_tally, NULL, NULL, &t, NULL};
        vpcflow_scan_options opt = {.size = sizeof opt, .threads = threads, .chunk_bytes = 192};
        vpcflow_error err;
        CHECK_EQ_I64(vpcflow_scan(&path, 1, &opt, &sink, NULL, &err), VPCFLOW_OK);
        CHECK_EQ_U64(t.records, 21);
        CHECK_EQ_U64(t.line_sum, 21 * 22 / 2); /* rows 1..21, each once */
        CHECK_EQ_U64(t.bytes, 7 * (40000000000ull + 7));
    }
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
