/* output_json.c — JSON output: records as one object per line (JSON Lines), keyed by AWS
 * field names, numbers as numbers, null for no value. */
#include "out/output.h"

#include "read/format.h"
#include "query/rows.h"
#include "query/summary.h"

#include <stdio.h>
#include <string.h>

size_t vf_json_record(const vpcflow_record *rec, const vpcflow_columns *cols, vf_text *o)
{
    size_t n = cols ? cols->n : rec->format->ncols;
    vf_putc(o, '{');
    for (size_t i = 0; i < n; i++) {
        vf_val v;
        vf_column_value(rec, cols, i, &v);
        const char *name = cols ? cols->name[i] : rec->format->names[i];
        if (i)
            vf_putc(o, ',');
        vf_put_json_str(o, name, strlen(name));
        vf_putc(o, ':');
        if (v.kind == VF_VAL_ABSENT)
            vf_puts(o, "null");
        else if (v.kind == VF_VAL_NUMBER)
            vf_put(o, v.ptr, v.len);
        else
            vf_put_json_str(o, v.ptr, v.len);
    }
    vf_puts(o, "}\n");
    return o->len;
}

/* ---- summary ------------------------------------------------------------------------------ */

static void put_usd(FILE *out, unsigned __int128 num)
{
    char buf[64];
    vf_usd_format(num, 6, buf, sizeof buf);
    fputs(buf, out);
}

static void put_json_text(FILE *out, const char *s)
{
    vf_put_json_file(out, s, strlen(s));
}

/* "notes": [...], one string per line of notes */
static void put_notes(FILE *out, const char *notes)
{
    fputs("\"notes\": [", out);
    for (const char *p = notes; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fputs(p == notes ? "\n    " : ",\n    ", out);
        vf_put_json_file(out, p, len);
        p += len + (nl != NULL);
    }
    fputs(notes && *notes ? "\n  ]" : "]", out);
}

static void put_talkers(FILE *out, const char *name, const vf_talker_list *l)
{
    fprintf(out, "    \"%s\": [", name);
    for (size_t i = 0; i < l->n; i++) {
        char addr[64];
        vpcflow_addr_format(l->v[i].addr, addr, sizeof addr);
        fprintf(out, "%s\n      {\"addr\": \"%s\", \"owner\": ", i ? "," : "", addr);
        put_json_text(out, l->v[i].label);
        fprintf(out, ", \"bytes\": %llu, \"flows\": %llu, \"cost_usd\": ", (unsigned long long)l->v[i].bytes,
                (unsigned long long)l->v[i].flows);
        put_usd(out, l->v[i].cost);
        fputc('}', out);
    }
    fprintf(out, "%s]", l->n ? "\n    " : "");
}

static void put_reconcile(FILE *out, const vpcflow_summary *s, const vpcflow_bill *bill)
{
    if (!bill || (bill->gb <= 0 && bill->usd <= 0))
        return;
    fputs(",\n  \"reconcile\": {", out);
    int first = 1;
    if (bill->usd > 0) {
        double ours = (double)s->total_cost / ((double)((unsigned __int128)1 << 30) * 1e12);
        fprintf(out, "\"bill_usd\": %.2f, \"explained_usd\": %.6f, \"explained_share\": %.4f", bill->usd, ours,
                ours / bill->usd);
        first = 0;
    }
    if (bill->gb > 0) {
        double gb = (double)(s->cls[VPCFLOW_CLASS_INTERNET_OUT].bytes + s->cls[VPCFLOW_CLASS_INTER_REGION].bytes +
                             2 * s->cls[VPCFLOW_CLASS_CROSS_AZ].bytes) /
                    (double)(1u << 30);
        fprintf(out, "%s\"bill_gb\": %.3f, \"explained_gb\": %.3f, \"explained_gb_share\": %.4f", first ? "" : ", ",
                bill->gb, gb, gb / bill->gb);
    }
    fputc('}', out);
}

/* `"failed_inputs": [{"input": …, "error": …}, …],` when some inputs could not be read. */
static void put_failed(FILE *out, const vf_failed *f)
{
    if (!f->n)
        return;
    fputs("\"failed_inputs\": [", out);
    const char *p = f->text;
    for (size_t i = 0; i < f->n; i++) {
        const char *msg = p + strlen(p) + 1;
        fputs(i ? ",\n    {\"input\": " : "\n    {\"input\": ", out);
        put_json_text(out, p);
        fputs(", \"error\": ", out);
        put_json_text(out, msg);
        fputc('}', out);
        p = msg + strlen(msg) + 1;
    }
    fputs("],\n  ", out);
}

int vf_summary_json(const vpcflow_summary *s, const vpcflow_bill *bill, FILE *out)
{
    const vpcflow_scan_stats *st = &s->stats;
    fprintf(out,
            "{\"records\": %llu, \"records_nodata\": %llu, \"records_skipdata\": %llu, \"records_malformed\": %llu,\n"
            "  \"bytes_logged\": %llu, \"bytes_unique\": %llu,\n  \"first_start\": %lld, \"last_end\": %lld,\n"
            "  \"classes\": {",
            (unsigned long long)st->records, (unsigned long long)st->records_nodata,
            (unsigned long long)st->records_skipdata, (unsigned long long)st->records_malformed,
            (unsigned long long)st->bytes, (unsigned long long)s->bytes_unique, (long long)st->first_start,
            (long long)st->last_end);
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++) {
        fprintf(out,
                "%s\n    \"%s\": {\"bytes\": %llu, \"packets\": %llu, \"flows\": %llu, \"cost_usd\": ", c ? "," : "",
                vpcflow_class_name((vpcflow_class)c), (unsigned long long)s->cls[c].bytes,
                (unsigned long long)s->cls[c].packets, (unsigned long long)s->cls[c].flows);
        put_usd(out, s->cls_cost[c]);
        fputc('}', out);
    }
    fprintf(out, "},\n  \"nat_processing\": {\"bytes\": %llu, \"cost_usd\": ", (unsigned long long)s->nat_bytes);
    put_usd(out, s->nat_cost);
    fputs("},\n  \"cost_usd_total\": ", out);
    put_usd(out, s->total_cost);
    fputs(",\n  \"top_senders\": {\n", out);
    put_talkers(out, "cross-az", &s->senders[VF_TALK_CROSS_AZ]);
    fputs(",\n", out);
    put_talkers(out, "internet-out", &s->senders[VF_TALK_INTERNET_OUT]);
    fputs("},\n  \"top_receivers\": {\n", out);
    put_talkers(out, "cross-az", &s->receivers[VF_TALK_CROSS_AZ]);
    fputs(",\n", out);
    put_talkers(out, "internet-out", &s->receivers[VF_TALK_INTERNET_OUT]);
    fputs("},\n  \"cost_driver\": ", out);
    char driver[VF_DRIVER_TEXT];
    vf_driver_text(&s->driver, driver, sizeof driver);
    put_json_text(out, driver);
    fprintf(out, ",\n  \"approximate\": %s, \"inputs\": ", s->approx ? "true" : "false");
    put_json_text(out, s->inputs);
    fputs(",\n  ", out);
    put_failed(out, &s->failed);
    put_notes(out, s->notes);
    put_reconcile(out, s, bill);
    fputs("}\n", out);
    return ferror(out) ? -1 : 0;
}

/* ---- rows of top and timeline --------------------------------------------------------------- */

static void json_metrics(FILE *out, uint64_t bytes, uint64_t packets, uint64_t flows, unsigned __int128 cost)
{
    fprintf(out, "\"bytes\": %llu, \"packets\": %llu, \"flows\": %llu, \"cost_usd\": ", (unsigned long long)bytes,
            (unsigned long long)packets, (unsigned long long)flows);
    put_usd(out, cost);
}

int vf_rows_json(const vpcflow_rows *r, FILE *out)
{
    fputs("{\"by\": [", out);
    for (size_t k = 0; k < r->nkeys; k++) {
        fputs(k ? ", " : "", out);
        put_json_text(out, r->names[k]);
    }
    fprintf(out, "], \"metric\": \"%s\"", r->metric);
    if (r->timeline)
        fprintf(out, ", \"every\": %lld", (long long)r->every);
    fputs(",\n  \"rows\": [", out);
    uint64_t total = vf_rows_total_metric(r);
    for (size_t i = 0; i < r->n; i++) {
        const vf_row *row = &r->rows[i];
        fputs(i ? ",\n    {" : "\n    {", out);
        vf_rows_put_time(r, i, 1, out);
        for (size_t k = 0; k < r->nkeys; k++) {
            put_json_text(out, r->names[k]);
            fputs(": ", out);
            if (r->number[k] && strcmp(row->text[k], "-") != 0)
                fputs(row->text[k], out);
            else
                put_json_text(out, row->text[k]);
            fputs(", ", out);
            for (int second = 0; second < 2; second++) {
                const char *o = row->owner[2 * k + (size_t)second];
                if (!o)
                    continue;
                char name[96];
                vf_rows_owner_name(r, k, second, name, sizeof name);
                fprintf(out, "\"%s\": ", name);
                put_json_text(out, o);
                fputs(", ", out);
            }
        }
        json_metrics(out, row->bytes, row->packets, row->flows, row->cost);
        fprintf(out, ", \"share\": %.6f", total ? (double)vf_row_metric(r, row) / (double)total : 0.0);
        if (r->approx)
            fprintf(out, ", \"error\": %llu", (unsigned long long)row->err);
        fputc('}', out);
    }
    fputs(r->n ? "\n  ],\n  \"total\": {" : "],\n  \"total\": {", out);
    json_metrics(out, r->total_bytes, r->total_packets, r->total_flows, r->total_cost);
    if (r->nat_cost) { /* NAT processing is no class: on top of the rows' transfer costs, as summary counts it */
        fprintf(out, "},\n  \"nat_processing\": {\"bytes\": %llu, \"cost_usd\": ", (unsigned long long)r->nat_bytes);
        put_usd(out, r->nat_cost);
    }
    fprintf(out, "},\n  \"records\": %llu, \"records_malformed\": %llu, \"approximate\": %s, \"error_bound\": %llu",
            (unsigned long long)r->stats.records, (unsigned long long)r->stats.records_malformed,
            r->approx ? "true" : "false", (unsigned long long)r->error_bound);
    fputs(",\n  ", out);
    put_failed(out, &r->failed);
    put_notes(out, r->notes);
    fputs("}\n", out);
    return ferror(out) ? -1 : 0;
}
