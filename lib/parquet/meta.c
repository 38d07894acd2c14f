/* meta.c — decodes Parquet's FileMetaData and PageHeader (Thrift compact, field ids of
 * parquet-format's parquet.thrift) into the structs of meta.h; unknown fields are skipped. */
#include "parquet/meta.h"

#include "parquet/thrift.h"

#include <stdlib.h>
#include <string.h>

/* Reads the struct's fields, handing each to fn; the others' values are skipped when fn
 * returns 1 ("not mine"). */
typedef int (*field_fn)(vf_thrift *t, int16_t id, uint8_t type, void *out);

static int read_struct(vf_thrift *t, field_fn fn, void *out)
{
    int16_t last, id;
    uint8_t type;
    if (vf_thrift_struct_begin(t, &last) < 0)
        return -1;
    int r;
    while ((r = vf_thrift_field(t, &last, &id, &type)) == 1) {
        int got = fn(t, id, type, out);
        if (got < 0 || (got == 1 && vf_thrift_skip(t, type) < 0))
            return -1;
    }
    if (r < 0)
        return -1;
    vf_thrift_struct_end(t);
    return 0;
}

/* Reads a list of structs into a fresh array of n elements of `size` bytes, each through fn. */
static int read_struct_list(vf_thrift *t, uint8_t type, field_fn fn, size_t size, uint32_t max, void **out,
                            uint32_t *nout, void (*init)(void *))
{
    uint8_t elem;
    uint32_t n;
    if (vf_thrift_list(t, type, &elem, &n) < 0)
        return -1;
    if (elem != VF_TC_STRUCT)
        return vf_thrift_fail(t, "Parquet metadata list of the wrong element type");
    if (*out)
        return vf_thrift_fail(t, "Parquet metadata field given twice");
    if (n > max)
        return vf_thrift_fail(t, "Parquet metadata declares too many columns or row groups");
    char *a = calloc(n ? n : 1, size);
    if (!a)
        return vf_thrift_fail(t, "out of memory");
    *out = a;
    *nout = n;
    for (uint32_t i = 0; i < n; i++) {
        if (init)
            init(a + i * size);
        if (read_struct(t, fn, a + i * size) < 0) {
            *nout = i + 1; /* what was allocated inside is freed with it */
            return -1;
        }
    }
    return 0;
}

/* ---- SchemaElement ------------------------------------------------------------------------ */

static int logical_int(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    int v;
    if (id == 2) { /* IntType.isSigned */
        if (vf_thrift_bool(t, type, &v) < 0)
            return -1;
        *(int *)out = !v;
        return 0;
    }
    return 1;
}

static int logical_type(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    if (id == 10 && type == VF_TC_STRUCT) /* INTEGER */
        return read_struct(t, logical_int, out);
    return 1;
}

static int schema_field(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    vf_pq_schema *s = out;
    switch (id) {
    case 1:
        return vf_thrift_i32(t, type, &s->type);
    case 2:
        return vf_thrift_i32(t, type, &s->type_length);
    case 3:
        return vf_thrift_i32(t, type, &s->repetition);
    case 4:
        return vf_thrift_binary(t, type, &s->name, &s->name_len);
    case 5:
        return vf_thrift_i32(t, type, &s->num_children);
    case 6:
        if (vf_thrift_i32(t, type, &s->converted_type) < 0)
            return -1;
        if (s->converted_type >= 11 && s->converted_type <= 14) /* UINT_8 .. UINT_64 */
            s->unsigned_int = 1;
        return 0;
    case 10:
        if (type != VF_TC_STRUCT)
            return 1;
        return read_struct(t, logical_type, &s->unsigned_int);
    default:
        return 1;
    }
}

static void schema_init(void *p)
{
    vf_pq_schema *s = p;
    s->type = -1;
    s->repetition = -1;
    s->converted_type = -1;
}

/* ---- RowGroup, ColumnChunk, ColumnMetaData -------------------------------------------------- */

static int path_list(vf_thrift *t, uint8_t type, vf_pq_chunk *c)
{
    uint8_t elem;
    uint32_t n;
    if (vf_thrift_list(t, type, &elem, &n) < 0)
        return -1;
    if (elem != VF_TC_BINARY)
        return vf_thrift_fail(t, "Parquet path_in_schema is not a list of strings");
    c->path_len = n;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *p;
        uint32_t len;
        if (vf_thrift_binary(t, elem, &p, &len) < 0)
            return -1;
        if (i == 0) {
            c->path0 = p;
            c->path0_len = len;
        }
    }
    return 0;
}

static int column_meta_field(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    vf_pq_chunk *c = out;
    switch (id) {
    case 1:
        return vf_thrift_i32(t, type, &c->type);
    case 3:
        return path_list(t, type, c);
    case 4:
        return vf_thrift_i32(t, type, &c->codec);
    case 5:
        return vf_thrift_int(t, type, &c->num_values);
    case 7:
        return vf_thrift_int(t, type, &c->total_compressed);
    case 9:
        return vf_thrift_int(t, type, &c->data_page_offset);
    case 11:
        return vf_thrift_int(t, type, &c->dictionary_page_offset);
    default:
        return 1;
    }
}

static int column_chunk_field(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    vf_pq_chunk *c = out;
    const uint8_t *p;
    uint32_t len;
    if (id == 1) {
        c->external = 1;
        return vf_thrift_binary(t, type, &p, &len);
    }
    if (id == 3 && type == VF_TC_STRUCT) {
        c->has_meta = 1;
        return read_struct(t, column_meta_field, c);
    }
    return 1;
}

static void chunk_init(void *p)
{
    vf_pq_chunk *c = p;
    c->type = -1;
    c->codec = -1;
    c->num_values = -1;
    c->total_compressed = -1;
    c->data_page_offset = -1;
    c->dictionary_page_offset = -1;
}

static int row_group_field(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    vf_pq_row_group *g = out;
    if (id == 1) {
        void *cols = g->columns;
        int r = read_struct_list(t, type, column_chunk_field, sizeof *g->columns, VF_PQ_MAX_COLUMNS, &cols,
                                 &g->ncolumns, chunk_init);
        g->columns = cols;
        return r;
    }
    if (id == 3)
        return vf_thrift_int(t, type, &g->num_rows);
    return 1;
}

static void row_group_init(void *p)
{
    ((vf_pq_row_group *)p)->num_rows = -1;
}

/* ---- FileMetaData ---------------------------------------------------------------------------- */

static int file_meta_field(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    vf_pq_meta *m = out;
    void *a;
    int r;
    switch (id) {
    case 1:
        return vf_thrift_i32(t, type, &m->version);
    case 2:
        a = m->schema;
        r = read_struct_list(t, type, schema_field, sizeof *m->schema, VF_PQ_MAX_COLUMNS + 1, &a, &m->nschema,
                             schema_init);
        m->schema = a;
        return r;
    case 3:
        return vf_thrift_int(t, type, &m->num_rows);
    case 4:
        a = m->row_groups;
        r = read_struct_list(t, type, row_group_field, sizeof *m->row_groups, VF_PQ_MAX_CHUNKS, &a, &m->nrow_groups,
                             row_group_init);
        m->row_groups = a;
        return r;
    default:
        return 1;
    }
}

void vf_pq_meta_free(vf_pq_meta *m)
{
    for (uint32_t i = 0; i < m->nrow_groups; i++)
        free(m->row_groups[i].columns);
    free(m->row_groups);
    free(m->schema);
    memset(m, 0, sizeof *m);
}

int vf_pq_meta_decode(const uint8_t *p, size_t n, vf_pq_meta *m, const char **why)
{
    vf_thrift t;
    memset(m, 0, sizeof *m);
    m->num_rows = -1;
    vf_thrift_init(&t, p, n);
    uint64_t chunks = 0;
    if (read_struct(&t, file_meta_field, m) < 0) {
        *why = t.why;
        vf_pq_meta_free(m);
        return -1;
    }
    for (uint32_t i = 0; i < m->nrow_groups; i++)
        chunks += m->row_groups[i].ncolumns;
    if (chunks > VF_PQ_MAX_CHUNKS) {
        *why = "Parquet metadata declares too many column chunks";
        vf_pq_meta_free(m);
        return -1;
    }
    return 0;
}

/* ---- PageHeader ------------------------------------------------------------------------------- */

static int data_page_field(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    vf_pq_page_header *h = out;
    switch (id) {
    case 1:
        return vf_thrift_i32(t, type, &h->num_values);
    case 2:
        return vf_thrift_i32(t, type, &h->encoding);
    case 3:
        return vf_thrift_i32(t, type, &h->def_encoding);
    case 4:
        return vf_thrift_i32(t, type, &h->rep_encoding);
    default:
        return 1;
    }
}

static int dict_page_field(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    vf_pq_page_header *h = out;
    if (id == 1)
        return vf_thrift_i32(t, type, &h->num_values);
    if (id == 2)
        return vf_thrift_i32(t, type, &h->encoding);
    return 1;
}

static int data_page_v2_field(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    vf_pq_page_header *h = out;
    switch (id) {
    case 1:
        return vf_thrift_i32(t, type, &h->num_values);
    case 2:
        return vf_thrift_i32(t, type, &h->num_nulls);
    case 3:
        return vf_thrift_i32(t, type, &h->num_rows);
    case 4:
        return vf_thrift_i32(t, type, &h->encoding);
    case 5:
        return vf_thrift_i32(t, type, &h->def_length);
    case 6:
        return vf_thrift_i32(t, type, &h->rep_length);
    case 7:
        return vf_thrift_bool(t, type, &h->is_compressed);
    default:
        return 1;
    }
}

static int page_header_field(vf_thrift *t, int16_t id, uint8_t type, void *out)
{
    vf_pq_page_header *h = out;
    switch (id) {
    case 1:
        return vf_thrift_i32(t, type, &h->type);
    case 2:
        return vf_thrift_i32(t, type, &h->uncompressed_size);
    case 3:
        return vf_thrift_i32(t, type, &h->compressed_size);
    case 5:
    case 7:
    case 8:
        if (type != VF_TC_STRUCT)
            return 1;
        h->has_body |= id == 5 ? VF_PQ_HAS_V1 : id == 7 ? VF_PQ_HAS_DICT : VF_PQ_HAS_V2;
        return read_struct(t, id == 5 ? data_page_field : id == 7 ? dict_page_field : data_page_v2_field, h);
    default:
        return 1;
    }
}

int vf_pq_page_header_decode(const uint8_t *p, size_t n, vf_pq_page_header *h, size_t *used, const char **why,
                             int *truncated)
{
    vf_thrift t;
    memset(h, 0, sizeof *h);
    h->type = -1;
    h->uncompressed_size = -1;
    h->compressed_size = -1;
    h->num_values = -1;
    h->encoding = -1;
    h->def_encoding = VF_PQ_RLE;
    h->rep_encoding = VF_PQ_RLE;
    h->is_compressed = 1;
    vf_thrift_init(&t, p, n);
    if (read_struct(&t, page_header_field, h) < 0) {
        *why = t.why;
        *truncated = t.truncated;
        return -1;
    }
    *used = (size_t)(t.p - p);
    return 0;
}
