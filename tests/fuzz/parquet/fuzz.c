/* fuzz.c — libFuzzer target for the Parquet reader over a whole file: open it from the buffer,
 * then read every column of every row group to its end (or its first error), touching every
 * value, one at a time and in batches (which must agree); then read it again as the scan does, through a file
 * descriptor (a memfd) and the text rendering of read/parquet_source.c. Rows and text are capped so that a tiny file
 * declaring billions of rows ends in time. */
#include "parquet/pqread.h"
#include "read/parquet_source.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A value's fingerprint; only the member its type sets is read. */
static uint64_t value_sum(const vf_pq_value *v, int type)
{
    uint64_t bits;
    if (v->null)
        return 1;
    if (type == VF_PQ_BYTE_ARRAY || type == VF_PQ_FIXED_LEN_BYTE_ARRAY || type == VF_PQ_INT96)
        return v->len + (v->len ? v->s[0] + v->s[v->len - 1] : 0);
    if (type == VF_PQ_FLOAT || type == VF_PQ_DOUBLE) {
        memcpy(&bits, &v->d, sizeof bits);
        return bits;
    }
    return (uint64_t)v->i;
}

/* Every column of every row group to its end or its first error, one value at a time and
 * again in batches of varying size: both must give the same values up to the same row. */
static uint64_t read_columns(const uint8_t *data, size_t size)
{
    vf_pq_file *f;
    vpcflow_error err;
    if (vf_pq_open_buffer(data, size, "fuzz.parquet", &f, &err) != VPCFLOW_OK)
        return 0;
    vf_pq_column *c = vf_pq_column_new(), *b = vf_pq_column_new();
    uint64_t budget = 1 << 20, sum = 0;
    for (uint32_t g = 0; c && b && g < vf_pq_nrow_groups(f); g++) {
        for (uint32_t k = 0; k < vf_pq_ncolumns(f); k++) {
            if (vf_pq_column_begin(c, f, g, k, &err) != VPCFLOW_OK)
                continue;
            int type = vf_pq_column_schema(f, k)->type;
            int64_t rows = VF_MIN(vf_pq_row_group_rows(f, g), (int64_t)budget), r1 = 0, r2 = 0;
            uint64_t s1 = 0, s2 = 0;
            for (; r1 < rows; r1++) {
                vf_pq_value v;
                if (vf_pq_column_next(c, &v, &err) != VPCFLOW_OK)
                    break;
                s1 += value_sum(&v, type);
            }
            budget -= (uint64_t)rows;
            if (vf_pq_column_begin(b, f, g, k, &err) != VPCFLOW_OK)
                abort();
            for (size_t step = 1; r2 < rows; step = step % 7 + 1) {
                vf_pq_value vals[64];
                size_t want = (size_t)VF_MIN(rows - r2, (int64_t)(step == 7 ? 64 : step)), got;
                vpcflow_status st = vf_pq_column_read(b, vals, want, &got, &err);
                if (got > want || (st == VPCFLOW_OK && !got))
                    abort();
                for (size_t i = 0; i < got; i++)
                    s2 += value_sum(&vals[i], type);
                r2 += (int64_t)got;
                if (st != VPCFLOW_OK)
                    break;
            }
            if (r1 != r2 || s1 != s2)
                abort(); /* the batch reader disagrees with the value-at-a-time one */
            sum += s1;
        }
    }
    vf_pq_column_free(c);
    vf_pq_column_free(b);
    vf_pq_close(f);
    return sum;
}

static uint64_t render(const uint8_t *data, size_t size)
{
    static int fd = -1;
    if (fd < 0 && (fd = memfd_create("fuzz.parquet", 0)) < 0)
        return 0;
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        return 0;
    vf_pq_source *ps;
    vpcflow_error err;
    vpcflow_status st;
    uint64_t sum = 0;
    if (vf_pq_source_open(fd, size, "fuzz.parquet", 0, 0, UINT32_MAX, 1, &ps, &err) != VPCFLOW_OK)
        return 0;
    char buf[65536];
    long n;
    for (size_t total = 0; total < ((size_t)4 << 20) && (n = vf_pq_source_read(ps, buf, sizeof buf, &st, &err)) > 0;
         total += (size_t)n)
        sum += (uint8_t)buf[n - 1];
    vf_pq_source_free(ps);
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    volatile uint64_t sum = read_columns(data, size) + render(data, size);
    (void)sum;
    return 0;
}
