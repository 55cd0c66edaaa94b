/* json_out.h - jansson values written as compact JSON text, fast.
 *
 * The same text as json_dumpb(v, JSON_COMPACT | JSON_ENCODE_ANY): object
 * keys in insertion order, '/' and non-ASCII letters as they are, control
 * characters escaped as jansson does; but a real is written with the fewest
 * of 15, 16 or 17 significant digits that read back as the same double
 * (56.51 where jansson writes 56.509999999999998).  jansson's dumper costs about two
 * thousand instructions a key (a token callback each, a loop check that
 * formats and hashes every container's address); this one appends runs of
 * plain bytes to one buffer.  tests/unit/test_json_out.c compares the two
 * on generated values. */
#ifndef SAIETS_JSON_OUT_H
#define SAIETS_JSON_OUT_H

#include <jansson.h>

#include "buf.h"

/* Deeper values are refused: they cannot come from jansson's parser
 * (at most 2048) and a cycle would otherwise recurse for ever. */
#define JSON_OUT_MAX_DEPTH 2048

/* Appends v's text to b.  0, or -1 (b's length unchanged) for NULL, a
 * real that is not finite, a value nested deeper than JSON_OUT_MAX_DEPTH
 * or out of memory. */
int json_out(struct buf *b, const json_t *v);

/* v's text in a new NUL-terminated string (the caller frees it), or NULL
 * as json_out fails: json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY). */
char *json_out_text(const json_t *v);

#endif
