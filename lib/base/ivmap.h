/* ivmap.h — interval maps of CIDR blocks: the lookups behind subnets and AWS ranges. */
#ifndef VF_IVMAP_H
#define VF_IVMAP_H

#include "base/internal.h"

/* Interval maps: CIDR blocks flattened into sorted disjoint intervals, each holding
 * the block that wins there, for lookups by binary search (IPv4 and IPv6 apart). CIDR blocks
 * nest or are disjoint, so the winner at an address is the best of the blocks holding it. */
typedef struct vf_ivblock {
    vpcflow_addr net;
    unsigned plen; /* vpcflow_cidr_parse terms; an IPv4-mapped net with plen >= 96 is IPv4 */
    uint32_t id;
} vf_ivblock;
typedef struct vf_ivmap {
    uint32_t *lo4, *hi4, *val4;
    unsigned __int128 *lo6, *hi6;
    uint32_t *val6;
    size_t n4, n6;
} vf_ivmap;
/* better(ctx, a, b): nonzero when block id a wins over block id b where both hold an address.
 * overlap (may be NULL) hears of every block that lies inside another. */
typedef int (*vf_iv_better)(const void *ctx, uint32_t a, uint32_t b);
typedef void (*vf_iv_overlap)(void *ctx, uint32_t outer, uint32_t inner);
vpcflow_status vf_ivmap_build(vf_ivmap *m, const vf_ivblock *blocks, size_t n, vf_iv_better better,
                              vf_iv_overlap overlap, void *ctx);
/* The winning block's id + 1 at a, or 0. */
uint32_t vf_ivmap_find(const vf_ivmap *m, vpcflow_addr a);
void vf_ivmap_free(vf_ivmap *m);

#endif
