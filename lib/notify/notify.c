/* notify.c — alerts to people: each alert becomes a JSON body (a "text" line that Slack and
 * Teams webhooks show, and the alert itself), passes the rate limit of its rule and the
 * duplicate check, and waits in a bounded queue for the delivering thread, which tries
 * deliver.c with backoff. The caller never waits on a receiver: a full queue drops the alert
 * and counts it.
 *
 *   alert ─► body ─► rate/rule, duplicate? ─► queue (bounded) ─► thread ─► deliver ×(1+retries)
 */
#include "base/internal.h"
#include "notify/curl_lib.h"
#include "notify/deliver.h"

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEDUP_SLOTS 4096
#define DEDUP_SECONDS 3600
#define MAX_RULES 256
#define BACKOFF_MS 250

typedef struct rule_rate {
    char *name;
    time_t start;
    unsigned count;
} rule_rate;

typedef struct queued {
    char *body;
    size_t len;
    char *label; /* "rule key", for messages */
} queued;

struct vpcflow_notifier {
    vpcflow_notify_options o;
    char *target;
    pthread_mutex_t mu;
    pthread_cond_t more, idle;
    pthread_t thread;
    int started;
    queued *q;
    size_t head, count, busy;
    int stop;
    atomic_int abort;
    rule_rate rates[MAX_RULES];
    size_t nrates;
    struct {
        uint64_t h;
        time_t t;
    } seen[DEDUP_SLOTS];
    vpcflow_notify_stats st;
};

static void say(vpcflow_notifier *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(vpcflow_notifier *n, const char *fmt, ...)
{
    if (!n->o.diag)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    n->o.diag(n->o.ctx, msg);
}

static void free_queued(queued *e)
{
    free(e->body);
    free(e->label);
}

/* The CLOCK_REALTIME time ms milliseconds from now (pthread_cond_timedwait's clock). */
static struct timespec deadline_in(unsigned ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* Sleeps ms unless the notifier is aborted; returns 1 when aborted. */
static int pause_ms(vpcflow_notifier *n, unsigned ms)
{
    struct timespec t = deadline_in(ms);
    pthread_mutex_lock(&n->mu);
    while (!n->abort && pthread_cond_timedwait(&n->more, &n->mu, &t) == 0)
        ;
    int aborted = n->abort;
    pthread_mutex_unlock(&n->mu);
    return aborted;
}

static void deliver_one(vpcflow_notifier *n, queued *e)
{
    char why[256];
    unsigned wait = BACKOFF_MS;
    for (unsigned attempt = 0;; attempt++) {
        int rc = vf_deliver(n->target, e->body, e->len, n->o.timeout_ms, &n->abort, why, sizeof why);
        if (rc == VF_DELIVER_OK) {
            pthread_mutex_lock(&n->mu);
            n->st.sent++;
            pthread_mutex_unlock(&n->mu);
            return;
        }
        if (rc == VF_DELIVER_FAILED || attempt >= n->o.retries || n->abort) {
            pthread_mutex_lock(&n->mu);
            n->st.failed++;
            pthread_mutex_unlock(&n->mu);
            say(n, "notify: %s: not delivered (%s%s)", e->label, why,
                rc == VF_DELIVER_FAILED ? ""
                : n->abort              ? ", given up at the end"
                                        : ", after every retry");
            return;
        }
        say(n, "notify: %s: %s, retrying in %u ms", e->label, why, wait);
        if (pause_ms(n, wait)) {
            pthread_mutex_lock(&n->mu);
            n->st.failed++;
            pthread_mutex_unlock(&n->mu);
            return;
        }
        wait *= 2;
    }
}

static void *worker(void *arg)
{
    vpcflow_notifier *n = arg;
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, NULL);
    pthread_mutex_lock(&n->mu);
    for (;;) {
        while (!n->count && !n->stop)
            pthread_cond_wait(&n->more, &n->mu);
        if (!n->count || n->abort)
            break;
        queued e = n->q[n->head];
        n->head = (n->head + 1) % n->o.queue;
        n->count--;
        n->busy = 1;
        pthread_mutex_unlock(&n->mu);
        deliver_one(n, &e);
        free_queued(&e);
        pthread_mutex_lock(&n->mu);
        n->busy = 0;
        pthread_cond_broadcast(&n->idle);
    }
    pthread_mutex_unlock(&n->mu);
    return NULL;
}

vpcflow_status vpcflow_notifier_new(const vpcflow_notify_options *o, vpcflow_notifier **out, vpcflow_error *err)
{
    *out = NULL;
    if (!o->target || (strncmp(o->target, "exec:", 5) != 0 && strncmp(o->target, "http://", 7) != 0 &&
                       strncmp(o->target, "https://", 8) != 0))
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0,
                        "--notify takes an http:// or https:// URL, or exec:COMMAND, not '%s'",
                        o->target ? o->target : "");
    if (strncmp(o->target, "exec:", 5) == 0 && !o->target[5])
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "--notify exec: needs a command after the colon");
    if (strncmp(o->target, "exec:", 5) != 0 && !vf_libcurl_open(err))
        return VPCFLOW_ERR_IO;
    vpcflow_notifier *n = vf_calloc(1, sizeof *n);
    if (!n)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    memcpy(&n->o, o, VF_MIN(o->size ? o->size : sizeof n->o, sizeof n->o));
    if (!n->o.rate)
        n->o.rate = 10;
    if (!n->o.timeout_ms)
        n->o.timeout_ms = 5000;
    if (!n->o.retries)
        n->o.retries = 3;
    if (!n->o.queue)
        n->o.queue = 1000;
    n->target = strdup(o->target);
    n->q = vf_calloc(n->o.queue, sizeof *n->q);
    if (!n->target || !n->q) {
        free(n->target);
        free(n->q);
        free(n);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    pthread_mutex_init(&n->mu, NULL);
    pthread_cond_init(&n->more, NULL);
    pthread_cond_init(&n->idle, NULL);
    if (pthread_create(&n->thread, NULL, worker, n) != 0) {
        vpcflow_notifier_free(n);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot start the notification thread");
    }
    n->started = 1;
    *out = n;
    return VPCFLOW_OK;
}

/* ---- what is sent ------------------------------------------------------------------ */

static char *alert_json(const vpcflow_alert *a)
{
    char *line = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&line, &len);
    if (!f)
        return NULL;
    int rc = vpcflow_alert_write_json(a, f);
    if (fclose(f) != 0 || rc < 0) {
        free(line);
        return NULL;
    }
    return line;
}

/* {"text": "...", "alert": {...}} */
static char *body_of(const vpcflow_alert *a, size_t *len)
{
    char *line = alert_json(a);
    if (!line)
        return NULL;
    json_t *alert = json_loads(line, 0, NULL);
    free(line);
    if (!alert)
        return NULL;
    char when[32] = "";
    time_t t = (time_t)a->first_seen;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char text[1024];
    snprintf(text, sizeof text, "vpcflow alert: %s %s %s%s%s%s: %llu records, %llu bytes, from %s", a->severity,
             a->rule, a->key_text, a->owner && *a->owner ? " (" : "", a->owner ? a->owner : "",
             a->owner && *a->owner ? ")" : "", (unsigned long long)a->records, (unsigned long long)a->bytes, when);
    json_t *doc = json_object();
    char *body = NULL;
    if (doc && json_object_set_new(doc, "text", json_string(text)) == 0 &&
        json_object_set_new(doc, "alert", alert) == 0) {
        alert = NULL;
        body = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    }
    json_decref(alert);
    json_decref(doc);
    if (body)
        *len = strlen(body);
    return body;
}

static uint64_t hash_of(const char *a, const char *b)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = a; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;
    for (const char *p = b; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h | 1;
}

/* Over the rate of its rule? Counts it when not. Called with mu held. */
static int limited(vpcflow_notifier *n, const char *rule, time_t now)
{
    rule_rate *r = NULL;
    for (size_t i = 0; i < n->nrates && !r; i++)
        if (strcmp(n->rates[i].name, rule) == 0)
            r = &n->rates[i];
    if (!r && n->nrates < MAX_RULES && (n->rates[n->nrates].name = strdup(rule)) != NULL) {
        r = &n->rates[n->nrates++];
        r->start = now;
        r->count = 0;
    }
    if (!r)
        return 0;
    if (now - r->start >= 60) {
        r->start = now;
        r->count = 0;
    }
    if (r->count >= n->o.rate)
        return 1;
    r->count++;
    return 0;
}

int vpcflow_notifier_send(vpcflow_notifier *n, const vpcflow_alert *a)
{
    time_t now = time(NULL);
    uint64_t h = hash_of(a->rule, a->key_text);
    pthread_mutex_lock(&n->mu);
    int bad = 0;
    size_t slot = h % DEDUP_SLOTS;
    if (n->seen[slot].h == h && now - n->seen[slot].t < DEDUP_SECONDS) {
        n->st.duplicates++;
        bad = 1;
    } else if (limited(n, a->rule, now)) {
        if (n->st.limited++ == 0)
            say(n,
                "notify: more than %u alerts of rule %s in a minute: the rest of the minute's are not sent "
                "(counted at the end)",
                n->o.rate, a->rule);
        bad = 1;
    }
    pthread_mutex_unlock(&n->mu);
    if (bad)
        return -1;
    queued e = {0};
    size_t llen = strlen(a->rule) + strlen(a->key_text) + 2;
    e.label = malloc(llen);
    e.body = body_of(a, &e.len);
    if (!e.body || !e.label) {
        free_queued(&e);
        pthread_mutex_lock(&n->mu);
        n->st.dropped++;
        pthread_mutex_unlock(&n->mu);
        say(n, "notify: %s %s: out of memory: not sent", a->rule, a->key_text);
        return -1;
    }
    snprintf(e.label, llen, "%s %s", a->rule, a->key_text);
    pthread_mutex_lock(&n->mu);
    if (n->count == n->o.queue) {
        if (n->st.dropped++ == 0)
            say(n,
                "notify: %zu alerts are waiting for the receiver already: newer ones are dropped (counted at "
                "the end)",
                n->o.queue);
        pthread_mutex_unlock(&n->mu);
        free_queued(&e);
        return -1;
    }
    n->seen[slot].h = h;
    n->seen[slot].t = now;
    n->q[(n->head + n->count) % n->o.queue] = e;
    n->count++;
    pthread_cond_signal(&n->more);
    pthread_mutex_unlock(&n->mu);
    return 0;
}

int vpcflow_notifier_flush(vpcflow_notifier *n, unsigned wait_ms)
{
    struct timespec t = deadline_in(wait_ms);
    pthread_mutex_lock(&n->mu);
    while ((n->count || n->busy) && pthread_cond_timedwait(&n->idle, &n->mu, &t) == 0)
        ;
    int left = n->count || n->busy;
    pthread_mutex_unlock(&n->mu);
    return left ? -1 : 0;
}

void vpcflow_notifier_stats(vpcflow_notifier *n, vpcflow_notify_stats *s)
{
    pthread_mutex_lock(&n->mu);
    *s = n->st;
    pthread_mutex_unlock(&n->mu);
}

void vpcflow_notifier_stop(vpcflow_notifier *n, unsigned wait_ms)
{
    if (n->started) {
        vpcflow_notifier_flush(n, wait_ms);
        pthread_mutex_lock(&n->mu);
        n->stop = 1;
        if (n->count || n->busy)
            n->abort = 1;
        pthread_cond_broadcast(&n->more);
        pthread_mutex_unlock(&n->mu);
        pthread_join(n->thread, NULL);
        n->started = 0;
    }
    for (; n->count; n->count--) {
        free_queued(&n->q[n->head]);
        n->head = (n->head + 1) % n->o.queue;
        n->st.dropped++;
    }
}

void vpcflow_notifier_free(vpcflow_notifier *n)
{
    if (!n)
        return;
    vpcflow_notifier_stop(n, 0);
    for (size_t i = 0; i < n->nrates; i++)
        free(n->rates[i].name);
    pthread_mutex_destroy(&n->mu);
    pthread_cond_destroy(&n->more);
    pthread_cond_destroy(&n->idle);
    free(n->q);
    free(n->target);
    free(n);
}
