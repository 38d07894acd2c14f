/* filter_regex.c — the %regex% subset CloudWatch filter patterns accept, compiled to a chain of
 * items and matched by simulating every thread at once (linear in the text, no backtracking).
 *
 * CloudWatch's regex has no groups, so an alternative is a plain sequence of atoms, each with a
 * repetition. Repetitions are expanded into items:
 *
 *     a{2,4}b*   ->   ONE(a) ONE(a) OPT(a) OPT(a) STAR(b) ACCEPT
 *
 * A thread at an OPT or STAR item may also move on without reading; a STAR item keeps its
 * thread after reading. ^ and $ are items that move on only at the start or end of the text. */
#include "filter/filter.h"
#include "base/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPEAT 1000
#define TOO_LARGE "regex too large (repetitions expand past 1024 steps)"

typedef struct rx_parser {
    const char *src;
    size_t n, i;
    vf_regex *rx;
    size_t cap;
    const char *why;
    size_t at;
    char *whybuf;
    size_t whycap;
} rx_parser;

static int fail(rx_parser *ps, size_t at, const char *why)
{
    ps->why = why;
    ps->at = at;
    return -1;
}

static void set_add(uint64_t set[4], unsigned c)
{
    set[c >> 6] |= UINT64_C(1) << (c & 63);
}

static void set_range(uint64_t set[4], unsigned lo, unsigned hi)
{
    for (unsigned c = lo; c <= hi; c++)
        set_add(set, c);
}

/* The characters AWS lists as allowed as themselves in a regex (plus the space its own
 * %^shutting down% example uses). */
static int plain_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '_' ||
           c == '#' || c == '=' || c == '@' || c == '/' || c == ';' || c == ',' || c == '-' || c == ' ';
}

static int bad_char(rx_parser *ps, size_t at)
{
    unsigned char c = (unsigned char)ps->src[at];
    if (c == '(' || c == ')')
        return fail(ps, at,
                    "'(' and ')' are not supported in a CloudWatch regex (write \\x28 or \\x29 to match "
                    "them)");
    if (c >= 0x80)
        return fail(ps, at, "multi-byte characters are not supported in a regex");
    if (c < 0x20 || c == 0x7f)
        return fail(ps, at, "control characters are not supported in a regex");
    snprintf(ps->whybuf, ps->whycap, "'%c' is not supported in a CloudWatch regex (write \\x%02X to match it)", c, c);
    return fail(ps, at, ps->whybuf);
}

static int is_punct(unsigned char c)
{
    return c == ' ' ||
           (c > 0x20 && c < 0x7f && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')));
}

/* Reads the escape at src[i] == '\\' into set; *single tells whether it is one byte (usable
 * as a range end). Returns the offset after it, or 0 on error. */
static size_t escape(rx_parser *ps, size_t i, uint64_t set[4], int *single, unsigned *byte)
{
    if (i + 1 >= ps->n)
        return fail(ps, i, "a '\\' at the end of the regex: escape what?"), 0;
    unsigned char c = (unsigned char)ps->src[i + 1];
    uint64_t tmp[4] = {0};
    int neg = c == 'D' || c == 'S' || c == 'W';
    *single = 0;
    switch (c) {
    case 'd':
    case 'D':
        set_range(tmp, '0', '9');
        break;
    case 's':
    case 'S':
        set_add(tmp, ' ');
        set_range(tmp, '\t', '\r');
        break;
    case 'w':
    case 'W':
        set_range(tmp, 'a', 'z');
        set_range(tmp, 'A', 'Z');
        set_range(tmp, '0', '9');
        set_add(tmp, '_');
        break;
    case 'x': {
        int h = i + 2 < ps->n ? vf_hexval(ps->src[i + 2]) : -1, l = i + 3 < ps->n ? vf_hexval(ps->src[i + 3]) : -1;
        if (h < 0 || l < 0)
            return fail(ps, i, "\\x needs two hex digits (\\x3A)"), 0;
        *single = 1;
        *byte = (unsigned)(h * 16 + l);
        set_add(set, *byte);
        return i + 4;
    }
    case 't':
    case 'n':
    case 'r':
        *single = 1;
        *byte = c == 't' ? '\t' : c == 'n' ? '\n' : '\r';
        set_add(set, *byte);
        return i + 2;
    default:
        if (!is_punct(c)) {
            snprintf(ps->whybuf, ps->whycap,
                     "unknown escape '\\%c' (known: \\d \\D \\s \\S \\w \\W \\xhh, or \\ "
                     "before a symbol)",
                     c >= 0x20 && c < 0x7f ? c : '?');
            return fail(ps, i, ps->whybuf), 0;
        }
        *single = 1;
        *byte = c;
        set_add(set, c);
        return i + 2;
    }
    for (int w = 0; w < 4; w++)
        set[w] |= neg ? ~tmp[w] : tmp[w];
    return i + 2;
}

/* Reads one class member (a byte or an escape) at src[i]. Returns the offset after it or 0. */
static size_t class_member(rx_parser *ps, size_t i, uint64_t set[4], int *single, unsigned *byte)
{
    unsigned char c = (unsigned char)ps->src[i];
    if (c == '\\')
        return escape(ps, i, set, single, byte);
    if (!plain_char(c) && !strchr("^$?[]{}|*+.", c))
        return bad_char(ps, i), 0;
    *single = 1;
    *byte = c;
    set_add(set, c);
    return i + 1;
}

static int parse_class(rx_parser *ps, uint64_t set[4])
{
    size_t open = ps->i, i = ps->i + 1;
    int neg = i < ps->n && ps->src[i] == '^';
    i += (size_t)neg;
    uint64_t acc[4] = {0};
    for (int first = 1;; first = 0) {
        if (i >= ps->n)
            return fail(ps, open, "unterminated '[' in the regex: expected ']'");
        if (ps->src[i] == ']' && !first)
            break;
        int single;
        unsigned lo, hi;
        size_t j = class_member(ps, i, acc, &single, &lo);
        if (!j)
            return -1;
        if (single && j + 1 < ps->n && ps->src[j] == '-' && ps->src[j + 1] != ']') {
            uint64_t dummy[4] = {0};
            int single2;
            size_t k = class_member(ps, j + 1, dummy, &single2, &hi);
            if (!k)
                return -1;
            if (!single2 || hi < lo)
                return fail(ps, i, "bad range in '[...]': write it low-high, like a-z");
            set_range(acc, lo, hi);
            j = k;
        }
        i = j;
    }
    for (int w = 0; w < 4; w++)
        set[w] = neg ? ~acc[w] : acc[w];
    ps->i = i + 1;
    return 0;
}

static int parse_count(rx_parser *ps, size_t *i, unsigned *v, int *have)
{
    *have = 0;
    *v = 0;
    while (*i < ps->n && ps->src[*i] == ' ')
        (*i)++;
    while (*i < ps->n && ps->src[*i] >= '0' && ps->src[*i] <= '9') {
        *v = *v * 10 + (unsigned)(ps->src[*i] - '0');
        if (*v > MAX_REPEAT)
            return -1;
        *have = 1;
        (*i)++;
    }
    while (*i < ps->n && ps->src[*i] == ' ')
        (*i)++;
    return 0;
}

/* Reads a repetition at src[ps->i], if any: *min, *max (UINT32_MAX for no limit). */
static int parse_repeat(rx_parser *ps, unsigned *min, unsigned *max)
{
    *min = *max = 1;
    if (ps->i >= ps->n)
        return 0;
    char c = ps->src[ps->i];
    size_t at = ps->i;
    if (c == '*' || c == '+' || c == '?') {
        *min = c == '+';
        *max = c == '?' ? 1 : UINT32_MAX;
        ps->i++;
    } else if (c == '{') {
        size_t i = at + 1;
        unsigned m, x;
        int hm, hx;
        if (parse_count(ps, &i, &m, &hm) < 0)
            return fail(ps, at, "repetition count above 1000");
        int comma = i < ps->n && ps->src[i] == ',';
        x = m;
        hx = hm;
        if (comma) {
            i++;
            if (parse_count(ps, &i, &x, &hx) < 0)
                return fail(ps, at, "repetition count above 1000");
        }
        if (i >= ps->n || ps->src[i] != '}' || (!hm && !hx))
            return fail(ps, at, "bad repetition: expected {m}, {m,}, {,n} or {m,n}");
        if (comma && hx && hm && x < m)
            return fail(ps, at, "bad repetition: {m,n} needs m <= n");
        *min = hm ? m : 0;
        *max = comma ? (hx ? x : UINT32_MAX) : m;
        ps->i = i + 1;
    } else
        return 0;
    if (ps->i < ps->n && strchr("*+?{", ps->src[ps->i]))
        return fail(ps, ps->i, "a repetition cannot follow a repetition");
    return 0;
}

static int emit(rx_parser *ps, uint8_t type, const uint64_t set[4], size_t at)
{
    /* an item always leaves room for the ACCEPT that ends its alternative */
    if (ps->rx->nitems + (type == VF_RX_ACCEPT ? 1u : 2u) > VF_RX_MAX_STATES)
        return fail(ps, at, TOO_LARGE);
    if (vf_grow(&ps->rx->items, &ps->cap, (size_t)ps->rx->nitems + 1, sizeof *ps->rx->items) < 0)
        return -2;
    vf_rx_item *it = &ps->rx->items[ps->rx->nitems++];
    memset(it, 0, sizeof *it);
    it->type = type;
    if (set)
        memcpy(it->set, set, sizeof it->set);
    return 0;
}

/* One atom and its repetition. */
static int parse_piece(rx_parser *ps)
{
    size_t at = ps->i;
    unsigned char c = (unsigned char)ps->src[at];
    uint64_t set[4] = {0};
    if (c == '^' || c == '$') {
        ps->i++;
        if (ps->i < ps->n && strchr("*+?{", ps->src[ps->i]))
            return fail(ps, ps->i, "nothing to repeat: '^' and '$' are positions");
        return emit(ps, c == '^' ? VF_RX_BOL : VF_RX_EOL, NULL, at);
    }
    if (c == '*' || c == '+' || c == '?' || c == '{')
        return fail(ps, at, "nothing to repeat before this repetition");
    if (c == ']' || c == '}')
        return fail(ps, at,
                    c == ']' ? "unmatched ']' (write \\] to match it)" : "unmatched '}' (write \\} to match it)");
    if (c == '.') {
        memset(set, 0xff, sizeof set);
        ps->i++;
    } else if (c == '[') {
        if (parse_class(ps, set) < 0)
            return -1;
    } else if (c == '\\') {
        int single;
        unsigned byte;
        size_t j = escape(ps, at, set, &single, &byte);
        if (!j)
            return -1;
        ps->i = j;
    } else if (plain_char(c)) {
        set_add(set, c);
        ps->i++;
    } else
        return bad_char(ps, at);
    unsigned min, max;
    if (parse_repeat(ps, &min, &max) < 0)
        return -1;
    for (unsigned k = 0; k < min; k++)
        if (emit(ps, VF_RX_ONE, set, at) != 0)
            return ps->why ? -1 : -2;
    if (max == UINT32_MAX)
        return emit(ps, VF_RX_STAR, set, at);
    for (unsigned k = min; k < max; k++)
        if (emit(ps, VF_RX_OPT, set, at) != 0)
            return ps->why ? -1 : -2;
    return 0;
}

static void first_bytes(vf_regex *rx);

static void mark_start(vf_regex *rx, uint32_t i)
{
    rx->start[i >> 6] |= UINT64_C(1) << (i & 63);
}

int vf_regex_compile(const char *src, size_t n, vf_regex *rx, const char **why, size_t *at, char *whybuf, size_t whycap)
{
    memset(rx, 0, sizeof *rx);
    rx_parser ps = {.src = src, .n = n, .rx = rx, .whybuf = whybuf, .whycap = whycap};
    int rc = 0;
    mark_start(rx, 0);
    size_t alt_at = 0;
    while (rc == 0) {
        if (ps.i == n || src[ps.i] == '|') {
            if (rx->nitems == 0 || rx->items[rx->nitems - 1].type == VF_RX_ACCEPT)
                rc = fail(&ps, alt_at, "empty alternative in the regex");
            else
                rc = emit(&ps, VF_RX_ACCEPT, NULL, ps.i);
            if (rc || ps.i == n)
                break;
            ps.i++;
            alt_at = ps.i;
            if (rx->nitems + 2 > VF_RX_MAX_STATES) { /* no room for an item and its ACCEPT */
                rc = fail(&ps, alt_at, TOO_LARGE);
                break;
            }
            mark_start(rx, rx->nitems);
            continue;
        }
        rc = parse_piece(&ps);
    }
    if (rc != 0) {
        vf_regex_free(rx);
        if (rc == -2 && !ps.why)
            return -2;
        *why = ps.why;
        *at = ps.at;
        return -1;
    }
    first_bytes(rx);
    return 0;
}

void vf_regex_free(vf_regex *rx)
{
    free(rx->items);
    rx->items = NULL;
    rx->nitems = 0;
}

static inline int has(const uint64_t *s, uint32_t i)
{
    return (int)((s[i >> 6] >> (i & 63)) & 1);
}

static inline void put(uint64_t *s, uint32_t i)
{
    s[i >> 6] |= UINT64_C(1) << (i & 63);
}

/* Follows the moves that read nothing from the threads in cur, at position pos of a text of n
 * bytes (moves only go forward, from i to i + 1, so one pass in order suffices). Returns 1
 * when a thread reaches ACCEPT. */
static int closure(const vf_regex *rx, uint64_t *cur, uint32_t words, size_t pos, size_t n)
{
    for (uint32_t k = 0; k < words; k++) {
        uint64_t w = cur[k];
        while (w) {
            uint32_t b = (uint32_t)__builtin_ctzll(w), i = k * 64 + b;
            switch (rx->items[i].type) {
            case VF_RX_ACCEPT:
                return 1;
            case VF_RX_OPT:
            case VF_RX_STAR:
                put(cur, i + 1);
                break;
            case VF_RX_BOL:
                if (pos == 0)
                    put(cur, i + 1);
                break;
            case VF_RX_EOL:
                if (pos == n)
                    put(cur, i + 1);
                break;
            default:
                break;
            }
            w = b == 63 ? 0 : cur[k] & (~UINT64_C(0) << (b + 1));
        }
    }
    return 0;
}

/* What a match can begin with away from the start of the text: lets the search skip bytes
 * while no thread is alive. */
static void first_bytes(vf_regex *rx)
{
    uint64_t cur[VF_RX_WORDS];
    uint32_t words = (rx->nitems + 63) / 64;
    memcpy(cur, rx->start, sizeof cur);
    /* position 1 of a 2-byte text: neither ^ nor $ holds */
    rx->empty = closure(rx, cur, words, 1, 2);
    for (uint32_t i = 0; i < rx->nitems; i++)
        if (has(cur, i) && rx->items[i].type <= VF_RX_STAR)
            for (int w = 0; w < 4; w++)
                rx->first[w] |= rx->items[i].set[w];
}

int vf_regex_search(const vf_regex *rx, const char *s, size_t n)
{
    uint64_t cur[VF_RX_WORDS], nxt[VF_RX_WORDS];
    uint32_t words = (rx->nitems + 63) / 64;
    int alive = 0;
    memset(cur, 0, sizeof cur);
    if (rx->empty)
        return 1;
    for (size_t pos = 0;; pos++) {
        if (!alive && pos > 0)
            while (pos < n && !((rx->first[(unsigned char)s[pos] >> 6] >> ((unsigned char)s[pos] & 63)) & 1))
                pos++;
        for (uint32_t w = 0; w < words; w++)
            cur[w] |= rx->start[w];
        if (closure(rx, cur, words, pos, n))
            return 1;
        if (pos == n)
            return 0;
        unsigned c = (unsigned char)s[pos];
        memset(nxt, 0, words * sizeof nxt[0]);
        alive = 0;
        for (uint32_t k = 0; k < words; k++) {
            for (uint64_t w = cur[k]; w; w &= w - 1) {
                uint32_t i = k * 64 + (uint32_t)__builtin_ctzll(w);
                const vf_rx_item *it = &rx->items[i];
                if (it->type > VF_RX_STAR || !((it->set[c >> 6] >> (c & 63)) & 1))
                    continue;
                put(nxt, it->type == VF_RX_STAR ? i : i + 1);
                alive = 1;
            }
        }
        memcpy(cur, nxt, words * sizeof cur[0]);
    }
}
