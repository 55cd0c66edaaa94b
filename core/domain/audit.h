/* audit.h - the audit log of organizer and admin actions.  An entry is
 * written in the same transaction as the change it records. */
#ifndef SAIETS_AUDIT_H
#define SAIETS_AUDIT_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

/* actor like "account:3" or "registration:17"; detail may be NULL.
 * Steals no reference.  0 or -1. */
int audit_add(struct db *db, long long now, const char *actor, const char *action,
              const char *object, json_t *detail);

/* audit_add for the object "KIND:ID" (kind like "meeting"); nothing when
 * actor is NULL (a change the system makes, a dry run).  0, or -1 with *e
 * set to the storage error. */
int audit_record(struct db *db, long long now, const char *actor, const char *action,
                 const char *kind, long long id, json_t *detail, struct err *e);

/* Newest first, at most limit, with id < before (0 = no bound). */
json_t *audit_list(struct db *db, long long before, int limit);

#endif
