/* html.c — the report as one self-contained HTML page: CSS for light, dark and print, each
 * chart (svg.c) beside its table, tables that sort by a click on a header (the page's one
 * script, allowed by its hash in the Content-Security-Policy, which forbids every request),
 * every string from the inputs escaped, and the numbers as the JSON of summary, top, timeline
 * and alerts in a data block that is never executed. */
#include "report/report.h"
#include "report/advise_html.h"

#include "out/output.h"

#include <stdlib.h>
#include <string.h>

static const char css[] =
    ":root{--bg:#fff;--fg:#1d2430;--muted:#5f6b7a;--line:#d8dde3;--card:#f6f8fa;--bar:#2f6fdf;--heat:#d9480f;"
    "--c0:#4c78a8;--c1:#f58518;--c2:#e45756;--c3:#72b7b2;--c4:#b279a2;--c5:#54a24b;--c6:#9d755d;--c7:#bab0ac}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#14171c;--fg:#e6e9ee;--muted:#9aa5b1;--line:#2c333d;"
    "--card:#1c2129;--bar:#6ea0ff;--heat:#ff8a4c}}\n"
    "*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);"
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}\n"
    "main{max-width:1240px;margin:0 auto;padding:16px}h1{font-size:1.6em;margin:.2em 0}"
    "h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}"
    "h3{font-size:1em;margin:.8em 0 .3em}\n"
    ".muted{color:var(--muted);fill:var(--muted)}.big{font-size:2.2em;font-weight:600}"
    ".driver{background:var(--card);border-left:4px solid var(--heat);padding:.6em .9em;margin:.6em 0}\n"
    ".pair{display:grid;grid-template-columns:minmax(0,1.25fr) minmax(0,1fr);gap:20px;align-items:start}"
    "@media (max-width:820px){.pair{grid-template-columns:1fr}}.pair>div{overflow-x:auto}\n"
    "@media (max-width:600px){svg.hbars,svg.stacked{min-width:540px}}\n"
    "svg.chart{width:100%;height:auto;display:block}svg text{fill:var(--fg);font-size:12px}"
    "svg .muted{fill:var(--muted)}svg .on{fill:#fff}.bar{fill:var(--bar)}.cell{fill:var(--heat)}"
    ".empty{fill:var(--card)}.axis{stroke:var(--line)}\n"
    ".s0{fill:var(--c0);background:var(--c0)}.s1{fill:var(--c1);background:var(--c1)}"
    ".s2{fill:var(--c2);background:var(--c2)}.s3{fill:var(--c3);background:var(--c3)}"
    ".s4{fill:var(--c4);background:var(--c4)}.s5{fill:var(--c5);background:var(--c5)}"
    ".s6{fill:var(--c6);background:var(--c6)}.s7{fill:var(--c7);background:var(--c7)}\n"
    "details{margin:.5em 0}summary{cursor:pointer;color:var(--muted)}@media print{details{display:none}}\n"
    ".legend span{margin-right:1em;white-space:nowrap}.legend i{display:inline-block;width:.8em;height:.8em;"
    "margin-right:.3em;vertical-align:middle}\n"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9em}"
    "th,td{padding:3px 6px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "th{cursor:pointer;user-select:none;background:var(--card)}th:after{content:' \\2195';color:var(--muted)}"
    "td{overflow-wrap:break-word}\n"
    "@media print{body{background:#fff;color:#000}main{max-width:none;padding:0}section{break-inside:avoid}"
    "th:after{content:''}.pair{grid-template-columns:1.2fr 1fr}}\n";

/* The page's only script: tables sort by the clicked column (data-v: the exact number). */
static const char script[] =
    "document.querySelectorAll('table.sort th').forEach(function(th,i){th.addEventListener('click',function(){"
    "var b=th.closest('table').tBodies[0],r=Array.prototype.slice.call(b.rows),d=th.dataset.d==='1'?-1:1;"
    "th.dataset.d=d>0?'1':'0';r.sort(function(x,y){var p=x.cells[i],q=y.cells[i];"
    "if(p.dataset.v!==undefined&&q.dataset.v!==undefined)return d*(Number(q.dataset.v)-Number(p.dataset.v));"
    "return d*p.textContent.localeCompare(q.textContent)});r.forEach(function(e){b.appendChild(e)})})});";

/* ---- cells -------------------------------------------------------------------------------- */

static void td_text(vf_text *t, const char *s)
{
    vf_puts(t, "<td>");
    vf_put_html(t, s ? s : "");
    vf_puts(t, "</td>");
}

static void td_bytes(vf_text *t, uint64_t v)
{
    char human[32], exact[40];
    vf_human_bytes(v, human, sizeof human);
    vf_human_count(v, exact, sizeof exact);
    vf_printf(t, "<td class=\"n\" data-v=\"%llu\" title=\"%s bytes\">%s</td>", (unsigned long long)v, exact, human);
}

static void td_count(vf_text *t, uint64_t v)
{
    char human[40];
    vf_human_count(v, human, sizeof human);
    vf_printf(t, "<td class=\"n\" data-v=\"%llu\">%s</td>", (unsigned long long)v, human);
}

static void td_usd(vf_text *t, unsigned __int128 num)
{
    char human[64], exact[64];
    vf_human_usd(num, human, sizeof human);
    vf_usd_format(num, 6, exact, sizeof exact);
    vf_printf(t, "<td class=\"n\" data-v=\"%s\" title=\"$%s\">", exact, exact);
    vf_put_html(t, human);
    vf_puts(t, "</td>");
}

static void thead(vf_text *t, const char *const *cols, const char *numeric)
{
    vf_puts(t, "<div class=\"scroll\"><table class=\"sort\"><thead><tr>");
    for (size_t i = 0; cols[i]; i++)
        vf_printf(t, "<th%s>%s</th>", numeric[i] == 'n' ? " class=\"n\"" : "", cols[i]);
    vf_puts(t, "</tr></thead><tbody>");
}

static void tend(vf_text *t)
{
    vf_puts(t, "</tbody></table></div>");
}

static void hover_of(char *buf, size_t cap, uint64_t bytes, unsigned __int128 cost)
{
    char exact[40], usd[64];
    vf_human_count(bytes, exact, sizeof exact);
    vf_usd_format(cost, 6, usd, sizeof usd);
    snprintf(buf, cap, "%s bytes, $%s", exact, usd);
}

/* ---- sections ----------------------------------------------------------------------------- */

static void section_headline(vf_text *t, const vf_report *r)
{
    const vpcflow_summary *s = r->summary;
    char usd[64], exact[64];
    vf_human_usd(s->total_cost, usd, sizeof usd);
    vf_usd_format(s->total_cost, 6, exact, sizeof exact);
    vf_puts(t, "<section id=\"headline\"><h2>Headline</h2>");
    vf_printf(t, "<div class=\"big\" data-total-usd=\"%s\" title=\"$%s\">", exact, exact);
    vf_put_html(t, usd);
    vf_puts(t, "</div><p class=\"muted\">data-transfer cost of these logs (NAT processing included)</p>");
    char driver[VF_DRIVER_TEXT];
    vf_driver_text(&s->driver, driver, sizeof driver);
    vf_puts(t, "<p class=\"driver\" id=\"driver\"><b>Biggest cost driver:</b> ");
    vf_put_html(t, driver[0] ? driver : "nothing in these logs costs money");
    vf_puts(t, "</p>");
    if (r->bill.usd > 0 || r->bill.gb > 0) {
        vf_puts(t, "<p id=\"reconcile\"><b>Reconciliation with the bill:</b> ");
        if (r->bill.usd > 0) {
            double ours = (double)s->total_cost / ((double)((unsigned __int128)1 << 30) * 1e12);
            vf_printf(t, "these logs explain $%.2f of the $%.2f billed (%.1f%%). ", ours, r->bill.usd,
                      100.0 * ours / r->bill.usd);
        }
        if (r->bill.gb > 0) {
            double gb = (double)(s->cls[VPCFLOW_CLASS_INTERNET_OUT].bytes + s->cls[VPCFLOW_CLASS_INTER_REGION].bytes +
                                 2 * s->cls[VPCFLOW_CLASS_CROSS_AZ].bytes) /
                        (double)(1u << 30);
            vf_printf(t, "They explain %.3f GB of the %.3f GB billed (%.1f%%).", gb, r->bill.gb,
                      100.0 * gb / r->bill.gb);
        }
        vf_puts(t, "</p>");
    }
    vf_puts(t, "<h3>Bytes by class</h3><div class=\"pair\"><div>");
    vf_bar bars[VPCFLOW_CLASS_COUNT];
    char hover[VPCFLOW_CLASS_COUNT][160];
    size_t n = 0;
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++) {
        if (!s->cls[c].bytes)
            continue;
        hover_of(hover[n], sizeof hover[n], s->cls[c].bytes, s->cls_cost[c]);
        bars[n] = (vf_bar){vpcflow_class_name((vpcflow_class)c), s->cls[c].bytes, hover[n]};
        n++;
    }
    vf_svg_hbars(t, "classes", bars, n);
    vf_puts(t, "</div><div>");
    static const char *cols[] = {"class", "bytes", "packets", "flows", "cost", NULL};
    thead(t, cols, "-nnnn");
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++) {
        if (!s->cls[c].bytes && !s->cls[c].flows)
            continue;
        vf_puts(t, "<tr>");
        td_text(t, vpcflow_class_name((vpcflow_class)c));
        td_bytes(t, s->cls[c].bytes);
        td_count(t, s->cls[c].packets);
        td_count(t, s->cls[c].flows);
        td_usd(t, s->cls_cost[c]);
        vf_puts(t, "</tr>");
    }
    vf_puts(t, "<tr>");
    td_text(t, "NAT processing");
    td_bytes(t, s->nat_bytes);
    vf_puts(t, "<td></td><td></td>");
    td_usd(t, s->nat_cost);
    vf_puts(t, "</tr>");
    tend(t);
    vf_puts(t, "</div></div></section>");
}

static void section_timeline(vf_text *t, const vf_report *r)
{
    const vpcflow_rows *tl = r->timeline;
    vf_printf(t,
              "<section id=\"timeline\"><h2>Bytes by class over time</h2><p class=\"muted\">buckets of %lld s "
              "(UTC); a record spanning buckets is shared by its time in each</p>",
              (long long)tl->every);
    int64_t first = 0, last = 0;
    for (size_t i = 0; i < tl->n; i++) {
        if (!i || tl->rows[i].bucket < first)
            first = tl->rows[i].bucket;
        if (!i || tl->rows[i].bucket > last)
            last = tl->rows[i].bucket;
    }
    size_t ncols = tl->n ? (size_t)((last - first) / tl->every) + 1 : 0;
    if (ncols > 2000)
        ncols = 2000;
    uint64_t *values = vf_calloc(ncols * VPCFLOW_CLASS_COUNT + 1, sizeof *values);
    char(*labels)[24] = vf_calloc(ncols + 1, sizeof *labels);
    const char **lp = vf_calloc(ncols + 1, sizeof *lp);
    if (!values || !labels || !lp) {
        t->oom = 1;
        goto done;
    }
    for (size_t c = 0; c < ncols; c++) {
        vf_rows_time(first + (int64_t)c * tl->every, labels[c], sizeof labels[c]);
        labels[c][16] = 0; /* 2026-11-01T10:00 */
        lp[c] = labels[c];
    }
    for (size_t i = 0; i < tl->n; i++) {
        size_t c = (size_t)((tl->rows[i].bucket - first) / tl->every);
        int cls = vpcflow_class_lookup(tl->rows[i].text[0], strlen(tl->rows[i].text[0]));
        if (c < ncols && cls >= 0)
            values[c * VPCFLOW_CLASS_COUNT + (size_t)cls] += tl->rows[i].bytes;
    }
    const char *series[VPCFLOW_CLASS_COUNT];
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++)
        series[c] = vpcflow_class_name((vpcflow_class)c);
    vf_svg_stacked(t, "timeline", ncols, lp, VPCFLOW_CLASS_COUNT, series, values);
    /* the table: a bucket per row, a class per column (the classes that have bytes) */
    int used[VPCFLOW_CLASS_COUNT] = {0};
    const char *cols[VPCFLOW_CLASS_COUNT + 3];
    char numeric[VPCFLOW_CLASS_COUNT + 3];
    size_t nc = 0;
    cols[nc] = "bucket (UTC)";
    numeric[nc++] = '-';
    for (size_t c = 0; c < ncols; c++)
        for (int k = 0; k < VPCFLOW_CLASS_COUNT; k++)
            used[k] |= values[c * VPCFLOW_CLASS_COUNT + (size_t)k] != 0;
    for (int k = 0; k < VPCFLOW_CLASS_COUNT; k++)
        if (used[k]) {
            cols[nc] = series[k];
            numeric[nc++] = 'n';
        }
    cols[nc] = NULL;
    numeric[nc] = 0;
    vf_puts(t, "<details><summary>the table (bytes per bucket and class)</summary>");
    thead(t, cols, numeric);
    for (size_t c = 0; c < ncols; c++) {
        vf_printf(t, "<tr><td data-v=\"%lld\">%s</td>", (long long)(first + (int64_t)c * tl->every), lp[c]);
        for (int k = 0; k < VPCFLOW_CLASS_COUNT; k++)
            if (used[k])
                td_bytes(t, values[c * VPCFLOW_CLASS_COUNT + (size_t)k]);
        vf_puts(t, "</tr>");
    }
    tend(t);
    vf_puts(t, "</details>");
done:
    free(values);
    free(labels);
    free(lp);
    vf_puts(t, "</section>");
}

static int find_name(const char **names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void section_az(vf_text *t, const vf_report *r)
{
    const vpcflow_rows *az = r->az;
    vf_puts(t, "<section id=\"az\"><h2>Cross-AZ traffic: AZ \xc3\x97 AZ</h2><p class=\"muted\">rows: the sending AZ, "
               "columns: the receiving AZ; each GB is charged on both sides</p>");
    const char **names = vf_calloc(2 * az->n + 1, sizeof *names);
    uint64_t *values = NULL;
    size_t nn = 0;
    if (!names) {
        t->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < az->n; i++)
        for (int k = 0; k < 2; k++)
            if (find_name(names, nn, az->rows[i].text[k]) < 0)
                names[nn++] = az->rows[i].text[k];
    qsort(names, nn, sizeof *names, cmp_str);
    values = vf_calloc(nn * nn + 1, sizeof *values);
    if (!values) {
        t->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < az->n; i++) {
        int a = find_name(names, nn, az->rows[i].text[0]), b = find_name(names, nn, az->rows[i].text[1]);
        values[(size_t)a * nn + (size_t)b] += az->rows[i].bytes;
    }
    vf_puts(t, "<div class=\"pair\"><div>");
    if (nn)
        vf_svg_heatmap(t, "az", nn, names, nn, names, values);
    else
        vf_puts(t, "<p class=\"muted\">no cross-AZ traffic (or no --subnets to tell AZs apart)</p>");
    vf_puts(t, "</div><div>");
    static const char *cols[] = {"from AZ", "to AZ", "bytes", "flows", "cost", NULL};
    thead(t, cols, "--nnn");
    for (size_t i = 0; i < az->n; i++) {
        vf_puts(t, "<tr>");
        td_text(t, az->rows[i].text[0]);
        td_text(t, az->rows[i].text[1]);
        td_bytes(t, az->rows[i].bytes);
        td_count(t, az->rows[i].flows);
        td_usd(t, az->rows[i].cost);
        vf_puts(t, "</tr>");
    }
    tend(t);
    vf_puts(t, "</div></div>");
done:
    free(names);
    free(values);
    vf_puts(t, "</section>");
}

static void talker_block(vf_text *t, const char *title, const char *chart, const vf_talker_list *l)
{
    vf_printf(t, "<h3>%s</h3><div class=\"pair\"><div>", title);
    vf_bar bars[VF_TALKERS];
    char labels[VF_TALKERS][200], hover[VF_TALKERS][160];
    for (size_t i = 0; i < l->n; i++) {
        char addr[48];
        vpcflow_addr_format(l->v[i].addr, addr, sizeof addr);
        snprintf(labels[i], sizeof labels[i], "%s %s", l->v[i].label, addr);
        hover_of(hover[i], sizeof hover[i], l->v[i].bytes, l->v[i].cost);
        bars[i] = (vf_bar){labels[i], l->v[i].bytes, hover[i]};
    }
    vf_svg_hbars(t, chart, bars, l->n);
    vf_puts(t, "</div><div>");
    static const char *cols[] = {"address", "owner", "bytes", "flows", "cost", NULL};
    thead(t, cols, "--nnn");
    for (size_t i = 0; i < l->n; i++) {
        char addr[48];
        vpcflow_addr_format(l->v[i].addr, addr, sizeof addr);
        vf_puts(t, "<tr>");
        td_text(t, addr);
        td_text(t, l->v[i].label);
        td_bytes(t, l->v[i].bytes);
        td_count(t, l->v[i].flows);
        td_usd(t, l->v[i].cost);
        vf_puts(t, "</tr>");
    }
    tend(t);
    vf_puts(t, "</div></div>");
}

/* A top list of one key (port or address, with the address's owner label). */
static void rows_block(vf_text *t, const char *title, const char *chart, const char *key_name, const vpcflow_rows *rows)
{
    vf_printf(t, "<h3>%s</h3><div class=\"pair\"><div>", title);
    vf_bar *bars = vf_calloc(rows->n + 1, sizeof *bars);
    char(*labels)[256] = vf_calloc(rows->n + 1, sizeof *labels);
    char(*hover)[160] = vf_calloc(rows->n + 1, sizeof *hover);
    if (!bars || !labels || !hover) {
        t->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < rows->n; i++) {
        const char *owner = rows->rows[i].owner[0];
        snprintf(labels[i], sizeof labels[i], "%s%s%s", owner ? owner : "", owner ? " " : "", rows->rows[i].text[0]);
        hover_of(hover[i], sizeof hover[i], rows->rows[i].bytes, rows->rows[i].cost);
        bars[i] = (vf_bar){labels[i], rows->rows[i].bytes, hover[i]};
    }
    vf_svg_hbars(t, chart, bars, rows->n);
    vf_puts(t, "</div><div>");
    const char *cols[] = {key_name, "owner", "bytes", "flows", "cost", NULL};
    thead(t, cols, "--nnn");
    for (size_t i = 0; i < rows->n; i++) {
        vf_puts(t, "<tr>");
        td_text(t, rows->rows[i].text[0]);
        td_text(t, rows->rows[i].owner[0] ? rows->rows[i].owner[0] : "");
        td_bytes(t, rows->rows[i].bytes);
        td_count(t, rows->rows[i].flows);
        td_usd(t, rows->rows[i].cost);
        vf_puts(t, "</tr>");
    }
    tend(t);
    vf_puts(t, "</div></div>");
done:
    free(bars);
    free(labels);
    free(hover);
}

static void section_talkers(vf_text *t, const vf_report *r)
{
    const vpcflow_summary *s = r->summary;
    vf_puts(t, "<section id=\"talkers\"><h2>Top talkers</h2>");
    talker_block(t, "Cross-AZ senders", "cross-az-senders", &s->senders[VF_TALK_CROSS_AZ]);
    talker_block(t, "Cross-AZ receivers", "cross-az-receivers", &s->receivers[VF_TALK_CROSS_AZ]);
    talker_block(t, "Internet-out senders", "internet-out-senders", &s->senders[VF_TALK_INTERNET_OUT]);
    talker_block(t, "Internet-out receivers", "internet-out-receivers", &s->receivers[VF_TALK_INTERNET_OUT]);
    rows_block(t, "Top destination ports (all traffic)", "ports", "dstport", r->ports);
    vf_puts(t, "</section>");
}

static int endpoint_peer(const char *label)
{
    return strncmp(label, "aws S3 ", 7) == 0 || strncmp(label, "aws DYNAMODB ", 13) == 0;
}

static void section_nat(vf_text *t, const vf_report *r)
{
    vf_puts(t, "<section id=\"nat\"><h2>NAT gateways</h2><p class=\"muted\">bytes processed (what a NAT gateway "
               "charges for per GB) and who the traffic was with</p><div class=\"pair\"><div>");
    vf_bar bars[VF_REPORT_NATS];
    char labels[VF_REPORT_NATS][200], hover[VF_REPORT_NATS][160];
    for (size_t i = 0; i < r->nnat; i++) {
        char addr[48];
        vpcflow_addr_format(r->nat[i].addr, addr, sizeof addr);
        snprintf(labels[i], sizeof labels[i], "%s %s", r->nat[i].label, addr);
        hover_of(hover[i], sizeof hover[i], r->nat[i].bytes, r->nat[i].cost);
        bars[i] = (vf_bar){labels[i], r->nat[i].bytes, hover[i]};
    }
    vf_svg_hbars(t, "nat", bars, r->nnat);
    vf_puts(t, "</div><div>");
    static const char *cols[] = {"NAT gateway", "processed", "cost", "largest peers", NULL};
    thead(t, cols, "-nn-");
    for (size_t i = 0; i < r->nnat; i++) {
        vf_puts(t, "<tr>");
        td_text(t, labels[i]);
        td_bytes(t, r->nat[i].bytes);
        td_usd(t, r->nat[i].cost);
        vf_puts(t, "<td>");
        for (size_t p = 0; p < r->nat[i].npeers; p++) {
            char human[32];
            vf_human_bytes(r->nat[i].peer[p].bytes, human, sizeof human);
            vf_puts(t, p ? "<br>" : "");
            vf_put_html(t, r->nat[i].peer[p].label);
            vf_printf(t, " <span class=\"muted\" title=\"%llu bytes\">%s</span>",
                      (unsigned long long)r->nat[i].peer[p].bytes, human);
            if (endpoint_peer(r->nat[i].peer[p].label))
                vf_puts(t, " \xe2\x80\x94 a gateway endpoint would carry this free of NAT charges");
        }
        vf_puts(t, "</td></tr>");
    }
    tend(t);
    if (!r->nnat)
        vf_puts(t, "<p class=\"muted\">no NAT gateway processed traffic in these logs (or none is known: give "
                   "--enis)</p>");
    vf_puts(t, "</div></div></section>");
}

static void section_security(vf_text *t, const vf_report *r)
{
    vf_puts(t, "<section id=\"security\"><h2>Security</h2>");
    rows_block(t, "Rejected traffic by destination port", "reject-ports", "dstport", r->reject_ports);
    rows_block(t, "Rejected traffic by source", "reject-sources", "srcaddr", r->reject_srcs);
    size_t n = vpcflow_alerts_count(r->alerts);
    vf_printf(t, "<h3>Alerts (default rules): %zu</h3>", n);
    static const char *cols[] = {"first seen (UTC)", "rule", "severity", "key", "owner", "records", "bytes", NULL};
    thead(t, cols, "-----nn");
    for (size_t i = 0; i < n; i++) {
        const vpcflow_alert *a = vpcflow_alerts_get(r->alerts, i);
        char when[32];
        vf_rows_time(a->first_seen, when, sizeof when);
        vf_printf(t, "<tr data-alert=\"\"><td data-v=\"%lld\">%s</td>", (long long)a->first_seen, when);
        td_text(t, a->rule);
        td_text(t, a->severity);
        td_text(t, a->key_text);
        td_text(t, a->owner);
        td_count(t, a->records);
        td_bytes(t, a->bytes);
        vf_puts(t, "</tr>");
    }
    tend(t);
    vf_puts(t, "</section>");
}

static void section_inputs(vf_text *t, const vf_report *r)
{
    const vpcflow_summary *s = r->summary;
    const vpcflow_scan_stats *st = &s->stats;
    vf_puts(t, "<section id=\"inputs\"><h2>Inputs</h2><table><tbody>");
    vf_puts(t, "<tr><th>paths</th><td>");
    for (size_t i = 0; i < r->npaths; i++) {
        vf_puts(t, i ? "<br>" : "");
        vf_put_html(t, r->paths[i]);
    }
    char a[32], b[32], recs[40], mal[40];
    vf_rows_time(st->first_start, a, sizeof a);
    vf_rows_time(st->last_end, b, sizeof b);
    vf_human_count(st->records, recs, sizeof recs);
    vf_human_count(st->records_malformed, mal, sizeof mal);
    vf_printf(t, "</td></tr><tr><th>inputs read</th><td>%llu (%llu not wholly)</td></tr>",
              (unsigned long long)st->inputs, (unsigned long long)st->inputs_failed);
    vf_printf(t, "<tr><th>time range</th><td>%s \xe2\x80\x94 %s</td></tr>", a, b);
    vf_printf(t, "<tr><th>records</th><td>%s (%s malformed)</td></tr>", recs, mal);
    vf_puts(t, "<tr><th>topology</th><td>");
    vf_put_html(t, s->inputs[0] ? s->inputs : "none: learned from the logs");
    vf_puts(t, "</td></tr><tr><th>prices</th><td>");
    vf_put_html(t, s->prices.source);
    vf_puts(t, " (region ");
    vf_put_html(t, s->prices.region);
    vf_printf(t, ")%s</td></tr>", r->free_tier ? ", free tier subtracted" : "");
    if (s->failed.n) {
        vf_puts(t, "<tr><th>not read wholly</th><td>");
        const char *p = s->failed.text;
        for (size_t i = 0; i < s->failed.n; i++) {
            const char *msg = p + strlen(p) + 1;
            vf_puts(t, i ? "<br>" : "");
            vf_put_html(t, p);
            vf_puts(t, ": ");
            vf_put_html(t, msg);
            p = msg + strlen(msg) + 1;
        }
        vf_puts(t, "</td></tr>");
    }
    if (s->approx)
        vf_printf(t,
                  "<tr><th>approximate</th><td>the group tables reached --memory: figures may exceed the truth "
                  "by at most %llu</td></tr>",
                  (unsigned long long)s->approx_error);
    vf_puts(t, "</tbody></table><h3>What would sharpen the answer</h3><ul id=\"notes\">");
    const char *p = s->notes ? s->notes : "";
    int any = 0;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)VF_MIN(len, sizeof line - 1), p);
        vf_puts(t, "<li>");
        vf_put_html(t, line);
        vf_puts(t, "</li>");
        any = 1;
        p += len + (e ? 1 : 0);
    }
    if (!any)
        vf_puts(t, "<li>nothing: every topology input was given</li>");
    vf_puts(t, "</ul></section>");
}

/* ---- the data block ----------------------------------------------------------------------- */

/* JSON of a writer, made safe inside <script>: '<', '>' and '&' (only ever inside strings)
 * become \u escapes. */
static void put_json_of(vf_text *t, const char *json, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (c == '<')
            vf_puts(t, "\\u003c");
        else if (c == '>')
            vf_puts(t, "\\u003e");
        else if (c == '&')
            vf_puts(t, "\\u0026");
        else
            vf_putc(t, c);
    }
}

static int data_json(const vf_report *r, vf_text *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return -1;
    int rc = 0;
    fputs("{\"summary\": ", m);
    rc |= vpcflow_summary_write(r->summary, &r->bill, VPCFLOW_OUTPUT_JSON, m);
    const struct {
        const char *name;
        const vpcflow_rows *rows;
    } views[] = {{"timeline", r->timeline},
                 {"az", r->az},
                 {"ports", r->ports},
                 {"reject_ports", r->reject_ports},
                 {"reject_sources", r->reject_srcs}};
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        fprintf(m, ", \"%s\": ", views[i].name);
        rc |= vpcflow_rows_write(views[i].rows, VPCFLOW_OUTPUT_JSON, m);
    }
    fputs(", \"nat\": [", m);
    for (size_t i = 0; i < r->nnat; i++) {
        char addr[48], usd[64];
        vpcflow_addr_format(r->nat[i].addr, addr, sizeof addr);
        vf_usd_format(r->nat[i].cost, 6, usd, sizeof usd);
        fprintf(m, "%s{\"addr\": \"%s\", \"label\": ", i ? ", " : "", addr);
        vf_put_json_file(m, r->nat[i].label, strlen(r->nat[i].label));
        fprintf(m, ", \"bytes\": %llu, \"cost_usd\": %s, \"peers\": [", (unsigned long long)r->nat[i].bytes, usd);
        for (size_t p = 0; p < r->nat[i].npeers; p++) {
            fputs(p ? ", {\"label\": " : "{\"label\": ", m);
            vf_put_json_file(m, r->nat[i].peer[p].label, strlen(r->nat[i].peer[p].label));
            fprintf(m, ", \"bytes\": %llu}", (unsigned long long)r->nat[i].peer[p].bytes);
        }
        fputs("]}", m);
    }
    fputs("],\n\"advice\": ", m);
    rc |= vpcflow_advice_write(r->advice, VPCFLOW_OUTPUT_JSON, m);
    fputs(",\n\"alerts\": [", m);
    for (size_t i = 0; i < vpcflow_alerts_count(r->alerts); i++) {
        fputs(i ? "," : "", m);
        rc |= vpcflow_alert_write_json(vpcflow_alerts_get(r->alerts, i), m);
    }
    fputs("]}", m);
    if (fclose(m) != 0)
        rc = -1;
    if (!rc)
        put_json_of(t, buf, len);
    free(buf);
    return rc;
}

/* ---- the page ----------------------------------------------------------------------------- */

static void base64(const unsigned char *in, size_t n, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = a[v >> 18 & 63];
        out[o++] = a[v >> 12 & 63];
        out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? a[v & 63] : '=';
    }
    out[o] = 0;
}

int vf_report_html(const vf_report *r, FILE *out)
{
    vf_text t = VF_TEXT_GROWING;
    unsigned char hash[32];
    char h64[48];
    vf_sha256(script, strlen(script), hash);
    base64(hash, sizeof hash, h64);
    vf_printf(&t,
              "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
              "script-src 'sha256-%s'; base-uri 'none'; form-action 'none'\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"color-scheme\" content=\"light dark\">\n<title>",
              h64);
    vf_put_html(&t, r->title);
    vf_printf(&t, "</title>\n<style>\n%s</style>\n</head>\n<body><main>\n<h1>", css);
    vf_put_html(&t, r->title);
    char a[32], b[32];
    vf_rows_time(r->summary->stats.first_start, a, sizeof a);
    vf_rows_time(r->summary->stats.last_end, b, sizeof b);
    vf_printf(&t, "</h1><p class=\"muted\">VPC Flow Logs from %s to %s, made by vpcflow %s</p>\n", a, b,
              vpcflow_version());
    vf_advice_html(&t, r->advice);
    section_headline(&t, r);
    section_timeline(&t, r);
    section_az(&t, r);
    section_talkers(&t, r);
    section_nat(&t, r);
    section_security(&t, r);
    section_inputs(&t, r);
    vf_puts(&t, "\n<script type=\"application/json\" id=\"data\">");
    int rc = data_json(r, &t);
    vf_printf(&t, "</script>\n<script>%s</script>\n</main></body></html>\n", script);
    if (t.oom || rc < 0) {
        free(t.buf);
        return -1;
    }
    size_t w = fwrite(t.buf, 1, t.len, out);
    free(t.buf);
    return w == t.len && fflush(out) == 0 ? 0 : -1;
}
