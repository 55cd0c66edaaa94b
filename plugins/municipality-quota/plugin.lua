-- municipality-quota: at most N live (confirmed or waiting) participants per
-- organisation in a meeting, refused at registration.validate with a message in
-- Latvian and English; and an export column with each organisation's count.
--
-- An organisation is the one picked from the directory (organisation_id) or, for a
-- name typed in, that name without case (ASCII letters only: SQL's lower()), the
-- host's saiets_registrations.organisation_key.  The count is read from the host's
-- registrations through the index on that key: the plugin writes nothing, so a
-- registration pays one index search for it, and there is no count to keep in step
-- (registrations made while the plugin was off count as soon as it is on).

local null = saiets.json.null

-- The same key as the host's organisation_key column.
local function org_key(reg)
  if reg.organisation_id ~= nil and reg.organisation_id ~= null then
    return tostring(reg.organisation_id)
  end
  return string.lower(reg.organisation)
end

-- One index search: the organisation's entries, their status read from the index.
local LIVE = "SELECT count(*) AS n FROM saiets_registrations" ..
             " WHERE organisation_key = ? AND status <> 'cancelled'"

-- The stored registration's organisation (for a change of an existing one).
local function stored_key(id)
  local row = saiets.db.one("SELECT organisation_key, status FROM saiets_registrations" ..
                            " WHERE id = ?", id)
  if row == nil or row.status == "cancelled" then return nil end
  return row.organisation_key
end

saiets.on("registration.validate", function(ev)
  local reg = ev.registration
  if reg.status == "cancelled" then return end
  local key = org_key(reg)
  if reg.id ~= null and stored_key(reg.id) == key then
    return -- a change that keeps the organisation
  end
  local limit = saiets.settings().max_per_organisation
  -- The writer runs one change at a time, so the count cannot move before this
  -- registration is written (or refused).
  if saiets.db.one(LIVE, key).n >= limit then
    local args = {organisation = reg.organisation, limit = limit}
    return saiets.refuse("organisation",
      saiets.t("limit_reached_lv", args) .. " / " .. saiets.t("limit_reached_en", args))
  end
end)

-- One column: how many live participants each registration's organisation has.
saiets.on("export.columns", function(ev)
  local counts = {}
  for _, row in ipairs(saiets.db.rows("SELECT organisation_key AS k, count(*) AS n" ..
                                      " FROM saiets_registrations WHERE status <> 'cancelled'" ..
                                      " GROUP BY organisation_key")) do
    counts[row.k] = row.n
  end
  local values = saiets.json.object()
  for _, reg in ipairs(ev.registrations) do
    values[tostring(reg.id)] = counts[org_key(reg)] or 0
  end
  return {{key = "organisation_count", title = saiets.t("column_title"), values = values}}
end)
