/* fuzz.c — libFuzzer target for the alert rules file (lib/alerts_rules.c): durations, sizes,
 * port lists, user rules with their patterns and keys. What loads must print as a rules file
 * that loads back to the same text, and must run over a few records without fault. */
#include "alerts/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char records[] =
    "2 123456789012 eni-01 10.0.1.5 10.0.2.9 40000 22 6 1 60 1793491300 1793491360 REJECT OK\n"
    "2 123456789012 eni-01 198.51.100.7 10.0.2.9 40001 23 6 1 60 1793491310 1793491370 ACCEPT OK\n"
    "2 123456789012 eni-02 10.0.4.4 198.51.100.200 40002 443 6 9 999999999 1793491320 1793491380 ACCEPT OK\n"
    "2 123456789012 eni-01 - - - - - - - 1793491300 1793491360 - NODATA\n";

static char *print(const vpcflow_alert_rules *r, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        abort();
    if (vpcflow_alert_rules_write(r, f) != 0)
        abort();
    fclose(f);
    return buf;
}

static int ignore(void *ctx, const vpcflow_alert *a)
{
    (void)ctx;
    if (!a->rule || !a->key_json || !a->key_text || a->window_end <= a->window_start)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vpcflow_alert_rules *r = NULL;
    vpcflow_error err;
    if (vpcflow_alert_rules_parse((const char *)data, size, "fuzz", &r, &err) != VPCFLOW_OK) {
        if (r || !err.message[0])
            abort();
        return 0;
    }
    size_t n1, n2;
    char *once = print(r, &n1);
    vpcflow_alert_rules *again = NULL;
    if (vpcflow_alert_rules_parse(once, n1, "printed", &again, &err) != VPCFLOW_OK)
        abort();
    char *twice = print(again, &n2);
    if (n1 != n2 || memcmp(once, twice, n1) != 0)
        abort();
    free(once);
    free(twice);
    vpcflow_alert_rules_free(again);
    vpcflow_watch_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.analysis.size = sizeof o.analysis;
    o.analysis.scan.size = sizeof o.analysis.scan;
    o.rules = r;
    o.alert = ignore;
    vpcflow_watch *w = NULL;
    if (vpcflow_watch_new(&o, &w, &err) == VPCFLOW_OK) {
        vpcflow_watch_feed(w, records, sizeof records - 1, &err);
        vpcflow_watch_feed(w, NULL, 0, &err);
        vpcflow_watch_free(w);
    }
    vpcflow_alert_rules_free(r);
    return 0;
}
