/* thrift_read.c — the Thrift compact-protocol decoder (thrift.h): every length is checked
 * against the bytes left and every nesting against VF_THRIFT_MAX_DEPTH. */
#include "parquet/thrift.h"

void vf_thrift_init(vf_thrift *t, const void *p, size_t n)
{
    t->p = p;
    t->end = t->p + n;
    t->depth = 0;
    t->why = NULL;
    t->truncated = 0;
}

int vf_thrift_fail(vf_thrift *t, const char *why)
{
    if (!t->why)
        t->why = why;
    t->p = t->end; /* sticky: nothing more decodes */
    return -1;
}

static int truncated(vf_thrift *t)
{
    if (!t->why)
        t->truncated = 1;
    return vf_thrift_fail(t, "truncated Thrift data");
}

int vf_thrift_varint(vf_thrift *t, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (t->why)
            return -1;
        if (t->p >= t->end)
            return truncated(t);
        uint8_t b = *t->p++;
        if (shift == 63 && b > 1)
            return vf_thrift_fail(t, "Thrift varint longer than 64 bits");
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        if (shift == 63)
            return vf_thrift_fail(t, "Thrift varint longer than 64 bits");
    }
    *v = x;
    return 0;
}

int vf_thrift_struct_begin(vf_thrift *t, int16_t *last)
{
    if (t->why)
        return -1;
    if (++t->depth > VF_THRIFT_MAX_DEPTH)
        return vf_thrift_fail(t, "Thrift structures nested too deep");
    *last = 0;
    return 0;
}

void vf_thrift_struct_end(vf_thrift *t)
{
    t->depth--;
}

int vf_thrift_field(vf_thrift *t, int16_t *last, int16_t *id, uint8_t *type)
{
    if (t->why)
        return -1;
    if (t->p >= t->end)
        return truncated(t);
    uint8_t b = *t->p++;
    *type = b & 0x0f;
    if (*type == VF_TC_STOP)
        return 0;
    if (*type > VF_TC_STRUCT)
        return vf_thrift_fail(t, "unknown Thrift field type");
    if (b >> 4) {
        *id = (int16_t)(*last + (b >> 4));
    } else {
        uint64_t v;
        if (vf_thrift_varint(t, &v) < 0)
            return -1;
        int64_t z = vf_zigzag(v);
        if (z < INT16_MIN || z > INT16_MAX)
            return vf_thrift_fail(t, "Thrift field id out of range");
        *id = (int16_t)z;
    }
    *last = *id;
    return 1;
}

int vf_thrift_int(vf_thrift *t, uint8_t type, int64_t *v)
{
    if (t->why)
        return -1;
    if (type == VF_TC_BYTE) {
        if (t->p >= t->end)
            return truncated(t);
        *v = (int8_t)*t->p++;
        return 0;
    }
    if (type != VF_TC_I16 && type != VF_TC_I32 && type != VF_TC_I64)
        return vf_thrift_fail(t, "Thrift field of the wrong type (an integer was expected)");
    uint64_t u;
    if (vf_thrift_varint(t, &u) < 0)
        return -1;
    *v = vf_zigzag(u);
    if ((type == VF_TC_I16 && (*v < INT16_MIN || *v > INT16_MAX)) ||
        (type == VF_TC_I32 && (*v < INT32_MIN || *v > INT32_MAX)))
        return vf_thrift_fail(t, "Thrift integer out of its type's range");
    return 0;
}

int vf_thrift_i32(vf_thrift *t, uint8_t type, int32_t *v)
{
    int64_t x;
    if (vf_thrift_int(t, type, &x) < 0)
        return -1;
    if (x < INT32_MIN || x > INT32_MAX)
        return vf_thrift_fail(t, "Thrift integer out of its type's range");
    *v = (int32_t)x;
    return 0;
}

int vf_thrift_bool(vf_thrift *t, uint8_t type, int *v)
{
    if (t->why)
        return -1;
    if (type != VF_TC_TRUE && type != VF_TC_FALSE)
        return vf_thrift_fail(t, "Thrift field of the wrong type (a bool was expected)");
    *v = type == VF_TC_TRUE;
    return 0;
}

int vf_thrift_binary(vf_thrift *t, uint8_t type, const uint8_t **p, uint32_t *len)
{
    if (t->why)
        return -1;
    if (type != VF_TC_BINARY)
        return vf_thrift_fail(t, "Thrift field of the wrong type (a string was expected)");
    uint64_t n;
    if (vf_thrift_varint(t, &n) < 0)
        return -1;
    if (n > (uint64_t)(t->end - t->p))
        return truncated(t);
    *p = t->p;
    *len = (uint32_t)n;
    t->p += n;
    return 0;
}

int vf_thrift_list(vf_thrift *t, uint8_t type, uint8_t *elem, uint32_t *n)
{
    if (t->why)
        return -1;
    if (type != VF_TC_LIST && type != VF_TC_SET)
        return vf_thrift_fail(t, "Thrift field of the wrong type (a list was expected)");
    if (t->p >= t->end)
        return truncated(t);
    uint8_t b = *t->p++;
    uint64_t size = b >> 4;
    *elem = b & 0x0f;
    if (size == 15 && vf_thrift_varint(t, &size) < 0)
        return -1;
    if (*elem == VF_TC_STOP || *elem > VF_TC_STRUCT)
        return vf_thrift_fail(t, "unknown Thrift list element type");
    if (size > (uint64_t)(t->end - t->p)) /* every element takes at least one byte */
        return truncated(t);
    *n = (uint32_t)size;
    return 0;
}

static int skip_bytes(vf_thrift *t, size_t n)
{
    if (n > (size_t)(t->end - t->p))
        return truncated(t);
    t->p += n;
    return 0;
}

int vf_thrift_skip(vf_thrift *t, uint8_t type)
{
    if (t->why)
        return -1;
    int64_t i;
    const uint8_t *s;
    uint32_t n;
    switch (type) {
    case VF_TC_TRUE:
    case VF_TC_FALSE:
        return 0;
    case VF_TC_BYTE:
        return skip_bytes(t, 1);
    case VF_TC_I16:
    case VF_TC_I32:
    case VF_TC_I64:
        return vf_thrift_int(t, type, &i);
    case VF_TC_DOUBLE:
        return skip_bytes(t, 8);
    case VF_TC_BINARY:
        return vf_thrift_binary(t, type, &s, &n);
    case VF_TC_LIST:
    case VF_TC_SET: {
        uint8_t elem;
        if (vf_thrift_list(t, type, &elem, &n) < 0)
            return -1;
        if (++t->depth > VF_THRIFT_MAX_DEPTH)
            return vf_thrift_fail(t, "Thrift structures nested too deep");
        for (uint32_t k = 0; k < n; k++) {
            /* a bool element is one byte in a list */
            if ((elem == VF_TC_TRUE || elem == VF_TC_FALSE) ? skip_bytes(t, 1) < 0 : vf_thrift_skip(t, elem) < 0)
                return -1;
        }
        t->depth--;
        return 0;
    }
    case VF_TC_MAP: {
        uint64_t size;
        if (vf_thrift_varint(t, &size) < 0)
            return -1;
        if (size == 0)
            return 0;
        if (size > (uint64_t)(t->end - t->p))
            return truncated(t);
        uint8_t kv = *t->p++;
        uint8_t kt = kv >> 4, vt = kv & 0x0f;
        if (kt == VF_TC_STOP || kt > VF_TC_STRUCT || vt == VF_TC_STOP || vt > VF_TC_STRUCT)
            return vf_thrift_fail(t, "unknown Thrift map element type");
        if (++t->depth > VF_THRIFT_MAX_DEPTH)
            return vf_thrift_fail(t, "Thrift structures nested too deep");
        for (uint64_t k = 0; k < size; k++) {
            int bk = kt == VF_TC_TRUE || kt == VF_TC_FALSE, bv = vt == VF_TC_TRUE || vt == VF_TC_FALSE;
            if ((bk ? skip_bytes(t, 1) : vf_thrift_skip(t, kt)) < 0 ||
                (bv ? skip_bytes(t, 1) : vf_thrift_skip(t, vt)) < 0)
                return -1;
        }
        t->depth--;
        return 0;
    }
    case VF_TC_STRUCT: {
        int16_t last, id;
        uint8_t ft;
        if (vf_thrift_struct_begin(t, &last) < 0)
            return -1;
        int r;
        while ((r = vf_thrift_field(t, &last, &id, &ft)) == 1)
            if (vf_thrift_skip(t, ft) < 0)
                return -1;
        if (r < 0)
            return -1;
        vf_thrift_struct_end(t);
        return 0;
    }
    default:
        return vf_thrift_fail(t, "unknown Thrift type");
    }
}
