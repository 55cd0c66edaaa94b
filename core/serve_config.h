/* serve_config.h - `saiets serve --config FILE`: the server's settings
 * from a configuration file (conf.h's format), which the command line's
 * flags then override.  docs/configuration.md lists every key;
 * saiets.conf.example is a commented example. */
#ifndef SAIETS_SERVE_CONFIG_H
#define SAIETS_SERVE_CONFIG_H

#include <stddef.h>

#include "http.h"
#include "mail_sender.h"

struct serve_config {
    struct http_options http; /* its strings point into the buffers below */
    struct mail_config mail;
    char db[4096], bind[256];
};

/* The defaults (no file), with the database at db. */
void serve_config_defaults(struct serve_config *c, const char *db);

/* Applies one setting (as from the file): 0, or -1 with a message in err.
 * The command line's flags go through here too. */
int serve_config_set(struct serve_config *c, const char *key, const char *value, char *err,
                     size_t errlen);

/* Reads path over *c: 0, or -1 with "FILE:LINE: message" in err. */
int serve_config_read(struct serve_config *c, const char *path, char *err, size_t errlen);

#endif
