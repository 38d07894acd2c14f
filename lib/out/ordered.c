/* ordered.c — writes the output of parallel workers in input order, with bounded buffering:
 * a worker ahead of the unit that is due keeps up to PENDING_MAX bytes, then waits. Units are
 * handed out in order by the scanner, so the due unit's worker never waits: no deadlock. */
#include "base/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PENDING_MAX ((size_t)64 << 20)

typedef struct pend {
    uint64_t seq;
    char *data;
    size_t len, cap;
    int done;
} pend;

struct vpcflow_ordered {
    FILE *out;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t next;
    int error;
    pend *pend;
    size_t npend, cap;
    size_t pending_bytes;
};

vpcflow_ordered *vpcflow_ordered_new(FILE *out)
{
    vpcflow_ordered *w = vf_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->out = out;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    return w;
}

static pend *find(vpcflow_ordered *w, uint64_t seq, int create)
{
    for (size_t i = 0; i < w->npend; i++)
        if (w->pend[i].seq == seq)
            return &w->pend[i];
    if (!create)
        return NULL;
    if (vf_grow(&w->pend, &w->cap, w->npend + 1, sizeof *w->pend) < 0)
        return NULL;
    pend *p = &w->pend[w->npend++];
    memset(p, 0, sizeof *p);
    p->seq = seq;
    return p;
}

static void put(vpcflow_ordered *w, const void *data, size_t len)
{
    if (len && !w->error && fwrite(data, 1, len, w->out) != len)
        w->error = 1;
}

/* Writes out what is buffered for the due unit; returns 1 if that unit is complete. */
static int flush_due(vpcflow_ordered *w)
{
    pend *p = find(w, w->next, 0);
    if (!p)
        return 0;
    put(w, p->data, p->len);
    w->pending_bytes -= p->len;
    int done = p->done;
    free(p->data);
    *p = w->pend[--w->npend];
    return done;
}

int vpcflow_ordered_write(vpcflow_ordered *w, uint64_t seq, const void *data, size_t len)
{
    pthread_mutex_lock(&w->lock);
    while (seq != w->next && w->pending_bytes + len > PENDING_MAX)
        pthread_cond_wait(&w->cond, &w->lock);
    if (seq == w->next) {
        flush_due(w);
        put(w, data, len);
    } else {
        pend *p = find(w, seq, 1);
        if (p && vf_grow(&p->data, &p->cap, p->len + len, 1) == 0) {
            memcpy(p->data + p->len, data, len);
            p->len += len;
            w->pending_bytes += len;
        } else
            w->error = 1;
    }
    int err = w->error;
    pthread_mutex_unlock(&w->lock);
    return err ? -1 : 0;
}

int vpcflow_ordered_done(vpcflow_ordered *w, uint64_t seq)
{
    pthread_mutex_lock(&w->lock);
    if (seq == w->next) {
        flush_due(w);
        w->next++;
        while (flush_due(w))
            w->next++;
        if (!w->error && fflush(w->out) != 0)
            w->error = 1;
        pthread_cond_broadcast(&w->cond);
    } else {
        pend *p = find(w, seq, 1);
        if (p)
            p->done = 1;
        else
            w->error = 1;
    }
    int err = w->error;
    pthread_mutex_unlock(&w->lock);
    return err ? -1 : 0;
}

int vpcflow_ordered_free(vpcflow_ordered *w)
{
    if (!w)
        return 0;
    int err = w->error;
    for (size_t i = 0; i < w->npend; i++)
        free(w->pend[i].data);
    free(w->pend);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
    return err;
}
