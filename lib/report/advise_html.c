/* advise_html.c — the actions of `vpcflow advise` as a section of the HTML report, for the top
 * of the page: what to change, ranked by net saving a month, with the evidence and caveats. */
#include "report/advise_html.h"

#include "out/output.h"
#include "report/report.h"

#include <stdio.h>
#include <string.h>

static void td_usd(vf_text *t, unsigned __int128 num, const char *prefix, const char *suffix)
{
    char human[64], exact[64];
    vf_human_usd(num, human, sizeof human);
    vf_usd_format(num, 6, exact, sizeof exact);
    vf_printf(t, "<td class=\"n\" data-v=\"%s\" title=\"$%s\">%s", exact, exact, prefix);
    vf_put_html(t, human);
    vf_printf(t, "%s</td>", suffix);
}

static void action_row(vf_text *t, size_t rank, const vf_action *a)
{
    char bytes[32], flows[32];
    vf_human_bytes(a->bytes, bytes, sizeof bytes);
    vf_human_count(a->flows, flows, sizeof flows);
    vf_printf(t, "<tr data-kind=\"%s\"><td class=\"n\" data-v=\"%zu\">%zu</td>", vf_action_kind_name(a->kind), rank,
              rank);
    td_usd(t, a->saving_month, a->estimate ? "~" : "", "");
    if (a->cost_unknown)
        vf_puts(t, "<td class=\"n\" data-v=\"\">unknown</td>");
    else
        td_usd(t, a->cost_month, "", "");
    td_usd(t, a->net_month, a->estimate ? "~" : "", a->cost_unknown ? "*" : "");
    vf_puts(t, "<td>");
    vf_put_html(t, a->change);
    if (a->caveats[0]) {
        vf_puts(t, "<ul class=\"muted\">");
        for (const char *p = a->caveats; *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            char line[sizeof a->caveats];
            memcpy(line, p, len);
            line[len] = 0;
            vf_puts(t, "<li>");
            vf_put_html(t, line);
            vf_puts(t, "</li>");
            p += len + (nl ? 1 : 0);
        }
        vf_puts(t, "</ul>");
    }
    vf_printf(t, "</td><td data-v=\"%llu\">%s in %s flow%s", (unsigned long long)a->bytes, bytes, flows,
              a->flows == 1 ? "" : "s");
    for (size_t i = 0; i < a->nowners; i++) {
        vf_puts(t, i ? ", " : ": ");
        vf_put_html(t, a->owners[i]);
    }
    vf_puts(t, "</td></tr>");
}

void vf_advice_html(vf_text *t, const vpcflow_advice *a)
{
    vf_puts(t, "<section id=\"advice\"><h2>What to change</h2>");
    if (!a->nranked)
        vf_puts(t, "<p>No change to propose: nothing in these logs would save more than it costs.</p>");
    else {
        vf_puts(t, "<p class=\"muted\">Ranked by net saving per 30-day month at the price table's rates; ~ an "
                   "estimate, * before a cost the price table does not have.</p>");
        vf_puts(t,
                "<div class=\"scroll\"><table class=\"sort\"><thead><tr><th class=\"n\">#</th>"
                "<th class=\"n\">saving / month</th><th class=\"n\">cost / month</th><th class=\"n\">net / month</th>"
                "<th>change</th><th>evidence</th></tr></thead><tbody>");
        for (size_t i = 0; i < a->nranked; i++)
            action_row(t, i + 1, &a->v[i]);
        vf_puts(t, "</tbody></table></div>");
    }
    if (a->declined)
        vf_printf(t, "<p class=\"muted\">%zu more change%s left out: a net saving below the threshold, or none.</p>",
                  a->declined, a->declined == 1 ? "" : "s");
    if (a->n > a->nranked) {
        vf_puts(t, "<p>To make this advice exact:</p><ul>");
        for (size_t i = a->nranked; i < a->n; i++) {
            char bytes[32];
            vf_human_bytes(a->v[i].bytes, bytes, sizeof bytes);
            vf_puts(t, "<li>");
            vf_put_html(t, a->v[i].change);
            vf_printf(t, " (%s uncertain)</li>", bytes);
        }
        vf_puts(t, "</ul>");
    }
    vf_puts(t, "</section>");
}
