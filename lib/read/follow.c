/* follow.c — tail -F for the watch command: follow a file by name across rotation and
 * truncation, or read standard input without blocking (see follow.h).
 *
 * At the end of the current file the path is looked at again:
 *   - another file (device or inode differ): rotated. The old file is read to its end once
 *     more (a writer may have added lines before it was renamed), then the new one is read
 *     from its start;
 *   - no file: renamed and not yet recreated: keep the old one and look again later;
 *   - the same file, shorter than what was read: truncated, read it again from its start;
 *   - the same file whose last bytes read are no longer what they were, or of the same size
 *     with a new modification time: rewritten, read it again from its start.
 * After a rotation the old file (plain text) stays open: lines a writer still appends to it
 * are read, until the new file has data and the old one has none. A path that does not exist
 * yet is looked for at each read. */
#include "read/follow.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAW_CAP ((size_t)1 << 16)

static vpcflow_status open_file(vf_follow *f, vpcflow_error *err)
{
    f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (f->fd < 0)
        return vf_error(err, VPCFLOW_ERR_IO, f->path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(f->fd, &sb) < 0) {
        close(f->fd);
        f->fd = -1;
        return vf_error(err, VPCFLOW_ERR_IO, f->path, 0, 0, "cannot read: %s", strerror(errno));
    }
    if (S_ISDIR(sb.st_mode)) {
        close(f->fd);
        f->fd = -1;
        errno = EISDIR; /* the caller tells "not there yet" (ENOENT) by errno */
        return vf_error(err, VPCFLOW_ERR_INPUT, f->path, 0, 0,
                        "a directory: watch follows files (read a tree "
                        "with 'vpcflow alerts')");
    }
    f->dev = sb.st_dev;
    f->ino = sb.st_ino;
    f->pos = 0;
    f->gzip = -1;
    f->raw_pos = f->raw_len = 0;
    f->tail_len = 0;
    f->at_end = 0;
    return VPCFLOW_OK;
}

vpcflow_status vf_follow_open(vf_follow *f, const char *path, int from_end, vpcflow_error *err)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->fd = -1;
    f->old_fd = -1;
    f->gzip = -1;
    f->raw = malloc(RAW_CAP);
    f->gz = vf_gz_new();
    if (!f->raw || !f->gz) {
        vf_follow_close(f);
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
    }
    if (strcmp(path, "-") == 0) {
        f->is_stdin = 1;
        f->fd = 0;
        return VPCFLOW_OK;
    }
    vpcflow_status st = open_file(f, err);
    if (st != VPCFLOW_OK && errno == ENOENT) {
        f->waiting = 1; /* like tail -F: wait for it */
        return VPCFLOW_OK;
    }
    if (st != VPCFLOW_OK) {
        vf_follow_close(f);
        return st;
    }
    if (from_end) {
        off_t end = lseek(f->fd, 0, SEEK_END);
        if (end > 0) {
            f->pos = (uint64_t)end;
            f->gzip = 0; /* the middle of a gzip stream cannot be decoded: treat as text */
        }
    }
    return VPCFLOW_OK;
}

void vf_follow_close(vf_follow *f)
{
    if (f->fd >= 0 && !f->is_stdin)
        close(f->fd);
    f->fd = -1;
    if (f->old_fd >= 0)
        close(f->old_fd);
    f->old_fd = -1;
    free(f->raw);
    f->raw = NULL;
    vf_gz_free(f->gz);
    f->gz = NULL;
}

int vf_follow_poll_fd(const vf_follow *f)
{
    return f->is_stdin && !f->ended ? f->fd : -1;
}

/* Raw bytes from the descriptor: >0 read, 0 nothing now, -1 error. *eof is set at the end of
 * what there is (a file) or for good (stdin). */
static long read_fd(vf_follow *f, void *buf, size_t cap, int *eof, vpcflow_error *err)
{
    *eof = 0;
    if (f->is_stdin) {
        struct pollfd pfd = {f->fd, POLLIN, 0};
        int r = poll(&pfd, 1, 0);
        if (r == 0 || (r < 0 && errno == EINTR))
            return 0;
        if (r < 0) {
            vf_error(err, VPCFLOW_ERR_IO, "-", 0, 0, "poll: %s", strerror(errno));
            return -1;
        }
    }
    for (;;) {
        ssize_t n = read(f->fd, buf, cap);
        if (n > 0) {
            f->pos += (uint64_t)n;
            size_t k = VF_MIN((size_t)n, sizeof f->tail), keep = VF_MIN(f->tail_len, sizeof f->tail - k);
            memmove(f->tail, f->tail + f->tail_len - keep, keep);
            memcpy(f->tail + keep, (const unsigned char *)buf + n - k, k);
            f->tail_len = keep + k;
            return (long)n;
        }
        if (n == 0) {
            *eof = 1;
            return 0;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        vf_error(err, VPCFLOW_ERR_IO, f->path, 0, 0, "read error: %s", strerror(errno));
        return -1;
    }
}

/* Text from the current file or stream: plain bytes as they are, gzip inflated. The first
 * bytes of each file decide which. */
static long read_text(vf_follow *f, char *out, size_t cap, int *eof, vpcflow_error *err)
{
    *eof = 0;
    for (;;) {
        if (f->gzip != 1 && f->raw_pos < f->raw_len) { /* text read while detecting */
            size_t k = VF_MIN(f->raw_len - f->raw_pos, cap);
            memcpy(out, f->raw + f->raw_pos, k);
            f->raw_pos += k;
            return (long)k;
        }
        if (f->gzip == 0)
            return read_fd(f, out, cap, eof, err);
        if (f->gzip == 1 && f->raw_pos < f->raw_len) {
            const unsigned char *p = f->raw + f->raw_pos;
            size_t left = f->raw_len - f->raw_pos;
            int done;
            const char *why = NULL;
            long got = vf_gz_inflate(f->gz, &p, &left, 0, out, cap, &done, &why);
            f->raw_pos = (size_t)(p - f->raw);
            if (got < 0) {
                f->corrupt = 1;
                vf_error(err, VPCFLOW_ERR_INPUT, f->path, 0, 0, "%s", why);
                return -1;
            }
            if (got > 0)
                return got;
        }
        memmove(f->raw, f->raw + f->raw_pos, f->raw_len - f->raw_pos);
        f->raw_len -= f->raw_pos;
        f->raw_pos = 0;
        if (f->raw_len == RAW_CAP) {
            f->corrupt = 1;
            vf_error(err, VPCFLOW_ERR_INPUT, f->path, 0, 0, "corrupt gzip data (no progress)");
            return -1;
        }
        long n = read_fd(f, f->raw + f->raw_len, RAW_CAP - f->raw_len, eof, err);
        if (n <= 0)
            return n;
        f->raw_len += (size_t)n;
        if (f->gzip < 0 && f->raw_len >= 4 && memcmp(f->raw, "PAR1", 4) == 0) {
            f->corrupt = 1; /* not text: its rows are only known from its footer, once written whole */
            vf_error(err, VPCFLOW_ERR_INPUT, f->path, 0, 0,
                     "a Parquet file cannot be followed (it is written whole): read it with `alerts`");
            return -1;
        }
        if (f->gzip < 0) {
            f->gzip = vf_is_gzip(f->raw, f->raw_len);
            if (f->gzip)
                vf_gz_reset(f->gz);
        }
    }
}

/* At the end of the current file: has the path moved on? */
static vf_follow_event look_again(vf_follow *f, vpcflow_error *err, int *failed)
{
    struct stat sb;
    *failed = 0;
    if (stat(f->path, &sb) < 0)
        return VF_FOLLOW_NONE; /* renamed, not yet recreated */
    if (sb.st_dev != f->dev || sb.st_ino != f->ino) {
        if (!f->draining) {
            f->draining = 1; /* one more read of the old file first */
            return VF_FOLLOW_DATA;
        }
        int old = f->fd, old_plain = f->gzip == 0;
        if (open_file(f, err) != VPCFLOW_OK) {
            f->fd = old; /* gone again between stat and open: keep trying */
            return VF_FOLLOW_NONE;
        }
        if (f->old_fd >= 0)
            close(f->old_fd);
        f->old_fd = -1;
        if (old_plain)
            f->old_fd = old; /* a writer may still add lines to it */
        else
            close(old);
        f->draining = 0;
        f->rotations++;
        f->why = "rotated: following the new file";
        return VF_FOLLOW_RESTART;
    }
    f->draining = 0;
    struct stat cur;
    if (fstat(f->fd, &cur) == 0 && (uint64_t)cur.st_size < f->pos) {
        if (lseek(f->fd, 0, SEEK_SET) < 0) {
            vf_error(err, VPCFLOW_ERR_IO, f->path, 0, 0, "cannot seek: %s", strerror(errno));
            *failed = 1;
            return VF_FOLLOW_NONE;
        }
        f->pos = 0;
        f->gzip = -1;
        f->raw_pos = f->raw_len = 0;
        f->truncations++;
        f->why = "truncated: reading it again from the start";
        return VF_FOLLOW_RESTART;
    }
    return VF_FOLLOW_NONE;
}

/* Before reading on after the end of the file: was it rewritten meanwhile (the bytes before
 * the position read changed, or the same size with a new time)? Then it is read again from
 * its start. Returns 1 when it was. */
static int rewritten(vf_follow *f)
{
    struct stat sb;
    if (fstat(f->fd, &sb) != 0 || (uint64_t)sb.st_size < f->pos)
        return 0; /* shorter: look_again calls it truncated */
    int changed = (uint64_t)sb.st_size == f->pos && f->pos &&
                  (sb.st_mtim.tv_sec != f->mtime.tv_sec || sb.st_mtim.tv_nsec != f->mtime.tv_nsec);
    unsigned char now[sizeof f->tail];
    if (!changed && f->tail_len && f->gzip == 0 &&
        (pread(f->fd, now, f->tail_len, (off_t)(f->pos - f->tail_len)) != (ssize_t)f->tail_len ||
         memcmp(now, f->tail, f->tail_len) != 0))
        changed = 1;
    if (!changed)
        return 0;
    if (lseek(f->fd, 0, SEEK_SET) < 0)
        return 0;
    f->pos = 0;
    f->gzip = -1;
    f->raw_pos = f->raw_len = 0;
    f->tail_len = 0;
    f->truncations++;
    f->why = "rewritten: reading it again from the start";
    return 1;
}

/* Lines still written to the file before the last rotation. */
static long read_old(vf_follow *f, char *out, size_t cap)
{
    ssize_t n;
    do
        n = read(f->old_fd, out, cap);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        return (long)n;
    if (f->pos > 0 || n < 0) { /* the new file has data and the old none: done with it */
        close(f->old_fd);
        f->old_fd = -1;
    }
    return 0;
}

long vf_follow_read(vf_follow *f, char *out, size_t cap, vf_follow_event *ev, vpcflow_error *err)
{
    *ev = VF_FOLLOW_NONE;
    if (f->ended) {
        *ev = VF_FOLLOW_END;
        return 0;
    }
    if (f->waiting) {
        if (open_file(f, err) != VPCFLOW_OK)
            return 0; /* not there yet */
        f->waiting = 0;
        f->why = "appeared: following it";
        *ev = VF_FOLLOW_RESTART;
        return 0;
    }
    if (f->old_fd >= 0) {
        long n = read_old(f, out, cap);
        if (n > 0) {
            *ev = VF_FOLLOW_DATA;
            return n;
        }
    }
    if (!f->is_stdin && f->at_end) {
        f->at_end = 0;
        if (rewritten(f)) {
            *ev = VF_FOLLOW_RESTART;
            return 0;
        }
    }
    for (int tries = 0; tries < 3; tries++) {
        int eof;
        long n = read_text(f, out, cap, &eof, err);
        if (n < 0)
            return -1;
        if (n > 0) {
            *ev = VF_FOLLOW_DATA;
            return n;
        }
        if (!eof)
            return 0;
        if (f->is_stdin) {
            f->ended = 1;
            *ev = VF_FOLLOW_END;
            return 0;
        }
        int failed;
        vf_follow_event e = look_again(f, err, &failed);
        if (failed)
            return -1;
        if (e != VF_FOLLOW_DATA) {     /* DATA means: drain the old file, then look again */
            if (e == VF_FOLLOW_NONE) { /* at the end: remember the file as it is */
                struct stat sb;
                if (fstat(f->fd, &sb) == 0)
                    f->mtime = sb.st_mtim;
                f->at_end = 1;
            }
            *ev = e;
            return 0;
        }
    }
    return 0;
}
