/* array.h — the one way the library grows an array: doubling, with overflow checks. */
#ifndef VF_ARRAY_H
#define VF_ARRAY_H

#include <stddef.h>

/* Makes room for `need` elements of elem_size bytes in the array *pptr (any T **) holding *cap:
 * nothing when *cap >= need, else a realloc to the next doubling of *cap (8 at least). Returns
 * 0, or -1 when the size overflows or memory runs out; then *pptr and *cap are unchanged, so
 * the caller still owns (and frees) the old array. */
int vf_grow(void *pptr, size_t *cap, size_t need, size_t elem_size);

/* vf_grow for an array with a hard limit: the capacity never passes max elements (the doubling
 * stops at max), and a need over max fails with -1. */
int vf_grow_max(void *pptr, size_t *cap, size_t need, size_t elem_size, size_t max);

/* vf_grow for a byte buffer with `pad` bytes past its capacity (zeroed padding that parsers may
 * read, a NUL): *cap counts the usable bytes, the block holds *cap + pad. */
int vf_grow_padded(void *pptr, size_t *cap, size_t need, size_t pad);

#endif
