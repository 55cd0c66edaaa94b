/* plugin_route.h - calling a plugin's route from C, without HTTP: what
 * `saiets init --demo` uses to create the cultural programme's activities
 * and sign-ups through the plugin's own rules.  The caller has checked who
 * may call it (role); the call runs on this thread's vm and connection. */
#ifndef SAIETS_PLUGIN_ROUTE_H
#define SAIETS_PLUGIN_ROUTE_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

/* Runs plugin name's route for method (a PLUGIN_GET... bit) and path (the
 * part after /plugins/NAME, "/activities/3/signup") in the meeting, with the
 * JSON body (may be NULL), role ("organizer", "participant"...) and, for a
 * participant, their registration's JSON.  0 with *status and *out (the
 * route's answer, or its saiets.fail as {"error": ...}); -1 with e when the
 * plugin is not enabled for the meeting, has no such route or fails. */
int plugin_route_run(struct db *db, long long meeting_id, const char *name, unsigned method,
                     const char *path, json_t *body, const char *role,
                     const json_t *registration, int *status, json_t **out, struct err *e);

#endif
