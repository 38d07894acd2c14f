/* metrics.c — CloudWatch metrics as the AWS CLI prints them, or as CSV: `aws cloudwatch
 * get-metric-statistics` (Datapoints, any order, Maximum preferred, then the highest
 * ExtendedStatistics percentile, then Average), `get-metric-data` (MetricDataResults with
 * Timestamps[] and Values[]), or `timestamp,value` lines. CPUUtilization and memory
 * (mem_used_percent, MemoryUtilization) are kept per instance; NetworkIn/Out are counted. */
#include "base/jsonin.h"
#include "rightsize/rightsize.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MAX_METRIC_FILE ((size_t)256 << 20)

enum { K_CPU, K_MEM, K_NET };

static int digits(const char *s, size_t n, size_t at, size_t k, int *out)
{
    int v = 0;
    if (at + k > n)
        return -1;
    for (size_t i = at; i < at + k; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int vf_rs_parse_time(const char *s, size_t n, int64_t *out)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    while (n && *s == ' ')
        s++, n--;
    if (!n)
        return -1;
    size_t i = 0;
    int all_digits = 1;
    for (i = 0; i < n; i++)
        all_digits &= isdigit((unsigned char)s[i]) != 0;
    if (all_digits && n <= 12) {
        *out = strtoll(s, NULL, 10);
        return 0;
    }
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || digits(s, n, 5, 2, &mo) || s[7] != '-' ||
        digits(s, n, 8, 2, &d))
        return -1;
    i = 10;
    if (i < n && (s[i] == 'T' || s[i] == ' ')) {
        if (digits(s, n, i + 1, 2, &h) || i + 3 >= n || s[i + 3] != ':' || digits(s, n, i + 4, 2, &mi))
            return -1;
        i += 6;
        if (i < n && s[i] == ':') {
            if (digits(s, n, i + 1, 2, &se))
                return -1;
            i += 3;
            if (i < n && s[i] == '.')
                for (i++; i < n && isdigit((unsigned char)s[i]); i++)
                    ;
        }
    }
    int off = 0;
    if (i < n && s[i] == 'Z')
        i++;
    else if (i < n && (s[i] == '+' || s[i] == '-')) {
        int oh, om;
        if (digits(s, n, i + 1, 2, &oh) || i + 3 >= n || s[i + 3] != ':' || digits(s, n, i + 4, 2, &om))
            return -1;
        off = (oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
        i += 6;
    }
    if (i != n || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    *out = (int64_t)timegm(&tm) - off;
    return 0;
}

static int kind_of(const char *label)
{
    char low[128];
    size_t n = 0;
    for (; label[n] && n + 1 < sizeof low; n++)
        low[n] = (char)tolower((unsigned char)label[n]);
    low[n] = 0;
    if (strstr(low, "mem"))
        return K_MEM;
    if (strstr(low, "network"))
        return K_NET;
    return K_CPU;
}

/* The instance named in text: "i-" and 8 to 17 hexadecimal digits, or "" */
static void instance_in(const char *text, char *out, size_t cap)
{
    out[0] = 0;
    for (const char *p = text; (p = strstr(p, "i-")) != NULL; p++) {
        if (p != text && (isalnum((unsigned char)p[-1])))
            continue;
        size_t k = 0;
        while (isxdigit((unsigned char)p[2 + k]) && !isupper((unsigned char)p[2 + k]))
            k++;
        if (k == 8 || k == 17) {
            snprintf(out, cap, "%.*s", (int)(k + 2), p);
            return;
        }
    }
}

static vf_rs_series *series_for(vf_rs_metrics *m, const char *instance, const char *file)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->s[i].instance, instance))
            return &m->s[i];
    if (vf_grow(&m->s, &m->cap, m->n + 1, sizeof *m->s) < 0)
        return NULL;
    vf_rs_series *s = &m->s[m->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->instance, sizeof s->instance, "%s", instance);
    snprintf(s->file, sizeof s->file, "%s", file);
    return s;
}

static int add_point(vf_rs_series *s, int kind, int64_t t, double v)
{
    if (kind == K_NET) {
        s->net_points++;
        return 0;
    }
    vf_rs_point **a = kind == K_CPU ? &s->cpu : &s->mem;
    size_t *n = kind == K_CPU ? &s->ncpu : &s->nmem, *cap = kind == K_CPU ? &s->capcpu : &s->capmem;
    if (vf_grow(a, cap, *n + 1, sizeof **a) < 0)
        return -1;
    (*a)[(*n)++] = (vf_rs_point){t, v};
    return 0;
}

static vpcflow_status oom(const char *file, vpcflow_error *err)
{
    return vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "out of memory");
}

static vpcflow_status bad_value(vf_jin *c, double v)
{
    return vf_jin_fail(c, "a utilisation of %g%%: expected 0 to 100 (and for memory, a percent)", v);
}

/* A number in [0, 100] at key of obj; 1 when present. */
static int pct(const json_t *obj, const char *key, double *v)
{
    const json_t *x = json_object_get(obj, key);
    if (!x || !json_is_number(x))
        return 0;
    *v = json_number_value(x);
    return 1;
}

static vpcflow_status load_statistics(vf_rs_series *s, int kind, const json_t *dps, vf_jin *c)
{
    size_t i;
    const json_t *dp;
    json_array_foreach(dps, i, dp)
    {
        vf_jin_at(c, "Datapoints[%zu]", i);
        if (!json_is_object(dp))
            return vf_jin_fail(c, "expected an object, found %s", vf_json_type_name(dp));
        const json_t *ts = json_object_get(dp, "Timestamp");
        int64_t t;
        if (!json_is_string(ts) || vf_rs_parse_time(json_string_value(ts), json_string_length(ts), &t))
            return vf_jin_fail(c, "Timestamp: expected a time like 2026-11-03T10:00:00Z");
        static const char *const stats[] = {"Maximum", "Average"};
        for (size_t k = 0; k < 2; k++) { /* present but not a number: say so, never "missing" */
            const json_t *x = json_object_get(dp, stats[k]);
            if (x && !json_is_number(x))
                return vf_jin_fail(c, "%s: expected a number, found %s", stats[k], vf_json_type_name(x));
        }
        double v = 0;
        int have = pct(dp, "Maximum", &v);
        const json_t *ext = json_object_get(dp, "ExtendedStatistics");
        if (!have && json_is_object(ext)) {
            const char *k;
            const json_t *x;
            double best = -1;
            json_object_foreach((json_t *)ext, k, x)
            {
                double p = (k[0] == 'p' || k[0] == 'P') ? strtod(k + 1, NULL) : -1;
                if (json_is_number(x) && p > best)
                    best = p, v = json_number_value(x), have = 1;
            }
        }
        if (!have && pct(dp, "Average", &v)) {
            have = 1;
            if (kind == K_CPU)
                s->cpu_average_only = 1;
        }
        if (!have)
            return vf_jin_fail(c, "no Maximum, ExtendedStatistics or Average");
        if (kind != K_NET && (v < 0 || v > 100))
            return bad_value(c, v);
        if (add_point(s, kind, t, v) < 0)
            return oom(c->file, c->err);
    }
    return VPCFLOW_OK;
}

static vpcflow_status load_data(vf_rs_metrics *m, const char *file, const char *file_instance, const char *doc_instance,
                                const json_t *results, vf_jin *c)
{
    size_t i;
    const json_t *r;
    json_array_foreach(results, i, r)
    {
        vf_jin_at(c, "MetricDataResults[%zu]", i);
        if (!json_is_object(r))
            return vf_jin_fail(c, "expected an object, found %s", vf_json_type_name(r));
        const char *label = vf_jin_str(r, "Label"), *id = vf_jin_str(r, "Id");
        char inst[64];
        snprintf(inst, sizeof inst, "%s", file_instance);
        if (!inst[0])
            instance_in(label, inst, sizeof inst);
        if (!inst[0])
            snprintf(inst, sizeof inst, "%s", doc_instance);
        int kind = kind_of(*label ? label : id);
        if (kind == K_CPU && *label && !strstr(label, "CPU") && strstr(id, "mem"))
            kind = K_MEM;
        const json_t *ts = json_object_get(r, "Timestamps"), *vs = json_object_get(r, "Values");
        if (!json_is_array(ts) || !json_is_array(vs))
            return vf_jin_fail(c, "expected Timestamps and Values arrays");
        if (json_array_size(ts) != json_array_size(vs))
            return vf_jin_fail(c, "%zu Timestamps but %zu Values", json_array_size(ts), json_array_size(vs));
        vf_rs_series *s = series_for(m, inst, file);
        if (!s)
            return oom(file, c->err);
        for (size_t k = 0; k < json_array_size(ts); k++) {
            const json_t *t = json_array_get(ts, k), *v = json_array_get(vs, k);
            int64_t when;
            vf_jin_at(c, "MetricDataResults[%zu].Timestamps[%zu]", i, k);
            if (!json_is_string(t) || vf_rs_parse_time(json_string_value(t), json_string_length(t), &when))
                return vf_jin_fail(c, "expected a time like 2026-11-03T10:00:00Z");
            vf_jin_at(c, "MetricDataResults[%zu].Values[%zu]", i, k);
            if (!json_is_number(v))
                return vf_jin_fail(c, "expected a number, found %s", vf_json_type_name(v));
            double x = json_number_value(v);
            if (kind != K_NET && (x < 0 || x > 100))
                return bad_value(c, x);
            if (add_point(s, kind, when, x) < 0)
                return oom(file, c->err);
        }
    }
    return VPCFLOW_OK;
}

/* The instance of a document: Dimensions [{"Name":"InstanceId","Value":...}] at its top, or in
 * its Label. */
static void doc_instance_of(const json_t *doc, char *out, size_t cap)
{
    out[0] = 0;
    const json_t *dims = json_object_get(doc, "Dimensions");
    size_t i;
    const json_t *d;
    json_array_foreach(dims, i, d)
    {
        if (!strcmp(vf_jin_str(d, "Name"), "InstanceId") && *vf_jin_str(d, "Value")) {
            snprintf(out, cap, "%s", vf_jin_str(d, "Value"));
            return;
        }
    }
    instance_in(vf_jin_str(doc, "Label"), out, cap);
}

static vpcflow_status load_json(vf_rs_metrics *m, const char *file, const char *file_instance, const char *data,
                                size_t len, vpcflow_error *err)
{
    json_t *doc;
    vpcflow_status st = vf_jin_parse(file, data, len, 0, "CloudWatch metrics", &doc, err);
    if (st)
        return st;
    vf_jin c = {file, err, ""};
    char inst[64];
    doc_instance_of(doc, inst, sizeof inst);
    const json_t *dps = json_object_get(doc, "Datapoints"), *res = json_object_get(doc, "MetricDataResults");
    if (json_is_array(dps)) {
        const char *use = *file_instance ? file_instance : *inst ? inst : file;
        vf_rs_series *s = series_for(m, use, file);
        st = s ? load_statistics(s, kind_of(vf_jin_str(doc, "Label")), dps, &c) : oom(file, err);
    } else if (json_is_array(res)) {
        st = load_data(m, file, file_instance, *inst ? inst : file, res, &c);
    } else {
        st = vf_jin_fail(&c, "expected the output of `aws cloudwatch get-metric-statistics` (Datapoints) or "
                             "`get-metric-data` (MetricDataResults)");
    }
    json_decref(doc);
    return st;
}

static vpcflow_status load_csv(vf_rs_metrics *m, const char *file, const char *file_instance, const char *data,
                               size_t len, vpcflow_error *err)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    int kind = kind_of(base) == K_MEM ? K_MEM : K_CPU;
    vf_rs_series *s = series_for(m, *file_instance ? file_instance : file, file);
    if (!s)
        return oom(file, err);
    uint64_t line = 0;
    for (size_t at = 0; at < len;) {
        const char *p = data + at, *nl = memchr(p, '\n', len - at);
        size_t n = nl ? (size_t)(nl - p) : len - at;
        at += n + 1;
        line++;
        while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
            n--;
        if (!n || p[0] == '#')
            continue;
        const char *le = p + n, *comma = memchr(p, ',', n);
        if (!comma)
            return vf_error(err, VPCFLOW_ERR_INPUT, file, line, 0, "expected timestamp,value");
        int64_t t;
        size_t tn = (size_t)(comma - p);
        if (tn >= 2 && p[0] == '"' && p[tn - 1] == '"')
            p++, tn -= 2;
        if (vf_rs_parse_time(p, tn, &t)) {
            if (line == 1 && !isdigit((unsigned char)p[0])) { /* a header line: its value column names the metric */
                char col[64];
                snprintf(col, sizeof col, "%.*s", (int)VF_MIN((size_t)(le - comma - 1), sizeof col - 1), comma + 1);
                if (kind_of(col) == K_MEM)
                    kind = K_MEM;
                continue;
            }
            return vf_error(err, VPCFLOW_ERR_INPUT, file, line, 1, "expected a time like 2026-11-03T10:00:00Z");
        }
        char num[64];
        const char *v = comma + 1;
        size_t vn = (size_t)(le - v);
        if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
            v++, vn -= 2;
        char *end;
        snprintf(num, sizeof num, "%.*s", (int)VF_MIN(vn, sizeof num - 1), v);
        double x = strtod(num, &end);
        if (!vn || vn >= sizeof num || *end || x != x)
            return vf_error(err, VPCFLOW_ERR_INPUT, file, line, (uint32_t)(v - (le - n) + 1), "expected a number");
        if (x < 0 || x > 100)
            return vf_error(err, VPCFLOW_ERR_INPUT, file, line, (uint32_t)(v - (le - n) + 1),
                            "a utilisation of %g%%: expected 0 to 100", x);
        if (add_point(s, kind, t, x) < 0)
            return oom(file, err);
    }
    return VPCFLOW_OK;
}

vpcflow_status vf_rs_metrics_buf(vf_rs_metrics *m, const char *name, const char *data, size_t len, vpcflow_error *err)
{
    const char *base = strrchr(name, '/');
    char inst[64];
    instance_in(base ? base + 1 : name, inst, sizeof inst);
    size_t i = 0;
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    if (i < len && data[i] == '{')
        return load_json(m, name, inst, data, len, err);
    return load_csv(m, name, inst, data, len, err);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static vpcflow_status load_file(vf_rs_metrics *m, const char *path, vpcflow_error *err)
{
    char *data;
    size_t len;
    vpcflow_status st = vf_read_file(path, MAX_METRIC_FILE, "a metrics file", &data, &len, err);
    if (st)
        return st;
    st = vf_rs_metrics_buf(m, path, data, len, err);
    free(data);
    return st;
}

vpcflow_status vf_rs_metrics_load(vf_rs_metrics *m, const char *path, vpcflow_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return load_file(m, path, err);
    DIR *d = opendir(path);
    if (!d)
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    vpcflow_status st = VPCFLOW_OK;
    struct dirent *e;
    while (!st && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t pl = strlen(path) + strlen(e->d_name) + 2;
        char *full = malloc(pl);
        if (!full || vf_grow(&names, &cap, n + 1, sizeof *names) < 0) {
            free(full);
            st = oom(path, err);
            break;
        }
        snprintf(full, pl, "%s/%s", path, e->d_name);
        names[n++] = full;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat fs;
        if (!st && stat(names[i], &fs) == 0 && S_ISREG(fs.st_mode))
            st = load_file(m, names[i], err);
        free(names[i]);
    }
    free(names);
    return st;
}

void vf_rs_metrics_free(vf_rs_metrics *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->s[i].cpu);
        free(m->s[i].mem);
    }
    free(m->s);
    memset(m, 0, sizeof *m);
}
