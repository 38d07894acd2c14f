/* parquet_source.h — a Parquet flow-log file read as flow-log text: a header line of the
 * columns' AWS names, then one line per row ("-" for NULL), so that the line processor reads it
 * like a text delivery. Line 0 is the header and line N is row N of the file. */
#ifndef VF_PARQUET_SOURCE_H
#define VF_PARQUET_SOURCE_H

#include "base/internal.h"

typedef struct vf_pq_source vf_pq_source;

/* Opens the Parquet file of size bytes at fd (fd and name borrowed), to render the rows of its
 * row groups [rg_begin, rg_end) (clamped to those it has), after the header line if `header`.
 * Only the columns of known fields in `fields` are read (a VPCFLOW_BIT mask; 0: every column,
 * opaque ones included). */
vpcflow_status vf_pq_source_open(int fd, uint64_t size, const char *name, uint64_t fields, uint32_t rg_begin,
                                 uint32_t rg_end, int header, vf_pq_source **out, vpcflow_error *err);
/* The header line (without its line end), malloc'ed; NULL when out of memory. */
char *vf_pq_source_header(vf_pq_source *ps, size_t *len);
/* The next bytes of text, at most cap: the count, 0 at the end, -1 with err and *st set. */
long vf_pq_source_read(vf_pq_source *ps, char *out, size_t cap, vpcflow_status *st, vpcflow_error *err);
void vf_pq_source_free(vf_pq_source *ps);

#endif
