/* thrift.h — a decoder for the Thrift compact protocol, as Parquet uses it for its footer
 * (FileMetaData) and page headers: bounded by its buffer and by a nesting depth, never
 * allocating, errors sticky (the first one is kept in `why`).
 *
 *   field header  [delta:4 | type:4]  (delta 0: a zigzag varint i16 id follows; type 0: STOP)
 *   i16/i32/i64   zigzag varint            binary  varint length, bytes
 *   list/set      [size:4 | elem type:4]   (size 15: a varint size follows), elements
 *   struct        fields..., STOP          bool field: its value is the type (1 true, 2 false)
 */
#ifndef VF_THRIFT_H
#define VF_THRIFT_H

#include <stddef.h>
#include <stdint.h>

enum {
    VF_TC_STOP = 0,
    VF_TC_TRUE = 1,
    VF_TC_FALSE = 2,
    VF_TC_BYTE = 3,
    VF_TC_I16 = 4,
    VF_TC_I32 = 5,
    VF_TC_I64 = 6,
    VF_TC_DOUBLE = 7,
    VF_TC_BINARY = 8,
    VF_TC_LIST = 9,
    VF_TC_SET = 10,
    VF_TC_MAP = 11,
    VF_TC_STRUCT = 12
};

#define VF_THRIFT_MAX_DEPTH 32

typedef struct vf_thrift {
    const uint8_t *p, *end;
    int depth;
    const char *why; /* the first error, or NULL */
    int truncated;   /* the error was running out of bytes (more input might decode) */
} vf_thrift;

void vf_thrift_init(vf_thrift *t, const void *p, size_t n);
/* Each returns 0, or -1 with t->why set (and every later call fails too). */
int vf_thrift_varint(vf_thrift *t, uint64_t *v);
/* Enters a struct (counts nesting; `*last` is the previous field id, start it at 0). */
int vf_thrift_struct_begin(vf_thrift *t, int16_t *last);
void vf_thrift_struct_end(vf_thrift *t);
/* The next field header of the current struct: 1 with *id and *type, 0 at STOP, -1 on error. */
int vf_thrift_field(vf_thrift *t, int16_t *last, int16_t *id, uint8_t *type);
/* Values of a field of the given compact type (integers accept any narrower integer type). */
int vf_thrift_int(vf_thrift *t, uint8_t type, int64_t *v);
int vf_thrift_i32(vf_thrift *t, uint8_t type, int32_t *v);
int vf_thrift_bool(vf_thrift *t, uint8_t type, int *v);
int vf_thrift_binary(vf_thrift *t, uint8_t type, const uint8_t **p, uint32_t *len);
/* A list header: its element type and count (at most one element per remaining byte). */
int vf_thrift_list(vf_thrift *t, uint8_t type, uint8_t *elem, uint32_t *n);
/* Skips a value of the given type (nested values included, depth bounded). */
int vf_thrift_skip(vf_thrift *t, uint8_t type);
/* Sets the error (if none yet) and returns -1. */
int vf_thrift_fail(vf_thrift *t, const char *why);

static inline int64_t vf_zigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

#endif
