/* output.h — shared pieces of the output writers (output_text.c, output_csv.c,
 * output_json.c): column lists and field value lookup; text building is base/text.h. */
#ifndef VF_OUTPUT_H
#define VF_OUTPUT_H

#include "base/internal.h"
#include "base/text.h"

/* The value of one output column in a record. */
typedef enum vf_val_kind { VF_VAL_ABSENT, VF_VAL_NUMBER, VF_VAL_TEXT } vf_val_kind;
typedef struct vf_val {
    vf_val_kind kind;
    const char *ptr;
    size_t len;
    char tmp[48];
} vf_val;

struct vpcflow_columns {
    size_t n;
    int *field; /* field id, or -1 for an opaque name */
    char **name;
};

/* Value of output column i of cols for rec (cols NULL: column i of the record itself). */
void vf_column_value(const vpcflow_record *rec, const vpcflow_columns *cols, size_t i, vf_val *v);

/* Dollars for tables: "$38.21" (bytes and counts: base/text.h). */
void vf_human_usd(unsigned __int128 numerator, char *buf, size_t cap);

/* The biggest cost driver of a summary (query/summary.h) in words; "" when there is none. */
struct vf_driver;
void vf_driver_text(const struct vf_driver *d, char *buf, size_t cap);
#define VF_DRIVER_TEXT 1024

/* The summary and the rows of top and timeline, one writer per format (out/rows_out.c picks
 * one). */
int vf_summary_json(const vpcflow_summary *s, const vpcflow_bill *bill, FILE *out);
int vf_summary_table(const vpcflow_summary *s, const vpcflow_bill *bill, FILE *out);
int vf_rows_table(const vpcflow_rows *r, FILE *out);
int vf_rows_csv(const vpcflow_rows *r, FILE *out);
int vf_rows_json(const vpcflow_rows *r, FILE *out);
/* Row i's time cells when r is a timeline (else nothing): its bucket's time as text and start in
 * seconds, as the first CSV cells or (json) as the "time" and "start" members. */
void vf_rows_put_time(const vpcflow_rows *r, size_t i, int json, FILE *out);

/* A record as text (AWS layout: space-separated, '-' for no value) or, with csv, as a CSV row
 * (RFC 4180 cells, empty for no value). */
size_t vf_text_record(const vpcflow_record *rec, const vpcflow_columns *cols, int csv, vf_text *o);
size_t vf_json_record(const vpcflow_record *rec, const vpcflow_columns *cols, vf_text *o);

#endif
