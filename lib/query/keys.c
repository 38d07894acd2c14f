/* keys.c — parsing, building and printing the group-by keys of top and timeline. */
#include "query/keys.h"

#include "model/network.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char vf_key_names[] = "srcaddr, dstaddr, pair, srcport, dstport, port, protocol, interface, instance, account, "
                            "vpc, subnet, src-az, dst-az, az-pair, class, action, owner, src-owner, dst-owner, "
                            "tcp-flags, flow-direction, hour, day, or any field of the format";

static const struct {
    const char *name;
    vf_key_kind kind;
    size_t size;
} names[] = {
    {"srcaddr", VF_K_SRCADDR, 16},
    {"dstaddr", VF_K_DSTADDR, 16},
    {"pair", VF_K_PAIR, 32},
    {"srcport", VF_K_SRCPORT, 4},
    {"dstport", VF_K_DSTPORT, 4},
    {"port", VF_K_PORT, 4},
    {"protocol", VF_K_PROTOCOL, 4},
    {"interface", VF_K_INTERFACE, VF_KEY_TEXT},
    {"interface-id", VF_K_INTERFACE, VF_KEY_TEXT},
    {"instance", VF_K_INSTANCE, VF_KEY_TEXT},
    {"instance-id", VF_K_INSTANCE, VF_KEY_TEXT},
    {"account", VF_K_ACCOUNT, VF_KEY_TEXT},
    {"account-id", VF_K_ACCOUNT, VF_KEY_TEXT},
    {"vpc", VF_K_VPC, VF_KEY_TEXT},
    {"vpc-id", VF_K_VPC, VF_KEY_TEXT},
    {"subnet", VF_K_SUBNET, VF_KEY_TEXT},
    {"subnet-id", VF_K_SUBNET, VF_KEY_TEXT},
    {"src-az", VF_K_SRC_AZ, 4},
    {"dst-az", VF_K_DST_AZ, 4},
    {"az-pair", VF_K_AZ_PAIR, 4},
    {"class", VF_K_CLASS, 4},
    {"action", VF_K_ACTION, 4},
    {"owner", VF_K_OWNER, 16},
    {"src-owner", VF_K_SRC_OWNER, 16},
    {"dst-owner", VF_K_DST_OWNER, 16},
    {"tcp-flags", VF_K_TCP_FLAGS, 4},
    {"flow-direction", VF_K_FLOW_DIRECTION, 4},
    {"hour", VF_K_HOUR, 8},
    {"day", VF_K_DAY, 8},
};

vpcflow_status vf_keys_parse(const char *list, vf_keys *k, vpcflow_error *err)
{
    memset(k, 0, sizeof *k);
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!len || len >= sizeof k->part[0].name)
            return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "empty or too long key in '%s'", list);
        if (k->n == VF_MAX_KEYS)
            return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "at most %d keys", VF_MAX_KEYS);
        vf_key_part *part = &k->part[k->n];
        memcpy(part->name, p, len);
        part->name[len] = 0;
        part->kind = VF_K_COUNT;
        for (size_t i = 0; i < VF_ARRAY_LEN(names); i++)
            if (strcmp(names[i].name, part->name) == 0) {
                part->kind = names[i].kind;
                part->size = names[i].size;
            }
        if (part->kind == VF_K_COUNT) {
            part->field = vpcflow_field_lookup(p, len);
            if (part->field < 0)
                return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "unknown key '%s': use %s", part->name,
                                vf_key_names);
            part->kind = VF_K_FIELD;
            part->size = VF_KEY_TEXT;
        }
        if (part->kind == VF_K_OWNER) {
            if (k->multi)
                return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "'owner' can be used once");
            k->multi = 1;
        }
        part->offset = k->size;
        k->size += part->size;
        k->n++;
        p = e ? e + 1 : p + len;
    }
    if (!k->n)
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "no key given: use %s", vf_key_names);
    return VPCFLOW_OK;
}

/* ---- building ------------------------------------------------------------------------- */

/* The service side of a flow: a port below 1024, else one outside the ephemeral range
 * (32768 and up), else the lower one. */
static uint32_t service_port(uint32_t s, uint32_t d)
{
    int sl = s < 1024, dl = d < 1024;
    if (sl != dl)
        return sl ? s : d;
    int se = s >= 32768, de = d >= 32768;
    if (se != de)
        return se ? d : s;
    return s < d ? s : d;
}

static void put_text(unsigned char *out, const char *s, size_t len)
{
    memset(out, 0, VF_KEY_TEXT);
    if (len < VF_KEY_TEXT) {
        out[0] = (unsigned char)len;
        memcpy(out + 1, s, len);
        return;
    }
    /* long (ECS ARNs): a prefix to show and a hash of the whole to group exactly */
    out[0] = 255;
    memcpy(out + 1, s, VF_KEY_TEXT - 9);
    uint64_t h = vf_hash_bytes(s, len);
    memcpy(out + VF_KEY_TEXT - 8, &h, 8);
}

static void put_field_text(unsigned char *out, const vpcflow_record *rec, int field, const char *name)
{
    vpcflow_str s = {NULL, 0};
    if (field >= 0)
        s = vpcflow_record_text(rec, (vpcflow_field)field);
    else
        for (size_t i = 0; i < vpcflow_format_columns(rec->format); i++)
            if (vpcflow_format_column_field(rec->format, i) < 0 &&
                strcmp(vpcflow_format_column_name(rec->format, i), name) == 0)
                s = rec->cols[i];
    if (!s.ptr)
        s = (vpcflow_str){"-", 1};
    put_text(out, s.ptr, s.len);
}

typedef struct owner_key {
    uint8_t kind;
    uint8_t pad[3];
    int32_t eni;
    const vf_aws_range *aws;
} owner_key;

static void put_owner(unsigned char *out, const vf_loc *l)
{
    owner_key o;
    memset(&o, 0, sizeof o);
    o.kind = l->kind;
    o.eni = l->owner;
    o.aws = l->kind == VF_LOC_AWS ? l->aws : NULL;
    memcpy(out, &o, sizeof o);
}

static const vf_eni_facts *observer_facts(const vf_network *n, const vf_flow *f)
{
    return f->observer >= 0 ? vf_network_eni(n, (size_t)f->observer) : NULL;
}

/* Numbers and addresses are stored big-endian, so that comparing key bytes orders them by
 * value (ties in rankings then come out in address and port order). */
static void put_u32(unsigned char *out, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        out[i] = (unsigned char)(v >> (24 - 8 * i));
}

static void put_u64(unsigned char *out, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (unsigned char)(v >> (56 - 8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_addr(unsigned char *out, vpcflow_addr a)
{
    put_u64(out, a.hi);
    put_u64(out + 8, a.lo);
}

static vpcflow_addr get_addr(const unsigned char *p)
{
    vpcflow_addr a = {get_u64(p), get_u64(p + 8)};
    return a;
}

static void build_part(const vf_key_part *p, const vf_network *n, const vpcflow_record *r, const vf_flow *f,
                       unsigned char *out, int second)
{
    const vf_eni_facts *obs = observer_facts(n, f);
    int64_t t = r->start;
    switch (p->kind) {
    case VF_K_SRCADDR:
        put_addr(out, r->srcaddr);
        if (p->size == 20)
            put_u32(out + 16, (uint32_t)(f->src.owner + 1));
        break;
    case VF_K_DSTADDR:
        put_addr(out, r->dstaddr);
        if (p->size == 20)
            put_u32(out + 16, (uint32_t)(f->dst.owner + 1));
        break;
    case VF_K_PAIR:
        put_addr(out, r->srcaddr);
        put_addr(out + 16, r->dstaddr);
        if (p->size == 40) {
            put_u32(out + 32, (uint32_t)(f->src.owner + 1));
            put_u32(out + 36, (uint32_t)(f->dst.owner + 1));
        }
        break;
    case VF_K_SRCPORT:
        put_u32(out, r->srcport);
        break;
    case VF_K_DSTPORT:
        put_u32(out, r->dstport);
        break;
    case VF_K_PORT:
        put_u32(out, service_port(r->srcport, r->dstport));
        break;
    case VF_K_PROTOCOL:
        put_u32(out, r->protocol);
        break;
    case VF_K_INTERFACE:
        put_field_text(out, r, VPCFLOW_F_INTERFACE_ID, NULL);
        break;
    case VF_K_ACCOUNT:
        put_field_text(out, r, VPCFLOW_F_ACCOUNT_ID, NULL);
        break;
    case VF_K_INSTANCE:
        if ((r->present & VPCFLOW_BIT(VPCFLOW_F_INSTANCE_ID)) || !obs || strncmp(obs->label, "ec2 ", 4) != 0)
            put_field_text(out, r, VPCFLOW_F_INSTANCE_ID, NULL);
        else
            put_text(out, obs->label + 4, strlen(obs->label + 4));
        break;
    case VF_K_VPC:
        if ((r->present & VPCFLOW_BIT(VPCFLOW_F_VPC_ID)) || !obs || !obs->topo)
            put_field_text(out, r, VPCFLOW_F_VPC_ID, NULL);
        else
            put_text(out, obs->topo->vpc_id, strlen(obs->topo->vpc_id));
        break;
    case VF_K_SUBNET:
        if ((r->present & VPCFLOW_BIT(VPCFLOW_F_SUBNET_ID)) || !obs || !obs->topo)
            put_field_text(out, r, VPCFLOW_F_SUBNET_ID, NULL);
        else
            put_text(out, obs->topo->subnet_id, strlen(obs->topo->subnet_id));
        break;
    case VF_K_SRC_AZ:
        put_u32(out, f->src.kind == VF_LOC_VPC ? f->src.az_key : 0);
        break;
    case VF_K_DST_AZ:
        put_u32(out, f->dst.kind == VF_LOC_VPC ? f->dst.az_key : 0);
        break;
    case VF_K_AZ_PAIR:
        put_u32(out, (uint32_t)(f->src.kind == VF_LOC_VPC ? f->src.az_key : 0) << 16 |
                         (f->dst.kind == VF_LOC_VPC ? f->dst.az_key : 0));
        break;
    case VF_K_CLASS:
        put_u32(out, (uint32_t)f->cls);
        break;
    case VF_K_ACTION:
        put_u32(out, (r->present & VPCFLOW_BIT(VPCFLOW_F_ACTION)) ? r->action : 0);
        break;
    case VF_K_OWNER:
        put_owner(out, second ? &f->dst : &f->src);
        break;
    case VF_K_SRC_OWNER:
        put_owner(out, &f->src);
        break;
    case VF_K_DST_OWNER:
        put_owner(out, &f->dst);
        break;
    case VF_K_TCP_FLAGS:
        put_u32(out, (r->present & VPCFLOW_BIT(VPCFLOW_F_TCP_FLAGS)) ? r->tcp_flags : UINT32_MAX);
        break;
    case VF_K_FLOW_DIRECTION:
        put_u32(out, (r->present & VPCFLOW_BIT(VPCFLOW_F_FLOW_DIRECTION)) ? r->flow_direction : 0);
        break;
    case VF_K_HOUR:
        put_u64(out, (uint64_t)(t - ((t % 3600) + 3600) % 3600));
        break;
    case VF_K_DAY:
        put_u64(out, (uint64_t)(t - ((t % 86400) + 86400) % 86400));
        break;
    default:
        put_field_text(out, r, p->field, p->name);
    }
}

static int same_owner(const vf_loc *a, const vf_loc *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == VF_LOC_VPC)
        return a->owner == b->owner && a->owner >= 0;
    if (a->kind == VF_LOC_AWS)
        return a->aws == b->aws;
    return 1;
}

size_t vf_keys_build(const vf_keys *k, const vf_network *n, const vpcflow_record *rec, const vf_flow *f,
                     unsigned char *out)
{
    memset(out, 0, k->size);
    for (size_t i = 0; i < k->n; i++)
        build_part(&k->part[i], n, rec, f, out + k->part[i].offset, 0);
    if (!k->multi || same_owner(&f->src, &f->dst))
        return 1;
    /* owner: the flow counts for both of its ends */
    memcpy(out + k->size, out, k->size);
    for (size_t i = 0; i < k->n; i++)
        if (k->part[i].kind == VF_K_OWNER)
            build_part(&k->part[i], n, rec, f, out + k->size + k->part[i].offset, 1);
    return 2;
}

/* ---- printing ------------------------------------------------------------------------- */

static const char *protocol_name(uint32_t p)
{
    switch (p) {
    case 1:
        return "icmp";
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 47:
        return "gre";
    case 50:
        return "esp";
    case 58:
        return "icmpv6";
    default:
        return NULL;
    }
}

static void owner_text(const vf_network *n, const unsigned char *p, char *buf, size_t cap)
{
    owner_key o;
    memcpy(&o, p, sizeof o);
    switch (o.kind) {
    case VF_LOC_VPC:
        if (o.eni >= 0)
            snprintf(buf, cap, "%s", vf_network_eni(n, (size_t)o.eni)->label);
        else
            snprintf(buf, cap, "vpc");
        return;
    case VF_LOC_AWS:
        snprintf(buf, cap, "aws %s %s", o.aws->service, o.aws->region);
        return;
    case VF_LOC_PRIVATE:
        snprintf(buf, cap, "private");
        return;
    default:
        snprintf(buf, cap, "internet");
    }
}

static void time_text(int64_t t, int hour, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (hour)
        strftime(buf, cap, "%Y-%m-%dT%H:00Z", &tm);
    else
        strftime(buf, cap, "%Y-%m-%d", &tm);
}

void vf_keys_text(const vf_keys *k, const vf_network *n, size_t i, const unsigned char *key, char *buf, size_t cap,
                  int *json_number)
{
    const vf_key_part *p = &k->part[i];
    const unsigned char *v = key + p->offset;
    vf_topology *t = vf_network_topology(n);
    uint32_t u = get_u32(v);
    int64_t tm = (int64_t)get_u64(v);
    *json_number = 0;
    char a[64], b[64];
    switch (p->kind) {
    case VF_K_SRCADDR:
    case VF_K_DSTADDR:
        vpcflow_addr_format(get_addr(v), buf, cap);
        return;
    case VF_K_PAIR:
        vpcflow_addr_format(get_addr(v), a, sizeof a);
        vpcflow_addr_format(get_addr(v + 16), b, sizeof b);
        snprintf(buf, cap, "%s \xe2\x86\x92 %s", a, b);
        return;
    case VF_K_SRCPORT:
    case VF_K_DSTPORT:
    case VF_K_PORT:
        *json_number = 1;
        snprintf(buf, cap, "%u", u);
        return;
    case VF_K_PROTOCOL:
        if (protocol_name(u))
            snprintf(buf, cap, "%s", protocol_name(u));
        else
            snprintf(buf, cap, "%u", u);
        return;
    case VF_K_SRC_AZ:
    case VF_K_DST_AZ:
        snprintf(buf, cap, "%s", u && vf_topology_az_name(t, (uint16_t)u) ? vf_topology_az_name(t, (uint16_t)u) : "-");
        return;
    case VF_K_AZ_PAIR: {
        const char *s = vf_topology_az_name(t, (uint16_t)(u >> 16)), *d = vf_topology_az_name(t, (uint16_t)u);
        snprintf(buf, cap, "%s \xe2\x86\x92 %s", (u >> 16) && s ? s : "-", (u & 0xffff) && d ? d : "-");
        return;
    }
    case VF_K_CLASS:
        snprintf(buf, cap, "%s", vpcflow_class_name((vpcflow_class)u));
        return;
    case VF_K_ACTION:
        snprintf(buf, cap, "%s", u == VPCFLOW_ACTION_ACCEPT ? "ACCEPT" : u == VPCFLOW_ACTION_REJECT ? "REJECT" : "-");
        return;
    case VF_K_FLOW_DIRECTION:
        snprintf(buf, cap, "%s", u == VPCFLOW_DIR_INGRESS ? "ingress" : u == VPCFLOW_DIR_EGRESS ? "egress" : "-");
        return;
    case VF_K_TCP_FLAGS:
        if (u == UINT32_MAX)
            snprintf(buf, cap, "-");
        else {
            *json_number = 1;
            snprintf(buf, cap, "%u", u);
        }
        return;
    case VF_K_OWNER:
    case VF_K_SRC_OWNER:
    case VF_K_DST_OWNER:
        owner_text(n, v, buf, cap);
        return;
    case VF_K_HOUR:
        time_text(tm, 1, buf, cap);
        return;
    case VF_K_DAY:
        time_text(tm, 0, buf, cap);
        return;
    default:
        if (v[0] == 255)
            snprintf(buf, cap, "%.*s\xe2\x80\xa6", VF_KEY_TEXT - 9, (const char *)v + 1);
        else
            snprintf(buf, cap, "%.*s", (int)v[0], (const char *)v + 1);
    }
}

int vf_keys_addr(const vf_keys *k, size_t i, const unsigned char *key, vpcflow_addr *a, int second)
{
    const vf_key_part *p = &k->part[i];
    if (p->kind != VF_K_SRCADDR && p->kind != VF_K_DSTADDR && p->kind != VF_K_PAIR)
        return 0;
    if (second && p->kind != VF_K_PAIR)
        return 0;
    *a = get_addr(key + p->offset + (second ? 16 : 0));
    return 1;
}

void vf_keys_with_owners(vf_keys *k)
{
    if (k->owners)
        return;
    k->owners = 1;
    k->size = 0;
    for (size_t i = 0; i < k->n; i++) {
        vf_key_part *p = &k->part[i];
        if (p->kind == VF_K_SRCADDR || p->kind == VF_K_DSTADDR)
            p->size = 20;
        else if (p->kind == VF_K_PAIR)
            p->size = 40;
        p->offset = k->size;
        k->size += p->size;
    }
}

int vf_keys_addr_owner(const vf_keys *k, size_t i, const unsigned char *key, int second, int32_t *owner)
{
    const vf_key_part *p = &k->part[i];
    if (!k->owners || (p->kind != VF_K_SRCADDR && p->kind != VF_K_DSTADDR && p->kind != VF_K_PAIR))
        return 0;
    if (second && p->kind != VF_K_PAIR)
        return 0;
    size_t at = p->kind == VF_K_PAIR ? 32 + (second ? 4 : 0) : 16;
    *owner = (int32_t)get_u32(key + p->offset + at) - 1;
    return 1;
}
