-- cultural-programme: a meeting's cultural programme (tours, visits,
-- performances) with a limited number of seats each.
--
-- Organizers create, change and delete activities through the routes at the
-- end of this file.  Each activity is also an agenda item of kind "cultural"
-- (key "activity-<id>", its title as its own track, so that it runs in
-- parallel and is not everyone's plenary programme); the item is put back
-- when an organizer enables the plugin again (plugin.enabled).
--
-- Participants sign up with their manage token.  The rules of a sign-up:
--   * only a confirmed registration signs up (not a waitlisted or cancelled one);
--   * at most settings.max_per_person live sign-ups (seats and waiting places);
--   * none that overlaps in time with the person's other live sign-ups, nor
--     with the place the person has in a site visit: both compared as UTC
--     instants, the activity's taken from its agenda item (saiets_agenda);
--   * a full activity puts the person at the end of its waiting list; a freed
--     seat (a cancelled sign-up or registration, more capacity) goes to the
--     first person waiting whose registration is still confirmed.
--
-- The plugin's tables hold every meeting's activities: every query names the
-- meeting being served, and sign-ups are reached through their activity.
--
-- Errors: saiets.fail for those that name no field.  A 422 that names a field
-- is returned as an ordinary answer in the host's error shape (saiets.fail
-- takes no field), and only before the route has written anything, since an
-- ordinary answer does not undo writes.

local PLUGIN = "cultural-programme"
local null = saiets.json.null

local KINDS = {tour = true, visit = true, performance = true}
local TITLE_MAX = 200        -- characters, as an agenda item's title
local DESCRIPTION_MAX = 2000
local VENUE_MAX = 200
local TRACK_MAX = 100        -- an agenda item's track
local CAPACITY_MAX = 10000
local ID_DIGITS_MAX = 15

-- The fields of an activity an organizer writes, in the order they are checked.
local WRITABLE = {"title_lv", "title_en", "description_lv", "description_en", "kind",
                  "starts_at", "ends_at", "venue_id", "venue", "capacity"}
local READ_ONLY = {id = true, signed_up = true, waiting = true, free = true,
                   agenda_item_id = true, created_at = true, updated_at = true}

-- ---- small helpers ----------------------------------------------------------

local function is_null(v) return v == nil or v == null end

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

-- s cut to at most max characters (UTF-8).
local function cut_chars(s, max)
  if utf8.len(s) <= max then return s end
  return trim(s:sub(1, utf8.offset(s, max + 1) - 1))
end

local function in_list(list, value)
  for _, v in ipairs(list) do
    if v == value then return true end
  end
  return false
end

-- A 422 (or other) error that names a field, in the host's error shape.
local function field_error(status, code, field, message)
  return {status = status, body = {error = {code = code, message = message,
                                            field = field, plugin = PLUGIN}}}
end

local function parse_id(text)
  if type(text) ~= "string" or #text > ID_DIGITS_MAX or not text:match("^[1-9]%d*$") then
    return nil
  end
  return math.tointeger(tonumber(text))
end

local function is_object(v)
  return type(v) == "table" and getmetatable(v) == "saiets.object"
end

-- The language of the call: routes have req.lang, hooks are not told it, but
-- saiets.t looks in the call's language first, and each locale file names
-- its own language under "language".
local function call_language()
  return saiets.t("language") == "en" and "en" or "lv"
end

local function title_in(row, lang)
  return lang == "en" and row.title_en or row.title_lv
end

-- "2015-11-05 16:40-17:40", or both dates when the times fall on two days.
local function when_text(starts, ends)
  local d1, t1 = starts:sub(1, 10), starts:sub(12, 16)
  local d2, t2 = ends:sub(1, 10), ends:sub(12, 16)
  if d1 == d2 then return d1 .. " " .. t1 .. "–" .. t2 end
  return d1 .. " " .. t1 .. " – " .. d2 .. " " .. t2
end

-- ---- checking an organizer's input ----------------------------------------

local function days_in_month(year, month)
  local days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
  if month == 2 and year % 4 == 0 and (year % 100 ~= 0 or year % 400 == 0) then
    return 29
  end
  return days[month]
end

-- true when s is a real local time "YYYY-MM-DDTHH:MM".
local function local_time_ok(s)
  if type(s) ~= "string" then return false end
  local y, mo, d, h, mi = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d)$")
  if not y then return false end
  y, mo, d, h, mi = tonumber(y), tonumber(mo), tonumber(d), tonumber(h), tonumber(mi)
  return mo >= 1 and mo <= 12 and d >= 1 and d <= days_in_month(y, mo) and h <= 23
    and mi <= 59
end

-- nil when value is a text of at most max characters without control
-- characters (line breaks and tabs allowed when multiline), else a reason.
local function text_problem(value, max, multiline)
  if type(value) ~= "string" then return "type" end
  local n = utf8.len(value)
  if n == nil or n > max then return "length" end
  local bad = multiline and "[%z\1-\8\11\12\14-\31\127]" or "[%z\1-\31\127]"
  if value:find(bad) then return "control" end
  return nil
end

-- The first key of body that is not a writable field, as an error answer.
local function unknown_field_error(body)
  local keys = {}
  for k in pairs(body) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    if READ_ONLY[k] then
      return field_error(422, "forbidden_field", k, saiets.t("forbidden_field", {field = k}))
    elseif not in_list(WRITABLE, k) then
      return field_error(422, "unknown_field", k,
                         saiets.t("unknown_field", {field = k,
                                                    known = table.concat(WRITABLE, ", ")}))
    end
  end
  return nil
end

-- A text is checked for its type and length before it is trimmed, so that
-- trimming never sees a long one.
local function check_required_text(a, field, max)
  local v = a[field]
  if is_null(v) then
    return field_error(422, "missing_field", field, saiets.t("missing_field", {field = field}))
  end
  if text_problem(v, max, false) then
    return field_error(422, "invalid_field", field,
                       saiets.t("text_invalid", {field = field, max = max}))
  end
  a[field] = trim(v)
  if a[field] == "" then
    return field_error(422, "missing_field", field, saiets.t("missing_field", {field = field}))
  end
  return nil
end

local function check_optional_text(a, field, max, multiline)
  local v = a[field]
  if is_null(v) then
    a[field] = nil
    return nil
  end
  if text_problem(v, max, multiline) then
    return field_error(422, "invalid_field", field,
                       saiets.t(multiline and "text_invalid_multiline" or "text_invalid",
                                {field = field, max = max}))
  end
  a[field] = trim(v)
  if a[field] == "" then a[field] = nil end
  return nil
end

local function check_kind(a)
  if is_null(a.kind) then
    return field_error(422, "missing_field", "kind", saiets.t("missing_field", {field = "kind"}))
  end
  if not KINDS[a.kind] then
    return field_error(422, "invalid_field", "kind", saiets.t("kind_invalid"))
  end
  return nil
end

-- starts_at and ends_at: real local times within the meeting's days, the end
-- after the start.
local function check_times(a, meeting)
  for _, field in ipairs({"starts_at", "ends_at"}) do
    local v = a[field]
    if is_null(v) then
      return field_error(422, "missing_field", field, saiets.t("missing_field", {field = field}))
    end
    if not local_time_ok(v) then
      return field_error(422, "invalid_field", field, saiets.t("time_format", {field = field}))
    end
    local day = v:sub(1, 10)
    if day < meeting.starts_on or day > meeting.ends_on then
      return field_error(422, "invalid_field", field,
                         saiets.t("time_outside", {field = field, value = v,
                                                   from = meeting.starts_on,
                                                   to = meeting.ends_on}))
    end
  end
  if a.ends_at <= a.starts_at then
    return field_error(422, "invalid_field", "ends_at",
                       saiets.t("ends_before", {starts_at = a.starts_at}))
  end
  return nil
end

local function check_venue_id(a)
  local v = a.venue_id
  if is_null(v) then
    a.venue_id = nil
    return nil
  end
  if math.type(v) ~= "integer" or v < 1 then
    return field_error(422, "invalid_field", "venue_id", saiets.t("venue_id_invalid"))
  end
  return nil
end

local function check_capacity(a)
  local v = a.capacity
  if is_null(v) then
    return field_error(422, "missing_field", "capacity",
                       saiets.t("missing_field", {field = "capacity"}))
  end
  if math.type(v) ~= "integer" or v < 1 or v > CAPACITY_MAX then
    return field_error(422, "invalid_field", "capacity",
                       saiets.t("capacity_invalid", {max = CAPACITY_MAX}))
  end
  return nil
end

-- Checks a whole activity (a table of the writable fields, changed in place
-- to its clean form: trimmed texts, nil for empty optional ones).  nil when
-- it is fine, else the error answer for the first field at fault.
local function activity_problem(a, meeting)
  return check_required_text(a, "title_lv", TITLE_MAX)
    or check_required_text(a, "title_en", TITLE_MAX)
    or check_optional_text(a, "description_lv", DESCRIPTION_MAX, true)
    or check_optional_text(a, "description_en", DESCRIPTION_MAX, true)
    or check_kind(a)
    or check_times(a, meeting)
    or check_venue_id(a)
    or check_optional_text(a, "venue", VENUE_MAX, false)
    or check_capacity(a)
end

-- The request's body as an object, or an error answer.
local function body_object(req)
  if not is_object(req.body) then
    return nil, saiets.fail(400, "bad_json", saiets.t("body_not_object"))
  end
  return req.body, nil
end

-- ---- activities in the database -------------------------------------------

-- The activity's UTC instants are its agenda item's when the item exists (so
-- that a change of the meeting's zone counts), else the ones kept at the last
-- put.
local ACTIVITY_SELECT = [[
  SELECT a.id, a.title_lv, a.title_en, a.description_lv, a.description_en, a.kind,
         a.starts_at, a.ends_at, a.venue_id, a.venue, a.capacity, a.created_at,
         a.updated_at, g.id AS agenda_item_id,
         coalesce(g.starts_at, a.starts_utc) AS starts_utc,
         coalesce(g.ends_at, a.ends_utc) AS ends_utc,
         (SELECT count(*) FROM p_cultural_programme_signups s
           WHERE s.activity_id = a.id AND s.status = 'signed_up') AS signed_up,
         (SELECT count(*) FROM p_cultural_programme_signups s
           WHERE s.activity_id = a.id AND s.status = 'waitlisted') AS waiting
  FROM p_cultural_programme_activities a
  LEFT JOIN saiets_agenda g
    ON g.source = 'plugin:cultural-programme' AND g.source_key = 'activity-' || a.id
]]

local function load_activity(meeting_id, id)
  return saiets.db.one(ACTIVITY_SELECT .. " WHERE a.meeting_id = ? AND a.id = ?",
                       meeting_id, id)
end

local function load_activities(meeting_id)
  return saiets.db.rows(ACTIVITY_SELECT .. " WHERE a.meeting_id = ?" ..
                        " ORDER BY a.starts_at, a.id LIMIT 1000", meeting_id)
end

local function activity_json(row)
  return {
    id = row.id,
    title_lv = row.title_lv,
    title_en = row.title_en,
    description_lv = row.description_lv or null,
    description_en = row.description_en or null,
    kind = row.kind,
    starts_at = row.starts_at,
    ends_at = row.ends_at,
    venue_id = row.venue_id or null,
    venue = row.venue or null,
    capacity = row.capacity,
    signed_up = row.signed_up,
    waiting = row.waiting,
    free = math.max(row.capacity - row.signed_up, 0),
    agenda_item_id = row.agenda_item_id or null,
  }
end

-- The activity of the request's :id in this meeting, or an error answer.
local function activity_of_request(req)
  local id = parse_id(req.params.id)
  if id == nil then
    return nil, saiets.fail(400, "bad_request", saiets.t("bad_id", {id = tostring(req.params.id)}))
  end
  local row = load_activity(req.meeting_id, id)
  if row == nil then
    return nil, saiets.fail(404, "not_found", saiets.t("not_found", {id = id}))
  end
  return row, nil
end

local function agenda_key(id) return "activity-" .. id end

-- The agenda item for activity a (clean fields and its id), in the language
-- the meeting's settings choose.
local function agenda_item_of(a)
  local lang = saiets.settings().agenda_language == "en" and "en" or "lv"
  local title = lang == "en" and a.title_en or a.title_lv
  local description = lang == "en" and a.description_en or a.description_lv
  local parts = {}
  if description then parts[#parts + 1] = description end
  if a.venue then parts[#parts + 1] = saiets.t("agenda_venue_line_" .. lang, {venue = a.venue}) end
  return {
    starts_at = a.starts_at,
    ends_at = a.ends_at,
    kind = "cultural",
    title = title,
    description = #parts > 0 and table.concat(parts, "\n\n") or null,
    venue_id = a.venue_id or null,
    track = cut_chars(title, TRACK_MAX),
    expected_attendance = a.capacity,
  }
end

-- Puts activity a's agenda item: its id and UTC instants, or nil and the
-- agenda's refusal (nothing written then).
local function put_agenda_item(a)
  local ok, result = pcall(saiets.agenda.put, agenda_key(a.id), agenda_item_of(a))
  if not ok then return nil, tostring(result) end
  return saiets.db.one("SELECT id, starts_at, ends_at FROM saiets_agenda WHERE id = ?", result)
end

-- The agenda's fields, as this plugin's.
local AGENDA_FIELDS = {starts_at = "starts_at", ends_at = "ends_at", venue_id = "venue_id",
                       expected_attendance = "capacity"}

local function agenda_refusal(message)
  local text = message:gsub("^saiets%.agenda%.put: ", "")
  local field, reason = text:match("^([%w_]+): (.*)$")
  local lang = saiets.settings().agenda_language == "en" and "en" or "lv"
  local mine = field and (AGENDA_FIELDS[field]
    or ((field == "title" or field == "track") and "title_" .. lang)
    or (field == "description" and "description_" .. lang))
  if mine == "venue_id" then
    return field_error(422, "invalid_field", mine, saiets.t("venue_id_invalid"))
  end
  return field_error(422, "invalid_field", mine or nil,
                     saiets.t("agenda_refused", {reason = mine and reason or text}))
end

local function next_activity_id()
  return saiets.db.one("SELECT coalesce(max(id), 0) + 1 AS id FROM p_cultural_programme_activities").id
end

local function meeting_row()
  return saiets.db.one("SELECT starts_on, ends_on FROM saiets_meetings")
end

-- ---- sign-ups ---------------------------------------------------------------

local SIGNUP_SELECT = [[
  SELECT s.id, s.activity_id, s.registration_id, s.status, s.created_at, s.updated_at,
         CASE WHEN s.status = 'waitlisted' THEN
           (SELECT count(*) FROM p_cultural_programme_signups w
             WHERE w.activity_id = s.activity_id AND w.status = 'waitlisted'
               AND w.waitlist_seq <= s.waitlist_seq) END AS waitlist_position,
         a.title_lv, a.title_en, a.kind, a.starts_at, a.ends_at, a.venue_id, a.venue
  FROM p_cultural_programme_signups s
  JOIN p_cultural_programme_activities a ON a.id = s.activity_id
]]

local function signup_json(row)
  return {
    activity_id = row.activity_id,
    status = row.status,
    waitlist_position = row.waitlist_position or null,
    created_at = row.created_at,
    updated_at = row.updated_at,
    activity = {
      id = row.activity_id, title_lv = row.title_lv, title_en = row.title_en,
      kind = row.kind, starts_at = row.starts_at, ends_at = row.ends_at,
      venue_id = row.venue_id or null, venue = row.venue or null,
    },
  }
end

-- The person's live sign-ups in the meeting, by time.
local function live_signups_of(meeting_id, registration_id)
  return saiets.db.rows(SIGNUP_SELECT ..
    " WHERE a.meeting_id = ? AND s.registration_id = ?" ..
    " AND s.status IN ('signed_up', 'waitlisted') ORDER BY a.starts_at, a.id LIMIT 1000",
    meeting_id, registration_id)
end

local function live_signup(activity_id, registration_id)
  return saiets.db.one(SIGNUP_SELECT ..
    " WHERE s.activity_id = ? AND s.registration_id = ?" ..
    " AND s.status IN ('signed_up', 'waitlisted')", activity_id, registration_id)
end

local function signup_by_id(id)
  return saiets.db.one(SIGNUP_SELECT .. " WHERE s.id = ?", id)
end

-- The person's other live sign-up that overlaps [starts, ends) (UTC seconds).
local function clashing_signup(meeting_id, registration_id, activity_id, starts, ends)
  return saiets.db.one([[
    SELECT a.title_lv, a.title_en, a.starts_at, a.ends_at
    FROM p_cultural_programme_signups s
    JOIN p_cultural_programme_activities a ON a.id = s.activity_id
    LEFT JOIN saiets_agenda g
      ON g.source = 'plugin:cultural-programme' AND g.source_key = 'activity-' || a.id
    WHERE a.meeting_id = ? AND s.registration_id = ? AND a.id <> ?
      AND s.status IN ('signed_up', 'waitlisted')
      AND coalesce(g.starts_at, a.starts_utc) < ? AND coalesce(g.ends_at, a.ends_utc) > ?
    ORDER BY a.starts_at LIMIT 1]], meeting_id, registration_id, activity_id, ends, starts)
end

-- The person's site-visit place that overlaps [starts, ends) (UTC seconds);
-- a place on a slot's waiting list is no place.
local function clashing_visit(registration_id, starts, ends)
  return saiets.db.one([[
    SELECT topic, host, starts_local, ends_local FROM saiets_site_visits
    WHERE registration_id = ? AND option_id IS NOT NULL AND starts_at < ? AND ends_at > ?
    ORDER BY starts_at LIMIT 1]], registration_id, ends, starts)
end

local function count_live(meeting_id, registration_id)
  return saiets.db.one([[
    SELECT count(*) AS n FROM p_cultural_programme_signups s
    JOIN p_cultural_programme_activities a ON a.id = s.activity_id
    WHERE a.meeting_id = ? AND s.registration_id = ?
      AND s.status IN ('signed_up', 'waitlisted')]], meeting_id, registration_id).n
end

-- Tells the person of their sign-up by e-mail (in their own language).
local function mail_signup(key, act, registration_id)
  saiets.mail{registration = registration_id, subject = key .. "_subject", text = key .. "_text",
              args = {title = {lv = act.title_lv, en = act.title_en},
                      when = when_text(act.starts_at, act.ends_at)}}
end

-- Gives the activity's free seats to the people waiting, first in line first
-- (skipping anyone whose registration is no longer confirmed), and mails each
-- (but `quiet`, a registration that hears of its sign-up otherwise).  Returns
-- the registration ids promoted.
local function promote_waiting(activity_id, quiet)
  local act = saiets.db.one([[
    SELECT a.capacity, (SELECT count(*) FROM p_cultural_programme_signups s
                         WHERE s.activity_id = a.id AND s.status = 'signed_up') AS signed_up
    FROM p_cultural_programme_activities a WHERE a.id = ?]], activity_id)
  local promoted = {}
  if act == nil then return promoted end
  local free = act.capacity - act.signed_up
  local now = saiets.time.now()
  while free > 0 do -- at most capacity rounds: each fills a seat or stops
    local nxt = saiets.db.one([[
      SELECT s.id, s.registration_id FROM p_cultural_programme_signups s
      JOIN saiets_registrations r ON r.id = s.registration_id AND r.status = 'confirmed'
      WHERE s.activity_id = ? AND s.status = 'waitlisted'
      ORDER BY s.waitlist_seq LIMIT 1]], activity_id)
    if nxt == nil then break end
    saiets.db.exec("UPDATE p_cultural_programme_signups SET status = 'signed_up'," ..
                   " waitlist_seq = NULL, updated_at = ? WHERE id = ?", now, nxt.id)
    promoted[#promoted + 1] = nxt.registration_id
    if nxt.registration_id ~= quiet then
      mail_signup("mail_promoted", saiets.db.one(
        "SELECT * FROM p_cultural_programme_activities WHERE id = ?", activity_id),
        nxt.registration_id)
    end
    free = free - 1
  end
  return promoted
end

-- Cancels one live sign-up (a row with id, activity_id, status) and gives a
-- freed seat to the next in line.
local function cancel_signup(row)
  saiets.db.exec("UPDATE p_cultural_programme_signups SET status = 'cancelled'," ..
                 " waitlist_seq = NULL, updated_at = ? WHERE id = ?", saiets.time.now(), row.id)
  if row.status == "signed_up" then
    promote_waiting(row.activity_id)
  end
end

-- Cancels every live sign-up of the person in the meeting (their
-- registration was cancelled), promoting others into the freed seats.
local function release_signups(meeting_id, registration_id)
  local rows = live_signups_of(meeting_id, registration_id)
  for _, row in ipairs(rows) do
    cancel_signup(row)
  end
  return #rows
end

-- Sign-ups whose registration is no longer confirmed (it was cancelled while
-- the plugin was off for the meeting, and no hook ran): released.
local function release_stale_signups(meeting_id)
  local stale = saiets.db.rows([[
    SELECT DISTINCT s.registration_id FROM p_cultural_programme_signups s
    JOIN p_cultural_programme_activities a ON a.id = s.activity_id
    LEFT JOIN saiets_registrations r ON r.id = s.registration_id
    WHERE a.meeting_id = ? AND s.status IN ('signed_up', 'waitlisted')
      AND (r.status IS NULL OR r.status <> 'confirmed') LIMIT 1000]], meeting_id)
  for _, row in ipairs(stale) do
    release_signups(meeting_id, row.registration_id)
  end
end

-- ---- organizer routes: activities -----------------------------------------

local function activity_fields(row)
  local a = {}
  for _, f in ipairs(WRITABLE) do a[f] = row[f] end
  return a
end

local function insert_activity(meeting_id, a, item)
  local now = saiets.time.now()
  saiets.db.exec([[
    INSERT INTO p_cultural_programme_activities
      (id, meeting_id, title_lv, title_en, description_lv, description_en, kind, starts_at,
       ends_at, starts_utc, ends_utc, venue_id, venue, capacity, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)]],
    a.id, meeting_id, a.title_lv, a.title_en, a.description_lv, a.description_en, a.kind,
    a.starts_at, a.ends_at, item.starts_at, item.ends_at, a.venue_id, a.venue, a.capacity,
    now, now)
end

local function update_activity(a, item)
  saiets.db.exec([[
    UPDATE p_cultural_programme_activities
    SET title_lv = ?, title_en = ?, description_lv = ?, description_en = ?, kind = ?,
        starts_at = ?, ends_at = ?, starts_utc = ?, ends_utc = ?, venue_id = ?, venue = ?,
        capacity = ?, updated_at = ?
    WHERE id = ?]],
    a.title_lv, a.title_en, a.description_lv, a.description_en, a.kind, a.starts_at,
    a.ends_at, item.starts_at, item.ends_at, a.venue_id, a.venue, a.capacity,
    saiets.time.now(), a.id)
end

local function create_activity_route(req)
  local body, err = body_object(req)
  if err then return err end
  local problem = unknown_field_error(body)
  if problem then return problem end
  local a = activity_fields(body)
  local meeting = meeting_row()
  problem = activity_problem(a, meeting)
  if problem then return problem end
  a.id = next_activity_id()
  local item, refusal = put_agenda_item(a)
  if item == nil then return agenda_refusal(refusal) end
  insert_activity(req.meeting_id, a, item)
  return {status = 201, body = activity_json(load_activity(req.meeting_id, a.id))}
end

local function update_activity_route(req)
  local row, err = activity_of_request(req)
  if err then return err end
  local body
  body, err = body_object(req)
  if err then return err end
  local problem = unknown_field_error(body)
  if problem then return problem end
  local a = activity_fields(row)
  for k, v in pairs(body) do a[k] = v end
  problem = activity_problem(a, meeting_row())
  if problem then return problem end
  if a.capacity < row.signed_up then
    return saiets.fail(409, "capacity_below_signed_up",
                       saiets.t("capacity_below", {count = row.signed_up}))
  end
  a.id = row.id
  local item, refusal = put_agenda_item(a)
  if item == nil then return agenda_refusal(refusal) end
  update_activity(a, item)
  if a.capacity > row.capacity then
    promote_waiting(row.id)
  end
  return {status = 200, body = activity_json(load_activity(req.meeting_id, row.id))}
end

local function delete_activity_route(req)
  local row, err = activity_of_request(req)
  if err then return err end
  saiets.agenda.remove(agenda_key(row.id))
  local removed = saiets.db.exec("DELETE FROM p_cultural_programme_signups" ..
                                 " WHERE activity_id = ? AND status <> 'cancelled'", row.id).changes
  saiets.db.exec("DELETE FROM p_cultural_programme_signups WHERE activity_id = ?", row.id)
  saiets.db.exec("DELETE FROM p_cultural_programme_activities WHERE id = ?", row.id)
  return {status = 200, body = {id = row.id, deleted = true, signups_removed = removed}}
end

-- ---- public routes ------------------------------------------------------------

local function list_activities_route(req)
  local only_free = req.query.available
  if only_free ~= nil and only_free ~= "0" and only_free ~= "1" then
    return saiets.fail(400, "bad_request", saiets.t("bad_available"))
  end
  local list = saiets.json.array()
  for _, row in ipairs(load_activities(req.meeting_id)) do
    if only_free ~= "1" or row.signed_up < row.capacity then
      list[#list + 1] = activity_json(row)
    end
  end
  return {status = 200, body = {meeting = req.meeting_id, activities = list}}
end

local function show_activity_route(req)
  local row, err = activity_of_request(req)
  if err then return err end
  return {status = 200, body = activity_json(row)}
end

-- ---- organizer routes: sign-ups -----------------------------------------------

local SIGNUP_STATUSES = {"signed_up", "waitlisted", "cancelled"}

local SIGNUP_COLUMNS = {"registration_id", "first_name", "last_name", "organisation", "email",
                        "registration_status", "status", "waitlist_position", "created_at",
                        "updated_at"}

-- The list as CSV, by the host's writer (quoting, formula guard).
local function signups_csv(list)
  local rows = {SIGNUP_COLUMNS}
  for _, s in ipairs(list) do
    local cells = {}
    for i, key in ipairs(SIGNUP_COLUMNS) do cells[i] = s[key] end
    rows[#rows + 1] = cells
  end
  return saiets.csv(rows)
end

local function activity_signups_route(req)
  local row, err = activity_of_request(req)
  if err then return err end
  local status, format = req.query.status, req.query.format
  if status ~= nil and not in_list(SIGNUP_STATUSES, status) then
    return saiets.fail(400, "bad_request", saiets.t("bad_status"))
  end
  if format ~= nil and format ~= "json" and format ~= "csv" then
    return saiets.fail(400, "bad_request", saiets.t("bad_format"))
  end
  local rows = saiets.db.rows([[
    SELECT s.registration_id, s.status, s.created_at, s.updated_at,
           CASE WHEN s.status = 'waitlisted' THEN
             (SELECT count(*) FROM p_cultural_programme_signups w
               WHERE w.activity_id = s.activity_id AND w.status = 'waitlisted'
                 AND w.waitlist_seq <= s.waitlist_seq) END AS waitlist_position,
           r.first_name, r.last_name, r.organisation, r.email,
           r.status AS registration_status
    FROM p_cultural_programme_signups s
    LEFT JOIN saiets_registrations r ON r.id = s.registration_id
    WHERE s.activity_id = ?
      AND ((? IS NULL AND s.status <> 'cancelled') OR s.status = ?)
    ORDER BY CASE s.status WHEN 'signed_up' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END,
             s.waitlist_seq, s.id
    LIMIT 10000]], row.id, status, status)
  local list = saiets.json.array()
  for _, s in ipairs(rows) do
    list[#list + 1] = {
      registration_id = s.registration_id,
      first_name = s.first_name or null,
      last_name = s.last_name or null,
      organisation = s.organisation or null,
      email = s.email or null,
      registration_status = s.registration_status or null,
      status = s.status,
      waitlist_position = s.waitlist_position or null,
      created_at = s.created_at,
      updated_at = s.updated_at,
    }
  end
  if format == "csv" then
    return {status = 200, content_type = "text/csv", body = signups_csv(list),
            filename = "activity-" .. row.id .. "-signups.csv"}
  end
  return {status = 200, body = {activity = activity_json(row), signups = list}}
end

local function organizer_cancel_route(req)
  local row, err = activity_of_request(req)
  if err then return err end
  local reg_id = parse_id(req.params.registration)
  if reg_id == nil then
    return saiets.fail(400, "bad_request",
                       saiets.t("bad_registration_id", {id = tostring(req.params.registration)}))
  end
  local s = live_signup(row.id, reg_id)
  if s == nil then
    return saiets.fail(404, "not_found",
                       saiets.t("no_such_signup", {id = reg_id, title = title_in(row, req.lang)}))
  end
  cancel_signup(s)
  return {status = 200, body = signup_json(signup_by_id(s.id))}
end

-- ---- participant routes -------------------------------------------------------

-- nil when the participant's registration is confirmed, else the error answer.
local function not_confirmed_error(registration_id)
  local reg = saiets.db.one("SELECT status FROM saiets_registrations WHERE id = ?",
                            registration_id)
  local status = reg and reg.status or "cancelled"
  if status == "confirmed" then return nil end
  return saiets.fail(409, "not_confirmed", saiets.t("not_confirmed_" .. status))
end

-- An empty body, or none: a sign-up takes no fields.
local function empty_body_error(req)
  if is_null(req.body) then return nil end
  if not is_object(req.body) then
    return saiets.fail(400, "bad_json", saiets.t("body_not_object"))
  end
  local k = next(req.body)
  if k ~= nil then
    return field_error(422, "unknown_field", k, saiets.t("signup_takes_no_fields", {field = k}))
  end
  return nil
end

-- nil when the person may take this activity, else the error answer (the
-- per-person limit, then clashes with their sign-ups and site visit).
local function signup_rule_error(req, act, registration_id)
  local limit = saiets.settings().max_per_person or 2
  if count_live(req.meeting_id, registration_id) >= limit then
    return saiets.fail(422, "limit_reached", saiets.t("limit_reached", {limit = limit}))
  end
  if act.starts_utc == nil then return nil end -- never placed in the agenda: nothing to compare
  local args = {title = title_in(act, req.lang), when = when_text(act.starts_at, act.ends_at)}
  local other = clashing_signup(req.meeting_id, registration_id, act.id, act.starts_utc,
                                act.ends_utc)
  if other then
    args.other = title_in(other, req.lang)
    args.other_when = when_text(other.starts_at, other.ends_at)
    return saiets.fail(409, "time_clash", saiets.t("clash_activity", args))
  end
  local visit = clashing_visit(registration_id, act.starts_utc, act.ends_utc)
  if visit then
    args.visit = visit.topic or ""
    args.visit_when = when_text(visit.starts_local, visit.ends_local)
    return saiets.fail(409, "time_clash", saiets.t("clash_visit", args))
  end
  return nil
end

local function sign_up_route(req)
  local act, err = activity_of_request(req)
  if err then return err end
  err = empty_body_error(req)
  if err then return err end
  if saiets.settings().signups_open == false then
    return saiets.fail(409, "signups_closed", saiets.t("signups_closed"))
  end
  local registration_id = req.registration.id
  err = not_confirmed_error(registration_id)
  if err then return err end
  if live_signup(act.id, registration_id) then
    return saiets.fail(409, "already_signed_up",
                       saiets.t("already_signed_up", {title = title_in(act, req.lang)}))
  end
  err = signup_rule_error(req, act, registration_id)
  if err then return err end
  -- A free seat with nobody waiting is taken at once; otherwise the person
  -- joins the end of the line and promotion gives any free seat to whoever
  -- is first in it.
  local status, seq = "signed_up", nil
  if act.signed_up >= act.capacity or act.waiting > 0 then
    status = "waitlisted"
    seq = saiets.db.one("SELECT coalesce(max(waitlist_seq), 0) + 1 AS seq" ..
                        " FROM p_cultural_programme_signups WHERE activity_id = ?", act.id).seq
  end
  local now = saiets.time.now()
  local id = saiets.db.exec("INSERT INTO p_cultural_programme_signups (activity_id," ..
                            " registration_id, status, waitlist_seq, created_at, updated_at)" ..
                            " VALUES (?, ?, ?, ?, ?, ?)", act.id, registration_id, status, seq,
                            now, now).last_id
  if status == "waitlisted" and act.signed_up < act.capacity then
    promote_waiting(act.id, registration_id)
  end
  local row = signup_by_id(id)
  mail_signup(row.status == "signed_up" and "mail_signed_up" or "mail_waitlisted", act,
              registration_id)
  return {status = 201, body = signup_json(row)}
end

local function cancel_own_route(req)
  local act, err = activity_of_request(req)
  if err then return err end
  local s = live_signup(act.id, req.registration.id)
  if s == nil then
    return saiets.fail(404, "not_found",
                       saiets.t("not_signed_up", {title = title_in(act, req.lang)}))
  end
  cancel_signup(s)
  return {status = 200, body = signup_json(signup_by_id(s.id))}
end

local function own_signups_route(req)
  local list = saiets.json.array()
  for _, row in ipairs(live_signups_of(req.meeting_id, req.registration.id)) do
    list[#list + 1] = signup_json(row)
  end
  return {status = 200, body = {registration_id = req.registration.id,
                                max_per_person = saiets.settings().max_per_person or 2,
                                signups = list}}
end

-- ---- hooks ---------------------------------------------------------------------

-- A cancelled registration frees its seats (and waiting places).
saiets.on("registration.cancelled", function(ev)
  release_signups(ev.meeting_id, ev.registration.id)
end)

-- Enabled again (or its settings changed): the items come back to the agenda,
-- in the language the settings now choose.  An activity the agenda no longer
-- takes (the meeting's days moved while the plugin was off, its venue is
-- gone) is left out and logged; the organizer's next change of it puts it back.
saiets.on("plugin.enabled", function(ev)
  release_stale_signups(ev.meeting_id)
  for _, row in ipairs(load_activities(ev.meeting_id)) do
    local a = activity_fields(row)
    a.id = row.id
    local item, refusal = put_agenda_item(a)
    if item then
      saiets.db.exec("UPDATE p_cultural_programme_activities SET starts_utc = ?, ends_utc = ?" ..
                     " WHERE id = ?", item.starts_at, item.ends_at, row.id)
    else
      saiets.log.warn("meeting " .. ev.meeting_id .. ", activity " .. row.id ..
                      " is not back in the agenda: " .. refusal)
    end
  end
end)

-- The person's sign-ups in their registration; their seats (not the waiting
-- places) in their own calendar.
saiets.on("registration.view", function(ev)
  local list, calendar = saiets.json.array(), saiets.json.array()
  for _, row in ipairs(live_signups_of(ev.meeting_id, ev.registration.id)) do
    list[#list + 1] = signup_json(row)
    if row.status == "signed_up" then
      calendar[#calendar + 1] = agenda_key(row.activity_id)
    end
  end
  return {data = {signups = list}, calendar = calendar}
end)

-- One column in the registrations' list: each person's sign-ups, by time,
-- titles in the language of the list (?lang=en).
saiets.on("export.columns", function(ev)
  local lang = call_language()
  local by_person = {}
  for _, row in ipairs(saiets.db.rows(SIGNUP_SELECT ..
      " WHERE a.meeting_id = ? AND s.status IN ('signed_up', 'waitlisted')" ..
      " ORDER BY a.starts_at, a.id LIMIT 10000", ev.meeting_id)) do
    local key = tostring(row.registration_id)
    local args = {title = title_in(row, lang), position = row.waitlist_position}
    local text = saiets.t(row.status == "waitlisted" and "column_entry_waiting"
                          or "column_entry", args)
    by_person[key] = by_person[key] and by_person[key] .. "; " .. text or text
  end
  local values = saiets.json.object()
  for _, reg in ipairs(ev.registrations) do
    local key = tostring(reg.id)
    if by_person[key] then values[key] = by_person[key] end
  end
  return {{key = "signups", title = saiets.t("column_title"), values = values}}
end)

-- ---- routes ---------------------------------------------------------------------

saiets.route("GET", "/activities", list_activities_route, {auth = "public"})
saiets.route("GET", "/activities/:id", show_activity_route, {auth = "public"})
saiets.route("POST", "/activities", create_activity_route, {auth = "organizer"})
saiets.route("PATCH", "/activities/:id", update_activity_route, {auth = "organizer"})
saiets.route("DELETE", "/activities/:id", delete_activity_route, {auth = "organizer"})
saiets.route("GET", "/activities/:id/signups", activity_signups_route, {auth = "organizer"})
saiets.route("DELETE", "/activities/:id/signups/:registration", organizer_cancel_route,
             {auth = "organizer"})
saiets.route("POST", "/activities/:id/signup", sign_up_route, {auth = "participant"})
saiets.route("DELETE", "/activities/:id/signup", cancel_own_route, {auth = "participant"})
saiets.route("GET", "/signups", own_signups_route, {auth = "participant"})
