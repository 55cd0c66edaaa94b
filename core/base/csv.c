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

void csv_end_row(struct buf *b) { buf_append(b, "\r\n", 2); }
