/* advise_out.c — the actions of `vpcflow advise` as a table for people (one action a line) and as
 * one JSON object for scripts (docs/advise.md). */
#include "out/output.h"

#include "query/advise.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void utc(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, cap, "%Y-%m-%d %H:%M", &tm);
}

static void window_text(int64_t w, char *buf, size_t cap)
{
    if (w >= 2 * 86400)
        snprintf(buf, cap, "%.1f days", (double)w / 86400);
    else if (w >= 7200)
        snprintf(buf, cap, "%.1f hours", (double)w / 3600);
    else
        snprintf(buf, cap, "%lld s", (long long)w);
}

#define TABLE_OWNERS 4

static void evidence_text(const vf_action *a, char *buf, size_t cap)
{
    char b[32], f[32];
    vf_human_bytes(a->bytes, b, sizeof b);
    vf_human_count(a->flows, f, sizeof f);
    size_t o = (size_t)snprintf(buf, cap, "%s in %s flow%s", b, f, a->flows == 1 ? "" : "s");
    for (size_t i = 0; i < a->nowners && i < TABLE_OWNERS && o < cap; i++) {
        int w = snprintf(buf + o, cap - o, "%s%s", i ? ", " : ": ", a->owners[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    if (a->nowners > TABLE_OWNERS && o < cap)
        snprintf(buf + o, cap - o, ", …");
}

static void usd(FILE *out, unsigned __int128 num)
{
    char v[64];
    vf_usd_format(num, 6, v, sizeof v);
    fputs(v, out);
}

static void str(FILE *out, const char *s)
{
    vf_put_json_file(out, s, strlen(s));
}

static int table(const vpcflow_advice *adv, FILE *out)
{
    const vpcflow_scan_stats *st = &adv->stats;
    char n[32], a[32], b[32], w[32];
    vf_human_count(st->records, n, sizeof n);
    utc(st->first_start, a, sizeof a);
    utc(st->last_end, b, sizeof b);
    window_text(adv->window, w, sizeof w);
    fprintf(out, "%s records from %s to %s UTC (%s); dollars per 30-day month at the price table's rates\n\n", n,
            st->records ? a : "-", st->records ? b : "-", w);
    int unknown = 0, estimate = 0;
    if (!adv->nranked)
        fprintf(out, "No change to propose: nothing in these logs would save more than it costs.\n");
    else
        fprintf(out, "  %2s %11s %11s  %s\n", "#", "SAVING/MO", "NET/MO", "CHANGE (EVIDENCE)");
    for (size_t i = 0; i < adv->nranked; i++) {
        const vf_action *x = &adv->v[i];
        char s[48], t[48], sv[52], nt[52], ev[1024];
        vf_human_usd(x->saving_month, s, sizeof s);
        vf_human_usd(x->net_month, t, sizeof t);
        snprintf(sv, sizeof sv, "%s%s", x->estimate ? "~" : "", s);
        snprintf(nt, sizeof nt, "%s%s%s", x->estimate ? "~" : "", t, x->cost_unknown ? "*" : "");
        unknown |= x->cost_unknown;
        estimate |= x->estimate;
        evidence_text(x, ev, sizeof ev);
        fprintf(out, "  %2zu %11s %11s  %s (%s)\n", i + 1, sv, nt, x->change, ev);
    }
    if (estimate)
        fprintf(out, "\n  ~ an estimate: it assumes a share of the traffic the logs cannot confirm\n");
    if (unknown)
        fprintf(out, "%s  * before a cost the price table does not have (see --output json caveats)\n",
                estimate ? "" : "\n");
    if (adv->declined) {
        char m[48];
        vf_human_usd((unsigned __int128)adv->min_net_micro_usd * 1000000u << 30, m, sizeof m);
        fprintf(out, "\n%zu more change%s left out: a net saving below %s a month, or none (--min-net).\n",
                adv->declined, adv->declined == 1 ? "" : "s", m);
    }
    if (adv->n > adv->nranked) {
        fprintf(out, "\nTo make this advice exact:\n");
        for (size_t i = adv->nranked; i < adv->n; i++) {
            char by[32];
            vf_human_bytes(adv->v[i].bytes, by, sizeof by);
            fprintf(out, "  - %s (%s uncertain)\n", adv->v[i].change, by);
        }
    }
    return ferror(out) ? -1 : 0;
}

static int json(const vpcflow_advice *adv, FILE *out)
{
    const vpcflow_scan_stats *st = &adv->stats;
    fprintf(out,
            "{\"records\": %llu, \"first_start\": %lld, \"last_end\": %lld, \"window_seconds\": %lld,\n"
            "  \"region\": ",
            (unsigned long long)st->records, (long long)st->first_start, (long long)st->last_end,
            (long long)adv->window);
    str(out, adv->region);
    fprintf(out, ", \"egress_gb_month\": %llu, \"min_net_usd_month\": ", (unsigned long long)adv->egress_gb_month);
    usd(out, (unsigned __int128)adv->min_net_micro_usd * 1000000u << 30);
    fputs(", \"prices_source\": ", out);
    str(out, adv->prices.source);
    fputs(",\n  \"actions\": [", out);
    for (size_t i = 0; i < adv->nranked; i++) {
        const vf_action *x = &adv->v[i];
        fprintf(out, "%s\n    {\"rank\": %zu, \"kind\": ", i ? "," : "", i + 1);
        str(out, vf_action_kind_name(x->kind));
        fputs(", \"change\": ", out);
        str(out, x->change);
        fputs(",\n     \"saving_usd\": ", out);
        usd(out, x->saving);
        fputs(", \"saving_usd_month\": ", out);
        usd(out, x->saving_month);
        fputs(", \"cost_usd_month\": ", out);
        if (x->cost_unknown)
            fputs("null", out);
        else
            usd(out, x->cost_month);
        fputs(", \"net_usd_month\": ", out);
        usd(out, x->net_month);
        fprintf(out,
                ", \"cost_known\": %s, \"estimate\": %s,\n     \"evidence\": {\"bytes\": %llu, \"flows\": %llu, "
                "\"owners\": [",
                x->cost_unknown ? "false" : "true", x->estimate ? "true" : "false", (unsigned long long)x->bytes,
                (unsigned long long)x->flows);
        for (size_t o = 0; o < x->nowners; o++) {
            fputs(o ? ", " : "", out);
            str(out, x->owners[o]);
        }
        fputs("]},\n     \"caveats\": [", out);
        const char *p = x->caveats;
        for (int first = 1; *p; first = 0) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            fputs(first ? "" : ", ", out);
            vf_put_json_file(out, p, len);
            p += len + (nl ? 1 : 0);
        }
        fputs("]}", out);
    }
    fprintf(out, "%s],\n  \"declined\": %zu,\n  \"inputs\": [", adv->nranked ? "\n  " : "", adv->declined);
    for (size_t i = adv->nranked; i < adv->n; i++) {
        fputs(i > adv->nranked ? ",\n    {\"advice\": " : "\n    {\"advice\": ", out);
        str(out, adv->v[i].change);
        fprintf(out, ", \"uncertain_bytes\": %llu}", (unsigned long long)adv->v[i].bytes);
    }
    fprintf(out, "%s],\n  \"notes\": [", adv->n > adv->nranked ? "\n  " : "");
    for (const char *p = adv->notes ? adv->notes : "", *sep = ""; *p; sep = ", ") {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fputs(sep, out);
        vf_put_json_file(out, p, len);
        p += len + (nl ? 1 : 0);
    }
    fputs("]", out);
    const char *f = adv->failed.text;
    if (adv->failed.n) /* inputs not read, or not wholly: as summary gives them */
        fputs(",\n  \"failed_inputs\": [", out);
    for (size_t i = 0; i < adv->failed.n; i++) {
        const char *msg = f + strlen(f) + 1;
        fputs(i ? ", {\"input\": " : "{\"input\": ", out);
        str(out, f);
        fputs(", \"error\": ", out);
        str(out, msg);
        fputc('}', out);
        f = msg + strlen(msg) + 1;
    }
    fputs(adv->failed.n ? "]}\n" : "}\n", out);
    return ferror(out) ? -1 : 0;
}

int vpcflow_advice_write(const vpcflow_advice *a, vpcflow_output kind, FILE *out)
{
    return kind == VPCFLOW_OUTPUT_JSON ? json(a, out) : table(a, out);
}
