/* format.h — the layout of a record format, shared by the format parser and the line parser. */
#ifndef VF_FORMAT_H
#define VF_FORMAT_H

#include "base/internal.h"

#define VF_COL_OPAQUE 255 /* col_type of a column whose name vpcflow does not know */

struct vpcflow_format {
    uint32_t ncols;
    uint32_t nunknown; /* opaque columns */
    uint64_t mask;     /* VPCFLOW_BIT of every known field present */
    int all_string;    /* no typed column: a header could parse as a record */
    int is_default;    /* exactly the version 2 default format */
    int fast;          /* parse.c takes its fast path: is_default, unless VPCFLOW_GENERIC_PARSE is set */
    int16_t col_field[VPCFLOW_MAX_COLUMNS];
    uint8_t col_type[VPCFLOW_MAX_COLUMNS];
    int16_t field_col[VPCFLOW_F_COUNT];
    char *names[VPCFLOW_MAX_COLUMNS];
};

/* Builds a format from a list of names (already split). */
vpcflow_status vf_format_from_names(const vpcflow_str *names, size_t n, vpcflow_format **out, vpcflow_error *err);
/* 1 when both formats have the same columns in the same order. */
int vf_format_equal(const vpcflow_format *a, const vpcflow_format *b);
vpcflow_format *vf_format_clone(const vpcflow_format *fmt);

#endif
