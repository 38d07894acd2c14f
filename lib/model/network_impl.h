/* network_impl.h — the inside of vf_network, shared by network.c, discover.c, classify.c and
 * flow.c (one concern each); nothing outside lib/model/ includes it: other stages use the
 * accessors of network.h. */
#ifndef VF_NETWORK_IMPL_H
#define VF_NETWORK_IMPL_H

#include "base/map.h"
#include "base/text.h"
#include "model/network.h"

struct vf_network {
    vf_topology *topo;
    vf_prices prices;
    int free_tier;
    int has_enis, has_subnets, has_ipranges;
    int discovered;  /* facts were learned from the logs */
    int no_dedup;    /* every record counts */
    int nat_visible; /* the logs could show NAT gateways (v3+ pkt-* fields) */
    vf_eni_facts *facts;
    size_t nfacts, cap;
    vf_map by_id;     /* 32-byte zero-padded ENI id -> facts index */
    vf_map by_addr;   /* address -> facts index of its owner */
    vf_map nat_pairs; /* (client, peer) seen on a NAT gateway's inside leg */
    uint16_t home_region, global_region;
    struct vf_history *hist; /* --history, or NULL */
    int32_t *hist_facts;     /* history owner index -> facts index */
    vf_text notes;           /* growing: one line per note */
    uint64_t unlisted;
};

int32_t vf_network_add_facts(vf_network *n, const vf_eni_facts *f);
int vf_network_own(vf_network *n, vpcflow_addr a, int32_t idx);
int vf_is_private(vpcflow_addr a);

#endif
