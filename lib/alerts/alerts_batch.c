/* alerts_batch.c — the batch run of `vpcflow alerts`: a parallel scan with one engine per
 * worker (alerts.c), merged at the end into the sorted list (alerts_out.c). */
#include "alerts/alerts.h"

#include "query/analysis.h"

#include <string.h>

typedef struct batch {
    vf_engine_options eo;
    vf_alert_engine *total;
    int failed;
} batch;

static void *batch_open(void *ctx, unsigned worker)
{
    batch *b = ctx;
    (void)worker;
    return vf_alert_engine_new(&b->eo);
}

static int batch_record(void *state, const vpcflow_record *rec)
{
    /* (unit, line) is the input order whatever thread reads the unit: examples do not
     * depend on the thread count */
    return vf_alert_engine_record(state, rec, rec->seq, rec->line_no) != 0;
}

static int batch_close(void *ctx, void *state)
{
    batch *b = ctx;
    if (vf_alert_engine_merge(b->total, state) < 0)
        b->failed = 1;
    vf_alert_engine_free(state);
    return b->failed;
}

vpcflow_status vpcflow_alerts_run(const char *const *paths, size_t npaths, const vpcflow_analysis_options *options,
                                  const vpcflow_alert_rules *rules, vpcflow_alerts **out, vpcflow_error *err)
{
    *out = NULL;
    vpcflow_alert_rules *defaults = NULL;
    vpcflow_status st = VPCFLOW_OK;
    if (!rules && (st = vpcflow_alert_rules_load(NULL, &defaults, err)) != VPCFLOW_OK)
        return st;
    vf_analysis a;
    if ((st = vf_analysis_open(&a, paths, npaths, options, err)) != VPCFLOW_OK) {
        vpcflow_alert_rules_free(defaults);
        return st;
    }
    batch b;
    memset(&b, 0, sizeof b);
    b.eo.rules = rules ? rules : defaults;
    b.eo.net = a.net;
    b.eo.action = a.opt.action;
    b.eo.since = a.opt.since;
    b.eo.until = a.opt.until;
    /* --memory: half for the merged state, half shared by the workers' states */
    size_t workers = a.opt.scan.threads ? a.opt.scan.threads : vf_cpu_count();
    b.eo.memory = a.memory_limit / 2 / workers;
    vf_engine_options total = b.eo;
    total.memory = a.memory_limit / 2;
    b.total = vf_alert_engine_new(&total);
    vpcflow_scan_stats stats;
    if (!b.total)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    else {
        vpcflow_sink sink = {batch_open, batch_record, NULL, batch_close, &b, NULL};
        st = vpcflow_scan(a.paths, a.npaths, &a.opt.scan, &sink, &stats, err);
        if (st != VPCFLOW_OK)
            vf_analysis_name_stdin(&a, err);
        if (st == VPCFLOW_ERR_STOPPED || (st == VPCFLOW_OK && b.failed))
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    if (st == VPCFLOW_OK && (st = vf_alert_engine_finish(b.total, out, err)) == VPCFLOW_OK) {
        (*out)->stats = stats;
        (*out)->evicted = vf_alert_engine_evicted(b.total);
    }
    vf_alert_engine_free(b.total);
    vf_analysis_close(&a);
    vpcflow_alert_rules_free(defaults);
    return st;
}
