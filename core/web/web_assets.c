/* web_assets.c - the embedded web/ files and their hashed names; see
 * web_assets.h. */
#define _GNU_SOURCE /* memmem */
#include "web_assets.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct embedded_file {
    const char *path;
    const unsigned char *data;
    size_t len;
};
extern const struct embedded_file web_files[]; /* generated from web/ */

#define MAX_ASSETS 64

static struct web_asset assets[MAX_ASSETS];
static size_t n_assets;

static const struct {
    const char *ext, *type;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* Gives a static file its hashed URL. */
static int name_it(struct web_asset *a)
{
    unsigned char h[8];
    char hex[17];
    const char *name = a->path + 7, *dot = strrchr(name, '.');
    int n;

    if (dot == NULL || strchr(name, '/') != NULL)
        return -1;
    crypto_generichash(h, sizeof h, a->data, a->len, NULL, 0);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    n = snprintf(a->url, sizeof a->url, "/static/%.*s.%s%s", (int)(dot - name), name, hex, dot);
    return n < 0 || (size_t)n >= sizeof a->url ? -1 : 0;
}

/* A script's imports of './NAME.js' become the hashed URLs of those files
 * (already named: an import of a file that imports is not supported), so
 * that a module, too, can be kept for a year.  The rewritten text is the
 * asset's own, freed by web_assets_free. */
static int rewrite_imports(struct web_asset *a)
{
    struct buf out = BUF_INIT;
    const char *p = (const char *)a->data, *end = p + a->len;

    while (p < end) {
        const char *q = memmem(p, (size_t)(end - p), "'./", 3);
        const char *close;
        char path[80];
        const struct web_asset *dep;

        if (q == NULL || (close = memchr(q + 3, '\'', (size_t)(end - q - 3))) == NULL ||
            close - q - 3 > 60) {
            buf_append(&out, p, (size_t)(end - p));
            break;
        }
        snprintf(path, sizeof path, "static/%.*s", (int)(close - q - 3), q + 3);
        dep = web_asset(path);
        buf_append(&out, p, (size_t)(q - p));
        if (dep && dep->url[0]) {
            buf_putc(&out, '\'');
            buf_puts(&out, dep->url);
            buf_putc(&out, '\'');
        } else {
            buf_append(&out, q, (size_t)(close - q + 1));
        }
        p = close + 1;
    }
    if (!buf_ok(&out)) {
        buf_free(&out);
        return -1;
    }
    a->owned = (unsigned char *)out.data;
    a->data = a->owned;
    a->len = out.len;
    return 0;
}

static int imports(const struct web_asset *a)
{
    return memmem(a->data, a->len, "from './", 8) != NULL;
}

int web_assets_init(void)
{
    web_assets_free();
    for (const struct embedded_file *f = web_files; f->path; f++) {
        struct web_asset *a;

        if (n_assets == MAX_ASSETS)
            return -1;
        a = &assets[n_assets++];
        memset(a, 0, sizeof *a);
        a->path = f->path;
        a->data = f->data;
        a->len = f->len;
        a->content_type = type_of(f->path);
    }
    /* files that import nothing first, then those that import them */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n_assets; i++) {
            struct web_asset *a = &assets[i];

            if (strncmp(a->path, "static/", 7) != 0 || imports(a) != pass)
                continue;
            if ((pass == 1 && rewrite_imports(a) < 0) || name_it(a) < 0)
                return -1;
        }
    return 0;
}

void web_assets_free(void)
{
    for (size_t i = 0; i < n_assets; i++)
        free(assets[i].owned);
    n_assets = 0;
}

const struct web_asset *web_asset(const char *path)
{
    for (size_t i = 0; i < n_assets; i++)
        if (strcmp(assets[i].path, path) == 0)
            return &assets[i];
    return NULL;
}

const struct web_asset *web_asset_by_name(const char *name)
{
    for (size_t i = 0; i < n_assets; i++)
        if (assets[i].url[0] && strcmp(assets[i].url + 8, name) == 0)
            return &assets[i];
    return NULL;
}

const char *web_asset_url(const char *path)
{
    const struct web_asset *a = web_asset(path);

    return a ? a->url : "";
}
