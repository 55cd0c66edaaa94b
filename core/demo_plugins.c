/* demo_plugins.c - the demo meeting's plugins: installs the plugins that ship
 * with Saiets (carried by the binary, cmake/embed_plugin.cmake), enables the
 * cultural programme for the meeting and fills it through the plugin's own
 * routes: the four activities of the 2015 programme and sign-ups, one of
 * them full with a waiting list. */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_files.h"
#include "plugin_route.h"
#include "plugin_set.h"
#include "plugin_store.h"
#include "plugin_vm.h"
#include "registration.h"
#include "venue.h"

struct embedded_file {
    const char *path;
    const unsigned char *data;
    size_t len;
};
extern const struct embedded_file demo_plugin_cultural[];
extern const struct embedded_file demo_plugin_quota[];

static const struct {
    const char *title_lv, *title_en, *kind, *starts, *ends, *venue;
    int capacity;
} activities[] = {
    {"Daugavpils cietoksnis: ekskursija", "Daugavpils Fortress: a guided walk", "tour",
     "2015-11-05T15:50", "2015-11-05T16:35", "Daugavpils Fortress", 40},
    {"Marka Rotko mākslas centrs", "Mark Rothko Art Centre", "visit", "2015-11-05T16:40",
     "2015-11-05T17:40", "Mark Rothko Art Centre", 15},
    {"Folkloras kopa \"Svātra\"", "Folklore group \"Svātra\"", "performance",
     "2015-11-05T17:45", "2015-11-05T18:15", "Mark Rothko Art Centre", 40},
    {"\"Saules skolas\" jauniešu teātra izrāde", "\"Saules skola\" youth theatre performance",
     "performance", "2015-11-06T11:35", "2015-11-06T12:05",
     "Daugavpils Design and Art Secondary School “Saules skola”", 60},
};
#define N_ACTIVITIES (sizeof activities / sizeof activities[0])

static int install(struct db *db, const struct embedded_file *table, long long now,
                   struct err *e)
{
    struct plugin_files f = {0};
    json_t *out = NULL;
    size_t n = 0;
    int rc;

    while (table[n].path)
        n++;
    /* Borrowed, not copied: plugin_install only reads them. */
    struct plugin_file files[64];

    if (n > sizeof files / sizeof files[0])
        return err_set(e, ERR_INTERNAL, NULL, "the embedded plugin has too many files");
    for (size_t i = 0; i < n; i++) {
        files[i].path = (char *)table[i].path;
        files[i].data = (unsigned char *)table[i].data;
        files[i].len = table[i].len;
    }
    f.v = files;
    f.n = n;
    rc = plugin_install(db, &f, now, "demo", &out, e);
    json_decref(out);
    return rc;
}

/* One route call that must succeed; its answer's body in *out (may be NULL). */
static int call(struct db *db, long long meeting, unsigned method, const char *path,
                json_t *body, const char *role, const json_t *reg, json_t **out, struct err *e)
{
    json_t *answer = NULL;
    int status = 0;

    if (plugin_route_run(db, meeting, "cultural-programme", method, path, body, role, reg,
                         &status, &answer, e) < 0)
        return -1;
    if (status >= 300) {
        char *text = json_dumps(answer, JSON_COMPACT);

        err_set(e, ERR_INTERNAL, NULL, "cultural-programme %s: %d %s", path, status,
                text ? text : "");
        free(text);
        json_decref(answer);
        return -1;
    }
    if (out)
        *out = answer;
    else
        json_decref(answer);
    return 0;
}

static int fill(struct db *db, long long meeting, struct err *e)
{
    long long ids[N_ACTIVITIES];
    json_t *regs = reg_list_json(db, meeting, "confirmed"), *r;
    size_t i;

    if (regs == NULL)
        return db_fail(db, e);
    for (i = 0; i < N_ACTIVITIES; i++) {
        long long venue = 0;
        json_t *body, *out = NULL;

        venue_find(db, activities[i].venue, &venue);
        body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "title_lv", activities[i].title_lv,
                         "title_en", activities[i].title_en, "kind", activities[i].kind,
                         "starts_at", activities[i].starts, "ends_at", activities[i].ends,
                         "capacity", activities[i].capacity);
        if (body && venue > 0)
            json_object_set_new(body, "venue_id", json_integer(venue));
        if (call(db, meeting, PLUGIN_POST, "/activities", body, "organizer", NULL, &out, e) < 0) {
            json_decref(body);
            json_decref(regs);
            return -1;
        }
        ids[i] = json_integer_value(json_object_get(out, "id"));
        json_decref(body);
        json_decref(out);
    }
    /* Most take one of Thursday's three and many the theatre; the Rothko
     * centre (15 seats) fills and keeps a waiting list. */
    json_array_foreach(regs, i, r) {
        char path[64];

        if (i % 7 == 6)
            continue; /* some take no part */
        snprintf(path, sizeof path, "/activities/%lld/signup",
                 ids[i % 5 == 1 || i % 5 == 3 ? 1 : (i % 2 ? 2 : 0)]);
        if (call(db, meeting, PLUGIN_POST, path, NULL, "participant", r, NULL, e) < 0)
            break;
        if (i % 2 == 0) {
            snprintf(path, sizeof path, "/activities/%lld/signup", ids[3]);
            if (call(db, meeting, PLUGIN_POST, path, NULL, "participant", r, NULL, e) < 0)
                break;
        }
    }
    json_decref(regs);
    return e->code == ERR_NONE ? 0 : -1;
}

int demo_plugins(struct db *db, long long meeting, long long now, struct err *e)
{
    struct plugin_set *set;
    json_t *out = NULL;
    int rc = -1;

    if (install(db, demo_plugin_cultural, now, e) < 0 || install(db, demo_plugin_quota, now, e) < 0)
        return -1;
    /* This thread runs the plugins it just installed. */
    if ((set = plugin_set_load(db, e)) == NULL)
        return -1;
    plugin_set_publish(set);
    if (plugin_meeting_put(db, meeting, "cultural-programme", NULL, now, "demo", &out, e) == 0 &&
        fill(db, meeting, e) == 0)
        rc = 0;
    json_decref(out);
    plugin_rt_free(); /* its vms hold statements on db */
    return rc;
}
