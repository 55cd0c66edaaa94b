-- municipality-quota: at most N live (confirmed or waiting) participants per
-- organisation in a meeting, refused at registration.validate with a message in
-- Latvian and English; and an export column with each organisation's count.
--
-- An organisation is the one picked from the directory (organisation_id) or, for a
-- name typed in, that name without case (ASCII letters only: SQL's lower()).  The
-- counts live in the plugin's own table, kept in step by the hooks and rebuilt from
-- the registrations whenever an organizer enables the plugin.

local null = saiets.json.null

local function org_key(reg)
  if reg.organisation_id ~= nil and reg.organisation_id ~= null then
    return tostring(reg.organisation_id)
  end
  return string.lower(reg.organisation)
end

local function count(meeting_id, key)
  local row = saiets.db.one("SELECT n FROM p_municipality_quota_counts" ..
                            " WHERE meeting_id = ? AND org_key = ?", meeting_id, key)
  return row and row.n or 0
end

local function add(meeting_id, key, delta)
  saiets.db.exec("INSERT INTO p_municipality_quota_counts (meeting_id, org_key, n)" ..
                 " VALUES (?, ?, max(?, 0)) ON CONFLICT (meeting_id, org_key)" ..
                 " DO UPDATE SET n = max(n + ?, 0)", meeting_id, key, delta, delta)
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
  if count(ev.meeting_id, key) >= limit then
    local args = {organisation = reg.organisation, limit = limit}
    return saiets.refuse("organisation",
      saiets.t("limit_reached_lv", args) .. " / " .. saiets.t("limit_reached_en", args))
  end
  if old ~= nil then -- moving to another organisation: the counts move with it
    add(ev.meeting_id, old, -1)
    add(ev.meeting_id, key, 1)
  end
end)

local function joined(ev) add(ev.meeting_id, org_key(ev.registration), 1) end
saiets.on("registration.confirmed", joined)
saiets.on("registration.waitlisted", joined)
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
