/* test_alerts.c — the alert rules on crafted records: exactly which alerts fire and which do
 * not, in batch (vpcflow_alerts_run) and in a stream (vpcflow_watch_feed); windows, examples,
 * thread-count independence, bounded streaming state, payloads, and the rules file. */
#include "t.h"

#include "alerts/alerts.h"

#include <libdeflate.h>
#include <stdlib.h>

#define T0 1793491200LL /* 2026-11-01T00:00:00Z, a multiple of every window */
#define MIB (1ull << 20)

/* ---- crafted logs ---------------------------------------------------------------------- */

typedef struct logtext {
    char *p;
    size_t n, cap;
} logtext;

static void put(logtext *l, const char *s)
{
    size_t k = strlen(s);
    if (l->n + k + 1 > l->cap) {
        l->cap = (l->n + k + 1) * 2;
        l->p = realloc(l->p, l->cap);
    }
    memcpy(l->p + l->n, s, k + 1);
    l->n += k;
}

/* One default-format record: src → dst:dport, bytes, start, action, logged by the ENI of
 * the inside end (as AWS does: the sender's ENI, or the receiver's for traffic from outside). */
static void rec(logtext *l, const char *src, const char *dst, int dport, unsigned long long bytes, long long start,
                const char *action)
{
    const char *own = strncmp(src, "10.", 3) == 0 || strncmp(src, "192.168.", 8) == 0 ? src : dst;
    unsigned long long h = 1469598103934665603ull;
    for (const char *p = own; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    char line[256];
    snprintf(line, sizeof line, "2 123456789012 eni-%017llx %s %s 40000 %d 6 1 %llu %lld %lld %s OK\n",
             h & 0xfffffffffffffffull, src, dst, dport, bytes, start, start + 60, action);
    put(l, line);
}

/* A steady sender: `bytes` to the internet in every 10 minutes for `hours`. */
static void steady(logtext *l, const char *src, unsigned long long bytes, int hours)
{
    for (int w = 0; w < hours * 6; w++)
        rec(l, src, "198.51.100.200", 443, bytes, T0 + 600 * w + 30, "ACCEPT");
}

/* ---- running the rules ---------------------------------------------------------------- */

static const char *ENIS = "{\"NetworkInterfaces\": ["
                          "{\"NetworkInterfaceId\": \"eni-0000000000000000a\", \"InterfaceType\": \"nat_gateway\", "
                          "\"Description\": \"Interface for NAT Gateway nat-1\", \"RequesterId\": \"amazon-ec2\", "
                          "\"SubnetId\": \"subnet-a\", \"VpcId\": \"vpc-1\", \"AvailabilityZone\": \"us-east-1a\", "
                          "\"PrivateIpAddress\": \"10.0.0.5\", \"PrivateIpAddresses\": [{\"Primary\": true, "
                          "\"PrivateIpAddress\": \"10.0.0.5\", \"Association\": {\"PublicIp\": \"3.3.3.3\"}}]},"
                          "{\"NetworkInterfaceId\": \"eni-0000000000000000b\", \"InterfaceType\": \"interface\", "
                          "\"Description\": \"Primary network interface\", \"Attachment\": {\"InstanceId\": \"i-0b\"}, "
                          "\"SubnetId\": \"subnet-a\", \"VpcId\": \"vpc-1\", \"AvailabilityZone\": \"us-east-1a\", "
                          "\"PrivateIpAddress\": \"10.0.4.4\", \"PrivateIpAddresses\": [{\"Primary\": true, "
                          "\"PrivateIpAddress\": \"10.0.4.4\"}]}]}";

typedef struct run_opts {
    const char *rules; /* rules file text, NULL: defaults */
    int enis;          /* give ENIS as --enis */
    unsigned threads;
    size_t chunk;
    int action;
    int64_t since, until;
} run_opts;

static vpcflow_alert_rules *rules_of(const char *text)
{
    vpcflow_alert_rules *r = NULL;
    vpcflow_error err;
    if (vpcflow_alert_rules_parse(text, text ? strlen(text) : 0, "rules.json", &r, &err) != VPCFLOW_OK)
        t_fail(__FILE__, __LINE__, "rules: %s", err.message);
    return r;
}

/* One line per alert: "rule key records bytes [ports hosts] [baseline]". */
static void describe(const vpcflow_alert *a, char *out, size_t cap)
{
    size_t n = strlen(out);
    n += (size_t)snprintf(out + n, cap - n, "%s %s %llu %llu", a->rule, a->key_text, (unsigned long long)a->records,
                          (unsigned long long)a->bytes);
    if (a->flags & VPCFLOW_ALERT_HAS_PORTS)
        n += (size_t)snprintf(out + n, cap - n, " %llu/%llu", (unsigned long long)a->ports,
                              (unsigned long long)a->hosts);
    if (a->flags & VPCFLOW_ALERT_HAS_BASELINE)
        n += (size_t)snprintf(out + n, cap - n, " base=%llu", (unsigned long long)a->baseline_bytes);
    snprintf(out + n, cap - n, "\n");
}

static char got[65536];

static const char *batch(const logtext *l, run_opts o)
{
    got[0] = 0;
    const char *path = t_file(0, "alerts.log", l->p, l->n);
    const char *enis = t_file(1, "enis.json", ENIS, strlen(ENIS));
    vpcflow_analysis_options ao;
    memset(&ao, 0, sizeof ao);
    ao.size = sizeof ao;
    ao.scan.size = sizeof ao.scan;
    ao.scan.threads = o.threads ? o.threads : 1;
    ao.scan.chunk_bytes = o.chunk;
    ao.enis = &enis;
    ao.nenis = o.enis ? 1 : 0;
    ao.action = o.action;
    ao.since = o.since;
    ao.until = o.until;
    vpcflow_alert_rules *r = rules_of(o.rules);
    vpcflow_alerts *list = NULL;
    vpcflow_error err;
    if (!r || vpcflow_alerts_run(&path, 1, &ao, r, &list, &err) != VPCFLOW_OK) {
        t_fail(__FILE__, __LINE__, "alerts: %s", r ? err.message : "no rules");
        vpcflow_alert_rules_free(r);
        return got;
    }
    for (size_t i = 0; i < vpcflow_alerts_count(list); i++)
        describe(vpcflow_alerts_get(list, i), got, sizeof got);
    vpcflow_alerts_free(list);
    vpcflow_alert_rules_free(r);
    return got;
}

static int on_alert(void *ctx, const vpcflow_alert *a)
{
    describe(a, ctx, sizeof got);
    return 0;
}

/* Feeds the text in pieces of `piece` bytes (0: all at once) to a stream. */
static const char *stream_with(const char *text, size_t len, run_opts o, size_t piece, size_t max_keys,
                               vpcflow_watch_summary *stats)
{
    got[0] = 0;
    const char *enis = t_file(1, "enis.json", ENIS, strlen(ENIS));
    vpcflow_watch_options wo;
    memset(&wo, 0, sizeof wo);
    wo.size = sizeof wo;
    wo.analysis.size = sizeof wo.analysis;
    wo.analysis.scan.size = sizeof wo.analysis.scan;
    wo.analysis.enis = &enis;
    wo.analysis.nenis = o.enis ? 1 : 0;
    wo.max_keys = max_keys;
    vpcflow_alert_rules *r = rules_of(o.rules);
    wo.rules = r;
    wo.alert = on_alert;
    wo.ctx = got;
    vpcflow_watch *w = NULL;
    vpcflow_error err;
    if (!r || vpcflow_watch_new(&wo, &w, &err) != VPCFLOW_OK) {
        t_fail(__FILE__, __LINE__, "watch: %s", r ? err.message : "no rules");
        vpcflow_alert_rules_free(r);
        return got;
    }
    size_t step = piece ? piece : len;
    for (size_t off = 0; off < len; off += step)
        if (vpcflow_watch_feed(w, text + off, VF_MIN(step, len - off), &err) != VPCFLOW_OK)
            t_fail(__FILE__, __LINE__, "feed: %s", err.message);
    if (vpcflow_watch_feed(w, NULL, 0, &err) != VPCFLOW_OK)
        t_fail(__FILE__, __LINE__, "feed end: %s", err.message);
    if (stats)
        *stats = *vpcflow_watch_stats(w);
    vpcflow_watch_free(w);
    vpcflow_alert_rules_free(r);
    return got;
}

static const char *stream(const logtext *l, run_opts o)
{
    return stream_with(l->p, l->n, o, 0, 0, NULL);
}

/* ---- internal-reject --------------------------------------------------------------------- */

TEST(internal_reject_fires_for_inside_sources_only)
{
    logtext l = {0};
    rec(&l, "10.0.1.5", "10.0.2.9", 22, 60, T0 + 100, "REJECT");
    rec(&l, "10.0.1.5", "10.0.2.10", 3389, 60, T0 + 130, "REJECT");
    rec(&l, "198.51.100.7", "10.0.2.9", 22, 40, T0 + 110, "REJECT"); /* internet: noise */
    rec(&l, "10.0.1.6", "10.0.2.9", 22, 60, T0 + 140, "ACCEPT");     /* accepted */
    rec(&l, "192.168.7.7", "10.0.2.9", 445, 60, T0 + 150, "REJECT"); /* private too */
    run_opts o = {0};
    CHECK_STR(batch(&l, o), "internal-reject 10.0.1.5 2 120 2/2\n"
                            "internal-reject 192.168.7.7 1 60 1/1\n");
    /* a stream fires at the first record, with what it has seen */
    CHECK_STR(stream(&l, o), "internal-reject 10.0.1.5 1 60 1/1\n"
                             "internal-reject 192.168.7.7 1 60 1/1\n");
    free(l.p);
}

TEST(internal_reject_once_per_window_then_again)
{
    logtext l = {0};
    /* one probe every 10 minutes for 3 hours: windows of 1 h, a new one every 30 min */
    for (int i = 0; i < 18; i++)
        rec(&l, "10.0.1.5", "10.0.2.9", 22, 60, T0 + 600 * i, "REJECT");
    run_opts o = {0};
    /* non-overlapping windows [0,1h) [1h,2h) [2h,3h): three alerts of 6 records, in both modes */
    CHECK_STR(batch(&l, o), "internal-reject 10.0.1.5 6 360 1/1\n"
                            "internal-reject 10.0.1.5 6 360 1/1\n"
                            "internal-reject 10.0.1.5 6 360 1/1\n");
    CHECK_STR(stream(&l, o), "internal-reject 10.0.1.5 1 60 1/1\n"
                             "internal-reject 10.0.1.5 1 60 1/1\n"
                             "internal-reject 10.0.1.5 1 60 1/1\n");
    free(l.p);
}

/* ---- port-scan ----------------------------------------------------------------------------- */

static void sweep(logtext *l, const char *src, int ports, int hosts, long long start, int spacing)
{
    char dst[32];
    for (int i = 0; i < ports * hosts; i++) {
        snprintf(dst, sizeof dst, "10.0.3.%d", 1 + i % hosts);
        rec(l, src, dst, 1000 + i / hosts, 44, start + (long long)spacing * i, "REJECT");
    }
}

TEST(port_scan_threshold_and_just_below)
{
    logtext l = {0};
    sweep(&l, "203.0.113.50", 20, 1, T0 + 1000, 10); /* 20 ports: fires */
    sweep(&l, "203.0.113.51", 19, 1, T0 + 1000, 10); /* 19 ports: does not */
    sweep(&l, "203.0.113.52", 1, 20, T0 + 1000, 5);  /* 20 hosts: fires */
    sweep(&l, "203.0.113.53", 1, 19, T0 + 1000, 5);  /* 19 hosts: does not */
    run_opts o = {.rules = "{\"internal-reject\": {\"enabled\": false}}"};
    CHECK_STR(batch(&l, o), "port-scan 203.0.113.50 20 880 20/1\n"
                            "port-scan 203.0.113.52 20 880 1/20\n");
    CHECK_STR(stream(&l, o), "port-scan 203.0.113.50 20 880 20/1\n"
                             "port-scan 203.0.113.52 20 880 1/20\n");
    free(l.p);
}

TEST(port_scan_across_a_window_edge_is_seen_whole)
{
    /* 20 ports in 190 s straddling 00:10: a tumbling 10-minute grid would see 10 + 10 */
    logtext l = {0};
    sweep(&l, "203.0.113.50", 20, 1, T0 + 600 - 95, 10);
    run_opts o = {.rules = "{\"internal-reject\": {\"enabled\": false}}"};
    CHECK_STR(batch(&l, o), "port-scan 203.0.113.50 20 880 20/1\n");
    CHECK_STR(stream(&l, o), "port-scan 203.0.113.50 20 880 20/1\n");
    free(l.p);
}

TEST(port_scan_slower_than_the_window_does_not_fire)
{
    /* 20 ports, one a minute: never 20 in any 10 minutes */
    logtext l = {0};
    sweep(&l, "203.0.113.50", 20, 1, T0, 60);
    run_opts o = {0};
    CHECK_STR(batch(&l, o), "");
    CHECK_STR(stream(&l, o), "");
    free(l.p);
}

TEST(port_scan_tunable_and_records_out_of_order)
{
    logtext l = {0};
    /* 8 ports, written in reverse time order (batch files are not sorted) */
    for (int i = 7; i >= 0; i--)
        rec(&l, "203.0.113.60", "10.0.3.1", 2000 + i, 44, T0 + 10 * i, "REJECT");
    run_opts o = {.rules = "{\"port-scan\": {\"min_ports\": 8, \"min_hosts\": 0, \"window\": \"2m\"}}"};
    CHECK_STR(batch(&l, o), "port-scan 203.0.113.60 8 352 8/1\n");
    o.rules = "{\"port-scan\": {\"min_ports\": 9, \"window\": \"2m\"}}";
    CHECK_STR(batch(&l, o), "");
    free(l.p);
}

/* ---- sensitive-port-accepted --------------------------------------------------------------- */

TEST(sensitive_port_accepted_from_the_internet_only)
{
    logtext l = {0};
    rec(&l, "192.0.2.44", "10.0.2.9", 22, 5200, T0 + 2000, "ACCEPT");    /* fires */
    rec(&l, "192.0.2.44", "10.0.2.9", 22, 3100, T0 + 2060, "ACCEPT");    /* same alert */
    rec(&l, "192.0.2.45", "10.0.2.9", 443, 9000, T0 + 2010, "ACCEPT");   /* web: no */
    rec(&l, "10.0.1.7", "10.0.2.9", 3306, 9000, T0 + 2020, "ACCEPT");    /* from inside: no */
    rec(&l, "192.0.2.46", "10.0.2.9", 3389, 40, T0 + 2030, "REJECT");    /* rejected: no */
    rec(&l, "10.0.2.9", "192.0.2.44", 22, 40, T0 + 2040, "ACCEPT");      /* outbound: no */
    rec(&l, "192.0.2.47", "10.0.2.11", 27017, 700, T0 + 2050, "ACCEPT"); /* fires */
    run_opts o = {0};
    CHECK_STR(batch(&l, o), "sensitive-port-accepted 192.0.2.44 \xe2\x86\x92 10.0.2.9:22 2 8300\n"
                            "sensitive-port-accepted 192.0.2.47 \xe2\x86\x92 10.0.2.11:27017 1 700\n");
    CHECK_STR(stream(&l, o), "sensitive-port-accepted 192.0.2.44 \xe2\x86\x92 10.0.2.9:22 1 5200\n"
                             "sensitive-port-accepted 192.0.2.47 \xe2\x86\x92 10.0.2.11:27017 1 700\n");
    o.rules = "{\"sensitive-port-accepted\": {\"ports\": [443, 8080]}}";
    CHECK_STR(batch(&l, o), "sensitive-port-accepted 192.0.2.45 \xe2\x86\x92 10.0.2.9:443 1 9000\n");
    free(l.p);
}

TEST(sensitive_port_replies_to_ephemeral_ports_do_not_count)
{
    /* a web server answering a NAT gateway whose ephemeral port happens to be 5432, and the
     * same told by TCP flags (SYN-ACK); a SYN from a low source port still counts */
    const char *text =
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
        "log-status tcp-flags\n"
        "2 1 eni-1 198.51.100.9 10.0.0.10 443 5432 6 9 900 1793491300 1793491360 ACCEPT OK 0\n"
        "2 1 eni-1 198.51.100.9 10.0.0.10 8443 45000 6 9 900 1793491300 1793491360 ACCEPT OK 0\n"
        "2 1 eni-1 198.51.100.10 10.0.0.10 33000 22 6 9 900 1793491300 1793491360 ACCEPT OK 18\n"
        "2 1 eni-1 198.51.100.11 10.0.0.10 53 3306 6 9 900 1793491300 1793491360 ACCEPT OK 2\n"
        "2 1 eni-1 198.51.100.12 10.0.0.10 1000 3389 6 9 900 1793491300 1793491360 ACCEPT OK 0\n"
        "2 1 eni-1 198.51.100.13 10.0.0.10 50000 6379 6 9 900 1793491300 1793491360 ACCEPT OK 0\n";
    run_opts o = {0};
    CHECK_STR(stream_with(text, strlen(text), o, 0, 0, NULL),
              "sensitive-port-accepted 198.51.100.11 \xe2\x86\x92 10.0.0.10:3306 1 900\n"
              "sensitive-port-accepted 198.51.100.13 \xe2\x86\x92 10.0.0.10:6379 1 900\n");
}

/* ---- egress-spike -------------------------------------------------------------------------- */

TEST(egress_spike_over_its_own_baseline)
{
    logtext l = {0};
    steady(&l, "10.0.4.4", MIB, 6);
    steady(&l, "10.0.4.5", 60 * MIB, 6); /* always busy: 150 MiB is not 10x its baseline */
    steady(&l, "10.0.4.6", MIB, 6);
    for (int k = 0; k < 3; k++) { /* the spike: 150 MiB in [3h, 3h10m) */
        rec(&l, "10.0.4.4", "198.51.100.200", 443, 50 * MIB, T0 + 3 * 3600 + 60 + 120 * k, "ACCEPT");
        rec(&l, "10.0.4.5", "198.51.100.200", 443, 50 * MIB, T0 + 3 * 3600 + 60 + 120 * k, "ACCEPT");
    }
    rec(&l, "10.0.4.6", "198.51.100.200", 443, 90 * MIB, T0 + 3 * 3600 + 60, "ACCEPT"); /* below the floor */
    rec(&l, "10.0.4.7", "10.0.9.9", 443, 900 * MIB, T0 + 3 * 3600 + 60, "ACCEPT");      /* internal: no */
    run_opts o = {0};
    /* window [3h, 3h10m): 151 MiB; baseline: the other 35 MiB per 10m over the rest of the data
     * (starts from 00:00:30 to 05:50:30) */
    unsigned long long win = 151 * MIB, base = 35 * MIB * 600 / (6 * 3600 - 600 - 600);
    char want[256];
    snprintf(want, sizeof want, "egress-spike 10.0.4.4 4 %llu base=%llu\n", win, base);
    CHECK_STR(batch(&l, o), want);
    free(l.p);
}

TEST(egress_spike_needs_history_and_skips_nat_gateways)
{
    logtext l = {0};
    rec(&l, "10.0.4.4", "198.51.100.200", 443, 200 * MIB, T0 + 60, "ACCEPT");
    run_opts o = {0};
    CHECK_STR(batch(&l, o), ""); /* 2 minutes of data: no baseline yet */
    steady(&l, "10.0.4.5", MIB, 2);
    CHECK_STR(batch(&l, o), "egress-spike 10.0.4.4 1 209715200 base=0\n"); /* never sent before */
    /* the same from the NAT gateway's address: its clients' bytes, not its own */
    logtext n = {0};
    rec(&n, "10.0.0.5", "198.51.100.200", 443, 200 * MIB, T0 + 60, "ACCEPT");
    steady(&n, "10.0.4.5", MIB, 2);
    o.enis = 1;
    CHECK_STR(batch(&n, o), "");
    o.enis = 0;
    CHECK_STR(batch(&n, o), "egress-spike 10.0.0.5 1 209715200 base=0\n");
    free(l.p);
    free(n.p);
}

TEST(egress_spike_streaming_fires_at_the_crossing)
{
    logtext l = {0};
    steady(&l, "10.0.4.4", MIB, 3);
    for (int k = 0; k < 5; k++)
        rec(&l, "10.0.4.4", "198.51.100.200", 443, 40 * MIB, T0 + 3 * 3600 + 60 + 60 * k, "ACCEPT");
    run_opts o = {0};
    /* the third 40 MiB record crosses 100 MiB; baseline: 18 MiB before, over 3h of data */
    unsigned long long base = 18 * MIB * 600 / (3 * 3600 + 180 - 30 - 600);
    char want[256];
    snprintf(want, sizeof want, "egress-spike 10.0.4.4 3 %llu base=%llu\n", 120 * MIB, base);
    CHECK_STR(stream(&l, o), want);
    free(l.p);
}

/* ---- user rules ---------------------------------------------------------------------------- */

TEST(user_rule_pattern_key_and_threshold)
{
    logtext l = {0};
    for (int i = 0; i < 3; i++)
        rec(&l, "10.0.1.5", "10.0.2.30", 5432, 100, T0 + 10 * i, "ACCEPT");
    for (int i = 0; i < 2; i++)
        rec(&l, "10.0.1.6", "10.0.2.31", 5432, 100, T0 + 10 * i, "ACCEPT");
    rec(&l, "10.0.1.6", "10.0.2.31", 22, 100, T0 + 30, "ACCEPT");
    run_opts o = {.rules = "{\"internal-reject\": {\"enabled\": false}, \"rules\": [{\"name\": \"db\", "
                           "\"pattern\": \"dstport=5432\", \"group_by\": \"dstaddr,dstport\", "
                           "\"min_records\": 3, \"severity\": \"low\", \"window\": \"5m\"}]}"};
    CHECK_STR(batch(&l, o), "db 10.0.2.30 5432 3 300\n");
    CHECK_STR(stream(&l, o), "db 10.0.2.30 5432 3 300\n");
    o.rules = "{\"rules\": [{\"name\": \"big\", \"pattern\": \"action=ACCEPT\", \"min_bytes\": 300}]}";
    CHECK_STR(batch(&l, o), "big 10.0.1.5 3 300\nbig 10.0.1.6 3 300\n");
    free(l.p);
}

TEST(user_rule_sees_skipdata)
{
    /* capacity trouble: an ENI that skipped records three times in ten minutes */
    const char *text = "2 1 eni-0aaa - - - - - - - 1793491200 1793491260 - SKIPDATA\n"
                       "2 1 eni-0aaa - - - - - - - 1793491300 1793491360 - SKIPDATA\n"
                       "2 1 eni-0bbb - - - - - - - 1793491300 1793491360 - SKIPDATA\n"
                       "2 1 eni-0aaa - - - - - - - 1793491400 1793491460 - SKIPDATA\n"
                       "2 1 eni-0aaa - - - - - - - 1793491400 1793491460 - NODATA\n";
    run_opts o = {.rules = "{\"rules\": [{\"name\": \"skipping\", \"pattern\": \"log-status=SKIPDATA\", "
                           "\"group_by\": \"interface\", \"min_records\": 3}]}"};
    CHECK_STR(stream_with(text, strlen(text), o, 0, 0, NULL), "skipping eni-0aaa 3 0\n");
    logtext l = {0};
    put(&l, text);
    CHECK_STR(batch(&l, o), "skipping eni-0aaa 3 0\n");
    free(l.p);
}

TEST(user_rule_key_json)
{
    logtext l = {0};
    rec(&l, "10.0.1.5", "10.0.2.30", 5432, 100, T0, "ACCEPT");
    const char *path = t_file(0, "k.log", l.p, l.n);
    vpcflow_alert_rules *r = rules_of("{\"internal-reject\": {\"enabled\": false}, \"rules\": [{\"name\": \"db\", "
                                      "\"pattern\": \"dstport=5432\", \"group_by\": \"srcaddr,dstport\", "
                                      "\"min_records\": 1}]}");
    vpcflow_analysis_options ao;
    memset(&ao, 0, sizeof ao);
    ao.size = sizeof ao;
    ao.scan.size = sizeof ao.scan;
    ao.no_dedup = 1;
    vpcflow_alerts *list = NULL;
    vpcflow_error err;
    CHECK(vpcflow_alerts_run(&path, 1, &ao, r, &list, &err) == VPCFLOW_OK);
    CHECK_EQ_U64(vpcflow_alerts_count(list), 1);
    const vpcflow_alert *a = vpcflow_alerts_get(list, 0);
    CHECK_STR(a->key_json, "{\"srcaddr\":\"10.0.1.5\",\"owner\":\"private\",\"dstport\":5432}");
    CHECK_STR(a->severity, "medium");
    CHECK_EQ_I64(a->window_start, T0);
    CHECK_EQ_I64(a->window_end, T0 + 600);
    vpcflow_alerts_free(list);
    vpcflow_alert_rules_free(r);
    free(l.p);
}

/* ---- batch: filters, order, threads, examples --------------------------------------------- */

TEST(filters_since_until_action)
{
    logtext l = {0};
    rec(&l, "10.0.1.5", "10.0.2.9", 22, 60, T0 + 100, "REJECT");
    rec(&l, "10.0.1.6", "10.0.2.9", 22, 60, T0 + 7200, "REJECT");
    run_opts o = {.since = T0 + 3600};
    CHECK_STR(batch(&l, o), "internal-reject 10.0.1.6 1 60 1/1\n");
    o = (run_opts){.until = T0 + 3600};
    CHECK_STR(batch(&l, o), "internal-reject 10.0.1.5 1 60 1/1\n");
    o = (run_opts){.action = VPCFLOW_ACTION_ACCEPT};
    CHECK_STR(batch(&l, o), "");
    free(l.p);
}

TEST(batch_is_the_same_whatever_the_threads)
{
    logtext l = {0};
    for (int s = 0; s < 40; s++) { /* 40 scanners, interleaved, in many small chunks */
        char src[32];
        snprintf(src, sizeof src, "203.0.113.%d", s + 1);
        sweep(&l, src, 20 + s % 3, 1, T0 + 37 * s, 3);
        snprintf(src, sizeof src, "10.0.7.%d", s + 1);
        rec(&l, src, "10.0.2.9", 22, 60, T0 + 11 * s, "REJECT");
    }
    char one[sizeof got];
    run_opts o = {.threads = 1};
    snprintf(one, sizeof one, "%s", batch(&l, o));
    CHECK(strlen(one) > 1000);
    o = (run_opts){.threads = 4, .chunk = 4096};
    CHECK_STR(batch(&l, o), one);
    o = (run_opts){.threads = 3, .chunk = 1000};
    CHECK_STR(batch(&l, o), one);
    free(l.p);
}

TEST(examples_first_in_input_order_or_largest)
{
    logtext l = {0};
    for (int i = 0; i < 6; i++)
        rec(&l, "10.0.1.5", "10.0.2.9", 100 + i, 60 + i, T0 + 100 - i, "REJECT");
    steady(&l, "10.0.4.4", MIB, 2);
    for (int k = 0; k < 4; k++)
        rec(&l, "10.0.4.4", "198.51.100.200", 443, (40 + (unsigned long long)k) * MIB, T0 + 3600 + 60 * k, "ACCEPT");
    const char *path = t_file(0, "ex.log", l.p, l.n);
    vpcflow_alert_rules *r = rules_of("{\"examples\": 2}");
    vpcflow_analysis_options ao;
    memset(&ao, 0, sizeof ao);
    ao.size = sizeof ao;
    ao.scan.size = sizeof ao.scan;
    ao.scan.threads = 3;
    ao.scan.chunk_bytes = 500;
    vpcflow_alerts *list = NULL;
    vpcflow_error err;
    CHECK(vpcflow_alerts_run(&path, 1, &ao, r, &list, &err) == VPCFLOW_OK);
    CHECK_EQ_U64(vpcflow_alerts_count(list), 2);
    const vpcflow_alert *a = vpcflow_alerts_get(list, 0);
    CHECK_STR(a->rule, "internal-reject");
    CHECK_EQ_U64(a->nexamples, 2);
    CHECK(strstr(a->examples[0], " 100 6 1 60 ") != NULL); /* the first two lines of the file */
    CHECK(strstr(a->examples[1], " 101 6 1 61 ") != NULL);
    CHECK_EQ_I64(a->first_seen, T0 + 95);
    CHECK_EQ_I64(a->last_seen, T0 + 160);
    a = vpcflow_alerts_get(list, 1);
    CHECK_STR(a->rule, "egress-spike");
    CHECK(strstr(a->examples[0], " 45088768 ") != NULL); /* the largest: 43 MiB, then 42 */
    CHECK(strstr(a->examples[1], " 44040192 ") != NULL);
    vpcflow_alerts_free(list);
    vpcflow_alert_rules_free(r);
    free(l.p);
}

TEST(json_line_of_an_alert)
{
    logtext l = {0};
    rec(&l, "10.0.1.5", "10.0.2.9", 22, 60, T0 + 100, "REJECT");
    const char *path = t_file(0, "j.log", l.p, l.n);
    vpcflow_alert_rules *r = rules_of(NULL);
    vpcflow_analysis_options ao;
    memset(&ao, 0, sizeof ao);
    ao.size = sizeof ao;
    ao.scan.size = sizeof ao.scan;
    ao.no_dedup = 1;
    vpcflow_alerts *list = NULL;
    vpcflow_error err;
    CHECK(vpcflow_alerts_run(&path, 1, &ao, r, &list, &err) == VPCFLOW_OK);
    char buf[2048] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    CHECK(vpcflow_alerts_write(list, VPCFLOW_ALERTS_JSON, f) == 0);
    fclose(f);
    CHECK_STR(buf, "{\"rule\":\"internal-reject\",\"severity\":\"high\",\"key\":{\"srcaddr\":\"10.0.1.5\","
                   "\"owner\":\"private\"},\"first_seen\":1793491300,\"last_seen\":1793491360,"
                   "\"window_start\":1793491200,\"window_end\":1793494800,\"records\":1,\"bytes\":60,\"ports\":1,"
                   "\"hosts\":1,\"examples\":[\"2 123456789012 eni-00e05ed214dfa351c 10.0.1.5 10.0.2.9 40000 22 6 1 "
                   "60 1793491300 1793491360 REJECT OK\"]}\n");
    vpcflow_alerts_free(list);
    vpcflow_alert_rules_free(r);
    free(l.p);
}

/* ---- streams ------------------------------------------------------------------------------- */

TEST(stream_in_odd_pieces_gives_the_same_alerts)
{
    logtext l = {0};
    put(&l, "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end "
            "action log-status\n");
    sweep(&l, "203.0.113.50", 25, 1, T0 + 1000, 5);
    rec(&l, "10.0.1.5", "10.0.2.9", 22, 60, T0 + 1100, "REJECT");
    run_opts o = {0};
    char whole[sizeof got];
    snprintf(whole, sizeof whole, "%s", stream_with(l.p, l.n, o, 0, 0, NULL));
    CHECK_STR(whole, "port-scan 203.0.113.50 20 880 20/1\ninternal-reject 10.0.1.5 1 60 1/1\n");
    CHECK_STR(stream_with(l.p, l.n, o, 7, 0, NULL), whole);
    CHECK_STR(stream_with(l.p, l.n, o, 1, 0, NULL), whole);
    free(l.p);
}

TEST(stream_header_switches_the_format)
{
    const char *text = "srcaddr dstaddr dstport action start\n"
                       "10.0.1.5 10.0.2.9 22 REJECT 1793491300\n"
                       "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
                       "start end action log-status\n"
                       "2 1 eni-1 10.0.1.6 10.0.2.9 1 22 6 1 60 1793491400 1793491460 REJECT OK\n";
    run_opts o = {0};
    vpcflow_watch_summary s;
    CHECK_STR(stream_with(text, strlen(text), o, 0, 0, &s),
              "internal-reject 10.0.1.5 1 0 1/1\ninternal-reject 10.0.1.6 1 60 1/1\n");
    CHECK_EQ_U64(s.scan.records, 2);
    CHECK_EQ_U64(s.scan.headers, 2);
    CHECK_EQ_U64(s.scan.records_malformed, 0);
}

TEST(stream_state_is_bounded)
{
    logtext l = {0};
    /* 200 inside sources an hour apart: each fires, and old ones are forgotten */
    for (int i = 0; i < 200; i++) {
        char src[32];
        snprintf(src, sizeof src, "10.0.%d.%d", 10 + i / 200, 1 + i % 200);
        rec(&l, src, "10.0.2.9", 22, 60, T0 + 3600LL * i, "REJECT");
    }
    run_opts o = {0};
    vpcflow_watch_summary s;
    stream_with(l.p, l.n, o, 0, 16, &s);
    CHECK_EQ_U64(s.alerts, 200);
    CHECK(s.keys_peak <= 16);
    CHECK_EQ_U64(s.dropped, 0);
    /* 40 sources at once with room for 16: the rest are counted as dropped (port-scan off, as
     * it would hold a key for each source too) */
    o.rules = "{\"port-scan\": {\"enabled\": false}}";
    logtext m = {0};
    for (int i = 0; i < 40; i++) {
        char src[32];
        snprintf(src, sizeof src, "10.0.9.%d", i + 1);
        rec(&m, src, "10.0.2.9", 22, 60, T0 + i, "REJECT");
    }
    stream_with(m.p, m.n, o, 0, 16, &s);
    CHECK_EQ_U64(s.alerts, 16);
    CHECK_EQ_U64(s.dropped, 24);
    free(l.p);
    free(m.p);
}

TEST(stream_late_records_do_not_count)
{
    logtext l = {0};
    rec(&l, "203.0.113.9", "10.0.2.9", 80, 44, T0 + 86400, "ACCEPT"); /* moves time a day on */
    sweep(&l, "203.0.113.50", 25, 1, T0, 5);                          /* a day late */
    run_opts o = {0};
    vpcflow_watch_summary s;
    CHECK_STR(stream_with(l.p, l.n, o, 0, 0, &s), "");
    CHECK_EQ_U64(s.late, 25);
    free(l.p);
}

/* base64 of the gzip of text */
static char *payload_b64(const char *json)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
    size_t cap = libdeflate_gzip_compress_bound(c, strlen(json));
    unsigned char *gz = malloc(cap);
    size_t n = libdeflate_gzip_compress(c, json, strlen(json), gz, cap);
    libdeflate_free_compressor(c);
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(n / 3 * 4 + 8);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)gz[i] << 16 | (i + 1 < n ? (uint32_t)gz[i + 1] << 8 : 0) | (i + 2 < n ? gz[i + 2] : 0);
        out[o++] = a[v >> 18 & 63];
        out[o++] = a[v >> 12 & 63];
        out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? a[v & 63] : '=';
    }
    out[o] = 0;
    free(gz);
    return out;
}

TEST(stream_subscription_payloads)
{
    char *data = payload_b64("{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"vpc\","
                             "\"logStream\":\"eni-1-all\",\"subscriptionFilters\":[\"f\"],\"logEvents\":["
                             "{\"id\":\"1\",\"timestamp\":1793491300000,\"message\":\"2 1 eni-1 10.0.1.5 10.0.2.9 1 22 "
                             "6 1 60 1793491300 1793491360 REJECT OK\"},"
                             "{\"id\":\"2\",\"timestamp\":1793491300000,\"message\":\"2 1 eni-1 198.51.100.7 "
                             "10.0.2.9 1 22 6 1 60 1793491300 1793491360 REJECT OK\"}]}");
    char *control =
        payload_b64("{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logEvents\":"
                    "[{\"id\":\"\",\"timestamp\":1,\"message\":\"CWL CONTROL MESSAGE: Checking health\"}]}");
    size_t cap = strlen(data) + strlen(control) + 512;
    char *text = malloc(cap);
    /* a Lambda event on one line, a bare payload, a control message, a pretty-printed event,
     * and a plain record in between */
    snprintf(text, cap,
             "{\"awslogs\": {\"data\": \"%s\"}}\n"
             "2 1 eni-1 10.0.1.8 10.0.2.9 1 22 6 1 60 1793491300 1793491360 REJECT OK\n"
             "%s\n"
             "{\n  \"awslogs\": {\n    \"data\": \"%s\"\n  }\n}\n",
             data, control, data);
    run_opts o = {0};
    vpcflow_watch_summary s;
    CHECK_STR(stream_with(text, strlen(text), o, 0, 0, &s),
              "internal-reject 10.0.1.5 1 60 1/1\ninternal-reject 10.0.1.8 1 60 1/1\n");
    CHECK_EQ_U64(s.payloads, 3);
    CHECK_EQ_U64(s.control_messages, 1);
    CHECK_EQ_U64(s.scan.records, 5);
    CHECK_EQ_U64(s.scan.records_malformed, 0);
    /* the same in pieces of 5 bytes */
    CHECK_STR(stream_with(text, strlen(text), o, 5, 0, &s),
              "internal-reject 10.0.1.5 1 60 1/1\ninternal-reject 10.0.1.8 1 60 1/1\n");
    /* a broken payload is a malformed line, not the end of the stream */
    const char *bad = "{\"awslogs\": {\"data\": \"H4sI!!!\"}}\n"
                      "2 1 eni-1 10.0.1.5 10.0.2.9 1 22 6 1 60 1793491300 1793491360 REJECT OK\n";
    CHECK_STR(stream_with(bad, strlen(bad), o, 0, 0, &s), "internal-reject 10.0.1.5 1 60 1/1\n");
    CHECK_EQ_U64(s.scan.records_malformed, 1);
    /* an unterminated document gives up at the next record line */
    const char *open = "{\"awslogs\": {\n"
                       "2 1 eni-1 10.0.1.5 10.0.2.9 1 22 6 1 60 1793491300 1793491360 REJECT OK\n";
    CHECK_STR(stream_with(open, strlen(open), o, 0, 0, &s), "internal-reject 10.0.1.5 1 60 1/1\n");
    CHECK_EQ_U64(s.scan.records_malformed, 1);
    free(data);
    free(control);
    free(text);
}

/* ---- the rules file -------------------------------------------------------------------- */

static void rules_error(const char *text, const char *want, int line)
{
    vpcflow_alert_rules *r = NULL;
    vpcflow_error err;
    if (vpcflow_alert_rules_parse(text, strlen(text), "my-rules.json", &r, &err) != VPCFLOW_ERR_INPUT) {
        t_fail(__FILE__, line, "accepted: %s", text);
        vpcflow_alert_rules_free(r);
        return;
    }
    char msg[2048];
    vpcflow_error_format(&err, msg, sizeof msg);
    if (!strstr(msg, want) || strncmp(msg, "my-rules.json:", 14) != 0)
        t_fail(__FILE__, line, "message \"%s\" lacks \"%s\"", msg, want);
}
#define RULES_ERROR(text, want) rules_error(text, want, __LINE__)

TEST(rules_file_errors_name_the_problem)
{
    RULES_ERROR("", "empty file");
    RULES_ERROR("{\"port-scan\": {\"min_ports\": 20,}}", "1:");
    RULES_ERROR("[1]", "expected an object");
    RULES_ERROR("{\"portscan\": {}}", "unknown key \"portscan\"");
    RULES_ERROR("{\"port-scan\": {\"min_port\": 3}}", "port-scan.min_port: unknown setting");
    RULES_ERROR("{\"port-scan\": {\"min_ports\": -1}}", "port-scan.min_ports: expected an integer");
    RULES_ERROR("{\"port-scan\": {\"min_ports\": 0, \"min_hosts\": 0}}", "could never fire");
    RULES_ERROR("{\"port-scan\": 5}", "port-scan: expected an object");
    RULES_ERROR("{\"internal-reject\": {\"window\": \"5x\"}}", "internal-reject.window: expected a duration");
    RULES_ERROR("{\"internal-reject\": {\"window\": 61}}", "even number of seconds");
    RULES_ERROR("{\"internal-reject\": {\"window\": \"40d\"}}", "from 2s to 30d");
    RULES_ERROR("{\"internal-reject\": {\"severity\": \"urgent\"}}", "\"low\", \"medium\" or \"high\"");
    RULES_ERROR("{\"internal-reject\": {\"enabled\": 1}}", "expected true or false");
    RULES_ERROR("{\"internal-reject\": {\"min_records\": 0}}", "from 1 to");
    RULES_ERROR("{\"sensitive-port-accepted\": {\"ports\": [22, 70000]}}", "element 1: expected a port");
    RULES_ERROR("{\"sensitive-port-accepted\": {\"ports\": []}}", "non-empty array");
    RULES_ERROR("{\"egress-spike\": {\"factor\": 0.5}}", "egress-spike.factor: expected a number from 1");
    RULES_ERROR("{\"egress-spike\": {\"min_bytes\": \"10Q\"}}", "egress-spike.min_bytes: expected a number of bytes");
    RULES_ERROR("{\"rules\": {}}", "rules: expected an array");
    RULES_ERROR("{\"rules\": [{\"pattern\": \"REJECT\", \"min_records\": 1}]}", "rules[0]: \"name\" must be");
    RULES_ERROR("{\"rules\": [{\"name\": \"port-scan\", \"pattern\": \"x\", \"min_records\": 1}]}", "already taken");
    RULES_ERROR("{\"rules\": [{\"name\": \"a\", \"min_records\": 1}]}", "\"pattern\" must be");
    RULES_ERROR("{\"rules\": [{\"name\": \"a\", \"pattern\": \"action=\", \"min_records\": 1}]}",
                "rules[0].pattern: column");
    RULES_ERROR("{\"rules\": [{\"name\": \"a\", \"pattern\": \"REJECT\", \"group_by\": \"colour\", "
                "\"min_records\": 1}]}",
                "rules[0].group_by: unknown key 'colour'");
    RULES_ERROR("{\"rules\": [{\"name\": \"a\", \"pattern\": \"REJECT\"}]}", "give a threshold");
    RULES_ERROR("{\"rules\": [{\"name\": \"a\", \"pattern\": \"REJECT\", \"min_records\": 1, \"ports\": [1]}]}",
                "rules[0].ports: unknown setting");
    RULES_ERROR("{\"examples\": 11}", "examples: expected an integer from 0 to 10");
    RULES_ERROR("{\"a\": 1, \"a\": 2}", "duplicate");
}

TEST(rules_file_settings_apply)
{
    const char *text = "{\"comment\": \"tuned\", \"_note\": 1,"
                       " \"port-scan\": {\"min_ports\": 30, \"window\": \"5m\", \"severity\": \"high\"},"
                       " \"egress-spike\": {\"factor\": 2.5, \"min_bytes\": \"1G\", \"min_history\": \"2h\"},"
                       " \"sensitive-port-accepted\": {\"ports\": [3389, 22, 22]},"
                       " \"internal-reject\": {\"enabled\": false},"
                       " \"rules\": [{\"name\": \"ssh-out\", \"pattern\": \"dstport=22 action=ACCEPT\","
                       " \"group_by\": \"srcaddr\", \"min_records\": 5}], \"examples\": 1}";
    vpcflow_alert_rules *r = rules_of(text);
    CHECK_EQ_U64(vpcflow_alert_rules_count(r), 5);
    CHECK_STR(vpcflow_alert_rules_name(r, 4), "ssh-out");
    CHECK(!vpcflow_alert_rules_enabled(r, 0));
    CHECK(vpcflow_alert_rules_enabled(r, 1));
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    CHECK(vpcflow_alert_rules_write(r, f) == 0);
    fclose(f);
    CHECK(strstr(buf, "\"min_ports\": 30") != NULL);
    CHECK(strstr(buf, "\"window\": 300") != NULL);
    CHECK(strstr(buf, "\"factor\": 2.5") != NULL);
    CHECK(strstr(buf, "\"min_bytes\": 1073741824") != NULL);
    CHECK(strstr(buf, "\"min_history\": 7200") != NULL);
    CHECK(strstr(buf, "\"ports\": [\n      22,\n      3389\n    ]") != NULL);
    CHECK(strstr(buf, "\"examples\": 1") != NULL);
    /* what it writes reads back to the same */
    vpcflow_alert_rules *again = rules_of(buf);
    char buf2[4096] = "";
    f = fmemopen(buf2, sizeof buf2 - 1, "w");
    CHECK(vpcflow_alert_rules_write(again, f) == 0);
    fclose(f);
    CHECK_STR(buf2, buf);
    vpcflow_error err;
    CHECK(vpcflow_alert_rules_select(r, "port-scan,ssh-out", &err) == VPCFLOW_OK);
    CHECK(!vpcflow_alert_rules_enabled(r, 2) && vpcflow_alert_rules_enabled(r, 4));
    CHECK(vpcflow_alert_rules_select(r, "port-scan,nope", &err) == VPCFLOW_ERR_INPUT);
    CHECK(strstr(err.message, "no rule named 'nope'") != NULL);
    vpcflow_alert_rules_free(r);
    vpcflow_alert_rules_free(again);
}

TEST(rules_file_missing)
{
    vpcflow_alert_rules *r = NULL;
    vpcflow_error err;
    CHECK(vpcflow_alert_rules_load("/nonexistent/rules.json", &r, &err) == VPCFLOW_ERR_IO);
    CHECK_STR(err.file, "/nonexistent/rules.json");
    CHECK(r == NULL);
}

TEST(rules_file_too_large)
{
    size_t n = (4u << 20) + 1;
    char *big = malloc(n);
    CHECK(big != NULL);
    if (!big)
        return;
    memset(big, ' ', n);
    const char *path = t_file(0, "huge-rules.json", big, n);
    free(big);
    vpcflow_alert_rules *r = NULL;
    vpcflow_error err;
    CHECK(vpcflow_alert_rules_load(path, &r, &err) == VPCFLOW_ERR_INPUT);
    CHECK_STR(err.message, "larger than 4 MiB: not a rules file");
    CHECK(r == NULL);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
