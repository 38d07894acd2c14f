/* source.c — opening inputs (files, stdin, directory trees) and reading them as text,
 * decompressing gzip on the fly and rendering Parquet files as text. */
#include "read/source.h"

#include "base/map.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long read_some(vf_source *s, vpcflow_error *err)
{
    if (s->in_pos > 0 && s->in_pos < s->in_len)
        memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
    s->in_len -= s->in_pos;
    s->in_pos = 0;
    while (s->in_len < s->in_cap) {
        ssize_t n = read(s->fd, s->in + s->in_len, s->in_cap - s->in_len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            s->status = vf_error(err, VPCFLOW_ERR_IO, s->name, 0, 0, "read error: %s", strerror(errno));
            return -1;
        }
        if (n == 0) {
            s->eof = 1;
            break;
        }
        s->in_len += (size_t)n;
        s->bytes_in += (uint64_t)n;
        if (s->is_stdin)
            break; /* do not wait for a full buffer on a pipe */
    }
    return (long)s->in_len;
}

/* A Parquet file: read with pread through its own reader (it needs its footer first). */
static vpcflow_status open_parquet(vf_source *s, uint64_t fields, uint32_t rg_begin, uint32_t rg_end, int header,
                                   vpcflow_error *err)
{
    struct stat sb;
    if (s->is_stdin || fstat(s->fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return vf_error(err, VPCFLOW_ERR_INPUT, s->name, 0, 0,
                        "a Parquet file must be a regular file (it is read from its end): give its path");
    vpcflow_status st =
        vf_pq_source_open(s->fd, (uint64_t)sb.st_size, s->name, fields, rg_begin, rg_end, header, &s->pq, err);
    if (st != VPCFLOW_OK)
        return st;
    s->first_line = 0;
    s->bytes_in = (uint64_t)sb.st_size;
    return VPCFLOW_OK;
}

vpcflow_status vf_source_open_parquet(vf_source *s, const char *path, uint64_t fields, uint32_t rg_begin,
                                      uint32_t rg_end, int header, vpcflow_error *err)
{
    memset(s, 0, sizeof *s);
    s->name = path;
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0)
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    vpcflow_status st = open_parquet(s, fields, rg_begin, rg_end, header, err);
    if (st != VPCFLOW_OK)
        vf_source_close(s);
    return st;
}

vpcflow_status vf_source_open(vf_source *s, const char *path, vf_gz *gz, unsigned char *inbuf, uint64_t fields,
                              vpcflow_error *err)
{
    memset(s, 0, sizeof *s);
    s->name = path;
    s->first_line = 1;
    s->is_stdin = strcmp(path, "-") == 0;
    if (s->is_stdin)
        s->fd = 0;
    else {
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0)
            return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    }
    s->in_cap = VF_SOURCE_BUF;
    s->in = inbuf ? inbuf : malloc(s->in_cap);
    s->owns_in = !inbuf;
    if (!s->in) {
        vf_source_close(s);
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
    }
    while (s->in_len < 4 && !s->eof)
        if (read_some(s, err) < 0) {
            vf_source_close(s);
            return s->status;
        }
    if (s->in_len >= 4 && memcmp(s->in, "PAR1", 4) == 0) {
        vpcflow_status st = open_parquet(s, fields, 0, UINT32_MAX, 1, err);
        if (st != VPCFLOW_OK)
            vf_source_close(s);
        return st;
    }
    s->gzip = vf_is_gzip(s->in, s->in_len);
    if (s->gzip) {
        s->gz = gz;
        vf_gz_reset(gz);
    }
    return VPCFLOW_OK;
}

long vf_source_read(vf_source *s, char *out, size_t cap, vpcflow_error *err)
{
    if (s->pq) {
        long n = s->done ? 0 : vf_pq_source_read(s->pq, out, cap, &s->status, err);
        s->done = n <= 0;
        return n;
    }
    for (;;) {
        if (s->done)
            return 0;
        size_t avail = s->in_len - s->in_pos;
        if (!s->gzip) {
            if (avail == 0) {
                if (s->eof) {
                    s->done = 1;
                    return 0;
                }
                if (read_some(s, err) < 0)
                    return -1;
                continue;
            }
            size_t n = VF_MIN(avail, cap);
            memcpy(out, s->in + s->in_pos, n);
            s->in_pos += n;
            return (long)n;
        }
        if (avail == 0 && !s->eof) {
            if (read_some(s, err) < 0)
                return -1;
            continue;
        }
        const unsigned char *p = s->in + s->in_pos;
        size_t left = avail;
        int done = 0;
        const char *why = NULL;
        long got = vf_gz_inflate(s->gz, &p, &left, s->eof, out, cap, &done, &why);
        s->in_pos = (size_t)(p - s->in);
        if (got < 0) {
            s->status = vf_error(err, VPCFLOW_ERR_INPUT, s->name, 0, 0, "%s", why);
            return -1;
        }
        if (done)
            s->done = 1;
        if (got > 0)
            return got;
        if (s->done)
            return 0;
        if (!s->eof && read_some(s, err) < 0)
            return -1;
    }
}

void vf_source_close(vf_source *s)
{
    vf_pq_source_free(s->pq);
    s->pq = NULL;
    if (s->fd >= 0 && !s->is_stdin)
        close(s->fd);
    s->fd = -1;
    if (s->owns_in)
        free(s->in);
    s->in = NULL;
}

/* ---- path expansion ------------------------------------------------------------------ */

typedef struct path_list {
    char **v;
    size_t n, cap;
} path_list;

static int push(path_list *l, char *s)
{
    if (!s)
        return -1;
    if (vf_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v) < 0) {
        free(s);
        return -1;
    }
    l->v[l->n++] = s;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What a path expansion has seen: every file and directory by device and inode, so that a
 * file named twice (or reached again through a link) is read once, and a link back up the
 * tree is not walked again. */
typedef struct seen {
    vf_map ids;      /* {dev, ino} -> index in names */
    path_list names; /* the first path of each */
    void (*warn)(void *ctx, const char *path, const char *message);
    void *ctx;
} seen;

/* 1 when the object sb was already met under another path (a warning is given), 0 when new,
 * -1 when out of memory. */
static int already_seen(seen *w, const char *path, const struct stat *sb, int is_dir)
{
    uint64_t key[2] = {(uint64_t)sb->st_dev, (uint64_t)sb->st_ino};
    uint32_t idx = (uint32_t)w->names.n;
    int r = vf_map_add(&w->ids, key, &idx);
    if (r < 0)
        return -1;
    if (r == 1)
        return push(&w->names, vf_strndup(path, strlen(path))) < 0 ? -1 : 0;
    if (w->warn) {
        char msg[1200];
        snprintf(msg, sizeof msg, "the same %s as '%s': skipped (read once)", is_dir ? "directory" : "file",
                 w->names.v[idx]);
        w->warn(w->ctx, path, msg);
    }
    return 1;
}

static vpcflow_status walk(const char *dir, seen *w, path_list *out, int depth, vpcflow_error *err)
{
    if (depth > 64)
        return vf_error(err, VPCFLOW_ERR_INPUT, dir, 0, 0, "directory tree deeper than 64 levels");
    DIR *d = opendir(dir);
    if (!d)
        return vf_error(err, VPCFLOW_ERR_IO, dir, 0, 0, "cannot open directory: %s", strerror(errno));
    path_list names = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (push(&names, vf_strndup(e->d_name, strlen(e->d_name))) < 0) {
            closedir(d);
            vf_free_paths(names.v, names.n);
            return vf_error(err, VPCFLOW_ERR_IO, dir, 0, 0, "out of memory");
        }
    }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    vpcflow_status st = VPCFLOW_OK;
    size_t dlen = strlen(dir);
    for (size_t i = 0; i < names.n && st == VPCFLOW_OK; i++) {
        size_t nlen = strlen(names.v[i]);
        char *full = malloc(dlen + nlen + 2);
        if (!full) {
            st = vf_error(err, VPCFLOW_ERR_IO, dir, 0, 0, "out of memory");
            break;
        }
        memcpy(full, dir, dlen);
        size_t k = dlen;
        if (k && full[k - 1] != '/')
            full[k++] = '/';
        memcpy(full + k, names.v[i], nlen + 1);
        struct stat sb;
        int dup = 0;
        if (stat(full, &sb) < 0) { /* a dangling link: kept, reading it fails as one input */
            if (push(out, full) < 0)
                st = vf_error(err, VPCFLOW_ERR_IO, dir, 0, 0, "out of memory");
            full = NULL;
        } else if ((S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode)) &&
                   (dup = already_seen(w, full, &sb, S_ISDIR(sb.st_mode))) < 0) {
            st = vf_error(err, VPCFLOW_ERR_IO, dir, 0, 0, "out of memory");
        } else if (dup) {
        } else if (S_ISDIR(sb.st_mode)) {
            st = walk(full, w, out, depth + 1, err);
        } else if (S_ISREG(sb.st_mode)) {
            if (push(out, full) < 0)
                st = vf_error(err, VPCFLOW_ERR_IO, dir, 0, 0, "out of memory");
            full = NULL;
        }
        free(full);
    }
    vf_free_paths(names.v, names.n);
    return st;
}

vpcflow_status vf_expand_paths(const char *const *paths, size_t n, void (*warn)(void *, const char *, const char *),
                               void *ctx, char ***out, size_t *nout, vpcflow_error *err)
{
    path_list l = {0};
    seen w = {.warn = warn, .ctx = ctx};
    vpcflow_status st = VPCFLOW_OK;
    int have_stdin = 0;
    if (vf_map_init(&w.ids, 2 * sizeof(uint64_t)) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n && st == VPCFLOW_OK; i++) {
        struct stat sb;
        int dup = 0;
        if (strcmp(paths[i], "-") == 0) {
            if (have_stdin++) {
                if (warn)
                    warn(ctx, "-", "standard input given again: skipped (read once)");
                continue;
            }
            if (push(&l, vf_strndup(paths[i], strlen(paths[i]))) < 0)
                st = vf_error(err, VPCFLOW_ERR_IO, paths[i], 0, 0, "out of memory");
        } else if (stat(paths[i], &sb) < 0) { /* kept: reading it fails, as one input among others */
            if (push(&l, vf_strndup(paths[i], strlen(paths[i]))) < 0)
                st = vf_error(err, VPCFLOW_ERR_IO, paths[i], 0, 0, "out of memory");
        } else if ((S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode)) &&
                   (dup = already_seen(&w, paths[i], &sb, S_ISDIR(sb.st_mode))) < 0) {
            st = vf_error(err, VPCFLOW_ERR_IO, paths[i], 0, 0, "out of memory");
        } else if (dup) {
        } else if (!S_ISDIR(sb.st_mode)) {
            if (push(&l, vf_strndup(paths[i], strlen(paths[i]))) < 0)
                st = vf_error(err, VPCFLOW_ERR_IO, paths[i], 0, 0, "out of memory");
        } else
            st = walk(paths[i], &w, &l, 0, err);
    }
    vf_map_free(&w.ids);
    vf_free_paths(w.names.v, w.names.n);
    if (st != VPCFLOW_OK) {
        vf_free_paths(l.v, l.n);
        return st;
    }
    *out = l.v;
    *nout = l.n;
    return VPCFLOW_OK;
}

void vf_free_paths(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

/* ---- the format of the first record line ---------------------------------------------- */

static vpcflow_status base_format(const char *spec, vpcflow_format **out, vpcflow_error *err)
{
    if (spec)
        return vpcflow_format_parse(spec, strlen(spec), out, err);
    *out = vpcflow_format_default();
    return *out ? VPCFLOW_OK : vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
}

vpcflow_status vpcflow_peek_format(const char *const *paths, size_t npaths, const char *base_spec, vpcflow_format **out,
                                   vpcflow_error *err)
{
    char **files = NULL;
    size_t n = 0;
    vpcflow_status st = vf_expand_paths(paths, npaths, NULL, NULL, &files, &n, err);
    if (st != VPCFLOW_OK)
        return st;
    if (n == 0 || strcmp(files[0], "-") == 0) {
        vf_free_paths(files, n);
        return base_format(base_spec, out, err);
    }
    vf_gz *gz = vf_gz_new();
    vf_source src;
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    if (!gz || !buf) {
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        goto done;
    }
    st = vf_source_open(&src, files[0], gz, NULL, 0, err);
    if (st != VPCFLOW_OK)
        goto done;
    for (;;) {
        long got = vf_source_read(&src, buf + len, cap - len, err);
        if (got <= 0)
            break; /* errors surface again when the scan reads the file */
        len += (size_t)got;
        if (len == cap || memchr(buf, '\n', len))
            break;
    }
    vf_source_close(&src);
    /* first non-blank line */
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t l = eol ? (size_t)(eol - p) : (size_t)(end - p);
        while (l && (p[l - 1] == '\r' || p[l - 1] == ' '))
            l--;
        if (l) {
            if (vpcflow_line_is_header(p, l) && vpcflow_format_parse(p, l, out, NULL) == VPCFLOW_OK) {
                st = VPCFLOW_OK;
                goto done;
            }
            break;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    st = base_format(base_spec, out, err);
done:
    free(buf);
    vf_gz_free(gz);
    vf_free_paths(files, n);
    return st;
}
