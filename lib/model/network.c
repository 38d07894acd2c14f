/* network.c — loads the topology inputs and the price table, and keeps the ENI facts that
 * classification reads (see network.h). */
#include "model/network_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static vpcflow_status load_all(vf_network *n, const vf_network_options *o, vpcflow_error *err)
{
    vpcflow_status st = VPCFLOW_OK;
    for (size_t i = 0; st == VPCFLOW_OK && i < o->nsubnets; i++)
        st = vf_topology_load_subnets(n->topo, o->subnets[i], err);
    for (size_t i = 0; st == VPCFLOW_OK && i < o->nenis; i++)
        st = vf_topology_load_enis(n->topo, o->enis[i], err);
    for (size_t i = 0; st == VPCFLOW_OK && i < o->nipranges; i++)
        st = vf_topology_load_ipranges(n->topo, o->ipranges[i], err);
    for (size_t i = 0; st == VPCFLOW_OK && i < o->ntopology; i++)
        st = vf_topology_load_file(n->topo, o->topology[i], err);
    if (st == VPCFLOW_OK && o->region)
        vf_topology_set_region(n->topo, o->region);
    if (st == VPCFLOW_OK)
        st = vf_topology_finish(n->topo, err);
    if (st == VPCFLOW_OK && o->prices)
        st = vf_prices_load(&n->prices, o->prices, err);
    return st;
}

/* An ENI without a public address reaches the internet through a NAT gateway, unless it is a
 * kind of interface that never originates internet traffic itself. */
static int is_nat_client(const vf_eni *e)
{
    if (e->has_public)
        return 0;
    switch (e->kind) {
    case VF_OWNER_NAT:
    case VF_OWNER_ELB_APP:
    case VF_OWNER_ELB_NET:
    case VF_OWNER_ELB_CLASSIC:
    case VF_OWNER_GWLB:
    case VF_OWNER_VPCE:
    case VF_OWNER_TGW:
        return 0;
    default:
        return 1;
    }
}

int32_t vf_network_add_facts(vf_network *n, const vf_eni_facts *f)
{
    if (vf_grow(&n->facts, &n->cap, n->nfacts + 1, sizeof *n->facts) < 0)
        return -1;
    int32_t idx = (int32_t)n->nfacts;
    n->facts[n->nfacts++] = *f;
    char key[32] = {0};
    memcpy(key, f->id, strnlen(f->id, sizeof key - 1));
    if (vf_map_put(&n->by_id, key, (uint32_t)idx) < 0)
        return -1;
    return idx;
}

int vf_network_own(vf_network *n, vpcflow_addr a, int32_t idx)
{
    uint32_t v = (uint32_t)idx;
    return vf_map_add(&n->by_addr, &a, &v) < 0 ? -1 : 0; /* the first owner stays */
}

static vpcflow_status facts_from_topology(vf_network *n, vpcflow_error *err)
{
    size_t count = vf_topology_eni_count(n->topo);
    for (size_t i = 0; i < count; i++) {
        const vf_eni *e = vf_topology_eni_at(n->topo, i);
        vf_eni_facts f;
        memset(&f, 0, sizeof f);
        snprintf(f.id, sizeof f.id, "%s", e->id);
        f.topo = e;
        f.kind = (uint8_t)e->kind;
        f.nat = e->kind == VF_OWNER_NAT;
        f.nat_client = (uint8_t)is_nat_client(e);
        f.az_key = e->az_key;
        f.region_key = e->region_key;
        snprintf(f.label, sizeof f.label, "%s", e->label);
        for (size_t k = 0; k < e->naddrs; k++) {
            if (vpcflow_addr_is_v4(e->addrs[k]) && !f.has_own4) {
                f.own4 = e->addrs[k];
                f.has_own4 = 1;
            } else if (!vpcflow_addr_is_v4(e->addrs[k]) && !f.has_own6) {
                f.own6 = e->addrs[k];
                f.has_own6 = 1;
            }
        }
        int32_t idx = vf_network_add_facts(n, &f);
        if (idx < 0)
            return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        for (size_t k = 0; k < e->naddrs; k++)
            if (vf_network_own(n, e->addrs[k], idx) < 0)
                return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    return VPCFLOW_OK;
}

vpcflow_status vf_network_new(const vf_network_options *o, vf_network **out, vpcflow_error *err)
{
    vf_network *n = vf_calloc(1, sizeof *n);
    if (!n)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    vf_prices_default(&n->prices);
    n->notes.grows = 1;
    n->free_tier = o->free_tier;
    n->no_dedup = o->no_dedup;
    n->topo = vf_topology_new();
    if (!n->topo || vf_map_init(&n->by_id, 32) < 0 || vf_map_init(&n->by_addr, sizeof(vpcflow_addr)) < 0 ||
        vf_map_init(&n->nat_pairs, 2 * sizeof(vpcflow_addr)) < 0) {
        vf_network_free(n);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    vpcflow_status st = load_all(n, o, err);
    if (st == VPCFLOW_OK) {
        n->has_enis = vf_topology_eni_count(n->topo) > 0;
        n->has_subnets = vf_topology_subnet_count(n->topo) > 0;
        n->has_ipranges = vf_topology_aws_count(n->topo) > 0;
        st = facts_from_topology(n, err);
    }
    if (st == VPCFLOW_OK) {
        n->home_region = vf_topology_home_region(n->topo);
        if (!n->home_region) /* the price table's region stands in */
            n->home_region = vf_topology_region_key(n->topo, n->prices.region, strlen(n->prices.region));
        n->global_region = vf_topology_region_key(n->topo, "GLOBAL", 6);
        if (vf_topology_out_of_memory(n->topo))
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    if (st != VPCFLOW_OK) {
        vf_network_free(n);
        return st;
    }
    *out = n;
    return VPCFLOW_OK;
}

void vf_network_free(vf_network *n)
{
    if (!n)
        return;
    vf_topology_free(n->topo);
    vf_map_free(&n->by_id);
    vf_map_free(&n->by_addr);
    vf_map_free(&n->nat_pairs);
    free(n->facts);
    free(n->notes.buf);
    free(n);
}

int vf_network_has_enis(const vf_network *n)
{
    return n->has_enis;
}

int vf_network_has_subnets(const vf_network *n)
{
    return n->has_subnets;
}

int vf_network_has_ipranges(const vf_network *n)
{
    return n->has_ipranges;
}

const vf_prices *vf_network_prices(const vf_network *n)
{
    return &n->prices;
}

vf_topology *vf_network_topology(const vf_network *n)
{
    return n->topo;
}

int vf_network_free_tier(const vf_network *n)
{
    return n->free_tier;
}

size_t vf_network_eni_count(const vf_network *n)
{
    return n->nfacts;
}

const vf_eni_facts *vf_network_eni(const vf_network *n, size_t i)
{
    return i < n->nfacts ? &n->facts[i] : NULL;
}

int32_t vf_network_eni_index(const vf_network *n, const char *id, size_t len)
{
    char key[32] = {0};
    if (len >= sizeof key)
        return -1;
    memcpy(key, id, len);
    return (int32_t)vf_map_get(&n->by_id, key);
}

int32_t vf_network_owner(const vf_network *n, vpcflow_addr a)
{
    return (int32_t)vf_map_get(&n->by_addr, &a);
}

int vf_network_nat_pair(const vf_network *n, vpcflow_addr client, vpcflow_addr peer)
{
    vpcflow_addr key[2] = {client, peer};
    return vf_map_get(&n->nat_pairs, key) >= 0;
}

void vf_network_note(vf_network *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vf_vprintf(&n->notes, fmt, ap);
    va_end(ap);
    vf_putc(&n->notes, '\n');
}

const char *vf_network_notes(const vf_network *n)
{
    return n->notes.buf ? n->notes.buf : "";
}

uint64_t vf_network_unlisted_enis(const vf_network *n)
{
    return n->unlisted;
}

void vf_network_set_unlisted_enis(vf_network *n, uint64_t count)
{
    n->unlisted = count;
}

int vf_network_nat_visible(const vf_network *n)
{
    return n->nat_visible;
}
