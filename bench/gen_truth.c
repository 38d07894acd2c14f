/* gen_truth.c — vpcflow-gen's ground truth: totals, classes, cost and top talkers summed from what
 * each planted record is known to be (kept or not, which class), and written as truth.json. */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct acc {
    uint64_t bytes, packets, flows;
    unsigned __int128 num; /* bytes x pico-USD per GB, flat-rate classes */
} acc;

/* The summary as vpcflow would give it under one set of inputs. */
typedef struct view {
    acc cls[VPCFLOW_CLASS_COUNT];
    uint64_t bytes_unique, nat_bytes;
    uint64_t *inet_month; /* internet-out bytes per calendar month, from 2026-11 */
} view;

typedef struct aent {
    vpcflow_addr key;
    uint64_t bytes, packets, flows;
    int used;
} aent;

typedef struct amap {
    aent *t;
    size_t cap, n;
} amap;

typedef struct pent {
    uint64_t bytes, packets, flows;
} pent;

struct gen_truth {
    const gen_net *net;
    uint64_t records, nodata, skipdata, packets, bytes;
    int64_t first, last;
    size_t nmonths;
    view full;   /* subnets, ENIs and ip-ranges known (the topology/ files) */
    view nonat;  /* subnets and ip-ranges only: NAT, ALB and RDS ENIs are not recognised */
    view noenis; /* v3/v5 without --enis: the NAT shows in pkt-* fields, ALB and RDS kinds do not */
    amap dst, src, xaz_dst, inet_dst;
    pent *port;
    const gen_eni *watch;
    uint64_t db_xaz_bytes, db_xaz_flows; /* charged cross-AZ hops of the RDS primary (advise) */
    unsigned db_peer_azs;                /* bit per AZ of its peers in those hops */
    uint64_t *win;
    size_t nwin;
};

/* ---- address map ---------------------------------------------------------------------------- */

static size_t slot(const amap *m, vpcflow_addr k)
{
    size_t i = (size_t)gen_mix64(k.hi ^ gen_mix64(k.lo)) & (m->cap - 1);
    while (m->t[i].used && !vpcflow_addr_eq(m->t[i].key, k))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void amap_grow(amap *m)
{
    amap bigger = {gen_xcalloc(m->cap ? m->cap * 2 : 1024, sizeof(aent)), m->cap ? m->cap * 2 : 1024, m->n};
    for (size_t i = 0; i < m->cap; i++)
        if (m->t[i].used)
            bigger.t[slot(&bigger, m->t[i].key)] = m->t[i];
    free(m->t);
    *m = bigger;
}

static void amap_add(amap *m, vpcflow_addr k, uint64_t bytes, uint64_t packets)
{
    if (2 * (m->n + 1) > m->cap)
        amap_grow(m);
    aent *e = &m->t[slot(m, k)];
    if (!e->used) {
        e->used = 1;
        e->key = k;
        m->n++;
    }
    e->bytes += bytes;
    e->packets += packets;
    e->flows++;
}

/* ---- accumulation ----------------------------------------------------------------------------- */

gen_truth *gen_truth_new(const gen_net *net, unsigned days)
{
    gen_truth *t = gen_xcalloc(1, sizeof *t);
    t->net = net;
    t->nmonths = days / 28 + 3;
    t->full.inet_month = gen_xcalloc(t->nmonths, sizeof(uint64_t));
    t->nonat.inet_month = gen_xcalloc(t->nmonths, sizeof(uint64_t));
    t->noenis.inet_month = gen_xcalloc(t->nmonths, sizeof(uint64_t));
    t->port = gen_xcalloc(65536, sizeof *t->port);
    t->nwin = (size_t)days * 144 + 1;
    t->win = gen_xcalloc(t->nwin, sizeof *t->win);
    return t;
}

void gen_truth_free(gen_truth *t)
{
    if (!t)
        return;
    free(t->full.inet_month);
    free(t->nonat.inet_month);
    free(t->noenis.inet_month);
    amap *maps[] = {&t->dst, &t->src, &t->xaz_dst, &t->inet_dst};
    for (size_t i = 0; i < 4; i++)
        free(maps[i]->t);
    free(t->port);
    free(t->win);
    free(t);
}

void gen_truth_watch(gen_truth *t, const gen_eni *eni)
{
    t->watch = eni;
}

uint64_t gen_truth_window_bytes(const gen_truth *t, size_t window)
{
    return window < t->nwin ? t->win[window] : 0;
}

static size_t month_of(const gen_truth *t, int64_t start)
{
    time_t tt = (time_t)start;
    struct tm tm;
    gmtime_r(&tt, &tm);
    long m = (long)(tm.tm_year + 1900 - 2026) * 12 + tm.tm_mon - 10;
    if (m < 0 || (size_t)m >= t->nmonths)
        gen_die("record start %lld is outside the months planned", (long long)start);
    return (size_t)m;
}

static int home_side(const gen_ep *e)
{
    return e->loc == LOC_VPC || e->loc == LOC_PRIVATE;
}

/* Rate of a flat-rate class for one kept hop (docs/model.md §4). */
static uint64_t flat_rate(const gen_rec *r, int with_enis)
{
    if (r->cls == VPCFLOW_CLASS_CROSS_AZ)
        return with_enis && r->free_hop ? 0 : GEN_RATE_CROSS_AZ;
    if (r->cls == VPCFLOW_CLASS_INTER_REGION && home_side(r->src))
        return r->dst->region == REG_USE2 ? GEN_RATE_TO_USE2 : GEN_RATE_INTER_REGION;
    return 0;
}

static void view_add(gen_truth *t, view *v, const gen_rec *r, int with_enis)
{
    acc *a = &v->cls[r->cls];
    a->bytes += r->bytes;
    a->packets += r->packets;
    a->flows++;
    a->num += (unsigned __int128)r->bytes * flat_rate(r, with_enis);
    v->bytes_unique += r->bytes;
    if (r->cls == VPCFLOW_CLASS_INTERNET_OUT)
        v->inet_month[month_of(t, r->start)] += r->bytes;
}

static void tops_add(gen_truth *t, const gen_rec *r)
{
    amap_add(&t->dst, r->dst->addr, r->bytes, r->packets);
    amap_add(&t->src, r->src->addr, r->bytes, r->packets);
    pent *p = &t->port[r->dport & 0xffff];
    p->bytes += r->bytes;
    p->packets += r->packets;
    p->flows++;
    if (r->cls == VPCFLOW_CLASS_CROSS_AZ)
        amap_add(&t->xaz_dst, r->dst->addr, r->bytes, r->packets);
    if (r->cls == VPCFLOW_CLASS_INTERNET_OUT)
        amap_add(&t->inet_dst, r->dst->addr, r->bytes, r->packets);
}

void gen_truth_add(gen_truth *t, const gen_rec *r)
{
    if (r->status == GEN_NODATA) {
        t->nodata++;
        return;
    }
    if (r->status == GEN_SKIPDATA) {
        t->skipdata++;
        return;
    }
    t->records++;
    t->packets += r->packets;
    t->bytes += r->bytes;
    if (t->records == 1 || r->start < t->first)
        t->first = r->start;
    if (r->start + 60 > t->last)
        t->last = r->start + 60;
    if (r->kept) {
        view_add(t, &t->full, r, 1);
        tops_add(t, r);
        const gen_eni *db = &t->net->enis[t->net->rds_primary];
        if (r->cls == VPCFLOW_CLASS_CROSS_AZ && !r->free_hop && (r->src->eni == db || r->dst->eni == db)) {
            t->db_xaz_bytes += r->bytes;
            t->db_xaz_flows++;
            t->db_peer_azs |= 1u << (r->src->eni == db ? r->dst->az : r->src->az);
        }
    }
    if (r->kept)
        view_add(t, &t->noenis, r, 0); /* no exemptions: ENI kinds are unknown */
    if (r->nat_proc) {
        t->full.nat_bytes += r->bytes;
        t->noenis.nat_bytes += r->bytes;
    }
    if (r->kept_nonat)
        view_add(t, &t->nonat, r, 0);
    if (t->watch && r->obs == t->watch && r->src == &t->watch->ep4 && r->dst->loc == LOC_INTERNET) {
        size_t w = (size_t)((r->start - GEN_T0) / 600);
        if (w < t->nwin)
            t->win[w] += r->bytes;
    }
}

/* ---- cost ----------------------------------------------------------------------------------- */

/* Internet-out numerator of one calendar month, tiers applied (no free tier). */
static unsigned __int128 internet_month(uint64_t bytes)
{
    static const uint64_t upto_gb[] = {10240, 51200, 153600, 0};
    static const uint64_t rate[] = {90000000000u, 85000000000u, 70000000000u, 50000000000u};
    unsigned __int128 num = 0;
    uint64_t prev = 0;
    for (int i = 0; i < 4 && bytes > prev; i++) {
        uint64_t lim = upto_gb[i] ? upto_gb[i] << 30 : UINT64_MAX;
        uint64_t in = (bytes < lim ? bytes : lim) - prev;
        num += (unsigned __int128)in * rate[i];
        prev = lim;
    }
    return num;
}

static unsigned __int128 class_num(const gen_truth *t, const view *v, int c)
{
    if (c != VPCFLOW_CLASS_INTERNET_OUT)
        return v->cls[c].num;
    unsigned __int128 num = 0;
    for (size_t m = 0; m < t->nmonths; m++)
        num += internet_month(v->inet_month[m]);
    return num;
}

static void write_summary(FILE *f, const gen_truth *t, const view *v, int nat_known)
{
    char usd[64];
    fprintf(f, "{\"records\":%llu,\"records_nodata\":%llu,\"records_skipdata\":%llu,\"records_malformed\":0,",
            (unsigned long long)t->records, (unsigned long long)t->nodata, (unsigned long long)t->skipdata);
    fprintf(f, "\"bytes_logged\":%llu,\"bytes_unique\":%llu,\"first_start\":%lld,\"last_end\":%lld,\n  \"classes\":{",
            (unsigned long long)t->bytes, (unsigned long long)v->bytes_unique, (long long)t->first, (long long)t->last);
    unsigned __int128 total = 0;
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++) {
        unsigned __int128 num = class_num(t, v, c);
        total += num;
        gen_usd6(num, usd, sizeof usd);
        fprintf(f, "%s\n    \"%s\":{\"bytes\":%llu,\"packets\":%llu,\"flows\":%llu,\"cost_usd\":%s}", c ? "," : "",
                vpcflow_class_name((vpcflow_class)c), (unsigned long long)v->cls[c].bytes,
                (unsigned long long)v->cls[c].packets, (unsigned long long)v->cls[c].flows, usd);
    }
    uint64_t nat = nat_known ? v->nat_bytes : 0;
    unsigned __int128 nat_num = (unsigned __int128)nat * GEN_RATE_NAT;
    total += nat_num;
    gen_usd6(nat_num, usd, sizeof usd);
    fprintf(f, "},\n  \"nat_processing\":{\"bytes\":%llu,\"cost_usd\":%s},", (unsigned long long)nat, usd);
    gen_usd6(total, usd, sizeof usd);
    fprintf(f, "\"cost_usd_total\":%s}", usd);
}

/* ---- top lists ------------------------------------------------------------------------------ */

typedef struct trow {
    char key[48];
    uint64_t bytes, packets, flows;
} trow;

static int trow_cmp(const void *a, const void *b)
{
    const trow *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return strcmp(x->key, y->key);
}

static void write_rows(FILE *f, const char *name, trow *rows, size_t n, int first)
{
    qsort(rows, n, sizeof *rows, trow_cmp);
    fprintf(f, "%s\n    \"%s\":[", first ? "" : ",", name);
    for (size_t i = 0; i < n && i < 20; i++)
        fprintf(f, "%s{\"key\":\"%s\",\"bytes\":%llu,\"packets\":%llu,\"flows\":%llu}", i ? "," : "", rows[i].key,
                (unsigned long long)rows[i].bytes, (unsigned long long)rows[i].packets,
                (unsigned long long)rows[i].flows);
    fputc(']', f);
}

static void write_amap(FILE *f, const char *name, const amap *m, int first)
{
    trow *rows = gen_xcalloc(m->n, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->t[i].used)
            continue;
        vpcflow_addr_format(m->t[i].key, rows[n].key, sizeof rows[n].key);
        rows[n].bytes = m->t[i].bytes;
        rows[n].packets = m->t[i].packets;
        rows[n].flows = m->t[i].flows;
        n++;
    }
    write_rows(f, name, rows, n, first);
    free(rows);
}

static void write_ports(FILE *f, const gen_truth *t)
{
    trow *rows = gen_xcalloc(65536, sizeof *rows);
    size_t n = 0;
    for (size_t p = 0; p < 65536; p++) {
        if (!t->port[p].flows)
            continue;
        snprintf(rows[n].key, sizeof rows[n].key, "%zu", p);
        rows[n].bytes = t->port[p].bytes;
        rows[n].packets = t->port[p].packets;
        rows[n].flows = t->port[p].flows;
        n++;
    }
    write_rows(f, "dstport", rows, n, 0);
    free(rows);
}

/* ---- truth.json ------------------------------------------------------------------------------ */

static void write_planted(FILE *f, const gen_net *net, const gen_planted *pl)
{
    const gen_eni *s = pl->iscan;
    fprintf(f,
            "\"planted\":{\n  \"internal_scanner\":{\"src\":\"%s\",\"eni\":\"%s\",\"instance\":\"%s\",\"ports\":%llu,"
            "\"hosts\":%llu,\"probes\":%llu,\"first\":%lld,\"last\":%lld},\n  \"internet_scanners\":[",
            s->ep4.txt, s->id, s->instance, (unsigned long long)pl->iscan_ports, (unsigned long long)pl->iscan_hosts,
            (unsigned long long)pl->iscan_probes, (long long)pl->iscan_first, (long long)pl->iscan_last);
    for (int i = 0; i < 3; i++)
        fprintf(f,
                "%s{\"src\":\"%s\",\"ports\":%llu,\"hosts\":%llu,\"rejected\":%llu,\"accepted\":%llu,\"first\":%lld,"
                "\"last\":%lld}",
                i ? "," : "", pl->xscan[i].src.txt, (unsigned long long)pl->xscan[i].ports,
                (unsigned long long)pl->xscan[i].hosts, (unsigned long long)pl->xscan[i].rejected,
                (unsigned long long)pl->xscan[i].accepted, (long long)pl->xscan[i].first, (long long)pl->xscan[i].last);
    fprintf(f,
            "],\n  \"ssh_accepted\":{\"src\":\"%s\",\"dst\":\"%s\",\"eni\":\"%s\",\"instance\":\"%s\",\"dstport\":22,"
            "\"records\":%llu,\"bytes\":%llu,\"first\":%lld,\"last\":%lld},\n",
            pl->ssh_src.txt, pl->ssh_dst->ep4.txt, pl->ssh_dst->id, pl->ssh_dst->instance,
            (unsigned long long)pl->ssh_records, (unsigned long long)pl->ssh_bytes, (long long)pl->ssh_first,
            (long long)pl->ssh_last);
    fprintf(f,
            "  \"egress_spike\":{\"instance\":\"%s\",\"eni\":\"%s\",\"src\":\"%s\",\"window_start\":%lld,"
            "\"window_end\":%lld,\"bytes\":%llu,\"baseline_bytes_per_window\":%llu},\n",
            pl->spike->instance, pl->spike->id, pl->spike->ep4.txt, (long long)pl->spike_window,
            (long long)pl->spike_window + 600, (unsigned long long)pl->spike_bytes,
            (unsigned long long)pl->spike_baseline);
    const gen_eni *u = &net->enis[net->legacy], *n = &net->enis[net->nat];
    fprintf(f,
            "  \"unlogged_eni\":\"%s\",\"unlogged_instance\":\"%s\",\"unlogged_addr\":\"%s\",\"nat_eni\":\"%s\","
            "\"nat_addr\":\"%s\",\"nat_gateway\":\"%s\",\n  \"alb_enis\":[\"%s\",\"%s\",\"%s\"],"
            "\"rds_enis\":[\"%s\",\"%s\"]}",
            u->id, u->instance, u->ep4.txt, n->id, n->ep4.txt, net->nat_id, net->enis[net->alb[0]].id,
            net->enis[net->alb[1]].id, net->enis[net->alb[2]].id, net->enis[net->rds_primary].id,
            net->enis[net->rds_standby].id);
    if (net->has_reuse) {
        const gen_eni *r = &net->enis[net->reuse], *sb = &net->enis[net->rds_standby];
        fprintf(f,
                ",\n\"address_reuse\":{\"addr\":\"%s\",\"at\":%lld,\"before_eni\":\"%s\",\"before\":\"rds %s\","
                "\"after_eni\":\"%s\",\"after\":\"ec2 %s\"}",
                r->ep4.txt, (long long)net->reuse_at, sb->id, sb->id, r->id, r->instance);
    }
}

static const char *format_name(int f)
{
    return f == GEN_FMT_DEFAULT ? "default" : f == GEN_FMT_V3 ? "v3" : "v5";
}

static const char *layout_name(int l)
{
    return l == GEN_LAYOUT_S3 ? "s3" : l == GEN_LAYOUT_FLAT ? "flat" : "both";
}

int gen_truth_write(const gen_truth *t, const char *path, const gen_opts *o, const gen_net *net, const gen_planted *pl,
                    uint64_t files)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "vpcflow-gen: cannot write %s\n", path);
        return -1;
    }
    fprintf(f, "{\"seed\":%llu,\"format\":\"%s\",\"layout\":\"%s\",\"plain\":%s,\"days\":%u,\"files\":%llu,\n",
            (unsigned long long)o->seed, format_name(o->format), layout_name(o->layout), o->plain ? "true" : "false",
            o->days, (unsigned long long)files);
    fprintf(f,
            "\"records\":%llu,\"records_nodata\":%llu,\"records_skipdata\":%llu,\"records_malformed\":0,"
            "\"packets\":%llu,\"bytes_logged\":%llu,\"first_start\":%lld,\"last_end\":%lld,\n\"summary\":",
            (unsigned long long)t->records, (unsigned long long)t->nodata, (unsigned long long)t->skipdata,
            (unsigned long long)t->packets, (unsigned long long)t->bytes, (long long)t->first, (long long)t->last);
    write_summary(f, t, &t->full, 1);
    if (o->format == GEN_FMT_DEFAULT) {
        fputs(",\n\"summary_without_nat_knowledge\":", f);
        write_summary(f, t, &t->nonat, 0);
    } else {
        fputs(",\n\"summary_without_enis\":", f);
        write_summary(f, t, &t->noenis, 1);
    }
    fputs(",\n\"top\":{", f);
    write_amap(f, "dstaddr", &t->dst, 1);
    write_amap(f, "srcaddr", &t->src, 0);
    write_ports(f, t);
    write_amap(f, "cross-az-dst", &t->xaz_dst, 0);
    write_amap(f, "internet-out-dst", &t->inet_dst, 0);
    fputs("},\n", f);
    /* what `vpcflow advise` must put first with --plant-chatty-db: the primary and its clients */
    fprintf(f, "\"rds_cross_az\":{\"eni\":\"%s\",\"az_id\":\"%s\",\"bytes\":%llu,\"flows\":%llu,\"peer_az_ids\":[",
            net->enis[net->rds_primary].id, gen_az_id[net->enis[net->rds_primary].az],
            (unsigned long long)t->db_xaz_bytes, (unsigned long long)t->db_xaz_flows);
    for (int z = 0, first = 1; z < 3; z++)
        if (t->db_peer_azs & (1u << z)) {
            fprintf(f, "%s\"%s\"", first ? "" : ",", gen_az_id[z]);
            first = 0;
        }
    fputs("]},\n", f);
    write_planted(f, net, pl);
    fputs("}\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "vpcflow-gen: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

void gen_truth_summary_line(const gen_truth *t, char *buf, size_t cap)
{
    unsigned __int128 total = (unsigned __int128)t->full.nat_bytes * GEN_RATE_NAT;
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++)
        total += class_num(t, &t->full, c);
    char usd[64], nat[64];
    gen_usd6(total, usd, sizeof usd);
    gen_usd6((unsigned __int128)t->full.nat_bytes * GEN_RATE_NAT, nat, sizeof nat);
    snprintf(buf, cap,
             "%llu records (+%llu NODATA, %llu SKIPDATA), %llu bytes logged, %llu unique; "
             "cost $%s of which NAT processing $%s",
             (unsigned long long)t->records, (unsigned long long)t->nodata, (unsigned long long)t->skipdata,
             (unsigned long long)t->bytes, (unsigned long long)t->full.bytes_unique, usd, nat);
}
