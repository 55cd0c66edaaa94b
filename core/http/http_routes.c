/* http_routes.c - the core's route tables, in one list: what `saiets serve`
 * answers before any plugin adds its own. */
#include "http.h"

int http_routes_install(struct router *r)
{
    static const struct route *const tables[] = {
        api_misc_routes,     api_meetings_routes,       api_registrations_routes,
        api_venues_routes,   api_agenda_routes,         api_agenda_export_routes,
        api_visits_routes,   api_visit_lists_routes,    api_plugins_routes,
        web_page_routes,     api_admin_tokens_routes, api_mail_routes,
    };

    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (router_add(r, tables[i]) < 0)
            return -1;
    return 0;
}
