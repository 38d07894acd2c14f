/* alerts_rules.c — the alert rules: built-in defaults, the JSON rules file that tunes them and
 * adds user rules (docs/alerts.md), --only, and printing the effective rules. */
#include "alerts/alerts.h"
#include "base/jsonin.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RULES_FILE ((size_t)4 << 20)
#define MAX_WINDOW ((int64_t)30 * 86400)

/* The ports of sensitive-port-accepted by default: SSH, Telnet, RDP, SMB, MySQL, PostgreSQL,
 * Redis, Elasticsearch, MongoDB — services that should never face the internet. */
static const uint16_t default_ports[] = {22, 23, 445, 3306, 3389, 5432, 6379, 9200, 27017};

static const char *const builtin_names[] = {"internal-reject", "port-scan", "sensitive-port-accepted", "egress-spike"};

const char *vf_severity_name(int severity)
{
    return severity == VF_SEV_HIGH ? "high" : severity == VF_SEV_LOW ? "low" : "medium";
}

static void set_ports(vf_rule *r)
{
    memset(r->port_bits, 0, sizeof r->port_bits);
    for (size_t i = 0; i < r->nports; i++)
        r->port_bits[r->ports[i] >> 3] |= (uint8_t)(1u << (r->ports[i] & 7));
}

static int defaults(vpcflow_alert_rules *R)
{
    R->rule = vf_calloc(4, sizeof *R->rule);
    if (!R->rule)
        return -1;
    R->n = 4;
    R->examples = 3;
    for (int k = 0; k < 4; k++) {
        vf_rule *r = &R->rule[k];
        r->kind = k;
        snprintf(r->name, sizeof r->name, "%s", builtin_names[k]);
        r->enabled = 1;
        r->key_size = 16; /* srcaddr */
    }
    vf_rule *r = &R->rule[VF_RULE_INTERNAL_REJECT];
    r->severity = VF_SEV_HIGH;
    r->window = 3600;
    r->min_records = 1;
    r = &R->rule[VF_RULE_PORT_SCAN];
    r->severity = VF_SEV_MEDIUM;
    r->window = 600;
    r->min_ports = 20;
    r->min_hosts = 20;
    r = &R->rule[VF_RULE_SENSITIVE_PORT];
    r->severity = VF_SEV_HIGH;
    r->window = 3600;
    r->min_records = 1;
    r->key_size = 36; /* srcaddr, dstaddr, dstport */
    r->ports = malloc(sizeof default_ports);
    if (!r->ports)
        return -1;
    memcpy(r->ports, default_ports, sizeof default_ports);
    r->nports = VF_ARRAY_LEN(default_ports);
    set_ports(r);
    r = &R->rule[VF_RULE_EGRESS_SPIKE];
    r->severity = VF_SEV_MEDIUM;
    r->window = 600;
    r->factor_milli = 10000;
    r->min_bytes = (uint64_t)100 << 20;
    r->min_history = 3 * 600;
    return 0;
}

void vpcflow_alert_rules_free(vpcflow_alert_rules *R)
{
    if (!R)
        return;
    for (size_t i = 0; i < R->n; i++) {
        free(R->rule[i].ports);
        free(R->rule[i].pattern);
        vpcflow_filter_free(R->rule[i].filter);
    }
    free(R->rule);
    free(R);
}

/* ---- reading values ------------------------------------------------------------------- */

static void at(vf_jin *c, const char *base, const char *key)
{
    if (base[0])
        snprintf(c->path, sizeof c->path, "%.80s.%.60s", base, key);
    else
        snprintf(c->path, sizeof c->path, "%.60s", key);
}

/* Digits followed by an optional unit from units[] (each a letter and its multiplier). */
static int number_with_unit(const char *s, const char *letters, const uint64_t *mult, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (i == 0)
        return -1;
    uint64_t m = 1;
    if (s[i]) {
        const char *u = strchr(letters, s[i]);
        if (!u)
            return -1;
        m = mult[u - letters];
        i++;
    }
    if (s[i] || (m && v > UINT64_MAX / m))
        return -1;
    *out = v * m;
    return 0;
}

static vpcflow_status get_uint(vf_jin *c, json_t *v, uint64_t min, uint64_t max, uint64_t *out)
{
    if (!json_is_integer(v))
        return vf_jin_fail(c, "expected an integer from %llu to %llu, found %s", (unsigned long long)min,
                           (unsigned long long)max, vf_json_type_name(v));
    if (json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) < min || (uint64_t)json_integer_value(v) > max)
        return vf_jin_fail(c, "expected an integer from %llu to %llu", (unsigned long long)min,
                           (unsigned long long)max);
    *out = (uint64_t)json_integer_value(v);
    return VPCFLOW_OK;
}

/* Seconds: an integer, or a string such as "90s", "10m", "1h", "1d". */
static vpcflow_status get_duration(vf_jin *c, json_t *v, int64_t min, int64_t *out)
{
    static const uint64_t mult[] = {1, 60, 3600, 86400};
    uint64_t s = 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        s = (uint64_t)json_integer_value(v);
    else if (!json_is_string(v) || number_with_unit(json_string_value(v), "smhd", mult, &s) < 0)
        return vf_jin_fail(c, "expected a duration: seconds, or a string such as \"90s\", \"10m\", \"1h\", \"1d\"");
    if (s < (uint64_t)min || s > (uint64_t)MAX_WINDOW)
        return vf_jin_fail(c, "expected a duration from %llds to 30d", (long long)min);
    *out = (int64_t)s;
    return VPCFLOW_OK;
}

/* Bytes: an integer, or a string such as "100M", "2G" (powers of 1024). */
static vpcflow_status get_bytes(vf_jin *c, json_t *v, uint64_t *out)
{
    static const uint64_t mult[] = {1ull << 10, 1ull << 20, 1ull << 30, 1ull << 40,
                                    1ull << 10, 1ull << 20, 1ull << 30, 1ull << 40};
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return VPCFLOW_OK;
    }
    if (json_is_string(v) && number_with_unit(json_string_value(v), "KMGTkmgt", mult, out) == 0)
        return VPCFLOW_OK;
    return vf_jin_fail(c, "expected a number of bytes, or a string such as \"100M\" or \"2G\" (powers of 1024)");
}

static vpcflow_status get_bool(vf_jin *c, json_t *v, int *out)
{
    if (!json_is_boolean(v))
        return vf_jin_fail(c, "expected true or false, found %s", vf_json_type_name(v));
    *out = json_is_true(v);
    return VPCFLOW_OK;
}

static vpcflow_status get_severity(vf_jin *c, json_t *v, int *out)
{
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (!strcmp(s, "low"))
        *out = VF_SEV_LOW;
    else if (!strcmp(s, "medium"))
        *out = VF_SEV_MEDIUM;
    else if (!strcmp(s, "high"))
        *out = VF_SEV_HIGH;
    else
        return vf_jin_fail(c, "expected \"low\", \"medium\" or \"high\"");
    return VPCFLOW_OK;
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static vpcflow_status get_ports(vf_jin *c, json_t *v, vf_rule *r)
{
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 65536)
        return vf_jin_fail(c, "expected a non-empty array of port numbers, e.g. [22, 3389]");
    uint16_t *ports = malloc(json_array_size(v) * sizeof *ports);
    if (!ports)
        return vf_error(c->err, VPCFLOW_ERR_IO, c->file, 0, 0, "out of memory");
    size_t i, n = 0;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_integer(e) || json_integer_value(e) < 0 || json_integer_value(e) > 65535) {
            free(ports);
            return vf_jin_fail(c, "element %zu: expected a port number from 0 to 65535", i);
        }
        ports[n++] = (uint16_t)json_integer_value(e);
    }
    qsort(ports, n, sizeof *ports, cmp_u16);
    size_t u = 0;
    for (size_t k = 0; k < n; k++)
        if (!u || ports[u - 1] != ports[k])
            ports[u++] = ports[k];
    free(r->ports);
    r->ports = ports;
    r->nports = u;
    set_ports(r);
    return VPCFLOW_OK;
}

static vpcflow_status get_factor(vf_jin *c, json_t *v, uint64_t *milli)
{
    if (!json_is_number(v) || !(json_number_value(v) >= 1.0) || json_number_value(v) > 1e6)
        return vf_jin_fail(c, "expected a number from 1 to 1000000, e.g. 10 or 2.5");
    *milli = (uint64_t)llround(json_number_value(v) * 1000.0);
    return VPCFLOW_OK;
}

static int ignored_key(const char *key)
{
    return key[0] == '_' || !strcmp(key, "comment");
}

/* ---- one rule ------------------------------------------------------------------------- */

/* The settings a rule of this kind takes, for messages. */
static const char *known_keys(int kind)
{
    switch (kind) {
    case VF_RULE_INTERNAL_REJECT:
        return "enabled, severity, window, min_records";
    case VF_RULE_PORT_SCAN:
        return "enabled, severity, window, min_ports, min_hosts";
    case VF_RULE_SENSITIVE_PORT:
        return "enabled, severity, window, ports, min_records";
    case VF_RULE_EGRESS_SPIKE:
        return "enabled, severity, window, factor, min_bytes, min_history";
    default:
        return "name, pattern, group_by, min_records, min_bytes, window, severity, enabled";
    }
}

static vpcflow_status apply_setting(vf_jin *c, vf_rule *r, const char *key, json_t *v, int *known)
{
    uint64_t u;
    vpcflow_status st;
    *known = 1;
    if (!strcmp(key, "enabled"))
        return get_bool(c, v, &r->enabled);
    if (!strcmp(key, "severity"))
        return get_severity(c, v, &r->severity);
    if (!strcmp(key, "window")) {
        if ((st = get_duration(c, v, 2, &r->window)) != VPCFLOW_OK)
            return st;
        return r->window % 2 ? vf_jin_fail(c, "a window must be an even number of seconds (windows start every "
                                              "half window)")
                             : VPCFLOW_OK;
    }
    int k = r->kind;
    if (!strcmp(key, "min_records") && k != VF_RULE_PORT_SCAN && k != VF_RULE_EGRESS_SPIKE)
        return get_uint(c, v, k == VF_RULE_CUSTOM ? 0 : 1, UINT32_MAX, &r->min_records);
    if ((!strcmp(key, "min_ports") || !strcmp(key, "min_hosts")) && k == VF_RULE_PORT_SCAN) {
        if ((st = get_uint(c, v, 0, VF_ALERT_SET_CAP, &u)) != VPCFLOW_OK)
            return st;
        *(key[4] == 'p' ? &r->min_ports : &r->min_hosts) = (uint32_t)u;
        return VPCFLOW_OK;
    }
    if (!strcmp(key, "ports") && k == VF_RULE_SENSITIVE_PORT)
        return get_ports(c, v, r);
    if (!strcmp(key, "factor") && k == VF_RULE_EGRESS_SPIKE)
        return get_factor(c, v, &r->factor_milli);
    if (!strcmp(key, "min_bytes") && (k == VF_RULE_EGRESS_SPIKE || k == VF_RULE_CUSTOM))
        return get_bytes(c, v, &r->min_bytes);
    if (!strcmp(key, "min_history") && k == VF_RULE_EGRESS_SPIKE)
        return get_duration(c, v, 0, &r->min_history);
    *known = 0;
    return VPCFLOW_OK;
}

static vpcflow_status apply_object(vf_jin *c, vf_rule *r, json_t *obj, const char *base)
{
    if (!json_is_object(obj)) {
        snprintf(c->path, sizeof c->path, "%.150s", base);
        return vf_jin_fail(c, "expected an object of settings (%s), found %s", known_keys(r->kind),
                           vf_json_type_name(obj));
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (ignored_key(key) || (r->kind == VF_RULE_CUSTOM &&
                                 (!strcmp(key, "name") || !strcmp(key, "pattern") || !strcmp(key, "group_by"))))
            continue;
        at(c, base, key);
        int known;
        vpcflow_status st = apply_setting(c, r, key, v, &known);
        if (st != VPCFLOW_OK)
            return st;
        if (!known)
            return vf_jin_fail(c, "unknown setting (%s takes %s)", r->name[0] ? r->name : "a user rule",
                               known_keys(r->kind));
    }
    c->path[0] = 0;
    if (r->kind == VF_RULE_PORT_SCAN && !r->min_ports && !r->min_hosts) {
        snprintf(c->path, sizeof c->path, "%.150s", base);
        return vf_jin_fail(c, "min_ports and min_hosts are both 0: the rule could never fire");
    }
    return VPCFLOW_OK;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (!n || n >= 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
              ch == '_' || ch == '.'))
            return 0;
    }
    return 1;
}

static vpcflow_status user_rule(vf_jin *c, vpcflow_alert_rules *R, json_t *obj, size_t idx)
{
    char base[32];
    snprintf(base, sizeof base, "rules[%zu]", idx);
    vf_rule *r = &R->rule[R->n];
    memset(r, 0, sizeof *r);
    r->kind = VF_RULE_CUSTOM;
    r->enabled = 1;
    r->severity = VF_SEV_MEDIUM;
    r->window = 600;
    snprintf(c->path, sizeof c->path, "%s", base);
    if (!json_is_object(obj))
        return vf_jin_fail(c, "expected an object (%s), found %s", known_keys(VF_RULE_CUSTOM), vf_json_type_name(obj));
    json_t *name = json_object_get(obj, "name"), *pattern = json_object_get(obj, "pattern");
    json_t *group = json_object_get(obj, "group_by");
    if (!json_is_string(name) || !valid_name(json_string_value(name)))
        return vf_jin_fail(c, "\"name\" must be 1 to 63 letters, digits, '-', '_' or '.'");
    for (size_t i = 0; i < R->n; i++)
        if (!strcmp(R->rule[i].name, json_string_value(name)))
            return vf_jin_fail(c, "the name \"%s\" is already taken", json_string_value(name));
    snprintf(r->name, sizeof r->name, "%s", json_string_value(name));
    snprintf(base, sizeof base, "rules[%zu]", idx);
    if (!json_is_string(pattern))
        return vf_jin_fail(c, "\"pattern\" must be a filter pattern string (docs/filter.md), e.g. \"action=REJECT\"");
    R->n++; /* from here on the rule owns what it allocates */
    r->pattern = vf_strndup(json_string_value(pattern), json_string_length(pattern));
    if (!r->pattern)
        return vf_error(c->err, VPCFLOW_ERR_IO, c->file, 0, 0, "out of memory");
    vpcflow_error fe;
    if (vpcflow_filter_compile(r->pattern, &r->filter, &fe) != VPCFLOW_OK) {
        at(c, base, "pattern");
        return vf_jin_fail(c, "column %u: %s", fe.column, fe.message);
    }
    const char *by = group ? (json_is_string(group) ? json_string_value(group) : "") : "srcaddr";
    vpcflow_error ke;
    if (strlen(by) >= sizeof r->group_by || vf_keys_parse(by, &r->keys, &ke) != VPCFLOW_OK) {
        at(c, base, "group_by");
        return vf_jin_fail(c, "%s",
                           json_is_string(group) || !group ? ke.message : "expected a string such as \"srcaddr\"");
    }
    snprintf(r->group_by, sizeof r->group_by, "%s", by);
    r->key_size = r->keys.size;
    vpcflow_status st = apply_object(c, r, obj, base);
    if (st != VPCFLOW_OK)
        return st;
    if (!r->min_records && !r->min_bytes) {
        snprintf(c->path, sizeof c->path, "%s", base);
        return vf_jin_fail(c, "give a threshold: min_records, min_bytes or both");
    }
    return VPCFLOW_OK;
}

static vpcflow_status user_rules(vf_jin *c, vpcflow_alert_rules *R, json_t *arr)
{
    snprintf(c->path, sizeof c->path, "rules");
    if (!json_is_array(arr))
        return vf_jin_fail(c, "expected an array of user rules, found %s", vf_json_type_name(arr));
    if (json_array_size(arr) + R->n > VF_ALERT_MAX_RULES)
        return vf_jin_fail(c, "at most %d rules in all", VF_ALERT_MAX_RULES);
    size_t cap = R->n;
    if (vf_grow(&R->rule, &cap, R->n + json_array_size(arr), sizeof *R->rule) < 0)
        return vf_error(c->err, VPCFLOW_ERR_IO, c->file, 0, 0, "out of memory");
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        vpcflow_status st = user_rule(c, R, e, i);
        if (st != VPCFLOW_OK)
            return st;
    }
    return VPCFLOW_OK;
}

static vpcflow_status apply_doc(vf_jin *c, vpcflow_alert_rules *R, json_t *doc)
{
    if (!json_is_object(doc))
        return vf_jin_fail(c, "expected an object such as {\"port-scan\": {\"min_ports\": 30}}, found %s",
                           vf_json_type_name(doc));
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        vpcflow_status st = VPCFLOW_OK;
        int builtin = -1;
        for (int k = 0; k < 4; k++)
            if (!strcmp(key, builtin_names[k]))
                builtin = k;
        if (builtin >= 0)
            st = apply_object(c, &R->rule[builtin], v, key);
        else if (!strcmp(key, "rules"))
            st = user_rules(c, R, v);
        else if (!strcmp(key, "examples")) {
            uint64_t n;
            at(c, "", key);
            st = get_uint(c, v, 0, VF_ALERT_MAX_EXAMPLES, &n);
            R->examples = (unsigned)n;
        } else if (!ignored_key(key)) {
            char shown[48];
            snprintf(shown, sizeof shown, "%.40s", key);
            c->path[0] = 0;
            st = vf_jin_fail(c,
                             "unknown key \"%s\" (known: internal-reject, port-scan, sensitive-port-accepted, "
                             "egress-spike, rules, examples; comment and keys starting with _ are ignored)",
                             shown);
        }
        if (st != VPCFLOW_OK)
            return st;
    }
    return VPCFLOW_OK;
}

vpcflow_status vpcflow_alert_rules_parse(const char *text, size_t len, const char *name, vpcflow_alert_rules **out,
                                         vpcflow_error *err)
{
    *out = NULL;
    vf_jin c = {name ? name : "rules", err, ""};
    vpcflow_alert_rules *R = vf_calloc(1, sizeof *R);
    if (!R || defaults(R) < 0) {
        vpcflow_alert_rules_free(R);
        return vf_error(err, VPCFLOW_ERR_IO, c.file, 0, 0, "out of memory");
    }
    if (!text) {
        *out = R;
        return VPCFLOW_OK;
    }
    json_t *doc = NULL;
    vpcflow_status st = vf_jin_parse(c.file, text, len, JSON_REJECT_DUPLICATES,
                                     "a JSON object of rule settings (docs/alerts.md)", &doc, err);
    if (!st)
        st = apply_doc(&c, R, doc);
    json_decref(doc);
    if (st != VPCFLOW_OK) {
        vpcflow_alert_rules_free(R);
        return st;
    }
    *out = R;
    return VPCFLOW_OK;
}

vpcflow_status vpcflow_alert_rules_load(const char *path, vpcflow_alert_rules **out, vpcflow_error *err)
{
    if (!path)
        return vpcflow_alert_rules_parse(NULL, 0, NULL, out, err);
    *out = NULL;
    char *buf;
    size_t n;
    vpcflow_status st = vf_read_file(path, MAX_RULES_FILE, "a rules file", &buf, &n, err);
    if (st != VPCFLOW_OK)
        return st;
    st = vpcflow_alert_rules_parse(buf, n, path, out, err);
    free(buf);
    return st;
}

vpcflow_status vpcflow_alert_rules_select(vpcflow_alert_rules *R, const char *names, vpcflow_error *err)
{
    uint8_t want[VF_ALERT_MAX_RULES] = {0};
    const char *p = names;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        size_t i = 0;
        while (i < R->n && (strlen(R->rule[i].name) != len || memcmp(R->rule[i].name, p, len) != 0))
            i++;
        if (i == R->n)
            return vf_error(err, VPCFLOW_ERR_INPUT, "--only", 0, 0, "no rule named '%.*s'", (int)VF_MIN(len, 64), p);
        want[i] = 1;
        p = e ? e + 1 : p + len;
    }
    for (size_t i = 0; i < R->n; i++)
        R->rule[i].enabled = want[i];
    return VPCFLOW_OK;
}

size_t vpcflow_alert_rules_count(const vpcflow_alert_rules *R)
{
    return R->n;
}

const char *vpcflow_alert_rules_name(const vpcflow_alert_rules *R, size_t i)
{
    return i < R->n ? R->rule[i].name : NULL;
}

int vpcflow_alert_rules_enabled(const vpcflow_alert_rules *R, size_t i)
{
    return i < R->n && R->rule[i].enabled;
}

/* ---- printing ------------------------------------------------------------------------- */

static json_t *factor_json(uint64_t milli)
{
    if (milli % 1000 == 0)
        return json_integer((json_int_t)(milli / 1000));
    return json_real((double)milli / 1000.0);
}

static json_t *rule_json(const vf_rule *r)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    if (r->kind == VF_RULE_CUSTOM) {
        bad |= json_object_set_new(o, "name", json_string(r->name));
        bad |= json_object_set_new(o, "pattern", json_string(r->pattern));
        bad |= json_object_set_new(o, "group_by", json_string(r->group_by));
    }
    bad |= json_object_set_new(o, "enabled", json_boolean(r->enabled));
    bad |= json_object_set_new(o, "severity", json_string(vf_severity_name(r->severity)));
    bad |= json_object_set_new(o, "window", json_integer(r->window));
    switch (r->kind) {
    case VF_RULE_PORT_SCAN:
        bad |= json_object_set_new(o, "min_ports", json_integer(r->min_ports));
        bad |= json_object_set_new(o, "min_hosts", json_integer(r->min_hosts));
        break;
    case VF_RULE_SENSITIVE_PORT: {
        json_t *ports = json_array();
        for (size_t i = 0; ports && i < r->nports; i++)
            bad |= json_array_append_new(ports, json_integer(r->ports[i]));
        bad |= json_object_set_new(o, "ports", ports);
        bad |= json_object_set_new(o, "min_records", json_integer((json_int_t)r->min_records));
        break;
    }
    case VF_RULE_EGRESS_SPIKE:
        bad |= json_object_set_new(o, "factor", factor_json(r->factor_milli));
        bad |= json_object_set_new(o, "min_bytes", json_integer((json_int_t)r->min_bytes));
        bad |= json_object_set_new(o, "min_history", json_integer(r->min_history));
        break;
    default:
        bad |= json_object_set_new(o, "min_records", json_integer((json_int_t)r->min_records));
        if (r->kind == VF_RULE_CUSTOM)
            bad |= json_object_set_new(o, "min_bytes", json_integer((json_int_t)r->min_bytes));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int vpcflow_alert_rules_write(const vpcflow_alert_rules *R, FILE *out)
{
    json_t *doc = json_object(), *users = json_array();
    int bad = !doc || !users;
    for (size_t i = 0; !bad && i < R->n; i++) {
        json_t *o = rule_json(&R->rule[i]);
        if (!o)
            bad = 1;
        else if (R->rule[i].kind == VF_RULE_CUSTOM)
            bad = json_array_append_new(users, o) != 0;
        else
            bad = json_object_set_new(doc, R->rule[i].name, o) != 0;
    }
    if (!bad) {
        bad = json_object_set_new(doc, "rules", users) != 0;
        users = NULL;
    }
    if (!bad)
        bad = json_object_set_new(doc, "examples", json_integer(R->examples)) != 0;
    if (!bad)
        bad = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', out) == EOF;
    json_decref(users);
    json_decref(doc);
    return bad || ferror(out) ? -1 : 0;
}
