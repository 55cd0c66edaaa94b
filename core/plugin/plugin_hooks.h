/* plugin_hooks.h - plugins on the domain's event point.
 *
 * plugin_hooks_subscribe() adds one subscriber per event plugins may hook,
 * after the core's (events.h): for each event it runs the hooks of the
 * plugins enabled for the event's meeting, in hook order, on the writer
 * thread inside the job's transaction.
 *
 * registration.validate may refuse: the caller gets ERR_PLUGIN_REFUSED
 * naming the field and the plugin, and nothing is stored.  Every hook runs
 * in a SAVEPOINT of its own: a hook that fails (an error, a budget) is
 * undone alone and logged with plugin, hook and line, and the change that
 * caused it goes on; after PLUGIN_MAX_FAILURES failures in a row the plugin
 * is switched off for that meeting, with the reason, for the organizer to
 * see. */
#ifndef SAIETS_PLUGIN_HOOKS_H
#define SAIETS_PLUGIN_HOOKS_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

#define PLUGIN_MAX_FAILURES 5

/* At start, after events_subscribe_core(); later calls do nothing. */
void plugin_hooks_subscribe(void);

/* export.columns for a registration list of meeting_id (regs: its JSON
 * array): each plugin enabled there that hooks it adds columns
 * ({"key", "title", "values": {"<registration id>": value}}).  Returns the
 * columns as an array (empty when none: never NULL but on out of memory),
 * keys prefixed with "<plugin>.".  A plugin that fails adds nothing and is
 * logged. */
json_t *plugin_export_columns(struct db *db, long long meeting_id, const json_t *regs,
                              const char *lang);

#endif
