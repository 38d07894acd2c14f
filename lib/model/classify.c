/* classify.c — where an address is (docs/model.md §1) and the traffic class of a hop (§2). */
#include "model/network_impl.h"

#include "model/history.h"

#include <stdio.h>
#include <string.h>

int vf_is_private(vpcflow_addr a)
{
    if (vpcflow_addr_is_v4(a)) {
        uint32_t v = vpcflow_addr_v4(a);
        return (v >> 24) == 10 ||              /* 10/8 */
               (v >> 20) == 0xac1 ||           /* 172.16/12 */
               (v >> 16) == 0xc0a8 ||          /* 192.168/16 */
               (v >> 22) == (100u << 2 | 1) || /* 100.64/10 (RFC 6598) */
               (v >> 16) == 0xa9fe ||          /* 169.254/16 link-local */
               (v >> 24) == 127;               /* loopback */
    }
    uint16_t top = (uint16_t)(a.hi >> 48);
    return (top & 0xfe00) == 0xfc00 || /* fc00::/7 unique local */
           (top & 0xffc0) == 0xfe80 || /* fe80::/10 link-local */
           (a.hi == 0 && a.lo == 1);   /* ::1 */
}

void vf_locate_as(const vf_network *n, vpcflow_addr a, int32_t owner, vf_loc *out)
{
    memset(out, 0, sizeof *out);
    out->owner = owner;
    out->eni = owner >= 0 ? n->facts[owner].eni : -1;
    if (out->owner >= 0) {
        const vf_eni_facts *f = &n->facts[out->owner];
        out->kind = VF_LOC_VPC;
        out->az_key = f->az_key;
        out->region_key = f->region_key;
        if (!out->az_key) {
            const vf_subnet *s = vf_topology_subnet_of(n->topo, a);
            if (s) {
                out->az_key = s->az_key;
                out->region_key = s->region_key;
            }
        }
        if (!out->region_key)
            out->region_key = n->home_region;
        return;
    }
    const vf_subnet *s = vf_topology_subnet_of(n->topo, a);
    if (s) {
        out->kind = VF_LOC_VPC;
        out->az_key = s->az_key;
        out->region_key = s->region_key ? s->region_key : n->home_region;
        return;
    }
    if (vf_is_private(a)) {
        out->kind = VF_LOC_PRIVATE;
        return;
    }
    const vf_aws_range *r = vf_topology_aws_of(n->topo, a);
    if (r) {
        out->kind = VF_LOC_AWS;
        out->aws = r;
        out->region_key = r->region_key;
        out->home = r->region_key == n->home_region || r->region_key == n->global_region;
        return;
    }
    out->kind = VF_LOC_INTERNET;
}

void vf_locate(const vf_network *n, vpcflow_addr a, vf_loc *out)
{
    vf_locate_as(n, a, vf_network_owner(n, a), out);
    out->via = out->owner < 0 ? VF_VIA_NONE : n->discovered ? VF_VIA_LOGS : VF_VIA_SNAPSHOT;
}

void vf_locate_at(const vf_network *n, vpcflow_addr a, int64_t t, vf_loc *out, int64_t *from, int64_t *to)
{
    *from = VF_HIST_BEGIN;
    *to = VF_HIST_END;
    if (!n->hist) {
        vf_locate(n, a, out);
        return;
    }
    int32_t h = vf_history_owner_at(n->hist, a, t, from, to);
    if (h >= 0) {
        vf_locate_as(n, a, n->hist_facts[h], out);
        out->via = VF_VIA_HISTORY;
        return;
    }
    /* not covered by the history: the snapshot's owner, unless the history knows that ENI did
     * not exist at t */
    int32_t owner = vf_network_owner(n, a);
    int64_t born, died;
    if (owner >= 0 && vf_history_eni_life(n->hist, n->facts[owner].id, &born, &died)) {
        if (t < born) {
            *to = VF_MIN(*to, born);
            owner = -1;
        } else if (t >= died) {
            *from = VF_MAX(*from, died);
            owner = -1;
        } else {
            *from = VF_MAX(*from, born);
            *to = VF_MIN(*to, died);
        }
    }
    vf_locate_as(n, a, owner, out);
    out->via = owner < 0 ? VF_VIA_NONE : VF_VIA_SNAPSHOT;
}

static int internal(const vf_loc *l)
{
    return l->kind == VF_LOC_VPC || l->kind == VF_LOC_PRIVATE;
}

vpcflow_class vf_class_of(const vf_network *n, const vf_loc *s, const vf_loc *d)
{
    (void)n;
    if (internal(s) && internal(d)) {
        if (s->kind != VF_LOC_VPC || d->kind != VF_LOC_VPC || !s->az_key || !d->az_key)
            return VPCFLOW_CLASS_INTERNAL_UNKNOWN;
        if (s->region_key != d->region_key)
            return VPCFLOW_CLASS_INTER_REGION;
        return s->az_key == d->az_key ? VPCFLOW_CLASS_SAME_AZ : VPCFLOW_CLASS_CROSS_AZ;
    }
    if (internal(s) || internal(d)) {
        const vf_loc *peer = internal(s) ? d : s;
        if (peer->kind == VF_LOC_AWS)
            return peer->home ? VPCFLOW_CLASS_AWS_SAME_REGION : VPCFLOW_CLASS_INTER_REGION;
        return internal(s) ? VPCFLOW_CLASS_INTERNET_OUT : VPCFLOW_CLASS_INTERNET_IN;
    }
    return VPCFLOW_CLASS_UNKNOWN;
}

void vf_loc_label(const vf_network *n, const vf_loc *l, char *buf, size_t cap)
{
    switch (l->kind) {
    case VF_LOC_VPC:
        if (l->owner >= 0)
            snprintf(buf, cap, "%s", n->facts[l->owner].label);
        else
            snprintf(buf, cap, "vpc");
        return;
    case VF_LOC_PRIVATE:
        snprintf(buf, cap, "private");
        return;
    case VF_LOC_AWS:
        snprintf(buf, cap, "aws %s %s", l->aws->service, l->aws->region);
        return;
    default:
        snprintf(buf, cap, "internet");
    }
}

void vf_owner_label(const vf_network *n, vpcflow_addr a, char *buf, size_t cap)
{
    vf_loc l;
    vf_locate(n, a, &l);
    vf_loc_label(n, &l, buf, cap);
}
