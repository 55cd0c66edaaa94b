/* main.c - the `saiets` command: init, serve and token create.
 *
 * Parses the command line, opens the database and hands over to the
 * modules that do the work.  Exit status: 0 success, 1 failure at run time
 * (database, port), 2 a usage error. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "demo.h"
#include "http.h"
#include "log.h"
#include "timeutil.h"
#include "token.h"

#define DEFAULT_DB "./saiets.db"

static const char usage_main[] =
    "usage: saiets COMMAND [OPTIONS]\n"
    "\n"
    "Saiets is an event management server for networks of municipalities.\n"
    "\n"
    "commands:\n"
    "  init          create or upgrade the database (with --demo: load the demo meeting)\n"
    "  serve         serve the HTTP JSON API\n"
    "  token create  create an admin or organizer account and print its bearer token\n"
    "\n"
    "`saiets COMMAND --help` describes each command.\n";

static const char usage_init[] =
    "usage: saiets init [--db FILE] [--demo]\n"
    "\n"
    "Creates the database, or applies the migrations it lacks.\n"
    "  --db FILE   database file (default " DEFAULT_DB ")\n"
    "  --demo      also load the Daugavpils 2015 network meeting (demo data)\n";

static const char usage_serve[] =
    "usage: saiets serve [--db FILE] [--bind ADDR] [--port N] [options]\n"
    "\n"
    "Serves the JSON API until SIGINT or SIGTERM, then finishes in-flight\n"
    "requests and closes the database.\n"
    "  --db FILE              database file (default " DEFAULT_DB "); made by `saiets init`\n"
    "  --bind ADDR            address to listen on (default 127.0.0.1)\n"
    "  --port N               port, 0 picks a free one (default 8080)\n"
    "  --idle-timeout S       close a connection idle for S seconds (default 10)\n"
    "  --request-timeout S    close a connection whose request takes S seconds (default 15)\n"
    "  --max-connections N    open connections at most (default 1000)\n"
    "  --quiet                no log line per request\n";

static const char usage_token[] =
    "usage: saiets token create --role admin|organizer [--name NAME] [--db FILE]\n"
    "\n"
    "Creates an account and prints its bearer token once on standard output.\n"
    "Only a hash of the token is stored: keep it safe, it cannot be shown again.\n";

static int usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "saiets: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", usage);
    return 2;
}

static int parse_int(const char *s, int min, int max, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* Opens (or creates) the database and brings its schema up to date. */
static struct db *open_migrated(const char *path, unsigned flags)
{
    struct db *db = NULL;
    char *msg = NULL;

    if (db_open(path, flags, &db, &msg) < 0 || db_migrate(db, &msg) < 0) {
        fprintf(stderr, "saiets: %s\n", msg ? msg : "cannot open the database");
        free(msg);
        db_close(db);
        return NULL;
    }
    return db;
}

static int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"demo", no_argument, NULL, 'D'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *path = DEFAULT_DB;
    int demo = 0, c, rc = 1;
    struct db *db;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': path = optarg; break;
        case 'D': demo = 1; break;
        case 'h': fputs(usage_init, stdout); return 0;
        default: return usage_error(usage_init, "%s", "unknown option");
        }
    }
    if (optind < argc)
        return usage_error(usage_init, "unexpected argument '%s'", argv[optind]);
    db = open_migrated(path, DB_CREATE);
    if (db == NULL)
        return 1;
    if (demo) {
        char msg[256];
        long long id = demo_load(db, tu_now(), msg, sizeof msg);
        if (id < 0) {
            fprintf(stderr, "saiets: demo: %s\n", msg);
            goto out;
        }
        printf("demo meeting %lld is loaded\n", id);
    }
    printf("database %s is at schema version %d\n", path, db_schema_version(db));
    rc = 0;
out:
    db_close(db);
    return rc;
}

static int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"bind", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},
        {"idle-timeout", required_argument, NULL, 'i'},
        {"request-timeout", required_argument, NULL, 'r'},
        {"max-connections", required_argument, NULL, 'm'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct http_options o = {DEFAULT_DB, "127.0.0.1", 8080, 10, 15, 1000, 0};
    struct db *db;
    int c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o.db_path = optarg; break;
        case 'b': o.bind = optarg; break;
        case 'p':
            if (parse_int(optarg, 0, 65535, &o.port) < 0)
                return usage_error(usage_serve, "--port: '%s' is not 0-65535", optarg);
            break;
        case 'i':
            if (parse_int(optarg, 1, 3600, &o.idle_timeout) < 0)
                return usage_error(usage_serve, "--idle-timeout: '%s' is not 1-3600", optarg);
            break;
        case 'r':
            if (parse_int(optarg, 1, 3600, &o.request_timeout) < 0)
                return usage_error(usage_serve, "--request-timeout: '%s' is not 1-3600",
                                   optarg);
            break;
        case 'm':
            if (parse_int(optarg, 1, 100000, &o.max_connections) < 0)
                return usage_error(usage_serve, "--max-connections: '%s' is not 1-100000",
                                   optarg);
            break;
        case 'q': o.quiet = 1; break;
        case 'h': fputs(usage_serve, stdout); return 0;
        default: return usage_error(usage_serve, "%s", "unknown option");
        }
    }
    if (optind < argc)
        return usage_error(usage_serve, "unexpected argument '%s'", argv[optind]);
    /* serve never creates a database: a typo in --db should not start an
     * empty server.  It does apply pending migrations. */
    db = open_migrated(o.db_path, 0);
    if (db == NULL) {
        fprintf(stderr, "saiets: run `saiets init --db %s` first if it does not exist\n",
                o.db_path);
        return 1;
    }
    db_close(db);
    return http_serve(&o);
}

static int cmd_token(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"role", required_argument, NULL, 'r'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *path = DEFAULT_DB, *role_name = NULL, *name = NULL;
    char token[TOKEN_MAX_LEN + 1];
    enum role role;
    struct db *db;
    struct err e;
    int c, rc = 1;

    if (argc < 2 || strcmp(argv[1], "create") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            fputs(usage_token, stdout);
            return 0;
        }
        return usage_error(usage_token, "%s", "expected `token create`");
    }
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': path = optarg; break;
        case 'r': role_name = optarg; break;
        case 'n': name = optarg; break;
        case 'h': fputs(usage_token, stdout); return 0;
        default: return usage_error(usage_token, "%s", "unknown option");
        }
    }
    if (optind < argc)
        return usage_error(usage_token, "unexpected argument '%s'", argv[optind]);
    if (role_name == NULL)
        return usage_error(usage_token, "%s", "--role is required");
    if (strcmp(role_name, "admin") == 0)
        role = ROLE_ADMIN;
    else if (strcmp(role_name, "organizer") == 0)
        role = ROLE_ORGANIZER;
    else
        return usage_error(usage_token, "--role: '%s' is not admin or organizer", role_name);
    db = open_migrated(path, 0);
    if (db == NULL)
        return 1;
    err_clear(&e);
    if (db_begin(db) < 0 ||
        auth_token_create(db, role, name ? name : role_name, tu_now(), token, &e) < 0 ||
        db_commit(db) < 0) {
        db_rollback(db);
        fprintf(stderr, "saiets: token: %s\n", e.message[0] ? e.message : db_errmsg(db));
        goto out;
    }
    printf("%s\n", token);
    rc = 0;
out:
    db_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    if (token_init() < 0) {
        fprintf(stderr, "saiets: libsodium failed to initialise\n");
        return 1;
    }
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(argv[1], "init") == 0)
        return cmd_init(argc - 1, argv + 1);
    if (strcmp(argv[1], "serve") == 0)
        return cmd_serve(argc - 1, argv + 1);
    if (strcmp(argv[1], "token") == 0)
        return cmd_token(argc - 1, argv + 1);
    fprintf(stderr, "saiets: unknown command '%s'\n\n%s", argv[1], usage_main);
    return 2;
}
