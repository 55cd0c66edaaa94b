/* plugin_files.c - reading a plugin package (.tar.gz or folder) into memory
 * under the rules and caps of plugin_files.h.
 *
 * Both readers feed one collector, which checks each entry as it comes
 * (type, path, caps) and, at the end, the package as a whole (layout,
 * duplicates, the two files every plugin has).
 *
 * The gzip layer is inflated here with zlib, not by libarchive's gzip
 * filter, so that every byte of tar data libarchive is given has been
 * counted first: libarchive decompresses inside calls we cannot interrupt
 * (one archive_read_next_header may read 32 special headers of 1 MiB
 * each), so counting from outside could only notice a bomb after the fact.
 * Here the tar stream is cut off at the caps plus a small allowance for
 * headers, whatever the headers say. */
#include "plugin_files.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Tar data allowed beyond the files' bytes: per entry a header, a pax or
 * GNU long-name header with its body, the padding of the data to 512
 * bytes; then the end-of-archive blocks and the padding of the last record. */
#define TAR_BYTES_PER_ENTRY 8192
#define TAR_BYTES_AT_END 20480

#define GZ_CHUNK 65536     /* inflated bytes handed to libarchive at a time */
#define READ_FIRST 4096    /* first allocation for a file's bytes */
#define LABEL_MAX 72       /* an entry's name as quoted in a message */

/* ---- limits and messages ---- */

static size_t or_default(size_t v, size_t def) { return v ? v : def; }

static struct plugin_files_limits limits_resolve(const struct plugin_files_limits *lim)
{
    struct plugin_files_limits z = {0, 0, 0, 0, 0};
    const struct plugin_files_limits *l = lim ? lim : &z;
    struct plugin_files_limits r = {
        or_default(l->max_entries, PLUGIN_FILES_MAX_ENTRIES),
        or_default(l->max_file_bytes, PLUGIN_FILES_MAX_FILE_BYTES),
        or_default(l->max_total_bytes, PLUGIN_FILES_MAX_TOTAL_BYTES),
        or_default(l->max_path_bytes, PLUGIN_FILES_MAX_PATH_BYTES),
        or_default(l->max_archive_bytes, PLUGIN_FILES_MAX_ARCHIVE_BYTES),
    };
    return r;
}

static size_t sat_add(size_t a, size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

static size_t sat_mul(size_t a, size_t b) { return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b; }

/* An untrusted name made fit to quote in a message: printable ASCII without
 * '"' and '\\', cut at LABEL_MAX - 4 bytes. */
static const char *label(const char *name, char out[LABEL_MAX])
{
    size_t i = 0;

    for (; name[i] != '\0' && i < LABEL_MAX - 4; i++) {
        unsigned char ch = (unsigned char)name[i];
        out[i] = (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\') ? '?' : (char)ch;
    }
    if (name[i] != '\0') {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
    return out;
}

static int refuse_entry(struct err *e, const char *name, const char *why)
{
    char l[LABEL_MAX];

    return err_set(e, ERR_INVALID_PLUGIN, NULL, "plugin package entry \"%s\": %s",
                   label(name, l), why);
}

static int out_of_memory(struct err *e)
{
    return err_set(e, ERR_INTERNAL, NULL, "out of memory while reading a plugin package");
}

/* ---- paths ---- */

static int path_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

/* Checks p, a path without its leading "./" or a folder's trailing '/'.
 * Depth may reach PLUGIN_FILES_MAX_DEPTH + 1 here: the top folder, if
 * there is one, is dropped later and the depth checked again. */
static int path_rules(const char *raw, const char *p, struct err *e)
{
    size_t depth = 0;

    if (p[0] == '\0')
        return refuse_entry(e, raw, "an empty path");
    if (p[0] == '/')
        return refuse_entry(e, raw, "an absolute path is not allowed");
    if (strchr(p, '\\') != NULL)
        return refuse_entry(e, raw, "a backslash is not allowed in a path");
    while (*p != '\0') {
        size_t n = strcspn(p, "/");

        if (n == 0)
            return refuse_entry(e, raw, "an empty path component");
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return refuse_entry(e, raw, "a \".\" or \"..\" path component is not allowed");
        for (size_t i = 0; i < n; i++)
            if (!path_char_ok(p[i]))
                return refuse_entry(e, raw,
                                    "a path may hold only A-Z a-z 0-9 . _ - and '/'");
        if (++depth > PLUGIN_FILES_MAX_DEPTH + 1)
            return refuse_entry(e, raw, "the path is nested too deeply");
        p += n;
        if (*p == '/' && *++p == '\0')
            return refuse_entry(e, raw, "an empty path component");
    }
    return 0;
}

/* The entry's path as kept: a malloc'd copy without a leading "./" and, for
 * a folder, without its trailing '/'.  *norm is NULL (and 0 returned) for
 * the root folder itself ("." or "./"), which is skipped. */
static int path_normalize(const char *raw, int is_dir, size_t max_path, char **norm,
                          struct err *e)
{
    const char *p = raw;
    size_t n;

    *norm = NULL;
    if (strlen(raw) > max_path) {
        char why[64];

        snprintf(why, sizeof why, "a path longer than %zu bytes", max_path);
        return refuse_entry(e, raw, why);
    }
    if (raw[0] == '/')
        return refuse_entry(e, raw, "an absolute path is not allowed");
    if (strcmp(raw, ".") == 0 && is_dir)
        return 0;
    if (p[0] == '.' && p[1] == '/')
        p += 2;
    n = strlen(p);
    if (is_dir && n > 0 && p[n - 1] == '/')
        n--;
    if (is_dir && n == 0 && p != raw)
        return 0;
    *norm = malloc(n + 1);
    if (*norm == NULL)
        return out_of_memory(e);
    memcpy(*norm, p, n);
    (*norm)[n] = '\0';
    if (path_rules(raw, *norm, e) < 0) {
        free(*norm);
        *norm = NULL;
        return -1;
    }
    return 0;
}

static size_t path_depth(const char *p)
{
    size_t d = 1;

    for (; *p; p++)
        d += *p == '/';
    return d;
}

/* ---- the collector: entries as they are read, then the package ---- */

struct entry {
    char *path;          /* normalized */
    unsigned char *data; /* NULL for a folder */
    size_t len;
    int is_dir;
};

struct collector {
    struct plugin_files_limits lim;
    struct entry *v;
    size_t n, cap;
    size_t entries;     /* every entry seen, the skipped root folder included */
    size_t total_bytes; /* the files' bytes read so far */
};

static void collector_free(struct collector *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].path);
        free(c->v[i].data);
    }
    free(c->v);
    c->v = NULL;
    c->n = c->cap = 0;
}

/* Counts one more entry against max_entries; name for the message. */
static int collector_count(struct collector *c, const char *name, struct err *e)
{
    char why[64];

    if (++c->entries <= c->lim.max_entries)
        return 0;
    snprintf(why, sizeof why, "the package has more than %zu entries", c->lim.max_entries);
    return refuse_entry(e, name, why);
}

/* Takes path and data (freed here on failure). */
static int collector_add(struct collector *c, char *path, unsigned char *data, size_t len,
                         int is_dir, struct err *e)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct entry *v = realloc(c->v, cap * sizeof *v);

        if (v == NULL) {
            free(path);
            free(data);
            return out_of_memory(e);
        }
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n].path = path;
    c->v[c->n].data = data;
    c->v[c->n].len = len;
    c->v[c->n].is_dir = is_dir;
    c->n++;
    return 0;
}

/* What read_capped reads from: n bytes into buf, returns how many (0 at
 * the end), or -1 with *e set (name names the entry). */
typedef long (*read_fn)(void *src, void *buf, size_t n, const char *name, struct err *e);

/* Reads one file's bytes, counting them against max_file_bytes and what
 * is left of max_total_bytes as they arrive; the buffer never grows past
 * the smaller of the two plus one byte, whatever the source claims. */
static int read_capped(struct collector *c, const char *name, read_fn rd, void *src,
                       unsigned char **data, size_t *len, struct err *e)
{
    size_t left = c->lim.max_total_bytes - c->total_bytes;
    size_t most = c->lim.max_file_bytes < left ? c->lim.max_file_bytes : left;
    size_t cap = 0, n = 0;
    unsigned char *p = NULL;

    for (;;) {
        long got;

        if (n == cap) {
            size_t ncap = cap ? cap * 2 : READ_FIRST;
            unsigned char *q;

            if (ncap > most)
                ncap = most + 1;
            q = realloc(p, ncap + 1); /* + 1: the NUL after the data */
            if (q == NULL) {
                free(p);
                return out_of_memory(e);
            }
            p = q;
            cap = ncap;
        }
        got = rd(src, p + n, cap - n, name, e);
        if (got < 0) {
            free(p);
            return -1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > most) {
            char why[96];

            free(p);
            if (n > c->lim.max_file_bytes)
                snprintf(why, sizeof why, "a file may hold at most %zu bytes",
                         c->lim.max_file_bytes);
            else
                snprintf(why, sizeof why, "the package's files hold more than %zu bytes",
                         c->lim.max_total_bytes);
            return refuse_entry(e, name, why);
        }
    }
    p[n] = '\0';
    c->total_bytes += n;
    *data = p;
    *len = n;
    return 0;
}

static int cmp_entry_path(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static size_t first_component_len(const char *p) { return strcspn(p, "/"); }

/* How many bytes to drop from the front of every path: those of "TOP/" when
 * all entries lie under the folder TOP and no file is at the root, else 0.
 * Entries under several folders with no file at the root are refused. */
static int top_folder_strip(const struct collector *c, size_t *strip, struct err *e)
{
    const char *top = c->v[0].path;
    size_t k = first_component_len(top);
    const char *other = NULL;

    *strip = 0;
    for (size_t i = 0; i < c->n; i++) {
        const char *p = c->v[i].path;

        if (!c->v[i].is_dir && p[first_component_len(p)] == '\0')
            return 0; /* a file at the root: the package is at the root */
        if (other == NULL && (first_component_len(p) != k || memcmp(p, top, k) != 0))
            other = p;
    }
    if (other != NULL) {
        char a[LABEL_MAX], b[LABEL_MAX];
        char why[2 * LABEL_MAX + 96];

        label(top, a);
        label(other, b);
        snprintf(why, sizeof why,
                 "the package's files are under more than one top folder (\"%.*s\" and "
                 "this one) and none is at the root",
                 (int)first_component_len(a), a);
        return refuse_entry(e, b, why);
    }
    *strip = k + 1;
    return 0;
}

/* The file whose path is the len bytes at path, in v sorted by path. */
static const struct plugin_file *find_file(const struct plugin_file *v, size_t n,
                                           const char *path, size_t len)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *p = v[mid].path;
        int c = strncmp(path, p, len);

        if (c == 0)
            c = p[len] == '\0' ? 0 : -1; /* path is a prefix of p: it sorts first */
        if (c == 0)
            return &v[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Refuses a path given twice, and a path that is a file and also the
 * folder of another file ("a" and "a/b"); v is sorted. */
static int check_unique(const struct plugin_file *v, size_t n, struct err *e)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = v[i].path;

        if (i > 0 && strcmp(v[i - 1].path, p) == 0)
            return refuse_entry(e, p, "the path appears twice in the package");
        for (const char *s = strchr(p, '/'); s != NULL; s = strchr(s + 1, '/'))
            if (find_file(v, n, p, (size_t)(s - p)) != NULL)
                return refuse_entry(e, p, "its folder is also a file in the package");
    }
    return 0;
}

/* The files of a complete collector, as the package: top folder dropped,
 * folders left out, sorted and checked.  c is emptied either way. */
static int collector_finish(struct collector *c, struct plugin_files *out, struct err *e)
{
    struct plugin_file *v = NULL;
    size_t strip = 0, n = 0;
    int rc = -1;

    if (c->n > 1) /* qsort wants a valid pointer even for none */
        qsort(c->v, c->n, sizeof *c->v, cmp_entry_path);
    for (size_t i = 0; i < c->n; i++)
        n += !c->v[i].is_dir;
    if (n == 0) {
        err_set(e, ERR_INVALID_PLUGIN, NULL, "the plugin package holds no files");
        goto done;
    }
    if (top_folder_strip(c, &strip, e) < 0)
        goto done;
    v = calloc(n, sizeof *v);
    if (v == NULL) {
        out_of_memory(e);
        goto done;
    }
    n = 0;
    for (size_t i = 0; i < c->n; i++) {
        struct entry *en = &c->v[i];
        size_t len = strlen(en->path);

        if (len > strip && path_depth(en->path + strip) > PLUGIN_FILES_MAX_DEPTH) {
            refuse_entry(e, en->path, "the path is nested too deeply");
            goto done;
        }
        if (en->is_dir)
            continue; /* the top folder itself (len < strip) among them */
        memmove(en->path, en->path + strip, len - strip + 1);
        v[n].path = en->path;
        v[n].data = en->data;
        v[n].len = en->len;
        en->path = NULL;
        en->data = NULL;
        n++;
    }
    /* Still sorted: the files are in the entries' order, and dropping a
     * prefix common to all of them changes no comparison. */
    if (check_unique(v, n, e) < 0)
        goto done;
    if (find_file(v, n, "manifest.json", strlen("manifest.json")) == NULL) {
        err_set(e, ERR_INVALID_PLUGIN, NULL,
                "the plugin package has no manifest.json at its root");
        goto done;
    }
    if (find_file(v, n, "plugin.lua", strlen("plugin.lua")) == NULL) {
        err_set(e, ERR_INVALID_PLUGIN, NULL, "the plugin package has no plugin.lua at its root");
        goto done;
    }
    out->v = v;
    out->n = n;
    v = NULL;
    rc = 0;
done:
    if (v != NULL) {
        struct plugin_files tmp = {v, n};

        plugin_files_free(&tmp);
    }
    collector_free(c);
    return rc;
}

/* ---- .tar.gz: gzip inflated here, tar read by libarchive ---- */

struct gz_source {
    z_stream z;
    int z_ready;
    const unsigned char *in; /* input not yet given to zlib */
    size_t in_left;
    size_t produced, budget; /* inflated bytes, and how many may be */
    int ended;               /* the last gzip member is complete */
    int members;             /* complete members so far */
    char why[160];           /* why the stream was refused, "" if it was not */
    unsigned char out[GZ_CHUNK];
};

static void gz_refill(struct gz_source *s)
{
    if (s->z.avail_in == 0 && s->in_left > 0) {
        uInt n = s->in_left > UINT_MAX ? UINT_MAX : (uInt)s->in_left;

        s->z.next_in = (Bytef *)(uintptr_t)s->in;
        s->z.avail_in = n;
        s->in += n;
        s->in_left -= n;
    }
}

static int gz_has_input(const struct gz_source *s) { return s->z.avail_in > 0 || s->in_left > 0; }

/* 1 when the input left is only zero bytes (or none): the padding to a
 * whole block that libarchive's own writer puts after the gzip data. */
static int gz_rest_is_zeros(const struct gz_source *s)
{
    for (uInt i = 0; i < s->z.avail_in; i++)
        if (s->z.next_in[i] != 0)
            return 0;
    for (size_t i = 0; i < s->in_left; i++)
        if (s->in[i] != 0)
            return 0;
    return 1;
}

/* Inflates the next bytes into s->out: 1 and *n > 0, 0 at the end of the
 * gzip data, -1 with s->why set. */
static int gz_next(struct gz_source *s, size_t *n)
{
    *n = 0;
    if (s->why[0] != '\0')
        return -1;
    s->z.next_out = s->out;
    s->z.avail_out = GZ_CHUNK;
    while (s->z.avail_out == GZ_CHUNK && !s->ended) {
        int rc;

        gz_refill(s);
        rc = inflate(&s->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            s->members++;
            if (gz_rest_is_zeros(s))
                s->ended = 1;
            else
                inflateReset(&s->z); /* another member follows, as gzip allows */
        } else if (rc == Z_BUF_ERROR && !gz_has_input(s)) {
            snprintf(s->why, sizeof s->why, "the gzip data ends too early (a cut file?)");
            return -1;
        } else if (rc != Z_OK) {
            snprintf(s->why, sizeof s->why, "%s (%s)",
                     s->members ? "bytes that are not gzip follow the gzip data"
                                : "the gzip data is damaged",
                     s->z.msg ? s->z.msg : "zlib error");
            return -1;
        }
    }
    *n = GZ_CHUNK - s->z.avail_out;
    s->produced += *n;
    if (s->produced > s->budget) {
        snprintf(s->why, sizeof s->why,
                 "the tar data is longer than the package's limits allow (over %zu bytes)",
                 s->budget);
        return -1;
    }
    return *n > 0;
}

/* libarchive's read callback. */
static la_ssize_t gz_read_cb(struct archive *a, void *src, const void **buf)
{
    struct gz_source *s = src;
    size_t n = 0;

    if (gz_next(s, &n) < 0) {
        archive_set_error(a, EINVAL, "%s", s->why);
        return ARCHIVE_FATAL;
    }
    *buf = s->out;
    return (la_ssize_t)n;
}

/* Inflates what libarchive left after the end of the tar data, so that the
 * gzip trailer (its CRC and length) is checked and nothing else follows;
 * the budget still holds. */
static int gz_drain(struct gz_source *s)
{
    size_t n;
    int rc;

    while ((rc = gz_next(s, &n)) > 0)
        ;
    return rc;
}

static int refuse_archive(struct archive *a, const struct gz_source *s, size_t entry,
                          struct err *e)
{
    const char *why = s->why[0] ? s->why : archive_error_string(a);
    char at[40] = "";

    if (entry > 0) /* 0: before the first header */
        snprintf(at, sizeof at, " (at entry %zu)", entry);
    return err_set(e, ERR_INVALID_PLUGIN, NULL,
                   "the plugin package is not a readable .tar.gz%s: %s", at,
                   why ? why : "unknown error");
}

struct archive_src {
    struct archive *a;
    const struct gz_source *gz;
    size_t entry;
};

static long archive_read_cb(void *src, void *buf, size_t n, const char *name, struct err *e)
{
    struct archive_src *as = src;
    la_ssize_t got = archive_read_data(as->a, buf, n);

    (void)name;
    if (got < 0)
        return refuse_archive(as->a, as->gz, as->entry, e);
    return (long)got;
}

/* Refuses what is not a plain file or folder. */
static int archive_entry_type_ok(struct archive_entry *en, const char *name, struct err *e)
{
    if (archive_entry_hardlink(en) != NULL)
        return refuse_entry(e, name, "a hard link is not allowed");
    if (archive_entry_symlink(en) != NULL)
        return refuse_entry(e, name, "a symbolic link is not allowed");
    switch (archive_entry_filetype(en)) {
    case AE_IFREG:
        if (archive_entry_sparse_count(en) > 0)
            return refuse_entry(e, name, "a sparse file is not allowed");
        return 0;
    case AE_IFDIR:
        return 0;
    case AE_IFLNK:
        return refuse_entry(e, name, "a symbolic link is not allowed");
    case AE_IFCHR:
    case AE_IFBLK:
        return refuse_entry(e, name, "a device is not allowed");
    case AE_IFIFO:
        return refuse_entry(e, name, "a FIFO is not allowed");
    case AE_IFSOCK:
        return refuse_entry(e, name, "a socket is not allowed");
    default:
        return refuse_entry(e, name, "only files and folders are allowed");
    }
}

/* One entry of the archive into the collector. */
static int archive_take_entry(struct collector *c, struct archive_src *as,
                              struct archive_entry *en, struct err *e)
{
    const char *name = archive_entry_pathname(en);
    int is_dir;
    char *path;
    unsigned char *data = NULL;
    size_t len = 0;

    if (name == NULL)
        return err_set(e, ERR_INVALID_PLUGIN, NULL,
                       "plugin package entry %zu: its name cannot be read", as->entry);
    if (collector_count(c, name, e) < 0 || archive_entry_type_ok(en, name, e) < 0)
        return -1;
    is_dir = archive_entry_filetype(en) == AE_IFDIR;
    if (path_normalize(name, is_dir, c->lim.max_path_bytes, &path, e) < 0)
        return -1;
    if (path == NULL)
        return 0; /* the root folder */
    if (!is_dir && read_capped(c, name, archive_read_cb, as, &data, &len, e) < 0) {
        free(path);
        return -1;
    }
    return collector_add(c, path, data, len, is_dir, e);
}

static int archive_read_all(struct archive *a, struct gz_source *s, struct collector *c,
                            struct err *e)
{
    struct archive_src as = {a, s, 0};
    struct archive_entry *en;

    for (;;) {
        int r = archive_read_next_header(a, &en);

        as.entry++;
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK) /* warnings too: a doubtful package is refused */
            return refuse_archive(a, s, as.entry, e);
        if (archive_take_entry(c, &as, en, e) < 0)
            return -1;
    }
    if (gz_drain(s) < 0)
        return refuse_archive(a, s, as.entry, e);
    return 0;
}

static int targz_header_ok(const unsigned char *p, size_t len, size_t max, struct err *e)
{
    if (len == 0)
        return err_set(e, ERR_INVALID_PLUGIN, NULL, "the plugin package is empty");
    if (len > max)
        return err_set(e, ERR_INVALID_PLUGIN, NULL,
                       "the plugin package is larger than %zu bytes", max);
    if (len < 2 || p[0] != 0x1f || p[1] != 0x8b)
        return err_set(e, ERR_INVALID_PLUGIN, NULL,
                       "the plugin package is not a .tar.gz (no gzip header)");
    return 0;
}

int plugin_files_from_targz(const void *data, size_t len,
                            const struct plugin_files_limits *lim,
                            struct plugin_files *out, struct err *e)
{
    struct collector c = {limits_resolve(lim), NULL, 0, 0, 0, 0};
    struct gz_source *s = NULL;
    struct archive *a = NULL;
    int rc = -1;

    out->v = NULL;
    out->n = 0;
    if (targz_header_ok(data, len, c.lim.max_archive_bytes, e) < 0)
        return -1;
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return out_of_memory(e);
    s->in = data;
    s->in_left = len;
    s->budget = sat_add(sat_add(c.lim.max_total_bytes,
                                sat_mul(sat_add(c.lim.max_entries, 1), TAR_BYTES_PER_ENTRY)),
                        TAR_BYTES_AT_END);
    if (inflateInit2(&s->z, 15 + 16) != Z_OK) { /* 16: gzip only, no zlib or raw */
        out_of_memory(e);
        goto done;
    }
    s->z_ready = 1;
    a = archive_read_new();
    if (a == NULL) {
        out_of_memory(e);
        goto done;
    }
    /* Tar only (ustar, pax, GNU, v7), and no filter: the input is tar. */
    if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
        archive_read_open(a, s, NULL, gz_read_cb, NULL) != ARCHIVE_OK) {
        refuse_archive(a, s, 0, e);
        goto done;
    }
    if (archive_read_all(a, s, &c, e) < 0)
        goto done;
    rc = collector_finish(&c, out, e);
done:
    collector_free(&c);
    if (a != NULL)
        archive_read_free(a);
    if (s->z_ready)
        inflateEnd(&s->z);
    free(s);
    return rc;
}

/* ---- a folder on disk ---- */

struct fd_src {
    int fd;
};

static long fd_read_cb(void *src, void *buf, size_t n, const char *name, struct err *e)
{
    struct fd_src *fs = src;
    ssize_t got;

    do
        got = read(fs->fd, buf, n);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return refuse_entry(e, name, strerror(errno));
    return (long)got;
}

/* Reads the regular file name in the folder dfd, seen by fstatat as *st; refused if
 * what is opened is not that same regular file (it was replaced). */
static int dir_read_file(struct collector *c, int dfd, const char *name, const char *path,
                         const struct stat *st, unsigned char **data, size_t *len,
                         struct err *e)
{
    struct fd_src fs;
    struct stat now;
    int rc;

    fs.fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fs.fd < 0)
        return refuse_entry(e, path, strerror(errno));
    if (fstat(fs.fd, &now) != 0 || !S_ISREG(now.st_mode) || now.st_ino != st->st_ino ||
        now.st_dev != st->st_dev) {
        close(fs.fd);
        return refuse_entry(e, path, "the file changed while it was being read");
    }
    /* As in an archive: another name of a file may be one its owner did
     * not mean to hand over (a link made into the folder by someone else). */
    if (now.st_nlink > 1) {
        close(fs.fd);
        return refuse_entry(e, path, "a hard link (a file with another name) is not allowed");
    }
    rc = read_capped(c, path, fd_read_cb, &fs, data, len, e);
    close(fs.fd);
    return rc;
}

static int dir_type_ok(mode_t m, const char *path, struct err *e)
{
    if (S_ISREG(m) || S_ISDIR(m))
        return 0;
    if (S_ISLNK(m))
        return refuse_entry(e, path, "a symbolic link is not allowed");
    if (S_ISCHR(m) || S_ISBLK(m))
        return refuse_entry(e, path, "a device is not allowed");
    if (S_ISFIFO(m))
        return refuse_entry(e, path, "a FIFO is not allowed");
    if (S_ISSOCK(m))
        return refuse_entry(e, path, "a socket is not allowed");
    return refuse_entry(e, path, "only files and folders are allowed");
}

static char *path_join(const char *rel, const char *name)
{
    size_t a = strlen(rel), b = strlen(name);
    char *p = malloc(a + b + 2);

    if (p == NULL)
        return NULL;
    if (a > 0) {
        memcpy(p, rel, a);
        p[a++] = '/';
    }
    memcpy(p + a, name, b + 1);
    return p;
}

static int dir_walk(struct collector *c, int fd, const char *rel, struct err *e);

/* One entry (name, in the folder fd at rel) into the collector; folders
 * are walked in turn.  path_normalize bounds the depth, so the recursion. */
static int dir_take_entry(struct collector *c, int fd, const char *rel, const char *name,
                          struct err *e)
{
    char *raw = path_join(rel, name), *path = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    struct stat st;
    int rc = -1;

    if (raw == NULL)
        return out_of_memory(e);
    if (collector_count(c, raw, e) < 0)
        goto done;
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        refuse_entry(e, raw, strerror(errno));
        goto done;
    }
    if (dir_type_ok(st.st_mode, raw, e) < 0 ||
        path_normalize(raw, S_ISDIR(st.st_mode), c->lim.max_path_bytes, &path, e) < 0)
        goto done;
    if (S_ISDIR(st.st_mode)) {
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

        if (sub < 0) {
            refuse_entry(e, raw, strerror(errno));
            goto done;
        }
        rc = collector_add(c, path, NULL, 0, 1, e);
        path = NULL;
        if (rc == 0)
            rc = dir_walk(c, sub, raw, e); /* closes sub */
        else
            close(sub);
        goto done;
    }
    if (dir_read_file(c, fd, name, raw, &st, &data, &len, e) < 0)
        goto done;
    rc = collector_add(c, path, data, len, 0, e);
    path = NULL;
done:
    free(path);
    free(raw);
    return rc;
}

/* Every entry of the folder fd (closed here), whose path is rel. */
static int dir_walk(struct collector *c, int fd, const char *rel, struct err *e)
{
    DIR *d = fdopendir(fd);
    struct dirent *de;
    int rc = 0;

    if (d == NULL) {
        close(fd);
        return refuse_entry(e, rel[0] ? rel : ".", strerror(errno));
    }
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (de == NULL) {
            if (errno != 0)
                rc = refuse_entry(e, rel[0] ? rel : ".", strerror(errno));
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (dir_take_entry(c, dirfd(d), rel, de->d_name, e) < 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    return rc;
}

int plugin_files_from_dir(const char *dir, const struct plugin_files_limits *lim,
                          struct plugin_files *out, struct err *e)
{
    struct collector c = {limits_resolve(lim), NULL, 0, 0, 0, 0};
    int fd;

    out->v = NULL;
    out->n = 0;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        struct stat st;
        char l[LABEL_MAX];

        /* Linux says ENOTDIR, not ELOOP, for a link when O_DIRECTORY is set. */
        return err_set(e, ERR_INVALID_PLUGIN, NULL, "plugin folder \"%s\": %s", label(dir, l),
                       lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)
                           ? "a symbolic link is not allowed"
                           : strerror(err));
    }
    if (dir_walk(&c, fd, "", e) < 0) {
        collector_free(&c);
        return -1;
    }
    return collector_finish(&c, out, e);
}

/* ---- the result ---- */

const struct plugin_file *plugin_files_get(const struct plugin_files *f, const char *path)
{
    return f == NULL || path == NULL ? NULL : find_file(f->v, f->n, path, strlen(path));
}

void plugin_files_free(struct plugin_files *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].path);
        free(f->v[i].data);
    }
    free(f->v);
    f->v = NULL;
    f->n = 0;
}
