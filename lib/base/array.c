/* array.c — vf_grow: the library's growable arrays (array.h). */
#include "base/array.h"
#include "base/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int vf_grow(void *pptr, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap)
        return 0;
    if (!elem_size || need > SIZE_MAX / elem_size)
        return -1;
    size_t max = SIZE_MAX / elem_size, n = *cap ? *cap : VF_MIN(8, max);
    while (n < need)
        n = n > max / 2 ? max : 2 * n;
    void *old; /* pptr points at a T *: copied, not cast, so any object pointer type works */
    memcpy(&old, pptr, sizeof old);
    void *grown = realloc(old, n * elem_size);
    if (!grown)
        return -1;
    memcpy(pptr, &grown, sizeof grown);
    *cap = n;
    return 0;
}
