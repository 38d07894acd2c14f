/* catalog.c — the built-in catalog of instance types: current x86 families in us-east-1, Linux,
 * shared tenancy: vCPUs, memory, on-demand price, the twelve Reserved Instance options, relative
 * per-vCPU performance and burstable baselines.
 *
 * Source: the Amazon EC2 On-Demand pricing page (aws.amazon.com/ec2/pricing/on-demand/) and the
 * instance-type pages (aws.amazon.com/ec2/instance-types/, burstable baselines from the
 * "CPU credits and baseline performance" table of the EC2 user guide), us-east-1, as published
 * in 2024. Reserved Instance rates are not listed one by one here: each family carries the
 * discounts AWS published for its generation (aws.amazon.com/ec2/pricing/reserved-instances/
 * pricing/, 2024: m4.large 1-year standard No Upfront 38% off, m5.large 37.5%, ...), and each
 * option is that discount off on-demand, paid as AWS splits it (Partial: half up front, whole
 * dollars; All: the whole term up front). They are within a few percent of AWS's own figures;
 * before buying, give the Price List file (--prices), whose rates are exact.
 *
 * Relative per-vCPU performance (m4 = 1.00) is a rounded ratio of sustained single-thread
 * speed by processor generation (Broadwell/Haswell 2.3-2.9 GHz 1.00, Skylake/Cascade Lake
 * 1.10, the compute families' higher clocks +0.10, Ice Lake 1.20, Sapphire Rapids 1.35, the
 * AMD EPYC 7571 families 1.00); docs/rightsize.md says how it is used. */
#include "rightsize/rightsize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct family {
    const char *name;
    double perf;
    int profile; /* 0: 4th generation and t2, 1: 5th and later */
} family;

static const family families[] = {
    {"t2", 0.95, 0},  {"t3", 1.10, 1},  {"t3a", 1.00, 1}, {"m4", 1.00, 0},  {"m5", 1.10, 1},
    {"m5a", 1.00, 1}, {"m6i", 1.20, 1}, {"m7i", 1.35, 1}, {"c4", 1.10, 0},  {"c5", 1.20, 1},
    {"c6i", 1.30, 1}, {"r4", 1.00, 0},  {"r5", 1.10, 1},  {"r6i", 1.20, 1},
};

/* Effective discount off on-demand over the term, per option (vf_rs_option_name order). */
static const double discounts[2][VF_RS_OPTIONS] = {
    {0.380, 0.405, 0.420, 0.270, 0.295, 0.310, 0.580, 0.600, 0.620, 0.470, 0.495, 0.510},
    {0.375, 0.391, 0.402, 0.271, 0.293, 0.306, 0.573, 0.587, 0.599, 0.479, 0.501, 0.515},
};

typedef struct row {
    const char *name;
    double vcpu, mem, od, baseline;
} row;

static const row rows[] = {
    {"t2.nano", 1, 0.5, 0.0058, 5},       {"t2.micro", 1, 1, 0.0116, 10},       {"t2.small", 1, 2, 0.023, 20},
    {"t2.medium", 2, 4, 0.0464, 20},      {"t2.large", 2, 8, 0.0928, 30},       {"t2.xlarge", 4, 16, 0.1856, 22.5},
    {"t2.2xlarge", 8, 32, 0.3712, 17},    {"t3.nano", 2, 0.5, 0.0052, 5},       {"t3.micro", 2, 1, 0.0104, 10},
    {"t3.small", 2, 2, 0.0208, 20},       {"t3.medium", 2, 4, 0.0416, 20},      {"t3.large", 2, 8, 0.0832, 30},
    {"t3.xlarge", 4, 16, 0.1664, 40},     {"t3.2xlarge", 8, 32, 0.3328, 40},    {"t3a.nano", 2, 0.5, 0.0047, 5},
    {"t3a.micro", 2, 1, 0.0094, 10},      {"t3a.small", 2, 2, 0.0188, 20},      {"t3a.medium", 2, 4, 0.0376, 20},
    {"t3a.large", 2, 8, 0.0752, 30},      {"t3a.xlarge", 4, 16, 0.1504, 40},    {"t3a.2xlarge", 8, 32, 0.3008, 40},
    {"m4.large", 2, 8, 0.10, 0},          {"m4.xlarge", 4, 16, 0.20, 0},        {"m4.2xlarge", 8, 32, 0.40, 0},
    {"m4.4xlarge", 16, 64, 0.80, 0},      {"m4.10xlarge", 40, 160, 2.00, 0},    {"m4.16xlarge", 64, 256, 3.20, 0},
    {"m5.large", 2, 8, 0.096, 0},         {"m5.xlarge", 4, 16, 0.192, 0},       {"m5.2xlarge", 8, 32, 0.384, 0},
    {"m5.4xlarge", 16, 64, 0.768, 0},     {"m5.8xlarge", 32, 128, 1.536, 0},    {"m5.12xlarge", 48, 192, 2.304, 0},
    {"m5.16xlarge", 64, 256, 3.072, 0},   {"m5.24xlarge", 96, 384, 4.608, 0},   {"m5a.large", 2, 8, 0.086, 0},
    {"m5a.xlarge", 4, 16, 0.172, 0},      {"m5a.2xlarge", 8, 32, 0.344, 0},     {"m5a.4xlarge", 16, 64, 0.688, 0},
    {"m5a.8xlarge", 32, 128, 1.376, 0},   {"m5a.12xlarge", 48, 192, 2.064, 0},  {"m5a.16xlarge", 64, 256, 2.752, 0},
    {"m5a.24xlarge", 96, 384, 4.128, 0},  {"m6i.large", 2, 8, 0.096, 0},        {"m6i.xlarge", 4, 16, 0.192, 0},
    {"m6i.2xlarge", 8, 32, 0.384, 0},     {"m6i.4xlarge", 16, 64, 0.768, 0},    {"m6i.8xlarge", 32, 128, 1.536, 0},
    {"m6i.12xlarge", 48, 192, 2.304, 0},  {"m6i.16xlarge", 64, 256, 3.072, 0},  {"m6i.24xlarge", 96, 384, 4.608, 0},
    {"m6i.32xlarge", 128, 512, 6.144, 0}, {"m7i.large", 2, 8, 0.1008, 0},       {"m7i.xlarge", 4, 16, 0.2016, 0},
    {"m7i.2xlarge", 8, 32, 0.4032, 0},    {"m7i.4xlarge", 16, 64, 0.8064, 0},   {"m7i.8xlarge", 32, 128, 1.6128, 0},
    {"m7i.12xlarge", 48, 192, 2.4192, 0}, {"m7i.16xlarge", 64, 256, 3.2256, 0}, {"m7i.24xlarge", 96, 384, 4.8384, 0},
    {"c4.large", 2, 3.75, 0.10, 0},       {"c4.xlarge", 4, 7.5, 0.199, 0},      {"c4.2xlarge", 8, 15, 0.398, 0},
    {"c4.4xlarge", 16, 30, 0.796, 0},     {"c4.8xlarge", 36, 60, 1.591, 0},     {"c5.large", 2, 4, 0.085, 0},
    {"c5.xlarge", 4, 8, 0.17, 0},         {"c5.2xlarge", 8, 16, 0.34, 0},       {"c5.4xlarge", 16, 32, 0.68, 0},
    {"c5.9xlarge", 36, 72, 1.53, 0},      {"c5.12xlarge", 48, 96, 2.04, 0},     {"c5.18xlarge", 72, 144, 3.06, 0},
    {"c5.24xlarge", 96, 192, 4.08, 0},    {"c6i.large", 2, 4, 0.085, 0},        {"c6i.xlarge", 4, 8, 0.17, 0},
    {"c6i.2xlarge", 8, 16, 0.34, 0},      {"c6i.4xlarge", 16, 32, 0.68, 0},     {"c6i.8xlarge", 32, 64, 1.36, 0},
    {"c6i.12xlarge", 48, 96, 2.04, 0},    {"c6i.16xlarge", 64, 128, 2.72, 0},   {"c6i.24xlarge", 96, 192, 4.08, 0},
    {"r4.large", 2, 15.25, 0.133, 0},     {"r4.xlarge", 4, 30.5, 0.266, 0},     {"r4.2xlarge", 8, 61, 0.532, 0},
    {"r4.4xlarge", 16, 122, 1.064, 0},    {"r5.large", 2, 16, 0.126, 0},        {"r5.xlarge", 4, 32, 0.252, 0},
    {"r5.2xlarge", 8, 64, 0.504, 0},      {"r5.4xlarge", 16, 128, 1.008, 0},    {"r5.8xlarge", 32, 256, 2.016, 0},
    {"r5.12xlarge", 48, 384, 3.024, 0},   {"r6i.large", 2, 16, 0.126, 0},       {"r6i.xlarge", 4, 32, 0.252, 0},
    {"r6i.2xlarge", 8, 64, 0.504, 0},     {"r6i.4xlarge", 16, 128, 1.008, 0},   {"r6i.8xlarge", 32, 256, 2.016, 0},
    {"r6i.12xlarge", 48, 384, 3.024, 0},
};

static const char *const option_names[VF_RS_OPTIONS] = {
    "1y standard no-upfront",    "1y standard partial-upfront",    "1y standard all-upfront",
    "1y convertible no-upfront", "1y convertible partial-upfront", "1y convertible all-upfront",
    "3y standard no-upfront",    "3y standard partial-upfront",    "3y standard all-upfront",
    "3y convertible no-upfront", "3y convertible partial-upfront", "3y convertible all-upfront",
};

const char *vf_rs_option_name(int i)
{
    return i >= 0 && i < VF_RS_OPTIONS ? option_names[i] : "none";
}

int vf_rs_option_years(int i)
{
    return i >= 6 ? 3 : 1;
}

int vf_rs_option_parse(const char *s)
{
    int term, cls = 0, pay = 0;
    if (!strncmp(s, "1y", 2))
        term = 0;
    else if (!strncmp(s, "3y", 2))
        term = 1;
    else
        return -1;
    s += 2;
    if (*s == '-' && !strncmp(s + 1, "standard", 8))
        s += 9;
    else if (*s == '-' && !strncmp(s + 1, "convertible", 11))
        s += 12, cls = 1;
    if (!strcmp(s, "") || !strcmp(s, "-no-upfront"))
        pay = 0;
    else if (!strcmp(s, "-partial-upfront"))
        pay = 1;
    else if (!strcmp(s, "-all-upfront"))
        pay = 2;
    else
        return -1;
    return term * 6 + cls * 3 + pay;
}

static const family *find_family(const char *type_name)
{
    const char *dot = strchr(type_name, '.');
    size_t n = dot ? (size_t)(dot - type_name) : strlen(type_name);
    for (size_t i = 0; i < VF_ARRAY_LEN(families); i++)
        if (strlen(families[i].name) == n && !strncmp(families[i].name, type_name, n))
            return &families[i];
    return NULL;
}

int vf_rs_family_traits(const char *type_name, double *perf, double *baseline)
{
    const family *f = find_family(type_name);
    *perf = f ? f->perf : 1.0;
    *baseline = 0;
    for (size_t i = 0; f && i < VF_ARRAY_LEN(rows); i++)
        if (!strcmp(rows[i].name, type_name))
            *baseline = rows[i].baseline;
    if (!f && type_name[0] == 't' && type_name[1] >= '2' && type_name[1] <= '9')
        *baseline = -1; /* a burstable family the catalog has no baseline for: never a candidate */
    return f != NULL;
}

vf_rs_type *vf_rs_catalog_add(vf_rs_catalog *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->t[i].name, name))
            return &c->t[i];
    if (strlen(name) >= sizeof c->t[0].name || vf_grow(&c->t, &c->cap, c->n + 1, sizeof *c->t) < 0)
        return NULL;
    vf_rs_type *t = &c->t[c->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    const char *dot = strchr(name, '.');
    size_t fl = dot ? (size_t)(dot - name) : strlen(name);
    snprintf(t->family, sizeof t->family, "%.*s", (int)VF_MIN(fl, sizeof t->family - 1), name);
    vf_rs_family_traits(name, &t->perf, &t->baseline);
    t->od = -1;
    t->vcpu = t->mem_gib = -1;
    for (int i = 0; i < VF_RS_OPTIONS; i++)
        t->hourly[i] = -1;
    return t;
}

vpcflow_status vf_rs_catalog_builtin(vf_rs_catalog *c, vpcflow_error *err)
{
    memset(c, 0, sizeof *c);
    snprintf(c->source, sizeof c->source, "built-in catalog: us-east-1, Linux, shared tenancy, AWS list prices 2024");
    for (size_t i = 0; i < VF_ARRAY_LEN(rows); i++) {
        vf_rs_type *t = vf_rs_catalog_add(c, rows[i].name);
        if (!t) {
            vf_rs_catalog_free(c);
            return vf_error(err, VPCFLOW_ERR_IO, "", 0, 0, "out of memory");
        }
        t->vcpu = rows[i].vcpu;
        t->mem_gib = rows[i].mem;
        t->od = rows[i].od;
        const family *f = find_family(rows[i].name);
        for (int k = 0; k < VF_RS_OPTIONS; k++) {
            double hours = VF_RS_HOURS_PER_YEAR * vf_rs_option_years(k);
            double total = t->od * (1 - discounts[f->profile][k]) * hours;
            switch (k % 3) {
            case 0:
                t->upfront[k] = 0;
                t->hourly[k] = round(total / hours * 10000) / 10000;
                break;
            case 1:
                t->upfront[k] = round(total / 2);
                t->hourly[k] = round((total - t->upfront[k]) / hours * 10000) / 10000;
                break;
            default:
                t->upfront[k] = round(total);
                t->hourly[k] = 0;
            }
        }
    }
    return VPCFLOW_OK;
}

void vf_rs_catalog_free(vf_rs_catalog *c)
{
    free(c->t);
    memset(c, 0, sizeof *c);
}

const vf_rs_type *vf_rs_catalog_find(const vf_rs_catalog *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->t[i].name, name))
            return &c->t[i];
    return NULL;
}
