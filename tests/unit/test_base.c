/* test_base.c — the base helpers: growable arrays (array.h), JSON inputs (jsonin.h). */
#include "t.h"

#include "base/internal.h"

#include <stdint.h>
#include <stdlib.h>

TEST(grow_doubles_and_keeps_contents)
{
    int *a = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < 1000; i++) {
        CHECK_EQ_I64(vf_grow(&a, &cap, i + 1, sizeof *a), 0);
        CHECK(cap >= i + 1);
        a[i] = (int)i;
    }
    CHECK_EQ_U64(cap, 1024);
    for (size_t i = 0; i < 1000; i++)
        CHECK_EQ_I64(a[i], (long long)i);
    free(a);
}

TEST(grow_table)
{
    static const struct {
        size_t cap, need, elem, want_cap;
        int rc;
    } cases[] = {
        {0, 0, 4, 0, 0},             /* nothing needed: nothing allocated */
        {0, 1, 4, 8, 0},             /* the first room is 8 elements */
        {0, 100, 4, 128, 0},         /* doubling up to need */
        {16, 16, 4, 16, 0},          /* room enough: unchanged */
        {16, 17, 4, 32, 0},          /* one more: double */
        {0, SIZE_MAX / 2, 4, 0, -1}, /* need * size overflows */
        {0, 2, SIZE_MAX / 2, 0, -1}, /* a huge element */
        {0, 1, 0, 0, -1},            /* zero-sized elements are a bug */
    };
    for (size_t i = 0; i < VF_ARRAY_LEN(cases); i++) {
        char *p = cases[i].cap ? malloc(cases[i].cap * cases[i].elem) : NULL;
        char *before = p;
        size_t cap = cases[i].cap;
        int rc = vf_grow(&p, &cap, cases[i].need, cases[i].elem);
        if (rc != cases[i].rc || cap != cases[i].want_cap)
            t_fail(__FILE__, __LINE__, "case %zu: rc %d cap %zu", i, rc, cap);
        if (rc < 0 && p != before)
            t_fail(__FILE__, __LINE__, "case %zu: the array moved on failure", i);
        free(p);
    }
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
