/* csv.h - RFC 4180 CSV writer (the CSV exports) into a struct buf.
 *
 * Must never: emit a cell a spreadsheet would run as a formula (a text cell
 * starting with TAB or CR, or with = + - @ after any leading white space,
 * gets a leading '; so does each part of a cell after a ; TAB CR or LF in
 * it, where Excel with the Latvian list separator or a tab-separated reader
 * starts a new cell), or emit a comma, semicolon, TAB, quote, CR or LF
 * outside a quoted cell.  It does not check that text is UTF-8: the
 * bytes are copied as given.  Memory errors show up as !buf_ok(b). */
#ifndef SAIETS_CSV_H
#define SAIETS_CSV_H

#include "buf.h"

/* Writes one text cell, preceded by a comma unless first is non-zero.
 * s == NULL writes an empty cell. */
void csv_cell(struct buf *b, const char *s, int first);

/* Writes one number cell as plain decimal digits ("-5" stays "-5": a
 * number is not a formula). */
void csv_cell_int(struct buf *b, long long v, int first);

/* Writes one number cell from its decimal text ("-2.5", "1e+20") as it
 * is; text that is not such a number is written as csv_cell writes it. */
void csv_cell_number(struct buf *b, const char *s, int first);

/* Ends the row with CRLF. */
void csv_end_row(struct buf *b);

#endif
