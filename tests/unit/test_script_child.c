/* test_script_child.c - unit tests for core/http/script_child (how the
 * server words a script child that wrote no answer).
 *
 * Must never: call a CPU-limit death a wall-clock one (or the other way
 * round), blame the script for the runner's own crash, or name a limit
 * other than the one that stopped it. */
#include "script_child.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"

static char msg[256];

/* The wait status of a child that spins until its own RLIMIT_CPU of one
 * second stops it, as the script child's does at SCRIPT_CHILD_CPU_S. */
static int status_of_cpu_limit_death(void)
{
    pid_t pid = fork();
    int status = 0;

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit cpu = {1, 2};
        volatile unsigned long n = 0;

        setrlimit(RLIMIT_CPU, &cpu);
        for (;;)
            n++;
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

static int status_of_exit(int code)
{
    pid_t pid = fork();
    int status = 0;

    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(code);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

START_TEST(test_cpu_limit_says_cpu)
{
    int status = status_of_cpu_limit_death();

    ck_assert_int_eq(script_child_failure("prog", 0, status, msg, sizeof msg), 0);
    ck_assert_str_eq(msg, "prog: time limit exceeded (the script used more than 2000 ms of "
                          "CPU time and was stopped)");
}
END_TEST

START_TEST(test_wall_clock_kill_says_wall_clock)
{
    /* the parent's SIGKILL at SCRIPT_CHILD_WALL_MS */
    ck_assert_int_eq(script_child_failure("prog", 1, SIGKILL, msg, sizeof msg), 0);
    ck_assert_str_eq(msg, "prog: time limit exceeded (the script ran for more than 3000 ms "
                          "and was stopped)");
}
END_TEST

START_TEST(test_runner_failure_is_ours)
{
    ck_assert_int_eq(script_child_failure("prog", 0, status_of_exit(3), msg, sizeof msg), 1);
    ck_assert_str_eq(msg, "the script runner failed (exit status 3)");
    ck_assert_ptr_null(strstr(msg, "CPU"));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("script_child");
    TCase *tc = tcase_create("failure");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_cpu_limit_says_cpu);
    tcase_add_test(tc, test_wall_clock_kill_says_wall_clock);
    tcase_add_test(tc, test_runner_failure_is_ours);
    suite_add_tcase(s, tc);
    return s;
}
