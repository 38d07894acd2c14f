/* filter_match.c — matches a compiled filter pattern against a record: terms on the record
 * text, space-delimited slots on its columns, named conditions on its typed values. Reads the
 * compiled form only and allocates nothing, so any number of threads can share one filter. */
#include "filter/filter.h"
#include "base/internal.h"
#include "read/parse.h"

#include <string.h>

/* ---- exact decimal numbers ---------------------------------------------------------------
 * Fields and pattern values are compared as written, digit by digit, so 64-bit counters and
 * decimals compare exactly (a double would round 18446744073709551615). */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int vf_dec_parse(const char *s, size_t n, vf_dec *out)
{
    size_t i = 0;
    vf_dec d = {0};
    if (n > UINT32_MAX)
        return -1;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        d.neg = s[i++] == '-';
    d.ip = s + i;
    while (i < n && is_digit(s[i]))
        i++;
    d.il = (uint32_t)(s + i - d.ip);
    d.fp = s + i;
    if (i < n && s[i] == '.') {
        d.fp = s + ++i;
        while (i < n && is_digit(s[i]))
            i++;
        d.fl = (uint32_t)(s + i - d.fp);
    }
    if (d.il + d.fl == 0)
        return -1;
    int64_t exp = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        if (i == n || !is_digit(s[i]))
            return -1;
        for (; i < n && is_digit(s[i]); i++)
            if (exp < 1000000000)
                exp = exp * 10 + (s[i] - '0');
        exp = eneg ? -exp : exp;
    }
    if (i != n)
        return -1;
    while (d.il && *d.ip == '0')
        d.ip++, d.il--;
    if (d.il == 0)
        while (d.fl && *d.fp == '0')
            d.fp++, d.fl--, exp--;
    d.e = (int64_t)d.il + exp;
    if (d.il + d.fl == 0) /* zero: one value, whatever its sign or exponent */
        d = (vf_dec){.ip = s, .fp = s};
    *out = d;
    return 0;
}

static char dec_digit(const vf_dec *d, size_t k)
{
    if (k < d->il)
        return d->ip[k];
    k -= d->il;
    return k < d->fl ? d->fp[k] : '0';
}

int vf_dec_cmp(const vf_dec *a, const vf_dec *b)
{
    int sa = a->il + a->fl == 0 ? 0 : a->neg ? -1 : 1;
    int sb = b->il + b->fl == 0 ? 0 : b->neg ? -1 : 1;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (sa == 0)
        return 0;
    int mag = 0;
    if (a->e != b->e)
        mag = a->e > b->e ? 1 : -1;
    else {
        size_t la = (size_t)a->il + a->fl, lb = (size_t)b->il + b->fl, len = la > lb ? la : lb;
        for (size_t k = 0; k < len && !mag; k++) {
            char x = dec_digit(a, k), y = dec_digit(b, k);
            mag = x == y ? 0 : x < y ? -1 : 1;
        }
    }
    return sa > 0 ? mag : -mag;
}

/* ---- value tests --------------------------------------------------------------------- */

static int glob_match(const vpcflow_filter *f, const vf_test *t, const char *s, size_t n)
{
    const vf_seg *seg = f->segs + t->seg;
    uint32_t lo = 0, hi = t->nseg; /* segments still to place: [lo, hi) */
    size_t pos = 0, end = n;
    if (!t->lead_star) {
        if (n < seg[0].len || memcmp(s, seg[0].s, seg[0].len) != 0)
            return 0;
        pos = seg[0].len;
        lo = 1;
    }
    if (!t->trail_star && hi > lo) {
        const vf_seg *last = &seg[hi - 1];
        if (end - pos < last->len || memcmp(s + n - last->len, last->s, last->len) != 0)
            return 0;
        end = n - last->len;
        hi--;
    }
    /* the middle pieces in order, each as early as it occurs: for '*' alone, the leftmost
     * placement never loses a match */
    for (uint32_t k = lo; k < hi; k++) {
        const char *at = memmem(s + pos, end - pos, seg[k].s, seg[k].len);
        if (!at)
            return 0;
        pos = (size_t)(at - s) + seg[k].len;
    }
    return 1;
}

int vf_test_eq(const vpcflow_filter *f, const vf_test *t, const char *s, size_t n)
{
    switch (t->kind) {
    case VF_T_EXACT:
        return n == t->len && memcmp(s, t->s, n) == 0;
    case VF_T_GLOB:
        return glob_match(f, t, s, n);
    case VF_T_REGEX:
        return vf_regex_search(&f->regexes[t->regex], s, n);
    case VF_T_NUM: {
        vf_dec d;
        return vf_dec_parse(s, n, &d) == 0 && vf_dec_cmp(&d, &t->num) == 0;
    }
    default:
        return 1;
    }
}

static int op_holds(uint8_t op, int cmp)
{
    switch (op) {
    case VF_OP_EQ:
        return cmp == 0;
    case VF_OP_NE:
        return cmp != 0;
    case VF_OP_LT:
        return cmp < 0;
    case VF_OP_LE:
        return cmp <= 0;
    case VF_OP_GT:
        return cmp > 0;
    default:
        return cmp >= 0;
    }
}

/* ---- term form ---------------------------------------------------------------------- */

static int term_found(const vpcflow_filter *f, const vf_term *t, const char *s, size_t n)
{
    if (t->is_regex)
        return vf_regex_search(&f->regexes[t->regex], s, n);
    return t->len == 0 || (n >= t->len && memmem(s, n, t->s, t->len) != NULL);
}

static int match_terms(const vpcflow_filter *f, const vpcflow_record *rec)
{
    if (f->match_all)
        return 1;
    const char *s = rec->text.ptr ? rec->text.ptr : "";
    size_t n = rec->text.len;
    int have_or = 0, any_or = 0;
    for (uint32_t i = 0; i < f->nterms; i++) {
        const vf_term *t = &f->terms[i];
        if (t->sign == VF_TERM_OR) {
            have_or = 1;
            any_or = any_or || term_found(f, t, s, n);
        } else if (term_found(f, t, s, n) != (t->sign == VF_TERM_AND))
            return 0;
    }
    return !have_or || any_or;
}

/* ---- space-delimited form ------------------------------------------------------------- */

static int cond_holds(const vpcflow_filter *f, const vf_fcond *c, const char *s, size_t n)
{
    if (c->test.kind == VF_T_NUM) {
        /* a numeric condition on a field that is not a number holds for no operator, != too:
         * AWS does the same for a JSON selector that points at a non-value */
        vf_dec d;
        if (vf_dec_parse(s, n, &d) < 0)
            return 0;
        return op_holds(c->op, vf_dec_cmp(&d, &c->test.num));
    }
    int eq = vf_test_eq(f, &c->test, s, n);
    return c->op == VF_OP_EQ ? eq : !eq;
}

static int slot_holds(const vpcflow_filter *f, const vf_slot *slot, vpcflow_str v)
{
    int group = 1;
    for (uint32_t j = 0; j < slot->n; j++) {
        const vf_fcond *c = &f->conds[slot->first + j];
        if (j && c->or_start) {
            if (group)
                return 1;
            group = 1;
        }
        if (group && !cond_holds(f, c, v.ptr, v.len))
            group = 0;
    }
    return group;
}

static int match_fields(const vpcflow_filter *f, const vpcflow_record *rec)
{
    size_t n = rec->format && rec->cols ? vpcflow_format_columns(rec->format) : 0, k = f->nslots;
    if (n < k)
        return 0;
    for (size_t s = 0; s < k; s++) {
        size_t col = s < f->nbefore ? s : n - (k - s);
        vpcflow_str v = rec->cols[col];
        if (!f->ellipsis && s == k - 1 && n > k && rec->cols[n - 1].ptr >= v.ptr) {
            /* more fields than names: the last name takes the rest of the record (AWS's
             * [w1=ERROR, w2] needs the "blank w2" to stand for everything after w1) */
            v.len = (size_t)(rec->cols[n - 1].ptr + rec->cols[n - 1].len - v.ptr);
        }
        if (!slot_holds(f, &f->slots[s], v))
            return 0;
    }
    return 1;
}

/* ---- named form ------------------------------------------------------------------------ */

/* Whether any value of c equals the record's (present) field. */
static int named_any(const vpcflow_filter *f, const vf_named *c, const vpcflow_record *rec)
{
    const vf_value *v = f->values + c->first;
    if (c->type == VPCFLOW_T_U32 || c->type == VPCFLOW_T_U64 || c->type == VPCFLOW_T_TIME) {
        uint64_t x = vf_record_number(rec, c->field);
        for (uint32_t i = 0; i < c->n; i++)
            if (v[i].num == x)
                return 1;
        return 0;
    }
    vpcflow_str text = vpcflow_record_text(rec, (vpcflow_field)c->field);
    if (!text.ptr)
        text = (vpcflow_str){"", 0};
    for (uint32_t i = 0; i < c->n; i++) {
        if (v[i].is_cidr ? vpcflow_cidr_contains(v[i].net, v[i].plen, vf_record_addr(rec, c->field))
                         : vf_test_eq(f, &v[i].test, text.ptr, text.len))
            return 1;
    }
    return 0;
}

static int named_holds(const vpcflow_filter *f, const vf_named *c, const vpcflow_record *rec)
{
    if (!(rec->present & VPCFLOW_BIT(c->field))) /* no value, or not in the format */
        return c->op == VF_OP_EQ && c->dash;
    switch (c->op) {
    case VF_OP_EQ:
        return c->n && named_any(f, c, rec);
    case VF_OP_NE:
        return !c->n || !named_any(f, c, rec);
    default: {
        uint64_t x = vf_record_number(rec, c->field), y = f->values[c->first].num;
        return op_holds(c->op, x < y ? -1 : x > y);
    }
    }
}

static int match_named(const vpcflow_filter *f, const vpcflow_record *rec)
{
    for (uint32_t i = 0; i < f->nnamed; i++)
        if (!named_holds(f, &f->named[i], rec))
            return 0;
    return 1;
}

int vpcflow_filter_match(const vpcflow_filter *f, const vpcflow_record *rec)
{
    switch (f->form) {
    case VPCFLOW_FILTER_TERMS:
        return match_terms(f, rec);
    case VPCFLOW_FILTER_FIELDS:
        return match_fields(f, rec);
    default:
        return match_named(f, rec);
    }
}
