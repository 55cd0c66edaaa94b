/* cli.h - what the `saiets` commands share (main.c defines these). */
#ifndef SAIETS_CLI_H
#define SAIETS_CLI_H

#include "db.h"

#define DEFAULT_DB "./saiets.db"

/* Opens (or with DB_CREATE creates) the database and brings its schema up
 * to date; NULL after saying why on stderr. */
struct db *open_migrated(const char *path, unsigned flags);

/* "saiets: MESSAGE", then usage, on stderr; returns 2. */
int usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* `saiets mail status` (cli_mail.c). */
int cmd_mail(int argc, char **argv);

/* `saiets plugin ...` (cli_plugin.c). */
int cmd_plugin(int argc, char **argv);

/* `saiets plugin test PATH` (cli_plugin_test.c): 0 when every test passed. */
int plugin_test_run(const char *path);

#endif
