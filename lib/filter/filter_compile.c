/* filter_compile.c — vpcflow_filter_compile: tells the pattern's form from how it starts and
 * hands it to that form's parser (filter_parse.c, filter_named.c); frees the compiled form. */
#include "filter/filter.h"
#include "base/internal.h"

#include <stdlib.h>
#include <string.h>

vpcflow_status vpcflow_filter_compile(const char *pattern, vpcflow_filter **out, vpcflow_error *err)
{
    *out = NULL;
    if (!pattern)
        pattern = "";
    size_t n = strnlen(pattern, VPCFLOW_FILTER_MAX_PATTERN + 1);
    if (n > VPCFLOW_FILTER_MAX_PATTERN)
        return vf_filter_error(err, 0, "the pattern is longer than %d bytes", VPCFLOW_FILTER_MAX_PATTERN);
    vpcflow_filter *f = vf_calloc(1, sizeof *f);
    if (!f)
        return vf_filter_oom(err);
    /* literals are copied from disjoint parts of the pattern, each with a NUL, and each
     * literal (even an empty "") spans at least one byte: 2n + 2 bytes always suffice */
    f->capstrings = 2 * n + 2;
    f->strings = malloc(f->capstrings);
    if (!f->strings) {
        free(f);
        return vf_filter_oom(err);
    }
    size_t i = vf_filter_skip_space(pattern, n, 0);
    vpcflow_status st;
    if (i < n && pattern[i] == '[') {
        f->form = VPCFLOW_FILTER_FIELDS;
        st = vf_filter_parse_fields(f, pattern, n, err);
    } else if (i < n && pattern[i] == '{') {
        st = vf_filter_error(err, i,
                             "JSON filter patterns ({ $.field = value }) do not apply: flow-log records "
                             "are not JSON; use [...] or field=value");
    } else if (vf_filter_is_named(pattern + i, n - i)) {
        f->form = VPCFLOW_FILTER_NAMED;
        st = vf_filter_parse_named(f, pattern, n, err);
    } else {
        f->form = VPCFLOW_FILTER_TERMS;
        st = vf_filter_check_misnamed(pattern, n, i, err);
        if (st == VPCFLOW_OK)
            st = vf_filter_parse_terms(f, pattern, n, err);
    }
    if (st != VPCFLOW_OK) {
        vpcflow_filter_free(f);
        return st;
    }
    *out = f;
    return VPCFLOW_OK;
}

vpcflow_filter_form vpcflow_filter_form_of(const vpcflow_filter *f)
{
    return f->form;
}

void vpcflow_filter_free(vpcflow_filter *f)
{
    if (!f)
        return;
    for (uint32_t i = 0; i < f->nregexes; i++)
        vf_regex_free(&f->regexes[i]);
    free(f->regexes);
    free(f->segs);
    free(f->terms);
    free(f->slots);
    free(f->conds);
    free(f->named);
    free(f->values);
    free(f->strings);
    free(f);
}
