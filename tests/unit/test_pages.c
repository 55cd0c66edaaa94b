/* test_pages.c - unit tests for core/web's pages: every text of the locale
 * files reaches the HTML escaped (each text replaced by one with markup in
 * it, rendered on every page in both languages), and what the pages show of
 * their data: the host lists in Latvian and English with contacts, answers
 * and dates written each language's way; descriptions keep their line
 * breaks; the cultural programme's activities on a meeting's page. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "i18n.h"
#include "page_agenda.h"
#include "page_host_lists.h"
#include "page_public.h"
#include "web_assets.h"

#define MARK "<i>&\"'"
#define MARK_ESCAPED "&lt;i&gt;&amp;&quot;&#39;"

static json_t *meeting, *agenda, *slots, *orgs, *activities, *lists, *form;

static json_t *load(const char *text)
{
    json_error_t je;
    json_t *o = json_loads(text, 0, &je);

    ck_assert_msg(o != NULL, "bad test JSON: %s", je.text);
    return o;
}

static void data_setup(void)
{
    struct err e;

    ck_assert_int_eq(web_assets_init(), 0);
    ck_assert_msg(i18n_init(&e) == 0, "%s", e.message);
    meeting = load("{\"id\": 7, \"title\": \"Tīkla sanāksme\", \"city\": \"Daugavpils\","
                   " \"starts_on\": \"2015-11-05\", \"ends_on\": \"2015-11-06\","
                   " \"status\": \"open\", \"seats_left\": 5, \"capacity\": 60,"
                   " \"fields\": [{\"key\": \"diet\", \"type\": \"choice\", \"required\": true,"
                   "   \"label\": {\"lv\": \"Ēdiens\"}, \"options\": [\"zivs\", \"gaļa\"]}],"
                   " \"plugin_fields\": []}");
    agenda = load("{\"meeting\": 7, \"title\": \"Tīkla sanāksme\", \"timezone\": \"Europe/Riga\","
                  " \"days\": [{\"date\": \"2015-11-05\", \"items\": [{\"starts_at\":"
                  " \"2015-11-05T10:00\", \"ends_at\": \"2015-11-05T11:00\", \"kind\": \"talk\","
                  " \"title\": \"Atklāšana\", \"description\": \"Pirmā rinda\\nOtrā <rinda>\","
                  " \"speakers\": [{\"name\": \"Anna\", \"role\": \"vadītāja\"}]}]}]}");
    slots = load("[{\"id\": 3, \"title\": \"Vizītes\", \"starts_at\": \"2015-11-06T09:20\","
                 " \"ends_at\": \"2015-11-06T11:10\", \"options\": [{\"id\": 4, \"venue_name\":"
                 " \"Skola\", \"topic\": \"Temats\", \"host\": \"Rita\", \"capacity\": 2,"
                 " \"free\": 1}]}]");
    orgs = load("[{\"id\": 1, \"name\": \"Rēzeknes novada pašvaldība\"}]");
    activities = load("[{\"id\": 2, \"title_lv\": \"Cietoksnis\", \"title_en\": \"Fortress\","
                      " \"description_lv\": \"Tikšanās\\npie vārtiem\", \"description_en\": null,"
                      " \"kind\": \"tour\", \"starts_at\": \"2015-11-05T15:50\","
                      " \"ends_at\": \"2015-11-05T16:35\", \"venue\": \"Nikolaja vārti\","
                      " \"capacity\": 40, \"signed_up\": 40, \"waiting\": 2, \"free\": 0}]");
    lists = load("{\"slot\": 3, \"options\": [{\"id\": 4, \"venue_name\": \"Skola\","
                 " \"topic\": \"Temats\", \"host\": \"Rita\", \"capacity\": 18,"
                 " \"title\": \"Vizītes\", \"starts_at\": \"2015-11-06T09:20\","
                 " \"ends_at\": \"2015-11-06T11:10\", \"people\": [{\"registration_id\": 9,"
                 " \"first_name\": \"Ilze\", \"last_name\": \"Bērziņa\", \"organisation\":"
                 " \"Cēsu novads\", \"position\": \"speciāliste\", \"phone\": \"+371 29000000\","
                 " \"email\": \"ilze@example.lv\", \"answers\": {\"bus\": true,"
                 " \"day\": \"2015-11-05\", \"diet\": [\"zivs\", \"gaļa\"]}}]},"
                 " {\"id\": 5, \"venue_name\": \"Ģimnāzija\", \"topic\": \"\", \"host\": \"\","
                 " \"capacity\": 10, \"title\": \"Vizītes\", \"starts_at\": \"2015-11-06T09:20\","
                 " \"ends_at\": \"2015-11-06T11:10\", \"people\": []}]}");
    form = load("[{\"key\": \"bus\", \"type\": \"boolean\", \"label\": {\"lv\": \"Autobuss\","
                " \"en\": \"Bus\"}}, {\"key\": \"day\", \"type\": \"date\", \"label\":"
                " {\"lv\": \"Diena\"}}, {\"key\": \"diet\", \"type\": \"multi_choice\","
                " \"label\": {\"en\": \"Meals\"}, \"options\": [\"zivs\", \"gaļa\"]}]");
}

static void data_teardown(void)
{
    json_decref(meeting);
    json_decref(agenda);
    json_decref(slots);
    json_decref(orgs);
    json_decref(activities);
    json_decref(lists);
    json_decref(form);
    i18n_free();
    web_assets_free();
}

/* Every page in lang, as one malloc'd text each (NULL-terminated list). */
static void render_all(const char *lang, char *out[8])
{
    struct err e;
    json_t *home = json_pack("[O, {s:I, s:s, s:s, s:s, s:s, s:I, s:I}]", meeting, "id",
                             (json_int_t)8, "title", "Pilna", "starts_on", "2015-11-05",
                             "ends_on", "2015-11-05", "status", "open", "seats_left",
                             (json_int_t)0, "capacity", (json_int_t)1);
    int i = 0;

    out[i++] = page_home_html(lang, home, 1400000000, &e);
    out[i++] = page_meeting_html(lang, meeting, agenda, slots, orgs, activities, 1400000000, &e);
    out[i++] = page_agenda_html(agenda, lang, &e);
    out[i++] = page_host_lists_html(lists, form, lang, &e);
    out[i++] = page_manage_html(lang, &e);
    out[i++] = page_staff_html(lang, "organizer", &e);
    out[i++] = page_staff_html(lang, "admin", &e);
    out[i] = NULL;
    for (int j = 0; j < i; j++)
        ck_assert_msg(out[j] != NULL, "page %d (%s) did not render", j, lang);
    json_decref(home);
}

static void free_all(char *out[8])
{
    for (int j = 0; out[j]; j++)
        free(out[j]);
}

/* The texts of lang with MARK put in front of each. */
static json_t *marked(const char *lang)
{
    json_t *all = i18n_texts(lang, ""), *out = json_object(), *v;
    const char *k;

    json_object_foreach(all, k, v) {
        char *s = malloc(strlen(MARK) + json_string_length(v) + 1);

        ck_assert_ptr_nonnull(s);
        strcpy(s, MARK);
        strcat(s, json_string_value(v));
        json_object_set_new(out, k, json_string(s));
        free(s);
    }
    json_decref(all);
    return out;
}

START_TEST(test_every_text_escaped)
{
    static const char *const langs[] = {"lv", "en"};
    json_t *lv = marked("lv"), *en = marked("en");
    struct err e;
    char *pages[8];

    ck_assert_msg(i18n_use(lv, en, &e) == 0, "%s", e.message);
    for (size_t l = 0; l < 2; l++) {
        render_all(langs[l], pages);
        for (int j = 0; pages[j]; j++) {
            /* markup from a text never reaches the page; the texts do, escaped
             * (the data block writes '<' as \u003c) */
            ck_assert_msg(strstr(pages[j], "<i>") == NULL, "page %d (%s): %.80s", j, langs[l],
                          strstr(pages[j], "<i>"));
            ck_assert_msg(strstr(pages[j], MARK_ESCAPED) != NULL, "page %d (%s) shows no text",
                          j, langs[l]);
        }
        free_all(pages);
    }
}
END_TEST

START_TEST(test_host_lists_in_both_languages)
{
    struct err e;
    char *lv = page_host_lists_html(lists, form, "lv", &e);
    char *en = page_host_lists_html(lists, form, "en", &e);

    ck_assert_ptr_nonnull(lv);
    ck_assert_ptr_nonnull(en);
    ck_assert_ptr_nonnull(strstr(lv, "<html lang=\"lv\">"));
    ck_assert_ptr_nonnull(strstr(en, "<html lang=\"en\">"));
    /* contacts, answers (yes/no and dates in the language), dates and times */
    for (const char *const *s = (const char *const[]){"Tālrunis", "E-pasts", "Amats",
                                                      "+371 29000000", "ilze@example.lv",
                                                      "<td>jā</td>", "2015. gada 5. novembris",
                                                      "2015. gada 6. novembris, 09.20–11.10",
                                                      "zivs; gaļa", "Autobuss", "Diena", "Meals",
                                                      "Uzņēmējs: Rita", "1 / 18", NULL};
         *s; s++)
        ck_assert_msg(strstr(lv, *s) != NULL, "lv: no %s", *s);
    for (const char *const *s = (const char *const[]){"Phone", "E-mail", "Position", "<td>yes</td>",
                                                      "5 November 2015",
                                                      "6 November 2015, 09:20–11:10", "Bus",
                                                      "Diena", "Host: Rita", NULL};
         *s; s++)
        ck_assert_msg(strstr(en, *s) != NULL, "en: no %s", *s);
    /* no English chrome on the Latvian page, no Latvian on the English one */
    for (const char *const *s = (const char *const[]){"Host", "seats", "Name", "Organisation",
                                                      "Position", "yes", NULL};
         *s; s++)
        ck_assert_msg(strstr(lv, *s) == NULL, "lv has %s", *s);
    ck_assert_ptr_null(strstr(en, "Tālrunis"));
    ck_assert_ptr_null(strstr(en, "Uzņēmējs"));
    /* an option without people says so; one sheet an option */
    ck_assert_ptr_nonnull(strstr(lv, "Šajā grupā vēl neviena nav."));
    ck_assert_ptr_nonnull(strstr(lv, "<section class=\"pagebreak\"><h1 id=\"o-4\">Skola</h1>"));
    ck_assert_ptr_nonnull(strstr(lv, "<section><h1 id=\"o-5\">Ģimnāzija</h1>"));
    free(lv);
    free(en);
}
END_TEST

START_TEST(test_descriptions_keep_line_breaks)
{
    struct err e;
    char *a = page_agenda_html(agenda, "lv", &e);
    char *m = page_meeting_html("lv", meeting, agenda, slots, orgs, NULL, 1400000000, &e);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(m);
    /* the text as it is, escaped, in an element whose CSS keeps its lines */
    ck_assert_ptr_nonnull(strstr(a, "<div class=\"desc\">Pirmā rinda\nOtrā &lt;rinda&gt;</div>"));
    ck_assert_ptr_nonnull(strstr(m, "<div class=\"desc\">Pirmā rinda\nOtrā &lt;rinda&gt;</div>"));
    ck_assert_ptr_null(strstr(m, "id=\"activities\"")); /* none given, none shown */
    free(a);
    free(m);
}
END_TEST

START_TEST(test_meeting_shows_activities)
{
    struct err e;
    char *lv = page_meeting_html("lv", meeting, agenda, slots, orgs, activities, 1400000000, &e);
    char *en = page_meeting_html("en", meeting, agenda, slots, orgs, activities, 1400000000, &e);

    ck_assert_ptr_nonnull(lv);
    ck_assert_ptr_nonnull(en);
    for (const char *const *s = (const char *const[]){"<h2 id=\"activities\">Kultūras programma",
                                                      "data-activity=\"2\"", "<h3>Cietoksnis</h3>",
                                                      "ekskursija, 2015. gada 5. novembris, 15.50–16.35",
                                                      "Nikolaja vārti", "Brīvas vietas: 0 / 40",
                                                      "Vietu nav", "savā pieteikuma lapā",
                                                      "<p class=\"desc\">Tikšanās\npie vārtiem</p>",
                                                      NULL};
         *s; s++)
        ck_assert_msg(strstr(lv, *s) != NULL, "lv: no %s", *s);
    /* English: the English title, the Latvian description as the only one there is */
    for (const char *const *s = (const char *const[]){"Cultural programme", "<h3>Fortress</h3>",
                                                      "tour, 5 November 2015, 15:50–16:35",
                                                      "Free seats: 0 / 40", NULL};
         *s; s++)
        ck_assert_msg(strstr(en, *s) != NULL, "en: no %s", *s);
    free(lv);
    free(en);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("pages");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, data_setup, data_teardown);
    tcase_add_test(tc, test_every_text_escaped);
    tcase_add_test(tc, test_host_lists_in_both_languages);
    tcase_add_test(tc, test_descriptions_keep_line_breaks);
    tcase_add_test(tc, test_meeting_shows_activities);
    suite_add_tcase(s, tc);
    return s;
}
