/* output.h — shared pieces of the output writers (output_text.c, output_csv.c,
 * output_json.c): a bounded text sink with snprintf semantics and field value lookup. */
#ifndef VF_OUTPUT_H
#define VF_OUTPUT_H

#include "base/internal.h"

/* Writes into buf while there is room and always counts what was asked, like snprintf. */
typedef struct vf_out {
    char *buf;
    size_t cap, len;
} vf_out;

void vf_put(vf_out *o, const char *s, size_t n);
void vf_putc(vf_out *o, char c);
void vf_puts(vf_out *o, const char *s);
void vf_printf(vf_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vf_put_u64(vf_out *o, uint64_t v);
/* CSV cell (quoted when it holds a comma, quote, CR or LF) and JSON string (with quotes). */
void vf_put_csv(vf_out *o, const char *s, size_t n);
void vf_put_json_str(vf_out *o, const char *s, size_t n);

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

/* Human units for tables: "1.9 TiB", "1,234,567", "$38.21". */
void vf_human_bytes(uint64_t b, char *buf, size_t cap);
void vf_human_count(uint64_t n, char *buf, size_t cap);
void vf_human_usd(unsigned __int128 numerator, char *buf, size_t cap);

size_t vf_text_record(const vpcflow_record *rec, const vpcflow_columns *cols, vf_out *o);
size_t vf_csv_record(const vpcflow_record *rec, const vpcflow_columns *cols, vf_out *o);
size_t vf_json_record(const vpcflow_record *rec, const vpcflow_columns *cols, vf_out *o);

#endif
