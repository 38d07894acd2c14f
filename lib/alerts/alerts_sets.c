/* alerts_sets.c — small sets of distinct 64-bit values for the alert engine: the ports and
 * hosts a source touched in a window. Most sets hold one or two values, kept inline; larger
 * ones are open-addressing tables; every set stops growing at VF_ALERT_SET_CAP. */
#include "alerts/alerts.h"

#include <stdlib.h>
#include <string.h>

static size_t vset_slot(const uint64_t *v, size_t cap, uint64_t x)
{
    size_t mask = cap - 1, i = (size_t)vf_mix64(x, 0x9e3779b97f4a7c15ull) & mask;
    while (v[i] && v[i] != x)
        i = (i + 1) & mask;
    return i;
}

static int vset_has(const vf_vset *s, uint64_t x)
{
    if (!s->cap)
        return (s->n > 0 && s->u.inl[0] == x) || (s->n > 1 && s->u.inl[1] == x);
    return s->u.v[vset_slot(s->u.v, s->cap, x)] == x;
}

static int vset_rehash(vf_vset *s, uint32_t ncap)
{
    uint64_t *nv = vf_calloc(ncap, sizeof *nv);
    if (!nv)
        return -1;
    if (!s->cap) {
        for (uint32_t i = 0; i < s->n; i++)
            nv[vset_slot(nv, ncap, s->u.inl[i])] = s->u.inl[i];
    } else {
        for (uint32_t i = 0; i < s->cap; i++)
            if (s->u.v[i])
                nv[vset_slot(nv, ncap, s->u.v[i])] = s->u.v[i];
        free(s->u.v);
    }
    s->u.v = nv;
    s->cap = ncap;
    return 0;
}

/* Adds x (nonzero); the set stops growing at VF_ALERT_SET_CAP. Returns -1 when out of memory. */
int vf_vset_add(vf_vset *s, uint64_t x)
{
    if (vset_has(s, x) || s->n >= VF_ALERT_SET_CAP)
        return 0;
    if (!s->cap && s->n < 2) {
        s->u.inl[s->n++] = x;
        return 0;
    }
    if ((s->n + 1) * 2 > (s->cap ? s->cap : 2) && vset_rehash(s, s->cap ? s->cap * 2 : 8) < 0)
        return -1;
    s->u.v[vset_slot(s->u.v, s->cap, x)] = x;
    s->n++;
    return 0;
}

void vf_vset_free(vf_vset *s)
{
    if (s->cap)
        free(s->u.v);
    memset(s, 0, sizeof *s);
}

/* Value i of the set in slot order (i < slots(s)); 0 for an empty slot. */
static size_t vset_slots(const vf_vset *s)
{
    return s->cap ? s->cap : s->n;
}

static uint64_t vset_at(const vf_vset *s, size_t i)
{
    return s->cap ? s->u.v[i] : s->u.inl[i];
}

int vf_vset_merge(vf_vset *into, const vf_vset *from)
{
    for (size_t i = 0; i < vset_slots(from); i++)
        if (vset_at(from, i) && vf_vset_add(into, vset_at(from, i)) < 0)
            return -1;
    return 0;
}

uint64_t vf_vset_union_size(const vf_vset *a, const vf_vset *b)
{
    const vf_vset *small = a->n <= b->n ? a : b, *big = small == a ? b : a;
    uint64_t n = big->n;
    for (size_t i = 0; i < vset_slots(small); i++)
        if (vset_at(small, i) && !vset_has(big, vset_at(small, i)))
            n++;
    return VF_MIN(n, (uint64_t)VF_ALERT_SET_CAP);
}
