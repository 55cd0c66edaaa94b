/* collate.h - locale-aware sorting of UTF-8 strings (ICU collation), used to
 * list people and organisations in Latvian ("lv") order.
 *
 * Must never: compare names by bytes when ICU can compare them, crash or read
 * out of bounds on invalid UTF-8, or reorder the caller's items when it fails.
 *
 * Thread-safety: a struct collate is used by one thread at a time.  Threads
 * that sort concurrently each open their own (or serialise access). */
#ifndef SAIETS_COLLATE_H
#define SAIETS_COLLATE_H

#include <stddef.h>

struct collate; /* opaque; owns a UCollator */

/* Opens a collator for an ICU locale id such as "lv" ("" or "root" for the
 * language-neutral order).  A locale ICU knows nothing about (it would fall
 * back to root) is refused rather than silently sorting in another order.
 * On failure returns NULL and, if err is not NULL, sets *err to a malloc'd
 * message (the caller frees it; NULL if even that allocation failed). */
struct collate *collate_open(const char *locale, char **err);
void collate_close(struct collate *c); /* NULL is a no-op */

/* Items to sort: by k1, then k2 in the collator's order, then by id
 * ascending; items equal in all three keep their input order.  A NULL key
 * counts as "".  Valid UTF-8 sorts before invalid UTF-8; invalid strings are
 * ordered among themselves by bytes.  ptr is carried along untouched. */
struct collate_item {
    const char *k1;
    const char *k2;
    long long id;
    void *ptr;
};

/* Sorts items in place.  Returns 0, or -1 on allocation failure, a NULL
 * collator, or a key longer than ICU can take (2 GiB); on -1 the items are
 * left as they were.  n == 0 always succeeds (items may then be NULL). */
int collate_sort(struct collate *c, struct collate_item *items, size_t n);

/* Compares two strings in the collator's order: <0, 0 or >0 (-1, 0, 1).
 * NULL counts as ""; the same valid-before-invalid rule as collate_sort. */
int collate_compare(struct collate *c, const char *a, const char *b);

#endif
