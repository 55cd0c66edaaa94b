/* calsecret.h - the secret calendar URL of a registration: /cal/<id>_<mac>.ics,
 * for calendar apps, which cannot send an Authorization header.
 *
 * mac = keyed BLAKE2b-256 (libsodium crypto_generichash) over the
 * registration id and its calendar generation (registrations.calendar_gen),
 * under the server's 32-byte key (table calendar_key, made once by migration
 * 007).  Nothing usable is stored: the URL is recomputed when shown and
 * checked by recomputing (constant-time compare).  Rotating bumps the
 * generation, so the old URL stops matching at once.  The key is read once
 * per process and kept in memory (any thread).
 *
 * Must never: answer differently for a wrong, malformed, rotated-away or
 * cancelled registration's secret (calsecret_resolve says only yes or no),
 * or put the secret in a log or an error message. */
#ifndef SAIETS_CALSECRET_H
#define SAIETS_CALSECRET_H

#include "db.h"
#include "errors.h"

#define CALSECRET_MAC_CHARS 43 /* 32 bytes, unpadded base64url */
/* "/cal/" + id (at most 18 digits) + "_" + mac + ".ics" + NUL */
#define CALSECRET_URL_MAX (5 + 18 + 1 + CALSECRET_MAC_CHARS + 4 + 1)

/* The URL path for registration id at generation gen (a new registration's
 * is 0: no query).  0, or -1 with *e set (the key could not be read). */
int calsecret_url(struct db *db, long long id, long long gen, char out[CALSECRET_URL_MAX],
                  struct err *e);

/* The current URL of registration id: 1 with out set, 0 when there is no
 * such registration or it is cancelled (no URL), -1 with *e set. */
int calsecret_current_url(struct db *db, long long id, char out[CALSECRET_URL_MAX],
                          struct err *e);

/* secret is the path segment after "/cal/" (with ".ics").  1 with *id set
 * when it is the current secret of a live (not cancelled) registration; 0
 * for anything else; -1 with *e set on a storage error. */
int calsecret_resolve(struct db *db, const char *secret, long long *id, struct err *e);

/* Gives registration id a new generation (the old URL stops working) and
 * its new URL; audited as actor's when actor is not NULL.  not_found for an
 * unknown registration, already_cancelled for a cancelled one.  Writer
 * connection. */
int calsecret_rotate(struct db *db, long long id, long long now, const char *actor,
                     char out[CALSECRET_URL_MAX], struct err *e);

/* For tests: forget the key read from the database (a new database). */
void calsecret_forget_key(void);

#endif
