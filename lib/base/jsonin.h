/* jsonin.h — reading JSON inputs (topology, ip-ranges, prices, rules): parsing with line and
 * column, where a value is (its JSON path) and what it is (its type) in messages, numbers kept
 * exact, and a streaming reader whose memory is bounded by the largest array element.
 *
 * Messages read "FILE[:LINE[:COLUMN]]: PATH: expected X, found Y", PATH as in
 * `rates.cross-az-out`, `Subnets[3].CidrBlock`. */
#ifndef VF_JSONIN_H
#define VF_JSONIN_H

#include "base/internal.h"

#include <jansson.h>

#define VF_JIN_MAX_FILE ((uint64_t)1 << 30)  /* a streamed file: 1 GiB */
#define VF_JIN_MAX_ELEMENT ((size_t)1 << 20) /* one element of a streamed array, or one other member */

/* Where a value is, for messages: the file, the JSON path of the value at hand, and the error. */
typedef struct vf_jin {
    const char *file;
    vpcflow_error *err;
    char path[192];
} vf_jin;

/* Fills err with "PATH: message" (just the message while the path is empty); VPCFLOW_ERR_INPUT. */
vpcflow_status vf_jin_fail(const vf_jin *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the path: vf_jin_at(c, "%s[%zu]", list, i). */
void vf_jin_at(vf_jin *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a whole document (flags: jansson's). A blank text is "empty file: expected <what>"; a
 * syntax error is "JSON syntax error: ..." at its line and column. */
vpcflow_status vf_jin_parse(const char *file, const char *data, size_t len, size_t flags, const char *what,
                            json_t **doc, vpcflow_error *err);
/* The same, but numbers keep the exact characters written (0.085 is no double): read them with
 * vf_jin_text; vf_jin_is_number and vf_json_type_name still see them as numbers. */
vpcflow_status vf_jin_parse_exact(const char *file, const char *data, size_t len, const char *what, json_t **doc,
                                  vpcflow_error *err);

/* "an object", "an array", "a string", "a number", "true", "false", "null": for messages. */
const char *vf_json_type_name(const json_t *v);
int vf_jin_is_number(const json_t *v); /* a number, exact (vf_jin_parse_exact) or not */
int vf_jin_is_string(const json_t *v); /* a string, not an exact number */
/* The characters of a string, or of an exact number; NULL for anything else. */
const char *vf_jin_text(const json_t *v, size_t *len);

/* Copies obj[key] into out ("" when absent or null); an error naming where.key when it is not a
 * string or does not fit in cap - 1 bytes. */
vpcflow_status vf_json_string(const json_t *obj, const char *key, const char *file, const char *where, char *out,
                              size_t cap, vpcflow_error *err);
/* obj[key] when it is a string, else "" (for optional text fields). */
const char *vf_jin_str(const json_t *obj, const char *key);
/* Writes s as a short quoted string for messages (control characters replaced, long text cut). */
void vf_quote(const char *s, size_t len, char *buf, size_t cap);
/* The length of the first n bytes of s without a UTF-8 character cut at the end. */
size_t vf_utf8_cut(const char *s, size_t n);

/* ---- streaming ------------------------------------------------------------------------------
 *
 * A document whose bulk is arrays (describe-network-interfaces, ip-ranges.json) is read in
 * 64 KiB pieces. A small scanner (string- and escape-aware, depth-counting) finds where each
 * element of an array ends and hands jansson that element alone, so memory is the largest
 * element, never the whole tree:
 *
 *     { "NetworkInterfaces": [ {...}, {...}, ... ], "NextToken": "x" }
 *       \_ key ____________/  \_el_/  \_el_/        \_ other member: parsed whole
 *
 * Every element is checked (a syntax error anywhere is one, with its line and column); those of
 * the arrays named in keys go to fn in file order. What is left, the skeleton, is the document
 * with each array emptied: enough to tell what kind of file it is. */
typedef vpcflow_status (*vf_jin_element_fn)(void *ctx, const char *key, size_t index, const json_t *el,
                                            vpcflow_error *err);
typedef struct vf_jin_stream {
    const char *file;        /* opened by vf_jin_stream_file; named in messages */
    const char *what;        /* "an AWS CLI JSON file": for "larger than 1024 MiB: not <what>" */
    const char *const *keys; /* NULL-terminated: the top-level arrays whose elements fn gets */
    vf_jin_element_fn fn;
    void *ctx;
    int place_errors; /* an error of fn with no line gets the line where its element starts */
} vf_jin_stream;
/* On success *skeleton is the document less its arrays' elements (json_decref it). */
vpcflow_status vf_jin_stream_file(const vf_jin_stream *s, json_t **skeleton, vpcflow_error *err);
vpcflow_status vf_jin_stream_buf(const vf_jin_stream *s, const char *data, size_t len, json_t **skeleton,
                                 vpcflow_error *err);

#endif
