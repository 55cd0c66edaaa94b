/* engine_msg.c - see engine_msg.h. */
#include "engine_msg.h"

#include <stdarg.h>
#include <stdio.h>

int eng_msgf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;

    if (buf == NULL || n == 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return -1;
}
