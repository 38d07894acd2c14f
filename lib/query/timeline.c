/* timeline.c — `vpcflow timeline`: the metric per time bucket (5m, 1h, 1d …), optionally split
 * by keys; a record spanning bucket edges is apportioned by the time it spends in each. */
#include "query/rows.h"

#include <string.h>

#define MAX_PIECES 4096

/* Spreads a record over the buckets its [start, end) overlaps, in proportion to the overlap;
 * integer parts that add up exactly to the whole. The flow counts in its first bucket. */
void vf_timeline_pieces(const vpcflow_record *r, const vf_flow *f, int64_t every, vf_piece_fn fn, void *ctx)
{
    int64_t start = r->start, end = r->end > r->start ? r->end : r->start;
    int64_t first = start - ((start % every) + every) % every;
    int64_t dur = end - start;
    int64_t pieces = dur ? (end - 1 - first) / every + 1 : 1;
    if (pieces > MAX_PIECES) { /* a record spanning thousands of buckets: keep it whole */
        pieces = 1;
        dur = 0;
    }
    for (int64_t p = 0; p < pieces; p++) {
        int64_t b = first + p * every;
        if (pieces == 1) {
            fn(ctx, b, &f->m);
            continue;
        }
        vf_metrics m = f->m;
        uint64_t lo = (uint64_t)(VF_MAX(b, start) - start), hi = (uint64_t)(VF_MIN(b + every, end) - start);
        uint64_t d = (uint64_t)dur;
#define SHARE(x) ((uint64_t)((unsigned __int128)(x)*hi / d - (unsigned __int128)(x)*lo / d))
        m.bytes = SHARE(f->m.bytes);
        m.packets = SHARE(f->m.packets);
        m.inet_bytes = SHARE(f->m.inet_bytes);
        m.cost = f->m.cost * hi / d - f->m.cost * lo / d;
#undef SHARE
        m.flows = p == 0;
        fn(ctx, b, &m);
    }
}

typedef struct piece_sink {
    unsigned char *buf; /* 8 bytes of bucket, then the key */
    vf_emit_fn emit;
    void *sink;
} piece_sink;

static void piece_emit(void *ctx, int64_t bucket, const vf_metrics *m)
{
    piece_sink *p = ctx;
    memcpy(p->buf, &bucket, 8);
    p->emit(p->sink, p->buf, m);
}

void vf_timeline_group(void *ctx, const vpcflow_record *r, const vf_flow *f, vf_emit_fn emit, void *sink)
{
    top_ctx *c = ctx;
    unsigned char buf[8 + 2 * VF_MAX_KEYS * 64];
    unsigned char keys[2 * VF_MAX_KEYS * 64];
    size_t nk = c->keys.n ? vf_keys_build(&c->keys, c->net, r, f, keys) : 1;
    piece_sink ps = {buf, emit, sink};
    for (size_t k = 0; k < nk; k++) {
        memcpy(buf + 8, keys + k * c->keys.size, c->keys.size);
        vf_timeline_pieces(r, f, c->every, piece_emit, &ps);
    }
}

vpcflow_status vpcflow_timeline_run(const char *const *paths, size_t npaths, const vpcflow_query_options *options,
                                    vpcflow_rows **out, vpcflow_error *err)
{
    return vf_rows_run(paths, npaths, options, 1, vf_timeline_group, out, err);
}
