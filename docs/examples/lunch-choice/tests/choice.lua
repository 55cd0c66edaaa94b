-- Run with: saiets plugin test docs/examples/lunch-choice
local r = test.register({first_name = "Anna", last_name = "Ozola", email = "anna@example.lv",
                         organisation = "Rēzeknes novads",
                         answers = {["lunch-choice.allergies"] = "rieksti"}})
test.eq(r.status, 201, "registration")
test.eq(r.body.answers["lunch-choice.allergies"], "rieksti", "the form field's answer")
local meeting = test.http("GET", "/api/v1/meetings/" .. test.meeting_id)
test.eq(meeting.body.plugin_fields[1].key, "lunch-choice.allergies", "the form shows the field")
local long = test.register({first_name = "Jānis", last_name = "Ozols", email = "j@example.lv",
                            organisation = "Rēzeknes novads",
                            answers = {["lunch-choice.allergies"] = string.rep("x", 201)}})
test.eq(long.status, 422, "an answer longer than max_length")
local token = r.body.manage_token

local meals = test.route("GET", "/meals")
test.eq(meals.status, 200, "meals")
test.eq(meals.body.meals[2], "fish", "the second meal")

test.eq(test.route("PUT", "/choice", {meal = "fish"}, token).status, 200, "choose fish")
local bad = test.route("PUT", "/choice", {meal = "cake"}, token)
test.eq(bad.status, 422, "an unknown meal")
test.eq(bad.body.error.plugin, "lunch-choice", "the error names the plugin")
test.eq(test.route("PUT", "/choice", {meal = "fish"}).status, 401, "no token")

local list = test.http("GET", "/api/v1/meetings/" .. test.meeting_id .. "/registrations", nil,
                       test.organizer)
test.eq(list.body.registrations[1].plugin_columns["lunch-choice.meal"], "fish", "the column")
local csv = test.route("GET", "/meals.csv", nil, test.organizer)
test.eq(csv.status, 200, "the kitchen's CSV")
-- saiets.csv's text, served with a UTF-8 byte order mark in front (for Excel)
test.eq(csv.body, "\u{FEFF}meal,count\r\nfish,1\r\n", "its text")
test.eq(test.route("GET", "/meals.csv", nil, token).status, 403, "not for participants")

-- a cancelled registration loses its choice
test.eq(test.http("DELETE", "/api/v1/registrations/" .. r.body.id, nil, token).status, 200,
        "cancel")
list = test.http("GET", "/api/v1/meetings/" .. test.meeting_id .. "/registrations", nil,
                 test.organizer)
test.eq(list.body.registrations[1].plugin_columns["lunch-choice.meal"], test.json.null,
        "the choice went with the registration")
