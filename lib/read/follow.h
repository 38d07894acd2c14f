/* follow.h — reading an input that keeps growing, like tail -F: a file followed across
 * rotation (renamed and recreated) and truncation, or standard input, plain or gzip. Reads
 * never block, so one thread can follow several inputs and still notice a stop request. */
#ifndef VF_FOLLOW_H
#define VF_FOLLOW_H

#include "read/gzip.h"

#include <sys/types.h>

typedef enum vf_follow_event {
    VF_FOLLOW_DATA,    /* bytes were read */
    VF_FOLLOW_NONE,    /* nothing new now: try again later */
    VF_FOLLOW_RESTART, /* what follows is a new file (rotation) or the file from its start
                          (truncation): a partial last line belongs to the old text */
    VF_FOLLOW_END      /* standard input closed: nothing more will come */
} vf_follow_event;

typedef struct vf_follow {
    const char *path; /* borrowed */
    int fd;
    int is_stdin;
    dev_t dev;
    ino_t ino;
    uint64_t pos; /* bytes read from the current file */
    int gzip;     /* -1 not known yet, 0 plain, 1 gzip */
    vf_gz *gz;
    unsigned char *raw; /* gzip input not yet inflated */
    size_t raw_pos, raw_len;
    int draining;           /* rotated: read the old file to its end before switching */
    int old_fd;             /* the file before the last rotation (plain text): lines a writer still adds
                               to it are read until the new file has data and the old one none */
    int waiting;            /* the path does not exist yet: look for it at each read */
    int at_end;             /* the last read found the end of the file: check for a rewrite first */
    struct timespec mtime;  /* of the file when its end was last reached */
    unsigned char tail[64]; /* the last bytes read from the file, to recognise a rewrite */
    size_t tail_len;
    int ended;   /* stdin closed */
    int corrupt; /* the last error was corrupt gzip data, not a failed read */
    uint64_t rotations, truncations;
    const char *why; /* what the last RESTART was: "rotated", "truncated", "rewritten" */
} vf_follow;

/* Opens path ("-": standard input). from_end starts a file at its current end. A path that
 * does not exist yet is waited for (f->waiting; tail -F): its first data comes after a
 * RESTART whose why says it appeared. */
vpcflow_status vf_follow_open(vf_follow *f, const char *path, int from_end, vpcflow_error *err);
/* Reads what is there now into out: returns the byte count with VF_FOLLOW_DATA, else 0 and
 * the event in *ev; -1 on an error (err set: a read error, corrupt gzip). */
long vf_follow_read(vf_follow *f, char *out, size_t cap, vf_follow_event *ev, vpcflow_error *err);
/* The descriptor to poll for readability (standard input), or -1 for files. */
int vf_follow_poll_fd(const vf_follow *f);
void vf_follow_close(vf_follow *f);

#endif
