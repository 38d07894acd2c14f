/* filter_lex.c — the lexing and compiling helpers that every form's parser shares: errors,
 * literal storage, quoted strings, %regex%, operators and value tests.
 *
 * Every literal is copied once into f->strings, sized from the pattern length before parsing
 * (filter_compile.c), so the views the compiled form keeps never move and matching needs no
 * copy. The parsers (filter_parse.c, filter_named.c) call this file; it calls none of them. */
#include "filter/filter.h"
#include "base/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vf_filter_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

size_t vf_filter_skip_space(const char *p, size_t n, size_t i)
{
    while (i < n && vf_filter_is_space(p[i]))
        i++;
    return i;
}

vpcflow_status vf_filter_error(vpcflow_error *err, size_t offset, const char *fmt, ...)
{
    if (err) {
        char msg[sizeof err->message];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        vf_error(err, VPCFLOW_ERR_INPUT, "pattern", 1, (uint32_t)(offset + 1), "%s", msg);
    }
    return VPCFLOW_ERR_INPUT;
}

vpcflow_status vf_filter_oom(vpcflow_error *err)
{
    return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory compiling the pattern");
}

const char *vf_filter_keep(vpcflow_filter *f, const char *s, size_t n)
{
    /* capacity was reserved for the whole pattern plus a NUL per literal */
    char *d = f->strings + f->nstrings;
    if (n)
        memcpy(d, s, n);
    d[n] = 0;
    f->nstrings += n + 1;
    return d;
}

int vf_filter_grow(void **arr, uint32_t count, size_t elem)
{
    /* capacities are powers of two (or 0): the array is full when count is one */
    if (count && (count & (count - 1)))
        return 0;
    size_t cap = count;
    return vf_grow(arr, &cap, (size_t)count + 1, elem);
}

size_t vf_filter_quoted(vpcflow_filter *f, const char *p, size_t n, size_t at, const char **s, size_t *len)
{
    char *d = f->strings + f->nstrings;
    size_t k = 0;
    for (size_t i = at + 1; i < n; i++) {
        if (p[i] == '"') {
            d[k] = 0;
            f->nstrings += k + 1;
            *s = d;
            *len = k;
            return i + 1;
        }
        if (p[i] == '\\' && i + 1 < n && (p[i + 1] == '"' || p[i + 1] == '\\'))
            i++;
        d[k++] = p[i];
    }
    return (size_t)-1;
}

vpcflow_status vf_filter_regex(vpcflow_filter *f, const char *p, size_t n, size_t at, size_t *end, uint32_t *idx,
                               vpcflow_error *err)
{
    const char *close = memchr(p + at + 1, '%', n - at - 1);
    if (!close)
        return vf_filter_error(err, at, "unterminated regex: expected a closing '%%'");
    size_t len = (size_t)(close - (p + at + 1));
    if (len == 0)
        return vf_filter_error(err, at, "empty regex '%%%%': write a regex between the '%%' signs");
    if (vf_filter_grow((void **)&f->regexes, f->nregexes, sizeof *f->regexes) < 0)
        return vf_filter_oom(err);
    vf_regex *rx = &f->regexes[f->nregexes];
    const char *why = NULL;
    size_t bad = 0;
    char whybuf[160];
    int rc = vf_regex_compile(p + at + 1, len, rx, &why, &bad, whybuf, sizeof whybuf);
    if (rc == -2)
        return vf_filter_oom(err);
    if (rc < 0)
        return vf_filter_error(err, at + 1 + bad, "%s", why);
    *idx = f->nregexes++;
    *end = (size_t)(close - p) + 1;
    return VPCFLOW_OK;
}

int vf_filter_value_test(vpcflow_filter *f, const char *s, size_t len, int quoted, vf_test *out)
{
    memset(out, 0, sizeof *out);
    out->s = s;
    out->len = len;
    if (!quoted && vf_dec_parse(s, len, &out->num) == 0) {
        out->kind = VF_T_NUM;
        return 0;
    }
    if (!memchr(s, '*', len)) {
        out->kind = VF_T_EXACT;
        return 0;
    }
    size_t i = 0;
    while (i < len && s[i] == '*')
        i++;
    if (i == len) { /* only stars: anything */
        out->kind = VF_T_ANY;
        return 0;
    }
    out->kind = VF_T_GLOB;
    out->lead_star = s[0] == '*';
    out->trail_star = s[len - 1] == '*';
    out->seg = f->nsegs;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '*')
            j++;
        if (j > i) {
            if (vf_filter_grow((void **)&f->segs, f->nsegs, sizeof *f->segs) < 0)
                return -1;
            f->segs[f->nsegs++] = (vf_seg){s + i, j - i};
            out->nseg++;
        }
        i = j + 1;
    }
    return 0;
}

size_t vf_filter_read_op(const char *p, size_t n, size_t i, uint8_t *op)
{
    if (i >= n)
        return 0;
    char c = p[i], d = i + 1 < n ? p[i + 1] : 0;
    switch (c) {
    case '=':
        *op = VF_OP_EQ;
        return 1;
    case '!':
        *op = VF_OP_NE;
        return d == '=' ? 2 : 0;
    case '<':
        *op = d == '=' ? VF_OP_LE : VF_OP_LT;
        return d == '=' ? 2 : 1;
    case '>':
        *op = d == '=' ? VF_OP_GE : VF_OP_GT;
        return d == '=' ? 2 : 1;
    default:
        return 0;
    }
}

const char *vf_filter_op_text(uint8_t op)
{
    static const char *const t[] = {"=", "!=", "<", "<=", ">", ">="};
    return t[op];
}
