/* array.c — vf_grow and its variants: the library's growable arrays (array.h). */
#include "base/array.h"
#include "base/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The one growth: *cap doubles (from 8) up to need, never past max elements; the block holds
 * the elements and `extra` bytes more. */
static int grow(void *pptr, size_t *cap, size_t need, size_t elem_size, size_t max, size_t extra)
{
    if (need <= *cap)
        return 0;
    if (!elem_size)
        return -1;
    max = VF_MIN(max, (SIZE_MAX - extra) / elem_size);
    if (need > max)
        return -1;
    size_t n = *cap ? *cap : VF_MIN(8, max);
    while (n < need)
        n = n > max / 2 ? max : 2 * n;
    void *old; /* pptr points at a T *: copied, not cast, so any object pointer type works */
    memcpy(&old, pptr, sizeof old);
    void *grown = realloc(old, n * elem_size + extra);
    if (!grown)
        return -1;
    memcpy(pptr, &grown, sizeof grown);
    *cap = n;
    return 0;
}

int vf_grow(void *pptr, size_t *cap, size_t need, size_t elem_size)
{
    return grow(pptr, cap, need, elem_size, SIZE_MAX, 0);
}

int vf_grow_max(void *pptr, size_t *cap, size_t need, size_t elem_size, size_t max)
{
    return grow(pptr, cap, need, elem_size, max, 0);
}

int vf_grow_padded(void *pptr, size_t *cap, size_t need, size_t pad)
{
    return grow(pptr, cap, need, 1, SIZE_MAX, pad);
}
