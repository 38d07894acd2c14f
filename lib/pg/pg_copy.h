/* pg_copy.h — rows in PostgreSQL's binary COPY format (docs/postgres.md): values go over the
 * wire already typed, so the server parses nothing. A buffer grows to the largest row seen
 * and is then reused: nothing is allocated per row. */
#ifndef VF_PG_COPY_H
#define VF_PG_COPY_H

#include "export/schema.h"

#include <stddef.h>
#include <stdint.h>

typedef struct vf_pgbuf {
    unsigned char *p;
    size_t len, cap;
} vf_pgbuf;

void vf_pgbuf_free(vf_pgbuf *b);

/* The 19 bytes every binary COPY stream starts with: signature, flags, header extension. */
int vf_pg_header(vf_pgbuf *b);
/* The end of the stream: a field count of -1. */
int vf_pg_trailer(vf_pgbuf *b);

/* One field: its int32 length (-1 for NULL) and its bytes in the type's binary form (text,
 * inet, smallint, integer, bigint, timestamptz, boolean, numeric). Text that is not UTF-8 has
 * its stray bytes replaced by U+FFFD and NUL bytes by '?' (PostgreSQL accepts neither).
 * Returns 0, or -1 when memory runs out (b is then unchanged). */
int vf_pg_field(vf_pgbuf *b, vf_col_type type, const vf_value *v);

/* One tuple: the int16 field count n, then the fields of types[i] from vals[i]. Returns 0, or
 * -1 when memory runs out (b is then unchanged). */
int vf_pg_tuple(vf_pgbuf *b, const vf_col_type *types, const vf_value *vals, size_t n);

/* Timestamps: Unix seconds to microseconds since 2000-01-01 UTC (PostgreSQL's epoch). */
int64_t vf_pg_time(int64_t unix_seconds);

#endif
