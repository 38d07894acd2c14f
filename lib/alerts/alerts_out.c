/* alerts_out.c — alerts as JSON lines and tables, and the batch list (order, storage). */
#include "alerts/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <time.h>

/* ---- keys ------------------------------------------------------------------------ */

static void addr_text(vpcflow_addr a, char *buf, size_t cap)
{
    vpcflow_addr_format(a, buf, cap);
}

/* The key as JSON and as text, and the owner label of its address. */
void vf_alert_render_key(const vf_network *n, const vf_rule *r, const unsigned char *key, vf_text *json, vf_text *text,
                         char *owner, size_t ocap)
{
    char a[64], b[64];
    vpcflow_addr src, dst;
    owner[0] = 0;
    if (r->kind != VF_RULE_CUSTOM) {
        memcpy(&src, key, 16);
        addr_text(src, a, sizeof a);
        vf_puts(json, "{\"srcaddr\":");
        vf_put_json_str(json, a, strlen(a));
        vf_puts(text, a);
        if (r->kind == VF_RULE_SENSITIVE_PORT) {
            uint32_t port;
            memcpy(&dst, key + 16, 16);
            memcpy(&port, key + 32, 4);
            addr_text(dst, b, sizeof b);
            vf_puts(json, ",\"dstaddr\":");
            vf_put_json_str(json, b, strlen(b));
            vf_printf(json, ",\"dstport\":%u", port);
            vf_printf(text, " \xe2\x86\x92 %s%s%s:%u", vpcflow_addr_is_v4(dst) ? "" : "[", b,
                      vpcflow_addr_is_v4(dst) ? "" : "]", port);
            src = dst; /* the owner that matters is the one exposed */
        }
        vf_owner_label(n, src, owner, ocap);
        vf_puts(json, ",\"owner\":");
        vf_put_json_str(json, owner, strlen(owner));
        vf_puts(json, "}");
        return;
    }
    const vf_keys *k = &r->keys;
    size_t naddr = 0;
    for (size_t i = 0; i < k->n; i++)
        naddr += (size_t)vf_keys_addr(k, i, key, &src, 0) + (size_t)vf_keys_addr(k, i, key, &src, 1);
    vf_puts(json, "{");
    for (size_t i = 0; i < k->n; i++) {
        char val[256];
        int number;
        vf_keys_text(k, n, i, key, val, sizeof val, &number);
        vf_puts(json, i ? "," : "");
        vf_put_json_str(json, k->part[i].name, strlen(k->part[i].name));
        vf_puts(json, ":");
        if (number)
            vf_puts(json, val);
        else
            vf_put_json_str(json, val, strlen(val));
        vf_puts(text, i ? " " : "");
        vf_puts(text, val);
        for (int second = 0; second < 2; second++) {
            if (!vf_keys_addr(k, i, key, &src, second))
                continue;
            char label[160], name[96];
            vf_owner_label(n, src, label, sizeof label);
            if (naddr == 1)
                snprintf(name, sizeof name, "owner");
            else
                snprintf(name, sizeof name, "%s%s-owner", k->part[i].name,
                         k->part[i].kind == VF_K_PAIR ? (second ? "-dst" : "-src") : "");
            vf_puts(json, ",");
            vf_put_json_str(json, name, strlen(name));
            vf_puts(json, ":");
            vf_put_json_str(json, label, strlen(label));
            if (!owner[0])
                snprintf(owner, ocap, "%s", label);
        }
    }
    vf_puts(json, "}");
}

/* ---- one alert ----------------------------------------------------------------------- */

static int emit(vf_text *s, FILE *out)
{
    if (s->oom) {
        free(s->buf);
        errno = ENOMEM; /* the text could not be built: not a write error */
        return -1;
    }
    int bad = fwrite(s->buf, 1, s->len, out) != s->len;
    free(s->buf);
    return bad || ferror(out) ? -1 : 0;
}

int vpcflow_alert_write_json(const vpcflow_alert *a, FILE *out)
{
    vf_text s = VF_TEXT_GROWING;
    vf_puts(&s, "{\"rule\":");
    vf_put_json_str(&s, a->rule, strlen(a->rule));
    vf_puts(&s, ",\"severity\":");
    vf_put_json_str(&s, a->severity, strlen(a->severity));
    vf_puts(&s, ",\"key\":");
    vf_puts(&s, a->key_json);
    vf_printf(&s, ",\"first_seen\":%lld,\"last_seen\":%lld,\"window_start\":%lld,\"window_end\":%lld",
              (long long)a->first_seen, (long long)a->last_seen, (long long)a->window_start, (long long)a->window_end);
    vf_printf(&s, ",\"records\":%llu,\"bytes\":%llu", (unsigned long long)a->records, (unsigned long long)a->bytes);
    if (a->flags & VPCFLOW_ALERT_HAS_PORTS)
        vf_printf(&s, ",\"ports\":%llu,\"hosts\":%llu", (unsigned long long)a->ports, (unsigned long long)a->hosts);
    if (a->flags & VPCFLOW_ALERT_HAS_BASELINE)
        vf_printf(&s, ",\"baseline_bytes\":%llu", (unsigned long long)a->baseline_bytes);
    vf_puts(&s, ",\"examples\":[");
    for (size_t i = 0; i < a->nexamples; i++) {
        vf_puts(&s, i ? "," : "");
        vf_put_json_str(&s, a->examples[i], strlen(a->examples[i]));
    }
    vf_puts(&s, "]}\n");
    return emit(&s, out);
}

static void utc(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, cap, "%lld", (long long)t);
}

static void duration_text(int64_t s, char *buf, size_t cap)
{
    if (s % 86400 == 0)
        snprintf(buf, cap, "%lldd", (long long)(s / 86400));
    else if (s % 3600 == 0)
        snprintf(buf, cap, "%lldh", (long long)(s / 3600));
    else if (s % 60 == 0)
        snprintf(buf, cap, "%lldm", (long long)(s / 60));
    else
        snprintf(buf, cap, "%llds", (long long)s);
}

/* The cells of one alert: time, rule, severity, key, owner, records, bytes, detail. */
enum { NCELLS = 8 };
typedef struct cells {
    char time[32], records[24], bytes[24], detail[160];
    const char *cell[NCELLS];
} cells;

static void alert_cells(const vpcflow_alert *a, cells *c)
{
    utc(a->first_seen, c->time, sizeof c->time);
    snprintf(c->records, sizeof c->records, "%llu", (unsigned long long)a->records);
    vf_human_bytes(a->bytes, c->bytes, sizeof c->bytes);
    c->detail[0] = 0;
    if (a->flags & VPCFLOW_ALERT_HAS_PORTS)
        snprintf(c->detail, sizeof c->detail, "%llu port%s, %llu host%s", (unsigned long long)a->ports,
                 a->ports == 1 ? "" : "s", (unsigned long long)a->hosts, a->hosts == 1 ? "" : "s");
    if (a->flags & VPCFLOW_ALERT_HAS_BASELINE) {
        char base[24], win[32];
        vf_human_bytes(a->baseline_bytes, base, sizeof base);
        duration_text(a->window_end - a->window_start, win, sizeof win);
        if (a->baseline_bytes)
            snprintf(c->detail, sizeof c->detail, "%.0fx its baseline of %s per %s",
                     (double)a->bytes / (double)a->baseline_bytes, base, win);
        else
            snprintf(c->detail, sizeof c->detail, "no internet traffic before (per %s)", win);
    }
    const char *cell[NCELLS] = {c->time, a->rule, a->severity, a->key_text, a->owner, c->records, c->bytes, c->detail};
    memcpy(c->cell, cell, sizeof cell);
}

static const char *const heads[NCELLS] = {"FIRST SEEN", "RULE",    "SEVERITY", "KEY",
                                          "OWNER",      "RECORDS", "BYTES",    "DETAIL"};
static const int right[NCELLS] = {0, 0, 0, 0, 0, 1, 1, 0};
/* Column widths of a streamed table (a batch table measures its cells instead). */
static const size_t stream_width[NCELLS] = {20, 23, 8, 34, 24, 7, 10, 0};

static void put_row(FILE *out, const char *const *cell, const size_t *width)
{
    int last = NCELLS - 1;
    while (last > 0 && !cell[last][0])
        last--; /* no trailing blanks */
    for (int i = 0; i <= last; i++) {
        size_t w = vf_text_width(cell[i]);
        size_t pad = width[i] > w ? width[i] - w : 0;
        if (right[i])
            fprintf(out, "%*s%s", (int)pad, "", cell[i]);
        else
            fprintf(out, "%s%*s", cell[i], i == last ? 0 : (int)pad, "");
        fputs(i == last ? "\n" : "  ", out);
    }
}

int vpcflow_alert_write_header(FILE *out)
{
    put_row(out, heads, stream_width);
    return ferror(out) ? -1 : 0;
}

int vpcflow_alert_write_row(const vpcflow_alert *a, FILE *out)
{
    cells c;
    alert_cells(a, &c);
    put_row(out, c.cell, stream_width);
    return ferror(out) ? -1 : 0;
}

/* ---- the batch list ------------------------------------------------------------------ */

void vf_alert_item_free(vf_alert_item *it)
{
    free(it->strings);
    free(it->examples);
    it->strings = NULL;
    it->examples = NULL;
}

int vf_alerts_push(vpcflow_alerts *list, vf_alert_item *it)
{
    if (vf_grow(&list->item, &list->cap, list->n + 1, sizeof *list->item) < 0) {
        vf_alert_item_free(it);
        return -1;
    }
    list->item[list->n++] = *it;
    return 0;
}

static int cmp_alert(const void *x, const void *y)
{
    const vpcflow_alert *a = &((const vf_alert_item *)x)->a, *b = &((const vf_alert_item *)y)->a;
    if (a->first_seen != b->first_seen)
        return a->first_seen < b->first_seen ? -1 : 1;
    int c = strcmp(a->rule, b->rule);
    if (c)
        return c;
    if ((c = strcmp(a->key_json, b->key_json)) != 0)
        return c;
    return (a->window_start > b->window_start) - (a->window_start < b->window_start);
}

void vf_alerts_sort(vpcflow_alerts *list)
{
    if (list->n)
        qsort(list->item, list->n, sizeof *list->item, cmp_alert);
    for (size_t i = 0; i < list->n; i++) /* the array moved: point examples at their storage */
        list->item[i].a.examples = list->item[i].examples;
}

void vpcflow_alerts_free(vpcflow_alerts *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++)
        vf_alert_item_free(&list->item[i]);
    free(list->item);
    free(list);
}

size_t vpcflow_alerts_count(const vpcflow_alerts *list)
{
    return list->n;
}

const vpcflow_alert *vpcflow_alerts_get(const vpcflow_alerts *list, size_t i)
{
    return i < list->n ? &list->item[i].a : NULL;
}

const vpcflow_scan_stats *vpcflow_alerts_stats(const vpcflow_alerts *list)
{
    return &list->stats;
}

uint64_t vpcflow_alerts_evicted(const vpcflow_alerts *list)
{
    return list->evicted;
}

static int write_table(const vpcflow_alerts *list, FILE *out)
{
    size_t width[NCELLS];
    for (int i = 0; i < NCELLS; i++)
        width[i] = vf_text_width(heads[i]);
    cells c;
    for (size_t k = 0; k < list->n; k++) {
        alert_cells(&list->item[k].a, &c);
        for (int i = 0; i < NCELLS; i++)
            width[i] = VF_MAX(width[i], vf_text_width(c.cell[i]));
    }
    put_row(out, heads, width);
    for (size_t k = 0; k < list->n; k++) {
        alert_cells(&list->item[k].a, &c);
        put_row(out, c.cell, width);
    }
    if (!list->n)
        fputs("(no alerts)\n", out);
    return ferror(out) ? -1 : 0;
}

int vpcflow_alerts_write(const vpcflow_alerts *list, vpcflow_output kind, FILE *out)
{
    if (kind == VPCFLOW_OUTPUT_TABLE)
        return write_table(list, out);
    for (size_t i = 0; i < list->n; i++)
        if (vpcflow_alert_write_json(&list->item[i].a, out) < 0)
            return -1;
    return 0;
}
