/* thrift_write.c — Thrift compact protocol, written (the format's spec: apache/thrift
 * doc/specs/thrift-compact-protocol.md): a field header is one byte, the id's delta from the
 * previous field of the struct in the high nibble and the type in the low one, or the type
 * alone followed by the id as a zigzag varint when the delta is not 1 to 15; integers are
 * zigzag varints; booleans live in the field header's type; a struct ends with a zero byte. */
#include "parquet/thrift_write.h"

#include "base/array.h"

#include <stdlib.h>
#include <string.h>

void vf_tw_reset(vf_tw *t)
{
    t->len = 0;
    t->oom = 0;
    t->depth = 1;
    t->last[0] = 0;
}

void vf_tw_free(vf_tw *t)
{
    free(t->buf);
    memset(t, 0, sizeof *t);
}

static void put(vf_tw *t, const void *p, size_t n)
{
    if (t->oom)
        return;
    if (vf_grow(&t->buf, &t->cap, t->len + n, 1) < 0) {
        t->oom = 1;
        return;
    }
    memcpy(t->buf + t->len, p, n);
    t->len += n;
}

static void put_byte(vf_tw *t, unsigned char b)
{
    put(t, &b, 1);
}

size_t vf_tw_uvarint(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

static void put_uvarint(vf_tw *t, uint64_t v)
{
    unsigned char b[10];
    put(t, b, vf_tw_uvarint(b, v));
}

static void field(vf_tw *t, int16_t id, int type)
{
    int16_t *last = &t->last[t->depth - 1];
    int delta = id - *last;
    if (delta > 0 && delta <= 15) {
        put_byte(t, (unsigned char)(delta << 4 | type));
    } else {
        put_byte(t, (unsigned char)type);
        put_uvarint(t, vf_tw_zigzag(id));
    }
    *last = id;
}

void vf_tw_i8(vf_tw *t, int16_t id, int8_t v)
{
    field(t, id, VF_PQW_T_BYTE);
    put_byte(t, (unsigned char)v);
}

void vf_tw_i16(vf_tw *t, int16_t id, int16_t v)
{
    field(t, id, VF_PQW_T_I16);
    put_uvarint(t, vf_tw_zigzag(v));
}

void vf_tw_i32(vf_tw *t, int16_t id, int32_t v)
{
    field(t, id, VF_PQW_T_I32);
    put_uvarint(t, vf_tw_zigzag(v));
}

void vf_tw_i64(vf_tw *t, int16_t id, int64_t v)
{
    field(t, id, VF_PQW_T_I64);
    put_uvarint(t, vf_tw_zigzag(v));
}

void vf_tw_bool(vf_tw *t, int16_t id, int v)
{
    field(t, id, v ? VF_PQW_T_TRUE : VF_PQW_T_FALSE);
}

void vf_tw_elem_binary(vf_tw *t, const void *p, size_t n)
{
    put_uvarint(t, n);
    put(t, p, n);
}

void vf_tw_binary(vf_tw *t, int16_t id, const void *p, size_t n)
{
    field(t, id, VF_PQW_T_BINARY);
    vf_tw_elem_binary(t, p, n);
}

void vf_tw_elem_struct(vf_tw *t)
{
    if (t->depth >= VF_PQW_THRIFT_DEPTH) {
        t->oom = 1;
        return;
    }
    t->last[t->depth++] = 0;
}

void vf_tw_struct(vf_tw *t, int16_t id)
{
    field(t, id, VF_PQW_T_STRUCT);
    vf_tw_elem_struct(t);
}

void vf_tw_end(vf_tw *t)
{
    put_byte(t, 0);
    if (t->depth > 0)
        t->depth--;
}

void vf_tw_list(vf_tw *t, int16_t id, int elem, size_t n)
{
    field(t, id, VF_PQW_T_LIST);
    if (n < 15) {
        put_byte(t, (unsigned char)(n << 4 | (size_t)elem));
    } else {
        put_byte(t, (unsigned char)(0xf0 | elem));
        put_uvarint(t, n);
    }
}

void vf_tw_elem_i32(vf_tw *t, int32_t v)
{
    put_uvarint(t, vf_tw_zigzag(v));
}
