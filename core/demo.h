/* demo.h - the demo meeting from the seed document: the Education and
 * Culture network's meeting in Daugavpils, 5-6 November 2015, with the
 * municipalities and institutions it needs and 53 participants with
 * invented names.  Loaded through the same domain functions the API uses. */
#ifndef SAIETS_DEMO_H
#define SAIETS_DEMO_H

#include <stddef.h>

#include "db.h"
#include "errors.h"

/* Loads the demo in one transaction unless it is there already.
 * Returns the meeting id, or -1 with a message in errbuf. */
long long demo_load(struct db *db, long long now, char *errbuf, size_t errsz);

/* The demo's plugins (demo_plugins.c): the shipped plugins installed, the
 * cultural programme enabled for the meeting and filled.  0, or -1 with e. */
int demo_plugins(struct db *db, long long meeting, long long now, struct err *e);

#endif
