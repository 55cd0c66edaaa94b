/* plugin_name.h - what a plugin may be called.
 *
 * A plugin's name is its identity everywhere: the folder in a package, the
 * prefix of its tables (p_<name>_ with '-' as '_'), the source of its
 * agenda items (plugin:<name>), the path of its routes.  So it is short and
 * plain: [a-z][a-z0-9-]{1,39}. */
#ifndef SAIETS_PLUGIN_NAME_H
#define SAIETS_PLUGIN_NAME_H

#include <stddef.h>

#define PLUGIN_NAME_MAX 40

/* 1 when name matches [a-z][a-z0-9-]{1,39}. */
int plugin_name_ok(const char *name);

/* The prefix of the plugin's tables, "p_" + name with '-' as '_' + "_",
 * into out (at least PLUGIN_TABLE_PREFIX_MAX bytes).  name must be ok. */
#define PLUGIN_TABLE_PREFIX_MAX (PLUGIN_NAME_MAX + 4)
void plugin_table_prefix(const char *name, char *out);

#endif
