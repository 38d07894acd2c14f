/* network.c — loads the topology inputs and the price table, and keeps the ENI facts that
 * classification reads (see network.h). */
#include "model/network_impl.h"

#include "model/history.h"

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
    n->facts[n->nfacts] = *f;
    n->facts[n->nfacts++].eni = idx;
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

/* Another owner of an ENI already in the facts (its label at other times): not indexed by id. */
static int32_t add_variant(vf_network *n, const vf_eni_facts *f, int32_t base)
{
    if (vf_grow(&n->facts, &n->cap, n->nfacts + 1, sizeof *n->facts) < 0)
        return -1;
    n->facts[n->nfacts] = *f;
    n->facts[n->nfacts].eni = base;
    return (int32_t)n->nfacts++;
}

static int kind_nat_client(int kind, int has_public)
{
    vf_eni e;
    memset(&e, 0, sizeof e);
    e.kind = (vf_owner_kind)kind;
    e.has_public = has_public;
    return is_nat_client(&e);
}

/* The AZ key of a history owner: its subnet's when --subnets has it, else that of a subnet in
 * the AZ of that name (subnets key AZs by ID), else the name's own. */
static void history_az(vf_network *n, const vf_hist_owner *ho, uint16_t *az, uint16_t *region)
{
    const vf_subnet *by_name = NULL;
    for (size_t i = 0; i < vf_topology_subnet_count(n->topo); i++) {
        const vf_subnet *s = vf_topology_subnet_at(n->topo, i);
        if (ho->subnet[0] && !strcmp(s->id, ho->subnet)) {
            *az = s->az_key;
            *region = s->region_key;
            return;
        }
        if (!by_name && ho->az[0] && !strcmp(s->az, ho->az))
            by_name = s;
    }
    if (by_name) {
        *az = by_name->az_key;
        *region = by_name->region_key;
        return;
    }
    *az = ho->az[0] ? vf_topology_az_key(n->topo, ho->az, strlen(ho->az)) : 0;
    char name[32];
    vf_region_of_az(ho->az, name, sizeof name);
    if (!name[0])
        snprintf(name, sizeof name, "%s", ho->region);
    *region = name[0] ? vf_topology_region_key(n->topo, name, strlen(name)) : 0;
}

/* Every owner of the history becomes facts: the ENI's own entry (shared with --enis when it
 * lists the ENI) for its first owner, a variant for each other label it had. */
static vpcflow_status facts_from_history(vf_network *n, const vf_network_options *o, vpcflow_error *err)
{
    n->hist = vf_history_new();
    if (!n->hist)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    vpcflow_status st = VPCFLOW_OK;
    for (size_t i = 0; st == VPCFLOW_OK && i < o->nhistory; i++)
        st = vf_history_load(n->hist, o->history[i], err);
    if (st != VPCFLOW_OK)
        return st;
    const char *home = n->home_region ? vf_topology_region_name(n->topo, n->home_region) : NULL;
    vf_history_set_region(n->hist, home);
    for (size_t i = 0; i < vf_topology_subnet_count(n->topo); i++) /* the VPCs whose logs these are */
        if (vf_topology_subnet_at(n->topo, i)->vpc_id[0] &&
            vf_history_allow_vpc(n->hist, vf_topology_subnet_at(n->topo, i)->vpc_id) < 0)
            return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < vf_topology_eni_count(n->topo); i++)
        if (vf_topology_eni_at(n->topo, i)->vpc_id[0] &&
            vf_history_allow_vpc(n->hist, vf_topology_eni_at(n->topo, i)->vpc_id) < 0)
            return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    if ((st = vf_history_finish(n->hist, err)) != VPCFLOW_OK)
        return st;
    size_t count = vf_history_owner_count(n->hist);
    n->hist_facts = vf_calloc(count + 1, sizeof *n->hist_facts);
    if (!n->hist_facts)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < count; i++) {
        const vf_hist_owner *ho = vf_history_owner(n->hist, i);
        vf_eni_facts f;
        memset(&f, 0, sizeof f);
        snprintf(f.id, sizeof f.id, "%s", ho->eni);
        snprintf(f.label, sizeof f.label, "%s", ho->label);
        f.kind = ho->kind;
        f.nat = ho->kind == VF_OWNER_NAT;
        f.nat_client = (uint8_t)kind_nat_client(ho->kind, ho->has_public);
        history_az(n, ho, &f.az_key, &f.region_key);
        int32_t base = vf_network_eni_index(n, ho->eni, strlen(ho->eni)), idx;
        if (base < 0)
            idx = vf_network_add_facts(n, &f);
        else if (!strcmp(n->facts[base].label, f.label) &&
                 (!f.az_key || n->facts[base].az_key == f.az_key)) /* the same owner as --enis says */
            idx = base;
        else {
            f.topo = n->facts[base].topo;
            idx = add_variant(n, &f, base);
        }
        if (idx < 0)
            return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        n->hist_facts[i] = idx;
    }
    const char *notes = vf_history_notes(n->hist);
    while (*notes) {
        const char *e = strchr(notes, '\n');
        size_t len = e ? (size_t)(e - notes) : strlen(notes);
        vf_network_note(n, "%.*s", (int)len, notes);
        notes += len + (e != NULL);
    }
    return VPCFLOW_OK;
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
    }
    if (st == VPCFLOW_OK && o->nhistory) {
        st = facts_from_history(n, o, err);
        if (st == VPCFLOW_OK && vf_history_owner_count(n->hist))
            n->has_enis = 1; /* owners are known: one pass, no discovery */
    }
    if (st == VPCFLOW_OK) {
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
    vf_history_free(n->hist);
    free(n->hist_facts);
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

int vf_network_has_history(const vf_network *n)
{
    return n->hist != NULL;
}

const struct vf_history *vf_network_history(const vf_network *n)
{
    return n->hist;
}

int32_t vf_network_history_facts(const vf_network *n, size_t i)
{
    return n->hist && i < vf_history_owner_count(n->hist) ? n->hist_facts[i] : -1;
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
