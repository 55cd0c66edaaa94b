/* check_main.c - main() for every unit test executable; see check_main.h. */
#include "check_main.h"

#include <stdlib.h>

int main(void)
{
    SRunner *sr = srunner_create(test_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
