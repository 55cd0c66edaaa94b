-- municipality-quota: at most N live (confirmed or waiting) participants per
-- organisation in a meeting, refused at registration.validate with a message in
-- Latvian and English; and an export column with each organisation's count.
--
-- An organisation is the one picked from the directory (organisation_id) or, for a
-- name typed in, that name without case (ASCII letters only: SQL's lower()).  The
-- counts live in the plugin's own table, kept in step by the hooks and rebuilt from
-- the registrations whenever an organizer enables the plugin.  A new registration is
-- counted in registration.validate itself: one hook on the registration path.

local null = saiets.json.null

local function org_key(reg)
  if reg.organisation_id ~= nil and reg.organisation_id ~= null then
    return tostring(reg.organisation_id)
  end
  return string.lower(reg.organisation)
end

local function add(meeting_id, key, delta)
  saiets.db.exec("INSERT INTO p_municipality_quota_counts (meeting_id, org_key, n)" ..
                 " VALUES (?, ?, max(?, 0)) ON CONFLICT (meeting_id, org_key)" ..
                 " DO UPDATE SET n = max(n + ?, 0)", meeting_id, key, delta, delta)
end

-- The organisation's live registrations, counted from the registrations themselves.
local function live_count(key)
  return saiets.db.one("SELECT count(id) AS n FROM saiets_registrations" ..
                       " WHERE status <> 'cancelled'" ..
                       " AND coalesce(CAST(organisation_id AS TEXT), lower(organisation)) = ?",
                       key).n
end

-- Takes one place for the organisation if it has one left: true, or false when the
-- quota is reached.  The usual case is one statement.  An organisation the table does
-- not know yet is counted from the registrations first (they may have come while the
-- plugin was not running).
local TAKE = "UPDATE p_municipality_quota_counts SET n = n + 1" ..
             " WHERE meeting_id = ? AND org_key = ? AND n < ?" -- made once, not per call

local function take_place(meeting_id, key, limit)
  local r = saiets.db.exec(TAKE, meeting_id, key, limit)
  if r.changes == 1 then return true end
  if saiets.db.one("SELECT 1 AS x FROM p_municipality_quota_counts" ..
                   " WHERE meeting_id = ? AND org_key = ?", meeting_id, key) then
    return false -- there, and full
  end
  local live = live_count(key)
  if live >= limit then
    add(meeting_id, key, live)
    return false
  end
  add(meeting_id, key, live + 1)
  return true
end

-- The stored registration's organisation (for a change of an existing one).
local function stored_key(id)
  local row = saiets.db.one("SELECT organisation_id, organisation, status" ..
                            " FROM saiets_registrations WHERE id = ?", id)
  if row == nil or row.status == "cancelled" then return nil end
  return org_key(row)
end

saiets.on("registration.validate", function(ev)
  local reg = ev.registration
  if reg.status == "cancelled" then return end
  local key = org_key(reg)
  local old = reg.id ~= null and stored_key(reg.id) or nil
  if old == key then return end -- a change that keeps the organisation
  local limit = saiets.settings().max_per_organisation
  -- Counted now: the registration is written in the same transaction, and if that
  -- fails the count is undone with it (as it is when this hook refuses).
  if not take_place(ev.meeting_id, key, limit) then
    local args = {organisation = reg.organisation, limit = limit}
    return saiets.refuse("organisation",
      saiets.t("limit_reached_lv", args) .. " / " .. saiets.t("limit_reached_en", args))
  end
  if old ~= nil then add(ev.meeting_id, old, -1) end -- a change moves the count
end)

saiets.on("registration.cancelled", function(ev)
  add(ev.meeting_id, org_key(ev.registration), -1)
end)

-- Registrations made before, or while the plugin was off, count too.
saiets.on("plugin.enabled", function(ev)
  saiets.db.exec("DELETE FROM p_municipality_quota_counts WHERE meeting_id = ?", ev.meeting_id)
  saiets.db.exec("INSERT INTO p_municipality_quota_counts (meeting_id, org_key, n)" ..
                 " SELECT ?, coalesce(CAST(organisation_id AS TEXT), lower(organisation)), count(*)" ..
                 " FROM saiets_registrations WHERE status <> 'cancelled' GROUP BY 2", ev.meeting_id)
end)

-- One column: how many live participants each registration's organisation has.
saiets.on("export.columns", function(ev)
  local counts = {}
  for _, row in ipairs(saiets.db.rows("SELECT org_key, n FROM p_municipality_quota_counts" ..
                                      " WHERE meeting_id = ?", ev.meeting_id)) do
    counts[row.org_key] = row.n
  end
  local values = saiets.json.object()
  for _, reg in ipairs(ev.registrations) do
    values[tostring(reg.id)] = counts[org_key(reg)] or 0
  end
  return {{key = "organisation_count", title = saiets.t("column_title"), values = values}}
end)
