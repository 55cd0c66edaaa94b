/* test_agenda_script.c - unit tests for core/agenda_script (the agenda DSL).
 *
 * Must never: place an item at a time other than the one the script says,
 * change a key when only a time changes, accept a script error without the
 * script's line, let the demo programme (scripts/daugavpils-2015.lua)
 * contradict itself, or grow worse than linearly with the items. */
#include "agenda_script.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

/* scripts/daugavpils-2015.lua, compiled into saiets_core. */
extern const char demo_agenda_script[];

static struct err e;

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &je);

    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, je.text);
    return v;
}

/* The default limits; under valgrind (SAIETS_NO_TIMING=1, seventy times
 * slower) the wall clock gets room so that the other budgets are tested. */
static json_t *run(const char *code, size_t len, const char *name)
{
    static const struct lsb_limits slow = {0, 0, 60000};

    return ascript_run_limits(code, len, name, getenv("SAIETS_NO_TIMING") ? &slow : NULL, &e);
}

static json_t *run_ok(const char *code)
{
    json_t *out;

    err_clear(&e);
    out = run(code, strlen(code), "agenda");
    ck_assert_msg(out != NULL, "%s\n-> %s", code, e.message);
    ck_assert_int_eq(e.code, ERR_NONE);
    return out;
}

/* The script must fail with a message that starts with `where` (e.g.
 * "agenda:3: ") and contains `what`. */
static void expect_error(const char *code, const char *where, const char *what)
{
    json_t *out;

    err_clear(&e);
    out = run(code, strlen(code), "agenda");
    ck_assert_msg(out == NULL, "accepted:\n%s", code);
    ck_assert_int_eq(e.code, ERR_SCRIPT);
    ck_assert_msg(strncmp(e.message, where, strlen(where)) == 0 && strstr(e.message, what),
                  "%s\n-> \"%s\"\nwant \"%s...%s\"", code, e.message, where, what);
}

static json_t *items(json_t *out) { return json_object_get(out, "items"); }

static const char *field(json_t *item, const char *name)
{
    return json_string_value(json_object_get(item, name));
}

/* The item with this title (must exist). */
static json_t *titled(json_t *out, const char *title)
{
    size_t i;
    json_t *it;

    json_array_foreach(items(out), i, it) {
        if (strcmp(field(it, "title"), title) == 0)
            return it;
    }
    ck_abort_msg("no item titled %s", title);
    return NULL;
}

/* "HH:MM-HH:MM" of the item titled so. */
static const char *span(json_t *out, const char *title)
{
    static char buf[32];
    json_t *it = titled(out, title);

    snprintf(buf, sizeof buf, "%s-%s", field(it, "starts_at") + 11, field(it, "ends_at") + 11);
    return buf;
}

#define HALL "venue \"Hall\" { kind = \"hall\", capacity = 80 }\n"
#define DAY HALL "day \"2015-11-05\"\n"

/* --- the language --------------------------------------------------------- */

START_TEST(test_output_is_exactly_the_format)
{
    json_t *out = run_ok("venue \"Hall\" { kind = \"hall\", capacity = 80, address = \"Rīgas 1\",\n"
                         "  lat = 55.87, lon = 26.52, contact_role = \"Host\" }\n"
                         "venue \"Yard\" {}\n"
                         "travel(\"Hall\", \"Yard\", 3)\n"
                         "day \"2015-11-05\"\n"
                         "at \"09:00\" { kind = \"opening\", title = \"Opening\", minutes = 20,\n"
                         "  venue = \"Hall\", track = \"main\", expected_attendance = 50,\n"
                         "  description = \"Line one\\nline two\",\n"
                         "  speakers = { \"Anna Zariņa\", { name = \"Jānis Ozols\", role = \"Mayor\",\n"
                         "    organisation = \"City\" } } }\n"
                         "at \"10:00\" { kind = \"break\", title = \"Coffee\", ends = \"10:15\" }\n");
    json_t *want = J("{\"venues\": [{\"name\": \"Hall\", \"kind\": \"hall\", \"capacity\": 80,"
                     "  \"address\": \"Rīgas 1\", \"lat\": 55.87, \"lon\": 26.52,"
                     "  \"contact_role\": \"Host\"}, {\"name\": \"Yard\"}],"
                     " \"travel\": [{\"from\": \"Hall\", \"to\": \"Yard\", \"minutes\": 3}],"
                     " \"items\": ["
                     "  {\"key\": \"2015-11-05/opening\", \"starts_at\": \"2015-11-05T09:00\","
                     "   \"ends_at\": \"2015-11-05T09:20\", \"kind\": \"opening\","
                     "   \"title\": \"Opening\", \"venue\": \"Hall\", \"track\": \"main\","
                     "   \"expected_attendance\": 50, \"description\": \"Line one\\nline two\","
                     "   \"speakers\": [{\"name\": \"Anna Zariņa\"}, {\"name\": \"Jānis Ozols\","
                     "     \"role\": \"Mayor\", \"organisation\": \"City\"}]},"
                     "  {\"key\": \"2015-11-05/coffee\", \"starts_at\": \"2015-11-05T10:00\","
                     "   \"ends_at\": \"2015-11-05T10:15\", \"kind\": \"break\","
                     "   \"title\": \"Coffee\"}]}");

    ck_assert_msg(json_equal(out, want), "%s", json_dumps(out, JSON_SORT_KEYS));
    json_decref(want);
    json_decref(out);
    /* Nothing declared: three empty lists. */
    out = run_ok("-- nothing yet\n");
    want = J("{\"venues\": [], \"travel\": [], \"items\": []}");
    ck_assert(json_equal(out, want));
    json_decref(want);
    json_decref(out);
}
END_TEST

START_TEST(test_at_and_after)
{
    json_t *out = run_ok(DAY
                         "at \"9:30\" { kind = \"opening\", title = \"A\", minutes = 15 }\n"
                         "after { kind = \"talk\", title = \"B\", minutes = 20 }\n"
                         "after { kind = \"talk\", title = \"C\", ends = \"10:30\", gap = 10 }\n"
                         "at \"12:00\" { kind = \"meal\", title = \"D\", [\"until\"] = \"13:00\" }\n"
                         "at(\"14:00\", { kind = \"talk\", title = \"E\", minutes = 5 })\n");

    ck_assert_str_eq(span(out, "A"), "09:30-09:45");
    ck_assert_str_eq(span(out, "B"), "09:45-10:05");
    ck_assert_str_eq(span(out, "C"), "10:15-10:30");
    ck_assert_str_eq(span(out, "D"), "12:00-13:00");
    ck_assert_str_eq(span(out, "E"), "14:00-14:05");
    json_decref(out);
}
END_TEST

START_TEST(test_tracks_fork_and_join)
{
    /* Two parallel tracks follow the plenary; the plenary resumes after the
     * later of them; items come out by time, then track. */
    json_t *out = run_ok(DAY
                         "at \"09:00\" { kind = \"travel\", title = \"Bus\", minutes = 20 }\n"
                         "after { kind = \"site_visit\", title = \"A1\", minutes = 60, track = \"A\" }\n"
                         "after { kind = \"site_visit\", title = \"B1\", minutes = 30, track = \"B\" }\n"
                         "after { kind = \"site_visit\", title = \"B2\", minutes = 45, track = \"B\", gap = 5 }\n"
                         "after { kind = \"site_visit\", title = \"A2\", minutes = 10, track = \"A\" }\n"
                         "after { kind = \"talk\", title = \"Together\", minutes = 30 }\n"
                         "after { kind = \"talk\", title = \"Again\", minutes = 30, track = \"A\" }\n");
    const char *order[] = {"Bus", "A1", "B1", "B2", "A2", "Together", "Again"};

    ck_assert_str_eq(span(out, "A1"), "09:20-10:20");
    ck_assert_str_eq(span(out, "B1"), "09:20-09:50");
    ck_assert_str_eq(span(out, "B2"), "09:55-10:40");
    ck_assert_str_eq(span(out, "A2"), "10:20-10:30");
    ck_assert_str_eq(span(out, "Together"), "10:40-11:10");
    ck_assert_str_eq(span(out, "Again"), "11:10-11:40"); /* forks again from "Together" */
    for (size_t i = 0; i < 7; i++)
        ck_assert_str_eq(field(json_array_get(items(out), i), "title"), order[i]);
    ck_assert_str_eq(field(titled(out, "A1"), "track"), "A");
    json_decref(out);
}
END_TEST

START_TEST(test_shift_moves_the_rest_of_the_day)
{
    json_t *out = run_ok(DAY
                         "at \"10:00\" { kind = \"opening\", title = \"A\", minutes = 20 }\n"
                         "shift \"+15\"\n"
                         "after { kind = \"talk\", title = \"B\", minutes = 20 }\n"
                         "at \"11:00\" { kind = \"talk\", title = \"C\", ends = \"11:30\" }\n"
                         "shift(-5)\n"
                         "after { kind = \"talk\", title = \"D\", minutes = 10 }\n"
                         "shift \"+1:00\"\n"
                         "at \"12:00\" { kind = \"meal\", title = \"E\", minutes = 30 }\n"
                         "day \"2015-11-06\"\n"
                         "at \"10:00\" { kind = \"talk\", title = \"F\", minutes = 10 }\n");

    ck_assert_str_eq(span(out, "A"), "10:00-10:20"); /* before the shift: stays */
    ck_assert_str_eq(span(out, "B"), "10:35-10:55");
    ck_assert_str_eq(span(out, "C"), "11:15-11:45");
    ck_assert_str_eq(span(out, "D"), "11:40-11:50");
    ck_assert_str_eq(span(out, "E"), "13:10-13:40"); /* +15 - 5 + 60 */
    ck_assert_str_eq(span(out, "F"), "10:00-10:10"); /* a shift ends with its day */
    json_decref(out);
    expect_error(DAY "shift \"+13:00\"", "agenda:3: ", "at most 12 hours");
    expect_error(DAY "shift \"soon\"", "agenda:3: ", "shift takes minutes");
    expect_error(HALL "shift \"+5\"", "agenda:2: ", "before any day");
}
END_TEST

START_TEST(test_series_with_a_break_pattern)
{
    json_t *out = run_ok(DAY
                         "local coffee = template { kind = \"break\", title = \"Coffee\", minutes = 15 }\n"
                         "series {\n"
                         "  at = \"09:00\", kind = \"talk\", minutes = 30, gap = 5, venue = \"Hall\",\n"
                         "  break_every = 2, break_with = coffee,\n"
                         "  { title = \"T1\" }, { title = \"T2\" }, { title = \"T3\", minutes = 45 },\n"
                         "  { title = \"T4\", kind = \"discussion\" }, { title = \"T5\" },\n"
                         "}\n"
                         "after(coffee { title = \"Long coffee\", minutes = 30 })\n");
    const char *keys[] = {"2015-11-05/t1", "2015-11-05/t2", "2015-11-05/coffee",
                          "2015-11-05/t3", "2015-11-05/t4", "2015-11-05/coffee#2",
                          "2015-11-05/t5", "2015-11-05/long-coffee"};
    json_t *list = items(out);

    ck_assert_uint_eq(json_array_size(list), 8);
    for (size_t i = 0; i < 8; i++)
        ck_assert_str_eq(field(json_array_get(list, i), "key"), keys[i]);
    ck_assert_str_eq(span(out, "T1"), "09:00-09:30");
    ck_assert_str_eq(span(out, "T2"), "09:35-10:05");
    ck_assert_str_eq(field(json_array_get(list, 2), "starts_at"), "2015-11-05T10:05");
    ck_assert_str_eq(field(json_array_get(list, 2), "venue"), "Hall"); /* inherited */
    ck_assert_str_eq(span(out, "T3"), "10:20-11:05");
    ck_assert_str_eq(field(titled(out, "T4"), "kind"), "discussion");
    ck_assert_str_eq(span(out, "T4"), "11:10-11:40");
    ck_assert_str_eq(field(json_array_get(list, 5), "ends_at"), "2015-11-05T11:55");
    ck_assert_str_eq(span(out, "T5"), "11:55-12:25");
    ck_assert_str_eq(span(out, "Long coffee"), "12:25-12:55");
    json_decref(out);
    expect_error(DAY "series { at = \"09:00\", kind = \"talk\", minutes = 10,\n"
                     "  { title = \"a\" }, { title = \"b\", kind = \"x\" } }",
                 "agenda:3: series item 2: ", "kind \"x\" is not one of");
    expect_error(DAY "series { at = \"09:00\", break_every = 2, { title = \"a\" } }", "agenda:3: ",
                 "break_every and break_with together");
    expect_error(DAY "series { at = \"09:00\" }", "agenda:3: ", "series has no items");
}
END_TEST

START_TEST(test_keys)
{
    const char *a = DAY
        "at \"10:00\" { kind = \"opening\", title = \"Atklāšana: Daugavpils!\", minutes = 20 }\n"
        "at \"11:00\" { kind = \"break\", title = \"Kafijas pauze\", minutes = 15 }\n"
        "at \"13:00\" { kind = \"break\", title = \"Kafijas pauze\", minutes = 15 }\n"
        "at \"15:00\" { kind = \"talk\", title = \"Ziņojums\", minutes = 15, key = \"report\" }\n";
    /* The same programme with every time changed. */
    const char *b = DAY
        "at \"10:30\" { kind = \"opening\", title = \"Atklāšana: Daugavpils!\", minutes = 25 }\n"
        "after { kind = \"break\", title = \"Kafijas pauze\", minutes = 20 }\n"
        "at \"14:00\" { kind = \"break\", title = \"Kafijas pauze\", ends = \"14:30\" }\n"
        "shift \"+10\"\n"
        "at \"15:00\" { kind = \"talk\", title = \"Ziņojums\", minutes = 15, key = \"report\" }\n";
    const char *want[] = {"2015-11-05/atklasana-daugavpils", "2015-11-05/kafijas-pauze",
                          "2015-11-05/kafijas-pauze#2", "report"};
    json_t *x = run_ok(a), *y = run_ok(b), *z;

    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(field(json_array_get(items(x), i), "key"), want[i]);
        ck_assert_str_eq(field(json_array_get(items(y), i), "key"), want[i]);
    }
    ck_assert_str_ne(field(json_array_get(items(x), 0), "starts_at"),
                     field(json_array_get(items(y), 0), "starts_at"));
    json_decref(x);
    json_decref(y);
    /* An explicit key wins, and a derived key steps around it; the same
     * title on another day is another key; non-Latin letters stay. */
    z = run_ok(DAY
               "at \"09:00\" { kind = \"talk\", title = \"Intro\", minutes = 5, key = \"2015-11-05/intro\" }\n"
               "at \"10:00\" { kind = \"talk\", title = \"Intro\", minutes = 5 }\n"
               "at \"11:00\" { kind = \"talk\", title = \"Доклад – “Итоги”\", minutes = 5 }\n"
               "at \"12:00\" { kind = \"talk\", title = \"???\", minutes = 5 }\n"
               "day \"2015-11-06\"\n"
               "at \"10:00\" { kind = \"talk\", title = \"Intro\", minutes = 5 }\n");
    ck_assert_str_eq(field(json_array_get(items(z), 0), "key"), "2015-11-05/intro");
    ck_assert_str_eq(field(json_array_get(items(z), 1), "key"), "2015-11-05/intro#2");
    ck_assert_str_eq(field(json_array_get(items(z), 2), "key"), "2015-11-05/Доклад-Итоги");
    ck_assert_str_eq(field(json_array_get(items(z), 3), "key"), "2015-11-05/item");
    ck_assert_str_eq(field(json_array_get(items(z), 4), "key"), "2015-11-06/intro");
    json_decref(z);
    /* An explicit key may not repeat one already used, derived or not. */
    expect_error(DAY "at \"09:00\" { kind = \"talk\", title = \"Intro\", minutes = 5 }\n"
                     "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 5,"
                     " key = \"2015-11-05/intro\" }",
                 "agenda:4: ", "duplicate key \"2015-11-05/intro\" (first used on line 3)");
}
END_TEST

/* --- script errors carry the script's line -------------------------------- */

START_TEST(test_errors_with_lines)
{
    expect_error(DAY "at \"10:00\" { kind = \"speech\", title = \"X\", minutes = 10 }",
                 "agenda:3: ", "kind \"speech\" is not one of opening talk lecture");
    expect_error(DAY "\nat \"25:00\" { kind = \"talk\", title = \"X\", minutes = 10 }",
                 "agenda:4: ", "bad time \"25:00\"");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", ends = \"10:60\" }",
                 "agenda:3: ", "bad time \"10:60\"");
    expect_error(HALL "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 10 }",
                 "agenda:2: ", "comes before any day");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 10,\n"
                     "  day = \"2015-11-07\" }",
                 "agenda:3: ", "2015-11-07, which is not a declared day");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 10, key = \"k\" }\n"
                     "at \"11:00\" { kind = \"talk\", title = \"Y\", minutes = 10, key = \"k\" }",
                 "agenda:4: ", "duplicate key \"k\" (first used on line 3)");
    expect_error(DAY "at \"10:00\" {\n  kind = \"talk\",\n  title = \"X\",\n  ends = \"09:30\",\n}",
                 "agenda:3: ", "\"X\" ends at 09:30, not after it starts at 10:00");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", ends = \"10:00\" }",
                 "agenda:3: ", "not after it starts");
    expect_error(DAY "at \"23:50\" { kind = \"talk\", title = \"X\", minutes = 20 }",
                 "agenda:3: ", "would end after midnight");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 10, ends = \"11:00\" }",
                 "agenda:3: ", "give minutes or ends, not both");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\" }", "agenda:3: ",
                 "needs minutes = N or ends");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", minutes = 10 }", "agenda:3: ",
                 "title must be text");
    expect_error(DAY "at \"10:00\" { title = \"X\", minutes = 10 }", "agenda:3: ", "needs kind");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", tittle = \"X\", minutes = 10 }",
                 "agenda:3: ", "unknown field \"tittle\"");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 10, venue = \"Hal\" }",
                 "agenda:3: ", "unknown venue \"Hal\"");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 0 }",
                 "agenda:3: ", "minutes must be a whole number from 1 to 1440");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = \"10\" }",
                 "agenda:3: ", "minutes must be a whole number");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 10,\n"
                     "  speakers = { { name = \"A\", organization = \"B\" } } }",
                 "agenda:3: ", "speaker 1: unknown field \"organization\"");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 10,\n"
                     "  description = function() end }",
                 "agenda:3: ", "description must be text, not a function");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"X\\1\", minutes = 10 }",
                 "agenda:3: ", "title contains a control character");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"\\xff\", minutes = 10 }",
                 "agenda:3: ", "title is not valid UTF-8");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = string.rep(\"ā\", 201), minutes = 10 }",
                 "agenda:3: ", "title is longer than 200 characters");
    expect_error(DAY "at \"10:00\" { kind = \"talk\", title = \"   \", minutes = 10 }",
                 "agenda:3: ", "title is empty");
    /* A forgotten item table is reported at its own line. */
    expect_error(DAY "at \"10:00\"\n\nat \"11:00\" { kind = \"talk\", title = \"Y\", minutes = 10 }",
                 "agenda:3: ", "at \"10:00\" has no item table");
    expect_error(DAY "\nat \"10:00\"", "agenda:4: ", "has no item table");
    expect_error(DAY "after { kind = \"talk\", title = \"Y\", minutes = 10 }", "agenda:3: ",
                 "after: nothing comes before it on 2015-11-05");
    expect_error(DAY "day \"2015-02-29\"", "agenda:3: ", "bad date \"2015-02-29\"");
    expect_error(DAY "venue \"Hall\" {}", "agenda:3: ", "venue \"Hall\" is declared twice");
    expect_error(DAY "venue \"Yard\" { kind = \"park\" }", "agenda:3: ", "kind \"park\" is not one of");
    expect_error(DAY "venue \"Yard\" { capacity = -1 }", "agenda:3: ", "capacity must be");
    expect_error(DAY "venue \"Yard\" { lat = 55 }", "agenda:3: ", "give both lat and lon");
    expect_error(DAY "travel(\"Hall\", \"Nowhere\", 5)", "agenda:3: ", "unknown venue \"Nowhere\"");
    expect_error(DAY "travel(\"Hall\", \"Hall\", 5)", "agenda:3: ", "to itself");
    /* Lua's own errors, and errors inside the script's functions. */
    expect_error(DAY "local x\nx.y = 1", "agenda:4: ", "attempt to index a nil value");
    expect_error(DAY "x = = 1", "agenda:3: ", "unexpected symbol");
    expect_error(DAY "local function item(t)\n  local key = at \"10:00\" (t)\n  return key\nend\n"
                     "item { kind = \"talk\", title = \"X\" }",
                 "agenda:4: ", "needs minutes = N or ends");
    /* A tail call leaves no frame of its own: the caller's line. */
    expect_error(DAY "local function item(t)\n  return at \"10:00\" (t)\nend\n"
                     "item { kind = \"talk\", title = \"X\" }",
                 "agenda:6: ", "needs minutes = N or ends");
    expect_error(DAY "error(\"stop here\")", "agenda:3: ", "stop here");
}
END_TEST

START_TEST(test_budgets_and_limits)
{
    struct lsb_limits quick = {0, 4000000000UL, 30};
    char *big;
    json_t *out;

    expect_error(DAY "\nwhile true do end", "agenda:4: ", LSB_MSG_INSTRUCTIONS);
    expect_error(DAY "while true do pcall(function() while true do end end) end", "agenda:3: ",
                 LSB_MSG_INSTRUCTIONS);
    expect_error(DAY "local t = {} for i = 1, 1e9 do t[i] = {} end", "agenda: ", LSB_MSG_MEMORY);
    /* string.rep refuses before allocating, so it can name the line */
    expect_error(DAY "local s = string.rep(\"x\", 1e9)", "agenda:3: ", LSB_MSG_MEMORY);
    err_clear(&e);
    ck_assert_ptr_null(ascript_run_limits("while true do end", 17, "agenda", &quick, &e));
    ck_assert_str_eq(e.message, "agenda:1: " LSB_MSG_TIME);
    /* Bytecode is refused. */
    err_clear(&e);
    ck_assert_ptr_null(ascript_run("\033Lua\x54", 5, "agenda", &e));
    ck_assert_msg(strstr(e.message, "binary chunk") != NULL, "%s", e.message);
    /* Over 1 MiB of text, and no text at all. */
    big = malloc(ASCRIPT_CODE_MAX + 2);
    ck_assert_ptr_nonnull(big);
    memset(big, ' ', ASCRIPT_CODE_MAX + 1);
    big[ASCRIPT_CODE_MAX + 1] = '\0';
    err_clear(&e);
    ck_assert_ptr_null(ascript_run(big, ASCRIPT_CODE_MAX + 1, "agenda", &e));
    ck_assert_int_eq(e.code, ERR_SCRIPT);
    free(big);
    err_clear(&e);
    ck_assert_ptr_null(ascript_run(NULL, 0, "agenda", &e));
    ck_assert_int_eq(e.code, ERR_SCRIPT);
    /* A byte-order mark is skipped. */
    out = run_ok("\xEF\xBB\xBF" DAY);
    json_decref(out);
    /* Messages stay valid UTF-8 for the JSON answer: the script's bad
     * bytes become '?', control characters spaces, and a long message is
     * cut between two characters. */
    {
        const char *bad = "error('bad \\xff\\xc4 and\\nnew line', 0)";
        const char *longer = "error(string.rep('ā', 300), 0)";

        err_clear(&e);
        ck_assert_ptr_null(ascript_run(bad, strlen(bad), "agenda", &e));
        ck_assert_str_eq(e.message, "agenda:1: bad ?? and new line");
        err_clear(&e);
        ck_assert_ptr_null(ascript_run(longer, strlen(longer), "agenda", &e));
    }
    /* "agenda:1: " and as many of the 300 as fit, whole */
    ck_assert_uint_ge(strlen(e.message), sizeof e.message - 3);
    ck_assert_uint_lt(strlen(e.message), sizeof e.message);
    {
        json_t *as_json = json_string(e.message); /* NULL for invalid UTF-8 */

        ck_assert_ptr_nonnull(as_json);
        json_decref(as_json);
    }
    /* A long name (Lua would cut it) is whole in the message. */
    err_clear(&e);
    ck_assert_ptr_null(ascript_run("\n\nerror('x')", 12,
                                   "a-very-long-script-name-for-the-second-day-of-the-meeting-2015",
                                   &e));
    ck_assert_str_eq(e.message,
                     "a-very-long-script-name-for-the-second-day-of-the-meeting-2015:3: x");
}
END_TEST

START_TEST(test_script_cannot_tamper_with_the_dsl)
{
    /* Redefining library functions or DSL globals changes only the script's
     * own view: the prelude keeps what it took before the script ran. */
    json_t *out = run_ok(DAY
                         "string.format = nil; string.match = nil; string.gsub = nil\n"
                         "utf8.len = function() return 0 end; table.sort = nil; tostring = nil\n"
                         "getmetatable = nil; setmetatable = nil; pairs = nil\n"
                         "local my_at = at\n"
                         "at = function() error('no') end\n"
                         "my_at \"10:00\" { kind = \"talk\", title = \"Still fine\", minutes = 10 }\n");

    ck_assert_str_eq(span(out, "Still fine"), "10:00-10:10");
    json_decref(out);
    /* An item's fields are the table's own (pairs), never what a metatable
     * makes up, and what is kept is a checked copy. */
    expect_error(DAY "local spec = setmetatable({ kind = \"talk\", minutes = 10 },\n"
                     "  { __index = function(_, k) if k == \"title\" then return \"Lazy\" end end })\n"
                     "at \"10:00\" (spec)",
                 "agenda:5: ", "title must be text");
    out = run_ok(DAY
                 "local who = { name = \"Anna\" }\n"
                 "local spec = { kind = \"talk\", title = \"T\", minutes = 10, speakers = { who } }\n"
                 "at \"10:00\" (spec)\n"
                 "who.name = \"Changed\"; spec.title = \"Changed\"\n");
    ck_assert_str_eq(field(json_array_get(items(out), 0), "title"), "T");
    ck_assert_str_eq(field(json_array_get(json_object_get(json_array_get(items(out), 0), "speakers"), 0),
                           "name"),
                     "Anna");
    json_decref(out);
}
END_TEST

/* --- the demo programme --------------------------------------------------- */

/* Minutes since 2015-11-01 00:00 of "2015-11-DDTHH:MM". */
static int minutes_of(const char *t)
{
    return (atoi(t + 8) - 1) * 1440 + atoi(t + 11) * 60 + atoi(t + 14);
}

static long long capacity_of(json_t *out, const char *venue)
{
    size_t i;
    json_t *v;

    json_array_foreach(json_object_get(out, "venues"), i, v) {
        if (strcmp(field(v, "name"), venue) == 0)
            return json_integer_value(json_object_get(v, "capacity")); /* 0: unknown */
    }
    return -1;
}

static int travel_of(json_t *out, const char *a, const char *b)
{
    size_t i;
    json_t *t;

    json_array_foreach(json_object_get(out, "travel"), i, t) {
        if ((strcmp(field(t, "from"), a) == 0 && strcmp(field(t, "to"), b) == 0) ||
            (strcmp(field(t, "from"), b) == 0 && strcmp(field(t, "to"), a) == 0))
            return (int)json_integer_value(json_object_get(t, "minutes"));
    }
    return -1;
}

static int shares_speaker(json_t *x, json_t *y)
{
    size_t i, j;
    json_t *a, *b;

    json_array_foreach(json_object_get(x, "speakers"), i, a) {
        json_array_foreach(json_object_get(y, "speakers"), j, b) {
            if (strcmp(field(a, "name"), field(b, "name")) == 0)
                return 1;
        }
    }
    return 0;
}

static int plenary(json_t *it) { return field(it, "track") == NULL; }

/* The same checks as the server's (agenda_find_problems): one venue or one
 * speaker in two items at once, too little time to travel between
 * consecutive items of a track (its items and the plenary ones), more
 * people than seats (plenary items expect `plenary` people).  Returns how
 * many problems, printing each. */
static int conflicts(json_t *out, long long plenary_expected)
{
    json_t *list = items(out), *x, *y;
    size_t n = json_array_size(list), i, j;
    int problems = 0;
    const char *tracks[8] = {NULL};
    size_t ntracks = 1; /* tracks[0] = NULL: the plenary sequence alone */

    for (i = 0; i < n; i++) {
        x = json_array_get(list, i);
        for (j = i + 1; j < n; j++) {
            y = json_array_get(list, j);
            if (!(minutes_of(field(x, "starts_at")) < minutes_of(field(y, "ends_at")) &&
                  minutes_of(field(y, "starts_at")) < minutes_of(field(x, "ends_at"))))
                continue;
            if (field(x, "venue") && field(y, "venue") &&
                strcmp(field(x, "venue"), field(y, "venue")) == 0) {
                printf("venue twice: %s / %s\n", field(x, "title"), field(y, "title"));
                problems++;
            }
            if (shares_speaker(x, y)) {
                printf("speaker twice: %s / %s\n", field(x, "title"), field(y, "title"));
                problems++;
            }
        }
        if (!plenary(x)) {
            size_t k;

            for (k = 1; k < ntracks && strcmp(tracks[k], field(x, "track")) != 0; k++)
                ;
            if (k == ntracks && ntracks < 8)
                tracks[ntracks++] = field(x, "track");
        }
        {
            json_t *seats = json_object_get(x, "expected_attendance");
            long long want = seats ? json_integer_value(seats) : plenary(x) ? plenary_expected : -1;
            long long cap = field(x, "venue") ? capacity_of(out, field(x, "venue")) : 0;

            if (cap > 0 && want > cap) {
                printf("over capacity: %s\n", field(x, "title"));
                problems++;
            }
        }
    }
    for (size_t t = 0; t < ntracks; t++) {
        json_t *prev = NULL;

        for (i = 0; i < n; i++) {
            x = json_array_get(list, i);
            if (!field(x, "venue") ||
                !(plenary(x) || (tracks[t] && strcmp(field(x, "track"), tracks[t]) == 0)))
                continue;
            if (prev && strcmp(field(prev, "venue"), field(x, "venue")) != 0) {
                int gap = minutes_of(field(x, "starts_at")) - minutes_of(field(prev, "ends_at"));
                int need = travel_of(out, field(prev, "venue"), field(x, "venue"));

                if (need < 0 || gap < need) {
                    printf("travel: %s -> %s: %d < %d\n", field(prev, "title"),
                           field(x, "title"), gap, need);
                    problems++;
                }
            }
            prev = x;
        }
    }
    return problems;
}

START_TEST(test_conflict_check_finds_conflicts)
{
    /* The checker below must see what it is meant to catch. */
    json_t *out = run_ok("venue \"A\" { capacity = 10 }\nvenue \"B\" {}\ntravel(\"A\", \"B\", 15)\n"
                         "day \"2015-11-05\"\n"
                         "at \"09:00\" { kind = \"talk\", title = \"1\", minutes = 30, venue = \"A\",\n"
                         "  speakers = { \"Ieva\" } }\n"
                         "at \"09:15\" { kind = \"talk\", title = \"2\", minutes = 30, venue = \"A\",\n"
                         "  track = \"x\", expected_attendance = 5 }\n"
                         "at \"09:20\" { kind = \"talk\", title = \"3\", minutes = 5, venue = \"B\",\n"
                         "  track = \"y\", speakers = { \"Ieva\" } }\n");

    /* venue twice (1/2), speaker twice (1/3), travel 1 -> 3 (track y),
     * travel 2 -> ... none, over capacity (1: 20 > 10). */
    ck_assert_int_eq(conflicts(out, 20), 4);
    json_decref(out);
}
END_TEST

START_TEST(test_daugavpils_programme)
{
    json_t *out, *it;
    int on5 = 0, on6 = 0, visits = 0, cultural = 0;
    size_t i, n;

    err_clear(&e);
    out = run(demo_agenda_script, strlen(demo_agenda_script), "daugavpils-2015");
    ck_assert_msg(out != NULL, "%s", e.message);
    n = json_array_size(items(out));
    ck_assert_uint_eq(n, 26); /* the cultural programme is the plugin's (demo.c) */
    ck_assert_uint_eq(json_array_size(json_object_get(out, "venues")), 7);
    ck_assert_uint_eq(json_array_size(json_object_get(out, "travel")), 11);
    json_array_foreach(items(out), i, it) {
        const char *kind = field(it, "kind");

        if (strncmp(field(it, "starts_at"), "2015-11-05T", 11) == 0)
            on5++;
        if (strncmp(field(it, "starts_at"), "2015-11-06T", 11) == 0)
            on6++;
        visits += strcmp(kind, "site_visit") == 0;
        cultural += strcmp(kind, "cultural") == 0;
        ck_assert_int_lt(strcmp(field(it, "starts_at"), field(it, "ends_at")), 0);
        /* Every venue an item names is declared. */
        if (field(it, "venue"))
            ck_assert_int_ge(capacity_of(out, field(it, "venue")), 0);
    }
    ck_assert_int_eq(on5, 14);
    ck_assert_int_eq(on6, 12);
    ck_assert_int_eq(visits, 6); /* three parallel visits, two parts each */
    ck_assert_int_eq(cultural, 0);
    ck_assert_str_eq(field(json_array_get(items(out), 0), "kind"), "other");
    ck_assert_str_eq(field(json_array_get(items(out), 1), "kind"), "opening");
    /* The three school visits run at the same time, in three tracks. */
    ck_assert_str_eq(field(titled(out, "Working with talented pupils"), "starts_at"),
                     field(titled(out, "A multilingual school environment"), "starts_at"));
    ck_assert_str_eq(field(titled(out, "A multilingual school environment"), "track"),
                     "B: Polish Gymnasium");
    /* No conflicts of its own, with the demo's 53 confirmed participants. */
    ck_assert_int_eq(conflicts(out, 53), 0);
    json_decref(out);
}
END_TEST

/* --- size ----------------------------------------------------------------- */

/* A programme of n talks: 40 a day, coffee after every sixth, two halls,
 * speakers and descriptions, a parallel track in the afternoon.  *total
 * gets the number of items with the coffee breaks. (bench/agenda_bench.py
 * times the same shape of script over HTTP.) */
static char *generated(int n, int *total)
{
    size_t cap = (size_t)n * 400 + 4096, len = 0;
    char *s = malloc(cap);
    int made = 0;

    ck_assert_ptr_nonnull(s);
    *total = 0;
    len += (size_t)snprintf(s + len, cap - len,
                            "venue \"Hall A\" { kind = \"hall\", capacity = 200 }\n"
                            "venue \"Hall B\" { kind = \"hall\", capacity = 100 }\n"
                            "travel(\"Hall A\", \"Hall B\", 5)\n"
                            "local coffee = template { kind = \"break\", title = \"Coffee\","
                            " minutes = 15, venue = \"Hall A\" }\n");
    for (int d = 0; made < n; d++) {
        len += (size_t)snprintf(s + len, cap - len, "day \"2016-%02d-%02d\"\n", 1 + d / 28,
                                1 + d % 28);
        for (int i = 0; i < 40 && made < n; i++, made++) {
            if (i == 0) {
                len += (size_t)snprintf(s + len, cap - len, "at \"08:00\" {");
            } else if (i % 6 == 0) {
                len += (size_t)snprintf(s + len, cap - len, "after(coffee)\nafter {");
                ++*total;
            } else {
                len += (size_t)snprintf(s + len, cap - len, "after {");
            }
            len += (size_t)snprintf(
                s + len, cap - len,
                " kind = \"talk\", title = \"Session %d.%d: learning by comparing\","
                " minutes = 10, venue = \"Hall %c\",%s%s\n"
                "  speakers = { \"Speaker %d\", { name = \"Ilze Bērziņa %d\", role = \"Expert\" } },\n"
                "  description = \"What municipality %d measured, and what it changed.\" }\n",
                d, i, i > 30 ? 'B' : 'A', i > 30 ? " track = \"B\"," : "",
                i > 0 ? " gap = 2," : "", made, made % 7,
                made);
            ++*total;
        }
    }
    return s;
}

START_TEST(test_item_cap)
{
    /* 850 talks with their breaks stay under the 1000-item cap and come out
     * whole; 900 talks (1035 items) are refused with a clear message. Timing
     * is not tested here: bench/ measures it. */
    struct lsb_limits roomy = {0, 0, 60000};
    int total;
    char *code = generated(850, &total);
    json_t *out;

    err_clear(&e);
    out = ascript_run_limits(code, strlen(code), "generated", &roomy, &e);
    ck_assert_msg(out != NULL, "850 talks: %s", e.message);
    ck_assert_int_eq((int)json_array_size(items(out)), total);
    ck_assert_int_lt(total, 1000);
    json_decref(out);
    free(code);

    code = generated(900, &total);
    ck_assert_int_gt(total, 1000);
    err_clear(&e);
    ck_assert_ptr_null(ascript_run_limits(code, strlen(code), "generated", &roomy, &e));
    ck_assert_msg(strstr(e.message, "more than 1000 items") != NULL, "%s", e.message);
    free(code);
}
END_TEST

START_TEST(test_many_runs)
{
    /* Under ASan and valgrind: nothing may leak, on success or failure. */
    for (int i = 0; i < 30; i++) {
        json_t *out = run(demo_agenda_script, strlen(demo_agenda_script), "daugavpils-2015");

        ck_assert_ptr_nonnull(out);
        json_decref(out);
        /* The wall clock gets room: on a loaded machine 5 M instructions
         * can take longer than 250 ms, and this is about the budget. */
        static const struct lsb_limits roomy = {0, 0, 10000};
        static const char loop[] =
            DAY "at \"10:00\" { kind = \"talk\", title = \"X\", minutes = 10 }\n"
            "at \"11:00\" { kind = \"talk\", title = \"Y\", minutes = 10 }\n"
            "while true do end";

        err_clear(&e);
        ck_assert_ptr_null(ascript_run_limits(loop, strlen(loop), "agenda", &roomy, &e));
        ck_assert_msg(strncmp(e.message, "agenda:5: ", 10) == 0 &&
                          strstr(e.message, LSB_MSG_INSTRUCTIONS),
                      "-> \"%s\"", e.message);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("agenda_script");
    TCase *tl = tcase_create("language");
    TCase *td = tcase_create("demo");

    tcase_set_timeout(tl, 60);
    tcase_add_test(tl, test_output_is_exactly_the_format);
    tcase_add_test(tl, test_at_and_after);
    tcase_add_test(tl, test_tracks_fork_and_join);
    tcase_add_test(tl, test_shift_moves_the_rest_of_the_day);
    tcase_add_test(tl, test_series_with_a_break_pattern);
    tcase_add_test(tl, test_keys);
    tcase_add_test(tl, test_errors_with_lines);
    tcase_add_test(tl, test_budgets_and_limits);
    tcase_add_test(tl, test_script_cannot_tamper_with_the_dsl);
    suite_add_tcase(s, tl);

    tcase_set_timeout(td, 120);
    tcase_add_test(td, test_conflict_check_finds_conflicts);
    tcase_add_test(td, test_daugavpils_programme);
    tcase_add_test(td, test_item_cap);
    tcase_add_test(td, test_many_runs);
    suite_add_tcase(s, td);
    return s;
}
