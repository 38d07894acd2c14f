/* run.c — vpcflow_rightsize_run: the catalog (or the Price List), the instances and the metrics
 * loaded, a decision per series, the group baselines; the warnings the inputs deserve. */
#include "rightsize/rightsize.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static vpcflow_status oom(vpcflow_error *err)
{
    return vf_error(err, VPCFLOW_ERR_IO, "", 0, 0, "out of memory");
}

/* Adds a warning; -1 when out of memory. */
static int warn(vpcflow_rightsize *r, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (r->nwarn == r->capwarn) {
        size_t cap = r->capwarn ? r->capwarn * 2 : 8;
        char **w = realloc(r->warn, cap * sizeof *w);
        if (!w)
            return -1;
        r->warn = w;
        r->capwarn = cap;
    }
    char *s = vf_strndup(buf, strlen(buf));
    if (!s)
        return -1;
    r->warn[r->nwarn++] = s;
    return 0;
}

/* The option values, checked as `vpcflow rightsize` checks its options (err->file ""). */
static vpcflow_status check_options(const vpcflow_rightsize_options *in, vf_rs_options *o, vpcflow_error *err)
{
    vf_rs_options_init(o);
    if (in->reserved && (o->reserved = vf_rs_option_parse(in->reserved)) < 0)
        return vf_error(err, VPCFLOW_ERR_INPUT, "", 0, 0,
                        "--reserved takes 1y or 3y, then -standard or -convertible, then -no-upfront, "
                        "-partial-upfront or -all-upfront (3y-convertible-all-upfront), not '%s'",
                        in->reserved);
    if (!in->prices && in->region && strcmp(in->region, "us-east-1"))
        return vf_error(err, VPCFLOW_ERR_INPUT, "", 0, 0,
                        "the built-in catalog is us-east-1's: for %s give its Price List CSV (--prices)", in->region);
    if (!(in->min_memory >= 0 && in->min_memory <= 1e6))
        return vf_error(err, VPCFLOW_ERR_INPUT, "", 0, 0, "--min-memory takes GiB (16, 0.5), not %g", in->min_memory);
    if (in->percentile != 0 && !(in->percentile >= 1 && in->percentile <= 100))
        return vf_error(err, VPCFLOW_ERR_INPUT, "", 0, 0, "--percentile takes 1 to 100, not %g", in->percentile);
    if (in->headroom > 1000 || in->headroom != in->headroom)
        return vf_error(err, VPCFLOW_ERR_INPUT, "", 0, 0, "--headroom takes a percent (0 to 1000), not %g",
                        in->headroom);
    if (in->term_years != 0 && in->term_years != 1 && in->term_years != 3)
        return vf_error(err, VPCFLOW_ERR_INPUT, "", 0, 0, "--term takes 1 or 3 (years), not '%d'", in->term_years);
    o->any_family = in->any_family != 0;
    o->min_memory = in->min_memory;
    if (in->percentile != 0)
        o->percentile = in->percentile;
    if (in->headroom >= 0)
        o->headroom = in->headroom;
    if (in->term_years)
        o->term_years = in->term_years;
    return VPCFLOW_OK;
}

static vpcflow_status decide_all(vpcflow_rightsize *r, const vpcflow_rightsize_options *in, const vf_rs_catalog *cat,
                                 const vf_rs_metrics *m, const vf_rs_instances *x, vpcflow_error *err)
{
    const char *os = in->os ? in->os : "Linux";
    vpcflow_status st;
    for (size_t i = 0; i < m->n; i++) {
        const vf_rs_instance *inst = vf_rs_instances_find(x, m->s[i].instance);
        const char *t = inst ? inst->type : in->type;
        if (!t)
            return vf_error(err, VPCFLOW_ERR_INPUT, m->s[i].file, 0, 0,
                            "instance %s: its type is unknown: give --type or --instances", m->s[i].instance);
        const vf_rs_type *cur = vf_rs_catalog_find(cat, t);
        if (!cur)
            return vf_error(err, VPCFLOW_ERR_INPUT, m->s[i].file, 0, 0, "instance %s: type %s is not in the %s",
                            m->s[i].instance, t,
                            in->prices ? "price list" : "built-in catalog (--prices FILE has them all)");
        if ((st = vf_rs_decide(cat, &r->o, &m->s[i], cur, inst, &r->res[i], err)) != VPCFLOW_OK)
            return st;
        vf_rs_other_sizes(x, inst, &r->res[i]);
        if (inst && strcmp(inst->platform, "linux") &&
            warn(r, "instance %s runs %s: the prices are %s's", inst->id, inst->platform, os))
            return oom(err);
        if (inst && inst->state[0] && strcmp(inst->state, "running") &&
            warn(r, "instance %s is %s", inst->id, inst->state))
            return oom(err);
    }
    vf_rs_groups(m, x, r->res, m->n);
    return VPCFLOW_OK;
}

vpcflow_status vpcflow_rightsize_run(const char *const *metrics, size_t n, const vpcflow_rightsize_options *options,
                                     vpcflow_rightsize **out, vpcflow_error *err)
{
    vpcflow_rightsize_options in;
    memset(&in, 0, sizeof in);
    memcpy(&in, options, options->size < sizeof in ? options->size : sizeof in);
    *out = NULL;
    vf_rs_options o;
    vpcflow_status st = check_options(&in, &o, err);
    if (st != VPCFLOW_OK)
        return st;
    if (!n)
        return vf_error(err, VPCFLOW_ERR_INPUT, "", 0, 0,
                        "rightsize needs METRICS: CloudWatch CPUUtilization files or directories");
    const char *region = in.region ? in.region : "us-east-1", *os = in.os ? in.os : "Linux";
    vf_rs_catalog cat;
    memset(&cat, 0, sizeof cat);
    vf_rs_metrics m = {0};
    vf_rs_instances x = {0};
    vpcflow_rightsize *r = vf_calloc(1, sizeof *r);
    if (!r)
        return oom(err);
    r->o = o;
    if (in.prices) {
        vf_rs_pricelist_stats ps;
        st = vf_rs_pricelist_load(&cat, in.prices, region, os, &ps, err);
        if (!st && !cat.n)
            st = vf_error(err, VPCFLOW_ERR_INPUT, in.prices, 0, 0, "no %s %s row with shared tenancy in %llu rows",
                          region, os, (unsigned long long)ps.rows);
    } else {
        st = vf_rs_catalog_builtin(&cat, err);
    }
    if (st == VPCFLOW_OK && in.instances)
        st = vf_rs_instances_load(&x, in.instances, err);
    for (size_t i = 0; st == VPCFLOW_OK && i < n; i++)
        st = vf_rs_metrics_load(&m, metrics[i], err);
    if (st == VPCFLOW_OK && !m.n)
        st = vf_error(err, VPCFLOW_ERR_INPUT, metrics[0], 0, 0, "no metrics found");
    if (st == VPCFLOW_OK) {
        r->res = vf_calloc(m.n, sizeof *r->res);
        r->n = m.n;
        st = r->res ? decide_all(r, &in, &cat, &m, &x, err) : oom(err);
    }
    if (st == VPCFLOW_OK)
        snprintf(r->source, sizeof r->source, "%s", cat.source);
    vf_rs_metrics_free(&m);
    vf_rs_instances_free(&x);
    vf_rs_catalog_free(&cat);
    if (st != VPCFLOW_OK) {
        vpcflow_rightsize_free(r);
        return st;
    }
    *out = r;
    return VPCFLOW_OK;
}

size_t vpcflow_rightsize_count(const vpcflow_rightsize *r)
{
    return r->n;
}

size_t vpcflow_rightsize_warning_count(const vpcflow_rightsize *r)
{
    return r->nwarn;
}

const char *vpcflow_rightsize_warning(const vpcflow_rightsize *r, size_t i)
{
    return i < r->nwarn ? r->warn[i] : NULL;
}

void vpcflow_rightsize_free(vpcflow_rightsize *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nwarn; i++)
        free(r->warn[i]);
    free(r->warn);
    free(r->res);
    free(r);
}
