-- lunch-choice: the plugin built step by step in docs/plugins.md.
-- Participants choose a meal with their manage token; the organizer's
-- registration list gets a "meal" column; a cancelled registration's choice goes.

-- A question on the registration form; the answer is stored with the others
-- under the key this returns, "lunch-choice.allergies".
local ALLERGIES = saiets.form.field{key = "allergies", type = "text", max_length = 200,
  label = {lv = "Pārtikas alerģijas", en = "Food allergies"}}

-- The meals this meeting offers, from its settings ("meat, fish, vegetarian").
local function meals()
  local list = {}
  for meal in string.gmatch(saiets.settings().meals, "[^,]+") do
    list[#list + 1] = meal:match("^%s*(.-)%s*$")
  end
  return list
end

local function offered(meal)
  for _, m in ipairs(meals()) do
    if m == meal then return true end
  end
  return false
end

-- GET .../plugins/lunch-choice/meals: anyone may see what is offered.
saiets.route("GET", "/meals", function(req)
  return {status = 200, body = {meals = meals()}}
end, {auth = "public"})

-- PUT .../plugins/lunch-choice/choice {"meal": "fish"}: the participant's own choice.
saiets.route("PUT", "/choice", function(req)
  local meal = req.body ~= saiets.json.null and req.body.meal
  if type(meal) ~= "string" or not offered(meal) then
    return saiets.fail(422, "invalid_field",
      saiets.t("unknown_meal", {meals = table.concat(meals(), ", ")}))
  end
  saiets.db.exec("INSERT INTO p_lunch_choice_choices (registration_id, meal, chosen_at)" ..
                 " VALUES (?, ?, ?) ON CONFLICT (registration_id)" ..
                 " DO UPDATE SET meal = excluded.meal, chosen_at = excluded.chosen_at",
                 req.registration.id, meal, saiets.time.now())
  return {status = 200, body = {meal = meal}}
end, {auth = "participant"})

-- GET .../plugins/lunch-choice/meals.csv: how many chose each meal, for the kitchen.
saiets.route("GET", "/meals.csv", function(req)
  local rows = {{"meal", "count"}}
  for _, row in ipairs(saiets.db.rows(
      "SELECT c.meal, count(*) AS n FROM p_lunch_choice_choices c" ..
      " JOIN saiets_registrations r ON r.id = c.registration_id" ..
      " WHERE r.status <> 'cancelled' GROUP BY c.meal ORDER BY c.meal")) do
    rows[#rows + 1] = {row.meal, row.n}
  end
  return {status = 200, content_type = "text/csv", filename = "meals.csv",
          body = saiets.csv(rows)}
end, {auth = "organizer"})

-- The organizer's list gets one column.
saiets.on("export.columns", function(ev)
  local values = saiets.json.object()
  for _, row in ipairs(saiets.db.rows(
      "SELECT c.registration_id, c.meal FROM p_lunch_choice_choices c" ..
      " JOIN saiets_registrations r ON r.id = c.registration_id")) do
    values[tostring(row.registration_id)] = row.meal
  end
  return {{key = "meal", title = saiets.t("column"), values = values}}
end)

-- The kitchen is warned at once of a registration with an allergy.
saiets.on("registration.confirmed", function(ev)
  local allergies = ev.registration.answers[ALLERGIES]
  if allergies then
    saiets.log.info("registration " .. ev.registration.id .. ": allergies: " .. allergies)
  end
end)

-- A cancelled registration needs no lunch.
saiets.on("registration.cancelled", function(ev)
  saiets.db.exec("DELETE FROM p_lunch_choice_choices WHERE registration_id = ?",
                 ev.registration.id)
end)
