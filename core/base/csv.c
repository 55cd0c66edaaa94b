/* csv.c - RFC 4180 CSV writer; see csv.h.
 *
 * Must never: write a text cell without neutralising a formula lead
 * character, or put that ' prefix outside the cell's quotes. */
#include "csv.h"

#include <string.h>

/* Lead characters that make spreadsheets treat a cell as a formula. */
static int csv_formula_lead(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void csv_cell(struct buf *b, const char *s, int first)
{
    const char *p, *q;
    int quote;

    if (!first)
        buf_putc(b, ',');
    if (s == NULL || *s == '\0')
        return;
    /* The prefix ' never needs quoting itself, so deciding on s is the same
     * as deciding on "'" + s. */
    quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        buf_putc(b, '"');
    if (csv_formula_lead(s[0]))
        buf_putc(b, '\'');
    for (p = s; (q = strchr(p, '"')) != NULL; p = q + 1) {
        buf_append(b, p, (size_t)(q - p + 1));
        buf_putc(b, '"'); /* a quote is written twice */
    }
    buf_puts(b, p);
    if (quote)
        buf_putc(b, '"');
}

void csv_cell_int(struct buf *b, long long v, int first)
{
    if (!first)
        buf_putc(b, ',');
    buf_printf(b, "%lld", v);
}

/* 1 for the decimal text of a number: -?digits[.digits][e[+-]digits]. */
static int csv_is_number(const char *s)
{
    size_t n;

    if (*s == '-')
        s++;
    if ((n = strspn(s, "0123456789")) == 0)
        return 0;
    s += n;
    if (*s == '.') {
        if ((n = strspn(++s, "0123456789")) == 0)
            return 0;
        s += n;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if ((n = strspn(s, "0123456789")) == 0)
            return 0;
        s += n;
    }
    return *s == '\0';
}

void csv_cell_number(struct buf *b, const char *s, int first)
{
    if (s == NULL || !csv_is_number(s)) {
        csv_cell(b, s, first);
        return;
    }
    if (!first)
        buf_putc(b, ',');
    buf_puts(b, s);
}

void csv_end_row(struct buf *b) { buf_append(b, "\r\n", 2); }
