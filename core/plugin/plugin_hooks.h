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
 * caused it goes on; after PLUGIN_MAX_FAILURES failures (counted since an
 * organizer last enabled it there) the plugin is switched off for that meeting, with the reason, for the organizer to
 * see. */
#ifndef SAIETS_PLUGIN_HOOKS_H
#define SAIETS_PLUGIN_HOOKS_H

#include <jansson.h>

#include "db.h"
#include "errors.h"

#define PLUGIN_MAX_FAILURES 5

/* Says that meeting_plugins changed (an organizer enabled or disabled a
 * plugin, a hook's failures were counted): the writer's cache of the
 * meeting's enabled plugins is read again. */
void plugin_hooks_changed(void);

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

/* plugin.enabled for one plugin, in the caller's transaction, after an
 * organizer enabled it for the meeting (settings: the complete settings):
 * the plugin may rebuild what it shows there (its agenda items).  0, or -1
 * with e (plugin_error) when the hook fails: the enabling fails with it. */
int plugin_hooks_enabled(struct db *db, long long meeting_id, const char *name,
                         json_t *settings, struct err *e);

/* registration.view: what the plugins enabled for the meeting add to the
 * registration (reg: its JSON).  A hook returns {data = ..., calendar =
 * {agenda keys of its own items}}.  Returns {"plugins": {NAME: data, ...},
 * "calendar": [the agenda items those keys name]} (both empty when none).  A plugin that fails adds nothing
 * and is logged.  Read-only: runs on the caller's connection. */
json_t *plugin_registration_view(struct db *db, long long meeting_id, const json_t *reg,
                                 const char *lang);

#endif
