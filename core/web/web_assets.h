/* web_assets.h - the files under web/ that the binary carries (embedded at
 * build time by cmake/embed_plugin.cmake): the stylesheet and scripts the
 * pages load, and the texts of web/locale/.
 *
 * Static files are served under names that hold a hash of their content
 * ("app.3f9c2a1b04d7e6f5.css"), so that a browser may keep them for a year:
 * a changed file is a new name.  A script's imports of './NAME.js' are
 * rewritten to those names at start.  The hashes are made once, at start
 * (web_assets_init), with libsodium's BLAKE2b.  Everything here is read-only
 * after that and safe to share between threads. */
#ifndef SAIETS_WEB_ASSETS_H
#define SAIETS_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *path;         /* "static/app.css", "locale/lv.json" */
    const unsigned char *data;
    size_t len;
    const char *content_type; /* for static files */
    char url[96];             /* "/static/app.<hash>.css" for static files, else "" */
    unsigned char *owned;     /* data when rewritten (a script's imports), else NULL */
};

/* Hashes the static files; 0, or -1 when there are too many or a name is too
 * long (a build mistake).  Call once before serving. */
int web_assets_init(void);
void web_assets_free(void);

/* The file at path ("static/app.css", "locale/en.json"), or NULL. */
const struct web_asset *web_asset(const char *path);

/* The static file whose hashed name is name ("app.<hash>.css"), or NULL. */
const struct web_asset *web_asset_by_name(const char *name);

/* The URL of a static file by its path ("static/app.css"); "" if none. */
const char *web_asset_url(const char *path);

#endif
