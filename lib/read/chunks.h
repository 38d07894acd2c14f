/* chunks.h — reading large plain files in parallel: a file is cut into chunks at nominal
 * offsets; each worker reads its chunk with pread into a buffer it reuses, moves the cut to
 * line boundaries, and learns from its predecessor (through a chain of published states) the
 * line number and format in effect where its chunk starts.
 *
 *   file:   |------ chunk 0 ------|------ chunk 1 ------|------ chunk 2 ---|
 *   lines:  |...|....|...|......|..|..|....|.....|...|..|.|....|..|.......|
 *                                ^ chunk 1 starts at the first line that starts at or after
 *                                  its nominal offset; chunk 0 ends there
 *
 * A worker reads its chunk, prescans it (line count, header lines) while it is hot in cache,
 * publishes the state at its end as soon as its predecessor's is known, then parses. Workers
 * wait only for their predecessor's prescan, never for its parsing. */
#ifndef VF_CHUNKS_H
#define VF_CHUNKS_H

#include "read/lines.h"

#include <pthread.h>

/* The state of a file at the end of a chunk, passed to the next chunk. */
typedef struct vf_chain {
    int ready;                 /* published */
    int failed;                /* the chunk could not be read: successors give up */
    uint64_t end_line;         /* number of the chunk's last line */
    const vpcflow_format *fmt; /* format in effect (NULL: the base format) */
    int started;               /* a non-blank line was seen */
    int cw_mode;               /* the file is a CloudWatch export */
} vf_chain;

/* A worker's read buffer, reused from chunk to chunk. */
typedef struct vf_chunkbuf {
    char *buf;
    size_t cap;
} vf_chunkbuf;

/* Reads the lines of chunk [nominal_off, nominal_end) of the open file fd of size `size`
 * into b: on return [*start, *end) of b->buf holds exactly the chunk's lines, ending with
 * '\n' (added after a last line that lacks it), with VF_PAD readable bytes after. A line
 * longer than max_line is not read: when the chunk's last line is one, the chunk ends before
 * it and *long_line is set to the file offset where it starts (else UINT64_MAX), for the
 * caller to count it as one malformed line; a chunk wholly inside one owns nothing. Returns
 * VPCFLOW_OK or VPCFLOW_ERR_IO (read error, out of memory), with err set. */
vpcflow_status vf_chunk_read(int fd, const char *path, uint64_t size, uint64_t nominal_off, uint64_t nominal_end,
                             size_t max_line, vf_chunkbuf *b, size_t *start, size_t *end, uint64_t *long_line,
                             vpcflow_error *err);
void vf_chunkbuf_free(vf_chunkbuf *b);

/* Offset of the first non-blank line in [p, end), or -1. */
long vf_first_text(const char *p, const char *end);

#endif
