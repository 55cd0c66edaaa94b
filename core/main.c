/* main.c - the `saiets` command: init, serve, token create, agenda run.
 *
 * Parses the command line, opens the database and hands over to the
 * modules that do the work.  Exit status: 0 success, 1 failure at run time
 * (database, port), 2 a usage error. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agenda.h"
#include "agenda_script.h"
#include "auth.h"
#include "cli.h"
#include "db.h"
#include "demo.h"
#include "core_subscribers.h"
#include "http.h"
#include "log.h"
#include "outbox.h"
#include "plugin_hooks.h"
#include "review.h"
#include "script_child.h"
#include "serve_config.h"
#include "timeutil.h"
#include "token.h"

static const char usage_main[] =
    "usage: saiets COMMAND [OPTIONS]\n"
    "\n"
    "Saiets is an event management server for networks of municipalities.\n"
    "\n"
    "commands:\n"
    "  init          create or upgrade the database (with --demo: load the demo meeting)\n"
    "  serve         serve the HTTP JSON API\n"
    "  token create  create an admin or organizer account and print its bearer token\n"
    "  agenda run    run a Lua agenda script against a meeting (dry run unless --apply)\n"
    "  plugin        install, list, show, enable, disable, remove and test plugins\n"
    "  mail status   the e-mail outbox: queued, sent, failed\n"
    "\n"
    "`saiets COMMAND --help` describes each command; `saiets --version` prints the version.\n";

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
    "  --bind ADDR            address to listen on: an IPv4 or IPv6 address of this\n"
    "                         machine, or a host name for one (default 127.0.0.1)\n"
    "  --port N               port, 0 picks a free one (default 8080)\n"
    "  --idle-timeout S       close a connection idle for S seconds (default 10)\n"
    "  --request-timeout S    close a connection whose request takes S seconds (default 15)\n"
    "  --max-connections N    open connections at most (default 1000)\n"
    "  --quiet                no log line per request\n"
    "  --config FILE          settings from FILE (docs/configuration.md); flags override it\n"
    "public writes per client address (registering, plugins' public routes):\n"
    "  --rate-limit on|off    off: no limit, for load tests (default on)\n"
    "  --rate-limit-burst N   requests at once (default 30)\n"
    "  --rate-limit-per-minute N  then N a minute (default 30)\n"
    "  --trusted-proxies LIST proxies whose X-Forwarded-For is believed, e.g.\n"
    "                         \"127.0.0.1, ::1, 10.0.0.0/8\" (default 127.0.0.1, ::1; none: no one)\n"
    "mail (see docs/configuration.md):\n"
    "  --mail on|off          off: no message is queued or sent (default on)\n"
    "  --smtp-host HOST       the SMTP server; without one, messages stay queued\n"
    "  --smtp-port N          its port (default 25, or 465 with --smtp-tls tls)\n"
    "  --smtp-tls MODE        none, starttls (default) or tls\n"
    "  --smtp-user NAME       log in as NAME, with the password in\n"
    "  --smtp-password-file F   the first line of F\n"
    "  --smtp-ca-file F       trust the CA in F for the server's certificate\n"
    "  --mail-from ADDR       the sender's address\n"
    "  --public-url URL       where links in messages point (default: this server's address)\n"
    "  --reminder-days N      remind confirmed people N days before (default 3, 0: never)\n"
    "  --mail-retry-seconds S first retry after S seconds, doubling (default 30)\n";

static const char usage_token[] =
    "usage: saiets token create --role admin|organizer [--name NAME] [--db FILE]\n"
    "\n"
    "Creates an account and prints its bearer token once on standard output.\n"
    "Only a hash of the token is stored: keep it safe, it cannot be shown again.\n";

static const char usage_agenda[] =
    "usage: saiets agenda run --meeting ID [--apply] [--name NAME] [--db FILE] SCRIPT.lua\n"
    "\n"
    "Runs an agenda script (see docs/agenda-scripts.md) in the sandbox and prints the\n"
    "items it would add, change and remove and the problems the result would have.\n"
    "Nothing changes unless --apply is given; then all of it is applied in one\n"
    "transaction.  Items made by hand or by other scripts are never touched.\n"
    "  --meeting ID   the meeting whose agenda the script builds\n"
    "  --apply        apply the changes\n"
    "  --name NAME    the script's name (default: the file name without .lua);\n"
    "                 its items are marked source \"script:NAME\", so an edited copy\n"
    "                 of a script changes that script's items under its name only\n"
    "  --db FILE      database file (default " DEFAULT_DB ")\n";

int usage_error(const char *usage, const char *fmt, ...)
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

/* Why path cannot be the database file, said on stderr (0 when it can be
 * tried): SQLite alone says "unable to open database file" for a file that
 * does not exist, a directory that does not and a directory given as the
 * file alike.  create: the command makes the file (init). */
static int db_file_unusable(const char *path, int create)
{
    char dir[4096], head[16];
    const char *slash = strrchr(path, '/');
    struct stat st;
    ssize_t n;
    int fd;

    if (path[0] == '\0') {
        fprintf(stderr, "saiets: --db: the database file name is empty\n");
        return 1;
    }
    if (stat(path, &st) < 0) {
        if (errno != ENOENT) {
            fprintf(stderr, "saiets: cannot open the database %s: %s\n", path, strerror(errno));
            return 1;
        }
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
                 slash ? path : ".");
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "saiets: the database %s: the directory %s does not exist\n",
                    path, dir);
            return 1;
        }
        if (!create) {
            fprintf(stderr, "saiets: the database file %s does not exist; `saiets init --db "
                            "%s` creates it\n", path, path);
            return 1;
        }
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "saiets: %s is a directory, not a database file (--db names the "
                        "file, e.g. %s%ssaiets.db)\n", path, path,
                        path[strlen(path) - 1] == '/' ? "" : "/");
        return 1;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "saiets: %s is not a regular file, so not a database\n", path);
        return 1;
    }
    if (st.st_size == 0) /* SQLite's empty database: init fills it, others should not */
        return create ? 0 : (fprintf(stderr, "saiets: the database file %s is empty; `saiets "
                                             "init --db %s` makes it a database\n", path,
                                     path), 1);
    if ((fd = open(path, O_RDONLY)) < 0) {
        fprintf(stderr, "saiets: cannot open the database %s: %s\n", path, strerror(errno));
        return 1;
    }
    n = read(fd, head, sizeof head);
    close(fd);
    if (n != (ssize_t)sizeof head || memcmp(head, "SQLite format 3", 16) != 0) {
        fprintf(stderr, "saiets: %s is not a database: the file is not in SQLite's format "
                        "(was --db meant to name another file?)\n", path);
        return 1;
    }
    return 0;
}

/* Opens (or creates) the database and brings its schema up to date: what
 * every command that uses the database calls. */
struct db *open_migrated(const char *path, unsigned flags)
{
    struct db *db = NULL;
    char *msg = NULL;
    int ours;

    events_subscribe_core();
    plugin_hooks_subscribe();
    if (db_file_unusable(path, (flags & DB_CREATE) != 0))
        return NULL;
    if (db_open(path, flags, &db, &msg) < 0)
        goto fail;
    /* Another program's SQLite file gets Saiets's tables only from init. */
    ours = db_exists(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND"
                         " name = 'schema_migrations'", 0, 0);
    if (ours == 0 && !(flags & DB_CREATE)) {
        fprintf(stderr, "saiets: %s is an SQLite file but not a Saiets database (it has no "
                        "schema_migrations table); `saiets init --db %s` would add "
                        "Saiets's tables to it\n", path, path);
        db_close(db);
        return NULL;
    }
    if (ours < 0 || db_migrate(db, &msg) < 0)
        goto fail;
    return db;
fail:
    fprintf(stderr, "saiets: %s\n", msg ? msg : "cannot open the database");
    free(msg);
    db_close(db);
    return NULL;
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
        long long id;

        outbox_set_enabled(0); /* the demo's people are made up: no mail to them */
        id = demo_load(db, tu_now(), msg, sizeof msg);
        outbox_set_enabled(1);
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

/* 1 when addr (--bind) is an IPv4 or IPv6 address of this machine, or a name
 * that resolves to one; else 0 with why.  Asked before anything is opened:
 * libevent would otherwise say only "getaddrinfo" on its own and leave errno
 * to tell a stale "No such file or directory".  A throwaway socket bound to
 * port 0 tells an address of this machine from any other (EADDRNOTAVAIL). */
static int bind_address_ok(const char *addr, char *why, size_t n)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc, err = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (addr[0] == '\0' || (rc = getaddrinfo(addr, "0", &hints, &res)) != 0) {
        snprintf(why, n, "neither an IPv4 or IPv6 address nor a host name that resolves");
        return 0;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);

        if (fd < 0) {
            err = errno;
            continue;
        }
        rc = bind(fd, ai->ai_addr, ai->ai_addrlen);
        err = rc == 0 ? 0 : errno;
        close(fd);
        if (rc == 0)
            break;
    }
    freeaddrinfo(res);
    if (err == 0)
        return 1;
    snprintf(why, n, "%s", err == EADDRNOTAVAIL ? "no network interface of this machine has it"
                                                : strerror(err));
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"db", required_argument, NULL, 'd'},
        {"bind", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},
        {"idle-timeout", required_argument, NULL, 'i'},
        {"request-timeout", required_argument, NULL, 'r'},
        {"max-connections", required_argument, NULL, 'm'},
        {"quiet", no_argument, NULL, 'q'},
        {"rate-limit", required_argument, NULL, 'L'},
        {"rate-limit-burst", required_argument, NULL, 'K'},
        {"rate-limit-per-minute", required_argument, NULL, 'N'},
        {"trusted-proxies", required_argument, NULL, 'X'},
        {"mail", required_argument, NULL, 'M'},
        {"smtp-host", required_argument, NULL, 'H'},
        {"smtp-port", required_argument, NULL, 'P'},
        {"smtp-tls", required_argument, NULL, 'T'},
        {"smtp-user", required_argument, NULL, 'U'},
        {"smtp-password-file", required_argument, NULL, 'W'},
        {"smtp-ca-file", required_argument, NULL, 'A'},
        {"mail-from", required_argument, NULL, 'F'},
        {"public-url", required_argument, NULL, 'B'},
        {"reminder-days", required_argument, NULL, 'D'},
        {"mail-retry-seconds", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    /* A flag is the config key of the same name (dashes as underscores). */
    static struct serve_config cfg;
    const char *why;
    char err[600], key[40];
    struct db *db;
    char bind_why[96];
    int c, li;

    serve_config_defaults(&cfg, DEFAULT_DB);
    /* The file first, wherever --config stands: the flags override it. */
    for (int i = 1; i < argc; i++) {
        const char *path = NULL;

        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            path = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            path = argv[i] + 9;
        if (path && serve_config_read(&cfg, path, err, sizeof err) < 0) {
            fprintf(stderr, "saiets: %s\n", err);
            return 2;
        }
    }
    while ((c = getopt_long(argc, argv, "", opts, &li)) != -1) {
        switch (c) {
        case 'c': break;
        case 'q': cfg.http.quiet = 1; break;
        case 'h': fputs(usage_serve, stdout); return 0;
        case '?': return usage_error(usage_serve, "%s", "unknown option");
        default:
            snprintf(key, sizeof key, "%s", opts[li].name);
            for (char *k = key; *k; k++)
                if (*k == '-')
                    *k = '_';
            if (serve_config_set(&cfg, key, optarg, err, sizeof err) < 0)
                return usage_error(usage_serve, "--%s", err);
        }
    }
    if (optind < argc)
        return usage_error(usage_serve, "unexpected argument '%s'", argv[optind]);
    if ((why = mail_config_check(&cfg.mail)) != NULL)
        return usage_error(usage_serve, "%s", why);
    if (!bind_address_ok(cfg.http.bind, bind_why, sizeof bind_why))
        return usage_error(usage_serve, "--bind %s: not an address this machine can listen on "
                           "(%s)", cfg.http.bind, bind_why);
    /* serve never creates a database: a typo in --db should not start an
     * empty server.  It does apply pending migrations. */
    db = open_migrated(cfg.http.db_path, 0);
    if (db == NULL)
        return 1;
    db_close(db);
    if (mail_global_init() < 0) {
        fprintf(stderr, "saiets: libcurl failed to initialise\n");
        return 1;
    }
    c = http_serve(&cfg.http);
    mail_global_cleanup();
    return c;
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

#define SCRIPT_FILE_MAX (1024 * 1024)

/* Reads a whole (small) file: malloc'd, NUL-terminated; NULL on error. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t n;

    if (f == NULL)
        return NULL;
    data = malloc(SCRIPT_FILE_MAX + 1);
    if (data) {
        n = fread(data, 1, SCRIPT_FILE_MAX + 1, f);
        if (ferror(f) || n > SCRIPT_FILE_MAX) {
            free(data);
            data = NULL;
        } else {
            data[n] = '\0';
            *len = n;
        }
    }
    fclose(f);
    return data;
}

static void print_item_line(char mark, json_t *entry, const char *which)
{
    json_t *item = json_object_get(entry, which);
    const char *track = json_string_value(json_object_get(item, "track"));

    printf("%c %s-%s  %-10s %s%s%s  [%s]\n", mark,
           json_string_value(json_object_get(item, "starts_at")),
           json_string_value(json_object_get(item, "ends_at")) + 11,
           json_string_value(json_object_get(item, "kind")),
           track ? "(" : "", track ? track : "", track ? ") " : "",
           json_string_value(json_object_get(entry, "key")));
    printf("      %s\n", json_string_value(json_object_get(item, "title")));
}

static void print_diff(json_t *diff, int applied)
{
    json_t *problems = json_object_get(diff, "problems"), *x;
    size_t i;

    json_array_foreach(json_object_get(diff, "venues_added"), i, x)
        printf("+ venue %s\n", json_string_value(x));
    json_array_foreach(json_object_get(diff, "added"), i, x) print_item_line('+', x, "item");
    json_array_foreach(json_object_get(diff, "changed"), i, x) print_item_line('~', x, "after");
    json_array_foreach(json_object_get(diff, "removed"), i, x) print_item_line('-', x, "item");
    printf("%zu added, %zu changed, %zu removed, %lld unchanged%s\n",
           json_array_size(json_object_get(diff, "added")),
           json_array_size(json_object_get(diff, "changed")),
           json_array_size(json_object_get(diff, "removed")),
           (long long)json_integer_value(json_object_get(diff, "unchanged")),
           applied ? " (applied)" : " (dry run: nothing was changed; --apply applies)");
    printf("%zu problem(s)\n", json_array_size(problems));
    json_array_foreach(problems, i, x)
        printf("! %s: %s\n", json_string_value(json_object_get(x, "code")),
               json_string_value(json_object_get(x, "message")));
    /* The script's name comes from the file name: an edited copy of
     * daugavpils-2015.lua saved as my.lua adds the programme a second time. */
    json_array_foreach(json_object_get(diff, "other_scripts"), i, x)
        printf("note: %lld of the items %s have the keys of items of the script %s:\n"
               "      if this file is an edited copy of it, run it with --name %s to change\n"
               "      that script's items instead of adding copies\n",
               (long long)json_integer_value(json_object_get(x, "same_keys")),
               applied ? "added" : "to add",
               json_string_value(json_object_get(x, "script")),
               json_string_value(json_object_get(x, "script")));
}

#define AGENDA_CLI_CPU_S 10

static void cpu_exhausted(int sig)
{
    static const char msg[] = "saiets: the script used more than 10 s of CPU time and was "
                              "stopped; nothing was changed\n";

    (void)sig;
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more to say */
    }
    _exit(1);
}

static int cmd_agenda(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"meeting", required_argument, NULL, 'm'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"apply", no_argument, NULL, 'a'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *path = DEFAULT_DB, *file, *base;
    char name[80], *code = NULL;
    json_t *declared = NULL, *diff = NULL;
    int apply = 0, meeting = 0, c, rc = 1;
    struct db *db = NULL;
    struct err e;
    size_t len = 0;

    if (argc < 2 || strcmp(argv[1], "run") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            fputs(usage_agenda, stdout);
            return 0;
        }
        return usage_error(usage_agenda, "%s", "expected `agenda run`");
    }
    argc--;
    argv++;
    name[0] = '\0';
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': path = optarg; break;
        case 'm':
            if (parse_int(optarg, 1, 2000000000, &meeting) < 0)
                return usage_error(usage_agenda, "--meeting: '%s' is not an id", optarg);
            break;
        case 'n': snprintf(name, sizeof name, "%s", optarg); break;
        case 'a': apply = 1; break;
        case 'h': fputs(usage_agenda, stdout); return 0;
        default: return usage_error(usage_agenda, "%s", "unknown option");
        }
    }
    if (meeting == 0)
        return usage_error(usage_agenda, "%s", "--meeting is required");
    if (optind + 1 != argc)
        return usage_error(usage_agenda, "%s", "give exactly one script file");
    file = argv[optind];
    if (name[0] == '\0') {
        base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        snprintf(name, sizeof name, "%.*s", (int)strcspn(base, "."), base);
    }
    if (!agenda_script_name_ok(name))
        return usage_error(usage_agenda, "the script name '%s' is not [a-z0-9][a-z0-9_.-]*"
                           " (use --name)", name);
    code = read_file(file, &len);
    if (code == NULL) {
        fprintf(stderr, "saiets: cannot read %s (or it is over 1 MiB)\n", file);
        return 1;
    }
    err_clear(&e);
    /* One C call the sandbox cannot interrupt (a backtracking pattern)
     * would otherwise run on: the CPU limit ends it, before the database is
     * even opened. */
    signal(SIGXCPU, cpu_exhausted);
    setrlimit(RLIMIT_CPU, &(struct rlimit){AGENDA_CLI_CPU_S, AGENDA_CLI_CPU_S + 1});
    declared = ascript_run(code, len, name, &e);
    if (declared == NULL) {
        fprintf(stderr, "saiets: %s\n", e.message);
        goto out;
    }
    db = open_migrated(path, 0);
    if (db == NULL)
        goto out;
    if (db_begin(db) < 0 ||
        review_script_try(db, meeting, name, declared, apply, tu_now(), "cli", &diff, &e) < 0) {
        fprintf(stderr, "saiets: %s\n", e.message[0] ? e.message : db_errmsg(db));
        db_rollback(db);
        goto out;
    }
    if (db_commit(db) < 0) {
        fprintf(stderr, "saiets: %s\n", db_errmsg(db));
        db_rollback(db);
        goto out;
    }
    print_diff(diff, apply);
    rc = 0;
out:
    json_decref(diff);
    json_decref(declared);
    db_close(db);
    free(code);
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
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        if (argc > 2)
            return usage_error(usage_main, "--version takes no arguments");
        printf("saiets %s\n", SAIETS_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "init") == 0)
        return cmd_init(argc - 1, argv + 1);
    if (strcmp(argv[1], "serve") == 0)
        return cmd_serve(argc - 1, argv + 1);
    if (strcmp(argv[1], "token") == 0)
        return cmd_token(argc - 1, argv + 1);
    if (strcmp(argv[1], "agenda") == 0)
        return cmd_agenda(argc - 1, argv + 1);
    if (strcmp(argv[1], "plugin") == 0)
        return cmd_plugin(argc - 1, argv + 1);
    if (strcmp(argv[1], "mail") == 0)
        return cmd_mail(argc - 1, argv + 1);
    /* Internal: the server runs agenda scripts through this (script_child.h). */
    if (strcmp(argv[1], "script-eval") == 0 && argc == 3 && agenda_script_name_ok(argv[2]))
        return script_child_main(argv[2]);
    fprintf(stderr, "saiets: unknown command '%s'\n\n%s", argv[1], usage_main);
    return 2;
}
