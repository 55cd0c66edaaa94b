/* demo.h - the demo meeting from the seed document: the Education and
 * Culture network's meeting in Daugavpils, 5-6 November 2015, with the
 * municipalities and institutions it needs and 53 participants with
 * invented names.  Loaded through the same domain functions the API uses. */
#ifndef SAIETS_DEMO_H
#define SAIETS_DEMO_H

#include <stddef.h>

#include "db.h"

/* Loads the demo in one transaction unless it is there already.
 * Returns the meeting id, or -1 with a message in errbuf. */
long long demo_load(struct db *db, long long now, char *errbuf, size_t errsz);

#endif
