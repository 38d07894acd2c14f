/* report_out.c — vpcflow_rightsize_write: the decisions as a table for people, a JSON array or
 * CSV, one row per instance (docs/rightsize.md). */
#include "base/text.h"
#include "rightsize/rightsize.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double r4(double x)
{
    return round(x * 10000) / 10000;
}

/* JSON written as it goes, without allocating: strings through the library's escaper (bytes
 * that are not UTF-8 become U+FFFD), numbers rounded to 4 decimals (money to cents already). */
static void jstr(FILE *out, const char *key, const char *v, int last)
{
    fprintf(out, "\"%s\": ", key);
    vf_put_json_file(out, v, strlen(v));
    fputs(last ? "" : ", ", out);
}

static void jnum(FILE *out, const char *key, double v, int last)
{
    fprintf(out, "\"%s\": %.10g%s", key, r4(v), last ? "" : ", ");
}

static void json_row(FILE *out, const vf_rs_result *r, const vf_rs_options *o, int first)
{
    fputs(first ? "[\n  {" : ",\n  {", out);
    jstr(out, "instance", r->instance, 0);
    jstr(out, "current_type", r->current, 0);
    jstr(out, "recommended_type", r->recommended, 0);
    jstr(out, "verdict", r->verdict, 0);
    jnum(out, "monthly_saving_usd", r->monthly_saving, 0);
    jstr(out, "ri_verdict", r->ri_verdict, 0);
    jstr(out, "ri_option", vf_rs_option_name(r->ri_option), 0);
    jnum(out, "ri_saving_usd", r->ri_saving, 0);
    jnum(out, "ri_waste_usd", r->ri_waste, 0);
    jnum(out, "ri_count", r->ri_count, 1);
    fputs(",\n   \"evidence\": {", out);
    jnum(out, "days", r->days, 0);
    jnum(out, "hours_observed", r->observed_hours, 0);
    jnum(out, "gap_pct", r->gap_pct, 0);
    jnum(out, "percentile", o->percentile, 0);
    jnum(out, "cpu_percentile_pct", r->cpu_p, 0);
    jnum(out, "cpu_max_pct", r->cpu_max, 0);
    jnum(out, "cpu_median_pct", r->cpu_p50, 0);
    jnum(out, "cpu_needed_pct", r->need_pct, 0);
    jnum(out, "capacity_pct", r->capacity_pct, 0);
    jnum(out, "trend_pct_per_day", r->trend_per_day, 0);
    jnum(out, "projected_pct", r->projected, 0);
    fprintf(out, "\"memory_observed\": %s, ", r->memory_observed ? "true" : "false");
    jnum(out, "current_memory_gib", r->cur_mem_gib, 0);
    jnum(out, "recommended_memory_gib", r->rec_mem_gib, 0);
    fputs("\"notes\": [", out);
    for (const char *p = r->notes; *p;) {
        const char *e = strstr(p, "; ");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        fputs(p == r->notes ? "\n    " : ",\n    ", out);
        vf_put_json_file(out, p, n);
        p += n + (e ? 2 : 0);
    }
    fputs("]},\n   \"questions\": {", out);
    jstr(out, "load_certainty", r->q_certain, 0);
    jstr(out, "seen_on_other_sizes", r->q_other_sizes, 0);
    jstr(out, "load_holds_for_term", r->q_holds, 0);
    jstr(out, "autoscaling_could_cover_peaks", r->q_autoscaling, 0);
    jstr(out, "saving_worth_the_effort", r->q_worth, 1);
    fputs("},\n   \"ri_options\": [", out);
    int shown = 0;
    for (int i = 0; i < VF_RS_OPTIONS; i++) {
        const vf_rs_ri *x = &r->ri[i];
        if (!x->offered)
            continue;
        fputs(shown++ ? ",\n    {" : "\n    {", out);
        jstr(out, "option", vf_rs_option_name(i), 0);
        jnum(out, "upfront_usd", x->upfront, 0);
        jnum(out, "hourly_usd", x->hourly, 0);
        jnum(out, "term_total_usd", x->total, 0);
        jnum(out, "on_demand_total_usd", x->od_total, 0);
        jnum(out, "saving_usd", x->saving, 0);
        jnum(out, "break_even_utilisation", x->break_even, 1);
        putc('}', out);
    }
    fputs("]}", out);
}

static void write_json(FILE *out, const vpcflow_rightsize *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        json_row(out, &rs->res[i], &rs->o, i == 0);
    fputs("\n]\n", out);
}

static void csv_cell(FILE *out, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        putc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                putc('"', out);
            putc(*s, out);
        }
        putc('"', out);
    } else {
        fputs(s, out);
    }
    putc(last ? '\n' : ',', out);
}

static void write_csv(FILE *out, const vpcflow_rightsize *rs)
{
    fputs("instance,current_type,recommended_type,verdict,monthly_saving_usd,ri_verdict,ri_option,ri_saving_usd,"
          "ri_waste_usd,days,gap_pct,cpu_percentile_pct,cpu_max_pct,memory_observed,evidence\n",
          out);
    for (size_t i = 0; i < rs->n; i++) {
        const vf_rs_result *r = &rs->res[i];
        csv_cell(out, r->instance, 0);
        csv_cell(out, r->current, 0);
        csv_cell(out, r->recommended, 0);
        csv_cell(out, r->verdict, 0);
        fprintf(out, "%.2f,", r->monthly_saving);
        csv_cell(out, r->ri_verdict, 0);
        csv_cell(out, vf_rs_option_name(r->ri_option), 0);
        fprintf(out, "%.2f,%.2f,%.1f,%.1f,%.1f,%.1f,%s,", r->ri_saving, r->ri_waste, r->days, r->gap_pct, r->cpu_p,
                r->cpu_max, r->memory_observed ? "true" : "false");
        csv_cell(out, r->notes, 1);
    }
}

static void write_table(FILE *out, const vpcflow_rightsize *rs)
{
    const vf_rs_options *o = &rs->o;
    fprintf(out, "%-20s %-12s %-12s %-15s %11s  %-18s %12s\n", "INSTANCE", "CURRENT", "RECOMMENDED", "VERDICT",
            "SAVING/MO", "RI", "RI SAVING/YR");
    for (size_t i = 0; i < rs->n; i++) {
        const vf_rs_result *r = &rs->res[i];
        char sav[32], ris[32];
        snprintf(sav, sizeof sav, "$%.2f", r->monthly_saving);
        snprintf(ris, sizeof ris, "$%.2f", r->ri_saving);
        fprintf(out, "%-20s %-12s %-12s %-15s %11s  %-18s %12s\n", r->instance, r->current, r->recommended, r->verdict,
                sav, r->ri_verdict, ris);
        fprintf(out,
                "  cpu: p%g %.1f%%, max %.1f%% of %g vCPUs over %.1f days; needs %.1f%% with %g%% headroom; %s has "
                "%.0f%%\n",
                o->percentile, r->cpu_p, r->cpu_max, r->cur_vcpu, r->days, r->need_pct, o->headroom,
                strcmp(r->recommended, "-") ? r->recommended : r->current, r->capacity_pct);
        for (const char *p = r->notes; *p;) {
            const char *e = strstr(p, "; ");
            size_t len = e ? (size_t)(e - p) : strlen(p);
            fprintf(out, "  - %.*s\n", (int)len, p);
            p += len + (e ? 2 : 0);
        }
        fprintf(out, "  how certain is the load?        %s\n", r->q_certain);
        fprintf(out, "  seen on other sizes?            %s\n", r->q_other_sizes);
        fprintf(out, "  will it hold for the term?      %s\n", r->q_holds);
        fprintf(out, "  could auto-scaling cover peaks? %s\n", r->q_autoscaling);
        fprintf(out, "  is the saving worth the effort? %s\n", r->q_worth);
    }
    fprintf(out, "Savings: on demand, a month of 730 hours; RI per year. Prices: %s.\n", rs->source);
}

int vpcflow_rightsize_write(const vpcflow_rightsize *r, vpcflow_output kind, FILE *out)
{
    if (kind == VPCFLOW_OUTPUT_JSON)
        write_json(out, r);
    else if (kind == VPCFLOW_OUTPUT_CSV)
        write_csv(out, r);
    else
        write_table(out, r);
    return ferror(out) ? -1 : 0;
}
