/* rightsize.h — `vpcflow rightsize`: is an EC2 instance oversized, and should it be reserved?
 * CPU (and memory) metrics as the AWS CLI prints them, instance types from a built-in catalog or
 * the AWS Price List CSV, and the decisions with their numbers (docs/rightsize.md). */
#ifndef VF_RIGHTSIZE_H
#define VF_RIGHTSIZE_H

#include "base/internal.h"

#define VF_RS_HOURS_PER_MONTH 730.0 /* AWS's month: 8,760 hours / 12 */
#define VF_RS_HOURS_PER_YEAR 8760.0
#define VF_RS_OPTIONS 12 /* term (1y, 3y) x class (standard, convertible) x payment (no, partial, all) */

/* ---- instance types (catalog.c, pricelist.c) ---------------------------------------------- */

typedef struct vf_rs_type {
    char name[32];   /* "m5.large" */
    char family[24]; /* "m5" */
    double vcpu, mem_gib;
    double od;                     /* on-demand $/hour, Linux, shared tenancy */
    double upfront[VF_RS_OPTIONS]; /* RI upfront $ per option (vf_rs_option_name) */
    double hourly[VF_RS_OPTIONS];  /* RI $/hour per option; negative when not offered */
    double perf;                   /* relative per-vCPU performance (m4 = 1.00) */
    double baseline;               /* burstable: baseline % of each vCPU; 0 when not burstable */
} vf_rs_type;

typedef struct vf_rs_catalog {
    vf_rs_type *t;
    size_t n, cap;
    char source[200];
} vf_rs_catalog;

/* "1y standard no-upfront", ... for option i: term i / 6, class (i / 3) % 2, payment i % 3. */
const char *vf_rs_option_name(int i);
int vf_rs_option_years(int i);
/* Parses "1y", "3y-convertible", "1y-standard-all-upfront" (term, then optional class and
 * payment; standard and no-upfront when left out): the option index or -1. */
int vf_rs_option_parse(const char *s);

/* The built-in us-east-1 catalog (catalog.c). */
vpcflow_status vf_rs_catalog_builtin(vf_rs_catalog *c, vpcflow_error *err);
void vf_rs_catalog_free(vf_rs_catalog *c);
const vf_rs_type *vf_rs_catalog_find(const vf_rs_catalog *c, const char *name);
/* The relative per-vCPU performance and burstable baseline of a type the catalog knows the
 * family of (perf 1.0 and baseline 0 otherwise); 1 when the family is known. */
int vf_rs_family_traits(const char *type_name, double *perf, double *baseline);
/* Adds or returns the entry of a type (its family and traits filled in, prices unset: -1). */
vf_rs_type *vf_rs_catalog_add(vf_rs_catalog *c, const char *name);

/* The AWS Price List bulk CSV for EC2, streamed (pricelist.c): the rows of region (a code,
 * "us-east-1"), the operating system ("Linux"), shared tenancy, no pre-installed software,
 * capacity "Used" become the catalog, replacing the built-in one. Memory is bounded by the
 * longest line (1 MiB at most) and the number of instance types. */
typedef struct vf_rs_pricelist_stats {
    uint64_t lines, rows, used;
} vf_rs_pricelist_stats;
vpcflow_status vf_rs_pricelist_load(vf_rs_catalog *c, const char *path, const char *region, const char *os,
                                    vf_rs_pricelist_stats *stats, vpcflow_error *err);
/* The same over a buffer (for the fuzz target). */
vpcflow_status vf_rs_pricelist_buf(vf_rs_catalog *c, const char *name, const char *data, size_t len, const char *region,
                                   const char *os, vf_rs_pricelist_stats *stats, vpcflow_error *err);

/* ---- metrics (metrics.c) --------------------------------------------------------------------- */

typedef struct vf_rs_point {
    int64_t t; /* Unix seconds */
    double v;  /* percent */
} vf_rs_point;

typedef struct vf_rs_series {
    char instance[64];
    char file[256]; /* the first file that named this instance */
    vf_rs_point *cpu, *mem;
    size_t ncpu, capcpu, nmem, capmem;
    int cpu_average_only; /* the CPU came as averages: peaks are underestimated */
    uint64_t net_points;  /* NetworkIn/Out datapoints seen (reported, not used) */
} vf_rs_series;

typedef struct vf_rs_metrics {
    vf_rs_series *s;
    size_t n, cap;
} vf_rs_metrics;

/* Loads a metric file or every file of a directory (sorted): get-metric-statistics JSON,
 * get-metric-data JSON, or CSV `timestamp,value`. The instance comes from the file name
 * (i-...), else the document's Dimensions or Label, else the file name itself. */
vpcflow_status vf_rs_metrics_load(vf_rs_metrics *m, const char *path, vpcflow_error *err);
vpcflow_status vf_rs_metrics_buf(vf_rs_metrics *m, const char *name, const char *data, size_t len, vpcflow_error *err);
void vf_rs_metrics_free(vf_rs_metrics *m);
/* "2026-11-03T10:00:00Z", "...+00:00", fractions, or Unix seconds: 0 on success. */
int vf_rs_parse_time(const char *s, size_t n, int64_t *out);

/* ---- instances (instances.c) ----------------------------------------------------------------- */

typedef struct vf_rs_instance {
    char id[64], type[32], platform[32], tenancy[24], state[24], launch[40];
    char name[128], owner[128], group[128]; /* tags Name, owner/Owner/team, aws:autoscaling:groupName */
} vf_rs_instance;

typedef struct vf_rs_instances {
    vf_rs_instance *i;
    size_t n, cap;
} vf_rs_instances;

/* `aws ec2 describe-instances` JSON (Reservations[].Instances[]). */
vpcflow_status vf_rs_instances_load(vf_rs_instances *x, const char *path, vpcflow_error *err);
vpcflow_status vf_rs_instances_buf(vf_rs_instances *x, const char *name, const char *data, size_t len,
                                   vpcflow_error *err);
const vf_rs_instance *vf_rs_instances_find(const vf_rs_instances *x, const char *id);
void vf_rs_instances_free(vf_rs_instances *x);

/* ---- decisions (decide.c) -------------------------------------------------------------------- */

typedef struct vf_rs_options {
    double percentile; /* of the hourly maxima; 99 */
    double headroom;   /* percent added; 20 */
    int any_family;    /* candidates of every family, burstable among them */
    double min_memory; /* GiB floor; 0 */
    int term_years;    /* the RI term the trend must hold for; 1 */
    int reserved;      /* the RI option bought (or considered) for the current type; 0 = 1y standard no-upfront */
    double min_days;   /* 14 */
    double max_gap;    /* percent; 10 */
    double idle_max;   /* percent; 2 */
} vf_rs_options;
void vf_rs_options_init(vf_rs_options *o);

typedef struct vf_rs_ri {
    double upfront, hourly, total, od_total, saving, break_even; /* break_even: a fraction of the term */
    int offered;
} vf_rs_ri;

typedef struct vf_rs_result {
    char instance[64], current[32], recommended[32];
    const char *verdict;      /* "downsize", "right-sized", "idle", "observe longer" */
    const char *ri_verdict;   /* "reserve", "reserve baseline", "do not reserve yet", "do not reserve" */
    double monthly_saving;    /* on-demand, 730-hour month */
    int ri_option;            /* the best option for the recommended type, or -1 */
    double ri_saving;         /* per year, that option against on-demand */
    double ri_waste;          /* the reserved option on the current type over its term, less the same on the
                                 recommended type; the whole of it when idle */
    int ri_count, group_size; /* instances to reserve of the group (baseline) */
    /* evidence */
    double days, window_hours, observed_hours, gap_pct;
    double cpu_p, cpu_max, cpu_mean, cpu_p50, need_pct;
    double trend_per_day, projected, capacity_pct; /* capacity: the recommended type's, in current % */
    double cross_days;                             /* days until the trend crosses it; <0 never */
    int memory_observed;
    double mem_max_pct, mem_need_gib, rec_mem_gib, cur_mem_gib;
    double rec_vcpu, cur_vcpu;
    double hours_over_capacity;
    double utilisation; /* observed hours / window hours */
    vf_rs_ri ri[VF_RS_OPTIONS];
    char cheapest_elsewhere[32];
    double cheapest_elsewhere_monthly;
    char notes[2048]; /* "; "-separated sentences */
    char q_certain[160], q_other_sizes[160], q_holds[160], q_autoscaling[160], q_worth[160];
} vf_rs_result;

/* Decides for one instance: series s, its current type cur (in c), inst (or NULL) and the other
 * instances (for the sizes an application was seen on and auto-scaling groups). */
vpcflow_status vf_rs_decide(const vf_rs_catalog *c, const vf_rs_options *o, const vf_rs_series *s,
                            const vf_rs_type *cur, const vf_rs_instance *inst, vf_rs_result *r, vpcflow_error *err);
/* Group baselines: for results whose instances share an auto-scaling group, the minimum count of
 * them seen with data in any hour of the window; members above it are not reserved. r[i] is the
 * result of m->s[i], n == m->n. */
void vf_rs_groups(const vf_rs_metrics *m, const vf_rs_instances *x, vf_rs_result *r, size_t n);
/* The other types an application (same Name tag or group) runs on, for the question. */
void vf_rs_other_sizes(const vf_rs_instances *x, const vf_rs_instance *inst, vf_rs_result *r);

/* ---- the public result (run.c builds it, report_out.c writes it) ------------------------------ */

struct vpcflow_rightsize {
    vf_rs_result *res; /* res[i]: the decision for the i-th series loaded */
    size_t n;
    vf_rs_options o;
    char source[200]; /* the catalog's source, for the table's footer */
    char **warn;      /* warnings, in the order of the series */
    size_t nwarn, capwarn;
};

#endif
