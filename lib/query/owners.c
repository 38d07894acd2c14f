/* owners.c — `vpcflow owners`: the ownership timeline of one address, from the history
 * (--history) and the current snapshot (--enis), as the classifier would see it. */
#include "model/history.h"
#include "model/network.h"
#include "query/analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct span_text {
    char eni[48], label[128], az[32], subnet[48];
} span_text;

struct vpcflow_owners {
    vpcflow_owner_span *v;
    span_text *text;
    size_t n;
    char *notes;
};

static void fill(vpcflow_owners *o, int64_t from, int64_t to, const char *eni, const char *label, const char *az,
                 const char *subnet, const char *source)
{
    span_text *t = &o->text[o->n];
    snprintf(t->eni, sizeof t->eni, "%s", eni);
    snprintf(t->label, sizeof t->label, "%s", label);
    snprintf(t->az, sizeof t->az, "%s", az);
    snprintf(t->subnet, sizeof t->subnet, "%s", subnet);
    vpcflow_owner_span *s = &o->v[o->n++];
    s->from = from;
    s->to = to;
    s->eni = t->eni;
    s->label = t->label;
    s->az = t->az;
    s->subnet = t->subnet;
    s->source = source;
}

vpcflow_status vpcflow_owners_run(const char *address, const vpcflow_analysis_options *options, vpcflow_owners **out,
                                  vpcflow_error *err)
{
    vpcflow_analysis_options opt;
    memset(&opt, 0, sizeof opt);
    memcpy(&opt, options, VF_MIN(options->size ? options->size : sizeof opt, sizeof opt));
    vpcflow_addr a;
    if (!address || vpcflow_addr_parse(address, strlen(address), &a) < 0)
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "'%s' is not an IP address", address ? address : "");
    vf_network *n = NULL;
    vpcflow_status st = vf_analysis_network(&opt, &n, err);
    if (st != VPCFLOW_OK)
        return st;
    const vf_history *h = vf_network_history(n);
    const vf_hist_span *spans = NULL;
    size_t ns = h ? vf_history_spans(h, a, &spans) : 0;
    vpcflow_owners *o = vf_calloc(1, sizeof *o);
    if (!o || !(o->v = vf_calloc(ns + 1, sizeof *o->v)) || !(o->text = vf_calloc(ns + 1, sizeof *o->text)) ||
        !(o->notes = vf_strndup(vf_network_notes(n), strlen(vf_network_notes(n))))) {
        vpcflow_owners_free(o);
        vf_network_free(n);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < ns; i++) {
        const vf_hist_owner *ho = vf_history_owner(h, spans[i].owner);
        fill(o, spans[i].from, spans[i].to, ho->eni, ho->label, ho->az, ho->subnet, "history");
    }
    int32_t snap = vf_network_owner(n, a);
    if (snap >= 0) {
        const vf_eni_facts *f = vf_network_eni(n, (size_t)snap);
        int64_t born = VF_HIST_BEGIN, died = VF_HIST_END;
        if (h)
            vf_history_eni_life(h, f->id, &born, &died);
        const char *az = f->az_key ? vf_topology_az_name(vf_network_topology(n), f->az_key) : NULL;
        fill(o, born, died, f->id, f->label, az ? az : "", f->topo ? f->topo->subnet_id : "", "snapshot");
    }
    vf_network_free(n);
    *out = o;
    return VPCFLOW_OK;
}

size_t vpcflow_owners_count(const vpcflow_owners *o)
{
    return o ? o->n : 0;
}

const vpcflow_owner_span *vpcflow_owners_span(const vpcflow_owners *o, size_t i)
{
    return o && i < o->n ? &o->v[i] : NULL;
}

const char *vpcflow_owners_notes(const vpcflow_owners *o)
{
    return o && o->notes ? o->notes : "";
}

void vpcflow_owners_free(vpcflow_owners *o)
{
    if (!o)
        return;
    free(o->v);
    free(o->text);
    free(o->notes);
    free(o);
}
