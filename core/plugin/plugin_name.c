/* plugin_name.c - plugin names and their table prefix; see plugin_name.h. */
#include "plugin_name.h"

int plugin_name_ok(const char *name)
{
    size_t n = 0;

    if (name == NULL || !(name[0] >= 'a' && name[0] <= 'z'))
        return 0;
    for (n = 1; name[n]; n++)
        if (n >= PLUGIN_NAME_MAX ||
            !((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= '0' && name[n] <= '9') ||
              name[n] == '-'))
            return 0;
    return n >= 2;
}

void plugin_table_prefix(const char *name, char *out)
{
    size_t i = 0;

    out[i++] = 'p';
    out[i++] = '_';
    for (; *name; name++)
        out[i++] = *name == '-' ? '_' : *name;
    out[i++] = '_';
    out[i] = '\0';
}
