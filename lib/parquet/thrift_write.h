/* thrift_write.h — an encoder of Thrift's compact protocol, for the Parquet footer and page
 * headers (pqwrite.c): field headers with id deltas, zigzag varints, binaries, lists and
 * nested structs, into one growing buffer. */
#ifndef VF_THRIFT_WRITE_H
#define VF_THRIFT_WRITE_H

#include <stddef.h>
#include <stdint.h>

/* Compact-protocol type codes. */
enum {
    VF_PQW_T_TRUE = 1,
    VF_PQW_T_FALSE = 2,
    VF_PQW_T_BYTE = 3,
    VF_PQW_T_I16 = 4,
    VF_PQW_T_I32 = 5,
    VF_PQW_T_I64 = 6,
    VF_PQW_T_BINARY = 8,
    VF_PQW_T_LIST = 9,
    VF_PQW_T_STRUCT = 12
};

#define VF_PQW_THRIFT_DEPTH 16

/* The encoder: start with vf_tw_begin (the outermost struct), end it with vf_tw_end. oom is set
 * when memory ran out (the buffer then stops growing and what follows is dropped). */
typedef struct vf_tw {
    unsigned char *buf;
    size_t len, cap;
    int oom;
    int depth;
    int16_t last[VF_PQW_THRIFT_DEPTH]; /* the last field id of each open struct */
} vf_tw;

void vf_tw_reset(vf_tw *t); /* empties the buffer (keeps it), opens the outermost struct */
void vf_tw_free(vf_tw *t);

void vf_tw_i8(vf_tw *t, int16_t id, int8_t v);
void vf_tw_i16(vf_tw *t, int16_t id, int16_t v);
void vf_tw_i32(vf_tw *t, int16_t id, int32_t v);
void vf_tw_i64(vf_tw *t, int16_t id, int64_t v);
void vf_tw_bool(vf_tw *t, int16_t id, int v);
void vf_tw_binary(vf_tw *t, int16_t id, const void *p, size_t n);
static inline void vf_tw_string(vf_tw *t, int16_t id, const char *s, size_t n)
{
    vf_tw_binary(t, id, s, n);
}
/* A struct field: its members follow, then vf_tw_end. */
void vf_tw_struct(vf_tw *t, int16_t id);
/* Closes the innermost open struct (writes its stop byte). */
void vf_tw_end(vf_tw *t);
/* A list field of n elements of type elem; then n elements: vf_tw_elem_* or, for structs,
 * vf_tw_elem_struct ... vf_tw_end each. */
void vf_tw_list(vf_tw *t, int16_t id, int elem, size_t n);
void vf_tw_elem_i32(vf_tw *t, int32_t v);
void vf_tw_elem_binary(vf_tw *t, const void *p, size_t n);
void vf_tw_elem_struct(vf_tw *t);

/* The building blocks, for tests and for the RLE encoder's varints. */
size_t vf_tw_uvarint(unsigned char *out, uint64_t v); /* at most 10 bytes */
static inline uint64_t vf_tw_zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

#endif
