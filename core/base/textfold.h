/* textfold.h - Unicode case folding for matching names and e-mail addresses
 * ("RĒZEKNE" and "Rēzekne" must meet).  Uses ICU's NFKC_Casefold and
 * collapses runs of white space.  Thread-safe. */
#ifndef SAIETS_TEXTFOLD_H
#define SAIETS_TEXTFOLD_H

#include <stddef.h>

/* Writes the folded form of utf8 into out (NUL-terminated); 0 or -1. */
int text_fold(const char *utf8, char *out, size_t outsz);

#endif
