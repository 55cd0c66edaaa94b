-- municipality-quota: at most N live (confirmed or waiting) participants per
-- organisation in a meeting, refused at registration.validate with a message in
-- Latvian and English; and an export column with each organisation's count.
--
-- An organisation is the one picked from the directory (organisation_id) or,
-- for a name typed in, that name compared without case.

local function same_org_count(reg)
  local row
  if reg.organisation_id ~= saiets.json.null and reg.organisation_id ~= nil then
    row = saiets.db.one(
      "SELECT count(*) AS n FROM saiets_registrations" ..
      " WHERE organisation_id = ? AND status <> 'cancelled' AND id IS NOT ?",
      reg.organisation_id, reg.id ~= saiets.json.null and reg.id or nil)
  else
    row = saiets.db.one(
      "SELECT count(*) AS n FROM saiets_registrations" ..
      " WHERE organisation_id IS NULL AND lower(organisation) = lower(?)" ..
      " AND status <> 'cancelled' AND id IS NOT ?",
      reg.organisation, reg.id ~= saiets.json.null and reg.id or nil)
  end
  return row.n
end

saiets.on("registration.validate", function(ev)
  local reg = ev.registration
  if reg.status == "cancelled" then return end
  local limit = saiets.settings().max_per_organisation
  local n = same_org_count(reg)
  if n >= limit then
    local args = {organisation = reg.organisation, limit = limit}
    return saiets.refuse("organisation",
      saiets.t("limit_reached_lv", args) .. " / " .. saiets.t("limit_reached_en", args))
  end
end)

-- One column: how many live participants each registration's organisation has.
saiets.on("export.columns", function(ev)
  local counts = {}
  for _, row in ipairs(saiets.db.rows(
      "SELECT coalesce(CAST(organisation_id AS TEXT), lower(organisation)) AS org," ..
      " count(*) AS n FROM saiets_registrations WHERE status <> 'cancelled' GROUP BY org")) do
    counts[row.org] = row.n
  end
  local values = saiets.json.object()
  for _, reg in ipairs(ev.registrations) do
    local key = reg.organisation_id ~= saiets.json.null and tostring(reg.organisation_id)
      or string.lower(reg.organisation)
    values[tostring(reg.id)] = counts[key] or 0
  end
  return {{key = "organisation_count", title = saiets.t("column_title"), values = values}}
end)
