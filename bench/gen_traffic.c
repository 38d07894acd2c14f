/* gen_traffic.c — what vpcflow-gen plants, minute by minute: each flow knows its endpoints and its
 * path, writes the records every ENI on that path logs, and marks each record kept or not per
 * docs/model.md from that knowledge (never by classifying the record text). */
#include "gen.h"

#include <stdio.h>
#include <string.h>

typedef struct ctx {
    const gen_opts *o;
    gen_net *net;
    gen_rng *rng;
    gen_truth *truth;
    gen_out *out;
    gen_planted *pl;
    gen_totals *tot;
    uint64_t minutes;
    int64_t minute; /* start of the current minute */
    /* planted */
    size_t spike_app, iscan_app;
    uint64_t spike_min, iscan_min, xscan_min[3], ssh_min;
    gen_ep exfil;
    const gen_ep *ssh_src; /* in the gen_planted, which outlives the run */
    size_t iscan_host[6];
    size_t xscan_host[3][4], xscan_nhosts[3], xscan_nports[3];
    uint32_t ssh_sport;
    size_t ssh_web;
} ctx;

/* One conversation: the forward direction is sport -> dport. */
typedef struct flow {
    int64_t start;
    uint32_t sport, dport;
    uint8_t proto, skew;
    uint64_t fb, fp, rb, rp; /* bytes and packets, forward and reverse */
    uint8_t ff, rf;          /* tcp-flags, forward and reverse */
} flow;

/* ---- building blocks --------------------------------------------------------------------------- */

static const gen_ep *pick(ctx *g, const gen_pool *p)
{
    return &p->ep[gen_rng_below(g->rng, p->n)];
}

static gen_eni *eni_at(ctx *g, int i)
{
    return &g->net->enis[i];
}

static gen_eni *web_at(ctx *g, size_t i)
{
    return eni_at(g, g->net->web[i]);
}

static gen_eni *app_at(ctx *g, size_t i)
{
    return eni_at(g, g->net->app[i]);
}

static gen_eni *any_web(ctx *g)
{
    return web_at(g, gen_rng_below(g->rng, g->net->nweb));
}

static gen_eni *any_app(ctx *g)
{
    return app_at(g, gen_rng_below(g->rng, g->net->napp));
}

/* An app instance for traffic through the NAT: never the spike instance, whose internet
 * traffic is kept to its own schedule so that its baseline is known. */
static gen_eni *nat_app(ctx *g)
{
    size_t i = gen_rng_below(g->rng, g->net->napp - 1);
    return app_at(g, i >= g->spike_app ? i + 1 : i);
}

static uint64_t packets_for(ctx *g, uint64_t bytes)
{
    uint64_t p = bytes / gen_rng_range(g->rng, 400, 1400) + 1;
    if (p * 40 > bytes)
        p = bytes / 40 ? bytes / 40 : 1;
    return p;
}

static uint32_t ephemeral(ctx *g)
{
    return (uint32_t)gen_rng_range(g->rng, 32768, 60999);
}

/* A TCP conversation started this minute: forward bytes in [f0, f1], reverse in [r0, r1]. */
static flow tcp(ctx *g, uint32_t dport, uint64_t f0, uint64_t f1, uint64_t r0, uint64_t r1)
{
    flow f;
    memset(&f, 0, sizeof f);
    f.start = g->minute + (int64_t)gen_rng_below(g->rng, 51);
    f.sport = ephemeral(g);
    f.dport = dport;
    f.proto = 6;
    f.skew = 1;
    f.fb = gen_rng_logu(g->rng, f0, f1);
    f.rb = gen_rng_logu(g->rng, r0, r1);
    f.fp = packets_for(g, f.fb);
    f.rp = packets_for(g, f.rb);
    int whole = gen_rng_below(g->rng, 4) != 0; /* most connections open and close in the minute */
    f.ff = whole ? 3 : 0;
    f.rf = whole ? 19 : 0;
    return f;
}

static int has_public(const gen_eni *e)
{
    return e->public_ip != 0;
}

/* The class of a hop from what the generator knows of both ends (docs/model.md §2). */
static uint8_t class_of(const gen_ep *s, const gen_ep *d)
{
    int s_home = s->loc == LOC_VPC || s->loc == LOC_PRIVATE;
    int d_home = d->loc == LOC_VPC || d->loc == LOC_PRIVATE;
    if (s_home && d_home) {
        if (s->loc == LOC_VPC && d->loc == LOC_VPC)
            return s->az == d->az ? VPCFLOW_CLASS_SAME_AZ : VPCFLOW_CLASS_CROSS_AZ;
        return VPCFLOW_CLASS_INTERNAL_UNKNOWN;
    }
    if (s_home) {
        if (d->loc == LOC_INTERNET)
            return VPCFLOW_CLASS_INTERNET_OUT;
        return d->region == REG_HOME || d->region == REG_GLOBAL ? VPCFLOW_CLASS_AWS_SAME_REGION
                                                                : VPCFLOW_CLASS_INTER_REGION;
    }
    if (d_home) {
        if (s->loc == LOC_INTERNET)
            return VPCFLOW_CLASS_INTERNET_IN;
        return s->region == REG_HOME || s->region == REG_GLOBAL ? VPCFLOW_CLASS_AWS_SAME_REGION
                                                                : VPCFLOW_CLASS_INTER_REGION;
    }
    return VPCFLOW_CLASS_UNKNOWN;
}

/* The record `obs` logs for bytes s -> d (rev: the reverse half of f). */
static gen_rec mk(const gen_eni *obs, const gen_ep *s, const gen_ep *d, const flow *f, int rev)
{
    gen_rec r;
    memset(&r, 0, sizeof r);
    r.obs = obs;
    r.src = r.psrc = s;
    r.dst = r.pdst = d;
    r.sport = rev ? f->dport : f->sport;
    r.dport = rev ? f->sport : f->dport;
    r.proto = f->proto;
    r.bytes = rev ? f->rb : f->fb;
    r.packets = rev ? f->rp : f->fp;
    r.tcp_flags = rev ? f->rf : f->ff;
    /* each ENI aggregates on its own clock: the copies of a flow start a few seconds apart */
    r.start = f->start + (f->skew ? obs->index % 4 : 0);
    r.dir = s->eni == obs ? GEN_DIR_OUT : GEN_DIR_IN;
    r.cls = class_of(s, d);
    if (d->loc == LOC_VPC)
        r.path = 1;
    else if (d->loc == LOC_PRIVATE)
        r.path = 3; /* virtual private gateway */
    else
        r.path = has_public(obs) ? 8 : 1; /* internet gateway, or through the NAT gateway */
    return r;
}

static void put(ctx *g, const gen_rec *r)
{
    gen_truth_add(g->truth, r);
    g->tot->text_bytes += gen_out_record(g->out, r);
    g->tot->records++;
}

/* Bytes a -> b between two logged ENIs: egress at a (kept), ingress at b (dropped by rule 2:
 * a is another logged ENI). */
static void hop_both(ctx *g, const gen_ep *a, const gen_ep *b, const flow *f, int rev)
{
    int alb = a->eni->kind == ENI_ALB || b->eni->kind == ENI_ALB;
    int rds = a->eni->kind == ENI_RDS && b->eni->kind == ENI_RDS;
    gen_rec r = mk(a->eni, a, b, f, rev);
    r.kept = r.kept_nonat = 1;
    r.free_hop = (uint8_t)(alb || rds);
    put(g, &r);
    r = mk(b->eni, a, b, f, rev);
    r.kept = r.kept_nonat = 0;
    r.free_hop = (uint8_t)(alb || rds);
    put(g, &r);
}

/* Bytes a -> b where one end only is a logged ENI: one record. `natted`: the instance's own
 * copy of traffic that went through the NAT gateway (rule 4 drops it when NATs are known). */
static void hop_one(ctx *g, const gen_ep *a, const gen_ep *b, const flow *f, int rev, int natted, int path)
{
    const gen_eni *obs = a->eni && a->eni->logged ? a->eni : b->eni;
    gen_rec r = mk(obs, a, b, f, rev);
    r.kept = (uint8_t)!natted;
    r.kept_nonat = 1;
    if (path)
        r.path = (uint8_t)path;
    put(g, &r);
}

/* A conversation of client c with server s (both directions). */
static void talk_both(ctx *g, const gen_ep *c, const gen_ep *s, const flow *f)
{
    hop_both(g, c, s, f, 0);
    hop_both(g, s, c, f, 1);
}

static void talk_one(ctx *g, const gen_ep *c, const gen_ep *s, const flow *f, int path)
{
    hop_one(g, c, s, f, 0, 0, path);
    hop_one(g, s, c, f, 1, 0, path);
}

/* Instance i talks to x through the NAT gateway: six records (docs/model.md §3). */
static void nat_flow(ctx *g, const gen_ep *i, const gen_ep *x, const flow *f)
{
    const gen_eni *n = eni_at(g, g->net->nat);
    const gen_ep *ne = &n->ep4;
    uint32_t natport = (uint32_t)gen_rng_range(g->rng, 1024, 65535);
    hop_one(g, i, x, f, 0, 1, 0);
    gen_rec r = mk(n, i, ne, f, 0); /* inside leg: the packet still says where it goes */
    r.pdst = x;
    r.kept = 1; /* rule 2 exception: ingress at a NAT gateway */
    r.nat_proc = 1;
    put(g, &r);
    r = mk(n, ne, x, f, 0); /* outside leg, source port translated */
    r.sport = natport;
    r.kept = r.kept_nonat = 1;
    put(g, &r);
    r = mk(n, x, ne, f, 1);
    r.dport = natport;
    r.kept = r.kept_nonat = 1;
    r.nat_proc = 1;
    put(g, &r);
    hop_one(g, x, i, f, 1, 1, 0);
    r = mk(n, ne, i, f, 1);
    r.psrc = x;
    r.kept = r.kept_nonat = 1;
    put(g, &r);
}

/* ---- background traffic ----------------------------------------------------------------------- */

static void alb_request(ctx *g)
{
    const gen_ep *c = pick(g, &g->net->clients4);
    const gen_ep *a = &eni_at(g, g->net->alb[gen_rng_below(g->rng, 3)])->ep4;
    const gen_ep *t = &any_web(g)->ep4;
    flow f = tcp(g, 443, 300, 24000, 600, 2000000);
    f.sport = (uint32_t)gen_rng_range(g->rng, 1024, 65535);
    hop_one(g, c, a, &f, 0, 0, 0);
    hop_one(g, a, c, &f, 1, 0, 0);
    flow b = f; /* the ALB opens its own connection to the target, headers added */
    b.sport = ephemeral(g);
    b.dport = 80;
    b.fb = f.fb + gen_rng_range(g->rng, 120, 600);
    b.rb = f.rb > 400 ? f.rb - gen_rng_range(g->rng, 0, 300) : f.rb;
    b.fp = packets_for(g, b.fb);
    b.rp = packets_for(g, b.rb);
    talk_both(g, a, t, &b);
}

static void web_internet(ctx *g)
{
    gen_eni *w = any_web(g);
    int v6 = w->has_v6 && gen_rng_below(g->rng, 4) == 0;
    const gen_ep *we = v6 ? &w->ep6 : &w->ep4;
    if (gen_rng_below(g->rng, 5) < 3) { /* served directly on its public address */
        const gen_ep *c = pick(g, v6 ? &g->net->clients6 : &g->net->clients4);
        flow f = tcp(g, 443, 300, 16000, 500, 4000000);
        f.sport = (uint32_t)gen_rng_range(g->rng, 1024, 65535);
        talk_one(g, c, we, &f, 0);
    } else { /* calls out to an API */
        const gen_ep *x = v6 ? pick(g, &g->net->clients6) : pick(g, &g->net->api4);
        flow f = tcp(g, 443, 300, 64000, 400, 1000000);
        talk_one(g, we, x, &f, 0);
    }
}

static void web_cloudfront(ctx *g)
{
    flow f = tcp(g, 443, 300, 4000, 2000, 8000000);
    talk_one(g, &any_web(g)->ep4, pick(g, &g->net->cf), &f, 0);
}

static void web_app(ctx *g)
{
    flow f = tcp(g, 8080, 200, 32000, 200, 512000);
    talk_both(g, &any_web(g)->ep4, &any_app(g)->ep4, &f);
}

static void app_rds(ctx *g, int from_lambda)
{
    const gen_ep *c = from_lambda ? &eni_at(g, g->net->lambda)->ep4 : &any_app(g)->ep4;
    int db = gen_rng_below(g->rng, 8) ? g->net->rds_primary : g->net->rds_standby; /* reads on the standby */
    if (g->net->has_reuse && g->minute >= g->net->reuse_at)
        db = g->net->rds_primary; /* the standby is gone */
    flow f = tcp(g, 5432, 120, 40000, 200, 8000000);
    talk_both(g, c, &eni_at(g, db)->ep4, &f);
}

static void rds_replication(ctx *g)
{
    flow f = tcp(g, 5432, 65536, 48000000, 60, 40000);
    f.ff = f.rf = 0;                                          /* one long-lived stream */
    if (g->net->has_reuse && g->minute >= g->net->reuse_at) { /* its address is a batch instance's now */
        talk_both(g, &eni_at(g, g->net->reuse)->ep4, &eni_at(g, g->net->rds_primary)->ep4, &f);
        return;
    }
    talk_both(g, &eni_at(g, g->net->rds_primary)->ep4, &eni_at(g, g->net->rds_standby)->ep4, &f);
}

static void app_vpce(ctx *g)
{
    flow f = tcp(g, 443, 400, 200000, 300, 400000);
    talk_both(g, &any_app(g)->ep4, &eni_at(g, g->net->vpce)->ep4, &f);
}

static void nat_internet(ctx *g, int from_lambda)
{
    const gen_ep *i = from_lambda ? &eni_at(g, g->net->lambda)->ep4 : &nat_app(g)->ep4;
    flow f = tcp(g, 443, 300, 80000, 500, 24000000);
    nat_flow(g, i, pick(g, &g->net->api4), &f);
}

static flow bulk(ctx *g, uint32_t dport)
{
    /* object storage: either an upload or a download dominates */
    flow f = gen_rng_below(g->rng, 2) ? tcp(g, dport, 4096, 256000000, 300, 20000)
                                      : tcp(g, dport, 300, 4000, 4096, 128000000);
    return f;
}

static void nat_s3(ctx *g)
{
    flow f = bulk(g, 443);
    nat_flow(g, &nat_app(g)->ep4, pick(g, &g->net->s3nat), &f);
}

static void gateway_s3(ctx *g)
{
    flow f = bulk(g, 443);
    talk_one(g, &any_app(g)->ep4, pick(g, &g->net->s3gw), &f, 7);
}

static void nat_dynamodb(ctx *g)
{
    flow f = tcp(g, 443, 300, 40000, 300, 400000);
    nat_flow(g, &nat_app(g)->ep4, pick(g, &g->net->ddb), &f);
}

static void inter_region(ctx *g)
{
    uint64_t k = gen_rng_below(g->rng, 3);
    const gen_pool *p = k == 0 ? &g->net->s3usw2 : k == 1 ? &g->net->ec2usw2 : &g->net->use2;
    flow f = k == 0 ? bulk(g, 443) : tcp(g, 443, 300, 2000000, 300, 6000000);
    nat_flow(g, &nat_app(g)->ep4, pick(g, p), &f);
}

static void onprem(ctx *g)
{
    static const uint32_t out_ports[] = {1521, 443, 389, 445};
    static const uint32_t in_ports[] = {8080, 22, 9100};
    const gen_ep *a = &any_app(g)->ep4, *p = pick(g, &g->net->onprem);
    if (gen_rng_below(g->rng, 3)) {
        flow f = tcp(g, out_ports[gen_rng_below(g->rng, 4)], 200, 400000, 200, 6000000);
        talk_one(g, a, p, &f, 0);
    } else {
        flow f = tcp(g, in_ports[gen_rng_below(g->rng, 3)], 200, 20000, 200, 2000000);
        talk_one(g, p, a, &f, 0);
    }
}

static void unlogged(ctx *g)
{
    const gen_ep *l = gen_rng_below(g->rng, 4) ? &any_app(g)->ep4 : &any_web(g)->ep4;
    flow f = tcp(g, 8080, 200, 60000, 300, 3000000);
    talk_one(g, l, &eni_at(g, g->net->legacy)->ep4, &f, 0);
}

/* Internet background radiation: one rejected SYN at a web instance. */
static void noise(ctx *g)
{
    static const uint32_t ports[] = {23, 2323, 445, 3389, 1433, 5900, 6379, 22, 8080, 5555, 37215, 52869, 8443, 81};
    gen_ep x;
    gen_net_internet4(g->rng, &x, NULL, 0);
    gen_eni *w = any_web(g);
    flow f = tcp(g, ports[gen_rng_below(g->rng, sizeof ports / sizeof ports[0])], 40, 60, 40, 40);
    f.sport = (uint32_t)gen_rng_range(g->rng, 1024, 65535);
    f.fp = 1;
    f.ff = 2;
    gen_rec r = mk(w, &x, &w->ep4, &f, 0);
    r.reject = 1;
    r.kept = r.kept_nonat = 1;
    put(g, &r);
}

static void nodata(ctx *g)
{
    static const int picks = 5;
    int k = (int)gen_rng_below(g->rng, (uint64_t)picks);
    const gen_eni *e = k == 0   ? eni_at(g, g->net->vpce)
                       : k == 1 ? eni_at(g, g->net->lambda)
                       : k == 2 ? eni_at(g, g->net->rds_standby)
                                : any_app(g);
    gen_rec r;
    memset(&r, 0, sizeof r);
    r.obs = e;
    r.src = r.dst = r.psrc = r.pdst = &e->ep4;
    r.start = g->minute + (int64_t)gen_rng_below(g->rng, 51);
    r.status = gen_rng_below(g->rng, 6) ? GEN_NODATA : GEN_SKIPDATA;
    put(g, &r);
}

typedef struct kind {
    void (*run)(ctx *g);
    unsigned weight;
} kind;

static void k_app_rds(ctx *g)
{
    app_rds(g, 0);
}
static void k_lambda_rds(ctx *g)
{
    app_rds(g, 1);
}
static void k_nat_internet(ctx *g)
{
    nat_internet(g, 0);
}
static void k_lambda_nat(ctx *g)
{
    nat_internet(g, 1);
}

static const kind kinds[] = {
    {alb_request, 20}, {web_internet, 10},   {web_cloudfront, 2}, {web_app, 8},         {k_app_rds, 12},
    {k_lambda_rds, 2}, {rds_replication, 2}, {app_vpce, 4},       {k_nat_internet, 10}, {k_lambda_nat, 2},
    {nat_s3, 5},       {gateway_s3, 5},      {nat_dynamodb, 2},   {inter_region, 4},    {onprem, 4},
    {unlogged, 3},     {noise, 5},           {nodata, 1},
};

/* --plant-chatty-db: an app instance in us-east-1a reads a large result from the RDS primary
 * (us-east-1b), besides every fourth background flow. */
static void chatty_db(ctx *g)
{
    gen_eni *c = any_app(g);
    for (int tries = 0; tries < 64 && c->ep4.az != 0; tries++)
        c = any_app(g);
    if (c->ep4.az != 0)
        return;
    flow f = tcp(g, 5432, 200, 4000, 4000000, 64000000);
    talk_both(g, &c->ep4, &eni_at(g, g->net->rds_primary)->ep4, &f);
}

static void background(ctx *g)
{
    if (g->o->plant_chatty_db && !g->o->records && gen_rng_below(g->rng, 4) == 0)
        chatty_db(g);
    unsigned total = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        total += kinds[i].weight;
    uint64_t x = gen_rng_below(g->rng, total);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (x < kinds[i].weight) {
            kinds[i].run(g);
            return;
        }
        x -= kinds[i].weight;
    }
}

/* ---- planted events ------------------------------------------------------------------------- */

static const uint32_t scan_ports[] = {21,   22,   23,   25,   53,   80,    110,   111,   135,   139,   143,  443,  445,
                                      465,  587,  993,  995,  1080, 1433,  1521,  1723,  2049,  2375,  2379, 3000, 3306,
                                      3389, 4444, 5000, 5432, 5601, 5900,  5984,  6379,  7001,  8000,  8080, 8081, 8443,
                                      8888, 9000, 9090, 9200, 9300, 10250, 11211, 15672, 27017, 50070, 61616};
#define NSCAN_PORTS (sizeof scan_ports / sizeof scan_ports[0])
#define ISCAN_PORTS 40
#define ISCAN_HOSTS 6
#define ISCAN_MINUTES 3
#define XSCAN_MINUTES 5
#define SSH_MINUTES 4

static uint64_t minute_in(ctx *g, uint64_t margin)
{
    return gen_rng_range(g->rng, margin, g->minutes - margin - 10);
}

static void plant_setup(ctx *g)
{
    gen_net *net = g->net;
    gen_planted *pl = g->pl;
    g->spike_app = gen_rng_below(g->rng, net->napp);
    g->iscan_app = gen_rng_below(g->rng, net->napp - 1);
    if (g->iscan_app >= g->spike_app)
        g->iscan_app++;
    /* the internal scanner's neighbours: four app instances and two web instances */
    size_t n = 0;
    for (size_t i = gen_rng_below(g->rng, net->napp); n < 4; i = (i + 1) % net->napp)
        if (i != g->spike_app && i != g->iscan_app)
            g->iscan_host[n++] = (size_t)net->app[i];
    size_t w0 = gen_rng_below(g->rng, net->nweb);
    g->iscan_host[n++] = (size_t)net->web[w0];
    g->iscan_host[n++] = (size_t)net->web[(w0 + 1 + gen_rng_below(g->rng, net->nweb - 1)) % net->nweb];
    g->spike_min = 10 * gen_rng_range(g->rng, 6, g->minutes / 10 - 6);
    g->iscan_min = minute_in(g, 30);
    g->ssh_min = minute_in(g, 30);
    gen_net_internet4(g->rng, &g->exfil, NULL, 0);
    static const uint8_t scanner_octets[] = {45, 185};
    static const uint8_t ssh_octets[] = {91};
    for (int j = 0; j < 3; j++) {
        g->xscan_min[j] = minute_in(g, 30);
        gen_net_internet4(g->rng, &pl->xscan[j].src, scanner_octets, 2);
        g->xscan_nhosts[j] = 2 + gen_rng_below(g->rng, 3);
        size_t start = gen_rng_below(g->rng, net->nweb);
        for (size_t h = 0; h < g->xscan_nhosts[j]; h++)
            g->xscan_host[j][h] = (size_t)net->web[(start + h) % net->nweb];
        g->xscan_nports[j] = 40 + gen_rng_below(g->rng, 61);
        pl->xscan[j].ports = g->xscan_nports[j];
        pl->xscan[j].hosts = g->xscan_nhosts[j];
    }
    gen_net_internet4(g->rng, &pl->ssh_src, ssh_octets, 1);
    g->ssh_src = &pl->ssh_src;
    g->ssh_sport = (uint32_t)gen_rng_range(g->rng, 1024, 65535);
    g->ssh_web = gen_rng_below(g->rng, net->nweb);
    pl->iscan = app_at(g, g->iscan_app);
    pl->iscan_ports = ISCAN_PORTS;
    pl->iscan_hosts = ISCAN_HOSTS;
    pl->spike = app_at(g, g->spike_app);
    pl->spike_window = GEN_T0 + (int64_t)g->spike_min * 60;
    pl->ssh_dst = web_at(g, g->ssh_web);
    gen_truth_watch(g->truth, pl->spike);
}

static void span(int64_t *first, int64_t *last, int64_t t)
{
    if (!*first || t < *first)
        *first = t;
    if (t > *last)
        *last = t;
}

/* One SYN, no skew between the two ENIs: the planted times are exact. */
static flow probe(ctx *g, uint32_t dport)
{
    flow f = tcp(g, dport, 40, 60, 44, 44);
    f.skew = 0;
    f.fb = gen_rng_below(g->rng, 2) ? 44 : 60;
    f.fp = f.rp = 1;
    f.ff = 2;
    f.rf = 18;
    return f;
}

/* The compromised app host probes its neighbours: accepted on its way out (its security group
 * lets everything out), rejected by each neighbour. */
static void plant_internal_scan(ctx *g, uint64_t m)
{
    if (m < g->iscan_min || m >= g->iscan_min + ISCAN_MINUTES)
        return;
    const gen_ep *s = &app_at(g, g->iscan_app)->ep4;
    const size_t nprobes = ISCAN_PORTS * ISCAN_HOSTS;
    for (size_t q = 0; q < nprobes; q++) {
        if (g->iscan_min + q * ISCAN_MINUTES / nprobes != m)
            continue;
        const gen_eni *t = eni_at(g, (int)g->iscan_host[q % ISCAN_HOSTS]);
        flow f = probe(g, scan_ports[q / ISCAN_HOSTS]);
        gen_rec r = mk(s->eni, s, &t->ep4, &f, 0);
        r.kept = r.kept_nonat = 1;
        put(g, &r);
        r = mk(t, s, &t->ep4, &f, 0);
        r.reject = 1;
        put(g, &r);
        g->pl->iscan_probes++;
        span(&g->pl->iscan_first, &g->pl->iscan_last, f.start);
    }
}

static uint32_t xscan_port(ctx *g, int j, size_t k)
{
    (void)g;
    /* the common ports, then distinct high ports (30000-44999 holds none of the list) */
    return k < NSCAN_PORTS ? scan_ports[k] : (uint32_t)(30000 + 300 * (k - NSCAN_PORTS) + (7 * (size_t)j + k) % 300);
}

/* An internet scanner sweeps ports of a few web instances: rejected everywhere but 80 and 443,
 * which the web instances serve (and answer with a SYN-ACK). */
static void plant_internet_scan(ctx *g, int j, uint64_t m)
{
    if (m < g->xscan_min[j] || m >= g->xscan_min[j] + XSCAN_MINUTES)
        return;
    size_t nports = g->xscan_nports[j], nhosts = g->xscan_nhosts[j];
    size_t nprobes = nports + 2 * (nhosts - 1);
    size_t q = 0;
    for (size_t k = 0; k < nports; k++) {
        uint32_t port = xscan_port(g, j, k);
        int open = port == 80 || port == 443;
        for (size_t h = 0; h < (open ? nhosts : 1); h++, q++) {
            if (g->xscan_min[j] + q * XSCAN_MINUTES / nprobes != m)
                continue;
            gen_eni *w = eni_at(g, (int)g->xscan_host[j][open ? h : k % nhosts]);
            flow f = probe(g, port);
            f.sport = (uint32_t)gen_rng_range(g->rng, 1024, 65535);
            gen_rec r = mk(w, &g->pl->xscan[j].src, &w->ep4, &f, 0);
            r.kept = r.kept_nonat = 1;
            r.reject = (uint8_t)!open;
            put(g, &r);
            if (open) {
                r = mk(w, &w->ep4, &g->pl->xscan[j].src, &f, 1);
                r.kept = r.kept_nonat = 1;
                put(g, &r);
                g->pl->xscan[j].accepted++;
            } else {
                g->pl->xscan[j].rejected++;
            }
            span(&g->pl->xscan[j].first, &g->pl->xscan[j].last, f.start);
        }
    }
}

/* Someone logs in over SSH from the internet: one session over four minutes. */
static void plant_ssh(ctx *g, uint64_t m)
{
    if (m < g->ssh_min || m >= g->ssh_min + SSH_MINUTES)
        return;
    gen_eni *w = web_at(g, g->ssh_web);
    flow f = tcp(g, 22, 2000, 24000, 4000, 300000);
    f.skew = 0;
    f.sport = g->ssh_sport;
    f.ff = m == g->ssh_min ? 2 : m + 1 == g->ssh_min + SSH_MINUTES ? 1 : 0;
    f.rf = m == g->ssh_min ? 18 : m + 1 == g->ssh_min + SSH_MINUTES ? 1 : 0;
    talk_one(g, g->ssh_src, &w->ep4, &f, 0);
    g->pl->ssh_records += 2;
    g->pl->ssh_bytes += f.fb + f.rb;
    span(&g->pl->ssh_first, &g->pl->ssh_last, f.start);
}

/* The spike instance calls an API once every ten minutes; in its spike window it sends tens of
 * MB a minute to one host, through the NAT like all its internet traffic. */
static void plant_spike(ctx *g, uint64_t m)
{
    const gen_ep *i = &app_at(g, g->spike_app)->ep4;
    if (m >= g->spike_min && m < g->spike_min + 10) {
        flow f = tcp(g, 443, 24000000, 48000000, 20000, 200000);
        nat_flow(g, i, &g->exfil, &f);
    } else if (m % 10 == 3) {
        flow f = tcp(g, 443, 100000, 1000000, 2000, 400000);
        nat_flow(g, i, pick(g, &g->net->api4), &f);
    }
}

static void plant_minute(ctx *g, uint64_t m)
{
    plant_spike(g, m);
    plant_internal_scan(g, m);
    for (int j = 0; j < 3; j++)
        plant_internet_scan(g, j, m);
    plant_ssh(g, m);
}

static void plant_finish(ctx *g)
{
    size_t nwin = g->minutes / 10, ws = g->spike_min / 10;
    uint64_t rest = 0;
    for (size_t w = 0; w < nwin; w++)
        if (w != ws)
            rest += gen_truth_window_bytes(g->truth, w);
    gen_planted *pl = g->pl;
    pl->spike_bytes = gen_truth_window_bytes(g->truth, ws);
    pl->spike_baseline = rest / (nwin - 1);
    /* by construction the spike is far above 20x, whichever way the average is taken */
    if (pl->spike_bytes < 20 * pl->spike_baseline || pl->spike_bytes * nwin < 20 * (rest + pl->spike_bytes))
        gen_die("internal error: the planted egress spike is too small");
}

/* ---- the run ---------------------------------------------------------------------------------- */

int gen_traffic_run(const gen_opts *o, gen_net *net, gen_rng *rng, gen_truth *truth, gen_out *out, gen_planted *pl,
                    gen_totals *tot)
{
    ctx g;
    memset(&g, 0, sizeof g);
    g.o = o;
    g.net = net;
    g.rng = rng;
    g.truth = truth;
    g.out = out;
    g.pl = pl;
    g.tot = tot;
    g.minutes = (uint64_t)o->days * 1440;
    plant_setup(&g);
    for (uint64_t m = 0; m < g.minutes; m++) {
        g.minute = GEN_T0 + (int64_t)m * 60;
        plant_minute(&g, m);
        if (o->records) {
            uint64_t want = (uint64_t)(((unsigned __int128)o->records * (m + 1)) / g.minutes);
            while (tot->records + 6 <= want)
                background(&g);
            while (tot->records < want) /* single-record kinds land exactly on the count */
                gen_rng_below(rng, 8) ? noise(&g) : nodata(&g);
        } else {
            uint64_t want = (uint64_t)(((unsigned __int128)o->size_bytes * (m + 1)) / g.minutes);
            while (tot->text_bytes < want)
                background(&g);
        }
        gen_out_minute_end(out, g.minute);
    }
    plant_finish(&g);
    return 0;
}
