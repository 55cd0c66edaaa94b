/* cli_plugin.c - `saiets plugin`: install, list, show, enable, disable and
 * remove plugins in a database file, each change in one transaction.
 *
 * A running server learns of changes made through its admin API at once;
 * one made here reaches it when it next starts (docs/plugins.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "plugin_files.h"
#include "plugin_set.h"
#include "plugin_store.h"

static const char usage_plugin[] =
    "usage: saiets plugin COMMAND [--db FILE] [ARG]\n"
    "\n"
    "  install PATH      install or upgrade the plugin in the folder or .tar.gz PATH\n"
    "  list              the installed plugins\n"
    "  show NAME         one plugin: manifest, hash, where it is enabled\n"
    "  enable NAME       switch an installed plugin on for the server\n"
    "  disable NAME      switch it off (meetings keep their settings)\n"
    "  remove NAME       remove it (its tables and their data stay)\n"
    "  test PATH         run the folder's tests/*.lua against a scratch server\n"
    "\n"
    "  --db FILE         database file (default " DEFAULT_DB ")\n"
    "  --help            this text\n";

static void print_json(json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2));

    if (text)
        printf("%s\n", text);
    free(text);
}

static int read_files(const char *path, struct plugin_files *f, struct err *e)
{
    struct stat st;
    size_t n = 0;
    unsigned char *data;
    FILE *fp;
    int rc;

    if (stat(path, &st) < 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "%s: no such file or folder", path);
    if (S_ISDIR(st.st_mode))
        return plugin_files_from_dir(path, NULL, f, e);
    if (st.st_size > PLUGIN_FILES_MAX_ARCHIVE_BYTES)
        return err_set(e, ERR_INVALID_PLUGIN, NULL, "%s: larger than %u bytes", path,
                       PLUGIN_FILES_MAX_ARCHIVE_BYTES);
    if ((fp = fopen(path, "rb")) == NULL)
        return err_set(e, ERR_NOT_FOUND, NULL, "%s: cannot open", path);
    data = malloc((size_t)st.st_size + 1);
    if (data)
        n = fread(data, 1, (size_t)st.st_size + 1, fp);
    fclose(fp);
    if (data == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    rc = plugin_files_from_targz(data, n, NULL, f, e);
    free(data);
    return rc;
}

/* Runs change() in one transaction; prints what it returns. */
static int transact(struct db *db, int (*change)(struct db *, void *, json_t **, struct err *),
                    void *arg)
{
    json_t *out = NULL;
    struct err e;

    err_clear(&e);
    if (db_begin(db) < 0) {
        fprintf(stderr, "saiets: the database is busy\n");
        return 1;
    }
    if (change(db, arg, &out, &e) < 0) {
        db_rollback(db);
        fprintf(stderr, "saiets: %s%s%s\n", e.field[0] ? e.field : "", e.field[0] ? ": " : "",
                e.message);
        return 1;
    }
    if (db_commit(db) < 0) {
        db_rollback(db);
        fprintf(stderr, "saiets: the change could not be saved\n");
        json_decref(out);
        return 1;
    }
    if (out)
        print_json(out);
    json_decref(out);
    return 0;
}

static int do_install(struct db *db, void *arg, json_t **out, struct err *e)
{
    return plugin_install(db, arg, (long long)time(NULL), "cli", out, e);
}

struct switch_arg {
    const char *name;
    int on;
};

static int do_switch(struct db *db, void *arg, json_t **out, struct err *e)
{
    struct switch_arg *s = arg;

    if (plugin_set_enabled(db, s->name, s->on, (long long)time(NULL), "cli", e) < 0)
        return -1;
    *out = plugin_show_json(db, s->name, e);
    return *out ? 0 : -1;
}

static int do_remove(struct db *db, void *arg, json_t **out, struct err *e)
{
    if (plugin_remove(db, arg, (long long)time(NULL), "cli", e) < 0)
        return -1;
    *out = json_pack("{s:s, s:b}", "name", (const char *)arg, "removed", 1);
    return 0;
}

static int show(struct db *db, const char *name)
{
    struct err e;
    json_t *v;

    err_clear(&e);
    v = name ? plugin_show_json(db, name, &e) : plugin_list_json(db, &e);
    if (v == NULL) {
        fprintf(stderr, "saiets: %s\n", e.message);
        return 1;
    }
    print_json(v);
    json_decref(v);
    return 0;
}

int cmd_plugin(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *path = DEFAULT_DB, *cmd;
    struct db *db;
    int c, rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_plugin, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    cmd = argv[1];
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': path = optarg; break;
        case 'h': fputs(usage_plugin, stdout); return 0;
        default: return usage_error(usage_plugin, "%s", "unknown option");
        }
    }
    if (strcmp(cmd, "list") == 0) {
        if (optind != argc)
            return usage_error(usage_plugin, "%s", "list takes no argument");
    } else if (strcmp(cmd, "test") == 0) {
        if (optind + 1 != argc)
            return usage_error(usage_plugin, "%s", "test needs the plugin's folder");
        return plugin_test_run(argv[optind]);
    } else if (strcmp(cmd, "install") == 0 || strcmp(cmd, "show") == 0 ||
               strcmp(cmd, "enable") == 0 || strcmp(cmd, "disable") == 0 ||
               strcmp(cmd, "remove") == 0) {
        if (optind + 1 != argc)
            return usage_error(usage_plugin, "%s needs one argument", cmd);
    } else {
        return usage_error(usage_plugin, "unknown plugin command '%s'", cmd);
    }
    if ((db = open_migrated(path, 0)) == NULL)
        return 1;
    if (strcmp(cmd, "list") == 0 || strcmp(cmd, "show") == 0) {
        rc = show(db, strcmp(cmd, "show") == 0 ? argv[optind] : NULL);
    } else if (strcmp(cmd, "install") == 0) {
        struct plugin_files files = {0};
        struct err e;

        err_clear(&e);
        if (read_files(argv[optind], &files, &e) < 0) {
            fprintf(stderr, "saiets: %s\n", e.message);
            rc = 1;
        } else {
            rc = transact(db, do_install, &files);
        }
        plugin_files_free(&files);
    } else if (strcmp(cmd, "remove") == 0) {
        rc = transact(db, do_remove, argv[optind]);
    } else {
        struct switch_arg s = {argv[optind], strcmp(cmd, "enable") == 0};

        rc = transact(db, do_switch, &s);
    }
    plugin_rt_free();
    db_close(db);
    return rc;
}
