/* filter_parse.c — CloudWatch's own pattern forms: the term form and the space-delimited form.
 * The shared lexing helpers are in filter_lex.c, the named form in filter_named.c, and form
 * detection in filter_compile.c. */
#include "filter/filter.h"
#include "base/internal.h"

#include <string.h>

#define MAX_SLOTS 1024
#define MAX_CONDS 4096
#define MAX_TERMS 4096

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
        if (!vf_filter_is_space(s[i]))
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
        if (end < n && !vf_filter_is_space(p[end]))
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
        if (end < n && !vf_filter_is_space(p[end]))
            return vf_filter_error(err, end, "expected a space after the closing '%%' of the regex");
        t->is_regex = 1;
        *i = end;
        return VPCFLOW_OK;
    }
    size_t end = at;
    while (end < n && !vf_filter_is_space(p[end]))
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
        i = vf_filter_skip_space(p, n, i);
        if (i == n)
            break;
        vf_term t = {0};
        size_t start = i;
        if (p[i] == '?') {
            t.sign = VF_TERM_OR;
            if (++i == n || vf_filter_is_space(p[i]))
                return vf_filter_error(err, start, "expected a term right after '?'");
        } else if (p[i] == '-') {
            t.sign = VF_TERM_NOT;
            /* AWS's own example writes the exclusion apart from its term: "ERROR" - "Exiting" */
            i = vf_filter_skip_space(p, n, i + 1);
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
    if (vf_filter_is_space(c) || c == ',' || c == ']')
        return 1;
    return i + 1 < n && ((c == '&' && p[i + 1] == '&') || (c == '|' && p[i + 1] == '|'));
}

/* Reads the value of a condition at p[*i] for field number `field`. */
static vpcflow_status cond_value(vpcflow_filter *f, const char *p, size_t n, size_t *i, size_t op_at, vf_fcond *c,
                                 vpcflow_error *err)
{
    size_t at = *i;
    const char *opt = vf_filter_op_text(c->op);
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
        i = vf_filter_skip_space(p, n, i + oplen);
        vpcflow_status st = cond_value(f, p, n, &i, op_at, &c, err);
        if (st != VPCFLOW_OK)
            return st;
        if (vf_filter_grow((void **)&f->conds, f->nconds, sizeof *f->conds) < 0)
            return vf_filter_oom(err);
        f->conds[f->nconds++] = c;
        slot->n++;
        i = vf_filter_skip_space(p, n, i);
        if (i + 1 < n && ((p[i] == '&' && p[i + 1] == '&') || (p[i] == '|' && p[i + 1] == '|'))) {
            or_next = p[i] == '|';
            i = vf_filter_skip_space(p, n, i + 2);
            size_t e = read_name(p, n, i);
            if (e == i)
                return vf_filter_error(err, i, "expected the field name '%.*s' after '%s'", (int)name_len, p + name_at,
                                       or_next ? "||" : "&&");
            if (!name_eq_nocase(p + i, e - i, p + name_at, name_len))
                return vf_filter_error(err, i,
                                       "a condition in field %u names '%.*s': it can only test its own field "
                                       "'%.*s'",
                                       field, (int)(e - i), p + i, (int)name_len, p + name_at);
            i = vf_filter_skip_space(p, n, e);
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
        i = vf_filter_skip_space(p, n, i + elen);
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
            return vf_filter_error(err, i, "expected a field name before '%s' (field %u)", vf_filter_op_text(op),
                                   field);
        if (i == n)
            return vf_filter_error(err, i, "unterminated '[': expected a field name or ']'");
        return vf_filter_error(err, i, "expected a field name (letters, digits, '_') in field %u, not '%c'", field,
                               p[i]);
    }
    vf_slot slot = {f->nconds, 0};
    size_t start = i;
    i = vf_filter_skip_space(p, n, e);
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
    size_t open = vf_filter_skip_space(p, n, 0);
    size_t i = vf_filter_skip_space(p, n, open + 1);
    size_t ellipsis_at = 0;
    uint32_t field = 1;
    if (i < n && p[i] == ']')
        return vf_filter_error(err, i, "empty '[]': name at least one field, or write [...]");
    for (;; field++) {
        vpcflow_status st = fields_entry(f, p, n, &i, field, &ellipsis_at, err);
        if (st != VPCFLOW_OK)
            return st;
        i = vf_filter_skip_space(p, n, i);
        if (i == n)
            return vf_filter_error(err, i, "unterminated '[' (column %zu): expected ',' or ']' after field %u",
                                   open + 1, field);
        if (p[i] == ']')
            break;
        if (p[i] != ',')
            return vf_filter_error(err, i, "expected ',' or ']' after field %u", field);
        i = vf_filter_skip_space(p, n, i + 1);
        if (i < n && p[i] == ']') {
            /* a trailing ",]" is one more unnamed field, as in AWS's [..., status_code=4*,] */
            vpcflow_status st2 = add_slot(f, (vf_slot){f->nconds, 0}, i, err);
            if (st2 != VPCFLOW_OK)
                return st2;
            break;
        }
    }
    i = vf_filter_skip_space(p, n, i + 1);
    if (i != n)
        return vf_filter_error(err, i, "unexpected text after ']'");
    if (!f->ellipsis)
        f->nbefore = f->nslots;
    return VPCFLOW_OK;
}
