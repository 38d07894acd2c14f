/* map.h — a small open-addressing hash map from fixed-size keys to 32-bit values; also used as
 * a set. Not thread-safe for writes; concurrent reads of an unchanging map are fine. */
#ifndef VF_MAP_H
#define VF_MAP_H

#include "base/internal.h"

typedef struct vf_map {
    size_t key_size;
    size_t count, cap; /* cap: slots, a power of two */
    unsigned char *keys;
    uint32_t *vals;
    uint8_t *used;
} vf_map;

int vf_map_init(vf_map *m, size_t key_size);
void vf_map_free(vf_map *m);
/* Value of key, or -1 when absent. */
int64_t vf_map_get(const vf_map *m, const void *key);
/* Inserts or replaces; returns 0, or -1 when out of memory. */
int vf_map_put(vf_map *m, const void *key, uint32_t val);
/* Inserts when absent; *val gets the value in the map. Returns 1 if inserted, 0 if present,
 * -1 when out of memory. */
int vf_map_add(vf_map *m, const void *key, uint32_t *val);
/* Iteration: slots 0..cap-1 whose used[i] is set. */

#endif
