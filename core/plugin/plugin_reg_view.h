/* plugin_reg_view.h - a registration as a registration event's hooks see it
 * (ev.registration): a read-only view whose fields are made when the hook
 * reads them.
 *
 * Why not a table: building a table of a registration's 16 fields costs
 * three allocations, sixteen lua_setfield and twelve strings on every hook
 * call, about 15,000 instructions, while a hook typically reads two or three
 * fields.  The view is one small userdata holding a packed copy of the
 * registration (so it stays valid, and the same, if the hook keeps it after
 * the call); a read costs a key comparison and one pushed value.
 *
 * Fields: id (null for one not stored yet), meeting, first_name, last_name,
 * email, organisation, organisation_id (null when typed in), position and
 * phone (null when empty), status, waitlist_position (only while
 * waitlisted), created_at, updated_at ("YYYY-MM-DDTHH:MM:SSZ"), answers (a
 * table; the same table on every read).  pairs() lists them; writing one is
 * an error; type() says "userdata". */
#ifndef SAIETS_PLUGIN_REG_VIEW_H
#define SAIETS_PLUGIN_REG_VIEW_H

#include <lua.h>

#include "registration.h"

/* Pushes the view of r.  May raise (memory, or answers that do not convert):
 * call it protected. */
void plugin_reg_view_push(lua_State *L, const struct registration *r);

#endif
