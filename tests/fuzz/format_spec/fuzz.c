/* fuzz.c — libFuzzer target for the format parser: AWS "${field}" strings and header lines.
 * A format that parses must print back to a string that parses to the same columns. */
#include "vpcflow.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vpcflow_format *fmt = NULL;
    vpcflow_error err;
    (void)vpcflow_line_is_header((const char *)data, size);
    if (vpcflow_format_parse((const char *)data, size, &fmt, &err) != VPCFLOW_OK)
        return 0;
    size_t need = vpcflow_format_to_string(fmt, NULL, 0);
    char *s = malloc(need + 1);
    vpcflow_format_to_string(fmt, s, need + 1);
    vpcflow_format *again = NULL;
    if (vpcflow_format_parse(s, need, &again, &err) != VPCFLOW_OK)
        abort();
    if (vpcflow_format_columns(again) != vpcflow_format_columns(fmt))
        abort();
    for (size_t i = 0; i < vpcflow_format_columns(fmt); i++)
        if (strcmp(vpcflow_format_column_name(fmt, i), vpcflow_format_column_name(again, i)) != 0 ||
            vpcflow_format_column_field(fmt, i) != vpcflow_format_column_field(again, i))
            abort();
    vpcflow_format_free(again);
    vpcflow_format_free(fmt);
    free(s);
    return 0;
}
