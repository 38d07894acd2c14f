/* sql.c — the SQL of vpcflow's reports over exported rows (docs/sql.md): PostgreSQL over the
 * loaded table and its `_unique` view, DuckDB and Athena over the Parquet output. The prices
 * are written into the SQL as integers (pico-dollars per GB) and every sum is exact: the same
 * numerators as the library's, divided and rounded once, half up, as docs/model.md §4 says. */
#include "base/internal.h"

#include "export/schema.h"
#include "model/prices.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DENOM "1073741824000000000000" /* 2^30 x 10^12: a numerator per USD */
#define HALF_DENOM "536870912000000000000"

typedef struct sqlw {
    FILE *out;
    vpcflow_dialect d;
    const char *table;
    const char *parquet;
    vf_prices p;
    int free_tier;
} sqlw;

static void put(sqlw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sqlw *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(w->out, fmt, ap);
    va_end(ap);
}

static void u128_text(unsigned __int128 v, char *buf, size_t cap)
{
    char tmp[48];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v && n < sizeof tmp);
    size_t i = 0;
    for (; i < n && i + 1 < cap; i++)
        buf[i] = tmp[n - 1 - i];
    buf[i] = 0;
}

/* An exact integer of the dialect's wide type: numeric, HUGEINT, DECIMAL(38,0). */
static void wide_open(sqlw *w)
{
    put(w, "%s", w->d == VPCFLOW_SQL_POSTGRES ? "(" : "CAST(");
}

static void wide_close(sqlw *w)
{
    put(w, "%s",
        w->d == VPCFLOW_SQL_POSTGRES ? ")::numeric"
        : w->d == VPCFLOW_SQL_DUCKDB ? " AS HUGEINT)"
                                     : " AS DECIMAL(38,0))");
}

static void lit(sqlw *w, unsigned __int128 v)
{
    char b[48];
    u128_text(v, b, sizeof b);
    if (w->d == VPCFLOW_SQL_POSTGRES || v < ((unsigned __int128)1 << 62))
        put(w, "%s", b);
    else
        put(w, "CAST('%s' AS %s)", b, w->d == VPCFLOW_SQL_DUCKDB ? "HUGEINT" : "DECIMAL(38,0)");
}

/* Writes floor(A / B) where A and B are given as already written SQL text. */
static void fdiv(sqlw *w, const char *a, const char *b)
{
    switch (w->d) {
    case VPCFLOW_SQL_POSTGRES:
        put(w, "div(%s, %s)", a, b);
        break;
    case VPCFLOW_SQL_DUCKDB:
        put(w, "((%s) // (%s))", a, b);
        break;
    default:
        put(w, "(((%s) - mod(%s, %s)) / (%s))", a, a, b, b);
    }
}

/* Micro-dollars of a numerator expression, rounded half up; then USD with 6 decimals. */
static void usd(sqlw *w, const char *num, const char *name)
{
    char a[512], b[64];
    if (w->d == VPCFLOW_SQL_POSTGRES) {
        snprintf(a, sizeof a, "(%s) * 1000000 + " HALF_DENOM, num);
        snprintf(b, sizeof b, DENOM);
    } else {
        const char *t = w->d == VPCFLOW_SQL_DUCKDB ? "HUGEINT" : "DECIMAL(38,0)";
        snprintf(a, sizeof a, "CAST(%s AS %s) * 1000000 + CAST('" HALF_DENOM "' AS %s)", num, t, t);
        snprintf(b, sizeof b, "CAST('" DENOM "' AS %s)", t);
    }
    put(w, "    ");
    fdiv(w, a, b);
    size_t nl = strlen(name);
    put(w, " AS %.*smicro_usd,\n    ", (int)(nl > 3 ? nl - 3 : 0), name);
    if (w->d == VPCFLOW_SQL_POSTGRES)
        fdiv(w, a, b), put(w, " * 0.000001");
    else {
        put(w, "CAST(");
        fdiv(w, a, b);
        put(w, " AS DECIMAL(38,0)) * CAST(0.000001 AS DECIMAL(38,6))");
    }
    put(w, " AS %s", name);
}

/* The tiered internet-out numerator of one month's bytes `b` (an SQL expression). */
static void tiered(sqlw *w, const char *b)
{
    uint64_t lo = 0;
    put(w, "(");
    for (size_t i = 0; i < w->p.ntiers; i++) {
        int last = i + 1 == w->p.ntiers || w->p.tiers[i].up_to_gb == UINT64_MAX;
        if (i)
            put(w, " + ");
        if (last) {
            put(w, "GREATEST(%s - ", b);
            lit(w, (unsigned __int128)lo << 30);
            put(w, ", 0) * ");
            lit(w, w->p.tiers[i].rate);
            break;
        }
        put(w, "GREATEST(LEAST(%s, ", b);
        lit(w, (unsigned __int128)w->p.tiers[i].up_to_gb << 30);
        put(w, ") - ");
        lit(w, (unsigned __int128)lo << 30);
        put(w, ", 0) * ");
        lit(w, w->p.tiers[i].rate);
        lo = w->p.tiers[i].up_to_gb;
    }
    if (!w->p.ntiers)
        put(w, "0");
    put(w, ")");
}

static void month_of(sqlw *w, const char *col, const char *unit)
{
    switch (w->d) {
    case VPCFLOW_SQL_POSTGRES:
        put(w, "date_trunc('%s', %s AT TIME ZONE 'UTC')", unit, col);
        break;
    case VPCFLOW_SQL_DUCKDB:
        put(w, "date_trunc('%s', make_timestamp(CAST(%s AS BIGINT) * 1000000))", unit, col);
        break;
    default:
        put(w, "date_trunc('%s', from_unixtime(%s))", unit, col);
    }
}

/* ---- the rows counted ------------------------------------------------------------------- */

static void unique_condition(sqlw *w, const char *t)
{
    put(w,
        "class IS NOT NULL AND (dedup = 'keep'\n"
        "    OR (dedup = 'unless-logged'\n"
        "        AND dedup_eni NOT IN (SELECT interface_id FROM %s WHERE interface_id IS NOT NULL)\n"
        "        AND (dedup_eni2 IS NULL OR dedup_eni2 NOT IN (SELECT interface_id FROM %s WHERE interface_id IS "
        "NOT NULL)))\n"
        "    OR (dedup = 'unless-nat-peer'\n"
        "        AND dedup_peer NOT IN (SELECT nat_peer FROM %s WHERE nat_peer IS NOT NULL)))",
        t, t, t);
}

static void relation(sqlw *w)
{
    if (w->d == VPCFLOW_SQL_DUCKDB && w->parquet) {
        size_t n = strlen(w->parquet);
        int glob = strchr(w->parquet, '*') != NULL || (n > 8 && strcmp(w->parquet + n - 8, ".parquet") == 0);
        put(w, "read_parquet('%s%s', hive_partitioning = true, union_by_name = true)", w->parquet,
            glob ? "" : (n && w->parquet[n - 1] == '/' ? "**/*.parquet" : "/**/*.parquet"));
    } else
        put(w, "%s", w->table);
}

/* WITH t (every row), u (the rows counted, with `flows`) */
static void with_rows(sqlw *w)
{
    put(w, "WITH t AS (SELECT * FROM ");
    relation(w);
    put(w, "),\n");
    if (w->d == VPCFLOW_SQL_POSTGRES)
        put(w, "u AS (SELECT * FROM %s_unique)", w->table);
    else {
        put(w, "u AS (SELECT *, 1 AS flows FROM t WHERE ");
        unique_condition(w, "t");
        put(w, ")");
    }
}

/* months (internet-out unique bytes per UTC month) and inet (its tiered numerator) */
static void with_inet(sqlw *w)
{
    put(w, ",\nmonths AS (SELECT ");
    month_of(w, "\"start\"", "month");
    put(w, " AS m, ");
    wide_open(w);
    put(w, "sum(bytes)");
    wide_close(w);
    put(w, " AS b FROM u WHERE class = 'internet-out' GROUP BY 1),\n");
    put(w, "inet AS (SELECT coalesce(sum(");
    tiered(w, "b");
    if (w->free_tier && w->p.free_gb_month) {
        char fb[256];
        char bound[48];
        u128_text((unsigned __int128)w->p.free_gb_month << 30, bound, sizeof bound);
        if (w->d == VPCFLOW_SQL_POSTGRES)
            snprintf(fb, sizeof fb, "LEAST(b, %s)", bound);
        else
            snprintf(fb, sizeof fb, "LEAST(b, CAST('%s' AS %s))", bound,
                     w->d == VPCFLOW_SQL_DUCKDB ? "HUGEINT" : "DECIMAL(38,0)");
        put(w, " - ");
        tiered(w, fb);
    }
    put(w, "), 0) AS num, coalesce(sum(b), 0) AS bytes FROM months)");
}

/* ---- reports ---------------------------------------------------------------------------- */

static void report_unique(sqlw *w)
{
    if (w->d == VPCFLOW_SQL_POSTGRES) {
        put(w, "CREATE OR REPLACE VIEW %s_unique AS\nSELECT *, 1::bigint AS flows FROM %s WHERE ", w->table, w->table);
        unique_condition(w, w->table);
        put(w, ";\n");
        return;
    }
    put(w, "CREATE OR REPLACE VIEW %s_unique AS\nSELECT *, 1 AS flows FROM ", w->table);
    relation(w);
    put(w, " t WHERE ");
    unique_condition(w, w->d == VPCFLOW_SQL_DUCKDB && w->parquet ? "t" : w->table);
    put(w, ";\n");
}

static void report_summary(sqlw *w)
{
    put(w, "-- vpcflow summary: bytes, packets, flows and cost per class, NAT processing, total\n");
    with_rows(w);
    with_inet(w);
    put(w, ",\nclasses(ord, class) AS (VALUES ");
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++)
        put(w, "%s(%d, '%s')", c ? ", " : "", c, vpcflow_class_name((vpcflow_class)c));
    put(w, "),\n");
    put(w, "per_class AS (SELECT class, ");
    wide_open(w);
    put(w, "sum(bytes)");
    wide_close(w);
    put(w, " AS bytes, ");
    wide_open(w);
    put(w, "sum(packets)");
    wide_close(w);
    put(w, " AS packets, ");
    wide_open(w);
    put(w, "sum(flows)");
    wide_close(w);
    put(w, " AS flows, ");
    wide_open(w);
    put(w, "sum(cost_num)");
    wide_close(w);
    put(w, " AS num FROM u GROUP BY class),\n");
    put(w, "nat AS (SELECT ");
    wide_open(w);
    put(w, "coalesce(sum(bytes), 0)");
    wide_close(w);
    put(w, " AS bytes FROM t WHERE nat_processing),\n");
    put(w,
        "r AS (\n  SELECT c.ord, c.class, coalesce(p.bytes, 0) AS bytes, coalesce(p.packets, 0) AS packets,\n"
        "         coalesce(p.flows, 0) AS flows,\n"
        "         CASE WHEN c.class = 'internet-out' THEN (SELECT num FROM inet) ELSE coalesce(p.num, 0) END AS num\n"
        "  FROM classes c LEFT JOIN per_class p ON p.class = c.class\n"
        "  UNION ALL SELECT %d, 'nat-processing', bytes, NULL, NULL, bytes * ",
        VPCFLOW_CLASS_COUNT);
    lit(w, w->p.nat_per_gb);
    put(w, " FROM nat),\n");
    put(w,
        "rows AS (\n  SELECT * FROM r\n  UNION ALL SELECT %d, 'total', sum(bytes) FILTER (WHERE ord < %d),\n"
        "         sum(packets), sum(flows), sum(num) FROM r)\n",
        VPCFLOW_CLASS_COUNT + 1, VPCFLOW_CLASS_COUNT);
    put(w, "SELECT class, bytes, packets, flows,\n");
    usd(w, "num", "cost_usd");
    put(w, "\nFROM rows ORDER BY ord;\n");
}

/* ---- top -------------------------------------------------------------------------------- */

typedef struct key_sql {
    const char *name; /* as `top --by` takes it */
    const char *cols; /* SQL expressions of the output columns, separated by ';' */
} key_sql;

#define SERVICE_PORT                                                                                                   \
    "CASE WHEN (srcport < 1024) <> (dstport < 1024) THEN CASE WHEN srcport < 1024 THEN srcport ELSE dstport END "      \
    "WHEN (srcport >= 32768) <> (dstport >= 32768) THEN CASE WHEN srcport >= 32768 THEN dstport ELSE srcport END "     \
    "ELSE LEAST(srcport, dstport) END"

static const key_sql keys[] = {
    {"srcaddr", "srcaddr; min(src_owner) AS srcaddr_owner"},
    {"dstaddr", "dstaddr; min(dst_owner) AS dstaddr_owner"},
    {"pair", "srcaddr; dstaddr; min(src_owner) AS srcaddr_owner; min(dst_owner) AS dstaddr_owner"},
    {"srcport", "srcport"},
    {"dstport", "dstport"},
    {"port", SERVICE_PORT " AS port"},
    {"protocol", "protocol"},
    {"interface", "interface_id AS interface"},
    {"interface-id", "interface_id"},
    {"instance", "instance_id AS instance"},
    {"instance-id", "instance_id"},
    {"account", "account_id AS account"},
    {"account-id", "account_id"},
    {"vpc", "vpc_id AS vpc"},
    {"vpc-id", "vpc_id"},
    {"subnet", "subnet_id AS subnet"},
    {"subnet-id", "subnet_id"},
    {"src-az", "src_az"},
    {"dst-az", "dst_az"},
    {"az-pair", "src_az; dst_az"},
    {"class", "class"},
    {"action", "action"},
    {"src-owner", "src_owner"},
    {"dst-owner", "dst_owner"},
    {"tcp-flags", "tcp_flags"},
    {"flow-direction", "flow_direction"},
};

/* Owner columns are aggregates (min over the group), not group keys. */
static int is_aggregate(const char *expr)
{
    return strncmp(expr, "min(", 4) == 0;
}

static vpcflow_status top_keys(sqlw *w, const char *by, char *select, size_t scap, char *group, size_t gcap,
                               vpcflow_error *err)
{
    select[0] = group[0] = 0;
    size_t sl = 0, gl = 0, pos = 0;
    const char *p = by && *by ? by : "srcaddr";
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char name[64];
        if (!len || len >= sizeof name)
            return vf_error(err, VPCFLOW_ERR_INPUT, "--by", 0, 0, "empty or too long key in '%s'", by);
        memcpy(name, p, len);
        name[len] = 0;
        char expr[640];
        expr[0] = 0;
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
            if (strcmp(keys[i].name, name) == 0)
                snprintf(expr, sizeof expr, "%s", keys[i].cols);
        if (!expr[0] && (strcmp(name, "hour") == 0 || strcmp(name, "day") == 0)) {
            /* a time bucket of start, as Unix seconds like `top --output json` */
            FILE *saved = w->out;
            char *buf = NULL;
            size_t blen = 0;
            w->out = open_memstream(&buf, &blen);
            if (!w->out) {
                w->out = saved;
                return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
            }
            month_of(w, "\"start\"", name);
            fclose(w->out);
            w->out = saved;
            /* printed as `top` prints it: 2026-11-01T09:00Z, 2026-11-01 */
            int hour = name[0] == 'h';
            if (w->d == VPCFLOW_SQL_POSTGRES)
                snprintf(expr, sizeof expr, "to_char(%s, '%s') AS %s", buf ? buf : "",
                         hour ? "YYYY-MM-DD\"T\"HH24:MI\"Z\"" : "YYYY-MM-DD", name);
            else if (w->d == VPCFLOW_SQL_DUCKDB)
                snprintf(expr, sizeof expr, "strftime(%s, '%s') AS %s", buf ? buf : "",
                         hour ? "%Y-%m-%dT%H:%MZ" : "%Y-%m-%d", name);
            else
                snprintf(expr, sizeof expr, "date_format(%s, '%s') AS %s", buf ? buf : "",
                         hour ? "%Y-%m-%dT%H:%iZ" : "%Y-%m-%d", name);
            free(buf);
        }
        if (!expr[0] && strcmp(name, "owner") == 0)
            return vf_error(err, VPCFLOW_ERR_INPUT, "--by", 0, 0,
                            "'owner' counts a flow for both of its ends, which one GROUP BY cannot do: use "
                            "src-owner or dst-owner");
        if (!expr[0]) {
            int f = vpcflow_field_lookup(name, len);
            if (f < 0)
                return vf_error(err, VPCFLOW_ERR_INPUT, "--by", 0, 0,
                                "unknown key '%s' for SQL: srcaddr, dstaddr, pair, srcport, dstport, port, protocol, "
                                "interface, instance, account, vpc, subnet, src-az, dst-az, az-pair, class, action, "
                                "src-owner, dst-owner, tcp-flags, flow-direction, hour, day, or a field name",
                                name);
            snprintf(expr, sizeof expr, "\"%s\"", vf_column_at((size_t)f)->name);
        }
        /* split the key's columns into group keys and aggregates */
        char *save = NULL;
        for (char *c = strtok_r(expr, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
            while (*c == ' ')
                c++;
            int n = snprintf(select + sl, scap - sl, "%s%s", sl ? ", " : "", c);
            if (n < 0 || (size_t)n >= scap - sl)
                return vf_error(err, VPCFLOW_ERR_INPUT, "--by", 0, 0, "too many keys");
            sl += (size_t)n;
            pos++;
            if (is_aggregate(c))
                continue;
            n = snprintf(group + gl, gcap - gl, "%s%zu", gl ? ", " : "", pos);
            if (n < 0 || (size_t)n >= gcap - gl)
                return vf_error(err, VPCFLOW_ERR_INPUT, "--by", 0, 0, "too many keys");
            gl += (size_t)n;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return VPCFLOW_OK;
}

static vpcflow_status report_top(sqlw *w, const vpcflow_sql_options *o, vpcflow_error *err)
{
    char select[2048], group[256];
    vpcflow_status st = top_keys(w, o->by, select, sizeof select, group, sizeof group, err);
    if (st != VPCFLOW_OK)
        return st;
    /* the group keys come first in select, so GROUP BY 1, 2… names them; aggregates of owner
     * labels follow their key */
    put(w, "-- vpcflow top --by %s: bytes, packets, flows, cost and share of the rows counted\n",
        o->by && *o->by ? o->by : "srcaddr");
    with_rows(w);
    with_inet(w);
    put(w, ",\ng AS (SELECT %s,\n    ", select);
    wide_open(w);
    put(w, "sum(bytes)");
    wide_close(w);
    put(w, " AS bytes, ");
    wide_open(w);
    put(w, "sum(packets)");
    wide_close(w);
    put(w, " AS packets, ");
    wide_open(w);
    put(w, "sum(flows)");
    wide_close(w);
    put(w, " AS flows,\n    ");
    wide_open(w);
    put(w, "sum(cost_num)");
    wide_close(w);
    put(w, " AS num, ");
    wide_open(w);
    put(w, "sum(CASE WHEN class = 'internet-out' THEN bytes ELSE 0 END)");
    wide_close(w);
    put(w, " AS inet_bytes\n  FROM u GROUP BY %s),\n", group);
    put(w,
        "tot AS (SELECT sum(bytes) AS bytes, sum(packets) AS packets, sum(flows) AS flows, sum(num) AS num FROM g),\n");
    /* a row's share of the tiered charge: floor(C x b / B) = q b + floor(r b / B), C = q B + r */
    put(w, "qr AS (SELECT inet.num AS c, inet.bytes AS b, ");
    fdiv(w, "inet.num", "CASE WHEN inet.bytes = 0 THEN 1 ELSE inet.bytes END");
    put(w, " AS q FROM inet),\n");
    put(w, "rows AS (SELECT g.*, g.num + CASE WHEN qr.b = 0 OR g.inet_bytes = 0 THEN 0 ELSE qr.q * g.inet_bytes + ");
    fdiv(w, "(qr.c - qr.q * qr.b) * g.inet_bytes", "qr.b");
    put(w, " END AS cost FROM g, qr)\n");
    put(w, "SELECT rows.*,\n");
    usd(w, "rows.cost", "cost_usd");
    put(w, ",\n    ");
    if (w->d == VPCFLOW_SQL_POSTGRES)
        put(w, "round(rows.bytes / CASE WHEN tot.bytes = 0 THEN 1 ELSE tot.bytes END, 6)");
    else
        put(w, "round(CAST(rows.bytes AS DOUBLE) / CASE WHEN tot.bytes = 0 THEN 1 ELSE tot.bytes END, 6)");
    put(w, " AS share,\n    tot.bytes AS total_bytes, tot.packets AS total_packets, tot.flows AS total_flows,\n");
    usd(w, "tot.num + (SELECT num FROM inet)", "total_cost_usd");
    put(w, "\nFROM rows, tot\nORDER BY rows.bytes DESC, %s", group);
    if (o->limit != UINT32_MAX)
        put(w, "\nLIMIT %u", o->limit ? o->limit : 10);
    put(w, ";\n");
    return VPCFLOW_OK;
}

/* ---- Athena DDL ------------------------------------------------------------------------- */

static const char *athena_type(vf_col_type t)
{
    switch (t) {
    case VF_COL_I16:
    case VF_COL_I32:
        return "int";
    case VF_COL_I64:
    case VF_COL_TIME:
        return "bigint";
    case VF_COL_BOOL:
        return "boolean";
    case VF_COL_NUM:
        return "decimal(38,0)";
    default:
        return "string";
    }
}

static const char *pg_type(vf_col_type t)
{
    switch (t) {
    case VF_COL_I16:
        return "smallint";
    case VF_COL_I32:
        return "integer";
    case VF_COL_I64:
        return "bigint";
    case VF_COL_TIME:
        return "timestamptz";
    case VF_COL_BOOL:
        return "boolean";
    case VF_COL_NUM:
        return "numeric(38,0)";
    case VF_COL_ADDR:
        return "inet";
    default:
        return "text";
    }
}

/* `create`: the table of vpcflow's rows. Athena: two external tables with partition
 * projection, over vpcflow's Parquet output (Hive partitions year/month/day) and over AWS's own
 * Parquet delivery (its Hive-compatible prefixes); PostgreSQL and DuckDB: the table. */
static void report_create(sqlw *w)
{
    const char *loc = w->parquet ? w->parquet : "s3://BUCKET/vpcflow/";
    if (w->d == VPCFLOW_SQL_ATHENA) {
        put(w, "-- vpcflow's Parquet output (vpcflow convert --to parquet --partition day)\n");
        put(w, "CREATE EXTERNAL TABLE IF NOT EXISTS %s (\n", w->table);
        for (size_t i = 0; i < VF_NCOLUMNS; i++)
            put(w, "  `%s` %s%s\n", vf_column_at(i)->name, athena_type(vf_column_at(i)->type),
                i + 1 < VF_NCOLUMNS ? "," : "");
        put(w,
            ")\nPARTITIONED BY (`year` string, `month` string, `day` string)\nSTORED AS PARQUET\n"
            "LOCATION '%s'\nTBLPROPERTIES (\n  'projection.enabled' = 'true',\n"
            "  'projection.year.type' = 'integer', 'projection.year.range' = '2015,2099', "
            "'projection.year.digits' = '4',\n"
            "  'projection.month.type' = 'integer', 'projection.month.range' = '1,12', "
            "'projection.month.digits' = '2',\n"
            "  'projection.day.type' = 'integer', 'projection.day.range' = '1,31', 'projection.day.digits' = "
            "'2',\n  'storage.location.template' = '%s%syear=${year}/month=${month}/day=${day}/');\n\n",
            loc, loc, loc[strlen(loc) - 1] == '/' ? "" : "/");
        put(w, "-- AWS's own Parquet delivery (Hive-compatible S3 prefixes, hourly partitions)\n");
        put(w, "CREATE EXTERNAL TABLE IF NOT EXISTS %s_aws (\n", w->table);
        for (size_t i = 0; i < VPCFLOW_F_COUNT; i++) {
            vf_col_type t = vf_column_at(i)->type;
            put(w, "  `%s` %s%s\n", vf_column_at(i)->name,
                t == VF_COL_NUM || t == VF_COL_BOOL ? "string" : athena_type(t), i + 1 < VPCFLOW_F_COUNT ? "," : "");
        }
        put(w, ")\nPARTITIONED BY (`aws-account-id` string, `aws-service` string, `aws-region` string,\n"
               "  `year` string, `month` string, `day` string, `hour` string)\nSTORED AS PARQUET\n"
               "LOCATION 's3://BUCKET/AWSLogs/'\nTBLPROPERTIES (\n  'projection.enabled' = 'true',\n"
               "  'projection.aws-account-id.type' = 'injected', 'projection.aws-service.type' = 'enum',\n"
               "  'projection.aws-service.values' = 'vpcflowlogs', 'projection.aws-region.type' = 'injected',\n"
               "  'projection.year.type' = 'integer', 'projection.year.range' = '2015,2099',\n"
               "  'projection.month.type' = 'integer', 'projection.month.range' = '1,12', "
               "'projection.month.digits' = '2',\n"
               "  'projection.day.type' = 'integer', 'projection.day.range' = '1,31', 'projection.day.digits' = "
               "'2',\n"
               "  'projection.hour.type' = 'integer', 'projection.hour.range' = '0,23', 'projection.hour.digits' = "
               "'2',\n"
               "  'storage.location.template' = "
               "'s3://BUCKET/AWSLogs/aws-account-id=${aws-account-id}/aws-service=${aws-service}/"
               "aws-region=${aws-region}/year=${year}/month=${month}/day=${day}/hour=${hour}/');\n");
        return;
    }
    if (w->d == VPCFLOW_SQL_DUCKDB && w->parquet) {
        put(w, "CREATE OR REPLACE VIEW %s AS SELECT * FROM ", w->table);
        relation(w);
        put(w, ";\n");
        return;
    }
    put(w, "CREATE TABLE IF NOT EXISTS %s (\n", w->table);
    for (size_t i = 0; i < VF_NCOLUMNS; i++) {
        vf_col_type t = vf_column_at(i)->type;
        const char *ty = pg_type(t);
        if (w->d == VPCFLOW_SQL_DUCKDB)
            ty = t == VF_COL_ADDR || t == VF_COL_TEXT ? "varchar" : t == VF_COL_TIME ? "bigint" : ty;
        put(w, "  \"%s\" %s%s\n", vf_column_at(i)->name, ty, i + 1 < VF_NCOLUMNS ? "," : "");
    }
    put(w, ");\n");
}

vpcflow_status vpcflow_sql_write(const vpcflow_sql_options *o, FILE *out, vpcflow_error *err)
{
    sqlw w;
    memset(&w, 0, sizeof w);
    w.out = out;
    w.d = o->dialect;
    w.table = o->table && *o->table ? o->table : "flows";
    w.parquet = o->parquet && *o->parquet ? o->parquet : NULL;
    w.free_tier = o->free_tier;
    if ((unsigned)w.d > VPCFLOW_SQL_ATHENA)
        return vf_error(err, VPCFLOW_ERR_INPUT, "--dialect", 0, 0, "unknown dialect");
    vf_prices_default(&w.p);
    if (o->prices) {
        vpcflow_status st = vf_prices_load(&w.p, o->prices, err);
        if (st != VPCFLOW_OK)
            return st;
    }
    const char *r = o->report ? o->report : "summary";
    vpcflow_status st = VPCFLOW_OK;
    if (strcmp(r, "summary") == 0)
        report_summary(&w);
    else if (strcmp(r, "top") == 0)
        st = report_top(&w, o, err);
    else if (strcmp(r, "unique") == 0)
        report_unique(&w);
    else if (strcmp(r, "create") == 0)
        report_create(&w);
    else
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "unknown report '%s': summary, top, unique or create", r);
    if (st == VPCFLOW_OK && (fflush(out) != 0 || ferror(out)))
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot write the SQL: %s", strerror(errno));
    return st;
}
