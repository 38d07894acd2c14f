/* ecs.c — one record as an Elastic Common Schema document, with the field names and values
 * of Filebeat's AWS VPC flow-log parser in its ECS mode, plus vpcflow's enrichment under
 * `vpcflow.*`; and the `_bulk` action line in front of it (docs/ecs.md). Written into the
 * caller's buffer: nothing is allocated per record.
 *
 * The document is nested JSON. Keys are given as dotted paths ("cloud.account.id") in an
 * order where every object's members are adjacent; the writer opens and closes objects as
 * the paths change:
 *
 *     key("cloud.provider")    {"cloud":{"provider":
 *     key("cloud.account.id")  ,"account":{"id":
 *     key("source.ip")         }},"source":{"ip":
 */
#include "base/internal.h"
#include "base/text.h"
#include "export/schema.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum { MAX_DEPTH = 4, MAX_SEG = 64 };

/* The JSON writer: the objects open below the document, by name. */
typedef struct jw {
    vf_text *t;
    char open[MAX_DEPTH][MAX_SEG];
    size_t open_len[MAX_DEPTH];
    int depth;
    int members; /* the innermost open object has members: the next one needs a comma */
} jw;

static void jw_close_to(jw *w, int depth)
{
    while (w->depth > depth) {
        vf_putc(w->t, '}');
        w->depth--;
        w->members = 1;
    }
}

/* Starts member `path` (segments separated by '.'; the last may hold dots when len_last is
 * given) and leaves the writer where its value goes. */
static void jw_key_split(jw *w, const char *parents, const char *last, size_t last_len)
{
    const char *seg[MAX_DEPTH];
    size_t len[MAX_DEPTH];
    int n = 0;
    for (const char *p = parents; p && *p && n < MAX_DEPTH;) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        seg[n] = p;
        len[n++] = l < MAX_SEG ? l : MAX_SEG - 1;
        p = dot ? dot + 1 : p + l;
    }
    int common = 0;
    while (common < w->depth && common < n && w->open_len[common] == len[common] &&
           memcmp(w->open[common], seg[common], len[common]) == 0)
        common++;
    jw_close_to(w, common);
    for (int i = common; i < n; i++) {
        if (w->members)
            vf_putc(w->t, ',');
        vf_put_json_str(w->t, seg[i], len[i]);
        vf_put(w->t, ":{", 2);
        memcpy(w->open[i], seg[i], len[i]);
        w->open_len[i] = len[i];
        w->depth = i + 1;
        w->members = 0;
    }
    if (w->members)
        vf_putc(w->t, ',');
    vf_put_json_str(w->t, last, last_len);
    vf_putc(w->t, ':');
    w->members = 1;
}

/* A path of static text: "a.b.c" is member c of object b of object a. */
static void jw_key(jw *w, const char *path)
{
    char parents[128];
    const char *dot = strrchr(path, '.');
    if (!dot) {
        jw_key_split(w, NULL, path, strlen(path));
        return;
    }
    size_t n = (size_t)(dot - path);
    memcpy(parents, path, n);
    parents[n] = 0;
    jw_key_split(w, parents, dot + 1, strlen(dot + 1));
}

static void jw_str(jw *w, const char *path, const char *s, size_t n)
{
    jw_key(w, path);
    vf_put_json_str(w->t, s, n);
}

static void jw_cstr(jw *w, const char *path, const char *s)
{
    jw_str(w, path, s, strlen(s));
}

static void jw_u64(jw *w, const char *path, uint64_t v)
{
    jw_key(w, path);
    vf_put_u64(w->t, v);
}

static void put_addr(vf_text *t, vpcflow_addr a)
{
    char buf[64];
    vf_put_json_str(t, buf, vpcflow_addr_format(a, buf, sizeof buf));
}

/* ---- values of the record --------------------------------------------------------------- */

static int has(const vpcflow_record *rec, vpcflow_field f)
{
    return (rec->present & VPCFLOW_BIT(f)) != 0;
}

/* The text of a string field, or {NULL, 0} when the format lacks it or it is "-". */
static vpcflow_str text_of(const vpcflow_record *rec, vpcflow_field f)
{
    vpcflow_str s = vpcflow_record_text(rec, f);
    if (s.ptr && s.len == 1 && s.ptr[0] == '-')
        s.ptr = NULL;
    if (!s.ptr)
        s.len = 0;
    return s;
}

static void field_str(jw *w, const vpcflow_record *rec, vpcflow_field f, const char *path)
{
    vpcflow_str s = text_of(rec, f);
    if (s.ptr)
        jw_str(w, path, s.ptr, s.len);
}

/* A time as Elasticsearch's date processor writes it, to the millisecond: the field's own
 * text when it was written in milliseconds, else the record's seconds. */
static int64_t time_ms(const vpcflow_record *rec, vpcflow_field f)
{
    int64_t secs = f == VPCFLOW_F_START ? rec->start : rec->end;
    vpcflow_str s = text_of(rec, f);
    uint64_t v = 0;
    size_t i = 0;
    for (; s.ptr && i < s.len && i < 19 && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++)
        v = v * 10 + (uint64_t)(s.ptr[i] - '0');
    if (s.ptr && i == s.len && v > INT32_MAX && v / 1000 == (uint64_t)secs)
        return (int64_t)v;
    return secs * 1000;
}

/* A time as ISO-8601 UTC to the millisecond into buf; returns its length, 0 when it has none. */
static size_t iso_time(int64_t ms, char *buf, size_t cap)
{
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    time_t tt = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return 0;
    size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    int frac = (int)(ms - secs * 1000);
    if (!n || n + 6 > cap)
        return 0;
    buf[n++] = '.';
    buf[n++] = (char)('0' + frac / 100);
    buf[n++] = (char)('0' + frac / 10 % 10);
    buf[n++] = (char)('0' + frac % 10);
    buf[n++] = 'Z';
    return n;
}

static void jw_time_text(jw *w, const char *path, const char *text, size_t n)
{
    if (n)
        jw_str(w, path, text, n);
}

static const char *transport_name(uint32_t protocol)
{
    switch (protocol) { /* the IANA keywords Filebeat names */
    case 0:
        return "hopopt";
    case 1:
        return "icmp";
    case 2:
        return "igmp";
    case 6:
        return "tcp";
    case 8:
        return "egp";
    case 17:
        return "udp";
    case 47:
        return "gre";
    case 50:
        return "esp";
    case 58:
        return "ipv6-icmp";
    case 112:
        return "vrrp";
    case 132:
        return "sctp";
    default:
        return NULL;
    }
}

static vpcflow_addr addr_of(const vpcflow_record *rec, vpcflow_field f)
{
    switch (f) {
    case VPCFLOW_F_SRCADDR:
        return rec->srcaddr;
    case VPCFLOW_F_DSTADDR:
        return rec->dstaddr;
    case VPCFLOW_F_PKT_SRCADDR:
        return rec->pkt_srcaddr;
    default:
        return rec->pkt_dstaddr;
    }
}

/* The other numbers (version, tcp-flags, traffic-path, packets-lost-*). */
static uint64_t number_of(const vpcflow_record *rec, vpcflow_field f)
{
    switch (f) {
    case VPCFLOW_F_VERSION:
        return rec->version;
    case VPCFLOW_F_TCP_FLAGS:
        return rec->tcp_flags;
    case VPCFLOW_F_TRAFFIC_PATH:
        return rec->traffic_path;
    default:
        return rec->packets_lost[f - VPCFLOW_F_PACKETS_LOST_NO_ROUTE];
    }
}

/* ---- the document, group by group -------------------------------------------------------- */

static void event_part(jw *w, const vpcflow_record *rec)
{
    char start[48], end[48], other[48];
    size_t nstart = has(rec, VPCFLOW_F_START) ? iso_time(time_ms(rec, VPCFLOW_F_START), start, sizeof start) : 0;
    size_t nend = has(rec, VPCFLOW_F_END) ? iso_time(time_ms(rec, VPCFLOW_F_END), end, sizeof end) : 0;
    if (nend)
        jw_time_text(w, "@timestamp", end, nend);
    else if (nstart)
        jw_time_text(w, "@timestamp", start, nstart);
    else if (rec->event_ms)
        jw_time_text(w, "@timestamp", other, iso_time(rec->event_ms, other, sizeof other));
    jw_cstr(w, "ecs.version", "8.11.0");
    jw_cstr(w, "event.kind", "event");
    jw_key(w, "event.category");
    vf_puts(w->t, "[\"network\"]");
    jw_key(w, "event.type");
    int action = has(rec, VPCFLOW_F_ACTION) ? rec->action : 0;
    vf_puts(w->t, action == VPCFLOW_ACTION_ACCEPT   ? "[\"connection\",\"allowed\"]"
                  : action == VPCFLOW_ACTION_REJECT ? "[\"connection\",\"denied\"]"
                                                    : "[\"connection\"]");
    if (action) {
        jw_cstr(w, "event.action", action == VPCFLOW_ACTION_ACCEPT ? "accept" : "reject");
        jw_cstr(w, "event.outcome", action == VPCFLOW_ACTION_ACCEPT ? "success" : "failure");
    }
    jw_time_text(w, "event.start", start, nstart);
    jw_time_text(w, "event.end", end, nend);
    field_str(w, rec, VPCFLOW_F_REJECT_REASON, "event.reason");
    jw_cstr(w, "event.module", "aws");
    jw_cstr(w, "event.dataset", "aws.vpcflow");
}

static void cloud_part(jw *w, const vpcflow_record *rec)
{
    jw_cstr(w, "cloud.provider", "aws");
    field_str(w, rec, VPCFLOW_F_ACCOUNT_ID, "cloud.account.id");
    field_str(w, rec, VPCFLOW_F_INSTANCE_ID, "cloud.instance.id");
    field_str(w, rec, VPCFLOW_F_REGION, "cloud.region");
    field_str(w, rec, VPCFLOW_F_AZ_ID, "cloud.availability_zone");
}

static void endpoints_part(jw *w, const vpcflow_record *rec)
{
    if (has(rec, VPCFLOW_F_SRCADDR)) {
        jw_key(w, "source.address");
        put_addr(w->t, rec->srcaddr);
        jw_key(w, "source.ip");
        put_addr(w->t, rec->srcaddr);
    }
    if (has(rec, VPCFLOW_F_SRCPORT))
        jw_u64(w, "source.port", rec->srcport);
    if (has(rec, VPCFLOW_F_PACKETS))
        jw_u64(w, "source.packets", rec->packets);
    if (has(rec, VPCFLOW_F_BYTES))
        jw_u64(w, "source.bytes", rec->bytes);
    if (has(rec, VPCFLOW_F_DSTADDR)) {
        jw_key(w, "destination.address");
        put_addr(w->t, rec->dstaddr);
        jw_key(w, "destination.ip");
        put_addr(w->t, rec->dstaddr);
    }
    if (has(rec, VPCFLOW_F_DSTPORT))
        jw_u64(w, "destination.port", rec->dstport);
}

static void network_part(jw *w, const vpcflow_record *rec)
{
    if (has(rec, VPCFLOW_F_SRCADDR))
        jw_cstr(w, "network.type", vpcflow_addr_is_v4(rec->srcaddr) ? "ipv4" : "ipv6");
    if (has(rec, VPCFLOW_F_PROTOCOL)) {
        jw_key(w, "network.iana_number");
        vf_putc(w->t, '"');
        vf_put_u64(w->t, rec->protocol);
        vf_putc(w->t, '"');
        const char *name = transport_name(rec->protocol);
        if (name)
            jw_cstr(w, "network.transport", name);
    }
    if (has(rec, VPCFLOW_F_PACKETS))
        jw_u64(w, "network.packets", rec->packets);
    if (has(rec, VPCFLOW_F_BYTES))
        jw_u64(w, "network.bytes", rec->bytes);
    field_str(w, rec, VPCFLOW_F_FLOW_DIRECTION, "network.direction");
}

/* related.ip: every address of the record, once each, in the order of the format's columns. */
static void related_part(jw *w, const vpcflow_record *rec)
{
    vpcflow_addr seen[4];
    int n = 0;
    size_t ncols = vpcflow_format_columns(rec->format);
    for (size_t i = 0; i < ncols; i++) {
        int f = vpcflow_format_column_field(rec->format, i);
        if (f < 0 || vpcflow_field_type_of((vpcflow_field)f) != VPCFLOW_T_ADDR || !has(rec, (vpcflow_field)f))
            continue;
        vpcflow_addr a = addr_of(rec, (vpcflow_field)f);
        int dup = 0;
        for (int k = 0; k < n && !dup; k++)
            dup = vpcflow_addr_eq(seen[k], a);
        if (dup || n == 4)
            continue;
        if (n == 0)
            jw_key(w, "related.ip"), vf_putc(w->t, '[');
        else
            vf_putc(w->t, ',');
        put_addr(w->t, a);
        seen[n++] = a;
    }
    if (n)
        vf_putc(w->t, ']');
}

static void ecs_part(jw *w, const vpcflow_record *rec)
{
    field_str(w, rec, VPCFLOW_F_ECS_CLUSTER_ARN, "orchestrator.cluster.id");
    field_str(w, rec, VPCFLOW_F_ECS_CLUSTER_NAME, "orchestrator.cluster.name");
    if (text_of(rec, VPCFLOW_F_ECS_CLUSTER_NAME).ptr)
        jw_cstr(w, "orchestrator.type", "ecs");
    field_str(w, rec, VPCFLOW_F_ECS_CONTAINER_INSTANCE_ARN, "orchestrator.resource.name");
    if (text_of(rec, VPCFLOW_F_ECS_CONTAINER_INSTANCE_ARN).ptr)
        jw_cstr(w, "orchestrator.resource.type", "container");
    field_str(w, rec, VPCFLOW_F_ECS_CONTAINER_INSTANCE_ID, "orchestrator.resource.id");
    field_str(w, rec, VPCFLOW_F_ECS_CONTAINER_ID, "container.id");
    field_str(w, rec, VPCFLOW_F_ECS_SERVICE_NAME, "service.name");
}

/* Fields that have an ECS home are not repeated under aws.vpcflow (Filebeat's ECS mode). */
static int has_ecs_home(int f)
{
    switch (f) {
    case VPCFLOW_F_ACCOUNT_ID:
    case VPCFLOW_F_SRCADDR:
    case VPCFLOW_F_DSTADDR:
    case VPCFLOW_F_SRCPORT:
    case VPCFLOW_F_DSTPORT:
    case VPCFLOW_F_PROTOCOL:
    case VPCFLOW_F_PACKETS:
    case VPCFLOW_F_BYTES:
    case VPCFLOW_F_START:
    case VPCFLOW_F_END:
    case VPCFLOW_F_ACTION:
    case VPCFLOW_F_INSTANCE_ID:
    case VPCFLOW_F_REGION:
    case VPCFLOW_F_AZ_ID:
    case VPCFLOW_F_FLOW_DIRECTION:
    case VPCFLOW_F_ECS_CLUSTER_ARN:
    case VPCFLOW_F_ECS_CLUSTER_NAME:
    case VPCFLOW_F_ECS_CONTAINER_INSTANCE_ARN:
    case VPCFLOW_F_ECS_CONTAINER_INSTANCE_ID:
    case VPCFLOW_F_ECS_CONTAINER_ID:
    case VPCFLOW_F_ECS_SERVICE_NAME:
    case VPCFLOW_F_REJECT_REASON:
        return 1;
    default:
        return 0;
    }
}

static void tcp_flags_array(jw *w, uint32_t flags)
{
    static const char *const names[] = {"fin", "syn", "rst", "psh", "ack", "urg"};
    int n = 0;
    for (int b = 0; b < 6; b++) {
        if (!(flags & (1u << b)))
            continue;
        if (n++ == 0)
            jw_key(w, "aws.vpcflow.tcp_flags_array"), vf_putc(w->t, '[');
        else
            vf_putc(w->t, ',');
        vf_putc(w->t, '"');
        vf_puts(w->t, names[b]);
        vf_putc(w->t, '"');
    }
    if (n)
        vf_putc(w->t, ']');
}

/* Every other column of the record under aws.vpcflow, in the order of vpcflow_field, then the
 * columns of names vpcflow does not know (their name with '-' as '_', text as it is). */
static void aws_part(jw *w, const vpcflow_record *rec)
{
    for (int f = 0; f < VPCFLOW_F_COUNT; f++) {
        if (has_ecs_home(f))
            continue;
        vpcflow_str s = text_of(rec, (vpcflow_field)f);
        if (!s.ptr)
            continue;
        const char *name = vf_column_at((size_t)f)->name; /* the AWS name with '_' for '-' */
        jw_key_split(w, "aws.vpcflow", name, strlen(name));
        vpcflow_field_type type = vpcflow_field_type_of((vpcflow_field)f);
        if (type == VPCFLOW_T_STRING || type == VPCFLOW_T_ENUM || !has(rec, (vpcflow_field)f))
            vf_put_json_str(w->t, s.ptr, s.len);
        else if (type == VPCFLOW_T_ADDR)
            put_addr(w->t, addr_of(rec, (vpcflow_field)f));
        else
            vf_put_u64(w->t, number_of(rec, (vpcflow_field)f));
        if (f == VPCFLOW_F_TCP_FLAGS && has(rec, VPCFLOW_F_TCP_FLAGS))
            tcp_flags_array(w, rec->tcp_flags);
    }
    size_t ncols = vpcflow_format_columns(rec->format);
    for (size_t i = 0; i < ncols; i++) {
        if (vpcflow_format_column_field(rec->format, i) >= 0)
            continue;
        const vpcflow_str *c = &rec->cols[i];
        if (c->len == 1 && c->ptr[0] == '-')
            continue;
        char name[MAX_SEG * 2];
        snprintf(name, sizeof name, "%s", vpcflow_format_column_name(rec->format, i));
        for (char *p = name; *p; p++)
            if (*p == '-')
                *p = '_';
        jw_key_split(w, "aws.vpcflow", name, strlen(name));
        vf_put_json_str(w->t, c->ptr, c->len);
    }
}

/* cost numerator / 2^30 = pico-USD (truncated); written as dollars with up to 12 decimals. */
static void put_usd(vf_text *t, uint64_t hi, uint64_t lo)
{
    unsigned __int128 pico = (((unsigned __int128)hi << 64) | lo) >> 30;
    unsigned __int128 dollars = pico / 1000000000000u;
    uint64_t frac = (uint64_t)(pico % 1000000000000u);
    char d[48];
    size_t n = sizeof d;
    do {
        d[--n] = (char)('0' + (int)(dollars % 10));
        dollars /= 10;
    } while (dollars);
    vf_put(t, d + n, sizeof d - n);
    if (!frac)
        return;
    char f[16];
    int len = snprintf(f, sizeof f, ".%012llu", (unsigned long long)frac);
    while (len > 2 && f[len - 1] == '0')
        len--;
    vf_put(t, f, (size_t)len);
}

static void put_u128_str(vf_text *t, uint64_t hi, uint64_t lo)
{
    unsigned __int128 v = ((unsigned __int128)hi << 64) | lo;
    char d[48];
    size_t n = sizeof d;
    do {
        d[--n] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    vf_putc(t, '"');
    vf_put(t, d + n, sizeof d - n);
    vf_putc(t, '"');
}

static void opt_cstr(jw *w, const char *path, const char *s)
{
    if (s)
        jw_cstr(w, path, s);
}

static void vpcflow_part(jw *w, const vpcflow_enriched *e)
{
    if (!e || !e->classified)
        return;
    jw_cstr(w, "vpcflow.class", vpcflow_class_name(e->cls));
    opt_cstr(w, "vpcflow.src_az", e->src_az);
    opt_cstr(w, "vpcflow.dst_az", e->dst_az);
    opt_cstr(w, "vpcflow.src_owner", e->src_owner);
    opt_cstr(w, "vpcflow.dst_owner", e->dst_owner);
    opt_cstr(w, "vpcflow.dedup", vpcflow_dedup_name(e->dedup));
    opt_cstr(w, "vpcflow.dedup_eni", e->dedup_eni);
    opt_cstr(w, "vpcflow.dedup_eni2", e->dedup_eni2);
    if (e->dedup == VPCFLOW_DEDUP_UNLESS_NAT_PEER) {
        jw_key(w, "vpcflow.dedup_peer");
        put_addr(w->t, e->dedup_peer);
    }
    if (e->has_nat_peer) {
        jw_key(w, "vpcflow.nat_peer");
        put_addr(w->t, e->nat_peer);
    }
    jw_key(w, "vpcflow.nat_processing");
    vf_puts(w->t, e->nat_processing ? "true" : "false");
    jw_key(w, "vpcflow.cost_num");
    put_u128_str(w->t, e->cost_hi, e->cost_lo);
    jw_key(w, "vpcflow.cost_usd");
    put_usd(w->t, e->cost_hi, e->cost_lo);
}

size_t vpcflow_ecs_render(const vpcflow_record *rec, const vpcflow_enriched *e, const char *bulk_index, char *buf,
                          size_t cap)
{
    vf_text t = vf_text_fixed(buf, cap);
    if (bulk_index) {
        vf_puts(&t, "{\"index\":{\"_index\":");
        vf_put_json_str(&t, bulk_index, strlen(bulk_index));
        vf_puts(&t, "}}\n");
    }
    jw w;
    memset(&w, 0, sizeof w);
    w.t = &t;
    vf_putc(&t, '{');
    event_part(&w, rec);
    cloud_part(&w, rec);
    endpoints_part(&w, rec);
    network_part(&w, rec);
    related_part(&w, rec);
    ecs_part(&w, rec);
    aws_part(&w, rec);
    vpcflow_part(&w, e);
    jw_close_to(&w, 0);
    vf_put(&t, "}\n", 2);
    return t.len;
}
