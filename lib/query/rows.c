/* rows.c — building the rows of top and timeline from a query's groups, and their accessors. */
#include "query/rows.h"

#include "query/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

vpcflow_rows *vf_rows_new(void)
{
    return vf_calloc(1, sizeof(vpcflow_rows));
}

void vpcflow_rows_free(vpcflow_rows *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        /* a row whose arrays could not be allocated has none to free */
        for (size_t k = 0; r->rows[i].text && k < r->nkeys; k++)
            free(r->rows[i].text[k]);
        for (size_t k = 0; r->rows[i].owner && k < 2 * r->nkeys; k++)
            free(r->rows[i].owner[k]);
        free(r->rows[i].text);
        free(r->rows[i].owner);
    }
    free(r->rows);
    free(r->notes);
    free(r->failed.text);
    free(r);
}

size_t vpcflow_rows_count(const vpcflow_rows *r)
{
    return r->n;
}

const char *vpcflow_rows_key(const vpcflow_rows *r, size_t i, size_t k)
{
    return i < r->n && k < r->nkeys ? r->rows[i].text[k] : NULL;
}

void vpcflow_rows_metrics(const vpcflow_rows *r, size_t i, vpcflow_class_total *out)
{
    memset(out, 0, sizeof *out);
    if (i >= r->n)
        return;
    out->bytes = r->rows[i].bytes;
    out->packets = r->rows[i].packets;
    out->flows = r->rows[i].flows;
    out->cost_micro_usd = vf_micro_usd(r->rows[i].cost);
}

int vpcflow_rows_approximate(const vpcflow_rows *r, uint64_t *error_bound)
{
    if (error_bound)
        *error_bound = r->error_bound;
    return r->approx;
}

const vpcflow_scan_stats *vpcflow_rows_stats(const vpcflow_rows *r)
{
    return &r->stats;
}

uint64_t vf_row_metric(const vpcflow_rows *r, const vf_row *row)
{
    if (strcmp(r->metric, "packets") == 0)
        return row->packets;
    if (strcmp(r->metric, "flows") == 0)
        return row->flows;
    if (strcmp(r->metric, "cost") == 0)
        return vf_micro_usd(row->cost);
    return row->bytes;
}

uint64_t vf_rows_total_metric(const vpcflow_rows *r)
{
    vf_row t;
    memset(&t, 0, sizeof t);
    t.bytes = r->total_bytes;
    t.packets = r->total_packets;
    t.flows = r->total_flows;
    t.cost = r->total_cost;
    return vf_row_metric(r, &t);
}

void vf_rows_owner_name(const vpcflow_rows *r, size_t k, int second, char *buf, size_t cap)
{
    if (r->pair[k])
        snprintf(buf, cap, "%s_owner", second ? "dst" : "src");
    else
        snprintf(buf, cap, "%s_owner", r->names[k]);
}

void vf_rows_time(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
