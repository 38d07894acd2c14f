/* fuzz.c — libFuzzer target for the JSON input files through the public API only, so that it
 * holds while the readers behind it change: the bytes are written to a file and named as one
 * of the options of vpcflow_analysis_options, and a watch is made with them (what `summary`,
 * `top` and `alerts` do first: every file is loaded and checked), then fed a few records
 * whose addresses the files may know. The first byte picks the option, as in topology_json
 * (whose corpus this shares): 0 subnets, 1 ENIs, 2 ip-ranges.json, 3 a topology file, 4 a
 * price file, 5 subnets and ENIs separated by a NUL byte. A file that does not load must give
 * an error with a message that names it. */
#include "vpcflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char records[] =
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 "
    "ACCEPT OK\n"
    "2 123456789010 eni-1235b8ca123456789 10.0.1.5 52.94.76.10 40000 443 6 9 99999 1418530020 1418530080 ACCEPT OK\n"
    "2 123456789010 eni-0a1b2c3d4e5f60001 10.0.1.5 10.0.2.9 40001 23 6 1 60 1418530030 1418530090 REJECT OK\n";

static char a[64], b[64];

static void remove_files(void)
{
    unlink(a);
    unlink(b);
}

static int ignore(void *ctx, const vpcflow_alert *al)
{
    (void)ctx;
    (void)al;
    return 0;
}

static int put(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vpcflow_alert_rules *rules;
    if (!a[0]) {
        if (vpcflow_alert_rules_load(NULL, &rules, NULL) != VPCFLOW_OK)
            abort();
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(a, sizeof a, "%s/vpcflow-fuzz-%ld-a.json", dir, (long)getpid());
        snprintf(b, sizeof b, "%s/vpcflow-fuzz-%ld-b.json", dir, (long)getpid());
        atexit(remove_files);
    }
    if (size < 1)
        return 0;
    int mode = data[0] % 6;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    const uint8_t *nul = mode == 5 ? memchr(p, 0, n) : NULL;
    size_t first = nul ? (size_t)(nul - p) : n;
    if (put(a, p, first) != 0 || (nul && put(b, nul + 1, n - first - 1) != 0))
        abort();
    const char *files[] = {a}, *files_b[] = {b};
    vpcflow_watch_options w;
    memset(&w, 0, sizeof w);
    w.size = sizeof w;
    w.rules = rules;
    w.alert = ignore;
    vpcflow_analysis_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.scan.size = sizeof o.scan;
    switch (mode) {
    case 0:
    case 5:
        o.subnets = files, o.nsubnets = 1;
        if (nul)
            o.enis = files_b, o.nenis = 1;
        break;
    case 1:
        o.enis = files, o.nenis = 1;
        break;
    case 2:
        o.ip_ranges = files, o.nip_ranges = 1;
        break;
    case 3:
        o.topology = files, o.ntopology = 1;
        o.region = "us-east-1";
        break;
    default:
        o.prices = a;
        break;
    }
    w.analysis = o;
    vpcflow_watch *h = NULL;
    vpcflow_error err;
    memset(&err, 0, sizeof err);
    if (vpcflow_watch_new(&w, &h, &err) != VPCFLOW_OK) {
        if (h || !err.message[0] || (strcmp(err.file, a) != 0 && (!nul || strcmp(err.file, b) != 0)))
            abort();
        return 0;
    }
    if (vpcflow_watch_feed(h, records, sizeof records - 1, &err) != VPCFLOW_OK ||
        vpcflow_watch_feed(h, NULL, 0, &err) != VPCFLOW_OK)
        abort();
    vpcflow_watch_free(h);
    return 0;
}
