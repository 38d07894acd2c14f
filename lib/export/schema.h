/* schema.h — the columns of an exported row (docs/export.md): every AWS field of versions 2
 * to 8 under its name with '-' -> '_', then vpcflow's enrichment. The PostgreSQL table, the
 * Parquet files and the SQL of every report are written from this one list. */
#ifndef VF_SCHEMA_H
#define VF_SCHEMA_H

#include "vpcflow.h"

/* How a column's value is held; each writer maps it to its own types. */
typedef enum vf_col_type {
    VF_COL_TEXT, /* PostgreSQL text, Parquet BYTE_ARRAY (STRING) */
    VF_COL_ADDR, /* PostgreSQL inet, Parquet BYTE_ARRAY (STRING) as AWS writes addresses */
    VF_COL_I16,  /* PostgreSQL smallint, Parquet INT32 (AWS: int32) */
    VF_COL_I32,  /* PostgreSQL integer, Parquet INT32 */
    VF_COL_I64,  /* PostgreSQL bigint, Parquet INT64 */
    VF_COL_TIME, /* PostgreSQL timestamptz, Parquet INT64 Unix seconds (as AWS writes start/end) */
    VF_COL_BOOL, /* PostgreSQL boolean, Parquet BOOLEAN */
    VF_COL_NUM   /* PostgreSQL numeric(38,0), Parquet DECIMAL(38,0) in FIXED_LEN_BYTE_ARRAY(16) */
} vf_col_type;

/* Enrichment columns, after the fields. */
enum {
    VF_E_CLASS,
    VF_E_SRC_AZ,
    VF_E_DST_AZ,
    VF_E_SRC_OWNER,
    VF_E_DST_OWNER,
    VF_E_DEDUP,
    VF_E_DEDUP_ENI,
    VF_E_DEDUP_ENI2,
    VF_E_DEDUP_PEER,
    VF_E_NAT_PEER,
    VF_E_NAT_PROCESSING,
    VF_E_COST_NUM,
    VF_E_COUNT
};

#define VF_NCOLUMNS (VPCFLOW_F_COUNT + VF_E_COUNT)

typedef struct vf_column {
    const char *name; /* "pkt_srcaddr", "class"; quote it in SQL ("end" is a keyword) */
    vf_col_type type;
} vf_column;

/* Column i (0 <= i < VF_NCOLUMNS): fields first, in vpcflow_field order, then VF_E_*. */
const vf_column *vf_column_at(size_t i);

/* One value. Strings point into the record or the enricher (valid until the next row). */
typedef struct vf_value {
    int null;
    int64_t i;       /* I16, I32, I64, TIME (Unix seconds), BOOL (0/1) */
    vpcflow_addr a;  /* ADDR */
    const char *s;   /* TEXT */
    size_t len;      /* TEXT */
    uint64_t hi, lo; /* NUM: 128-bit unsigned */
} vf_value;

/* Fills vals[VF_NCOLUMNS] from a record and its enrichment. Fields the record lacks (or
 * holds as "-") are NULL; enrichment of an unclassified record is NULL. */
void vf_row_values(const vpcflow_record *rec, const vpcflow_enriched *e, vf_value *vals);

#endif
