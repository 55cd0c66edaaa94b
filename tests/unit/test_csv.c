/* test_csv.c - unit tests for core/csv (RFC 4180 writer, formula guard).
 *
 * Must never: accept output a spreadsheet would run as a formula, or
 * quoting that RFC 4180 readers would split differently. */
#include "csv.h"

#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"

/* The text of one cell written as the first of its row. */
static void check_cell(const char *in, const char *want)
{
    struct buf b = BUF_INIT;

    csv_cell(&b, in, 1);
    ck_assert(buf_ok(&b));
    ck_assert_msg(strcmp(buf_cstr(&b), want) == 0, "cell \"%s\": got [%s], want [%s]",
                  in ? in : "(null)", buf_cstr(&b), want);
    buf_free(&b);
}

START_TEST(test_plain)
{
    check_cell("Ilze", "Ilze");
    check_cell("izglītības speciāliste", "izglītības speciāliste");
    check_cell("", "");
    check_cell("a=b", "a=b");  /* only the first character matters */
    check_cell("1-2", "1-2");
    check_cell("it's", "it's");
}
END_TEST

START_TEST(test_quoting)
{
    check_cell("a,b", "\"a,b\"");
    check_cell("say \"hi\"", "\"say \"\"hi\"\"\"");
    check_cell("\"", "\"\"\"\"");
    check_cell("\"\"", "\"\"\"\"\"\"");
    check_cell("line1\nline2", "\"line1\nline2\"");
    check_cell("line1\r\nline2", "\"line1\r\nline2\"");
    check_cell("x\r", "\"x\r\"");
    check_cell(",", "\",\"");
}
END_TEST

START_TEST(test_formula)
{
    check_cell("=1+2", "'=1+2");
    check_cell("+37120000000", "'+37120000000");
    check_cell("-5", "'-5"); /* text, not csv_cell_int: still neutralised */
    check_cell("@SUM(A1)", "'@SUM(A1)");
    check_cell("\tx", "\"'\tx\""); /* TAB: prefixed, and quoted because of the TAB */
    check_cell("\rx", "\"'\rx\""); /* CR: prefixed, and quoted because of the CR */
    check_cell("=a,b", "\"'=a,b\"");
    check_cell("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"");
    check_cell("-", "'-");
    check_cell("=", "'=");
    check_cell("'=already", "'=already"); /* a leading ' is left as it is */
}
END_TEST

/* Excel with the Latvian list separator reads ; (not ,) between cells, and
 * other readers split at TAB: both must see one quoted cell. */
START_TEST(test_other_separators_quoted)
{
    check_cell("a;b", "\"a;b\"");
    check_cell(";", "\";\"");
    check_cell("a\tb", "\"a\tb\"");
    check_cell("Biedrība; Rīga", "\"Biedrība; Rīga\"");
}
END_TEST

/* Leading white space (ASCII, no-break and other Unicode spaces) does not
 * hide a formula from a spreadsheet that trims it. */
START_TEST(test_formula_after_space)
{
    check_cell(" =1+2", "' =1+2");
    check_cell("   +37120000000", "'   +37120000000");
    check_cell(" -5", "' -5");
    check_cell(" @SUM(A1)", "' @SUM(A1)");
    check_cell("\n=1", "\"\n'=1\"");     /* the guard after the line end */
    check_cell(" \t=1", "\" \t'=1\"");    /* ...and after the TAB */
    check_cell("\xC2\xA0=1", "'\xC2\xA0=1");             /* U+00A0 no-break space */
    check_cell("\xE2\x80\x83=1", "'\xE2\x80\x83=1");     /* U+2003 em space */
    check_cell("\xE3\x80\x80=1", "'\xE3\x80\x80=1");     /* U+3000 ideographic space */
    check_cell("\xEF\xBB\xBF=1", "'\xEF\xBB\xBF=1");     /* U+FEFF */
    check_cell(" a=b", " a=b");
    check_cell("   ", "   ");
    check_cell("\xC2\xA0x", "\xC2\xA0x");
    check_cell("\xC2\xA9=", "\xC2\xA9="); /* (c): not a space */
}
END_TEST

/* Where a reader splits the cell (at ; in Excel with the Latvian list
 * separator, at TAB, at a line end), each part is guarded like a cell. */
START_TEST(test_formula_after_inner_separator)
{
    check_cell("Skola;=1+2", "\"Skola;'=1+2\"");
    check_cell("Skola; =1+2", "\"Skola;' =1+2\"");
    check_cell("a;b;@c", "\"a;b;'@c\"");
    check_cell("a\t-1", "\"a\t'-1\"");
    check_cell("line\n+1", "\"line\n'+1\"");
    check_cell("line\r\n=1", "\"line\r\n'=1\"");
    check_cell("a;\t=1", "\"a;\t'=1\"");
    check_cell("\t=1", "\"'\t'=1\"");   /* a TAB first, and a part after it */
    check_cell("a; b=1", "\"a; b=1\"");
    check_cell("a,=1", "\"a,=1\"");      /* a , inside quotes splits nothing */
    check_cell("=a;=b", "\"'=a;'=b\"");
    check_cell("a;\"=b\"", "\"a;\"\"=b\"\"\"");
}
END_TEST

START_TEST(test_null_and_separators)
{
    struct buf b = BUF_INIT;

    check_cell(NULL, "");
    csv_cell(&b, NULL, 1);
    csv_cell(&b, NULL, 0);
    csv_cell(&b, "", 0);
    ck_assert_str_eq(buf_cstr(&b), ",,");
    buf_free(&b);
}
END_TEST

START_TEST(test_utf8_untouched)
{
    check_cell("Ģirts Ķīsis, Ļaudis Ņuta", "\"Ģirts Ķīsis, Ļaudis Ņuta\"");
    check_cell("Rēzeknes novada pašvaldība", "Rēzeknes novada pašvaldība");
    check_cell("Čakste Šmits Žagata Ūdris Ēriks Īva Āboliņa",
               "Čakste Šmits Žagata Ūdris Ēriks Īva Āboliņa");
}
END_TEST

START_TEST(test_int)
{
    struct buf b = BUF_INIT;

    csv_cell_int(&b, 0, 1);
    csv_cell_int(&b, 42, 0);
    csv_cell_int(&b, -7, 0);
    csv_cell_int(&b, LLONG_MAX, 0);
    csv_cell_int(&b, LLONG_MIN, 0);
    ck_assert(buf_ok(&b));
    ck_assert_str_eq(buf_cstr(&b),
                     "0,42,-7,9223372036854775807,-9223372036854775808");
    buf_free(&b);
}
END_TEST

/* A number's text goes out as it is (no formula guard for "-7"); anything
 * else handed in as a number is written as a text cell. */
START_TEST(test_number)
{
    struct buf b = BUF_INIT;

    csv_cell_number(&b, "0", 1);
    csv_cell_number(&b, "-7", 0);
    csv_cell_number(&b, "2.5", 0);
    csv_cell_number(&b, "-0.1", 0);
    csv_cell_number(&b, "1e+20", 0);
    csv_cell_number(&b, "-1E-7", 0);
    ck_assert(buf_ok(&b));
    ck_assert_str_eq(buf_cstr(&b), "0,-7,2.5,-0.1,1e+20,-1E-7");
    buf_reset(&b);
    csv_cell_number(&b, "-1+1", 1);
    csv_cell_number(&b, "=1", 0);
    csv_cell_number(&b, "1,5", 0);
    csv_cell_number(&b, "-", 0);
    csv_cell_number(&b, "1.", 0);
    csv_cell_number(&b, "1e", 0);
    csv_cell_number(&b, "", 0);
    csv_cell_number(&b, NULL, 0);
    ck_assert(buf_ok(&b));
    ck_assert_str_eq(buf_cstr(&b), "'-1+1,'=1,\"1,5\",'-,1.,1e,,");
    buf_free(&b);
}
END_TEST

START_TEST(test_rows)
{
    struct buf b = BUF_INIT;

    csv_cell(&b, "id", 1);
    csv_cell(&b, "first_name", 0);
    csv_cell(&b, "last_name", 0);
    csv_cell(&b, "organisation", 0);
    csv_cell(&b, "phone", 0);
    csv_cell(&b, "waitlist_position", 0);
    csv_end_row(&b);
    csv_cell_int(&b, 17, 1);
    csv_cell(&b, "Ilze", 0);
    csv_cell(&b, "Bērziņa", 0);
    csv_cell(&b, "Biedrība \"Kopā\", Rīga", 0);
    csv_cell(&b, "+371 20000000", 0);
    csv_cell(&b, NULL, 0);
    csv_end_row(&b);
    csv_cell_int(&b, -1, 1);
    csv_end_row(&b);
    ck_assert(buf_ok(&b));
    ck_assert_str_eq(buf_cstr(&b),
                     "id,first_name,last_name,organisation,phone,waitlist_position\r\n"
                     "17,Ilze,Bērziņa,\"Biedrība \"\"Kopā\"\", Rīga\",'+371 20000000,\r\n"
                     "-1\r\n");
    buf_free(&b);
}
END_TEST

START_TEST(test_long_cell)
{
    /* Longer than buf's first allocation, with quotes spread through it. */
    struct buf b = BUF_INIT;
    char in[1001];
    size_t i, quotes = 0;

    for (i = 0; i < 1000; i++) {
        in[i] = (i % 7 == 0) ? '"' : 'x';
        quotes += in[i] == '"';
    }
    in[1000] = '\0';
    csv_cell(&b, in, 1);
    ck_assert(buf_ok(&b));
    ck_assert_uint_eq(b.len, 1000 + quotes + 2);
    ck_assert_int_eq(b.data[0], '"');
    ck_assert_int_eq(b.data[b.len - 1], '"');
    buf_free(&b);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("writer");

    tcase_add_test(tc, test_plain);
    tcase_add_test(tc, test_quoting);
    tcase_add_test(tc, test_formula);
    tcase_add_test(tc, test_other_separators_quoted);
    tcase_add_test(tc, test_formula_after_space);
    tcase_add_test(tc, test_formula_after_inner_separator);
    tcase_add_test(tc, test_null_and_separators);
    tcase_add_test(tc, test_utf8_untouched);
    tcase_add_test(tc, test_int);
    tcase_add_test(tc, test_number);
    tcase_add_test(tc, test_rows);
    tcase_add_test(tc, test_long_cell);
    suite_add_tcase(s, tc);
    return s;
}
