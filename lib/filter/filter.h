/* filter.h — CloudWatch Logs filter patterns over flow-log records: the API and the compiled form.
 *
 * A pattern is compiled once (vpcflow_filter_compile) and then matched against any number of
 * records, from any number of threads (vpcflow_filter_match reads the compiled form only and
 * allocates nothing). Three forms, told apart by how the pattern starts (docs/filter.md):
 *
 *   terms            REJECT "172.31.9.69" -ACCEPT       substrings of the record text
 *   space-delimited  [v, acct, eni, src, dst, sp, dp=22, ...]   positional, CloudWatch's []
 *   named            action=REJECT dstport=22,3389       vpcflow's typed field conditions
 *
 * Everything below the public part is shared between lib/filter_*.c only.
 */
#ifndef VF_FILTER_H
#define VF_FILTER_H

#include "vpcflow.h"

#include <stdint.h>

/* The public API (vpcflow_filter_compile, _match, _form_of, _free) is in vpcflow.h. */

/* ---- internal: the compiled form --------------------------------------------------------- */

enum { VF_OP_EQ, VF_OP_NE, VF_OP_LT, VF_OP_LE, VF_OP_GT, VF_OP_GE };

/* A decimal number as 0.D × 10^e, D = int digits then fraction digits, the first digit
 * nonzero (nd == 0 means zero). The digits are views (into the pattern copy or the record). */
typedef struct vf_dec {
    const char *ip, *fp; /* digits before and after the point */
    uint32_t il, fl;
    int64_t e;
    int neg;
} vf_dec;

/* Parses s[0..n) as [+-]digits[.digits][e[+-]digits]; 0 on success, -1 when not a number. */
int vf_dec_parse(const char *s, size_t n, vf_dec *out);
/* <0, 0, >0 as a is less than, equal to, greater than b. */
int vf_dec_cmp(const vf_dec *a, const vf_dec *b);

/* A compiled %regex% (filter_regex.c): a chain of items per alternative, each alternative
 * ending in an ACCEPT item; matched by a forward bit-set simulation, never backtracking. */
#define VF_RX_MAX_STATES 1024
#define VF_RX_WORDS (VF_RX_MAX_STATES / 64)
enum { VF_RX_ONE, VF_RX_OPT, VF_RX_STAR, VF_RX_BOL, VF_RX_EOL, VF_RX_ACCEPT };
typedef struct vf_rx_item {
    uint8_t type;
    uint64_t set[4]; /* the bytes the item accepts (ONE, OPT, STAR) */
} vf_rx_item;
typedef struct vf_regex {
    vf_rx_item *items;
    uint32_t nitems;
    uint64_t start[VF_RX_WORDS]; /* first item of every alternative */
    uint64_t first[4];           /* bytes that can begin a match after the start of the text */
    int empty;                   /* the empty string matches (anywhere but maybe the start) */
} vf_regex;

/* Compiles src[0..n) (the text between the two '%'). On error returns -1 with *why set and
 * *at the offset in src of the mistake. */
int vf_regex_compile(const char *src, size_t n, vf_regex *rx, const char **why, size_t *at, char *whybuf,
                     size_t whycap);
void vf_regex_free(vf_regex *rx);
/* 1 when rx matches somewhere in s[0..n). */
int vf_regex_search(const vf_regex *rx, const char *s, size_t n);

/* A test on one piece of text: the value side of a condition. */
enum { VF_T_EXACT, VF_T_GLOB, VF_T_NUM, VF_T_REGEX, VF_T_ANY };
typedef struct vf_test {
    uint8_t kind;
    uint8_t lead_star, trail_star; /* GLOB: a '*' at the start, at the end */
    const char *s;                 /* EXACT: the literal */
    size_t len;
    uint32_t seg, nseg; /* GLOB: the literal pieces between the '*', into vpcflow_filter.segs */
    vf_dec num;         /* NUM */
    uint32_t regex;     /* REGEX: index into vpcflow_filter.regexes */
} vf_test;
typedef struct vf_seg {
    const char *s;
    size_t len;
} vf_seg;

/* Term form. */
enum { VF_TERM_AND, VF_TERM_OR, VF_TERM_NOT };
typedef struct vf_term {
    uint8_t sign;
    uint8_t is_regex;
    const char *s;
    size_t len;
    uint32_t regex;
} vf_term;

/* Space-delimited form: one slot per field of the pattern; a slot's conditions are an OR of
 * AND groups (&& binds tighter than ||), a condition starting a new group has or_start set. */
typedef struct vf_fcond {
    uint8_t op;
    uint8_t or_start;
    vf_test test;
} vf_fcond;
typedef struct vf_slot {
    uint32_t first, n; /* into conds */
} vf_slot;

/* Named form: conditions ANDed; each has a list of values (any of them, for = and !=). */
typedef struct vf_value {
    vpcflow_addr net;
    unsigned plen;
    int is_cidr;  /* ADDR fields: net/plen; otherwise test */
    uint64_t num; /* numeric fields */
    vf_test test; /* text fields, and '*' globs on addresses */
} vf_value;
typedef struct vf_named {
    int field;
    uint8_t op;
    uint8_t type;      /* vpcflow_field_type */
    uint8_t dash;      /* '-' (no value) is in the list */
    uint32_t first, n; /* into values */
} vf_named;

struct vpcflow_filter {
    vpcflow_filter_form form;
    char *strings; /* literals, copied out of the pattern; sized once, never moved */
    size_t nstrings, capstrings;
    vf_regex *regexes;
    uint32_t nregexes;
    vf_seg *segs;
    uint32_t nsegs;
    /* terms */
    vf_term *terms;
    uint32_t nterms;
    int match_all; /* no terms left that can fail */
    /* space-delimited */
    vf_slot *slots;
    uint32_t nslots, nbefore; /* slots before '...' (all of them when !ellipsis) */
    int ellipsis;
    vf_fcond *conds;
    uint32_t nconds;
    /* named */
    vf_named *named;
    uint32_t nnamed;
    vf_value *values;
    uint32_t nvalues;
};

/* Parsers of the three forms (filter_parse.c, filter_named.c), called by the form detection
 * in filter_compile.c; p is the whole pattern. */
vpcflow_status vf_filter_parse_terms(vpcflow_filter *f, const char *p, size_t n, vpcflow_error *err);
vpcflow_status vf_filter_parse_fields(vpcflow_filter *f, const char *p, size_t n, vpcflow_error *err);
vpcflow_status vf_filter_parse_named(vpcflow_filter *f, const char *p, size_t n, vpcflow_error *err);
/* 1 when the pattern's first token is <known field><op>, i.e. the named form. */
int vf_filter_is_named(const char *p, size_t n);
/* A pattern that is one unquoted term <name><op><value> whose name is no field (dstprot=22,
 * nosuch=1) is most likely a misspelt named condition: as a term it would match nothing,
 * silently. Returns the error that names the field meant (and how to quote a real term), or
 * VPCFLOW_OK for any other pattern. at: the pattern's first non-space byte. */
vpcflow_status vf_filter_check_misnamed(const char *p, size_t n, size_t at, vpcflow_error *err);

/* Shared lexing helpers of the parsers (filter_lex.c): the parsers call them, never the
 * other way round. */
int vf_filter_is_space(char c);
/* The offset of the first non-space byte at or after p[i] (n when none). */
size_t vf_filter_skip_space(const char *p, size_t n, size_t i);
/* Reads a comparison operator (= != < <= > >=) at p[i]; returns its length, 0 when none. */
size_t vf_filter_read_op(const char *p, size_t n, size_t i, uint8_t *op);
/* The text of a VF_OP_* operator ("=", "!=", ...). */
const char *vf_filter_op_text(uint8_t op);
vpcflow_status vf_filter_error(vpcflow_error *err, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
vpcflow_status vf_filter_oom(vpcflow_error *err);
/* Copies s[0..n) into f->strings; returns the copy. */
const char *vf_filter_keep(vpcflow_filter *f, const char *s, size_t n);
/* Grows an array of elem-sized items to hold one more; 0 ok, -1 out of memory. */
int vf_filter_grow(void **arr, uint32_t count, size_t elem);
/* Reads a double-quoted string at p[0] == '"' up to its closing quote; \" and \\ are escapes.
 * The unescaped text goes to f->strings. Returns the offset after the closing quote, or
 * (size_t)-1 when unterminated. */
size_t vf_filter_quoted(vpcflow_filter *f, const char *p, size_t n, size_t at, const char **s, size_t *len);
/* Compiles the regex whose opening '%' is at p[at]; *end gets the offset after the closing
 * '%'. Returns the regex index through *idx. */
vpcflow_status vf_filter_regex(vpcflow_filter *f, const char *p, size_t n, size_t at, size_t *end, uint32_t *idx,
                               vpcflow_error *err);
/* Builds a value test from an unquoted value (number, glob, exact) or a quoted one (glob or
 * exact: quotes make a value text). s must already be kept in f->strings. 0 ok, -1 out of
 * memory. */
int vf_filter_value_test(vpcflow_filter *f, const char *s, size_t len, int quoted, vf_test *out);

/* Matching helpers (filter_match.c). */
/* Whether s[0..n) equals t (EXACT, GLOB, REGEX, ANY); NUM compares numerically and is
 * false when s is not a number. */
int vf_test_eq(const vpcflow_filter *f, const vf_test *t, const char *s, size_t n);

#endif
