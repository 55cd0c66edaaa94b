-- Run with: saiets plugin test plugins/municipality-quota
-- The default quota is 3 people per organisation.
local function person(n, org)
  return {first_name = "Dalībnieks", last_name = "Nr" .. n, email = "p" .. n .. "@example.lv",
          organisation = org}
end

for n = 1, 3 do
  test.eq(test.register(person(n, "Ludzas novads")).status, 201, "registration " .. n)
end
local refused = test.register(person(4, "Ludzas novads"))
test.eq(refused.status, 422, "the fourth from one organisation")
test.eq(refused.body.error.code, "plugin_refused", "the code")
test.eq(refused.body.error.field, "organisation", "the field")
assert(refused.body.error.message:find("3", 1, true), "the message names the limit")
test.eq(test.register(person(5, "Preiļu novads")).status, 201, "another organisation")

-- a cancellation frees a place
local list = test.http("GET", "/api/v1/meetings/" .. test.meeting_id .. "/registrations", nil,
                       test.organizer)
test.eq(list.body.registrations[1].plugin_columns["municipality-quota.organisation_count"] ~= nil,
        true, "the count column")
local first
for _, reg in ipairs(list.body.registrations) do
  if reg.organisation == "Ludzas novads" then first = reg.id break end
end
test.eq(test.http("DELETE", "/api/v1/registrations/" .. first, nil, test.organizer).status, 200,
        "cancel one")
test.eq(test.register(person(6, "Ludzas novads")).status, 201, "a place again")

-- Moving a registration to a full organisation is refused; to another, the counts move.
local mover = test.register(person(7, "Balvu novads"))
test.eq(mover.status, 201, "one from Balvi")
local path = "/api/v1/registrations/" .. mover.body.id
local moved = test.http("PATCH", path, {organisation = "Ludzas novads"}, mover.body.manage_token)
test.eq(moved.status, 422, "Ludza is full")
test.eq(test.http("PATCH", path, {organisation = "Preiļu novads"}, mover.body.manage_token).status,
        200, "Preiļi has room")
test.eq(test.register(person(8, "Balvu novads")).status, 201, "Balvi's place is free")

-- Enabling again (here with a quota of 1) counts the registrations already there.
local put = test.http("PUT", "/api/v1/meetings/" .. test.meeting_id ..
                      "/plugins/municipality-quota", {settings = {max_per_organisation = 1}},
                      test.organizer)
test.eq(put.status, 200, "re-enable with a quota of 1")
test.eq(test.register(person(9, "Balvu novads")).status, 422, "Balvi has one already")
test.eq(test.register(person(10, "Viļānu novads")).status, 201, "a new organisation")

-- A typed-in name counts without (ASCII) case, as the host's organisation_key does.
local other_case = test.register(person(11, "VIĻĀNU NOVADS"))
test.eq(other_case.status, 201, "Latvian capitals are a different name (lower() is ASCII)")
test.eq(test.register(person(12, "viļānu novads")).status, 422, "ASCII case is the same name")

-- Registrations made while the plugin is off count as soon as it is on again.
local base = "/api/v1/meetings/" .. test.meeting_id .. "/plugins/municipality-quota"
test.eq(test.http("DELETE", base, nil, test.organizer).status, 200, "disable")
test.eq(test.register(person(13, "Krāslavas novads")).status, 201, "no quota while off")
test.eq(test.register(person(14, "Krāslavas novads")).status, 201, "no quota while off, 2")
test.eq(test.http("PUT", base, {settings = {max_per_organisation = 2}}, test.organizer).status,
        200, "enable with a quota of 2")
test.eq(test.register(person(15, "krāslavas novads")).status, 422, "Krāslava has two")
