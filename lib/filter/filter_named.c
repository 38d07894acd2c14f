/* filter_named.c — vpcflow's named form: `action=REJECT dstport=22,3389 srcaddr=10.0.0.0/8`.
 *
 * Every whitespace-separated token is <AWS field name><op><value>[,<value>...]; the tokens are
 * ANDed. Values are converted once to the field's type (addresses and CIDRs, whole numbers,
 * keywords checked against the values AWS writes), so matching compares typed values. */
#include "filter/filter.h"
#include "base/internal.h"
#include "read/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAMED 1024
#define MAX_VALUES 16384

static size_t field_name_end(const char *p, size_t n, size_t i)
{
    while (i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
                     p[i] == '-' || p[i] == '_'))
        i++;
    return i;
}

int vf_filter_is_named(const char *p, size_t n)
{
    size_t e = field_name_end(p, n, 0);
    uint8_t op;
    return e > 0 && vpcflow_field_lookup(p, e) >= 0 && vf_filter_read_op(p, n, e, &op) > 0;
}

/* " (did you mean dstport?)" when name is a likely misspelling of a field, else "". */
static const char *did_you_mean(const char *name, size_t len, char *buf, size_t cap)
{
    int near = vpcflow_field_nearest(name, len);
    if (near < 0)
        return "";
    snprintf(buf, cap, " (did you mean %s?)", vpcflow_field_name((vpcflow_field)near));
    return buf;
}

vpcflow_status vf_filter_check_misnamed(const char *p, size_t n, size_t at, vpcflow_error *err)
{
    size_t e = field_name_end(p, n, at);
    uint8_t op;
    size_t oplen = e > at ? vf_filter_read_op(p, n, e, &op) : 0;
    if (!oplen || !((p[at] >= 'a' && p[at] <= 'z') || (p[at] >= 'A' && p[at] <= 'Z')))
        return VPCFLOW_OK;
    size_t end = e + oplen;
    while (end < n && !vf_filter_is_space(p[end]) && p[end] != '"')
        end++;
    if (vf_filter_skip_space(p, n, end) < n)
        return VPCFLOW_OK; /* more than one term: a term search the user wrote on purpose */
    char hint[80];
    return vf_filter_error(err, at,
                           "unknown field '%.*s'%s: a pattern such as dstport=22 names an AWS field (see 'vpcflow "
                           "help fields'); to search the records' text for '%.*s', quote it: '\"%.*s\"'",
                           (int)VF_MIN(e - at, 64), p + at, did_you_mean(p + at, e - at, hint, sizeof hint),
                           (int)VF_MIN(end - at, 64), p + at, (int)VF_MIN(end - at, 64), p + at);
}

/* The values AWS writes for the keyword fields. */
static const char *const *keywords(int field)
{
    static const char *const action[] = {"ACCEPT", "REJECT", NULL};
    static const char *const status[] = {"OK", "NODATA", "SKIPDATA", NULL};
    static const char *const direction[] = {"ingress", "egress", NULL};
    switch (field) {
    case VPCFLOW_F_ACTION:
        return action;
    case VPCFLOW_F_LOG_STATUS:
        return status;
    default:
        return direction;
    }
}

static vpcflow_status check_keyword(int field, const char *s, size_t len, size_t at, vpcflow_error *err)
{
    const char *const *k = keywords(field);
    for (size_t i = 0; k[i]; i++)
        if (strlen(k[i]) == len && memcmp(k[i], s, len) == 0)
            return VPCFLOW_OK;
    char list[64] = "";
    size_t used = 0;
    for (size_t i = 0; k[i]; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? (k[i + 1] ? ", " : " or ") : "", k[i]);
    return vf_filter_error(err, at, "%s is %s (case matters), not '%.*s'", vpcflow_field_name((vpcflow_field)field),
                           list, (int)VF_MIN(len, 64), s);
}

/* Parses a whole number for a numeric field; times in milliseconds are taken to seconds the
 * way records are (parse.c). */
static int whole_number(const char *s, size_t len, int type, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    int64_t secs;
    if (type == VPCFLOW_T_TIME) {
        if (vf_time_seconds(v, &secs) < 0)
            return -1;
        v = (uint64_t)secs;
    }
    *out = v;
    return 0;
}

/* Converts one list item s[0..len) (pattern offset at) into v for the condition c. */
static vpcflow_status named_value(vpcflow_filter *f, vf_named *c, const char *s, size_t len, int quoted, size_t at,
                                  vf_value *v, vpcflow_error *err)
{
    const char *name = vpcflow_field_name((vpcflow_field)c->field);
    int has_star = memchr(s, '*', len) != NULL;
    memset(v, 0, sizeof *v);
    switch (c->type) {
    case VPCFLOW_T_U32:
    case VPCFLOW_T_U64:
    case VPCFLOW_T_TIME:
        if (quoted || whole_number(s, len, c->type, &v->num) < 0)
            return vf_filter_error(err, at, "%s is a number: expected a whole number or '-', not '%.*s'", name,
                                   (int)VF_MIN(len, 64), s);
        return VPCFLOW_OK;
    case VPCFLOW_T_ADDR:
        if (has_star)
            break;
        if (vpcflow_cidr_parse(s, len, &v->net, &v->plen) < 0)
            return vf_filter_error(err, at,
                                   "bad address or CIDR '%.*s' for %s: expected 10.0.0.1, 10.0.0.0/8, "
                                   "2001:db8::/32 or '-'",
                                   (int)VF_MIN(len, 64), s, name);
        v->is_cidr = 1;
        return VPCFLOW_OK;
    case VPCFLOW_T_ENUM:
        if (!has_star) {
            vpcflow_status st = check_keyword(c->field, s, len, at, err);
            if (st != VPCFLOW_OK)
                return st;
        }
        break;
    default:
        break;
    }
    if (vf_filter_value_test(f, s, len, 1, &v->test) < 0)
        return vf_filter_oom(err);
    return VPCFLOW_OK;
}

/* Reads the comma list of one condition starting at p[*pi]. */
static vpcflow_status named_list(vpcflow_filter *f, vf_named *c, const char *p, size_t n, size_t *pi,
                                 vpcflow_error *err)
{
    size_t i = *pi;
    const char *opt = vf_filter_op_text(c->op);
    int eqne = c->op == VF_OP_EQ || c->op == VF_OP_NE;
    for (;;) {
        size_t at = i;
        const char *s;
        size_t len;
        int quoted = i < n && p[i] == '"';
        if (quoted) {
            i = vf_filter_quoted(f, p, n, at, &s, &len);
            if (i == (size_t)-1)
                return vf_filter_error(err, at, "unterminated quoted value: expected a closing '\"'");
        } else {
            while (i < n && !vf_filter_is_space(p[i]) && p[i] != ',')
                i++;
            if (i == at && (c->n || c->dash))
                return vf_filter_error(err, at, "empty value in the list");
            if (i == at)
                return vf_filter_error(err, at, "expected a value after '%s'", opt);
            s = vf_filter_keep(f, p + at, i - at);
            len = i - at;
        }
        if (!eqne && (c->n || c->dash || (i < n && p[i] == ',')))
            return vf_filter_error(err, at, "a list of values needs = or !=, not '%s'", opt);
        if (!quoted && len == 1 && s[0] == '-') {
            if (!eqne)
                return vf_filter_error(err, at, "'-' (no value) needs = or !=, not '%s'", opt);
            c->dash = 1;
        } else {
            if (f->nvalues >= MAX_VALUES)
                return vf_filter_error(err, at, "too many values (at most %d)", MAX_VALUES);
            if (vf_filter_grow((void **)&f->values, f->nvalues, sizeof *f->values) < 0)
                return vf_filter_oom(err);
            vpcflow_status st = named_value(f, c, s, len, quoted, at, &f->values[f->nvalues], err);
            if (st != VPCFLOW_OK)
                return st;
            f->nvalues++;
            c->n++;
        }
        if (i < n && p[i] == ',') {
            i++;
            continue;
        }
        if (i < n && !vf_filter_is_space(p[i]))
            return vf_filter_error(err, i, "expected a space or ',' after the value");
        *pi = i;
        return VPCFLOW_OK;
    }
}

static vpcflow_status named_cond(vpcflow_filter *f, const char *p, size_t n, size_t *pi, vpcflow_error *err)
{
    size_t at = *pi, e = field_name_end(p, n, at);
    uint8_t op = 0;
    size_t oplen = vf_filter_read_op(p, n, e, &op);
    if (e == at || !oplen) {
        size_t end = at;
        while (end < n && !vf_filter_is_space(p[end]))
            end++;
        return vf_filter_error(err, at,
                               "expected a condition such as dstport=22, not '%.*s' (a pattern that starts with "
                               "a field condition is in the named form: quote a term to search for text)",
                               (int)VF_MIN(end - at, 64), p + at);
    }
    int field = vpcflow_field_lookup(p + at, e - at);
    char hint[80];
    if (field < 0)
        return vf_filter_error(err, at,
                               "unknown field '%.*s'%s (names are AWS field names such as srcaddr, dstport, action; "
                               "see 'vpcflow help fields')",
                               (int)VF_MIN(e - at, 64), p + at, did_you_mean(p + at, e - at, hint, sizeof hint));
    if (f->nnamed >= MAX_NAMED)
        return vf_filter_error(err, at, "too many conditions (at most %d)", MAX_NAMED);
    vf_named c = {
        .field = field, .op = op, .type = (uint8_t)vpcflow_field_type_of((vpcflow_field)field), .first = f->nvalues};
    int numeric = c.type == VPCFLOW_T_U32 || c.type == VPCFLOW_T_U64 || c.type == VPCFLOW_T_TIME;
    if (!numeric && op != VF_OP_EQ && op != VF_OP_NE)
        return vf_filter_error(err, e, "%s takes = or != (%s), not '%s'", vpcflow_field_name((vpcflow_field)field),
                               c.type == VPCFLOW_T_ADDR ? "an address or CIDR" : "text, with * wildcards",
                               vf_filter_op_text(op));
    size_t i = e + oplen;
    if (i < n && p[i] == '=')
        return vf_filter_error(err, e, "'%s=' is not an operator: use =, !=, <, <=, > or >=", vf_filter_op_text(op));
    vpcflow_status st = named_list(f, &c, p, n, &i, err);
    if (st != VPCFLOW_OK)
        return st;
    if (vf_filter_grow((void **)&f->named, f->nnamed, sizeof *f->named) < 0)
        return vf_filter_oom(err);
    f->named[f->nnamed++] = c;
    *pi = i;
    return VPCFLOW_OK;
}

vpcflow_status vf_filter_parse_named(vpcflow_filter *f, const char *p, size_t n, vpcflow_error *err)
{
    size_t i = 0;
    for (;;) {
        i = vf_filter_skip_space(p, n, i);
        if (i == n)
            return VPCFLOW_OK;
        vpcflow_status st = named_cond(f, p, n, &i, err);
        if (st != VPCFLOW_OK)
            return st;
    }
}
