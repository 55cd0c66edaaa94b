/* check_main.h - the one main() of the unit tests (check_main.c).
 *
 * Each test_*.c defines test_suite() and no main(): check_main.c runs the
 * suite with Check and exits with EXIT_FAILURE if any test failed. */
#ifndef SAIETS_CHECK_MAIN_H
#define SAIETS_CHECK_MAIN_H

#include <check.h>

/* The suite of this test executable, with all its test cases. */
Suite *test_suite(void);

#endif
