/* demo.c - the Daugavpils 2015 demo meeting; see demo.h. */
#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "agenda.h"
#include "agenda_script.h"
#include "directory.h"
#include "meeting.h"
#include "registration.h"
#include "venue.h"
#include "visit.h"

#define DEMO_TITLE "Izglītības un kultūras tīkla sanāksme Daugavpilī"
#define DEMO_PARTICIPANTS 53

static const char *const municipalities[] = {
    "Daugavpils pilsētas pašvaldība", "Rīgas pilsētas pašvaldība",
    "Jelgavas pilsētas pašvaldība", "Jūrmalas pilsētas pašvaldība",
    "Liepājas pilsētas pašvaldība", "Ventspils pilsētas pašvaldība",
    "Valmieras pilsētas pašvaldība", "Rēzeknes pilsētas pašvaldība",
    "Jēkabpils pilsētas pašvaldība", "Ogres novada pašvaldība",
    "Cēsu novada pašvaldība", "Siguldas novada pašvaldība",
    "Tukuma novada pašvaldība", "Kuldīgas novada pašvaldība",
    "Talsu novada pašvaldība", "Madonas novada pašvaldība",
    "Gulbenes novada pašvaldība", "Alūksnes novada pašvaldība",
    "Preiļu novada pašvaldība", "Krāslavas novada pašvaldība",
    "Ludzas novada pašvaldība", "Bauskas novada pašvaldība",
    "Dobeles novada pašvaldība", "Saldus novada pašvaldība",
};

static const struct {
    const char *name, *kind;
} institutions[] = {
    {"Latvijas Pašvaldību savienība", "association"},
    {"Daugavpils pilsētas Izglītības pārvalde", "agency"},
    {"Daugavpils Krievu vidusskola-licejs", "school"},
    {"J. Pilsudska Daugavpils valsts poļu ģimnāzija", "school"},
    {"Daugavpils Dizaina un mākslas vidusskola \"Saules skola\"", "school"},
    {"Marka Rotko mākslas centrs", "museum"},
    {"Daugavpils cietoksnis", "museum"},
};

static const char *const female_first[] = {"Ilze", "Inese", "Dace", "Kristīne",
    "Līga", "Ieva", "Anita", "Baiba", "Sandra", "Zane", "Gunta", "Māra", "Aija"};
static const char *const female_last[] = {"Bērziņa", "Kalniņa", "Ozola", "Jansone",
    "Liepiņa", "Kļaviņa", "Krūmiņa", "Zariņa", "Vītola", "Šmite", "Ābele",
    "Žagare", "Siliņa", "Čudare"};
static const char *const male_first[] = {"Jānis", "Andris", "Pēteris", "Māris",
    "Edgars", "Gatis", "Raivis", "Uldis", "Aigars", "Kārlis", "Ēriks"};
static const char *const male_last[] = {"Bērziņš", "Kalniņš", "Ozols", "Jansons",
    "Liepiņš", "Kļaviņš", "Krūmiņš", "Zariņš", "Vītols", "Šmits", "Ābols",
    "Žagars", "Siliņš", "Čudars"};
static const char *const positions[] = {"izglītības pārvaldes vadītāja",
    "izglītības speciālists", "skolas direktore", "domes priekšsēdētāja vietnieks",
    "attīstības nodaļas vadītājs", "kultūras nodaļas vadītāja"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* scripts/daugavpils-2015.lua, compiled in (see embed_text in CMakeLists). */
extern const char demo_agenda_script[];

static const char demo_meeting_json[] =
    "{\"title\": \"" DEMO_TITLE "\","
    " \"city\": \"Daugavpils\", \"starts_on\": \"2015-11-05\","
    " \"ends_on\": \"2015-11-06\", \"timezone\": \"Europe/Riga\","
    " \"capacity\": 60, \"status\": \"open\","
    " \"fields\": ["
    "  {\"key\": \"diet\", \"type\": \"choice\", \"required\": true,"
    "   \"label\": {\"lv\": \"Ēdienkarte\", \"en\": \"Diet\"},"
    "   \"options\": [\"any\", \"vegetarian\", \"vegan\", \"gluten_free\"]},"
    "  {\"key\": \"dinners\", \"type\": \"multi_choice\","
    "   \"label\": {\"lv\": \"Vakariņas\", \"en\": \"Dinners\"},"
    "   \"options\": [\"2015-11-05\", \"2015-11-06\"]},"
    "  {\"key\": \"cultural_programme\", \"type\": \"boolean\","
    "   \"label\": {\"lv\": \"Kultūras programma\", \"en\": \"Cultural programme\"}},"
    "  {\"key\": \"accessibility\", \"type\": \"text\", \"max_length\": 300,"
    "   \"label\": {\"lv\": \"Pieejamības vajadzības\", \"en\": \"Accessibility needs\"}}"
    " ]}";

static int demo_present(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id FROM meetings WHERE title = ?");
    long long id = 0;

    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, DEMO_TITLE, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return (int)id;
}

/* The three parallel school visits as one site-visit slot (the umbrella
 * item over the script's three tracks), 18 seats each, and the
 * participants' ranked choices: skewed, as real ones are (the Polish
 * Gymnasium is the most wanted), some people ranking only one or two
 * schools and every eleventh giving none. */
static int demo_site_visits(struct db *db, long long meeting, long long now, struct err *e)
{
    static const struct {
        const char *venue, *topic, *host;
    } options[] = {
        {"Daugavpils Russian Secondary School-Lyceum",
         "Working with talented pupils; organising teaching and upbringing", "Rita Ābele"},
        {"J. Pilsudski Daugavpils State Polish Gymnasium",
         "The multilingual school environment; a minority school in the city", "Daiga Sproģe"},
        {"Daugavpils Design and Art Secondary School “Saules skola”",
         "A municipal vocational school: programmes, the city theatre, the reconstruction",
         "Sandra Zvaigzne"},
    };
    /* Rankings (option indexes, most wanted first) handed out in turn. */
    static const int rankings[][3] = {{1, 2, 0}, {1, 0, 2}, {2, 1, 0}, {1, 2, -1},
                                      {0, 1, 2}, {1, -1, -1}, {2, 0, 1}, {1, 0, -1},
                                      {2, 1, -1}, {0, 2, 1}};
    sqlite3_stmt *st = db_stmt(db, "SELECT min(starts_local), max(ends_local) FROM agenda_items"
                                   " WHERE meeting_id = ? AND kind = 'site_visit'"
                                   " AND track IS NOT NULL");
    long long slot, option_ids[3], venue;
    json_t *in, *list, *slot_json;
    int rc, n = 0;

    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, meeting);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) {
        sqlite3_reset(st);
        return err_set(e, ERR_INTERNAL, NULL, "the demo agenda has no site visits");
    }
    in = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "starts_at",
                   (const char *)sqlite3_column_text(st, 0), "ends_at",
                   (const char *)sqlite3_column_text(st, 1), "title",
                   "Site visits: three schools at once", "description",
                   "Rank the three schools when you register; the organizers place "
                   "everyone before the meeting.", "options");
    sqlite3_reset(st);
    for (size_t i = 0; in && i < N(options); i++) {
        if (venue_find(db, options[i].venue, &venue) != 1) {
            json_decref(in);
            return err_set(e, ERR_INTERNAL, NULL, "demo venue missing: %s", options[i].venue);
        }
        json_array_append_new(json_object_get(in, "options"),
                              json_pack("{s:I, s:s, s:s, s:i}", "venue_id", (json_int_t)venue,
                                        "topic", options[i].topic, "host", options[i].host,
                                        "capacity", 18));
    }
    if (in == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    rc = visit_slot_create(db, meeting, in, now, "demo", &slot, e);
    json_decref(in);
    if (rc < 0 || (slot_json = visit_slot_json(db, meeting, slot, e)) == NULL)
        return -1;
    for (size_t i = 0; i < N(options); i++)
        option_ids[i] = json_integer_value(json_object_get(
            json_array_get(json_object_get(slot_json, "options"), i), "id"));
    json_decref(slot_json);
    st = db_stmt(db, "SELECT id FROM registrations WHERE meeting_id = ? AND status = 'confirmed'"
                     " ORDER BY id");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, meeting);
    rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        long long reg = sqlite3_column_int64(st, 0);
        const int *r = rankings[n % N(rankings)];
        char key[24];

        if (++n % 11 == 0)
            continue;
        list = json_array();
        for (int k = 0; k < 3 && r[k] >= 0; k++)
            json_array_append_new(list, json_integer(option_ids[r[k]]));
        snprintf(key, sizeof key, "%lld", slot);
        in = json_pack("{s:o}", key, list);
        rc = in ? visit_prefs_set(db, reg, meeting, in, e) : -1;
        json_decref(in);
    }
    sqlite3_reset(st);
    return rc;
}

static long long demo_fill(struct db *db, long long now, char *errbuf, size_t errsz)
{
    static const char *const diets[] = {"any", "any", "any", "vegetarian", "vegan",
                                        "gluten_free"};
    long long network, host, meeting, orgs[N(municipalities)];
    json_t *in;
    struct err e;
    char token[TOKEN_MAX_LEN + 1];

    network = dir_network_ensure(db, "Izglītības un kultūras tīkls", now);
    for (size_t i = 0; i < N(municipalities); i++) {
        orgs[i] = dir_org_ensure(db, municipalities[i], "municipality", now);
        if (orgs[i] < 0 || dir_network_add_member(db, network, orgs[i]) < 0)
            goto storage;
    }
    for (size_t i = 0; i < N(institutions); i++)
        if (dir_org_ensure(db, institutions[i].name, institutions[i].kind, now) < 0)
            goto storage;
    host = orgs[0];
    if (network < 0)
        goto storage;
    in = json_loads(demo_meeting_json, 0, NULL);
    if (in == NULL)
        goto storage;
    json_object_set_new(in, "network", json_integer(network));
    json_object_set_new(in, "host", json_integer(host));
    err_clear(&e);
    if (meeting_create(db, in, now, "demo", &meeting, &e) < 0) {
        json_decref(in);
        snprintf(errbuf, errsz, "demo meeting: %s", e.message);
        return -1;
    }
    json_decref(in);
    for (int i = 0; i < DEMO_PARTICIPANTS; i++) {
        int female = i % 2 == 0, k = i / 2;
        const char *first = female ? female_first[k % N(female_first)]
                                   : male_first[k % N(male_first)];
        const char *last = female ? female_last[(k * 5 + i) % N(female_last)]
                                  : male_last[(k * 5 + i) % N(male_last)];
        char email[64];
        struct registration r;

        /* Daugavpils sends a few more: it is the host. */
        size_t org = i < 6 ? 0 : (size_t)(i * 7) % N(municipalities);
        snprintf(email, sizeof email, "dalibnieks%02d@demo.invalid", i + 1);
        in = json_pack("{s:s, s:s, s:s, s:I, s:s, s:{s:s, s:[s], s:b}}",
                       "first_name", first, "last_name", last, "email", email,
                       "organisation_id", (json_int_t)orgs[org],
                       "position", positions[i % N(positions)],
                       "answers", "diet", diets[i % N(diets)],
                       "dinners", "2015-11-05", "cultural_programme", i % 3 != 0);
        if (in == NULL)
            goto storage;
        err_clear(&e);
        if (reg_create(db, meeting, in, now, &r, token, &e) < 0) {
            json_decref(in);
            snprintf(errbuf, errsz, "demo participant %d: %s", i + 1, e.message);
            return -1;
        }
        reg_clear(&r);
        json_decref(in);
    }
    {
        json_t *declared, *diff = NULL;
        err_clear(&e);
        declared = ascript_run(demo_agenda_script, strlen(demo_agenda_script),
                               "daugavpils-2015", &e);
        if (declared == NULL ||
            agenda_script_sync(db, meeting, "daugavpils-2015", declared, now, "demo",
                               &diff, &e) < 0) {
            json_decref(declared);
            snprintf(errbuf, errsz, "demo agenda: %s", e.message);
            return -1;
        }
        json_decref(declared);
        json_decref(diff);
    }
    err_clear(&e);
    /* One vehicle for each school's group: none is shared. */
    for (int i = 0; i < 3; i++) {
        long long vid;
        json_t *v = json_pack("{s:s, s:i}", "name", i < 2 ? (i ? "Autobuss 2" : "Autobuss 1")
                                                            : "Mikroautobuss",
                              "seats", i < 2 ? 30 : 20);

        if (v == NULL || vehicle_create(db, meeting, v, now, "demo", &vid, &e) < 0) {
            json_decref(v);
            snprintf(errbuf, errsz, "demo vehicles: %s", e.message);
            return -1;
        }
        json_decref(v);
    }
    if (demo_site_visits(db, meeting, now, &e) < 0) {
        snprintf(errbuf, errsz, "demo site visits: %s", e.message);
        return -1;
    }
    if (demo_plugins(db, meeting, now, &e) < 0) {
        snprintf(errbuf, errsz, "demo plugins: %s", e.message);
        return -1;
    }
    return meeting;
storage:
    snprintf(errbuf, errsz, "storage error: %s", db_errmsg(db));
    return -1;
}

long long demo_load(struct db *db, long long now, char *errbuf, size_t errsz)
{
    long long meeting;
    int present = demo_present(db);

    if (present < 0) {
        snprintf(errbuf, errsz, "storage error: %s", db_errmsg(db));
        return -1;
    }
    if (present > 0)
        return present;
    if (db_begin(db) < 0) {
        snprintf(errbuf, errsz, "storage error: %s", db_errmsg(db));
        return -1;
    }
    meeting = demo_fill(db, now, errbuf, errsz);
    if (meeting < 0 || db_commit(db) < 0) {
        db_rollback(db);
        if (meeting >= 0)
            snprintf(errbuf, errsz, "storage error: %s", db_errmsg(db));
        return -1;
    }
    return meeting;
}
