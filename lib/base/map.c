/* map.c — fixed-key open-addressing hash map (linear probing, load <= 1/2). */
#include "base/map.h"

#include <stdlib.h>
#include <string.h>

int vf_map_init(vf_map *m, size_t key_size)
{
    memset(m, 0, sizeof *m);
    m->key_size = key_size;
    m->cap = 16;
    m->keys = malloc(m->cap * key_size);
    m->vals = malloc(m->cap * sizeof *m->vals);
    m->used = vf_calloc(m->cap, 1);
    if (!m->keys || !m->vals || !m->used) {
        vf_map_free(m);
        return -1;
    }
    return 0;
}

void vf_map_free(vf_map *m)
{
    free(m->keys);
    free(m->vals);
    free(m->used);
    memset(m, 0, sizeof *m);
}

static size_t slot(const vf_map *m, const void *key, int *found)
{
    size_t mask = m->cap - 1, s = (size_t)vf_hash_bytes(key, m->key_size) & mask;
    while (m->used[s]) {
        if (memcmp(m->keys + s * m->key_size, key, m->key_size) == 0) {
            *found = 1;
            return s;
        }
        s = (s + 1) & mask;
    }
    *found = 0;
    return s;
}

int64_t vf_map_get(const vf_map *m, const void *key)
{
    if (!m->cap)
        return -1;
    int found;
    size_t s = slot(m, key, &found);
    return found ? (int64_t)m->vals[s] : -1;
}

static int grow(vf_map *m)
{
    vf_map n;
    n.key_size = m->key_size;
    n.count = 0;
    n.cap = m->cap * 2;
    n.keys = malloc(n.cap * n.key_size);
    n.vals = malloc(n.cap * sizeof *n.vals);
    n.used = vf_calloc(n.cap, 1);
    if (!n.keys || !n.vals || !n.used) {
        vf_map_free(&n);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->used[i])
            continue;
        int found;
        size_t s = slot(&n, m->keys + i * m->key_size, &found);
        memcpy(n.keys + s * n.key_size, m->keys + i * m->key_size, n.key_size);
        n.vals[s] = m->vals[i];
        n.used[s] = 1;
        n.count++;
    }
    vf_map_free(m);
    *m = n;
    return 0;
}

int vf_map_add(vf_map *m, const void *key, uint32_t *val)
{
    if ((m->count + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    int found;
    size_t s = slot(m, key, &found);
    if (found) {
        *val = m->vals[s];
        return 0;
    }
    memcpy(m->keys + s * m->key_size, key, m->key_size);
    m->vals[s] = *val;
    m->used[s] = 1;
    m->count++;
    return 1;
}

int vf_map_put(vf_map *m, const void *key, uint32_t val)
{
    if ((m->count + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    int found;
    size_t s = slot(m, key, &found);
    memcpy(m->keys + s * m->key_size, key, m->key_size);
    m->vals[s] = val;
    if (!found) {
        m->used[s] = 1;
        m->count++;
    }
    return 0;
}
