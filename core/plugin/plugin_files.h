/* plugin_files.h - a plugin package read into memory: its files by path.
 *
 * A package comes from outside (an admin's upload, a folder on disk), so it
 * is untrusted: it is read whole, checked against the rules below, and either
 * every file is returned or none is.  Nothing is written to disk; later
 * stages (the manifest, the code, the migrations) work on these bytes.
 *
 * The rules, for a .tar.gz and for a folder alike:
 *   - a .tar.gz is a gzip-compressed tar (ustar, pax or GNU), nothing else;
 *   - entries are regular files or folders: no links, devices, FIFOs, sockets;
 *   - paths are relative, their components [A-Za-z0-9._-]+ but not "." or
 *     "..", at most max_path_bytes long and PLUGIN_FILES_MAX_DEPTH deep (a
 *     single leading "./", as `tar -C dir .` writes, is dropped);
 *   - the files lie at the root, or all under one top folder, which is
 *     dropped from their paths; no path twice, none both a file and a folder;
 *   - manifest.json and plugin.lua are at the root;
 *   - the caps below bound the entries, each file, the sum of the files and
 *     the input, counting bytes as they are read, never trusting a header.
 * The files come sorted by path (bytewise), so the result is deterministic. */
#ifndef SAIETS_PLUGIN_FILES_H
#define SAIETS_PLUGIN_FILES_H

#include <stddef.h>

#include "errors.h"

#define PLUGIN_FILES_MAX_ENTRIES 256                  /* files and folders */
#define PLUGIN_FILES_MAX_FILE_BYTES (1024u * 1024u)   /* one file */
#define PLUGIN_FILES_MAX_TOTAL_BYTES (8u * 1024u * 1024u) /* all files */
#define PLUGIN_FILES_MAX_PATH_BYTES 200
#define PLUGIN_FILES_MAX_ARCHIVE_BYTES (8u * 1024u * 1024u) /* the .tar.gz */
/* Components of a path in the package ("migrations/001_init.sql" is 2). */
#define PLUGIN_FILES_MAX_DEPTH 4

struct plugin_file {
    char *path;          /* relative to the package root, '/' between parts */
    unsigned char *data; /* len bytes and a NUL after them (for text files) */
    size_t len;
};

struct plugin_files {
    struct plugin_file *v; /* sorted by path */
    size_t n;
};

/* Caps; a field left 0 (or a NULL pointer for all) takes the default above. */
struct plugin_files_limits {
    size_t max_entries;
    size_t max_file_bytes;
    size_t max_total_bytes;
    size_t max_path_bytes;
    size_t max_archive_bytes;
};

/* Reads the .tar.gz in data[0..len).  0 and *out filled, or -1 with
 * ERR_INVALID_PLUGIN (ERR_INTERNAL when out of memory) in *e and *out
 * empty. */
int plugin_files_from_targz(const void *data, size_t len,
                            const struct plugin_files_limits *lim,
                            struct plugin_files *out, struct err *e);

/* The same from a folder on disk, read without following any symbolic
 * link (the folder itself must not be one either). */
int plugin_files_from_dir(const char *dir, const struct plugin_files_limits *lim,
                          struct plugin_files *out, struct err *e);

/* The file at path, or NULL. */
const struct plugin_file *plugin_files_get(const struct plugin_files *f,
                                           const char *path);

/* Frees every file; *f is left empty (and may be freed again). */
void plugin_files_free(struct plugin_files *f);

#endif
