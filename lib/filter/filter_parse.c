/* filter_parse.c — compiles a CloudWatch filter pattern: form detection, shared lexing, the
 * term form and the space-delimited form. The named form is in filter_named.c.
 *
 * Every literal is copied once into f->strings, sized from the pattern length before parsing,
 * so the views the compiled form keeps never move and matching needs no copy. */
#include "filter/filter.h"
#include "base/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SLOTS 1024
#define MAX_CONDS 4096
#define MAX_TERMS 4096

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static size_t skip_space(const char *p, size_t n, size_t i)
{
    while (i < n && is_space(p[i]))
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

/* ---- term form ------------------------------------------------------------------------ */

static int is_operator_text(const char *s, size_t n)
{
    static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">=", "=="};
    for (size_t i = 0; i < VF_ARRAY_LEN(ops); i++)
        if (strlen(ops[i]) == n && memcmp(ops[i], s, n) == 0)
            return 1;
    return 0;
}

static int only_spaces(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            return 0;
    return 1;
}

/* Reads one term body at p[i] (after any ?/- sign) into t; returns the offset after it. */
static vpcflow_status term_body(vpcflow_filter *f, const char *p, size_t n, size_t *i, vf_term *t, vpcflow_error *err)
{
    size_t at = *i;
    if (p[at] == '"') {
        size_t end = vf_filter_quoted(f, p, n, at, &t->s, &t->len);
        if (end == (size_t)-1)
            return vf_filter_error(err, at, "unterminated quoted term: expected a closing '\"'");
        if (end < n && !is_space(p[end]))
            return vf_filter_error(err, end, "expected a space after the closing quote");
        if (only_spaces(t->s, t->len)) /* "" and " " match every event (AWS's match-all) */
            t->len = 0;
        *i = end;
        return VPCFLOW_OK;
    }
    if (p[at] == '%') {
        size_t end;
        vpcflow_status st = vf_filter_regex(f, p, n, at, &end, &t->regex, err);
        if (st != VPCFLOW_OK)
            return st;
        if (end < n && !is_space(p[end]))
            return vf_filter_error(err, end, "expected a space after the closing '%%' of the regex");
        t->is_regex = 1;
        *i = end;
        return VPCFLOW_OK;
    }
    size_t end = at;
    while (end < n && !is_space(p[end]))
        end++;
    const char *q = memchr(p + at, '"', end - at);
    if (q)
        return vf_filter_error(err, (size_t)(q - p), "a quote inside a term: quote the whole term (\"...\")");
    if (is_operator_text(p + at, end - at))
        return vf_filter_error(err, at,
                               "'%.*s' alone is not a term; write a field condition without spaces "
                               "(action=REJECT) or quote the text",
                               (int)(end - at), p + at);
    t->s = vf_filter_keep(f, p + at, end - at);
    t->len = end - at;
    *i = end;
    return VPCFLOW_OK;
}

vpcflow_status vf_filter_parse_terms(vpcflow_filter *f, const char *p, size_t n, vpcflow_error *err)
{
    size_t i = 0;
    int have_plain = 0;
    for (;;) {
        i = skip_space(p, n, i);
        if (i == n)
            break;
        vf_term t = {0};
        size_t start = i;
        if (p[i] == '?') {
            t.sign = VF_TERM_OR;
            if (++i == n || is_space(p[i]))
                return vf_filter_error(err, start, "expected a term right after '?'");
        } else if (p[i] == '-') {
            t.sign = VF_TERM_NOT;
            /* AWS's own example writes the exclusion apart from its term: "ERROR" - "Exiting" */
            i = skip_space(p, n, i + 1);
            if (i == n)
                return vf_filter_error(err, start, "expected a term after '-' (quote \"-\" to search for it)");
        }
        if (f->nterms >= MAX_TERMS)
            return vf_filter_error(err, start, "too many terms (at most %d)", MAX_TERMS);
        vpcflow_status st = term_body(f, p, n, &i, &t, err);
        if (st != VPCFLOW_OK)
            return st;
        if (vf_filter_grow((void **)&f->terms, f->nterms, sizeof *f->terms) < 0)
            return vf_filter_oom(err);
        f->terms[f->nterms++] = t;
        have_plain |= t.sign != VF_TERM_OR;
    }
    /* AWS: "?" terms mixed with plain or excluded terms are ignored; an empty term (from "")
     * is contained in every event, so a plain one tests nothing */
    uint32_t k = 0;
    for (uint32_t j = 0; j < f->nterms; j++) {
        vf_term *t = &f->terms[j];
        if (have_plain && t->sign == VF_TERM_OR)
            continue;
        if (t->sign == VF_TERM_AND && !t->is_regex && t->len == 0)
            continue;
        f->terms[k++] = *t;
    }
    f->nterms = k;
    f->match_all = k == 0;
    return VPCFLOW_OK;
}

/* ---- space-delimited form -------------------------------------------------------------- */

static int name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

static int name_char(char c)
{
    return name_start(c) || c == '-' || c == '.';
}

static size_t read_name(const char *p, size_t n, size_t i)
{
    if (i >= n || !name_start(p[i]))
        return i;
    while (i < n && name_char(p[i]))
        i++;
    return i;
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

static const char *op_text(uint8_t op)
{
    static const char *const t[] = {"=", "!=", "<", "<=", ">", ">="};
    return t[op];
}

static int is_ellipsis(const char *p, size_t n, size_t i, size_t *len)
{
    if (i + 3 <= n && memcmp(p + i, "...", 3) == 0) {
        *len = 3;
        return 1;
    }
    if (i + 3 <= n && memcmp(p + i, "\xe2\x80\xa6", 3) == 0) { /* U+2026, as AWS's text prints it */
        *len = 3;
        return 1;
    }
    return 0;
}

static int value_end(const char *p, size_t n, size_t i)
{
    char c = p[i];
    if (is_space(c) || c == ',' || c == ']')
        return 1;
    return i + 1 < n && ((c == '&' && p[i + 1] == '&') || (c == '|' && p[i + 1] == '|'));
}

/* Reads the value of a condition at p[*i] for field number `field`. */
static vpcflow_status cond_value(vpcflow_filter *f, const char *p, size_t n, size_t *i, size_t op_at, vf_fcond *c,
                                 vpcflow_error *err)
{
    size_t at = *i;
    const char *opt = op_text(c->op);
    int eqne = c->op == VF_OP_EQ || c->op == VF_OP_NE;
    if (at == n || p[at] == ',' || p[at] == ']' || value_end(p, n, at))
        return vf_filter_error(err, at, "expected a value after '%s'", opt);
    if (p[at] == '=')
        return vf_filter_error(err, op_at, "'%s=' is not an operator: use =, !=, <, <=, > or >=", opt);
    if (p[at] == '%') {
        if (!eqne)
            return vf_filter_error(err, op_at, "a %%regex%% takes = or !=, not '%s'", opt);
        size_t end;
        vpcflow_status st = vf_filter_regex(f, p, n, at, &end, &c->test.regex, err);
        if (st != VPCFLOW_OK)
            return st;
        c->test.kind = VF_T_REGEX;
        *i = end;
        return VPCFLOW_OK;
    }
    const char *s;
    size_t len, end;
    int quoted = p[at] == '"';
    if (quoted) {
        end = vf_filter_quoted(f, p, n, at, &s, &len);
        if (end == (size_t)-1)
            return vf_filter_error(err, at, "unterminated quoted value: expected a closing '\"'");
        if (!eqne)
            return vf_filter_error(err, at, "expected a number after '%s' (a quoted value is text)", opt);
    } else {
        end = at;
        while (end < n && !value_end(p, n, end))
            end++;
        s = vf_filter_keep(f, p + at, end - at);
        len = end - at;
    }
    if (vf_filter_value_test(f, s, len, quoted, &c->test) < 0)
        return vf_filter_oom(err);
    if (!eqne && c->test.kind != VF_T_NUM)
        return vf_filter_error(err, at, "expected a number after '%s', not '%.*s'", opt, (int)VF_MIN(len, 64), s);
    *i = end;
    return VPCFLOW_OK;
}

static int name_eq_nocase(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

/* Reads the conditions of one named slot: name op value (&& | ||) name op value ... */
static vpcflow_status slot_conds(vpcflow_filter *f, const char *p, size_t n, size_t *pi, size_t name_at,
                                 size_t name_len, uint32_t field, vf_slot *slot, vpcflow_error *err)
{
    size_t i = *pi;
    int or_next = 1;
    for (;;) {
        uint8_t op;
        size_t oplen = i < n ? vf_filter_read_op(p, n, i, &op) : 0;
        if (!oplen) {
            if (slot->n == 0)
                return vf_filter_error(err, i, "expected ',' or ']' after field %u", field);
            return vf_filter_error(err, i, "expected an operator (=, !=, <, <=, >, >=) after '%.*s' in field %u",
                                   (int)name_len, p + name_at, field);
        }
        if (f->nconds >= MAX_CONDS)
            return vf_filter_error(err, i, "too many conditions (at most %d)", MAX_CONDS);
        vf_fcond c = {.op = op, .or_start = (uint8_t)or_next};
        size_t op_at = i;
        i = skip_space(p, n, i + oplen);
        vpcflow_status st = cond_value(f, p, n, &i, op_at, &c, err);
        if (st != VPCFLOW_OK)
            return st;
        if (vf_filter_grow((void **)&f->conds, f->nconds, sizeof *f->conds) < 0)
            return vf_filter_oom(err);
        f->conds[f->nconds++] = c;
        slot->n++;
        i = skip_space(p, n, i);
        if (i + 1 < n && ((p[i] == '&' && p[i + 1] == '&') || (p[i] == '|' && p[i + 1] == '|'))) {
            or_next = p[i] == '|';
            i = skip_space(p, n, i + 2);
            size_t e = read_name(p, n, i);
            if (e == i)
                return vf_filter_error(err, i, "expected the field name '%.*s' after '%s'", (int)name_len, p + name_at,
                                       or_next ? "||" : "&&");
            if (!name_eq_nocase(p + i, e - i, p + name_at, name_len))
                return vf_filter_error(err, i,
                                       "a condition in field %u names '%.*s': it can only test its own field "
                                       "'%.*s'",
                                       field, (int)(e - i), p + i, (int)name_len, p + name_at);
            i = skip_space(p, n, e);
            continue;
        }
        *pi = i;
        return VPCFLOW_OK;
    }
}

static vpcflow_status add_slot(vpcflow_filter *f, vf_slot s, size_t at, vpcflow_error *err)
{
    if (f->nslots >= MAX_SLOTS)
        return vf_filter_error(err, at, "too many fields (at most %d)", MAX_SLOTS);
    if (vf_filter_grow((void **)&f->slots, f->nslots, sizeof *f->slots) < 0)
        return vf_filter_oom(err);
    f->slots[f->nslots++] = s;
    return VPCFLOW_OK;
}

/* One entry between '[' (or a ',') and the next ',' or ']'. */
static vpcflow_status fields_entry(vpcflow_filter *f, const char *p, size_t n, size_t *pi, uint32_t field,
                                   size_t ellipsis_at[1], vpcflow_error *err)
{
    size_t i = *pi, elen;
    if (is_ellipsis(p, n, i, &elen)) {
        if (f->ellipsis)
            return vf_filter_error(err, i, "'...' appears twice (first at column %zu); it may stand only once",
                                   ellipsis_at[0] + 1);
        f->ellipsis = 1;
        ellipsis_at[0] = i;
        f->nbefore = f->nslots;
        i = skip_space(p, n, i + elen);
        uint8_t op;
        if (i < n && (vf_filter_read_op(p, n, i, &op) || p[i] == '!'))
            return vf_filter_error(err, i, "'...' stands for any number of fields and takes no condition");
        *pi = i;
        return VPCFLOW_OK;
    }
    if (i < n && (p[i] == ',' || p[i] == ']'))
        return vf_filter_error(err, i, "empty field name (field %u)", field);
    size_t e = read_name(p, n, i);
    if (e == i) {
        uint8_t op;
        if (i < n && vf_filter_read_op(p, n, i, &op))
            return vf_filter_error(err, i, "expected a field name before '%s' (field %u)", op_text(op), field);
        if (i == n)
            return vf_filter_error(err, i, "unterminated '[': expected a field name or ']'");
        return vf_filter_error(err, i, "expected a field name (letters, digits, '_') in field %u, not '%c'", field,
                               p[i]);
    }
    vf_slot slot = {f->nconds, 0};
    size_t start = i;
    i = skip_space(p, n, e);
    if (i < n && p[i] != ',' && p[i] != ']') {
        vpcflow_status st = slot_conds(f, p, n, &i, start, e - start, field, &slot, err);
        if (st != VPCFLOW_OK)
            return st;
    }
    *pi = i;
    return add_slot(f, slot, start, err);
}

vpcflow_status vf_filter_parse_fields(vpcflow_filter *f, const char *p, size_t n, vpcflow_error *err)
{
    size_t open = skip_space(p, n, 0);
    size_t i = skip_space(p, n, open + 1);
    size_t ellipsis_at = 0;
    uint32_t field = 1;
    if (i < n && p[i] == ']')
        return vf_filter_error(err, i, "empty '[]': name at least one field, or write [...]");
    for (;; field++) {
        vpcflow_status st = fields_entry(f, p, n, &i, field, &ellipsis_at, err);
        if (st != VPCFLOW_OK)
            return st;
        i = skip_space(p, n, i);
        if (i == n)
            return vf_filter_error(err, i, "unterminated '[' (column %zu): expected ',' or ']' after field %u",
                                   open + 1, field);
        if (p[i] == ']')
            break;
        if (p[i] != ',')
            return vf_filter_error(err, i, "expected ',' or ']' after field %u", field);
        i = skip_space(p, n, i + 1);
        if (i < n && p[i] == ']') {
            /* a trailing ",]" is one more unnamed field, as in AWS's [..., status_code=4*,] */
            vpcflow_status st2 = add_slot(f, (vf_slot){f->nconds, 0}, i, err);
            if (st2 != VPCFLOW_OK)
                return st2;
            break;
        }
    }
    i = skip_space(p, n, i + 1);
    if (i != n)
        return vf_filter_error(err, i, "unexpected text after ']'");
    if (!f->ellipsis)
        f->nbefore = f->nslots;
    return VPCFLOW_OK;
}

/* ---- compile ------------------------------------------------------------------------ */

vpcflow_status vpcflow_filter_compile(const char *pattern, vpcflow_filter **out, vpcflow_error *err)
{
    *out = NULL;
    if (!pattern)
        pattern = "";
    size_t n = strnlen(pattern, VPCFLOW_FILTER_MAX_PATTERN + 1);
    if (n > VPCFLOW_FILTER_MAX_PATTERN)
        return vf_filter_error(err, 0, "the pattern is longer than %d bytes", VPCFLOW_FILTER_MAX_PATTERN);
    vpcflow_filter *f = vf_calloc(1, sizeof *f);
    if (!f)
        return vf_filter_oom(err);
    /* literals are copied from disjoint parts of the pattern, each with a NUL, and each
     * literal (even an empty "") spans at least one byte: 2n + 2 bytes always suffice */
    f->capstrings = 2 * n + 2;
    f->strings = malloc(f->capstrings);
    if (!f->strings) {
        free(f);
        return vf_filter_oom(err);
    }
    size_t i = skip_space(pattern, n, 0);
    vpcflow_status st;
    if (i < n && pattern[i] == '[') {
        f->form = VPCFLOW_FILTER_FIELDS;
        st = vf_filter_parse_fields(f, pattern, n, err);
    } else if (i < n && pattern[i] == '{') {
        st = vf_filter_error(err, i,
                             "JSON filter patterns ({ $.field = value }) do not apply: flow-log records "
                             "are not JSON; use [...] or field=value");
    } else if (vf_filter_is_named(pattern + i, n - i)) {
        f->form = VPCFLOW_FILTER_NAMED;
        st = vf_filter_parse_named(f, pattern, n, err);
    } else {
        f->form = VPCFLOW_FILTER_TERMS;
        st = vf_filter_parse_terms(f, pattern, n, err);
    }
    if (st != VPCFLOW_OK) {
        vpcflow_filter_free(f);
        return st;
    }
    *out = f;
    return VPCFLOW_OK;
}

vpcflow_filter_form vpcflow_filter_form_of(const vpcflow_filter *f)
{
    return f->form;
}

void vpcflow_filter_free(vpcflow_filter *f)
{
    if (!f)
        return;
    for (uint32_t i = 0; i < f->nregexes; i++)
        vf_regex_free(&f->regexes[i]);
    free(f->regexes);
    free(f->segs);
    free(f->terms);
    free(f->slots);
    free(f->conds);
    free(f->named);
    free(f->values);
    free(f->strings);
    free(f);
}
