/* pg_copy.c — PostgreSQL's binary COPY encoding of exported rows (pg_copy.h). Layouts are
 * those of the types' send functions: integers in network order, inet as family (2 IPv4, 3
 * IPv6), bits, is_cidr, byte count and the address, timestamptz as int64 microseconds since
 * 2000-01-01 UTC, numeric as ndigits, weight, sign, dscale and base-10000 digits. */
#include "pg/pg_copy.h"

#include "base/array.h"
#include "base/text.h"

#include <stdlib.h>
#include <string.h>

#define PG_EPOCH 946684800 /* 2000-01-01T00:00:00Z in Unix seconds */

void vf_pgbuf_free(vf_pgbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int reserve(vf_pgbuf *b, size_t more)
{
    if (more > SIZE_MAX - b->len)
        return -1;
    return vf_grow(&b->p, &b->cap, b->len + more, 1);
}

static void put16(vf_pgbuf *b, uint16_t v)
{
    b->p[b->len++] = (unsigned char)(v >> 8);
    b->p[b->len++] = (unsigned char)v;
}

static void put32(vf_pgbuf *b, uint32_t v)
{
    for (int s = 24; s >= 0; s -= 8)
        b->p[b->len++] = (unsigned char)(v >> s);
}

static void put64(vf_pgbuf *b, uint64_t v)
{
    for (int s = 56; s >= 0; s -= 8)
        b->p[b->len++] = (unsigned char)(v >> s);
}

int vf_pg_header(vf_pgbuf *b)
{
    static const unsigned char sig[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};
    if (reserve(b, 19) < 0)
        return -1;
    memcpy(b->p + b->len, sig, sizeof sig);
    b->len += sizeof sig;
    put32(b, 0); /* flags: no OIDs */
    put32(b, 0); /* header extension length */
    return 0;
}

int vf_pg_trailer(vf_pgbuf *b)
{
    if (reserve(b, 2) < 0)
        return -1;
    put16(b, 0xffff);
    return 0;
}

int64_t vf_pg_time(int64_t unix_seconds)
{
    return (unix_seconds - PG_EPOCH) * 1000000;
}

/* Text as PostgreSQL takes it: valid UTF-8 without NUL. Returns the bytes written. */
static size_t put_text(unsigned char *out, const unsigned char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] && s[i] < 0x80) {
            out[o++] = s[i++];
            continue;
        }
        size_t k = s[i] ? vf_utf8_len(s + i, n - i) : 0;
        if (!s[i]) {
            out[o++] = '?';
            i++;
        } else if (k) {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        } else {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        }
    }
    return o;
}

static int ascii(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || s[i] >= 0x80)
            return 0;
    return 1;
}

static void put_numeric(vf_pgbuf *b, uint64_t hi, uint64_t lo)
{
    unsigned __int128 v = ((unsigned __int128)hi << 64) | lo;
    uint16_t digits[10]; /* 2^128 < 10^40: at most 10 base-10000 digits, least significant first */
    int n = 0;
    while (v) {
        digits[n++] = (uint16_t)(v % 10000);
        v /= 10000;
    }
    int low = 0; /* trailing zero digits are implied by the weight */
    while (low < n && digits[low] == 0)
        low++;
    int nd = n - low;
    put32(b, (uint32_t)(8 + 2 * nd));
    put16(b, (uint16_t)nd);
    put16(b, (uint16_t)(n ? n - 1 : 0)); /* weight: the power of 10000 of the first digit */
    put16(b, 0);                         /* sign: positive */
    put16(b, 0);                         /* dscale: numeric(38,0) */
    for (int i = n - 1; i >= low; i--)
        put16(b, digits[i]);
}

int vf_pg_field(vf_pgbuf *b, vf_col_type type, const vf_value *v)
{
    if (v->null) {
        if (reserve(b, 4) < 0)
            return -1;
        put32(b, 0xffffffffu);
        return 0;
    }
    if (type == VF_COL_TEXT) {
        const unsigned char *s = (const unsigned char *)v->s;
        int plain = ascii(s, v->len);
        size_t most = plain ? v->len : v->len * 3;
        if (v->len > (SIZE_MAX - 4) / 3 || most > INT32_MAX || reserve(b, 4 + most) < 0)
            return -1;
        size_t at = b->len;
        b->len += 4;
        size_t n = plain ? v->len : put_text(b->p + b->len, s, v->len);
        if (plain && n)
            memcpy(b->p + b->len, s, n);
        b->len = at;
        put32(b, (uint32_t)n);
        b->len += n;
        return 0;
    }
    if (reserve(b, 4 + 20) < 0) /* the longest other value: inet IPv6 */
        return -1;
    switch (type) {
    case VF_COL_ADDR:
        if (vpcflow_addr_is_v4(v->a)) {
            put32(b, 8);
            b->p[b->len++] = 2; /* PGSQL_AF_INET */
            b->p[b->len++] = 32;
            b->p[b->len++] = 0; /* is_cidr */
            b->p[b->len++] = 4;
            put32(b, vpcflow_addr_v4(v->a));
        } else {
            put32(b, 20);
            b->p[b->len++] = 3; /* PGSQL_AF_INET6 */
            b->p[b->len++] = 128;
            b->p[b->len++] = 0;
            b->p[b->len++] = 16;
            put64(b, v->a.hi);
            put64(b, v->a.lo);
        }
        break;
    case VF_COL_I16:
        put32(b, 2);
        put16(b, (uint16_t)v->i);
        break;
    case VF_COL_I32:
        put32(b, 4);
        put32(b, (uint32_t)v->i);
        break;
    case VF_COL_I64:
        put32(b, 8);
        put64(b, (uint64_t)v->i);
        break;
    case VF_COL_TIME:
        put32(b, 8);
        put64(b, (uint64_t)vf_pg_time(v->i));
        break;
    case VF_COL_BOOL:
        put32(b, 1);
        b->p[b->len++] = v->i != 0;
        break;
    case VF_COL_NUM:
        put_numeric(b, v->hi, v->lo);
        break;
    default:
        return -1;
    }
    return 0;
}

int vf_pg_tuple(vf_pgbuf *b, const vf_col_type *types, const vf_value *vals, size_t n)
{
    size_t start = b->len;
    if (reserve(b, 2) < 0)
        return -1;
    put16(b, (uint16_t)n);
    for (size_t i = 0; i < n; i++)
        if (vf_pg_field(b, types[i], &vals[i]) < 0) {
            b->len = start;
            return -1;
        }
    return 0;
}
