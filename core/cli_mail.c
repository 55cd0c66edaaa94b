/* cli_mail.c - `saiets mail status`: the outbox from the command line, as
 * GET /api/v1/admin/mail shows it (outbox.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outbox.h"

static const char usage_mail[] =
    "usage: saiets mail status [--db FILE] [--json]\n"
    "\n"
    "How many messages are queued, being sent, sent and failed, and the latest\n"
    "failures with the SMTP server's answer.\n"
    "  --db FILE   database file (default " DEFAULT_DB ")\n"
    "  --json      the same as JSON (as GET /api/v1/admin/mail)\n";

int cmd_mail(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *path = DEFAULT_DB;
    int as_json = 0, c;
    struct db *db;
    json_t *o, *f;
    size_t i;

    if (argc < 2 || strcmp(argv[1], "status") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            fputs(usage_mail, stdout);
            return 0;
        }
        return usage_error(usage_mail, "%s", "the only mail command is `status`");
    }
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': path = optarg; break;
        case 'j': as_json = 1; break;
        case 'h': fputs(usage_mail, stdout); return 0;
        default: return usage_error(usage_mail, "%s", "unknown option");
        }
    }
    if (optind < argc)
        return usage_error(usage_mail, "unexpected argument '%s'", argv[optind]);
    if ((db = open_migrated(path, 0)) == NULL)
        return 1;
    o = outbox_status(db, 20);
    db_close(db);
    if (o == NULL) {
        fprintf(stderr, "saiets: cannot read the outbox\n");
        return 1;
    }
    if (as_json) {
        char *text = json_dumps(o, JSON_INDENT(2));
        puts(text ? text : "{}");
        free(text);
    } else {
        printf("queued %lld, being sent %lld, sent %lld, failed %lld\n",
               (long long)json_integer_value(json_object_get(o, "queued")),
               (long long)json_integer_value(json_object_get(o, "sending")),
               (long long)json_integer_value(json_object_get(o, "sent")),
               (long long)json_integer_value(json_object_get(o, "failed")));
        json_array_foreach(json_object_get(o, "failures"), i, f)
            printf("  #%lld %s to %s, %s after %lld attempt(s): %s\n",
                   (long long)json_integer_value(json_object_get(f, "id")),
                   json_string_value(json_object_get(f, "kind")),
                   json_string_value(json_object_get(f, "to")),
                   strcmp(json_string_value(json_object_get(f, "state")), "failed") == 0
                       ? "given up" : "retrying",
                   (long long)json_integer_value(json_object_get(f, "attempts")),
                   json_string_value(json_object_get(f, "error")));
    }
    json_decref(o);
    return 0;
}
