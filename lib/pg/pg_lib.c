/* pg_lib.c — libpq opened with dlopen on first use (pg_lib.h says why). */
#include "base/internal.h"

#include "pg/pg_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Filled once under pthread_once, read-only after: the table of a process-wide library. */
static vf_libpq table;
static char failure[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_libpq(void)
{
    void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(failure, sizeof failure, "cannot load libpq (Debian package libpq5): %s", e ? e : "not found");
        return;
    }
    struct {
        const char *name;
        void **slot;
    } syms[] = {
        {"PQclear", (void **)&table.PQclear},
        {"PQcmdTuples", (void **)&table.PQcmdTuples},
        {"PQconnectdb", (void **)&table.PQconnectdb},
        {"PQconninfoFree", (void **)&table.PQconninfoFree},
        {"PQconninfoParse", (void **)&table.PQconninfoParse},
        {"PQdb", (void **)&table.PQdb},
        {"PQerrorMessage", (void **)&table.PQerrorMessage},
        {"PQescapeIdentifier", (void **)&table.PQescapeIdentifier},
        {"PQescapeLiteral", (void **)&table.PQescapeLiteral},
        {"PQexec", (void **)&table.PQexec},
        {"PQexecParams", (void **)&table.PQexecParams},
        {"PQfinish", (void **)&table.PQfinish},
        {"PQfreemem", (void **)&table.PQfreemem},
        {"PQgetResult", (void **)&table.PQgetResult},
        {"PQgetisnull", (void **)&table.PQgetisnull},
        {"PQgetvalue", (void **)&table.PQgetvalue},
        {"PQhost", (void **)&table.PQhost},
        {"PQntuples", (void **)&table.PQntuples},
        {"PQport", (void **)&table.PQport},
        {"PQputCopyData", (void **)&table.PQputCopyData},
        {"PQputCopyEnd", (void **)&table.PQputCopyEnd},
        {"PQresultErrorField", (void **)&table.PQresultErrorField},
        {"PQresultStatus", (void **)&table.PQresultStatus},
        {"PQsetNoticeProcessor", (void **)&table.PQsetNoticeProcessor},
        {"PQstatus", (void **)&table.PQstatus},
        {"PQuser", (void **)&table.PQuser},
    };
    for (size_t i = 0; i < sizeof syms / sizeof *syms; i++) {
        *syms[i].slot = dlsym(h, syms[i].name);
        if (!*syms[i].slot) {
            snprintf(failure, sizeof failure, "libpq.so.5 lacks %s: a libpq older than PostgreSQL 10?", syms[i].name);
            memset(&table, 0, sizeof table);
            return;
        }
    }
}

const vf_libpq *vf_libpq_open(vpcflow_error *err)
{
    pthread_once(&once, open_libpq);
    if (failure[0]) {
        vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "%s", failure);
        return NULL;
    }
    return &table;
}

const vf_libpq *vf_libpq_get(void)
{
    return &table;
}
