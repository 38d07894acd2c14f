/* analysis.c — prepares a run of summary, top or timeline: the network, the discovery pass,
 * stdin spooling, and the notes on what inputs would make the answer sharper. */
#include "query/analysis.h"

#include "model/network.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORKER_MEMORY ((size_t)6 << 20) /* what one reading thread holds besides its tables */
#define RUN_MEMORY ((size_t)4 << 20)    /* the network, the inputs' list, the outcome */
#define MIN_TABLES ((size_t)1 << 20)

/* Copies stdin to a temporary file so that the discovery pass and the main pass both see it. */
static vpcflow_status spool_stdin(vf_analysis *a, vpcflow_error *err)
{
    const char *dir = getenv("TMPDIR");
    size_t len = strlen(dir && *dir ? dir : "/tmp") + 32;
    a->spool = malloc(len);
    if (!a->spool)
        return vf_error(err, VPCFLOW_ERR_IO, "-", 0, 0, "out of memory");
    snprintf(a->spool, len, "%s/vpcflow-stdin-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(a->spool);
    if (fd < 0) {
        vf_error(err, VPCFLOW_ERR_IO, a->spool, 0, 0, "cannot create a temporary copy of stdin: %s", strerror(errno));
        free(a->spool);
        a->spool = NULL;
        return VPCFLOW_ERR_IO;
    }
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            return vf_error(err, VPCFLOW_ERR_IO, "-", 0, 0, "read error: %s", strerror(errno));
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                close(fd);
                return vf_error(err, VPCFLOW_ERR_IO, a->spool, 0, 0, "write error: %s", strerror(errno));
            }
            off += w;
        }
    }
    close(fd);
    return VPCFLOW_OK;
}

/* The scan's diagnostics: failed inputs are kept for the JSON outputs, all go to the caller. */
static void analysis_diag(void *ctx, const vpcflow_diag *d)
{
    vf_analysis *a = ctx;
    vpcflow_diag named = *d;
    if (a->spool && d->input && strcmp(d->input, a->spool) == 0) /* the copy of stdin is "-" */
        named.input = "-";
    d = &named;
    if (d->is_warning == VPCFLOW_DIAG_INPUT_FAILED) {
        size_t li = strlen(d->input) + 1, lm = strlen(d->message) + 1;
        if (vf_grow(&a->failed.text, &a->failed.cap, a->failed.len + li + lm, 1) == 0) {
            memcpy(a->failed.text + a->failed.len, d->input, li);
            memcpy(a->failed.text + a->failed.len + li, d->message, lm);
            a->failed.len += li + lm;
            a->failed.n++;
        }
    }
    if (a->diag)
        a->diag(a->diag_ctx, d);
}

vpcflow_status vf_analysis_network(const vpcflow_analysis_options *o, vf_network **out, vpcflow_error *err)
{
    vf_network_options no = {o->subnets,    o->nsubnets, o->enis,      o->nenis,   o->ip_ranges,
                             o->nip_ranges, o->topology, o->ntopology, o->prices,  o->region,
                             o->free_tier,  o->no_dedup, o->history,   o->nhistory};
    return vf_network_new(&no, out, err);
}

vpcflow_status vf_analysis_open(vf_analysis *a, const char *const *paths, size_t n, const vpcflow_analysis_options *o,
                                vpcflow_error *err)
{
    memset(a, 0, sizeof *a);
    if (o)
        memcpy(&a->opt, o, VF_MIN(o->size ? o->size : sizeof a->opt, sizeof a->opt));
    a->opt.scan.size = sizeof a->opt.scan;
    a->diag = a->opt.scan.diag;
    a->diag_ctx = a->opt.scan.ctx;
    a->opt.scan.diag = analysis_diag;
    a->opt.scan.ctx = a;
    /* --memory covers everything the run holds, the program itself aside: per reading thread
     * a 4 MiB line buffer, a 1 MiB input buffer, the decoder's and the caches' state; a little
     * for the network and the run; and the group tables, which get the rest. Threads are
     * capped so that their buffers take at most half of it. */
    size_t total = a->opt.memory_limit ? a->opt.memory_limit : (size_t)512 << 20;
    size_t workers = a->opt.scan.threads ? a->opt.scan.threads : vf_cpu_count();
    if (total < RUN_MEMORY + WORKER_MEMORY + MIN_TABLES)
        return vf_error(err, VPCFLOW_ERR_INPUT, "--memory", 0, 0,
                        "%zu %s is less than one reading thread needs: %zu MiB (its buffers, the run's state and "
                        "1 MiB of tables)",
                        total % (1 << 20) ? total >> 10 : total >> 20, total % (1 << 20) ? "KiB" : "MiB",
                        (RUN_MEMORY + WORKER_MEMORY + MIN_TABLES) >> 20);
    size_t most = (total - RUN_MEMORY) / 2 / WORKER_MEMORY;
    workers = VF_MAX(VF_MIN(workers, most), (size_t)1);
    a->opt.scan.threads = (unsigned)workers;
    a->memory_limit = total - RUN_MEMORY - workers * WORKER_MEMORY;
    vpcflow_status st = vf_analysis_network(&a->opt, &a->net, err);
    if (st != VPCFLOW_OK)
        return st;
    a->paths = vf_calloc(n, sizeof *a->paths);
    if (!a->paths) {
        vf_analysis_close(a);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    a->npaths = n;
    int need_discovery = !vf_network_has_enis(a->net) && !a->opt.no_dedup;
    for (size_t i = 0; i < n; i++) {
        a->paths[i] = paths[i];
        if (need_discovery && strcmp(paths[i], "-") == 0) {
            if (!a->spool && (st = spool_stdin(a, err)) != VPCFLOW_OK) {
                vf_analysis_close(a);
                return st;
            }
            a->paths[i] = a->spool;
        }
    }
    if (need_discovery) {
        st = vf_network_discover(a->net, a->paths, a->npaths, &a->opt.scan, err);
        if (st != VPCFLOW_OK)
            vf_analysis_name_stdin(a, err);
        if (st != VPCFLOW_OK) {
            vf_analysis_close(a);
            return st;
        }
    }
    return VPCFLOW_OK;
}

void vf_analysis_name_stdin(const vf_analysis *a, vpcflow_error *err)
{
    if (a->spool && err && strcmp(err->file, a->spool) == 0)
        snprintf(err->file, sizeof err->file, "-");
}

void vf_analysis_close(vf_analysis *a)
{
    vf_network_free(a->net);
    if (a->spool) {
        unlink(a->spool);
        free(a->spool);
    }
    free(a->paths);
    free(a->failed.text);
    memset(a, 0, sizeof *a);
}

void vf_analysis_notes(vf_analysis *a, const vf_outcome *o)
{
    vf_network *n = a->net;
    const vf_topology *topo = vf_network_topology(n);
    for (size_t i = 0; i < vf_topology_note_count(topo); i++)
        vf_network_note(n, "%s", vf_topology_note(topo, i));
    if (!vf_network_has_subnets(n))
        vf_network_note(n, "without --subnets (aws ec2 describe-subnets) AZs are unknown: internal traffic is "
                           "'internal-unknown' instead of same-az/cross-az");
    if (a->opt.no_dedup)
        vf_network_note(n, "--no-dedup: every record counts, so a flow logged by both of its ENIs counts twice");
    else if (!vf_network_has_enis(n)) {
        vf_network_note(n, "without --enis (aws ec2 describe-network-interfaces) ENI owners are inferred from the "
                           "logs: owners are less precise and load-balancer and RDS exemptions cannot apply");
        if (!vf_network_nat_visible(n))
            vf_network_note(n, "this log format has no pkt-srcaddr/pkt-dstaddr: NAT gateways cannot be recognised "
                               "without --enis, so traffic through them may be counted at the instance and at the "
                               "NAT");
    }
    if (!vf_network_has_ipranges(n))
        vf_network_note(n, "without --ip-ranges (ip-ranges.json) AWS service addresses count as internet");
    if (vf_network_has_history(n)) {
        uint64_t h = vf_outcome_via_bytes(o, VF_VIA_HISTORY), s = vf_outcome_via_bytes(o, VF_VIA_SNAPSHOT),
                 none = vf_outcome_via_bytes(o, VF_VIA_NONE) + vf_outcome_via_bytes(o, VF_VIA_LOGS);
        uint64_t all = h + s + none;
        vf_network_note(n,
                        "owners of VPC addresses, by bytes: %" PRIu64 " (%.1f%%) from --history, %" PRIu64
                        " (%.1f%%) from the --enis snapshot, %" PRIu64 " (%.1f%%) with no owner",
                        h, all ? 100.0 * (double)h / (double)all : 0.0, s, all ? 100.0 * (double)s / (double)all : 0.0,
                        none, all ? 100.0 * (double)none / (double)all : 0.0);
    }
    char example[40];
    size_t unknown = vf_outcome_unknown_enis(o, example, sizeof example);
    if (vf_network_has_enis(n) && unknown) {
        vf_network_set_unlisted_enis(n, unknown);
        vf_network_note(n, "%zu ENI%s in the logs %s not in --enis%s (e.g. %s): their traffic may be counted twice",
                        unknown, unknown == 1 ? "" : "s", unknown == 1 ? "is" : "are",
                        vf_network_has_history(n) ? " or --history" : "", example);
    }
}
