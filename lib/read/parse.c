/* parse.c — one flow-log line to a vpcflow_record, in place, without allocating.
 *
 * Buffer contract (vf_parse_record): the line starts at p and ends with '\n' somewhere before
 * `end`; the bytes up to end are readable. Token loops stop at any byte <= ' ', so the '\n'
 * sentinel bounds them without a length test:
 *
 *     "2 123456789010 eni-0a1b 10.0.1.5 ... ACCEPT OK\n"
 *      ^ p                                            ^ line end (sentinel)   ... ^ end
 *
 * Numbers, addresses and enums are converted while they are scanned (one pass over the
 * bytes); string fields are left as views into the buffer.
 */
#include "read/parse.h"

#include "read/format.h"
#include "read/lines.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEP(c) ((unsigned char)(c) <= ' ')

/* ---- 8 bytes at a time (SWAR) ------------------------------------------------------------
 * The buffer contract guarantees readable bytes past every line end, so loading 8 bytes at any
 * position inside a line is safe. Little-endian: byte 0 of a load is the first character. */

static inline uint64_t load8(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Number of leading ASCII digits among the 8 bytes of v. A byte is a digit when its high
 * nibble is 3 both as is and after adding 6; carries can only disturb bytes after the first
 * non-digit, which do not matter. */
static inline unsigned leading_digits(uint64_t v)
{
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0ull, three = 0x3030303030303030ull;
    uint64_t bad = ((v & hi) ^ three) | (((v + 0x0606060606060606ull) & hi) ^ three);
    return bad ? (unsigned)__builtin_ctzll(bad) / 8 : 8;
}

/* Value of the first n (1..8) digits of v (8 bytes of text). */
static inline uint64_t digits_value(uint64_t v, unsigned n)
{
    v -= 0x3030303030303030ull;
    v <<= (8 - n) * 8; /* leading zeros in front */
    v = v * 10 + (v >> 8);
    v = (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
         (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
        32;
    return v;
}

static const uint64_t pow10_table[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/* Scans an unsigned decimal. Returns the end, or NULL on overflow or when no digit. Up to
 * 16 digits take two steps of 8; longer numbers are checked for overflow one digit at a time. */
static inline const char *scan_u64(const char *p, uint64_t *out)
{
    uint64_t c = load8(p);
    unsigned n = leading_digits(c);
    if (VF_UNLIKELY(n == 0))
        return NULL;
    uint64_t v = digits_value(c, n);
    p += n;
    if (n == 8) {
        c = load8(p);
        n = leading_digits(c);
        if (n) {
            v = v * pow10_table[n] + digits_value(c, n);
            p += n;
            if (VF_UNLIKELY(n == 8)) { /* 17 digits or more */
                unsigned d;
                while ((d = (unsigned)(unsigned char)*p - '0') <= 9) {
                    if (v > (UINT64_MAX - d) / 10)
                        return NULL;
                    v = v * 10 + d;
                    p++;
                }
            }
        }
    }
    *out = v;
    return p;
}

/* Fast dotted-quad IPv4; returns NULL when the text is not a plain IPv4 address. */
static inline const char *scan_v4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (*p != '.')
                return NULL;
            p++;
        }
        unsigned d0 = (unsigned)(unsigned char)p[0] - '0';
        if (d0 > 9)
            return NULL;
        unsigned octet = d0;
        unsigned d1 = (unsigned)(unsigned char)p[1] - '0';
        if (d1 <= 9) {
            if (d0 == 0)
                return NULL; /* leading zero */
            octet = octet * 10 + d1;
            unsigned d2 = (unsigned)(unsigned char)p[2] - '0';
            if (d2 <= 9) {
                octet = octet * 10 + d2;
                if (octet > 255)
                    return NULL;
                p += 3;
            } else
                p += 2;
        } else
            p += 1;
        v = (v << 8) | octet;
    }
    *out = v;
    return p;
}

/* End of a token: the first byte <= ' ' (bytes >= 0x80 of UTF-8 never match). The borrow
 * trick finds the first such byte exactly; later ones may be misreported, which is harmless. */
static inline const char *token_end(const char *p)
{
    for (;;) {
        uint64_t v = load8(p);
        uint64_t m = (v - 0x2121212121212121ull) & ~v & 0x8080808080808080ull;
        if (m)
            return p + __builtin_ctzll(m) / 8;
        p += 8;
    }
}

static int enum_value(vpcflow_field f, const char *s, size_t n)
{
    switch (f) {
    case VPCFLOW_F_ACTION:
        if (n == 6 && memcmp(s, "ACCEPT", 6) == 0)
            return VPCFLOW_ACTION_ACCEPT;
        if (n == 6 && memcmp(s, "REJECT", 6) == 0)
            return VPCFLOW_ACTION_REJECT;
        return -1;
    case VPCFLOW_F_LOG_STATUS:
        if (n == 2 && s[0] == 'O' && s[1] == 'K')
            return VPCFLOW_STATUS_OK;
        if (n == 6 && memcmp(s, "NODATA", 6) == 0)
            return VPCFLOW_STATUS_NODATA;
        if (n == 8 && memcmp(s, "SKIPDATA", 8) == 0)
            return VPCFLOW_STATUS_SKIPDATA;
        return -1;
    case VPCFLOW_F_FLOW_DIRECTION:
        if (n == 7 && memcmp(s, "ingress", 7) == 0)
            return VPCFLOW_DIR_INGRESS;
        if (n == 6 && memcmp(s, "egress", 6) == 0)
            return VPCFLOW_DIR_EGRESS;
        return -1;
    default:
        return -1;
    }
}

/* Where the typed value of each address, number and time field sits in a record: one table
 * that the parser (which writes values) and vf_record_addr / vf_record_number (which read
 * them) share. */
#define AT(member) offsetof(vpcflow_record, member)
#define LOST(k) (AT(packets_lost) + (k) * sizeof(uint64_t))
static const uint16_t value_at[VPCFLOW_F_COUNT] = {
    [VPCFLOW_F_VERSION] = AT(version),
    [VPCFLOW_F_SRCADDR] = AT(srcaddr),
    [VPCFLOW_F_DSTADDR] = AT(dstaddr),
    [VPCFLOW_F_SRCPORT] = AT(srcport),
    [VPCFLOW_F_DSTPORT] = AT(dstport),
    [VPCFLOW_F_PROTOCOL] = AT(protocol),
    [VPCFLOW_F_PACKETS] = AT(packets),
    [VPCFLOW_F_BYTES] = AT(bytes),
    [VPCFLOW_F_START] = AT(start),
    [VPCFLOW_F_END] = AT(end),
    [VPCFLOW_F_TCP_FLAGS] = AT(tcp_flags),
    [VPCFLOW_F_PKT_SRCADDR] = AT(pkt_srcaddr),
    [VPCFLOW_F_PKT_DSTADDR] = AT(pkt_dstaddr),
    [VPCFLOW_F_TRAFFIC_PATH] = AT(traffic_path),
    [VPCFLOW_F_PACKETS_LOST_NO_ROUTE] = LOST(0),
    [VPCFLOW_F_PACKETS_LOST_BLACKHOLE] = LOST(1),
    [VPCFLOW_F_PACKETS_LOST_MTU_EXCEEDED] = LOST(2),
    [VPCFLOW_F_PACKETS_LOST_TTL_EXPIRED] = LOST(3),
};
#undef AT
#undef LOST

static vpcflow_addr *addr_slot(vpcflow_record *rec, int f)
{
    return (vpcflow_addr *)(void *)((char *)rec + value_at[f]);
}

static uint32_t *u32_slot(vpcflow_record *rec, int f)
{
    return (uint32_t *)(void *)((char *)rec + value_at[f]);
}

static uint64_t *u64_slot(vpcflow_record *rec, int f)
{
    return (uint64_t *)(void *)((char *)rec + value_at[f]);
}

static int64_t *time_slot(vpcflow_record *rec, int f)
{
    return (int64_t *)(void *)((char *)rec + value_at[f]);
}

static uint32_t u32_limit(int f)
{
    switch (f) {
    case VPCFLOW_F_SRCPORT:
    case VPCFLOW_F_DSTPORT:
        return 65535;
    case VPCFLOW_F_PROTOCOL:
        return 255;
    default:
        return UINT32_MAX;
    }
}

/* Parses one typed value at p; returns its end, or NULL with *why set. The value "-" has
 * been handled by the caller. */
static const char *parse_value(vpcflow_record *rec, int f, int type, const char *p, const char **why)
{
    uint64_t v;
    const char *q;
    switch (type) {
    case VPCFLOW_T_ADDR: {
        uint32_t v4;
        q = scan_v4(p, &v4);
        vpcflow_addr *slot = addr_slot(rec, f);
        if (VF_LIKELY(q && SEP(*q))) {
            *slot = vpcflow_addr_from_v4(v4);
            return q;
        }
        q = token_end(p);
        if (vpcflow_addr_parse(p, (size_t)(q - p), slot) < 0) {
            *why = "not an IPv4 or IPv6 address";
            return NULL;
        }
        return q;
    }
    case VPCFLOW_T_U32:
        q = scan_u64(p, &v);
        if (!q || !SEP(*q)) {
            *why = "not a whole number";
            return NULL;
        }
        if (v > u32_limit(f)) {
            *why = f == VPCFLOW_F_PROTOCOL ? "protocol is above 255" : "number out of range";
            return NULL;
        }
        *u32_slot(rec, f) = (uint32_t)v;
        return q;
    case VPCFLOW_T_U64:
        q = scan_u64(p, &v);
        if (!q || !SEP(*q)) {
            *why = "not a whole number";
            return NULL;
        }
        if (v > VF_MAX_COUNT) {
            *why = f == VPCFLOW_F_BYTES     ? "bytes above 2^50 (1 PiB): more than one record can carry"
                   : f == VPCFLOW_F_PACKETS ? "packets above 2^50: more than one record can carry"
                                            : "count above 2^50: more than one record can carry";
            return NULL;
        }
        *u64_slot(rec, f) = v;
        return q;
    case VPCFLOW_T_TIME:
        q = scan_u64(p, &v);
        if (!q || !SEP(*q)) {
            *why = "not a Unix time";
            return NULL;
        }
        if (vf_time_seconds(v, time_slot(rec, f)) < 0) {
            *why = "Unix time past the year 5138 (in seconds or milliseconds)";
            return NULL;
        }
        return q;
    default: { /* VPCFLOW_T_ENUM */
        q = token_end(p);
        int e = enum_value((vpcflow_field)f, p, (size_t)(q - p));
        if (e < 0) {
            *why = f == VPCFLOW_F_ACTION       ? "action is not ACCEPT or REJECT"
                   : f == VPCFLOW_F_LOG_STATUS ? "log-status is not OK, NODATA or SKIPDATA"
                                               : "flow-direction is not ingress or egress";
            return NULL;
        }
        if (f == VPCFLOW_F_ACTION)
            rec->action = (uint8_t)e;
        else if (f == VPCFLOW_F_LOG_STATUS)
            rec->log_status = (uint8_t)e;
        else
            rec->flow_direction = (uint8_t)e;
        return q;
    }
    }
}

static const char *skip_to_eol(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl : end - 1;
}

/* Counts the fields of the line starting at p (for the message about a wrong count). */
static unsigned count_fields(const char *p, const char *eol)
{
    unsigned n = 0;
    while (p < eol) {
        while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
            p++;
        if (p == eol)
            break;
        n++;
        while (p < eol && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
    }
    return n;
}

/* Short numbers (ports, protocol, packets) are cheaper digit by digit than with SWAR's fixed
 * cost; anything of 19 digits or more goes to the careful scan. */
static inline const char *scan_short(const char *p, uint64_t *out)
{
    const char *s = p;
    unsigned d = (unsigned)(unsigned char)*p - '0';
    if (d > 9)
        return NULL;
    uint64_t v = d;
    while ((d = (unsigned)(unsigned char)*++p - '0') <= 9)
        v = v * 10 + d;
    if (VF_UNLIKELY(p - s >= 19))
        return scan_u64(s, out);
    *out = v;
    return p;
}

/* Unix times of flow logs have 10 digits (2001 to 2286): 8 at once and 2 more. */
static inline const char *scan_time10(const char *p, uint64_t *out)
{
    uint64_t c = load8(p);
    unsigned d8 = (unsigned)(unsigned char)p[8] - '0', d9 = (unsigned)(unsigned char)p[9] - '0';
    if (VF_LIKELY(leading_digits(c) == 8 && d8 <= 9 && d9 <= 9 && (unsigned)(unsigned char)p[10] - '0' > 9)) {
        *out = digits_value(c, 8) * 100 + d8 * 10 + d9;
        return p + 10;
    }
    return scan_u64(p, out);
}

/* The 8 bytes at p, masked to the first n. */
static inline uint64_t prefix8(const char *p, unsigned n)
{
    return load8(p) & (~UINT64_C(0) >> (64 - 8 * n));
}

/* ---- the default format, straight through -------------------------------------------------
 * Most logs are in the default format with single spaces and every value present. This path
 * parses such a line without per-column dispatch; anything else (a "-", IPv6, extra spaces,
 * CRLF, an error) returns NULL and the line goes through the general parser, which gives the
 * same result for the lines both accept. */

#define FAST_TOKEN(i)                                                                                                  \
    do {                                                                                                               \
        q = token_end(p);                                                                                              \
        if (q == p || *q != ' ' || (*p == '-' && q == p + 1))                                                          \
            return NULL;                                                                                               \
        cols[i].ptr = p;                                                                                               \
        cols[i].len = (size_t)(q - p);                                                                                 \
        p = q + 1;                                                                                                     \
    } while (0)

#define FAST_NUMBER(i, max, dst, scan)                                                                                 \
    do {                                                                                                               \
        q = scan(p, &v);                                                                                               \
        if (!q || *q != ' ' || v > (max))                                                                              \
            return NULL;                                                                                               \
        dst = v;                                                                                                       \
        cols[i].ptr = p;                                                                                               \
        cols[i].len = (size_t)(q - p);                                                                                 \
        p = q + 1;                                                                                                     \
    } while (0)

#define FAST_V4(i, dst)                                                                                                \
    do {                                                                                                               \
        q = scan_v4(p, &ip);                                                                                           \
        if (!q || *q != ' ')                                                                                           \
            return NULL;                                                                                               \
        dst = vpcflow_addr_from_v4(ip);                                                                                \
        cols[i].ptr = p;                                                                                               \
        cols[i].len = (size_t)(q - p);                                                                                 \
        p = q + 1;                                                                                                     \
    } while (0)

static const char *parse_default(const vpcflow_format *fmt, const char *line, vpcflow_record *rec, vpcflow_str *cols)
{
    const char *p = line, *q;
    uint64_t v;
    uint32_t ip;
    FAST_NUMBER(0, UINT32_MAX, rec->version, scan_short);
    FAST_TOKEN(1);
    FAST_TOKEN(2);
    FAST_V4(3, rec->srcaddr);
    FAST_V4(4, rec->dstaddr);
    FAST_NUMBER(5, 65535, rec->srcport, scan_short);
    FAST_NUMBER(6, 65535, rec->dstport, scan_short);
    FAST_NUMBER(7, 255, rec->protocol, scan_short);
    FAST_NUMBER(8, VF_MAX_COUNT, rec->packets, scan_short);
    FAST_NUMBER(9, VF_MAX_COUNT, rec->bytes, scan_short);
    FAST_NUMBER(10, VF_TIME_MS_FROM, rec->start, scan_time10); /* milliseconds take the general path */
    FAST_NUMBER(11, VF_TIME_MS_FROM, rec->end, scan_time10);
    uint64_t word = prefix8(p, 7);
    if (word == prefix8("ACCEPT ", 7))
        rec->action = VPCFLOW_ACTION_ACCEPT;
    else if (word == prefix8("REJECT ", 7))
        rec->action = VPCFLOW_ACTION_REJECT;
    else
        return NULL;
    cols[12].ptr = p;
    cols[12].len = 6;
    p += 7;
    if (p[0] != 'O' || p[1] != 'K' || p[2] != '\n')
        return NULL;
    rec->log_status = VPCFLOW_STATUS_OK;
    cols[13].ptr = p;
    cols[13].len = 2;
    rec->present = (VPCFLOW_BIT(14) - 1); /* the 14 version 2 fields */
    rec->format = fmt;
    rec->cols = cols;
    rec->text.ptr = line;
    rec->text.len = (size_t)(p + 2 - line);
    return p + 3;
}

const char *vf_parse_record(const vpcflow_format *fmt, const char *line, const char *end, vpcflow_record *rec,
                            vpcflow_str *cols, vf_parse_result *res)
{
    const char *p = line;
    uint64_t present = 0;
    const uint32_t ncols = fmt->ncols;
    res->why = NULL;
    res->column = 0;
    res->fields = 0;
    if (fmt->fast) {
        const char *next = parse_default(fmt, line, rec, cols);
        if (VF_LIKELY(next != NULL))
            return next;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    for (uint32_t i = 0;; i++) {
        const char *tok = p;
        int type = fmt->col_type[i];
        int f = fmt->col_field[i];
        if (tok[0] == '-' && SEP(tok[1])) {
            p = tok + 1;
            if (type != VPCFLOW_T_STRING && type != VF_COL_OPAQUE) {
                /* absent: leave the slot zero so stale values never leak */
                switch (type) {
                case VPCFLOW_T_ADDR:
                    *addr_slot(rec, f) = (vpcflow_addr){0, 0};
                    break;
                case VPCFLOW_T_U32:
                    *u32_slot(rec, f) = 0;
                    break;
                case VPCFLOW_T_U64:
                    *u64_slot(rec, f) = 0;
                    break;
                case VPCFLOW_T_TIME:
                    *time_slot(rec, f) = 0;
                    break;
                default:
                    if (f == VPCFLOW_F_ACTION)
                        rec->action = 0;
                    else if (f == VPCFLOW_F_LOG_STATUS)
                        rec->log_status = 0;
                    else
                        rec->flow_direction = 0;
                }
            }
        } else if (type == VPCFLOW_T_STRING || type == VF_COL_OPAQUE) {
            p = token_end(tok);
            if (f >= 0)
                present |= VPCFLOW_BIT(f);
        } else {
            p = parse_value(rec, f, type, tok, &res->why);
            if (VF_UNLIKELY(!p)) {
                res->column = i + 1;
                goto bad;
            }
            present |= VPCFLOW_BIT(f);
        }
        cols[i].ptr = tok;
        cols[i].len = (size_t)(p - tok);
        /* separator */
        char c = *p;
        if (VF_LIKELY(c == ' ' || c == '\t')) {
            do
                p++;
            while (*p == ' ' || *p == '\t');
            c = *p;
            if (c == '\r' && p[1] == '\n')
                c = *++p;
        } else if (c == '\r' && p[1] == '\n') {
            c = *++p;
        } else if (c != '\n') {
            res->why = "control character in line";
            res->column = i + 1;
            goto bad;
        }
        if (c == '\n') {
            if (VF_UNLIKELY(i + 1 != ncols)) {
                res->why = "wrong number of fields";
                res->fields = i + 1;
                goto bad_count;
            }
            rec->present = present;
            rec->format = fmt;
            rec->cols = cols;
            rec->text.ptr = line;
            rec->text.len = (size_t)(p - line) - (p > line && p[-1] == '\r');
            return p + 1;
        }
        if (VF_UNLIKELY(i + 1 == ncols)) {
            const char *eol = skip_to_eol(p, end);
            res->why = "wrong number of fields";
            res->fields = ncols + count_fields(p, eol);
            rec->text.ptr = line;
            rec->text.len = (size_t)(eol - line);
            return eol + 1;
        }
    }
bad_count:
    rec->text.ptr = line;
    rec->text.len = (size_t)(p - line);
    return p + 1;
bad:;
    const char *eol = skip_to_eol(p ? p : line, end);
    rec->text.ptr = line;
    rec->text.len = (size_t)(eol - line);
    return eol + 1;
}

/* ---- single lines (vpcflow_parse_line) --------------------------------------------------
 * The line is copied into the parser's own buffer so that the sentinel contract holds; the
 * record's views point into that copy and into the parser's cols, so they live as long as the
 * parser does, until its next line. */

struct vpcflow_line_parser {
    const vpcflow_format *fmt;
    char *buf; /* the copy: line, '\n', VF_PAD + 1 zero bytes */
    size_t cap;
    vpcflow_str cols[VPCFLOW_MAX_COLUMNS];
};

vpcflow_status vpcflow_line_parser_new(const vpcflow_format *fmt, vpcflow_line_parser **out, vpcflow_error *err)
{
    *out = vf_calloc(1, sizeof **out);
    if (!*out)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    (*out)->fmt = fmt;
    return VPCFLOW_OK;
}

void vpcflow_line_parser_free(vpcflow_line_parser *lp)
{
    if (!lp)
        return;
    free(lp->buf);
    free(lp);
}

const char *vf_parse_describe(const vpcflow_format *fmt, const vf_parse_result *res, char *buf, size_t cap)
{
    if (res->fields)
        snprintf(buf, cap, "expected %u fields, found %u", fmt->ncols, res->fields);
    else if (res->column)
        snprintf(buf, cap, "field %u (%s): %s", res->column, fmt->names[res->column - 1], res->why);
    else
        snprintf(buf, cap, "%s", res->why);
    return buf;
}

vpcflow_status vpcflow_parse_line(vpcflow_line_parser *lp, const char *line, size_t len, vpcflow_record *rec,
                                  vpcflow_error *err)
{
    if (memchr(line, '\n', len))
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "line contains a line break");
    if (vf_grow(&lp->buf, &lp->cap, len + 2 + VF_PAD, 1) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    memcpy(lp->buf, line, len);
    lp->buf[len] = '\n';
    memset(lp->buf + len + 1, 0, VF_PAD + 1);
    vf_parse_result res;
    memset(rec, 0, sizeof *rec);
    vf_parse_record(lp->fmt, lp->buf, lp->buf + len + 1, rec, lp->cols, &res);
    if (res.why) {
        char msg[sizeof err->message];
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, res.fields ? 0 : res.column, "%s",
                        vf_parse_describe(lp->fmt, &res, msg, sizeof msg));
    }
    rec->line = rec->text;
    return VPCFLOW_OK;
}

vpcflow_str vpcflow_record_text(const vpcflow_record *rec, vpcflow_field f)
{
    vpcflow_str none = {NULL, 0};
    if ((unsigned)f >= VPCFLOW_F_COUNT || !rec->format)
        return none;
    int c = rec->format->field_col[f];
    return c < 0 ? none : rec->cols[c];
}

vpcflow_addr vf_record_addr(const vpcflow_record *rec, int f)
{
    return *(const vpcflow_addr *)(const void *)((const char *)rec + value_at[f]);
}

uint64_t vf_record_number(const vpcflow_record *rec, int f)
{
    switch (vpcflow_field_type_of((vpcflow_field)f)) {
    case VPCFLOW_T_TIME: {
        int64_t t = *(const int64_t *)(const void *)((const char *)rec + value_at[f]);
        return t < 0 ? 0 : (uint64_t)t;
    }
    case VPCFLOW_T_U32:
        return *(const uint32_t *)(const void *)((const char *)rec + value_at[f]);
    default:
        return *(const uint64_t *)(const void *)((const char *)rec + value_at[f]);
    }
}
