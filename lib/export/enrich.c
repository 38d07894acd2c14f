/* enrich.c — every record with what vpcflow computes about it: class, AZs, owners, the
 * de-duplication verdict kept as data (a condition on what else is loaded), NAT processing
 * and the cost numerator (docs/export.md). The rows of the PostgreSQL table and of the
 * Parquet output are made here, one record at a time, without allocating. */
#include "base/internal.h"

#include "model/cost.h"
#include "model/network.h"
#include "query/analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vpcflow_enrich {
    vf_analysis a;
};

struct vpcflow_enricher {
    const vpcflow_enrich *e;
    vf_flowctx *fc;
    char src_owner[160], dst_owner[160];
};

vpcflow_status vpcflow_enrich_open(const char *const *paths, size_t npaths, const vpcflow_analysis_options *options,
                                   vpcflow_enrich **out, vpcflow_error *err)
{
    *out = NULL;
    vpcflow_enrich *e = vf_calloc(1, sizeof *e);
    if (!e)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    vpcflow_status st = vf_analysis_open(&e->a, paths, npaths, options, err);
    if (st != VPCFLOW_OK) {
        free(e);
        return st;
    }
    *out = e;
    return VPCFLOW_OK;
}

void vpcflow_enrich_close(vpcflow_enrich *e)
{
    if (!e)
        return;
    vf_analysis_close(&e->a);
    free(e);
}

int vpcflow_enrich_has_enis(const vpcflow_enrich *e)
{
    return vf_network_has_enis(e->a.net);
}

const char *vpcflow_enrich_notes(const vpcflow_enrich *e)
{
    const char *n = vf_network_notes(e->a.net);
    return n ? n : "";
}

const char *const *vpcflow_enrich_paths(const vpcflow_enrich *e, size_t *npaths)
{
    *npaths = e->a.npaths;
    return e->a.paths;
}

const vpcflow_scan_options *vpcflow_enrich_scan_options(const vpcflow_enrich *e)
{
    return &e->a.opt.scan;
}

const char *vpcflow_dedup_name(vpcflow_dedup d)
{
    static const char *const names[] = {NULL, "keep", "drop", "unless-logged", "unless-nat-peer"};
    return (unsigned)d < sizeof names / sizeof *names ? names[d] : NULL;
}

vpcflow_enricher *vpcflow_enricher_new(const vpcflow_enrich *e)
{
    vpcflow_enricher *w = vf_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->e = e;
    w->fc = vf_flowctx_new(e->a.net);
    if (!w->fc) {
        free(w);
        return NULL;
    }
    vf_flowctx_defer(w->fc);
    return w;
}

void vpcflow_enricher_free(vpcflow_enricher *w)
{
    if (!w)
        return;
    vf_flowctx_free(w->fc);
    free(w);
}

static const char *az_of(const vf_network *n, const vf_loc *l)
{
    if (l->kind != VF_LOC_VPC || !l->az_key)
        return NULL;
    return vf_topology_az_name(vf_network_topology(n), l->az_key);
}

static const char *eni_id(const vf_network *n, int32_t idx)
{
    return idx >= 0 ? vf_network_eni(n, (size_t)idx)->id : NULL;
}

int vpcflow_enrich_record(vpcflow_enricher *w, const vpcflow_record *rec, vpcflow_enriched *out)
{
    const vf_network *n = w->e->a.net;
    vf_flow f;
    memset(out, 0, sizeof *out);
    if (!vf_flow_eval(w->fc, rec, &f))
        return 0;
    out->classified = 1;
    out->cls = f.cls;
    out->src_az = az_of(n, &f.src);
    out->dst_az = az_of(n, &f.dst);
    vf_loc_label(n, &f.src, w->src_owner, sizeof w->src_owner);
    vf_loc_label(n, &f.dst, w->dst_owner, sizeof w->dst_owner);
    out->src_owner = w->src_owner;
    out->dst_owner = w->dst_owner;
    switch (f.verdict) {
    case VF_KEEP:
        out->dedup = VPCFLOW_DEDUP_KEEP;
        break;
    case VF_DROP:
        out->dedup = VPCFLOW_DEDUP_DROP;
        break;
    default:
        if (f.cond.type == VF_COND_NAT_PEER) {
            out->dedup = VPCFLOW_DEDUP_UNLESS_NAT_PEER;
            out->dedup_peer = f.cond.peer;
        } else {
            out->dedup = VPCFLOW_DEDUP_UNLESS_LOGGED;
            out->dedup_eni = eni_id(n, f.cond.eni);
            out->dedup_eni2 = eni_id(n, f.cond.eni2);
        }
    }
    out->has_nat_peer = f.nat_witness;
    out->nat_peer = f.nat_peer;
    out->nat_processing = f.nat_in;
    unsigned __int128 c = f.cls == VPCFLOW_CLASS_INTERNET_OUT ? 0 : f.m.cost;
    out->cost_hi = (uint64_t)(c >> 64);
    out->cost_lo = (uint64_t)c;
    return 1;
}
