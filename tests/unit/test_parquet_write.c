/* test_parquet_write.c — the Parquet writer (lib/parquet): Thrift compact encoding of known
 * structs byte for byte, the RLE/bit-packed hybrid (Encodings.md's examples and a decoder
 * round trip), a file's frame, misuse, and the round-trip file of every column type that
 * tests/cli/convert_parquet.sh reads back with DuckDB and hyparquet (written when
 * PQW_ROUNDTRIP_DIR is set: rows.parquet and the rows expected, rows.jsonl). */
#include "t.h"

#include "parquet/pqwrite.h"
#include "parquet/thrift_write.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

static int bytes_equal(const unsigned char *got, size_t n, const unsigned char *want, size_t wn)
{
    if (n == wn && memcmp(got, want, n) == 0)
        return 1;
    char g[256] = "", w[256] = "";
    for (size_t i = 0; i < n && i < 80; i++)
        snprintf(g + strlen(g), sizeof g - strlen(g), "%02x ", got[i]);
    for (size_t i = 0; i < wn && i < 80; i++)
        snprintf(w + strlen(w), sizeof w - strlen(w), "%02x ", want[i]);
    t_fail(__FILE__, __LINE__, "got %s want %s", g, w);
    return 0;
}

/* ---- Thrift compact protocol ---- */

static void tw_i32_one(vf_tw *t)
{
    vf_tw_i32(t, 1, 1);
}
static void tw_long_delta(vf_tw *t)
{
    vf_tw_i64(t, 20, -1); /* delta 20 > 15: type byte, then the id as a zigzag varint */
}
static void tw_bools(vf_tw *t)
{
    vf_tw_bool(t, 2, 1);
    vf_tw_bool(t, 3, 0);
}
static void tw_binary(vf_tw *t)
{
    vf_tw_string(t, 4, "ab", 2);
}
static void tw_list_i32(vf_tw *t)
{
    vf_tw_list(t, 2, VF_PQW_T_I32, 3);
    for (int i = 1; i <= 3; i++)
        vf_tw_elem_i32(t, i);
}
static void tw_list_long(vf_tw *t)
{
    vf_tw_list(t, 1, VF_PQW_T_BINARY, 15); /* 15 elements: the size moves out of the header */
    for (int i = 0; i < 15; i++)
        vf_tw_elem_binary(t, "", 0);
}
static void tw_nested(vf_tw *t)
{
    vf_tw_struct(t, 3);
    vf_tw_i32(t, 1, 5);
    vf_tw_end(t);
    vf_tw_i32(t, 4, 7); /* the outer struct's delta continues from 3 */
}
static void tw_page_header(vf_tw *t)
{
    vf_tw_i32(t, 1, 0);   /* DATA_PAGE */
    vf_tw_i32(t, 2, 100); /* uncompressed_page_size */
    vf_tw_i32(t, 3, 80);  /* compressed_page_size */
    vf_tw_struct(t, 5);   /* data_page_header */
    vf_tw_i32(t, 1, 10);  /* num_values */
    vf_tw_i32(t, 2, 0);   /* PLAIN */
    vf_tw_i32(t, 3, 3);   /* RLE */
    vf_tw_i32(t, 4, 3);
    vf_tw_end(t);
}
static void tw_big_numbers(vf_tw *t)
{
    vf_tw_i64(t, 1, INT64_MIN);
    vf_tw_i16(t, 2, -2);
    vf_tw_i8(t, 3, -1);
}
static void tw_list_struct(vf_tw *t)
{
    vf_tw_list(t, 7, VF_PQW_T_STRUCT, 2);
    for (int i = 0; i < 2; i++) {
        vf_tw_elem_struct(t);
        vf_tw_struct(t, 1);
        vf_tw_end(t);
        vf_tw_end(t);
    }
}

static const struct {
    const char *name;
    void (*build)(vf_tw *t);
    const char *bytes; /* with the outer struct's stop byte */
    size_t n;
} thrift_cases[] = {
    {"i32 field 1 = 1", tw_i32_one, "\x15\x02\x00", 3},
    {"i64 field 20 = -1", tw_long_delta, "\x06\x28\x01\x00", 4},
    {"bools in the header", tw_bools, "\x21\x12\x00", 3},
    {"binary", tw_binary,
     "\x48\x02"
     "ab\x00",
     5},
    {"list<i32> of 3", tw_list_i32, "\x29\x35\x02\x04\x06\x00", 6},
    {"list<binary> of 15", tw_list_long, "\x19\xf8\x0f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
     19},
    {"nested struct", tw_nested, "\x3c\x15\x0a\x00\x15\x0e\x00", 7},
    {"page header", tw_page_header, "\x15\x00\x15\xc8\x01\x15\xa0\x01\x2c\x15\x14\x15\x00\x15\x06\x15\x06\x00\x00", 19},
    {"INT64_MIN, i16, i8", tw_big_numbers, "\x16\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x14\x03\x13\xff\x00", 16},
    {"list of empty unions", tw_list_struct, "\x79\x2c\x1c\x00\x00\x1c\x00\x00\x00", 9},
};

TEST(thrift_compact_known_bytes)
{
    vf_tw t = {0};
    for (size_t i = 0; i < sizeof thrift_cases / sizeof *thrift_cases; i++) {
        t_label("%s", thrift_cases[i].name);
        vf_tw_reset(&t);
        thrift_cases[i].build(&t);
        vf_tw_end(&t);
        CHECK(!t.oom);
        CHECK_EQ_U64(t.depth, 0);
        bytes_equal(t.buf, t.len, (const unsigned char *)thrift_cases[i].bytes, thrift_cases[i].n);
    }
    vf_tw_free(&t);
}

TEST(thrift_zigzag_varints)
{
    static const struct {
        int64_t v;
        const char *bytes;
        size_t n;
    } cases[] = {{0, "\x00", 1},
                 {-1, "\x01", 1},
                 {1, "\x02", 1},
                 {63, "\x7e", 1},
                 {-64, "\x7f", 1},
                 {64, "\x80\x01", 2},
                 {INT32_MAX, "\xfe\xff\xff\xff\x0f", 5},
                 {INT32_MIN, "\xff\xff\xff\xff\x0f", 5}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        t_label("%" PRId64, cases[i].v);
        unsigned char b[10];
        size_t n = vf_tw_uvarint(b, vf_tw_zigzag(cases[i].v));
        bytes_equal(b, n, (const unsigned char *)cases[i].bytes, cases[i].n);
    }
}

/* ---- RLE / bit-packed hybrid ---- */

static const struct {
    const char *name;
    uint8_t vals[16];
    size_t n;
    int bw;
    const char *bytes;
    size_t nb;
} rle_cases[] = {
    {"8 equal: a run", {1, 1, 1, 1, 1, 1, 1, 1}, 8, 1, "\x10\x01", 2},
    {"alternating: bit-packed", {1, 0, 1, 0, 1, 0, 1, 0}, 8, 1, "\x03\x55", 2},
    {"3 values: one padded group", {1, 1, 1}, 3, 1, "\x03\x07", 2},
    {"Encodings.md: 0..7 in 3 bits", {0, 1, 2, 3, 4, 5, 6, 7}, 8, 3, "\x03\x88\xc6\xfa", 4},
    {"a run, then a padded group", {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1, 2}, 12, 3, "\x14\x05\x03\x11\x00\x00", 6},
    {"a group, then a run", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 16, 1, "\x03\x01\x10\x00", 4},
};

TEST(rle_hybrid_known_bytes)
{
    for (size_t i = 0; i < sizeof rle_cases / sizeof *rle_cases; i++) {
        t_label("%s", rle_cases[i].name);
        unsigned char *buf = NULL;
        size_t len = 0, cap = 0;
        CHECK(vf_pqw_rle(&buf, &len, &cap, rle_cases[i].vals, 1, rle_cases[i].n, rle_cases[i].bw) == 0);
        bytes_equal(buf, len, (const unsigned char *)rle_cases[i].bytes, rle_cases[i].nb);
        free(buf);
    }
    /* 100 zeros: one run, the count as a varint; uint32 values of 9 bits: two value bytes */
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    uint8_t zeros[100] = {0};
    CHECK(vf_pqw_rle(&buf, &len, &cap, zeros, 1, 100, 1) == 0);
    bytes_equal(buf, len, (const unsigned char *)"\xc8\x01\x00", 3);
    uint32_t wide[20];
    for (int i = 0; i < 20; i++)
        wide[i] = 300;
    len = 0;
    CHECK(vf_pqw_rle(&buf, &len, &cap, wide, 4, 20, 9) == 0);
    bytes_equal(buf, len, (const unsigned char *)"\x28\x2c\x01", 3);
    free(buf);
}

/* A decoder written from Encodings.md, to check long mixed inputs round-trip. */
static size_t rle_decode(const unsigned char *p, size_t n, int bw, uint32_t *out, size_t want)
{
    size_t got = 0, i = 0;
    while (i < n && got < want) {
        uint64_t h = 0;
        int shift = 0;
        while (i < n) {
            h |= (uint64_t)(p[i] & 0x7f) << shift;
            shift += 7;
            if (!(p[i++] & 0x80))
                break;
        }
        if (h & 1) {
            size_t count = (size_t)(h >> 1) * 8;
            uint64_t acc = 0;
            int bits = 0;
            for (size_t k = 0; k < count; k++) {
                while (bits < bw) {
                    acc |= (uint64_t)p[i++] << bits;
                    bits += 8;
                }
                uint32_t v = (uint32_t)(acc & ((UINT64_C(1) << bw) - 1));
                acc >>= bw;
                bits -= bw;
                if (got < want)
                    out[got++] = v;
            }
        } else {
            size_t count = (size_t)(h >> 1);
            uint32_t v = 0;
            for (int b = 0; b < (bw + 7) / 8; b++)
                v |= (uint32_t)p[i++] << (8 * b);
            for (size_t k = 0; k < count && got < want; k++)
                out[got++] = v;
        }
    }
    return got;
}

TEST(rle_hybrid_round_trip)
{
    static const int widths[] = {1, 2, 5, 8, 13, 20, 32};
    enum { N = 5000 };
    uint32_t *vals = malloc(N * sizeof *vals), *back = malloc(N * sizeof *back);
    uint64_t x = 88172645463325252u;
    for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
        int bw = widths[w];
        uint32_t mask = bw == 32 ? UINT32_MAX : (UINT32_C(1) << bw) - 1;
        for (size_t i = 0; i < N;) { /* runs of 1 to 40 of one value */
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t run = 1 + (size_t)(x % 40) * ((x >> 20) & 1);
            for (size_t k = 0; k < run && i < N; k++)
                vals[i++] = (uint32_t)(x >> 32) & mask;
        }
        for (size_t n = 0; n <= N; n += n < 20 ? 1 : 997) {
            t_label("width %d, %zu values", bw, n);
            unsigned char *buf = NULL;
            size_t len = 0, cap = 0;
            CHECK(vf_pqw_rle(&buf, &len, &cap, vals, 4, n, bw) == 0);
            CHECK_EQ_U64(rle_decode(buf, len, bw, back, n), n);
            CHECK(n == 0 || memcmp(vals, back, n * sizeof *vals) == 0);
            free(buf);
        }
    }
    free(vals);
    free(back);
}

/* ---- files ---- */

enum {
    C_REQ_I32,
    C_I16,
    C_I32,
    C_REQ_I64,
    C_I64,
    C_BOOL,
    C_REQ_BOOL,
    C_DICT,
    C_PLAIN,
    C_FALLBACK,
    C_REQ_DEC,
    C_DEC,
    C_ALL_NULL,
    NCOLS
};

static const vf_pqw_column rt_cols[NCOLS] = {
    [C_REQ_I32] = {"req_i32", VF_PQW_INT32, VF_PQW_LOGICAL_NONE, 0, 0, 0, 0, 0},
    [C_I16] = {"opt_i16", VF_PQW_INT32, VF_PQW_LOGICAL_INT16, 0, 0, 0, 1, 0},
    [C_I32] = {"opt_i32", VF_PQW_INT32, VF_PQW_LOGICAL_INT32, 0, 0, 0, 1, 0},
    [C_REQ_I64] = {"req_i64", VF_PQW_INT64, VF_PQW_LOGICAL_NONE, 0, 0, 0, 0, 0},
    [C_I64] = {"opt_i64", VF_PQW_INT64, VF_PQW_LOGICAL_NONE, 0, 0, 0, 1, 0},
    [C_BOOL] = {"opt_bool", VF_PQW_BOOLEAN, VF_PQW_LOGICAL_NONE, 0, 0, 0, 1, 0},
    [C_REQ_BOOL] = {"req_bool", VF_PQW_BOOLEAN, VF_PQW_LOGICAL_NONE, 0, 0, 0, 0, 0},
    [C_DICT] = {"str_dict", VF_PQW_BYTE_ARRAY, VF_PQW_LOGICAL_STRING, 0, 0, 0, 1, 1},
    [C_PLAIN] = {"str_plain", VF_PQW_BYTE_ARRAY, VF_PQW_LOGICAL_STRING, 0, 0, 0, 1, 0},
    [C_FALLBACK] = {"str_fallback", VF_PQW_BYTE_ARRAY, VF_PQW_LOGICAL_STRING, 0, 0, 0, 1, 1},
    [C_REQ_DEC] = {"req_dec", VF_PQW_FIXED, VF_PQW_LOGICAL_DECIMAL, 16, 38, 0, 0, 0},
    [C_DEC] = {"opt_dec", VF_PQW_FIXED, VF_PQW_LOGICAL_DECIMAL, 16, 38, 0, 1, 0},
    [C_ALL_NULL] = {"all_null", VF_PQW_BYTE_ARRAY, VF_PQW_LOGICAL_STRING, 0, 0, 0, 1, 1},
};

static void json_int(FILE *f, const char *name, int64_t v)
{
    if (v > (INT64_C(1) << 53) || v < -(INT64_C(1) << 53))
        fprintf(f, "\"%s\":\"%" PRId64 "\"", name, v);
    else
        fprintf(f, "\"%s\":%" PRId64, name, v);
}

static void json_u128(FILE *f, const char *name, unsigned __int128 v)
{
    char d[48];
    size_t n = sizeof d;
    d[--n] = 0;
    do {
        d[--n] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    fprintf(f, "\"%s\":\"%s\"", name, d + n);
}

static void dec_bytes(unsigned __int128 v, unsigned char *b)
{
    for (int k = 15; k >= 0; k--) {
        b[k] = (unsigned char)v;
        v >>= 8;
    }
}

/* Row i of the round-trip file, written and described as the JSON the readers must give. */
static void rt_row(vf_pqw *w, FILE *expect, uint64_t i)
{
    static const char *const words[] = {"ACCEPT", "REJECT", "", "caf\xc3\xa9 \"q\", \xe2\x86\x92",
                                        "eni-0123456789abcdef0"};
    static const int32_t i32s[] = {0, 1, -1, INT32_MAX, INT32_MIN, 443};
    static const int64_t i64s[] = {0, INT64_MAX, INT64_MIN, (INT64_C(1) << 53) + 1, -5, 1793491251};
    int32_t a = i32s[i % 6] + (int32_t)(i % 6 == 5 ? i : 0);
    int16_t s = (int16_t)(i % 3 == 0 ? -32768 : (int)(i % 32768));
    int64_t b = i64s[i % 6];
    unsigned __int128 dec = i % 4 == 0 ? 0 : ((unsigned __int128)1 << 127) - 1 - i * 1000003u;
    char plain[64], fallback[200];
    snprintf(plain, sizeof plain, "row %" PRIu64, i);
    snprintf(fallback, sizeof fallback, "%0150" PRIu64, i * 7919u);
    unsigned char db[16];

    fputc('{', expect);
    vf_pqw_int(w, C_REQ_I32, a);
    json_int(expect, "req_i32", a);
    if (i % 5 == 0) {
        vf_pqw_null(w, C_I16);
        fputs(",\"opt_i16\":null", expect);
    } else {
        vf_pqw_int(w, C_I16, s);
        fputc(',', expect), json_int(expect, "opt_i16", s);
    }
    if (i % 7 < 3) {
        vf_pqw_null(w, C_I32);
        fputs(",\"opt_i32\":null", expect);
    } else {
        int32_t neg = (int32_t)(0u - (uint32_t)a); /* INT32_MIN stays itself */
        vf_pqw_int(w, C_I32, neg);
        fputc(',', expect), json_int(expect, "opt_i32", neg);
    }
    vf_pqw_int(w, C_REQ_I64, b);
    fputc(',', expect), json_int(expect, "req_i64", b);
    if (i >= 1000 && i < 2500) { /* a long stretch of NULLs: runs in the levels */
        vf_pqw_null(w, C_I64);
        fputs(",\"opt_i64\":null", expect);
    } else {
        vf_pqw_int(w, C_I64, (int64_t)i * 1000000007);
        fputc(',', expect), json_int(expect, "opt_i64", (int64_t)i * 1000000007);
    }
    if (i % 3 == 2) {
        vf_pqw_null(w, C_BOOL);
        fputs(",\"opt_bool\":null", expect);
    } else {
        vf_pqw_int(w, C_BOOL, (int64_t)(i & 1));
        fprintf(expect, ",\"opt_bool\":%s", i & 1 ? "true" : "false");
    }
    vf_pqw_int(w, C_REQ_BOOL, (int64_t)((i / 3) & 1));
    fprintf(expect, ",\"req_bool\":%s", (i / 3) & 1 ? "true" : "false");
    if (i % 11 == 0) {
        vf_pqw_null(w, C_DICT);
        fputs(",\"str_dict\":null", expect);
    } else {
        const char *word = words[(i / 2) % 5];
        vf_pqw_bytes(w, C_DICT, word, strlen(word));
        fputs(",\"str_dict\":\"", expect);
        for (const char *p = word; *p; p++)
            fprintf(expect, *p == '"' ? "\\\"" : "%c", *p);
        fputc('"', expect);
    }
    vf_pqw_bytes(w, C_PLAIN, plain, strlen(plain));
    fprintf(expect, ",\"str_plain\":\"%s\"", plain);
    vf_pqw_bytes(w, C_FALLBACK, fallback, strlen(fallback));
    fprintf(expect, ",\"str_fallback\":\"%s\"", fallback);
    dec_bytes(dec, db);
    vf_pqw_bytes(w, C_REQ_DEC, db, 16);
    fputc(',', expect), json_u128(expect, "req_dec", dec);
    if (i % 2) {
        vf_pqw_null(w, C_DEC);
        fputs(",\"opt_dec\":null", expect);
    } else {
        dec_bytes(i, db);
        vf_pqw_bytes(w, C_DEC, db, 16);
        fputc(',', expect), json_u128(expect, "opt_dec", i);
    }
    vf_pqw_null(w, C_ALL_NULL);
    fputs(",\"all_null\":null}\n", expect);
}

static const vf_pqw_codec codecs[] = {VF_PQW_CODEC_NONE, VF_PQW_CODEC_ZSTD, VF_PQW_CODEC_SNAPPY, VF_PQW_CODEC_GZIP};

TEST(file_frame_and_round_trip_file)
{
    const char *dir = getenv("PQW_ROUNDTRIP_DIR");
    for (size_t c = 0; c < sizeof codecs / sizeof *codecs; c++) {
        t_label("codec %d", (int)codecs[c]);
        char path[1024], jpath[1024];
        snprintf(path, sizeof path, "%s/rows-%d.parquet", dir ? dir : t_tmpdir(), (int)codecs[c]);
        snprintf(jpath, sizeof jpath, "%s/rows-%d.jsonl", dir ? dir : t_tmpdir(), (int)codecs[c]);
        FILE *f = fopen(path, "wb+"), *expect = fopen(jpath, "w");
        CHECK(f && expect);
        if (!f || !expect)
            return;
        /* small row groups and pages: several of each */
        vf_pqw_options o = {codecs[c], 0, 0, 1500, 4096, 0, "test"};
        vf_pqw *w = vf_pqw_new(rt_cols, NCOLS, &o, f);
        CHECK(w != NULL);
        for (uint64_t i = 0; i < 5000; i++) {
            rt_row(w, expect, i);
            CHECK(vf_pqw_end_row(w) == 0);
        }
        CHECK_EQ_U64(vf_pqw_rows(w), 5000);
        CHECK(vf_pqw_finish(w) == 0);
        vf_pqw_free(w);
        fclose(expect);
        /* "PAR1" at both ends; the footer's length fits */
        long size = ftell(f);
        unsigned char head[4], tail[8];
        rewind(f);
        CHECK(fread(head, 1, 4, f) == 4);
        fseek(f, size - 8, SEEK_SET);
        CHECK(fread(tail, 1, 8, f) == 8);
        fclose(f);
        CHECK(memcmp(head, "PAR1", 4) == 0);
        CHECK(memcmp(tail + 4, "PAR1", 4) == 0);
        uint32_t footer =
            (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 | (uint32_t)tail[3] << 24;
        CHECK(footer > 100 && footer < (uint32_t)size - 12);
    }
}

TEST(misuse_is_refused)
{
    FILE *f = tmpfile();
    vf_pqw_options o = {VF_PQW_CODEC_NONE, 0, 0, 0, 0, 0, NULL};
    /* a NULL in a required column */
    vf_pqw *w = vf_pqw_new(rt_cols, 1, &o, f);
    vf_pqw_null(w, 0);
    errno = 0;
    CHECK(vf_pqw_end_row(w) == -1);
    CHECK_EQ_I64(errno, EINVAL);
    vf_pqw_free(w);
    /* a row that misses a column */
    w = vf_pqw_new(rt_cols, 2, &o, f);
    vf_pqw_int(w, 0, 1);
    CHECK(vf_pqw_end_row(w) == 0);
    errno = 0;
    CHECK(vf_pqw_finish(w) == -1);
    CHECK_EQ_I64(errno, EINVAL);
    vf_pqw_free(w);
    /* a FIXED value of the wrong length */
    w = vf_pqw_new(&rt_cols[C_REQ_DEC], 1, &o, f);
    vf_pqw_bytes(w, 0, "short", 5);
    CHECK(vf_pqw_end_row(w) == -1);
    vf_pqw_free(w);
    /* a column without a name */
    vf_pqw_column bad = {NULL, VF_PQW_INT32, VF_PQW_LOGICAL_NONE, 0, 0, 0, 0, 0};
    errno = 0;
    CHECK(vf_pqw_new(&bad, 1, &o, f) == NULL);
    CHECK_EQ_I64(errno, EINVAL);
    fclose(f);
}

TEST(dictionary_pays_or_falls_back)
{
    /* few distinct values: a dictionary page makes the file smaller than PLAIN; all distinct:
     * the writer falls back to PLAIN and the file is no larger than without a dictionary */
    size_t sizes[2][2];
    for (int distinct = 0; distinct < 2; distinct++) {
        for (int dict = 0; dict < 2; dict++) {
            vf_pqw_column col = {"s", VF_PQW_BYTE_ARRAY, VF_PQW_LOGICAL_STRING, 0, 0, 0, 1, dict};
            FILE *f = tmpfile();
            vf_pqw_options o = {VF_PQW_CODEC_NONE, 0, 0, 0, 0, 0, NULL};
            vf_pqw *w = vf_pqw_new(&col, 1, &o, f);
            for (int i = 0; i < 20000; i++) {
                char s[32];
                snprintf(s, sizeof s, "value-%08d", distinct ? i : i % 7);
                vf_pqw_bytes(w, 0, s, strlen(s));
                CHECK(vf_pqw_end_row(w) == 0);
            }
            CHECK(vf_pqw_finish(w) == 0);
            sizes[distinct][dict] = (size_t)ftell(f);
            vf_pqw_free(w);
            fclose(f);
        }
    }
    CHECK(sizes[0][1] * 10 < sizes[0][0]);
    CHECK(sizes[1][1] <= sizes[1][0]);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
