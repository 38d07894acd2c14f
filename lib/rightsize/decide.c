/* decide.c — the right-sizing and reservation decisions for one instance, each with its
 * numbers: the hourly maxima of its CPU, a percentile of them plus headroom against each
 * candidate's vCPUs (scaled by per-vCPU performance), CPU credits for burstable types, memory,
 * idle, the evidence (days, gaps, trend), and every RI option against on-demand
 * (docs/rightsize.md explains each rule). */
#include "rightsize/rightsize.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-9

void vf_rs_options_init(vf_rs_options *o)
{
    memset(o, 0, sizeof *o);
    o->percentile = 99;
    o->headroom = 20;
    o->term_years = 1;
    o->reserved = 0;
    o->min_days = 14;
    o->max_gap = 10;
    o->idle_max = 2;
}

static void note(vf_rs_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(vf_rs_result *r, const char *fmt, ...)
{
    size_t n = strlen(r->notes);
    if (n && n + 2 < sizeof r->notes) {
        memcpy(r->notes + n, "; ", 3);
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes + n, sizeof r->notes - n, fmt, ap);
    va_end(ap);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Hourly maxima: h[k] for hour first + k, NAN where no datapoint fell. */
typedef struct hourly {
    double *h;
    size_t n;
    int64_t first;
} hourly;

static int hourly_of(const vf_rs_point *p, size_t n, hourly *out)
{
    memset(out, 0, sizeof *out);
    if (!n)
        return 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t hr = p[i].t >= 0 ? p[i].t / 3600 : -((-p[i].t + 3599) / 3600);
        lo = VF_MIN(lo, hr);
        hi = VF_MAX(hi, hr);
    }
    if (hi - lo >= 24 * 366 * 10) /* ten years of hours: a mistake, not a window */
        return -2;
    out->n = (size_t)(hi - lo + 1);
    out->first = lo;
    out->h = malloc(out->n * sizeof *out->h);
    if (!out->h)
        return -1;
    for (size_t k = 0; k < out->n; k++)
        out->h[k] = NAN;
    for (size_t i = 0; i < n; i++) {
        int64_t hr = p[i].t >= 0 ? p[i].t / 3600 : -((-p[i].t + 3599) / 3600);
        double *slot = &out->h[hr - lo];
        if (isnan(*slot) || p[i].v > *slot)
            *slot = p[i].v;
    }
    return 0;
}

/* Whether a burstable candidate's credits cover the load: hour by hour, it earns its baseline
 * and spends what the load (with headroom, in its own vCPUs) uses above nothing; the balance
 * starts empty, is capped at 24 hours of earnings, and must never go below zero. */
static int credits_cover(const hourly *h, double scale, const vf_rs_type *c)
{
    double earn = c->baseline / 100 * c->vcpu * 60, cap = 24 * earn, bal = 0;
    for (size_t k = 0; k < h->n; k++) {
        if (isnan(h->h[k]))
            continue;
        double use = h->h[k] / 100 * scale / c->perf * 60; /* credits: vCPU-minutes */
        bal = VF_MIN(cap, bal + earn - use);
        if (bal < -EPS)
            return 0;
    }
    return 1;
}

typedef struct need {
    double units;   /* vCPUs x perf the load needs, with headroom */
    double scale;   /* current vCPUs x perf x (1 + headroom): % of current to units */
    double mem_gib; /* memory the candidate must have */
} need;

static int fits(const vf_rs_type *c, const need *nd, const hourly *h, int burstable_ok)
{
    if (c->od < 0 || c->vcpu <= 0)
        return 0;
    if (c->baseline != 0 && (!burstable_ok || c->baseline < 0))
        return 0;
    if (c->vcpu * c->perf + EPS < nd->units)
        return 0;
    if (c->mem_gib + EPS < nd->mem_gib)
        return 0;
    if (c->baseline > 0 && !credits_cover(h, nd->scale, c))
        return 0;
    return 1;
}

static int cheaper(const vf_rs_type *a, const vf_rs_type *b)
{
    if (!b)
        return 1;
    if (a->od != b->od)
        return a->od < b->od;
    if (a->vcpu != b->vcpu)
        return a->vcpu < b->vcpu;
    return strcmp(a->name, b->name) < 0;
}

static double cents(double x)
{
    return round(x * 100) / 100;
}

static void ri_options(const vf_rs_type *t, vf_rs_ri *ri)
{
    for (int i = 0; i < VF_RS_OPTIONS; i++) {
        memset(&ri[i], 0, sizeof ri[i]);
        double hours = VF_RS_HOURS_PER_YEAR * vf_rs_option_years(i);
        if (t->hourly[i] < 0 || t->od <= 0)
            continue;
        ri[i].offered = 1;
        ri[i].upfront = t->upfront[i];
        ri[i].hourly = t->hourly[i];
        ri[i].total = cents(t->upfront[i] + t->hourly[i] * hours);
        ri[i].od_total = cents(t->od * hours);
        ri[i].saving = cents(ri[i].od_total - ri[i].total);
        ri[i].break_even = ri[i].total / ri[i].od_total;
    }
}

static double ri_total(const vf_rs_type *t, int i)
{
    if (t->hourly[i] < 0)
        return -1;
    return cents(t->upfront[i] + t->hourly[i] * VF_RS_HOURS_PER_YEAR * vf_rs_option_years(i));
}

vpcflow_status vf_rs_decide(const vf_rs_catalog *c, const vf_rs_options *o, const vf_rs_series *s,
                            const vf_rs_type *cur, const vf_rs_instance *inst, vf_rs_result *r, vpcflow_error *err)
{
    memset(r, 0, sizeof *r);
    snprintf(r->instance, sizeof r->instance, "%s", s->instance);
    snprintf(r->current, sizeof r->current, "%s", cur->name);
    r->ri_option = -1;
    r->cross_days = -1;
    r->cur_vcpu = cur->vcpu;
    r->cur_mem_gib = cur->mem_gib;
    if (inst && (inst->name[0] || inst->owner[0] || inst->launch[0]))
        note(r, "%s%s%s%s%s%s", inst->name[0] ? "Name " : "", inst->name,
             inst->owner[0] ? (inst->name[0] ? ", owner " : "owner ") : "", inst->owner,
             inst->launch[0] ? (inst->name[0] || inst->owner[0] ? ", launched " : "launched ") : "", inst->launch);
    if (cur->od < 0 || cur->vcpu <= 0)
        return vf_error(err, VPCFLOW_ERR_INPUT, s->file, 0, 0, "%s: the prices have no on-demand rate or shape for it",
                        cur->name);
    if (!s->ncpu)
        return vf_error(err, VPCFLOW_ERR_INPUT, s->file, 0, 0, "instance %s: no CPUUtilization datapoint", s->instance);
    hourly h, hm;
    int rc = hourly_of(s->cpu, s->ncpu, &h);
    if (rc == -2)
        return vf_error(err, VPCFLOW_ERR_INPUT, s->file, 0, 0, "instance %s: datapoints over more than ten years",
                        s->instance);
    if (rc < 0)
        return vf_error(err, VPCFLOW_ERR_IO, s->file, 0, 0, "out of memory");
    rc = hourly_of(s->mem, s->nmem, &hm);
    if (rc < 0) {
        free(h.h);
        return rc == -2 ? vf_error(err, VPCFLOW_ERR_INPUT, s->file, 0, 0, "memory datapoints over more than ten years")
                        : vf_error(err, VPCFLOW_ERR_IO, s->file, 0, 0, "out of memory");
    }
    double *sorted = malloc(h.n * sizeof *sorted);
    if (!sorted) {
        free(h.h);
        free(hm.h);
        return vf_error(err, VPCFLOW_ERR_IO, s->file, 0, 0, "out of memory");
    }
    /* the window and its statistics */
    size_t m = 0;
    double sum = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t k = 0; k < h.n; k++) {
        if (isnan(h.h[k]))
            continue;
        sorted[m++] = h.h[k];
        sum += h.h[k];
        double x = (double)k;
        sx += x, sy += h.h[k], sxx += x * x, sxy += x * h.h[k];
    }
    qsort(sorted, m, sizeof *sorted, cmp_double);
    size_t rank = (size_t)ceil(o->percentile / 100 * (double)m);
    rank = VF_MAX(rank, (size_t)1);
    r->window_hours = (double)h.n;
    r->observed_hours = (double)m;
    r->days = r->window_hours / 24;
    r->gap_pct = 100 * (1 - r->observed_hours / r->window_hours);
    r->utilisation = r->observed_hours / r->window_hours;
    r->cpu_p = sorted[rank - 1];
    r->cpu_max = sorted[m - 1];
    r->cpu_p50 = sorted[(size_t)ceil(0.5 * (double)m) - 1 + (m == 0)];
    r->cpu_mean = sum / (double)m;
    double den = (double)m * sxx - sx * sx;
    double slope = den > 0 ? ((double)m * sxy - sx * sy) / den : 0; /* % per hour */
    double icept = (sy - slope * sx) / (double)m;
    r->trend_per_day = slope * 24;
    r->need_pct = r->cpu_p * (1 + o->headroom / 100);

    need nd;
    nd.scale = cur->vcpu * cur->perf * (1 + o->headroom / 100);
    nd.units = r->cpu_p / 100 * nd.scale;
    nd.mem_gib = o->min_memory;
    r->memory_observed = hm.n > 0;
    if (r->memory_observed) {
        double mx = 0;
        for (size_t k = 0; k < hm.n; k++)
            if (!isnan(hm.h[k]))
                mx = VF_MAX(mx, hm.h[k]);
        r->mem_max_pct = mx;
        nd.mem_gib = VF_MAX(nd.mem_gib, mx / 100 * cur->mem_gib * (1 + o->headroom / 100));
    }
    r->mem_need_gib = nd.mem_gib;

    /* candidates: the cheapest that fits in the family, and elsewhere */
    const vf_rs_type *same = NULL, *any = NULL, *smallest = NULL;
    int cur_burst = cur->baseline > 0;
    for (size_t i = 0; i < c->n; i++) {
        const vf_rs_type *t = &c->t[i];
        int in_family = !strcmp(t->family, cur->family);
        if (in_family && t->od >= 0 && (!smallest || t->vcpu * t->perf < smallest->vcpu * smallest->perf))
            smallest = t;
        if (in_family && fits(t, &nd, &h, cur_burst) && cheaper(t, same))
            same = t;
        if (!in_family && fits(t, &nd, &h, 1) && cheaper(t, any))
            any = t;
    }
    const vf_rs_type *rec = same ? same : cur;
    if (any && any->od < rec->od) {
        snprintf(r->cheapest_elsewhere, sizeof r->cheapest_elsewhere, "%s", any->name);
        r->cheapest_elsewhere_monthly = cents(any->od * VF_RS_HOURS_PER_MONTH);
    }
    if (!same || same == cur) {
        if (smallest == cur)
            note(r, "%s is the smallest of the %s family", cur->name, cur->family);
        else if (!same)
            note(r, "no %s type fits the load", cur->family);
        else
            note(r, "nothing smaller in the %s family fits", cur->family);
        if (any && any->od < rec->od)
            note(r, "the cheapest fitting type elsewhere is %s ($%.2f a month)%s", any->name,
                 r->cheapest_elsewhere_monthly, o->any_family ? "" : ": --any-family to recommend it");
    }
    if (o->any_family && any && any->od < rec->od)
        rec = any;
    snprintf(r->recommended, sizeof r->recommended, "%s", rec->name);
    r->rec_vcpu = rec->vcpu;
    r->rec_mem_gib = rec->mem_gib;
    r->capacity_pct = 100 * rec->vcpu * rec->perf / (cur->vcpu * cur->perf);
    r->monthly_saving = cents((cur->od - rec->od) * VF_RS_HOURS_PER_MONTH);
    r->verdict = rec == cur ? "right-sized" : rec->od > cur->od ? "upsize" : "downsize";
    for (size_t k = 0; k < h.n; k++)
        if (!isnan(h.h[k]) && h.h[k] > r->capacity_pct + EPS)
            r->hours_over_capacity += 1;

    if (rec->baseline > 0)
        note(r,
             "%s earns %.0f CPU credits an hour (baseline %g%% of each vCPU), and the observed load with "
             "%g%% headroom never empties them",
             rec->name, rec->baseline / 100 * rec->vcpu * 60, rec->baseline, o->headroom);
    int idle_like = r->cpu_max <= o->idle_max + EPS;
    if (idle_like)
        ; /* no candidate's memory matters */
    else if (!r->memory_observed && rec != cur && rec->mem_gib < cur->mem_gib)
        note(r, "memory was not observed: %s has %g GiB, %s has %g GiB%s", rec->name, rec->mem_gib, cur->name,
             cur->mem_gib, o->min_memory > 0 ? "" : " (--min-memory GiB keeps a floor)");
    else if (!r->memory_observed)
        note(r, "memory was not observed: %s has %g GiB", rec->name, rec->mem_gib);
    else
        note(r, "memory peaked at %.1f%% of %g GiB: %.2f GiB needed with headroom, %s has %g GiB", r->mem_max_pct,
             cur->mem_gib, r->mem_need_gib, rec->name, rec->mem_gib);
    if (s->cpu_average_only)
        note(r, "the CPU datapoints are averages: peaks are underestimated (ask CloudWatch for Maximum)");

    /* evidence */
    int longer = 0;
    if (r->days + EPS < o->min_days) {
        note(r, "observe longer: %.1f days of data, %g needed", r->days, o->min_days);
        longer = 1;
    }
    if (r->gap_pct > o->max_gap + EPS) {
        note(r, "observe longer: %.1f%% of the window's hours have no datapoint (over %g%%)", r->gap_pct, o->max_gap);
        longer = 1;
    }
    double term_h = VF_RS_HOURS_PER_YEAR * o->term_years;
    double t_last = (double)(h.n - 1);
    r->projected = VF_MAX(0.0, icept + slope * (t_last + term_h));
    if (slope > 0) {
        double cross = (r->capacity_pct - icept) / slope - t_last;
        r->cross_days = cross > 0 ? cross / 24 : 0;
        if (r->projected > r->capacity_pct + EPS) {
            note(r,
                 "observe longer: CPU grows %.3f points a day and would cross %s's capacity (%.0f%% of %s) in "
                 "%.0f days, within the %d-year term",
                 r->trend_per_day, rec->name, r->capacity_pct, cur->name, r->cross_days, o->term_years);
            longer = 1;
        }
    }
    int idle = !longer && r->cpu_max <= o->idle_max + EPS;
    if (idle) {
        rec = cur;
        r->capacity_pct = 100;
        r->hours_over_capacity = 0;
        r->verdict = "idle";
        snprintf(r->recommended, sizeof r->recommended, "-");
        r->monthly_saving = cents(cur->od * VF_RS_HOURS_PER_MONTH);
        note(r, "idle: CPU never above %g%% in %.1f days: stop or terminate it", o->idle_max, r->days);
    } else if (longer) {
        r->verdict = "observe longer";
    }

    /* reservation, for the recommended type */
    ri_options(rec, r->ri);
    double best = 0;
    for (int i = 0; i < VF_RS_OPTIONS; i++) {
        if (!r->ri[i].offered || vf_rs_option_years(i) != o->term_years)
            continue;
        double per_year = r->ri[i].saving / vf_rs_option_years(i);
        if (r->ri[i].break_even <= r->utilisation + EPS && per_year > best + EPS) {
            best = per_year;
            r->ri_option = i;
        }
    }
    r->ri_saving = r->ri_option >= 0 ? cents(best) : 0;
    r->ri_count = 1;
    r->group_size = 1;
    if (idle) {
        r->ri_verdict = "do not reserve";
        r->ri_option = -1;
        r->ri_saving = 0;
    } else if (longer) {
        r->ri_verdict = "do not reserve yet";
        note(r, "do not reserve yet: observe longer first");
    } else if (rec != cur) {
        r->ri_verdict = "do not reserve yet";
        note(r, "do not reserve yet: run a month at %s first%s", rec->name,
             r->ri_option >= 0 ? ", then reserve it" : "");
    } else if (r->ri_option < 0 && !r->ri[o->term_years == 3 ? 6 : 0].offered) {
        r->ri_verdict = "do not reserve";
        note(r, "do not reserve: the prices have no %d-year RI of %s", o->term_years, rec->name);
    } else if (r->ri_option < 0) {
        r->ri_verdict = "do not reserve";
        note(r, "do not reserve: running %.0f%% of the hours, below every option's break-even", 100 * r->utilisation);
    } else {
        r->ri_verdict = "reserve";
    }
    if (r->ri_option >= 0)
        note(r, "%s of %s: $%.2f over the term against $%.2f on demand, break-even at %.0f%% of the hours",
             vf_rs_option_name(r->ri_option), rec->name, r->ri[r->ri_option].total, r->ri[r->ri_option].od_total,
             100 * r->ri[r->ri_option].break_even);
    /* what reserving the current type wastes, against the same option on the recommended one */
    int k = o->reserved;
    double ct = ri_total(cur, k), rt = idle ? 0 : ri_total(rec, k);
    if (ct >= 0 && rt >= 0 && (rec != cur || idle)) {
        r->ri_waste = cents(ct - rt);
        if (idle)
            note(r, "a %s RI on %s costs $%.2f over its term: all of it wasted while idle", vf_rs_option_name(k),
                 cur->name, ct);
        else
            note(r, "a %s RI on %s costs $%.2f over its term, the same on %s $%.2f: $%.2f wasted", vf_rs_option_name(k),
                 cur->name, ct, rec->name, rt, r->ri_waste);
    }

    /* the careful buyer's questions */
    snprintf(r->q_certain, sizeof r->q_certain,
             "p%g %.1f%%, max %.1f%%, median %.1f%% over %.1f days, %.1f%% of hours seen", o->percentile, r->cpu_p,
             r->cpu_max, r->cpu_p50, r->days, 100 - r->gap_pct);
    snprintf(r->q_other_sizes, sizeof r->q_other_sizes, "unknown");
    snprintf(r->q_holds, sizeof r->q_holds,
             "trend %+.3f points a day: %.1f%% of %s after the %d-year term (capacity %.0f%%)", r->trend_per_day,
             r->projected, cur->name, o->term_years, r->capacity_pct);
    snprintf(r->q_autoscaling, sizeof r->q_autoscaling, "%.0f hours above %s's capacity; peak %.1fx the median",
             r->hours_over_capacity, rec->name, r->cpu_p50 > 0 ? r->cpu_max / r->cpu_p50 : 0);
    snprintf(r->q_worth, sizeof r->q_worth, "$%.2f a year on demand%s", cents(r->monthly_saving * 12),
             r->ri_option >= 0 ? "" : "");
    if (r->ri_option >= 0)
        snprintf(r->q_worth + strlen(r->q_worth), sizeof r->q_worth - strlen(r->q_worth),
                 ", $%.2f a year more reserved", r->ri_saving);
    free(h.h);
    free(hm.h);
    free(sorted);
    return VPCFLOW_OK;
}

void vf_rs_other_sizes(const vf_rs_instances *x, const vf_rs_instance *inst, vf_rs_result *r)
{
    if (!inst || (!inst->name[0] && !inst->group[0]))
        return;
    char buf[160] = "";
    size_t n = 0;
    for (size_t i = 0; i < x->n; i++) {
        const vf_rs_instance *o = &x->i[i];
        int same_app =
            (inst->name[0] && !strcmp(o->name, inst->name)) || (inst->group[0] && !strcmp(o->group, inst->group));
        if (!same_app || !strcmp(o->type, inst->type) || strstr(buf, o->type))
            continue;
        n += (size_t)snprintf(buf + n, n < sizeof buf ? sizeof buf - n : 0, "%s%s", n ? ", " : "", o->type);
        if (n >= sizeof buf)
            break;
    }
    snprintf(r->q_other_sizes, sizeof r->q_other_sizes, "%s",
             buf[0] ? buf : "none seen: every instance of it runs on this type");
    (void)buf;
}

void vf_rs_groups(const vf_rs_metrics *m, const vf_rs_instances *x, vf_rs_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const vf_rs_instance *a = vf_rs_instances_find(x, r[i].instance);
        if (!a || !a->group[0] || r[i].group_size > 1)
            continue;
        /* the members with metrics, and the hours where each had a datapoint */
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        size_t members = 0;
        for (size_t k = 0; k < n; k++) {
            const vf_rs_instance *b = vf_rs_instances_find(x, r[k].instance);
            if (!b || strcmp(b->group, a->group))
                continue;
            members++;
            const vf_rs_series *s = &m->s[k];
            for (size_t p = 0; p < s->ncpu; p++) {
                lo = VF_MIN(lo, s->cpu[p].t / 3600);
                hi = VF_MAX(hi, s->cpu[p].t / 3600);
            }
        }
        if (members < 2 || hi < lo || hi - lo > 24 * 366 * 10)
            continue;
        size_t hours = (size_t)(hi - lo + 1);
        unsigned *count = calloc(hours, sizeof *count);
        unsigned char *seen = calloc(hours, 1);
        if (!count || !seen) {
            free(count);
            free(seen);
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            const vf_rs_instance *b = vf_rs_instances_find(x, r[k].instance);
            if (!b || strcmp(b->group, a->group))
                continue;
            memset(seen, 0, hours);
            const vf_rs_series *s = &m->s[k];
            for (size_t p = 0; p < s->ncpu; p++)
                seen[s->cpu[p].t / 3600 - lo] = 1;
            for (size_t t = 0; t < hours; t++)
                count[t] += seen[t];
        }
        unsigned minc = UINT32_MAX, maxc = 0;
        for (size_t t = 0; t < hours; t++) {
            minc = VF_MIN(minc, count[t]);
            maxc = VF_MAX(maxc, count[t]);
        }
        free(count);
        free(seen);
        /* members in instance order: the first minc are the always-on baseline */
        size_t rank = 0;
        for (size_t k = 0; k < n; k++) {
            const vf_rs_instance *b = vf_rs_instances_find(x, r[k].instance);
            if (!b || strcmp(b->group, a->group))
                continue;
            r[k].group_size = (int)members;
            r[k].ri_count = (int)minc;
            if (minc == maxc)
                continue; /* a constant count: each member decides alone */
            char line[200];
            snprintf(line, sizeof line, "group %s ran %u to %u instances: the always-on baseline is %u", a->group, minc,
                     maxc, minc);
            size_t len = strlen(r[k].notes);
            snprintf(r[k].notes + len, sizeof r[k].notes - len, "%s%s", len ? "; " : "", line);
            if (strcmp(r[k].ri_verdict, "reserve"))
                continue;
            if (rank++ >= minc) {
                r[k].ri_verdict = "do not reserve";
                r[k].ri_saving = 0;
                len = strlen(r[k].notes);
                snprintf(r[k].notes + len, sizeof r[k].notes - len, "; above the baseline: on demand");
            } else {
                r[k].ri_verdict = "reserve baseline";
            }
        }
    }
}
