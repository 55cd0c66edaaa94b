/* test_conf.c - unit tests for core/base/conf.c (the configuration file).
 *
 * Must never: take a setting from a line it could not read exactly, let a
 * key given twice pass silently, or read past its bounds. */
#include "conf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"

struct seen {
    char text[1024];
};

static int collect(const char *key, const char *value, void *arg, char *err, size_t n)
{
    struct seen *s = arg;

    if (strcmp(key, "bad") == 0) {
        snprintf(err, n, "bad: refused");
        return -1;
    }
    snprintf(s->text + strlen(s->text), sizeof s->text - strlen(s->text), "[%s=%s]", key,
             value);
    return 0;
}

/* Writes text to a temporary file and reads it: conf_read's result. */
static int read_text(const char *text, size_t len, struct seen *s, char *err, size_t n)
{
    char path[] = "/tmp/saiets-conf-XXXXXX";
    int fd = mkstemp(path), rc;
    FILE *f = fdopen(fd, "wb");

    ck_assert_ptr_nonnull(f);
    fwrite(text, 1, len, f);
    fclose(f);
    memset(s, 0, sizeof *s);
    err[0] = '\0';
    rc = conf_read(path, collect, s, err, n);
    unlink(path);
    return rc;
}

#define READ(t) read_text((t), strlen(t), &s, err, sizeof err)

START_TEST(test_settings)
{
    struct seen s;
    char err[300];

    ck_assert_int_eq(READ("# Saiets\n\n  smtp_host = mail.example.lv  \n"
                          "port=8080\r\nmail_from_name = Saiets sanāksmes\n"
                          "empty =\n\t# indented comment\n"), 0);
    ck_assert_str_eq(s.text, "[smtp_host=mail.example.lv][port=8080]"
                             "[mail_from_name=Saiets sanāksmes][empty=]");
}
END_TEST

START_TEST(test_errors_say_where)
{
    struct seen s;
    char err[300];

    ck_assert_int_eq(READ("a = 1\nno equals sign\n"), -1);
    ck_assert_ptr_nonnull(strstr(err, ":2: expected \"key = value\""));
    ck_assert_int_eq(READ("Port = 1\n"), -1);
    ck_assert_ptr_nonnull(strstr(err, ":1: a key is made of"));
    ck_assert_int_eq(READ("a = 1\na = 2\n"), -1);
    ck_assert_ptr_nonnull(strstr(err, ":2: 'a' is set twice"));
    ck_assert_int_eq(READ("x = 1\nbad = 2\n"), -1);
    ck_assert_ptr_nonnull(strstr(err, ":2: bad: refused"));
    ck_assert_int_eq(READ("a = x\033[31m\n"), -1);
    ck_assert_ptr_nonnull(strstr(err, ":1: a control character"));
    ck_assert_int_eq(read_text("a = 1\n\0b = 2\n", 12, &s, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a text file"));
}
END_TEST

START_TEST(test_bounds)
{
    struct seen s;
    char err[300], *big = malloc(CONF_FILE_MAX + 10);

    memset(big, '#', CONF_FILE_MAX + 9);
    big[CONF_FILE_MAX + 9] = '\0';
    ck_assert_int_eq(READ(big), -1);
    ck_assert_ptr_nonnull(strstr(err, "larger than"));
    memcpy(big, "a = ", 4);
    memset(big + 4, 'x', CONF_LINE_MAX + 10);
    big[CONF_LINE_MAX + 14] = '\0';
    ck_assert_int_eq(READ(big), -1);
    ck_assert_ptr_nonnull(strstr(err, ":1: a line longer than"));
    free(big);
    ck_assert_int_eq(conf_read("/nonexistent/saiets.conf", collect, &s, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("conf");
    TCase *tc = tcase_create("conf");

    tcase_add_test(tc, test_settings);
    tcase_add_test(tc, test_errors_say_where);
    tcase_add_test(tc, test_bounds);
    suite_add_tcase(s, tc);
    return s;
}
