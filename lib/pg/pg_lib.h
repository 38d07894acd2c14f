/* pg_lib.h — libpq, opened when a load starts rather than linked: its dependencies (TLS,
 * Kerberos, LDAP) cost every run of the tool about 6 MiB of resident memory, which --memory
 * budgets and the commands that never talk to PostgreSQL must not pay (docs/performance.md).
 * Include this instead of <libpq-fe.h>: each PQ function used goes through the table. */
#ifndef VF_PG_LIB_H
#define VF_PG_LIB_H

#include "vpcflow.h"

#include <libpq-fe.h>

typedef struct vf_libpq {
    __typeof__(PQclear) *PQclear;
    __typeof__(PQcmdTuples) *PQcmdTuples;
    __typeof__(PQconnectdb) *PQconnectdb;
    __typeof__(PQconninfoFree) *PQconninfoFree;
    __typeof__(PQconninfoParse) *PQconninfoParse;
    __typeof__(PQdb) *PQdb;
    __typeof__(PQerrorMessage) *PQerrorMessage;
    __typeof__(PQescapeIdentifier) *PQescapeIdentifier;
    __typeof__(PQescapeLiteral) *PQescapeLiteral;
    __typeof__(PQexec) *PQexec;
    __typeof__(PQexecParams) *PQexecParams;
    __typeof__(PQfinish) *PQfinish;
    __typeof__(PQfreemem) *PQfreemem;
    __typeof__(PQgetResult) *PQgetResult;
    __typeof__(PQgetisnull) *PQgetisnull;
    __typeof__(PQgetvalue) *PQgetvalue;
    __typeof__(PQhost) *PQhost;
    __typeof__(PQntuples) *PQntuples;
    __typeof__(PQport) *PQport;
    __typeof__(PQputCopyData) *PQputCopyData;
    __typeof__(PQputCopyEnd) *PQputCopyEnd;
    __typeof__(PQresultErrorField) *PQresultErrorField;
    __typeof__(PQresultStatus) *PQresultStatus;
    __typeof__(PQsetNoticeProcessor) *PQsetNoticeProcessor;
    __typeof__(PQstatus) *PQstatus;
    __typeof__(PQuser) *PQuser;
} vf_libpq;

/* The table, libpq opened on first use (thread-safe); NULL with err set when libpq cannot be
 * loaded (the Debian package libpq5). */
const vf_libpq *vf_libpq_open(vpcflow_error *err);
/* The table once vf_libpq_open succeeded. */
const vf_libpq *vf_libpq_get(void);

#define PQclear(...) (vf_libpq_get()->PQclear(__VA_ARGS__))
#define PQcmdTuples(...) (vf_libpq_get()->PQcmdTuples(__VA_ARGS__))
#define PQconnectdb(...) (vf_libpq_get()->PQconnectdb(__VA_ARGS__))
#define PQconninfoFree(...) (vf_libpq_get()->PQconninfoFree(__VA_ARGS__))
#define PQconninfoParse(...) (vf_libpq_get()->PQconninfoParse(__VA_ARGS__))
#define PQdb(...) (vf_libpq_get()->PQdb(__VA_ARGS__))
#define PQerrorMessage(...) (vf_libpq_get()->PQerrorMessage(__VA_ARGS__))
#define PQescapeIdentifier(...) (vf_libpq_get()->PQescapeIdentifier(__VA_ARGS__))
#define PQescapeLiteral(...) (vf_libpq_get()->PQescapeLiteral(__VA_ARGS__))
#define PQexec(...) (vf_libpq_get()->PQexec(__VA_ARGS__))
#define PQexecParams(...) (vf_libpq_get()->PQexecParams(__VA_ARGS__))
#define PQfinish(...) (vf_libpq_get()->PQfinish(__VA_ARGS__))
#define PQfreemem(...) (vf_libpq_get()->PQfreemem(__VA_ARGS__))
#define PQgetResult(...) (vf_libpq_get()->PQgetResult(__VA_ARGS__))
#define PQgetisnull(...) (vf_libpq_get()->PQgetisnull(__VA_ARGS__))
#define PQgetvalue(...) (vf_libpq_get()->PQgetvalue(__VA_ARGS__))
#define PQhost(...) (vf_libpq_get()->PQhost(__VA_ARGS__))
#define PQntuples(...) (vf_libpq_get()->PQntuples(__VA_ARGS__))
#define PQport(...) (vf_libpq_get()->PQport(__VA_ARGS__))
#define PQputCopyData(...) (vf_libpq_get()->PQputCopyData(__VA_ARGS__))
#define PQputCopyEnd(...) (vf_libpq_get()->PQputCopyEnd(__VA_ARGS__))
#define PQresultErrorField(...) (vf_libpq_get()->PQresultErrorField(__VA_ARGS__))
#define PQresultStatus(...) (vf_libpq_get()->PQresultStatus(__VA_ARGS__))
#define PQsetNoticeProcessor(...) (vf_libpq_get()->PQsetNoticeProcessor(__VA_ARGS__))
#define PQstatus(...) (vf_libpq_get()->PQstatus(__VA_ARGS__))
#define PQuser(...) (vf_libpq_get()->PQuser(__VA_ARGS__))

#endif
