/* review.h - what an organizer reviews about a meeting's plan: its problems
 * (the agenda's and the site-visit transport's, in one list), and what an
 * agenda script would change, tried before it is applied.
 *
 * Above agenda.h and visit_transport.h on purpose: those two modules do not
 * know each other, this one puts their answers together. */
#ifndef SAIETS_REVIEW_H
#define SAIETS_REVIEW_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

/* The meeting's problems: agenda_problems() followed by the transport plan's
 * (groups that cannot all ride, or would arrive late).  A new list of
 * {"code", "message", "items"}, or NULL with *e set. */
json_t *review_problems(struct db *db, long long meeting_id, struct err *e);

/* Syncs what script NAME declared (agenda_script_sync) and lists the
 * problems of the result, in the caller's transaction.  Without apply the
 * sync is undone afterwards, so a dry run answers exactly what applying
 * would.  *diff gets the sync's diff with "problems" and "applied" added.
 * 0, or -1 with *e set and nothing changed. */
int review_script_try(struct db *db, long long meeting_id, const char *name,
                      json_t *declared, int apply, long long now, const char *actor,
                      json_t **diff, struct err *e);

#endif
