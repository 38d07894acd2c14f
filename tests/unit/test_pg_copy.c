/* test_pg_copy.c — PostgreSQL's binary COPY encoding, byte for byte (lib/pg/pg_copy.c): the
 * stream's header and trailer, and each type's field: length, then the bytes the type's
 * receive function reads. */
#include "t.h"

#include "pg/pg_copy.h"

#include <stdlib.h>

static char hex[4096];

static const char *to_hex(const vf_pgbuf *b)
{
    size_t o = 0;
    for (size_t i = 0; i < b->len && o + 3 < sizeof hex; i++)
        o += (size_t)snprintf(hex + o, sizeof hex - o, "%02x", b->p[i]);
    hex[o] = 0;
    return hex;
}

static vf_value v_int(int64_t i)
{
    vf_value v = {0};
    v.i = i;
    return v;
}

static vf_value v_num(uint64_t hi, uint64_t lo)
{
    vf_value v = {0};
    v.hi = hi;
    v.lo = lo;
    return v;
}

static vf_value v_text(const char *s, size_t n)
{
    vf_value v = {0};
    v.s = s;
    v.len = n;
    return v;
}

static vf_value v_addr(const char *s)
{
    vf_value v = {0};
    vpcflow_addr_parse(s, strlen(s), &v.a);
    return v;
}

TEST(pg_copy_fields)
{
    vf_value null = {0};
    null.null = 1;
    const struct {
        const char *name;
        vf_col_type type;
        vf_value v;
        const char *want; /* the field in hex: int32 length, then the value */
    } cases[] = {
        {"inet v4", VF_COL_ADDR, v_addr("10.1.2.3"),
         "00000008"
         "02200004"
         "0a010203"},
        {"inet v4 max", VF_COL_ADDR, v_addr("255.255.255.255"),
         "00000008"
         "02200004"
         "ffffffff"},
        {"inet v6", VF_COL_ADDR, v_addr("2001:db8::1"),
         "00000014"
         "03800010"
         "20010db8000000000000000000000001"},
        {"inet v6 ::", VF_COL_ADDR, v_addr("::"),
         "00000014"
         "03800010"
         "00000000000000000000000000000000"},
        {"timestamptz 2000-01-01", VF_COL_TIME, v_int(946684800),
         "00000008"
         "0000000000000000"},
        {"timestamptz 2023-11-14T22:13:20Z", VF_COL_TIME, v_int(1700000000),
         "00000008"
         "0002ad22dce66000"},
        {"timestamptz 1970-01-01", VF_COL_TIME, v_int(0),
         "00000008"
         "fffca2fec4c82000"},
        {"numeric 0", VF_COL_NUM, v_num(0, 0),
         "00000008"
         "0000"
         "0000"
         "0000"
         "0000"},
        {"numeric 1", VF_COL_NUM, v_num(0, 1),
         "0000000a"
         "0001"
         "0000"
         "0000"
         "0000"
         "0001"},
        {"numeric 10^4", VF_COL_NUM, v_num(0, 10000),
         "0000000a"
         "0001"
         "0001"
         "0000"
         "0000"
         "0001"},
        {"numeric 2^64+1", VF_COL_NUM, v_num(1, 1),
         "00000012"
         "0005"
         "0004"
         "0000"
         "0000"
         "0734"
         "1a58"
         "02e1"
         "03bb"
         "0651"},
        {"numeric 2^100", VF_COL_NUM, v_num(UINT64_C(1) << 36, 0),
         "00000018"
         "0008"
         "0007"
         "0000"
         "0000"
         "007e"
         "1de2"
         "1772"
         "0b06"
         "24b9"
         "1367"
         "0140"
         "1500"},
        {"numeric 2^127-1", VF_COL_NUM, v_num(UINT64_MAX >> 1, UINT64_MAX),
         "0000001c"
         "000a"
         "0009"
         "0000"
         "0000"
         "00aa"
         "0583"
         "209a"
         "01d5"
         "090d"
         "0c60"
         "1c87"
         "1bf6"
         "20da"
         "165f"},
        {"NULL text", VF_COL_TEXT, null, "ffffffff"},
        {"NULL inet", VF_COL_ADDR, null, "ffffffff"},
        {"NULL numeric", VF_COL_NUM, null, "ffffffff"},
        {"text", VF_COL_TEXT, v_text("eni-1", 5),
         "00000005"
         "656e692d31"},
        {"text empty", VF_COL_TEXT, v_text("", 0), "00000000"},
        {"text UTF-8 kept", VF_COL_TEXT, v_text("caf\xc3\xa9", 5),
         "00000005"
         "636166c3a9"},
        {"text stray byte", VF_COL_TEXT,
         v_text("a\xff"
                "b",
                3),
         "00000005"
         "61efbfbd62"},
        {"text NUL", VF_COL_TEXT, v_text("a\0b", 3),
         "00000003"
         "613f62"},
        {"smallint", VF_COL_I16, v_int(6),
         "00000002"
         "0006"},
        {"integer", VF_COL_I32, v_int(65535),
         "00000004"
         "0000ffff"},
        {"bigint", VF_COL_I64, v_int(INT64_C(1) << 40),
         "00000008"
         "0000010000000000"},
        {"boolean true", VF_COL_BOOL, v_int(1),
         "00000001"
         "01"},
        {"boolean false", VF_COL_BOOL, v_int(0),
         "00000001"
         "00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        t_label("%s", cases[i].name);
        vf_pgbuf b = {0};
        CHECK(vf_pg_field(&b, cases[i].type, &cases[i].v) == 0);
        CHECK_STR(to_hex(&b), cases[i].want);
        vf_pgbuf_free(&b);
    }
}

/* Any 128-bit value (below 2^127) decodes back to itself: base-10000 digits, most significant
 * first, weight the power of the first, trailing zero digits left to the weight. */
TEST(pg_copy_numeric_decodes)
{
    static const uint64_t lo[] = {0, 1, 9999, 10000, 10001, 100000000, UINT64_MAX};
    static const uint64_t hi[] = {0, 1, 12345, UINT64_MAX >> 1};
    for (size_t h = 0; h < sizeof hi / sizeof *hi; h++)
        for (size_t l = 0; l < sizeof lo / sizeof *lo; l++) {
            t_label("hi %llu lo %llu", (unsigned long long)hi[h], (unsigned long long)lo[l]);
            vf_pgbuf b = {0};
            vf_value v = v_num(hi[h], lo[l]);
            CHECK(vf_pg_field(&b, VF_COL_NUM, &v) == 0);
            const unsigned char *p = b.p;
            unsigned nd = (unsigned)(p[4] << 8 | p[5]), weight = (unsigned)(p[6] << 8 | p[7]);
            CHECK_EQ_U64(b.len, 4 + 8 + 2 * nd);
            unsigned __int128 got = 0;
            for (unsigned i = 0; i <= (nd ? weight : 0) && nd; i++) {
                unsigned d = i < nd ? (unsigned)(p[12 + 2 * i] << 8 | p[13 + 2 * i]) : 0;
                CHECK(d < 10000);
                got = got * 10000 + d;
            }
            unsigned __int128 want = ((unsigned __int128)hi[h] << 64) | lo[l];
            CHECK(got == want);
            vf_pgbuf_free(&b);
        }
}

TEST(pg_copy_stream)
{
    vf_pgbuf b = {0};
    CHECK(vf_pg_header(&b) == 0);
    CHECK_STR(to_hex(&b), "5047434f50590aff0d0a00"
                          "00000000"
                          "00000000");
    b.len = 0;
    vf_col_type types[3] = {VF_COL_I64, VF_COL_ADDR, VF_COL_TEXT};
    vf_value vals[3] = {v_int(7), v_addr("10.0.0.1"), v_text("OK", 2)};
    CHECK(vf_pg_tuple(&b, types, vals, 3) == 0);
    CHECK_STR(to_hex(&b), "0003"
                          "00000008"
                          "0000000000000007"
                          "00000008"
                          "022000040a000001"
                          "00000002"
                          "4f4b");
    b.len = 0;
    CHECK(vf_pg_trailer(&b) == 0);
    CHECK_STR(to_hex(&b), "ffff");
    CHECK_EQ_I64(vf_pg_time(946684801), 1000000);
    vf_pgbuf_free(&b);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
