/* plugin_store.h - installed plugins in the database.
 *
 * Install (or upgrade) checks a package from top to bottom before anything
 * stays: the manifest, the locale files, plugin.lua loaded once in a
 * sandbox (errors name file and line), the name against the plugins
 * installed (no two whose table prefixes overlap), the version against the
 * one installed; then it stores the files with their SHA-256 and runs the
 * migrations not yet run, each under the plugin's SQL policy, and checks
 * that no foreign key of the plugin's tables points at a host table.  All
 * of it in the caller's transaction: a failure leaves the old version as it
 * was.  The caller publishes a new plugin set after the commit
 * (plugin_set.h).
 *
 * Per meeting, organizers enable a plugin with settings checked against its
 * manifest, and disable it again (its data stays). */
#ifndef SAIETS_PLUGIN_STORE_H
#define SAIETS_PLUGIN_STORE_H

#include <jansson.h>

#include "db.h"
#include "errors.h"
#include "plugin_files.h"

/* Installs or upgrades; *out (new) says what is installed now and, in
 * "change", whether it was "installed", "upgraded" or "unchanged". */
int plugin_install(struct db *db, const struct plugin_files *files, long long now,
                   const char *actor, json_t **out, struct err *e);

/* Switches an installed plugin on or off for the whole server. */
int plugin_set_enabled(struct db *db, const char *name, int enabled, long long now,
                       const char *actor, struct err *e);

/* Removes a plugin: its files, its row and its meetings' settings.  Its
 * tables and their data stay (docs/plugins.md says how to drop them). */
int plugin_remove(struct db *db, const char *name, long long now, const char *actor,
                  struct err *e);

/* [{name, version, title, description, enabled, sha256, installed_at, updated_at,
 *   reads, priority, meetings: [{meeting_id, enabled, disabled_reason}]}] */
json_t *plugin_list_json(struct db *db, struct err *e);
json_t *plugin_show_json(struct db *db, const char *name, struct err *e);

/* Enables name for the meeting with body {"settings": {...}} (may be absent:
 * the defaults); *out: {plugin, meeting_id, enabled, settings}. */
int plugin_meeting_put(struct db *db, long long meeting_id, const char *name, json_t *body,
                       long long now, const char *actor, json_t **out, struct err *e);
int plugin_meeting_disable(struct db *db, long long meeting_id, const char *name,
                           long long now, const char *actor, struct err *e);
/* The plugins enabled or once enabled for a meeting, with their settings. */
json_t *plugin_meeting_list_json(struct db *db, long long meeting_id, struct err *e);
/* 1 when name is enabled for the meeting (and installed, enabled), 0 when
 * not, -1 on error. */
int plugin_meeting_enabled(struct db *db, long long meeting_id, const char *name,
                           json_t **settings, struct err *e);

#endif
