/* pg_load.c — `vpcflow load`: enriched rows into PostgreSQL by binary COPY (docs/postgres.md).
 * One transaction per file, recorded in vpcflow_loaded_files in that same transaction, so a
 * file is in the table wholly or not at all, and once. Workers encode rows into their own
 * buffers and hand them to the one connection under a mutex; the server parses nothing. */
#include "base/internal.h"
#include "base/text.h"
#include "export/schema.h"
#include "pg/pg_copy.h"
#include "pg/pg_lib.h"
#include "read/source.h"

#include <errno.h>
#include <fcntl.h>
#include <isa-l/crc64.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FLUSH_BYTES ((size_t)1 << 20) /* a worker sends its rows in pieces of about this */

typedef struct loader {
    const vpcflow_load_options *o;
    PGconn *conn;
    char *schema_q, *table_q, *files_q, *view_q; /* quoted identifiers */
    const char *table, *schema;
    vf_text coldefs; /* "file_id bigint NOT NULL, \"version\" smallint, ..." */
    vf_text colnames;
    vpcflow_enrich *enrich;
    vpcflow_scan_options scan;
    vf_col_type types[VF_NCOLUMNS + 1];
    /* while a file loads */
    pthread_mutex_t mu;
    int failed; /* the connection refused data: stop */
    char pgerr[400];
    int64_t file_id;
    uint64_t file_rows;
    uint64_t file_text; /* bytes of text of the current file's rows sent so far */
    vpcflow_load_stats *stats;
    struct timespec t0, last;
} loader;

typedef struct worker {
    loader *l;
    vpcflow_enricher *en;
    vf_pgbuf buf;
    uint64_t rows, text; /* since the last flush */
    vf_value vals[VF_NCOLUMNS + 1];
} worker;

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void tell(loader *l, int kind, const char *path, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void tell(loader *l, int kind, const char *path, const char *fmt, ...)
{
    if (!l->o->note)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    l->o->note(l->o->ctx, kind, path, msg);
}

/* The first line of a server or libpq message, without "ERROR:  " and the trailing newline. */
static void first_line(const char *msg, char *out, size_t cap)
{
    if (!msg)
        msg = "";
    while (!strncmp(msg, "ERROR:  ", 8) || !strncmp(msg, "FATAL:  ", 8))
        msg += 8;
    size_t n = strcspn(msg, "\n");
    snprintf(out, cap, "%.*s", (int)n, msg);
}

/* Removes every occurrence of secret from s (a password libpq might have quoted back). */
static void scrub(char *s, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (!n)
        return;
    for (char *p = strstr(s, secret); p; p = strstr(p, secret)) {
        memmove(p + 3, p + n, strlen(p + n) + 1);
        memcpy(p, "***", 3);
        p += 3;
    }
}

static const char *orv(const char *s, const char *dflt)
{
    return s && *s ? s : dflt;
}

static void no_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* notices and warnings of the server are not the user's business here */
}

/* Connects; on failure one line naming where (never the password) and why. */
static vpcflow_status connect_db(loader *l, vpcflow_error *err)
{
    const char *dsn = l->o->dsn ? l->o->dsn : "";
    if (!vf_libpq_open(err))
        return VPCFLOW_ERR_IO;
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(dsn, &perr);
    if (!opts) {
        PQfreemem(perr);
        return vf_error(err, VPCFLOW_ERR_INPUT, "--dsn", 0, 0,
                        "not a PostgreSQL connection string (key=value pairs such as 'host=H dbname=D', or a "
                        "postgresql:// URI)");
    }
    char password[256] = "";
    for (PQconninfoOption *p = opts; p->keyword; p++)
        if (!strcmp(p->keyword, "password") && p->val)
            snprintf(password, sizeof password, "%s", p->val);
    PQconninfoFree(opts);
    l->conn = PQconnectdb(dsn);
    if (!l->conn)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    if (PQstatus(l->conn) == CONNECTION_OK) {
        PQsetNoticeProcessor(l->conn, no_notices, NULL);
        return VPCFLOW_OK;
    }
    char why[400];
    const char *m = PQerrorMessage(l->conn);
    const char *f = strstr(m, "failed: "); /* "connection to server ... failed: REASON" */
    first_line(f ? f + 8 : m, why, sizeof why);
    scrub(why, password);
    const char *hint = "";
    if (strstr(why, "No such file") || strstr(why, "Connection refused"))
        hint = ": connection refused (is the server running, and is this its host and port?)";
    else if (strstr(why, "authentication failed") || strstr(why, "no password supplied") || strstr(why, "pg_hba.conf"))
        hint = ": authentication failed";
    const char *host = PQhost(l->conn);
    vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot connect to PostgreSQL (host=%s port=%s dbname=%s user=%s)%s: %s",
             orv(host, "(default)"), orv(PQport(l->conn), "5432"), orv(PQdb(l->conn), "(default)"),
             orv(PQuser(l->conn), "(default)"), hint, why);
    PQfinish(l->conn);
    l->conn = NULL;
    return VPCFLOW_ERR_IO;
}

/* A statement failed: err gets the server's one-line reason (or libpq's) and what was being
 * done; r is cleared. */
static vpcflow_status failed(loader *l, PGresult *r, const char *what, vpcflow_error *err)
{
    char why[400];
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    first_line(primary ? primary : PQerrorMessage(l->conn), why, sizeof why);
    PQclear(r);
    return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "PostgreSQL: %s (%s)", why, what);
}

/* Runs one statement; on failure fills err with what (what was being done) and the server's
 * one-line reason, and returns VPCFLOW_ERR_IO. res, if not NULL, gets the result (clear it). */
static vpcflow_status exec(loader *l, const char *sql, int nparams, const char *const *params, PGresult **res,
                           const char *what, vpcflow_error *err)
{
    PGresult *r = nparams ? PQexecParams(l->conn, sql, nparams, NULL, params, NULL, NULL, 0) : PQexec(l->conn, sql);
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
        if (res)
            *res = r;
        else
            PQclear(r);
        return VPCFLOW_OK;
    }
    return failed(l, r, what, err);
}

static vpcflow_status sql_fmt(loader *l, const char *what, vpcflow_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static vpcflow_status sql_fmt(loader *l, const char *what, vpcflow_error *err, const char *fmt, ...)
{
    vf_text t = VF_TEXT_GROWING;
    va_list ap;
    va_start(ap, fmt);
    vf_vprintf(&t, fmt, ap);
    va_end(ap);
    if (t.oom) {
        free(t.buf);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    vpcflow_status st = exec(l, t.buf, 0, NULL, NULL, what, err);
    free(t.buf);
    return st;
}

static const char *pg_type(vf_col_type t)
{
    static const char *const names[] = {"text",   "inet",        "smallint", "integer",
                                        "bigint", "timestamptz", "boolean",  "numeric(38,0)"};
    return names[t];
}

static char *ident(loader *l, const char *name)
{
    return PQescapeIdentifier(l->conn, name, strlen(name));
}

/* The columns a rollup groups by, beside the time bucket. */
static const char *const rollup_keys[] = {"interface_id", "srcaddr",    "dstaddr",    "srcport",       "dstport",
                                          "protocol",     "action",     "log_status", "class",         "src_az",
                                          "dst_az",       "src_owner",  "dst_owner",  "dedup",         "dedup_eni",
                                          "dedup_eni2",   "dedup_peer", "nat_peer",   "nat_processing"};

static const char *bucket_unit(unsigned seconds)
{
    return seconds == 60 ? "minute" : seconds == 3600 ? "hour" : "day";
}

static vpcflow_status names(loader *l, vpcflow_error *err)
{
    l->table = orv(l->o->table, "flows");
    PGresult *r = NULL;
    if (!l->o->schema || !*l->o->schema) {
        vpcflow_status st = exec(l, "SELECT current_schema()", 0, NULL, &r, "finding the schema", err);
        if (st != VPCFLOW_OK)
            return st;
        if (PQgetisnull(r, 0, 0)) {
            PQclear(r);
            return vf_error(err, VPCFLOW_ERR_INPUT, "--schema", 0, 0,
                            "no schema of the search_path exists: name one with --schema");
        }
        l->schema = vf_strndup(PQgetvalue(r, 0, 0), strlen(PQgetvalue(r, 0, 0)));
        PQclear(r);
    } else
        l->schema = vf_strndup(l->o->schema, strlen(l->o->schema));
    char view[200], *s = NULL, *t = NULL, *v = NULL, *f = NULL;
    snprintf(view, sizeof view, "%s_unique", l->table);
    if (!l->schema || !(s = ident(l, l->schema)) || !(t = ident(l, l->table)) || !(v = ident(l, view)) ||
        !(f = ident(l, "vpcflow_loaded_files"))) {
        PQfreemem(s);
        PQfreemem(t);
        PQfreemem(v);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    vf_text q = VF_TEXT_GROWING;
    vf_printf(&q, "%s.%s", s, t);
    l->table_q = q.buf;
    q = (vf_text)VF_TEXT_GROWING;
    vf_printf(&q, "%s.%s", s, v);
    l->view_q = q.buf;
    q = (vf_text)VF_TEXT_GROWING;
    vf_printf(&q, "%s.%s", s, f);
    l->files_q = q.buf;
    l->schema_q = vf_strndup(s, strlen(s));
    PQfreemem(s);
    PQfreemem(t);
    PQfreemem(v);
    PQfreemem(f);
    if (!l->table_q || !l->view_q || !l->files_q || !l->schema_q)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    /* the columns, as the table and COPY name them */
    vf_puts(&l->coldefs, "file_id bigint NOT NULL");
    vf_puts(&l->colnames, "file_id");
    l->types[0] = VF_COL_I64;
    for (size_t i = 0; i < VF_NCOLUMNS; i++) {
        const vf_column *c = vf_column_at(i);
        vf_printf(&l->coldefs, ", \"%s\" %s", c->name, pg_type(c->type));
        vf_printf(&l->colnames, ", \"%s\"", c->name);
        l->types[i + 1] = c->type;
    }
    if (l->coldefs.oom || l->colnames.oom)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    return VPCFLOW_OK;
}

/* The kind of table, as its comment says it: "vpcflow raw" or "vpcflow rollup 1h". */
static void kind_name(unsigned rollup, char *out, size_t cap)
{
    if (!rollup)
        snprintf(out, cap, "vpcflow raw");
    else
        snprintf(out, cap, "vpcflow rollup %s", rollup == 60 ? "1m" : rollup == 3600 ? "1h" : "1d");
}

static vpcflow_status create_view(loader *l, vpcflow_error *err)
{
    /* The rows counted (docs/model.md §3): the de-duplication conditions resolved over
     * everything loaded. NOT EXISTS rather than NOT IN: an anti-join on the indexes. */
    return sql_fmt(l, "creating the view", err,
                   "CREATE OR REPLACE VIEW %s AS SELECT u.*%s FROM %s u WHERE u.class IS NOT NULL AND ("
                   "u.dedup = 'keep'"
                   " OR (u.dedup = 'unless-logged'"
                   " AND NOT EXISTS (SELECT 1 FROM %s o WHERE o.interface_id = u.dedup_eni)"
                   " AND (u.dedup_eni2 IS NULL OR NOT EXISTS (SELECT 1 FROM %s o WHERE o.interface_id = "
                   "u.dedup_eni2)))"
                   " OR (u.dedup = 'unless-nat-peer'"
                   " AND NOT EXISTS (SELECT 1 FROM %s o WHERE o.nat_peer = u.dedup_peer)))",
                   l->view_q, l->o->rollup ? "" : ", 1::bigint AS flows", l->table_q, l->table_q, l->table_q,
                   l->table_q);
}

/* Creates what is missing, in one transaction: nothing is left half made. */
static vpcflow_status prepare(loader *l, vpcflow_error *err)
{
    char what[300], kind[40];
    snprintf(what, sizeof what, "creating the tables in schema %s", l->schema_q);
    kind_name(l->o->rollup, kind, sizeof kind);
    vpcflow_status st = exec(l, "SET client_min_messages = warning", 0, NULL, NULL, "setting up", err);
    if (st == VPCFLOW_OK)
        st = exec(l, "SET TIME ZONE 'UTC'", 0, NULL, NULL, "setting up", err);
    /* A file's commit need not wait for the disk: a crash may then lose the last files
     * committed, but each whole with its vpcflow_loaded_files row, so the next run loads them
     * again; exactly once holds, and a tree of small files loads without a flush per file. */
    if (st == VPCFLOW_OK)
        st = exec(l, "SET synchronous_commit = off", 0, NULL, NULL, "setting up", err);
    if (st == VPCFLOW_OK)
        st = exec(l, "BEGIN", 0, NULL, NULL, what, err);
    if (st == VPCFLOW_OK) /* one loader at a time creates tables */
        st = exec(l, "SELECT pg_advisory_xact_lock(7596281330)", 0, NULL, NULL, what, err);
    if (st == VPCFLOW_OK)
        st = sql_fmt(l, what, err,
                     "CREATE TABLE IF NOT EXISTS %s (file_id bigserial PRIMARY KEY, path text NOT NULL, "
                     "size bigint NOT NULL, hash text NOT NULL, rows bigint NOT NULL, "
                     "loaded_at timestamptz NOT NULL DEFAULT now(), table_name text NOT NULL)",
                     l->files_q);
    PGresult *r = NULL;
    if (st == VPCFLOW_OK) {
        const char *p[1] = {l->table_q};
        st = exec(l, "SELECT to_regclass($1) IS NOT NULL, obj_description(to_regclass($1), 'pg_class')", 1, p, &r, what,
                  err);
    }
    if (st == VPCFLOW_OK) {
        int exists = PQgetvalue(r, 0, 0)[0] == 't';
        const char *comment = PQgetisnull(r, 0, 1) ? "" : PQgetvalue(r, 0, 1);
        if (exists && strcmp(comment, kind) != 0) {
            if (strncmp(comment, "vpcflow ", 8) != 0)
                st = vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0,
                              "table %s exists and was not made by vpcflow load: choose another --table", l->table_q);
            else
                st = vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0,
                              "table %s holds %s rows, not %s rows: load it %s, or choose another --table", l->table_q,
                              strchr(comment, ' ') + 1, strchr(kind, ' ') + 1,
                              !strcmp(comment, "vpcflow raw") ? "without --rollup" : "with that --rollup");
        } else if (!exists) {
            st = sql_fmt(l, what, err, "CREATE TABLE %s (%s%s)", l->table_q, l->coldefs.buf,
                         l->o->rollup ? ", flows bigint NOT NULL" : "");
            if (st == VPCFLOW_OK)
                st = sql_fmt(l, what, err, "COMMENT ON TABLE %s IS '%s'", l->table_q, kind);
            if (st == VPCFLOW_OK)
                st = create_view(l, err);
        }
        PQclear(r);
    }
    if (st == VPCFLOW_OK)
        return exec(l, "COMMIT", 0, NULL, NULL, what, err);
    PQclear(PQexec(l->conn, "ROLLBACK"));
    return st;
}

/* The indexes the reports need; made after the rows (faster than keeping them up per row),
 * those missing only (CREATE INDEX, even IF NOT EXISTS, waits for other loads' files), by one
 * loader at a time. */
static vpcflow_status indexes(loader *l, vpcflow_error *err)
{
    static const char *const cols[] = {"start", "class", "srcaddr", "dstaddr", "interface_id", "nat_peer"};
    char names[VF_ARRAY_LEN(cols)][200];
    vf_text q = VF_TEXT_GROWING;
    vf_puts(&q, "SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname IN (");
    for (size_t i = 0; i < VF_ARRAY_LEN(cols); i++) {
        snprintf(names[i], sizeof names[i], "%s_%s_idx", l->table, cols[i]);
        char *lit = PQescapeLiteral(l->conn, names[i], strlen(names[i]));
        vf_printf(&q, "%s%s", i ? ", " : "", lit ? lit : "''");
        PQfreemem(lit);
    }
    vf_puts(&q, ")");
    PGresult *r = NULL;
    const char *p[1] = {l->schema};
    vpcflow_status st = q.oom ? vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory")
                              : exec(l, q.buf, 1, p, &r, "looking for the indexes", err);
    free(q.buf);
    if (st != VPCFLOW_OK)
        return st;
    int all = strtoul(PQgetvalue(r, 0, 0), NULL, 10) == VF_ARRAY_LEN(cols);
    PQclear(r);
    if (all)
        return VPCFLOW_OK;
    st = exec(l, "BEGIN", 0, NULL, NULL, "creating the indexes", err);
    if (st == VPCFLOW_OK)
        st = exec(l, "SELECT pg_advisory_xact_lock(7596281330)", 0, NULL, NULL, "creating the indexes", err);
    for (size_t i = 0; i < VF_ARRAY_LEN(cols) && st == VPCFLOW_OK; i++) {
        char *n = ident(l, names[i]);
        if (!n)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        else
            st = sql_fmt(l, "creating the indexes", err, "CREATE INDEX IF NOT EXISTS %s ON %s (\"%s\")", n, l->table_q,
                         cols[i]);
        PQfreemem(n);
    }
    if (st == VPCFLOW_OK)
        return exec(l, "COMMIT", 0, NULL, NULL, "creating the indexes", err);
    PQclear(PQexec(l->conn, "ROLLBACK"));
    return st;
}

/* ---- the rows: workers encode, one connection sends ---------------------------------- */

static void report(loader *l, int force)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!l->o->progress || (!force && since(&l->last, &now) < 0.5))
        return;
    l->last = now;
    vpcflow_load_stats s = *l->stats;
    s.rows += l->file_rows;
    s.bytes_text += l->file_text;
    s.seconds = since(&l->t0, &now);
    l->o->progress(l->o->ctx, &s);
}

static int flush(worker *w)
{
    loader *l = w->l;
    int bad = 0;
    pthread_mutex_lock(&l->mu);
    if (l->failed)
        bad = 1;
    else if (w->buf.len && PQputCopyData(l->conn, (const char *)w->buf.p, (int)w->buf.len) != 1) {
        l->failed = 1;
        first_line(PQerrorMessage(l->conn), l->pgerr, sizeof l->pgerr);
        bad = 1;
    }
    l->file_rows += w->rows;
    l->file_text += w->text;
    report(l, 0);
    pthread_mutex_unlock(&l->mu);
    w->buf.len = 0;
    w->rows = 0;
    w->text = 0;
    return bad;
}

static void *w_open(void *ctx, unsigned n)
{
    loader *l = ctx;
    worker *w = vf_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->l = l;
    w->en = vpcflow_enricher_new(l->enrich);
    if (!w->en || vf_grow(&w->buf.p, &w->buf.cap, FLUSH_BYTES + 4096, 1) < 0) {
        vpcflow_enricher_free(w->en);
        free(w->buf.p);
        free(w);
        return NULL;
    }
    w->vals[0].i = l->file_id;
    return w;
}

static int w_record(void *state, const vpcflow_record *rec)
{
    worker *w = state;
    vpcflow_enriched e;
    vpcflow_enrich_record(w->en, rec, &e);
    vf_row_values(rec, &e, w->vals + 1);
    if (vf_pg_tuple(&w->buf, w->l->types, w->vals, VF_NCOLUMNS + 1) < 0) {
        pthread_mutex_lock(&w->l->mu);
        w->l->failed = 1;
        snprintf(w->l->pgerr, sizeof w->l->pgerr, "out of memory");
        pthread_mutex_unlock(&w->l->mu);
        return 1;
    }
    w->rows++;
    w->text += rec->line.len + 1;
    return w->buf.len >= FLUSH_BYTES ? flush(w) : 0;
}

static int w_close(void *ctx, void *state)
{
    worker *w = state;
    if (!w)
        return 0;
    int bad = flush(w);
    vpcflow_enricher_free(w->en);
    vf_pgbuf_free(&w->buf);
    free(w);
    return bad;
}

/* ---- one file, one transaction -------------------------------------------------------- */

typedef struct file_id {
    uint64_t size, crc;
    char hash[17];
} file_id;

static vpcflow_status identify(const char *path, file_id *id, vpcflow_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    enum { N = 1 << 20 };
    unsigned char *buf = malloc(N);
    if (!buf) {
        close(fd);
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
    }
    uint64_t crc = 0, size = 0;
    for (;;) {
        ssize_t n = read(fd, buf, N);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "read error: %s", strerror(e));
        }
        if (!n)
            break;
        crc = crc64_ecma_refl(crc, buf, (uint64_t)n);
        size += (uint64_t)n;
    }
    free(buf);
    close(fd);
    id->size = size;
    id->crc = crc;
    snprintf(id->hash, sizeof id->hash, "%016llx", (unsigned long long)crc);
    return VPCFLOW_OK;
}

static vpcflow_status start_copy(loader *l, vpcflow_error *err)
{
    if (l->o->rollup) {
        vpcflow_status st =
            sql_fmt(l, "staging the rows", err, "CREATE TEMP TABLE vpcflow_stage (%s) ON COMMIT DROP", l->coldefs.buf);
        if (st != VPCFLOW_OK)
            return st;
    }
    vf_text q = VF_TEXT_GROWING;
    vf_printf(&q, "COPY %s (%s) FROM STDIN (FORMAT binary)", l->o->rollup ? "pg_temp.vpcflow_stage" : l->table_q,
              l->colnames.buf);
    if (q.oom) {
        free(q.buf);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    PGresult *r = PQexec(l->conn, q.buf);
    free(q.buf);
    if (r && PQresultStatus(r) == PGRES_COPY_IN) {
        PQclear(r);
        return VPCFLOW_OK;
    }
    return failed(l, r, "starting COPY", err);
}

/* Sends buf (header or trailer) outside the workers. */
static vpcflow_status put(loader *l, vf_pgbuf *b, vpcflow_error *err)
{
    if (PQputCopyData(l->conn, (const char *)b->p, (int)b->len) != 1) {
        char why[400];
        first_line(PQerrorMessage(l->conn), why, sizeof why);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "PostgreSQL: %s (sending rows)", why);
    }
    return VPCFLOW_OK;
}

/* Ends COPY: 1 when the server took the rows (rows set), else err filled. */
static vpcflow_status end_copy(loader *l, const char *abort_msg, uint64_t *rows, vpcflow_error *err)
{
    vpcflow_status st = VPCFLOW_OK;
    if (PQputCopyEnd(l->conn, abort_msg) != 1)
        st = VPCFLOW_ERR_IO;
    PGresult *r;
    char why[400] = "";
    while ((r = PQgetResult(l->conn))) {
        if (PQresultStatus(r) == PGRES_COMMAND_OK)
            *rows = strtoull(PQcmdTuples(r), NULL, 10);
        else if (st == VPCFLOW_OK || !*why) {
            const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
            first_line(primary ? primary : PQerrorMessage(l->conn), why, sizeof why);
            st = VPCFLOW_ERR_IO;
        }
        PQclear(r);
        if (PQstatus(l->conn) == CONNECTION_BAD)
            break;
    }
    if (st != VPCFLOW_OK && !abort_msg) {
        if (!*why)
            first_line(PQerrorMessage(l->conn), why, sizeof why);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "PostgreSQL: %s (ending COPY)", why);
    }
    return st;
}

static vpcflow_status rollup_rows(loader *l, vpcflow_error *err)
{
    vf_text keys = VF_TEXT_GROWING;
    for (size_t i = 0; i < VF_ARRAY_LEN(rollup_keys); i++)
        vf_printf(&keys, ", \"%s\"", rollup_keys[i]);
    if (keys.oom) {
        free(keys.buf);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    vf_text groups = VF_TEXT_GROWING;
    for (size_t i = 0; i < VF_ARRAY_LEN(rollup_keys) + 2; i++)
        vf_printf(&groups, "%s%zu", i ? ", " : "", i + 1);
    /* one file's groups in a hash table rather than a sort spilled to disk */
    vpcflow_status st = exec(l, "SET LOCAL work_mem = '128MB'", 0, NULL, NULL, "rolling the rows up", err);
    if (st == VPCFLOW_OK)
        st = groups.oom ? vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory")
                        : sql_fmt(l, "rolling the rows up", err,
                                  "INSERT INTO %s (file_id, \"start\"%s, \"bytes\", \"packets\", \"cost_num\", flows) "
                                  "SELECT file_id, date_trunc('%s', \"start\")%s, sum(\"bytes\")::bigint, "
                                  "sum(\"packets\")::bigint, sum(\"cost_num\"), count(*) FROM pg_temp.vpcflow_stage "
                                  "GROUP BY %s",
                                  l->table_q, keys.buf, bucket_unit(l->o->rollup), keys.buf, groups.buf);
    free(keys.buf);
    free(groups.buf);
    return st;
}

typedef enum { FILE_LOADED, FILE_SKIPPED, FILE_FAILED } file_result;

/* path: as given (read, and named to the user); key: its absolute path, which identifies it in
 * vpcflow_loaded_files whatever the directory a run starts in. */
static vpcflow_status load_file(loader *l, const char *path, const char *key, file_result *res, vpcflow_error *err)
{
    file_id id;
    *res = FILE_FAILED;
    vpcflow_status st = identify(path, &id, err);
    if (st != VPCFLOW_OK && !l->scan.strict) { /* as every command: named, the others are read */
        tell(l, VPCFLOW_LOAD_NOTE, path, "%s: nothing of it was loaded", err->message);
        memset(err, 0, sizeof *err);
        return VPCFLOW_OK;
    }
    if (st != VPCFLOW_OK)
        return st;
    char size[24], hashkey[24];
    snprintf(size, sizeof size, "%llu", (unsigned long long)id.size);
    snprintf(hashkey, sizeof hashkey, "%lld", (long long)vf_hash_bytes(key, strlen(key)));
    const char *p[5] = {key, size, id.hash, l->table, hashkey};
    if ((st = exec(l, "BEGIN", 0, NULL, NULL, "starting the file's transaction", err)) != VPCFLOW_OK)
        return st;
    /* a second loader of the same file waits here, then finds it loaded */
    st = exec(l, "SELECT pg_advisory_xact_lock($1::bigint)", 1, p + 4, NULL, "locking the file", err);
    PGresult *r = NULL;
    vf_text q = VF_TEXT_GROWING;
    if (st == VPCFLOW_OK) {
        vf_printf(&q,
                  "SELECT file_id, size = $2::bigint AND hash = $3, rows, to_char(loaded_at, "
                  "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM %s WHERE path = $1 AND table_name = $4",
                  l->files_q);
        st = q.oom ? vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory")
                   : exec(l, q.buf, 4, p, &r, "reading vpcflow_loaded_files", err);
        free(q.buf);
    }
    if (st == VPCFLOW_OK && PQntuples(r) > 0) {
        int same = PQgetvalue(r, 0, 1)[0] == 't';
        if (same && !l->o->reload) {
            tell(l, VPCFLOW_LOAD_SKIPPED, path, "loaded already (%s, %s rows): skipped", PQgetvalue(r, 0, 3),
                 PQgetvalue(r, 0, 2));
            PQclear(r);
            *res = FILE_SKIPPED;
            return exec(l, "COMMIT", 0, NULL, NULL, "ending the file's transaction", err);
        }
        tell(l, VPCFLOW_LOAD_NOTE, path,
             same ? "loaded before (%s, %s rows): its rows are replaced (--reload)"
                  : "changed since it was loaded (%s, %s rows): its rows are replaced",
             PQgetvalue(r, 0, 3), PQgetvalue(r, 0, 2));
        const char *old[1] = {PQgetvalue(r, 0, 0)};
        q = (vf_text)VF_TEXT_GROWING;
        vf_printf(&q, "DELETE FROM %s WHERE file_id = $1::bigint", l->table_q);
        st = q.oom ? vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory")
                   : exec(l, q.buf, 1, old, NULL, "deleting the file's rows", err);
        free(q.buf);
        q = (vf_text)VF_TEXT_GROWING;
        vf_printf(&q, "DELETE FROM %s WHERE file_id = $1::bigint", l->files_q);
        if (st == VPCFLOW_OK)
            st = q.oom ? vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory")
                       : exec(l, q.buf, 1, old, NULL, "deleting the file's rows", err);
        free(q.buf);
    }
    PQclear(r);
    r = NULL;
    if (st == VPCFLOW_OK) {
        q = (vf_text)VF_TEXT_GROWING;
        vf_printf(&q,
                  "INSERT INTO %s (path, size, hash, rows, table_name) VALUES ($1, $2, $3, 0, $4) RETURNING file_id",
                  l->files_q);
        st = q.oom ? vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory")
                   : exec(l, q.buf, 4, p, &r, "recording the file", err);
        free(q.buf);
    }
    if (st == VPCFLOW_OK) {
        l->file_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        st = start_copy(l, err);
    }
    if (st != VPCFLOW_OK) {
        PQclear(PQexec(l->conn, "ROLLBACK"));
        return st;
    }
    /* the rows */
    vf_pgbuf b = {0};
    l->failed = 0;
    l->file_rows = 0;
    l->file_text = 0;
    if (vf_pg_header(&b) < 0 || put(l, &b, err) != VPCFLOW_OK) {
        vf_pgbuf_free(&b);
        PQclear(PQexec(l->conn, "ROLLBACK"));
        return err->message[0] ? VPCFLOW_ERR_IO : vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    vpcflow_sink sink = {w_open, w_record, NULL, w_close, l, NULL};
    vpcflow_scan_stats ss;
    memset(&ss, 0, sizeof ss);
    st = vpcflow_scan(&path, 1, &l->scan, &sink, &ss, err);
    uint64_t rows = 0;
    if (l->failed) { /* the server went away, or memory ran out */
        end_copy(l, "vpcflow: stopped", &rows, err);
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "PostgreSQL: %s (sending rows)", l->pgerr);
    } else if (st != VPCFLOW_OK || ss.inputs_failed) {
        end_copy(l, "vpcflow: the file could not be read wholly", &rows, err);
    } else {
        b.len = 0;
        if (vf_pg_trailer(&b) < 0)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        else if ((st = put(l, &b, err)) == VPCFLOW_OK)
            st = end_copy(l, NULL, &rows, err);
    }
    vf_pgbuf_free(&b);
    if (st == VPCFLOW_OK && !ss.inputs_failed && l->o->rollup)
        st = rollup_rows(l, err);
    if (st == VPCFLOW_OK && !ss.inputs_failed) {
        char fid[24], nrows[24];
        snprintf(fid, sizeof fid, "%lld", (long long)l->file_id);
        snprintf(nrows, sizeof nrows, "%llu", (unsigned long long)rows);
        const char *u[2] = {fid, nrows};
        q = (vf_text)VF_TEXT_GROWING;
        vf_printf(&q, "UPDATE %s SET rows = $2::bigint WHERE file_id = $1::bigint", l->files_q);
        st = q.oom ? vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory")
                   : exec(l, q.buf, 2, u, NULL, "recording the file", err);
        free(q.buf);
        if (st == VPCFLOW_OK)
            st = exec(l, "COMMIT", 0, NULL, NULL, "committing the file", err);
        if (st == VPCFLOW_OK) {
            *res = FILE_LOADED;
            l->stats->rows += rows;
            l->stats->bytes_text += ss.bytes_text;
            vpcflow_scan_stats *t = &l->stats->scan;
            t->inputs += ss.inputs;
            t->bytes_in += ss.bytes_in;
            t->bytes_text += ss.bytes_text;
            t->lines += ss.lines;
            t->headers += ss.headers;
            t->records += ss.records;
            t->records_nodata += ss.records_nodata;
            t->records_skipdata += ss.records_skipdata;
            t->records_malformed += ss.records_malformed;
            t->packets += ss.packets;
            t->bytes += ss.bytes;
            return VPCFLOW_OK;
        }
        return st;
    }
    if (PQstatus(l->conn) == CONNECTION_OK)
        PQclear(PQexec(l->conn, "ROLLBACK"));
    if (st == VPCFLOW_OK) /* not read wholly: named through diag; nothing of it is kept */
        tell(l, VPCFLOW_LOAD_NOTE, path, "not read wholly: nothing of it was loaded");
    return st;
}

/* ---- the run -------------------------------------------------------------------------- */

static void expand_warn(void *ctx, const char *path, const char *message)
{
    tell(ctx, VPCFLOW_LOAD_NOTE, path, "%s", message);
}

static void loader_free(loader *l)
{
    if (l->conn)
        PQfinish(l->conn);
    vpcflow_enrich_close(l->enrich);
    free((char *)l->schema);
    free(l->schema_q);
    free(l->table_q);
    free(l->files_q);
    free(l->view_q);
    free(l->coldefs.buf);
    free(l->colnames.buf);
}

vpcflow_status vpcflow_load_run(const char *const *paths, size_t npaths, const vpcflow_load_options *o,
                                vpcflow_load_stats *stats, vpcflow_error *err)
{
    memset(stats, 0, sizeof *stats);
    if (o->rollup && o->rollup != 60 && o->rollup != 3600 && o->rollup != 86400)
        return vf_error(err, VPCFLOW_ERR_INPUT, "--rollup", 0, 0, "takes 1m, 1h or 1d");
    for (size_t i = 0; i < npaths; i++)
        if (!strcmp(paths[i], "-"))
            return vf_error(err, VPCFLOW_ERR_INPUT, "-", 0, 0,
                            "load reads files and directories, not standard input (a file is loaded once, by its "
                            "path and content)");
    loader l;
    memset(&l, 0, sizeof l);
    l.o = o;
    l.stats = stats;
    l.coldefs = (vf_text)VF_TEXT_GROWING;
    l.colnames = (vf_text)VF_TEXT_GROWING;
    clock_gettime(CLOCK_MONOTONIC, &l.t0);
    l.last = l.t0;
    char **files = NULL;
    size_t nfiles = 0;
    vpcflow_status st = vf_expand_paths(paths, npaths, expand_warn, &l, &files, &nfiles, err);
    if (st != VPCFLOW_OK)
        return st;
    if ((st = connect_db(&l, err)) == VPCFLOW_OK && (st = names(&l, err)) == VPCFLOW_OK)
        st = prepare(&l, err);
    if (st == VPCFLOW_OK)
        st = vpcflow_enrich_open((const char *const *)files, nfiles, &o->analysis, &l.enrich, err);
    if (st == VPCFLOW_OK && pthread_mutex_init(&l.mu, NULL) != 0)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot create a mutex");
    else if (st == VPCFLOW_OK) {
        l.scan = *vpcflow_enrich_scan_options(l.enrich);
        l.scan.progress = NULL; /* the load reports its own (report()); the scan's ctx is the analysis' */
        if (!vpcflow_enrich_has_enis(l.enrich) && o->note)
            tell(&l, VPCFLOW_LOAD_NOTE, "",
                 "no --enis or --topology: which rows count twice is decided from these inputs only "
                 "(load every file of a period in one run, or give --enis)");
        const char *notes = vpcflow_enrich_notes(l.enrich);
        if (*notes)
            tell(&l, VPCFLOW_LOAD_NOTE, "", "%s", notes);
        for (size_t i = 0; i < nfiles && st == VPCFLOW_OK; i++) {
            file_result fr;
            char *abs = realpath(files[i], NULL);
            st = load_file(&l, files[i], abs ? abs : files[i], &fr, err);
            free(abs);
            l.file_rows = l.file_text = 0; /* counted in stats (when loaded) */
            if (fr == FILE_LOADED)
                stats->files_loaded++;
            else if (fr == FILE_SKIPPED)
                stats->files_skipped++;
            else if (st == VPCFLOW_OK)
                stats->files_failed++;
            pthread_mutex_lock(&l.mu);
            report(&l, 1);
            pthread_mutex_unlock(&l.mu);
        }
        if (st == VPCFLOW_OK) /* statistics: autovacuum analyzes the table after the load */
            st = indexes(&l, err);
        pthread_mutex_destroy(&l.mu);
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    stats->seconds = since(&l.t0, &now);
    stats->scan.inputs_failed = stats->files_failed;
    vf_free_paths(files, nfiles);
    loader_free(&l);
    return st;
}
