/* csv.c - RFC 4180 CSV writer; see csv.h.
 *
 * Must never: write a text cell without neutralising a formula lead
 * character (at its start, behind leading white space, or where a reader
 * splits it: after ; TAB CR LF), or put that ' prefix outside the cell's
 * quotes. */
#include "csv.h"

#include <string.h>

/* Characters that make spreadsheets treat a cell as a formula. */
static int csv_formula_char(char c) { return c == '=' || c == '+' || c == '-' || c == '@'; }

/* Where some reader splits a cell even inside our quotes: Excel with the
 * Latvian list separator reads ; (and line ends) between cells and does not
 * know a quote that is not at the start of what it takes for a cell; a
 * tab-separated reader splits at TAB.  A , is not here: a reader that
 * splits at , honours the quotes. */
static int csv_inner_break(char c) { return c == ';' || c == '\t' || c == '\r' || c == '\n'; }

/* The length of the white space (or invisible) character at s, 0 if there
 * is none: a spreadsheet may trim these before it looks for a formula.
 * ASCII space, VT, FF (TAB, CR and LF are inner breaks); U+00A0, U+1680, U+2000-U+200B,
 * U+200E, U+200F, U+2028, U+2029, U+202F, U+205F, U+2060, U+3000, U+FEFF. */
static size_t csv_space_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;

    if (u[0] == ' ' || u[0] == '\v' || u[0] == '\f')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if ((u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) ||
        (u[0] == 0xE2 && u[1] == 0x80 &&
         (u[2] <= 0x8B || u[2] == 0x8E || u[2] == 0x8F || u[2] == 0xA8 || u[2] == 0xA9 ||
          u[2] == 0xAF)) ||
        (u[0] == 0xE2 && u[1] == 0x81 && (u[2] == 0x9F || u[2] == 0xA0)) ||
        (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) ||
        (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF))
        return 3;
    return 0;
}

/* The white space at the start of s, in bytes (up to an inner break). */
static size_t csv_lead_space(const char *s)
{
    size_t n = 0, k;

    while ((k = csv_space_len(s + n)) > 0)
        n += k;
    return n;
}

/* Writes s (from a part's start) up to and including the next inner break
 * or to its end, each quote twice; returns where it stopped. */
static const char *csv_put_part(struct buf *b, const char *s)
{
    const char *p = s;

    while (*p && !csv_inner_break(*p)) {
        if (*p == '"')
            buf_putc(b, '"'); /* a quote is written twice */
        buf_putc(b, *p++);
    }
    if (*p)
        buf_putc(b, *p++);
    return p;
}

void csv_cell(struct buf *b, const char *s, int first)
{
    const char *p = s;
    size_t sp;
    int quote;

    if (!first)
        buf_putc(b, ',');
    if (s == NULL || *s == '\0')
        return;
    /* The prefix ' never needs quoting itself, so deciding on s is the same
     * as deciding on s with its prefixes. */
    quote = strpbrk(s, ",;\t\"\r\n") != NULL;
    if (quote)
        buf_putc(b, '"');
    /* The cell and every part after an inner break start with a ' when a
     * formula character follows their leading white space (copied as it
     * is: it holds no quote); the cell also when it starts with TAB or CR,
     * which some readers drop. */
    do {
        sp = csv_lead_space(p);
        if (csv_formula_char(p[sp]) || (p == s && (*s == '\t' || *s == '\r')))
            buf_putc(b, '\'');
        buf_append(b, p, sp);
        p = csv_put_part(b, p + sp);
    } while (*p);
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
