/* test_plugin_files.c - unit tests for core/plugin/plugin_files: a plugin
 * package (.tar.gz or folder) is read whole when it keeps the rules, and
 * refused whole when it breaks any: paths that climb out or hide, links and
 * special files, duplicates, mixed layouts, every cap, gzip bombs, headers
 * that lie, cut or foreign archives.
 *
 * Archives are written with libarchive's writer; those it will not write
 * (a header that lies about its size, a name with raw UTF-8, a folder that
 * claims data) are put together by hand and gzipped with zlib. */
#include "plugin_files.h"

#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "check_main.h"

#define MIB (1024u * 1024u)

static const char MANIFEST[] = "{\"name\": \"demo\", \"version\": \"1.0.0\"}\n";
static const char PLUGIN[] = "return {}\n";

/* ---- packages in memory ---- */

struct pkg {
    unsigned char *data;
    size_t len;
};

static void pkg_free(struct pkg *p)
{
    free(p->data);
    p->data = NULL;
    p->len = 0;
}

enum wfmt { W_PAX, W_USTAR, W_GNU, W_ZIP };
enum wfilter { F_GZIP, F_NONE, F_XZ };

/* libarchive's writer into memory. */
struct writer {
    struct archive *a;
    unsigned char *buf;
    size_t cap, used;
};

static void w_begin(struct writer *w, enum wfmt fmt, enum wfilter filter)
{
    w->cap = 4 * MIB;
    w->used = 0;
    w->buf = malloc(w->cap);
    ck_assert_ptr_nonnull(w->buf);
    w->a = archive_write_new();
    ck_assert_ptr_nonnull(w->a);
    if (filter == F_GZIP)
        ck_assert_int_eq(archive_write_add_filter_gzip(w->a), ARCHIVE_OK);
    else if (filter == F_XZ)
        ck_assert_int_eq(archive_write_add_filter_xz(w->a), ARCHIVE_OK);
    if (fmt == W_PAX)
        ck_assert_int_eq(archive_write_set_format_pax_restricted(w->a), ARCHIVE_OK);
    else if (fmt == W_USTAR)
        ck_assert_int_eq(archive_write_set_format_ustar(w->a), ARCHIVE_OK);
    else if (fmt == W_GNU)
        ck_assert_int_eq(archive_write_set_format_gnutar(w->a), ARCHIVE_OK);
    else
        ck_assert_int_eq(archive_write_set_format_zip(w->a), ARCHIVE_OK);
    ck_assert_int_eq(archive_write_set_bytes_in_last_block(w->a, 1), ARCHIVE_OK);
    ck_assert_int_eq(archive_write_open_memory(w->a, w->buf, w->cap, &w->used), ARCHIVE_OK);
}

/* An entry of type type; a regular file gets data, a link its target. */
static void w_entry(struct writer *w, const char *path, unsigned type, const void *data,
                    size_t len, const char *target)
{
    struct archive_entry *en = archive_entry_new();

    archive_entry_set_pathname(en, path);
    archive_entry_set_filetype(en, type);
    archive_entry_set_perm(en, type == AE_IFDIR ? 0755 : 0644);
    archive_entry_set_size(en, type == AE_IFREG ? (la_int64_t)len : 0);
    archive_entry_set_mtime(en, 1700000000, 0);
    if (type == AE_IFLNK)
        archive_entry_set_symlink(en, target);
    if (type == AE_IFCHR || type == AE_IFBLK) {
        archive_entry_set_rdevmajor(en, 1);
        archive_entry_set_rdevminor(en, 3);
    }
    ck_assert_int_eq(archive_write_header(w->a, en), ARCHIVE_OK);
    if (len > 0)
        ck_assert_int_eq(archive_write_data(w->a, data, len), (la_ssize_t)len);
    archive_entry_free(en);
}

static void w_file(struct writer *w, const char *path, const char *text)
{
    w_entry(w, path, AE_IFREG, text, strlen(text), NULL);
}

static void w_hardlink(struct writer *w, const char *path, const char *target)
{
    struct archive_entry *en = archive_entry_new();

    archive_entry_set_pathname(en, path);
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_perm(en, 0644);
    archive_entry_set_size(en, 0);
    archive_entry_set_hardlink(en, target);
    ck_assert_int_eq(archive_write_header(w->a, en), ARCHIVE_OK);
    archive_entry_free(en);
}

/* A regular file of n zero bytes, written in chunks (n may be 100 MiB). */
static void w_zeros(struct writer *w, const char *path, size_t n)
{
    static const unsigned char zero[65536];
    struct archive_entry *en = archive_entry_new();

    archive_entry_set_pathname(en, path);
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_perm(en, 0644);
    archive_entry_set_size(en, (la_int64_t)n);
    ck_assert_int_eq(archive_write_header(w->a, en), ARCHIVE_OK);
    for (size_t done = 0; done < n;) {
        size_t k = n - done < sizeof zero ? n - done : sizeof zero;

        ck_assert_int_eq(archive_write_data(w->a, zero, k), (la_ssize_t)k);
        done += k;
    }
    archive_entry_free(en);
}

static struct pkg w_end(struct writer *w)
{
    struct pkg p;

    ck_assert_int_eq(archive_write_close(w->a), ARCHIVE_OK);
    archive_write_free(w->a);
    p.data = w->buf;
    p.len = w->used;
    return p;
}

/* The two files every package needs, at prefix ("" or "pkg/"). */
static void w_required(struct writer *w, const char *prefix)
{
    char a[128], b[128];

    snprintf(a, sizeof a, "%smanifest.json", prefix);
    snprintf(b, sizeof b, "%splugin.lua", prefix);
    w_file(w, a, MANIFEST);
    w_file(w, b, PLUGIN);
}

/* A good package plus one extra entry of type type at path. */
static struct pkg pkg_with(const char *path, unsigned type, const char *target)
{
    struct writer w;

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    w_entry(&w, path, type, type == AE_IFREG ? "x" : NULL, type == AE_IFREG ? 1 : 0, target);
    return w_end(&w);
}

/* ---- gzip and tar by hand, for what the writer will not make ---- */

struct gzw {
    z_stream z;
    struct buf out;
};

static void gzw_begin(struct gzw *g)
{
    struct buf empty = BUF_INIT;

    memset(&g->z, 0, sizeof g->z);
    g->out = empty;
    ck_assert_int_eq(deflateInit2(&g->z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
}

static void gzw_run(struct gzw *g, const void *p, size_t n, int flush)
{
    unsigned char chunk[65536];
    int rc;

    g->z.next_in = (Bytef *)(uintptr_t)p;
    g->z.avail_in = (uInt)n;
    do {
        g->z.next_out = chunk;
        g->z.avail_out = sizeof chunk;
        rc = deflate(&g->z, flush);
        ck_assert(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
        buf_append(&g->out, chunk, sizeof chunk - g->z.avail_out);
    } while (g->z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

static void gzw_put(struct gzw *g, const void *p, size_t n) { gzw_run(g, p, n, Z_NO_FLUSH); }

static void gzw_zeros(struct gzw *g, size_t n)
{
    static const unsigned char zero[65536];

    for (size_t done = 0; done < n; done += sizeof zero)
        gzw_put(g, zero, n - done < sizeof zero ? n - done : sizeof zero);
}

static struct pkg gzw_end(struct gzw *g)
{
    struct pkg p;

    gzw_run(g, NULL, 0, Z_FINISH);
    deflateEnd(&g->z);
    ck_assert(buf_ok(&g->out));
    p.data = (unsigned char *)g->out.data;
    p.len = g->out.len;
    return p;
}

static struct pkg gzip_bytes(const void *p, size_t n)
{
    struct gzw g;

    gzw_begin(&g);
    gzw_put(&g, p, n);
    return gzw_end(&g);
}

/* A ustar header for name, of type type, that says its data is size bytes. */
static void tar_header(struct buf *t, const char *name, char type, unsigned long long size)
{
    char h[512];
    unsigned sum = 0;

    memset(h, 0, sizeof h);
    memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
    memcpy(h + 100, "0000644", 8);
    memcpy(h + 108, "0000000", 8);
    memcpy(h + 116, "0000000", 8);
    {
        char digits[32]; /* 11 octal digits hold sizes below 8 GiB */

        ck_assert_uint_lt(size, 1ull << 33);
        snprintf(digits, sizeof digits, "%011llo", size);
        memcpy(h + 124, digits, 12);
    }
    memcpy(h + 136, "14540000000", 12);
    memset(h + 148, ' ', 8);
    h[156] = type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    for (size_t i = 0; i < sizeof h; i++)
        sum += (unsigned char)h[i];
    snprintf(h + 148, 8, "%06o", sum);
    buf_append(t, h, sizeof h);
}

/* A file entry: header, data, padding to 512. */
static void tar_file(struct buf *t, const char *name, const char *text)
{
    static const char zero[512];
    size_t n = strlen(text);

    tar_header(t, name, '0', n);
    buf_append(t, text, n);
    if (n % 512)
        buf_append(t, zero, 512 - n % 512);
}

static void tar_end(struct buf *t)
{
    static const char zero[1024];

    buf_append(t, zero, sizeof zero);
}

/* ---- assertions ---- */

static void assert_refused(const struct pkg *p, const struct plugin_files_limits *lim,
                           const char *expect)
{
    struct plugin_files f = {(struct plugin_file *)1, 99}; /* must be emptied */
    struct err e;

    err_clear(&e);
    ck_assert_int_eq(plugin_files_from_targz(p->data, p->len, lim, &f, &e), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    ck_assert_ptr_null(f.v);
    ck_assert_uint_eq(f.n, 0);
    ck_assert_msg(strstr(e.message, expect) != NULL, "message \"%s\" lacks \"%s\"", e.message,
                  expect);
}

static void assert_read(const struct pkg *p, const struct plugin_files_limits *lim,
                        struct plugin_files *f)
{
    struct err e;

    err_clear(&e);
    ck_assert_msg(plugin_files_from_targz(p->data, p->len, lim, f, &e) == 0, "refused: %s",
                  e.message);
}

static void assert_file(const struct plugin_files *f, const char *path, const char *text)
{
    const struct plugin_file *pf = plugin_files_get(f, path);

    ck_assert_msg(pf != NULL, "%s is missing", path);
    ck_assert_uint_eq(pf->len, strlen(text));
    ck_assert_int_eq(memcmp(pf->data, text, pf->len), 0);
    ck_assert_int_eq(pf->data[pf->len], '\0');
}

/* The paths of f joined by spaces, into out. */
static const char *paths(const struct plugin_files *f, char *out, size_t size)
{
    size_t n = 0;

    out[0] = '\0';
    for (size_t i = 0; i < f->n && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? " " : "", f->v[i].path);
    return out;
}

static long max_rss_kib(void)
{
    struct rusage ru;

    ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

/* ---- good packages ---- */

#define GOOD_PATHS                                                                       \
    "README.md locale/en.json locale/lv.json manifest.json migrations/001_init.sql "     \
    "migrations/002_more.sql plugin.lua tests/empty.lua tests/unit/a.lua"

/* The files of a typical plugin, under prefix. */
static void w_good(struct writer *w, const char *prefix)
{
    static const char *const files[][2] = {
        {"plugin.lua", PLUGIN},
        {"migrations/002_more.sql", "ALTER TABLE p_demo_x ADD COLUMN y;\n"},
        {"migrations/001_init.sql", "CREATE TABLE p_demo_x (id INTEGER);\n"},
        {"locale/lv.json", "{\"hello\": \"Sveiki\"}"},
        {"locale/en.json", "{\"hello\": \"Hello\"}"},
        {"tests/unit/a.lua", "assert(true)\n"},
        {"tests/empty.lua", ""},
        {"README.md", "# Demo\n"},
        {"manifest.json", MANIFEST},
    };
    char path[128];

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s%s", prefix, files[i][0]);
        w_file(w, path, files[i][1]);
    }
}

static void assert_good(const struct plugin_files *f)
{
    char got[512];

    ck_assert_str_eq(paths(f, got, sizeof got), GOOD_PATHS);
    assert_file(f, "manifest.json", MANIFEST);
    assert_file(f, "plugin.lua", PLUGIN);
    assert_file(f, "migrations/001_init.sql", "CREATE TABLE p_demo_x (id INTEGER);\n");
    assert_file(f, "tests/empty.lua", "");
    ck_assert_ptr_null(plugin_files_get(f, "migrations"));
    ck_assert_ptr_null(plugin_files_get(f, "plugin"));
    ck_assert_ptr_null(plugin_files_get(f, "plugin.lua/"));
    ck_assert_ptr_null(plugin_files_get(f, "zzz"));
}

START_TEST(test_good_at_root)
{
    struct writer w;
    struct pkg p;
    struct plugin_files f;

    w_begin(&w, W_PAX, F_GZIP);
    w_entry(&w, "migrations/", AE_IFDIR, NULL, 0, NULL);
    w_good(&w, "");
    p = w_end(&w);
    assert_read(&p, NULL, &f);
    assert_good(&f);
    plugin_files_free(&f);
    ck_assert_ptr_null(f.v);
    plugin_files_free(&f); /* twice is harmless */
    pkg_free(&p);
}
END_TEST

START_TEST(test_good_under_top_folder)
{
    static const enum wfmt fmts[] = {W_PAX, W_USTAR, W_GNU};

    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        struct writer w;
        struct pkg p;
        struct plugin_files f;

        w_begin(&w, fmts[i], F_GZIP);
        w_entry(&w, "demo-plugin/", AE_IFDIR, NULL, 0, NULL);
        w_entry(&w, "demo-plugin/locale", AE_IFDIR, NULL, 0, NULL);
        w_good(&w, "demo-plugin/");
        p = w_end(&w);
        assert_read(&p, NULL, &f);
        assert_good(&f);
        plugin_files_free(&f);
        pkg_free(&p);
    }
}
END_TEST

/* What `tar -C dir .` writes: "./" and "./name". */
START_TEST(test_good_dot_slash)
{
    struct writer w;
    struct pkg p;
    struct plugin_files f;

    w_begin(&w, W_USTAR, F_GZIP);
    w_entry(&w, "./", AE_IFDIR, NULL, 0, NULL);
    w_good(&w, "./");
    p = w_end(&w);
    assert_read(&p, NULL, &f);
    assert_good(&f);
    plugin_files_free(&f);
    pkg_free(&p);
}
END_TEST

/* The same files in any order and layout give the same result. */
START_TEST(test_deterministic)
{
    struct writer w;
    struct pkg a, b;
    struct plugin_files fa, fb;

    w_begin(&w, W_PAX, F_GZIP);
    w_file(&w, "z.txt", "z");
    w_file(&w, "a.txt", "a");
    w_file(&w, "A.txt", "A");
    w_file(&w, "a-b.txt", "-");
    w_file(&w, "a/b.txt", "/");
    w_required(&w, "");
    a = w_end(&w);
    w_begin(&w, W_GNU, F_GZIP);
    w_required(&w, "p/");
    w_file(&w, "p/a/b.txt", "/");
    w_file(&w, "p/a-b.txt", "-");
    w_file(&w, "p/A.txt", "A");
    w_file(&w, "p/a.txt", "a");
    w_file(&w, "p/z.txt", "z");
    b = w_end(&w);
    assert_read(&a, NULL, &fa);
    assert_read(&b, NULL, &fb);
    ck_assert_uint_eq(fa.n, 7);
    ck_assert_uint_eq(fb.n, fa.n);
    for (size_t i = 0; i < fa.n; i++) {
        ck_assert_str_eq(fa.v[i].path, fb.v[i].path);
        ck_assert_uint_eq(fa.v[i].len, fb.v[i].len);
        ck_assert_int_eq(memcmp(fa.v[i].data, fb.v[i].data, fa.v[i].len), 0);
        if (i > 0) /* bytewise: "A" < "a" < "a-b" < "a.txt" < "a/b" */
            ck_assert_int_lt(strcmp(fa.v[i - 1].path, fa.v[i].path), 0);
    }
    ck_assert_str_eq(fa.v[0].path, "A.txt");
    ck_assert_str_eq(fa.v[1].path, "a-b.txt");
    ck_assert_str_eq(fa.v[2].path, "a.txt");
    ck_assert_str_eq(fa.v[3].path, "a/b.txt");
    plugin_files_free(&fa);
    plugin_files_free(&fb);
    pkg_free(&a);
    pkg_free(&b);
}
END_TEST

/* ---- paths ---- */

START_TEST(test_bad_paths)
{
    static const char *const cases[][2] = {
        {"../x", "\"..\""},
        {"/etc/x", "absolute"},
        {"a/../../x", "\"..\""},
        {"a/./b.txt", "\".\""},
        {"./../x", "\"..\""},
        {"././x", "\".\""},
        {"a\\b.lua", "backslash"},
        {"..\\x", "backslash"},
        {"a//b.txt", "empty path component"},
        {"x y.lua", "only A-Z"},
        {"a:b", "only A-Z"},
        {"a*b", "only A-Z"},
        {"a/b/c/d/e.lua", "too deeply"},
        {"..", "\"..\""},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pkg p = pkg_with(cases[i][0], AE_IFREG, NULL);

        assert_refused(&p, NULL, cases[i][1]);
        pkg_free(&p);
    }
}
END_TEST

START_TEST(test_bad_folder_paths)
{
    static const char *const cases[] = {"../", "/etc/", "a/../../", "a b/", "a/b/c/d/e/"};

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pkg p = pkg_with(cases[i], AE_IFDIR, NULL);

        assert_refused(&p, NULL, "plugin package entry");
        pkg_free(&p);
    }
}
END_TEST

/* A name with raw UTF-8 bytes and one with a control byte, as a tar
 * writer that does not care would store them. */
START_TEST(test_bad_bytes_in_names)
{
    static const char *const names[] = {"\xc3\xa9.lua", "a\x01.lua", "a\x7f.lua"};

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct buf t = BUF_INIT;
        struct pkg p;

        tar_file(&t, "manifest.json", MANIFEST);
        tar_file(&t, "plugin.lua", PLUGIN);
        tar_file(&t, names[i], "x");
        tar_end(&t);
        p = gzip_bytes(t.data, t.len);
        assert_refused(&p, NULL, "plugin package");
        pkg_free(&p);
        buf_free(&t);
    }
}
END_TEST

START_TEST(test_path_length_and_depth)
{
    char name[PLUGIN_FILES_MAX_PATH_BYTES + 2];
    struct plugin_files_limits lim = {0, 0, 0, 12, 0};
    struct plugin_files f;
    struct pkg p;

    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    p = pkg_with(name, AE_IFREG, NULL); /* 201 bytes */
    assert_refused(&p, NULL, "longer than 200 bytes");
    pkg_free(&p);
    name[PLUGIN_FILES_MAX_PATH_BYTES] = '\0'; /* 200 bytes */
    p = pkg_with(name, AE_IFREG, NULL);
    assert_read(&p, NULL, &f);
    ck_assert_uint_eq(f.n, 3);
    plugin_files_free(&f);
    pkg_free(&p);

    p = pkg_with("a/b/c/d.lua", AE_IFREG, NULL); /* 4 deep: the most */
    assert_read(&p, NULL, &f);
    ck_assert_ptr_nonnull(plugin_files_get(&f, "a/b/c/d.lua"));
    plugin_files_free(&f);
    assert_refused(&p, &lim, "\"manifest.json\": a path longer than 12 bytes"); /* the caller's */
    pkg_free(&p);
}
END_TEST

/* Under a top folder, the depth counts from inside it. */
START_TEST(test_depth_under_top_folder)
{
    struct writer w;
    struct pkg p;
    struct plugin_files f;

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "top/");
    w_file(&w, "top/a/b/c/d.lua", "x");
    p = w_end(&w);
    assert_read(&p, NULL, &f);
    ck_assert_ptr_nonnull(plugin_files_get(&f, "a/b/c/d.lua"));
    plugin_files_free(&f);
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "top/");
    w_file(&w, "top/a/b/c/d/e.lua", "x");
    p = w_end(&w);
    assert_refused(&p, NULL, "too deeply");
    pkg_free(&p);
}
END_TEST

/* ---- entry types ---- */

START_TEST(test_links_and_special_files)
{
    struct pkg p;
    struct writer w;

    p = pkg_with("link.lua", AE_IFLNK, "plugin.lua");
    assert_refused(&p, NULL, "symbolic link");
    pkg_free(&p);
    p = pkg_with("up", AE_IFLNK, "../../etc");
    assert_refused(&p, NULL, "\"up\": a symbolic link");
    pkg_free(&p);
    p = pkg_with("null", AE_IFCHR, NULL);
    assert_refused(&p, NULL, "\"null\": a device");
    pkg_free(&p);
    p = pkg_with("disk", AE_IFBLK, NULL);
    assert_refused(&p, NULL, "a device");
    pkg_free(&p);
    p = pkg_with("pipe", AE_IFIFO, NULL);
    assert_refused(&p, NULL, "\"pipe\": a FIFO");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    w_hardlink(&w, "again.lua", "plugin.lua");
    p = w_end(&w);
    assert_refused(&p, NULL, "\"again.lua\": a hard link");
    pkg_free(&p);
    w_begin(&w, W_GNU, F_GZIP);
    w_required(&w, "");
    w_hardlink(&w, "passwd", "/etc/passwd");
    p = w_end(&w);
    assert_refused(&p, NULL, "hard link");
    pkg_free(&p);
}
END_TEST

/* A GNU sparse file (its holes would be made of nothing read). */
START_TEST(test_sparse_file)
{
    struct writer w;
    struct archive_entry *en;
    struct pkg p;

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    en = archive_entry_new();
    archive_entry_set_pathname(en, "holes.bin");
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_perm(en, 0644);
    archive_entry_set_size(en, 1048576);
    archive_entry_sparse_add_entry(en, 0, 512);
    archive_entry_sparse_add_entry(en, 1048064, 512);
    ck_assert_int_eq(archive_write_header(w.a, en), ARCHIVE_OK);
    {
        char data[1024];

        memset(data, 'x', sizeof data);
        ck_assert_int_eq(archive_write_data(w.a, data, sizeof data), 1024);
    }
    archive_entry_free(en);
    p = w_end(&w);
    assert_refused(&p, NULL, "sparse");
    pkg_free(&p);
}
END_TEST

/* ---- duplicates and layout ---- */

START_TEST(test_duplicates)
{
    struct writer w;
    struct pkg p;

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    w_file(&w, "manifest.json", "{\"name\": \"evil\"}");
    p = w_end(&w);
    assert_refused(&p, NULL, "\"manifest.json\": the path appears twice");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "pkg/");
    w_file(&w, "pkg/locale/lv.json", "{}");
    w_file(&w, "pkg/locale/lv.json", "{}");
    p = w_end(&w);
    assert_refused(&p, NULL, "\"locale/lv.json\": the path appears twice");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP); /* the same path once with "./" */
    w_required(&w, "");
    w_file(&w, "./plugin.lua", "os.exit()");
    p = w_end(&w);
    assert_refused(&p, NULL, "appears twice");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP); /* case differs: two files */
    w_required(&w, "");
    w_file(&w, "README.md", "a");
    w_file(&w, "readme.md", "b");
    p = w_end(&w);
    {
        struct plugin_files f;

        assert_read(&p, NULL, &f);
        ck_assert_uint_eq(f.n, 4);
        plugin_files_free(&f);
    }
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP); /* "docs" a file and a folder */
    w_required(&w, "");
    w_file(&w, "docs", "a file");
    w_file(&w, "docs/a.md", "in a folder");
    p = w_end(&w);
    assert_refused(&p, NULL, "\"docs/a.md\": its folder is also a file");
    pkg_free(&p);
}
END_TEST

START_TEST(test_mixed_top_folders)
{
    struct writer w;
    struct pkg p;

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "a/");
    w_file(&w, "b/extra.lua", "x");
    p = w_end(&w);
    assert_refused(&p, NULL, "more than one top folder");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP);
    w_entry(&w, "other/", AE_IFDIR, NULL, 0, NULL);
    w_required(&w, "pkg/");
    p = w_end(&w);
    assert_refused(&p, NULL, "more than one top folder");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP); /* a file at the root and the rest in a folder */
    w_required(&w, "pkg/");
    w_file(&w, "README.md", "x");
    p = w_end(&w);
    assert_refused(&p, NULL, "no manifest.json at its root");
    pkg_free(&p);
}
END_TEST

START_TEST(test_required_files)
{
    struct writer w;
    struct pkg p;

    w_begin(&w, W_PAX, F_GZIP);
    w_file(&w, "plugin.lua", PLUGIN);
    w_file(&w, "README.md", "x");
    p = w_end(&w);
    assert_refused(&p, NULL, "no manifest.json at its root");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP);
    w_file(&w, "manifest.json", MANIFEST);
    w_file(&w, "lib/plugin.lua", PLUGIN);
    p = w_end(&w);
    assert_refused(&p, NULL, "no plugin.lua at its root");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP); /* under one folder, but two deep */
    w_required(&w, "a/b/");
    p = w_end(&w);
    assert_refused(&p, NULL, "no manifest.json at its root");
    pkg_free(&p);
}
END_TEST

START_TEST(test_empty_archives)
{
    struct writer w;
    struct pkg p;

    w_begin(&w, W_PAX, F_GZIP);
    p = w_end(&w);
    assert_refused(&p, NULL, "holds no files");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP);
    w_entry(&w, "pkg/", AE_IFDIR, NULL, 0, NULL);
    w_entry(&w, "pkg/migrations/", AE_IFDIR, NULL, 0, NULL);
    p = w_end(&w);
    assert_refused(&p, NULL, "holds no files");
    pkg_free(&p);

    p = gzip_bytes("", 0); /* gzip of nothing: no tar at all */
    assert_refused(&p, NULL, "the plugin package");
    pkg_free(&p);

    p.data = NULL;
    p.len = 0;
    assert_refused(&p, NULL, "empty");
}
END_TEST

/* ---- caps ---- */

START_TEST(test_entry_cap)
{
    struct writer w;
    struct pkg p;
    struct plugin_files f;
    struct plugin_files_limits lim = {4, 0, 0, 0, 0};
    char name[32];

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    for (int i = 0; i < PLUGIN_FILES_MAX_ENTRIES - 3; i++) {
        snprintf(name, sizeof name, "f%03d.txt", i);
        w_file(&w, name, "x");
    }
    w_entry(&w, "dir/", AE_IFDIR, NULL, 0, NULL); /* folders count too */
    p = w_end(&w);
    assert_read(&p, NULL, &f); /* 256 entries */
    ck_assert_uint_eq(f.n, PLUGIN_FILES_MAX_ENTRIES - 1);
    plugin_files_free(&f);
    assert_refused(&p, &lim, "more than 4 entries");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    for (int i = 0; i < PLUGIN_FILES_MAX_ENTRIES - 1; i++) {
        snprintf(name, sizeof name, "f%03d.txt", i);
        w_file(&w, name, "x");
    }
    p = w_end(&w);
    assert_refused(&p, NULL, "more than 256 entries");
    pkg_free(&p);
}
END_TEST

START_TEST(test_file_cap)
{
    struct writer w;
    struct pkg p;
    struct plugin_files f;
    struct plugin_files_limits lim = {0, 100, 0, 0, 0};

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    w_zeros(&w, "big.bin", PLUGIN_FILES_MAX_FILE_BYTES); /* exactly the cap */
    p = w_end(&w);
    assert_read(&p, NULL, &f);
    ck_assert_uint_eq(plugin_files_get(&f, "big.bin")->len, PLUGIN_FILES_MAX_FILE_BYTES);
    plugin_files_free(&f);
    assert_refused(&p, &lim, "\"big.bin\": a file may hold at most 100 bytes");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    w_zeros(&w, "big.bin", PLUGIN_FILES_MAX_FILE_BYTES + 1);
    p = w_end(&w);
    assert_refused(&p, NULL, "\"big.bin\": a file may hold at most 1048576 bytes");
    pkg_free(&p);
}
END_TEST

START_TEST(test_total_and_archive_caps)
{
    struct writer w;
    struct pkg p;
    struct plugin_files f;
    size_t need = sizeof MANIFEST - 1 + sizeof PLUGIN - 1 + 100;
    struct plugin_files_limits exact = {0, 0, need, 0, 0}, under = {0, 0, need - 1, 0, 0};
    struct plugin_files_limits small = {0, 0, 0, 0, 0};

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    w_zeros(&w, "a.bin", 60);
    w_zeros(&w, "b.bin", 40);
    p = w_end(&w);
    assert_read(&p, &exact, &f);
    plugin_files_free(&f);
    assert_refused(&p, &under, "the package's files hold more than");

    small.max_archive_bytes = p.len;
    assert_read(&p, &small, &f);
    plugin_files_free(&f);
    small.max_archive_bytes = p.len - 1;
    assert_refused(&p, &small, "larger than");
    pkg_free(&p);

    /* Nine files of 1 MiB each: every one allowed, together too many. */
    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    for (int i = 0; i < 9; i++) {
        char name[16];

        snprintf(name, sizeof name, "z%d.bin", i);
        w_zeros(&w, name, PLUGIN_FILES_MAX_FILE_BYTES);
    }
    p = w_end(&w);
    assert_refused(&p, NULL, "the package's files hold more than 8388608 bytes");
    pkg_free(&p);
}
END_TEST

/* 100 MiB of zeros in one file, about 100 KiB gzipped: refused at the file
 * cap, without the reader's memory growing anywhere near 100 MiB. */
START_TEST(test_gzip_bomb_file)
{
    struct writer w;
    struct pkg p;
    long before;

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    w_zeros(&w, "bomb.bin", 100 * MIB);
    p = w_end(&w);
    ck_assert_uint_lt(p.len, 1 * MIB);
    before = max_rss_kib();
    assert_refused(&p, NULL, "\"bomb.bin\": a file may hold at most 1048576 bytes");
    ck_assert_int_lt(max_rss_kib() - before, 16 * 1024);
    pkg_free(&p);
}
END_TEST

/* The same bomb with no cap on one file: the cap on all files stops it. */
START_TEST(test_gzip_bomb_total)
{
    struct writer w;
    struct pkg p;
    struct plugin_files_limits lim = {0, 1024 * MIB, 0, 0, 0};
    long before;

    w_begin(&w, W_PAX, F_GZIP);
    w_required(&w, "");
    w_zeros(&w, "bomb.bin", 100 * MIB);
    p = w_end(&w);
    before = max_rss_kib();
    assert_refused(&p, &lim, "the package's files hold more than 8388608 bytes");
    ck_assert_int_lt(max_rss_kib() - before, 32 * 1024);
    pkg_free(&p);
}
END_TEST

/* A bomb in no file: a folder whose header claims 100 MiB, and 100 MiB of
 * zeros.  Whether the tar reader skips them as the folder's data or takes
 * them for the end of the archive, the tar stream is cut at the caps. */
START_TEST(test_gzip_bomb_outside_files)
{
    struct buf t = BUF_INIT;
    struct gzw g;
    struct pkg p;
    long before;

    tar_file(&t, "manifest.json", MANIFEST);
    tar_file(&t, "plugin.lua", PLUGIN);
    tar_header(&t, "hollow/", '5', 100ull * MIB);
    gzw_begin(&g);
    gzw_put(&g, t.data, t.len);
    gzw_zeros(&g, 100 * MIB);
    p = gzw_end(&g);
    ck_assert_uint_lt(p.len, 1 * MIB);
    before = max_rss_kib();
    assert_refused(&p, NULL, "longer than the package's limits allow");
    ck_assert_int_lt(max_rss_kib() - before, 16 * 1024);
    pkg_free(&p);
    buf_free(&t);
}
END_TEST

/* A header that says 5 bytes, followed by 600: the rest is not a header. */
START_TEST(test_header_size_lies)
{
    struct buf t = BUF_INIT;
    char more[600];
    struct pkg p;

    memset(more, 'x', sizeof more);
    tar_header(&t, "manifest.json", '0', 5);
    buf_append(&t, more, sizeof more);
    buf_append(&t, more, 1024 - sizeof more); /* back to a whole block */
    tar_file(&t, "plugin.lua", PLUGIN);
    tar_end(&t);
    p = gzip_bytes(t.data, t.len);
    assert_refused(&p, NULL, "not a readable .tar.gz");
    pkg_free(&p);
    buf_free(&t);

    /* The same, hand-made but honest, is read: the builder is right. */
    tar_file(&t, "manifest.json", MANIFEST);
    tar_file(&t, "plugin.lua", PLUGIN);
    tar_end(&t);
    p = gzip_bytes(t.data, t.len);
    {
        struct plugin_files f;

        assert_read(&p, NULL, &f);
        assert_file(&f, "manifest.json", MANIFEST);
        plugin_files_free(&f);
    }
    pkg_free(&p);
    buf_free(&t);
}
END_TEST

/* A header claiming more than the data there is: the archive ends first. */
START_TEST(test_header_size_short)
{
    struct buf t = BUF_INIT;
    struct pkg p;

    tar_file(&t, "manifest.json", MANIFEST);
    tar_header(&t, "plugin.lua", '0', 4096);
    buf_append(&t, PLUGIN, sizeof PLUGIN - 1);
    p = gzip_bytes(t.data, t.len);
    assert_refused(&p, NULL, "not a readable .tar.gz");
    pkg_free(&p);
    buf_free(&t);
}
END_TEST

/* ---- not a .tar.gz, or a damaged one ---- */

static struct pkg good_package(void)
{
    struct writer w;

    w_begin(&w, W_PAX, F_GZIP);
    w_good(&w, "");
    return w_end(&w);
}

START_TEST(test_truncated)
{
    struct pkg p = good_package();
    size_t len = p.len;
    size_t cuts[] = {len / 2, len - 8, len - 1, 10, 2};

    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        p.len = cuts[i];
        assert_refused(&p, NULL, "not a readable .tar.gz");
    }
    p.len = len;
    p.data[len / 2] ^= 0x55; /* damaged inside: by zlib, the CRC or the tar reader */
    assert_refused(&p, NULL, "the plugin package");
    pkg_free(&p);
}
END_TEST

START_TEST(test_trailing_bytes)
{
    struct pkg p = good_package();
    unsigned char *more = realloc(p.data, p.len + 1024);
    struct plugin_files f;

    ck_assert_ptr_nonnull(more);
    p.data = more;
    memset(p.data + p.len, 0, 1024); /* padding to a block, as writers do */
    p.len += 1024;
    assert_read(&p, NULL, &f);
    assert_good(&f);
    plugin_files_free(&f);
    p.data[p.len - 100] = 'x'; /* but not anything else */
    assert_refused(&p, NULL, "not gzip follow");
    pkg_free(&p);
}
END_TEST

START_TEST(test_foreign_formats)
{
    struct writer w;
    struct pkg p, inner;
    unsigned char noise[4096];
    unsigned x = 12345;

    w_begin(&w, W_ZIP, F_NONE);
    w_good(&w, "");
    p = w_end(&w);
    assert_refused(&p, NULL, "not a .tar.gz");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_NONE); /* a tar, not compressed */
    w_good(&w, "");
    p = w_end(&w);
    assert_refused(&p, NULL, "not a .tar.gz");
    inner = p;
    w_begin(&w, W_ZIP, F_NONE); /* a zip, gzipped */
    w_good(&w, "");
    p = w_end(&w);
    {
        struct pkg z = gzip_bytes(p.data, p.len);

        assert_refused(&z, NULL, "not a readable .tar.gz");
        pkg_free(&z);
    }
    pkg_free(&p);
    pkg_free(&inner);

    p = good_package(); /* a .tar.gz gzipped again */
    inner = gzip_bytes(p.data, p.len);
    assert_refused(&inner, NULL, "not a readable .tar.gz");
    pkg_free(&inner);
    pkg_free(&p);

    p = gzip_bytes(MANIFEST, sizeof MANIFEST - 1); /* a bare gzip */
    assert_refused(&p, NULL, "not a readable .tar.gz");
    pkg_free(&p);

    w_begin(&w, W_PAX, F_XZ);
    w_good(&w, "");
    p = w_end(&w);
    assert_refused(&p, NULL, "not a .tar.gz");
    pkg_free(&p);

    for (size_t i = 0; i < sizeof noise; i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (unsigned char)(x >> 16);
    }
    p.data = noise;
    p.len = sizeof noise;
    assert_refused(&p, NULL, "not a .tar.gz");
    noise[0] = 0x1f; /* noise behind a gzip magic */
    noise[1] = 0x8b;
    assert_refused(&p, NULL, "not a readable .tar.gz");
    noise[2] = 8; /* and behind a whole gzip header */
    noise[3] = 0;
    assert_refused(&p, NULL, "not a readable .tar.gz");
}
END_TEST

/* ---- folders on disk ---- */

static char tmp_base[512];

/* Unchecked fixture: the runner's process makes and removes the base. */
static void tmp_base_setup(void)
{
    const char *tmp = getenv("TMPDIR");

    if (tmp == NULL || tmp[0] == '\0')
        tmp = P_tmpdir;
    snprintf(tmp_base, sizeof tmp_base, "%s/saiets-pf-XXXXXX", tmp);
    if (mkdtemp(tmp_base) == NULL)
        tmp_base[0] = '\0';
}

static void remove_tree_at(int at, const char *name)
{
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d;
    struct dirent *de;

    if (fd >= 0 && (d = fdopendir(fd)) != NULL) {
        while ((de = readdir(d)) != NULL)
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                remove_tree_at(dirfd(d), de->d_name);
        closedir(d);
        unlinkat(at, name, AT_REMOVEDIR);
        return;
    }
    if (fd >= 0)
        close(fd);
    unlinkat(at, name, 0);
}

static void tmp_base_teardown(void)
{
    if (tmp_base[0] != '\0')
        remove_tree_at(AT_FDCWD, tmp_base);
    tmp_base[0] = '\0';
}

/* A fresh folder for one test, in out. */
static void tmp_dir(char *out, size_t size)
{
    ck_assert_msg(tmp_base[0] != '\0', "no temporary base folder");
    ck_assert_int_lt(snprintf(out, size, "%s/t-XXXXXX", tmp_base), (int)size);
    ck_assert_ptr_nonnull(mkdtemp(out));
}

/* Writes text to dir/rel, making the folders on the way. */
static void put(const char *dir, const char *rel, const char *text)
{
    char path[1024];
    FILE *fp;

    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *s = strchr(path + strlen(dir) + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
        *s = '\0';
        ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
        *s = '/';
    }
    fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), fp), strlen(text));
    ck_assert_int_eq(fclose(fp), 0);
}

static void put_good(const char *dir)
{
    put(dir, "manifest.json", MANIFEST);
    put(dir, "plugin.lua", PLUGIN);
    put(dir, "migrations/001_init.sql", "CREATE TABLE p_demo_x (id INTEGER);\n");
    put(dir, "migrations/002_more.sql", "ALTER TABLE p_demo_x ADD COLUMN y;\n");
    put(dir, "locale/lv.json", "{\"hello\": \"Sveiki\"}");
    put(dir, "locale/en.json", "{\"hello\": \"Hello\"}");
    put(dir, "tests/unit/a.lua", "assert(true)\n");
    put(dir, "tests/empty.lua", "");
    put(dir, "README.md", "# Demo\n");
}

static void dir_refused(const char *dir, const struct plugin_files_limits *lim,
                        const char *expect)
{
    struct plugin_files f = {(struct plugin_file *)1, 99};
    struct err e;

    err_clear(&e);
    ck_assert_int_eq(plugin_files_from_dir(dir, lim, &f, &e), -1);
    ck_assert_int_eq(e.code, ERR_INVALID_PLUGIN);
    ck_assert_ptr_null(f.v);
    ck_assert_uint_eq(f.n, 0);
    ck_assert_msg(strstr(e.message, expect) != NULL, "message \"%s\" lacks \"%s\"", e.message,
                  expect);
}

static void dir_read(const char *dir, const struct plugin_files_limits *lim,
                     struct plugin_files *f)
{
    struct err e;

    err_clear(&e);
    ck_assert_msg(plugin_files_from_dir(dir, lim, f, &e) == 0, "refused: %s", e.message);
}

START_TEST(test_dir_good)
{
    char dir[600], sub[700];
    struct plugin_files f, g;
    struct pkg p = good_package();

    tmp_dir(dir, sizeof dir);
    put_good(dir);
    dir_read(dir, NULL, &f);
    assert_good(&f);
    assert_read(&p, NULL, &g); /* the same as the .tar.gz of the same files */
    ck_assert_uint_eq(f.n, g.n);
    for (size_t i = 0; i < f.n; i++) {
        ck_assert_str_eq(f.v[i].path, g.v[i].path);
        ck_assert_uint_eq(f.v[i].len, g.v[i].len);
        ck_assert_int_eq(memcmp(f.v[i].data, g.v[i].data, f.v[i].len), 0);
    }
    plugin_files_free(&f);
    plugin_files_free(&g);
    pkg_free(&p);

    tmp_dir(dir, sizeof dir); /* a folder holding the plugin's folder */
    snprintf(sub, sizeof sub, "%s/demo", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    put_good(sub);
    dir_read(dir, NULL, &f);
    assert_good(&f);
    plugin_files_free(&f);
}
END_TEST

START_TEST(test_dir_links)
{
    char dir[600], path[700], other[700];

    tmp_dir(dir, sizeof dir);
    put_good(dir);
    snprintf(path, sizeof path, "%s/locale/lv-link.json", dir);
    ck_assert_int_eq(symlink("lv.json", path), 0);
    dir_refused(dir, NULL, "\"locale/lv-link.json\": a symbolic link");
    ck_assert_int_eq(unlink(path), 0);

    snprintf(path, sizeof path, "%s/etc", dir); /* a link to a folder */
    ck_assert_int_eq(symlink("/", path), 0);
    dir_refused(dir, NULL, "\"etc\": a symbolic link");
    ck_assert_int_eq(unlink(path), 0);

    snprintf(path, sizeof path, "%s/dangling", dir);
    ck_assert_int_eq(symlink("nowhere", path), 0);
    dir_refused(dir, NULL, "\"dangling\": a symbolic link");
    ck_assert_int_eq(unlink(path), 0);

    snprintf(other, sizeof other, "%s-link", dir); /* the folder itself */
    ck_assert_int_eq(symlink(dir, other), 0);
    dir_refused(other, NULL, "a symbolic link");
    ck_assert_int_eq(unlink(other), 0);

    snprintf(path, sizeof path, "%s/plugin.lua", dir); /* refused as in a .tar.gz */
    snprintf(other, sizeof other, "%s/again.lua", dir);
    ck_assert_int_eq(link(path, other), 0);
    dir_refused(dir, NULL, "a hard link");
    ck_assert_int_eq(unlink(other), 0);
    {
        struct plugin_files f;

        dir_read(dir, NULL, &f);
        assert_good(&f);
        plugin_files_free(&f);
    }
}
END_TEST

START_TEST(test_dir_special_files)
{
    char dir[600], path[700];
    struct sockaddr_un sa;
    int cwd, s;

    tmp_dir(dir, sizeof dir);
    put_good(dir);
    snprintf(path, sizeof path, "%s/tests/pipe", dir);
    ck_assert_int_eq(mkfifo(path, 0644), 0);
    dir_refused(dir, NULL, "\"tests/pipe\": a FIFO");
    ck_assert_int_eq(unlink(path), 0);

    /* A socket, bound by a relative name (paths of sockets are short). */
    cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert_int_ge(cwd, 0);
    ck_assert_int_eq(chdir(dir), 0);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(s, 0);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, "sock", 5);
    ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(fchdir(cwd), 0);
    close(cwd);
    dir_refused(dir, NULL, "\"sock\": a socket");
    close(s);
}
END_TEST

START_TEST(test_dir_rules_and_caps)
{
    char dir[600], path[700];
    struct plugin_files_limits few = {5, 0, 0, 0, 0}, small = {0, 8, 0, 0, 0};
    struct plugin_files_limits total = {0, 0, 60, 0, 0};
    struct plugin_files f;

    tmp_dir(dir, sizeof dir);
    put_good(dir);
    dir_read(dir, NULL, &f); /* the folder is fine as it is */
    plugin_files_free(&f);
    dir_refused(dir, &few, "more than 5 entries");
    dir_refused(dir, &small, "a file may hold at most 8 bytes");
    dir_refused(dir, &total, "the package's files hold more than 60 bytes");

    put(dir, "a/b/c/d.lua", "x"); /* 4 deep: fine */
    dir_read(dir, NULL, &f);
    ck_assert_ptr_nonnull(plugin_files_get(&f, "a/b/c/d.lua"));
    plugin_files_free(&f);
    put(dir, "a/b/c/d/e.lua", "x");
    dir_refused(dir, NULL, "too deeply");
    snprintf(path, sizeof path, "%s/a/b/c/d/e.lua", dir);
    ck_assert_int_eq(unlink(path), 0);
    snprintf(path, sizeof path, "%s/a/b/c/d", dir);
    ck_assert_int_eq(rmdir(path), 0);

    put(dir, "bad name.lua", "x");
    dir_refused(dir, NULL, "\"bad name.lua\": a path may hold only");
    snprintf(path, sizeof path, "%s/bad name.lua", dir);
    ck_assert_int_eq(unlink(path), 0);

    snprintf(path, sizeof path, "%s/manifest.json", dir);
    ck_assert_int_eq(unlink(path), 0);
    dir_refused(dir, NULL, "no manifest.json at its root");

    dir_refused(path, NULL, "plugin folder"); /* gone */
    snprintf(path, sizeof path, "%s/plugin.lua", dir);
    dir_refused(path, NULL, "plugin folder"); /* a file, not a folder */
}
END_TEST

START_TEST(test_dir_empty)
{
    char dir[600];

    tmp_dir(dir, sizeof dir);
    dir_refused(dir, NULL, "holds no files");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("plugin_files");
    TCase *tar = tcase_create("targz");
    TCase *caps = tcase_create("caps");
    TCase *dir = tcase_create("dir");

    tcase_add_test(tar, test_good_at_root);
    tcase_add_test(tar, test_good_under_top_folder);
    tcase_add_test(tar, test_good_dot_slash);
    tcase_add_test(tar, test_deterministic);
    tcase_add_test(tar, test_bad_paths);
    tcase_add_test(tar, test_bad_folder_paths);
    tcase_add_test(tar, test_bad_bytes_in_names);
    tcase_add_test(tar, test_path_length_and_depth);
    tcase_add_test(tar, test_depth_under_top_folder);
    tcase_add_test(tar, test_links_and_special_files);
    tcase_add_test(tar, test_sparse_file);
    tcase_add_test(tar, test_duplicates);
    tcase_add_test(tar, test_mixed_top_folders);
    tcase_add_test(tar, test_required_files);
    tcase_add_test(tar, test_empty_archives);
    tcase_add_test(tar, test_header_size_lies);
    tcase_add_test(tar, test_header_size_short);
    tcase_add_test(tar, test_truncated);
    tcase_add_test(tar, test_trailing_bytes);
    tcase_add_test(tar, test_foreign_formats);
    suite_add_tcase(s, tar);

    tcase_add_test(caps, test_entry_cap);
    tcase_add_test(caps, test_file_cap);
    tcase_add_test(caps, test_total_and_archive_caps);
    tcase_add_test(caps, test_gzip_bomb_file);
    tcase_add_test(caps, test_gzip_bomb_total);
    tcase_add_test(caps, test_gzip_bomb_outside_files);
    tcase_set_timeout(caps, 60);
    suite_add_tcase(s, caps);

    tcase_add_unchecked_fixture(dir, tmp_base_setup, tmp_base_teardown);
    tcase_add_test(dir, test_dir_good);
    tcase_add_test(dir, test_dir_links);
    tcase_add_test(dir, test_dir_special_files);
    tcase_add_test(dir, test_dir_rules_and_caps);
    tcase_add_test(dir, test_dir_empty);
    suite_add_tcase(s, dir);
    return s;
}
