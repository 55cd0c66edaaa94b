-- agenda_prelude.lua - the agenda DSL (docs/agenda-scripts.md), in Lua.
--
-- Runs in the script's sandbox just before the organizer's script, as a
-- host chunk of core/agenda_script.c: errors raised here are reported at the
-- line of the script that called in.  Defines the DSL's globals (venue,
-- travel, day, at, after, shift, template, series) and returns `finish`,
-- which C calls after the script to get {venues, travel, items}.
--
-- Everything this file needs from the libraries is taken into locals before
-- the script runs, and its state lives in upvalues the script cannot reach,
-- so a script that redefines string.format or `at` only changes itself.
-- Never trusts a value it is handed: every field is checked here, and C
-- checks again that the result is plain data.

local where = ... -- C: (short source, line) of the innermost script frame

local type, tostring, tonumber, error, pairs, setmetatable =
    type, tostring, tonumber, error, pairs, setmetatable
local fmt, match, find, gsub, sub, byte, char =
    string.format, string.match, string.find, string.gsub, string.sub, string.byte, string.char
local ulen, mtype, tointeger, sort = utf8.len, math.type, math.tointeger, table.sort

local MAX_ITEMS, MAX_VENUES, MAX_TRAVEL, MAX_DAYS = 1000, 500, 5000, 62
local ITEM_KINDS = "opening talk lecture discussion break meal site_visit cultural travel other"
local VENUE_KINDS =
    "hall school museum theatre fortress restaurant hotel church library outdoor office other"

local function set_of(words)
    local s = {}
    for w in words:gmatch("%S+") do s[w] = true end
    return s
end
local is_item_kind, is_venue_kind = set_of(ITEM_KINDS), set_of(VENUE_KINDS)

-- ---- errors ---------------------------------------------------------------

local context -- "series item 3: " while a series places its items

-- Raises msg without a position: the sandbox adds the script's line.
local function fail(msg, ...)
    error((context or "") .. fmt(msg, ...), 0)
end

-- A value for a message: text quoted and cut at a character boundary.
local function show(v)
    if type(v) ~= "string" then
        return type(v) == "number" and tostring(v) or "a " .. type(v)
    end
    if #v > 60 then
        local n = 58
        while n > 1 and byte(v, n + 1) >= 0x80 and byte(v, n + 1) < 0xC0 do n = n - 1 end
        v = sub(v, 1, n) .. "..."
    end
    return '"' .. gsub(v, "%c", "?") .. '"'
end

-- ---- values ---------------------------------------------------------------

-- Text of at most max characters: valid UTF-8, not blank, no control
-- characters (TAB and LF allowed when multiline).  Same rules as the API.
local function text(v, what, max, multiline)
    if type(v) ~= "string" then fail("%s must be text, not %s", what, show(v)) end
    if #v > 4 * max then fail("%s is longer than %d characters", what, max) end
    local n = ulen(v)
    if not n then fail("%s is not valid UTF-8", what) end
    if n > max then fail("%s is longer than %d characters (%d)", what, max, n) end
    if find(v, multiline and "[\0-\8\11-\31\127]" or "%c") then
        fail("%s contains a control character%s", what, multiline and "" or " (a line break?)")
    end
    if not find(v, "%S") then fail("%s is empty", what) end
    return v
end

local function opt_text(v, what, max, multiline)
    if v == nil then return nil end
    return text(v, what, max, multiline)
end

-- A whole number from min to max (3.0 counts as 3).
local function whole(v, what, min, max)
    local i = type(v) == "number" and tointeger(v) or nil
    if not i or i < min or i > max then
        fail("%s must be a whole number from %d to %d, not %s", what, min, max, show(v))
    end
    return i
end

local function number(v, what, min, max)
    if type(v) ~= "number" or v ~= v or v < min or v > max then
        fail("%s must be a number from %g to %g, not %s", what, min, max, show(v))
    end
    return v
end

-- "HH:MM" (or "H:MM") -> minutes after midnight.
local function clock(v, what)
    local h, m
    if type(v) == "string" then h, m = match(v, "^(%d%d?):(%d%d)$") end
    h, m = tointeger(tonumber(h)), tointeger(tonumber(m))
    if not h or h > 23 or m > 59 then
        fail("bad time %s for %s: write \"HH:MM\", from \"00:00\" to \"23:59\"", show(v), what)
    end
    return h * 60 + m
end

local function hhmm(minutes)
    return fmt("%02d:%02d", minutes // 60, minutes % 60)
end

local function leap(y) return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0) end
local MONTH_DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

-- "YYYY-MM-DD", a real calendar date from 1900 to 2999.
local function date(v, what)
    local y, m, d
    if type(v) == "string" then y, m, d = match(v, "^(%d%d%d%d)%-(%d%d)%-(%d%d)$") end
    y, m, d = tonumber(y), tonumber(m), tonumber(d)
    if not y or y < 1900 or y > 2999 or m < 1 or m > 12 or d < 1 or
        d > (m == 2 and leap(y) and 29 or MONTH_DAYS[m]) then
        fail("bad date %s for %s: write \"YYYY-MM-DD\"", show(v), what)
    end
    return v
end

-- Minutes for shift: 15, "+15", "-10", "+1:30".
local function offset(v)
    if type(v) == "number" then return whole(v, "shift", -720, 720) end
    local sign, a, b
    if type(v) == "string" then
        sign, a, b = match(v, "^([+-]?)(%d+):(%d%d)$")
        if not sign then sign, a = match(v, "^([+-]?)(%d+)$") end
    end
    if not sign then
        fail("shift takes minutes like \"+15\", \"-10\" or \"+1:30\", not %s", show(v))
    end
    local m = tonumber(a) * (b and 60 or 1) + (tonumber(b) or 0)
    if m > 720 then fail("shift by at most 12 hours, not %s", show(v)) end
    return sign == "-" and -m or m
end

-- ---- keys -----------------------------------------------------------------

-- Letters with diacritics (Latvian first, then neighbours) fold to ASCII so
-- that keys read well; other non-ASCII characters stay as they are.
local FOLD = {}
do
    local pairs_ = {
        "āa", "ĀA", "čc", "ČC", "ēe", "ĒE", "ģg", "ĢG", "īi", "ĪI", "ķk", "ĶK", "ļl", "ĻL",
        "ņn", "ŅN", "ōo", "ŌO", "ŗr", "ŖR", "šs", "ŠS", "ūu", "ŪU", "žz", "ŽZ",
        "ąa", "ĄA", "ćc", "ĆC", "ęe", "ĘE", "łl", "ŁL", "ńn", "ŃN", "óo", "ÓO", "śs", "ŚS",
        "źz", "ŹZ", "żz", "ŻZ", "ėe", "ĖE", "įi", "ĮI", "ųu", "ŲU", "õo", "ÕO", "äa", "ÄA",
        "öo", "ÖO", "üu", "ÜU", "ée", "ÉE", "èe", "àa", "ßs", "øo", "åa", "æa",
    }
    for _, p in pairs(pairs_) do FOLD[sub(p, 1, #p - 1)] = sub(p, -1):lower() end
    -- Typographic quotes and dashes separate words; apostrophes vanish.
    for _, p in pairs({"“", "”", "„", "‘", "«", "»", "–", "—", "…", "\u{A0}"}) do FOLD[p] = "-" end
    FOLD["’"] = ""
end
local LOWER = {}
for c = 65, 90 do LOWER[char(c)] = char(c + 32) end

local function slug(title)
    local s = gsub(gsub(title, "'", ""), "[\xC2-\xF4][\x80-\xBF]+", FOLD)
    s = gsub(s, "[A-Z]", LOWER)
    s = gsub(s, "[^a-z0-9\x80-\xFF]+", "-")
    s = gsub(gsub(s, "^%-+", ""), "%-+$", "")
    if #s > 80 then
        local n = 80
        while n > 1 and byte(s, n + 1) >= 0x80 and byte(s, n + 1) < 0xC0 do n = n - 1 end
        s = sub(s, 1, n)
    end
    return s ~= "" and s or "item"
end

-- ---- state ----------------------------------------------------------------

local venues, venue_named = {}, {}  -- output list; name -> output entry
local travels, travel_given = {}, {} -- output list; "from\0to" -> true
local days, ndays, today = {}, 0, nil -- date -> day; the current day
local placed = {}                     -- records of items, declaration order
local key_line = {}                   -- key -> line that declared it
local key_count = {}                  -- derived key base -> repeats so far
local pending                         -- an `at "HH:MM"` still waiting for its table

-- Every DSL function starts here: a forgotten item table is reported at the
-- line of its `at`.
local function enter()
    context = nil
    if pending then
        local p = pending
        pending = nil
        error(fmt("%s:%d: at %s has no item table: write at %s { title = ..., ... }",
            p.src, p.line, show(p.time), show(p.time)), 0)
    end
end

local function need_day(what, d)
    if d ~= nil then
        local found = days[date(d, "day")]
        if not found then
            fail("%s is on %s, which is not a declared day: add day %s first", what, d, show(d))
        end
        return found
    end
    if not today then fail("%s comes before any day: write day \"YYYY-MM-DD\" first", what) end
    return today
end

-- ---- venues and travel ----------------------------------------------------

local VENUE_FIELDS = set_of("address kind capacity lat lon contact_role")

function venue(name)
    enter()
    name = text(name, "the venue's name", 200)
    if venue_named[name] then fail("venue %s is declared twice", show(name)) end
    if #venues >= MAX_VENUES then fail("more than %d venues", MAX_VENUES) end
    local v = {name = name}
    venues[#venues + 1] = v
    venue_named[name] = v
    local filled = false
    return function(spec)
        enter()
        if filled then fail("venue %s already has its fields", show(name)) end
        filled = true
        if type(spec) ~= "table" then
            fail("venue %s: write venue %s { kind = ..., capacity = ... }", show(name), show(name))
        end
        for k in pairs(spec) do
            if not VENUE_FIELDS[k] then
                fail("venue %s: unknown field %s (known: address, kind, capacity, lat, lon, "
                    .. "contact_role)", show(name), show(k))
            end
        end
        v.address = opt_text(spec.address, "address", 300)
        if spec.kind ~= nil and not is_venue_kind[spec.kind] then
            fail("venue %s: kind %s is not one of %s", show(name), show(spec.kind), VENUE_KINDS)
        end
        v.kind = spec.kind
        if spec.capacity ~= nil then v.capacity = whole(spec.capacity, "capacity", 1, 1000000) end
        if (spec.lat == nil) ~= (spec.lon == nil) then
            fail("venue %s: give both lat and lon", show(name))
        end
        if spec.lat ~= nil then
            v.lat = number(spec.lat, "lat", -90, 90)
            v.lon = number(spec.lon, "lon", -180, 180)
        end
        v.contact_role = opt_text(spec.contact_role, "contact_role", 200)
        return name
    end
end

local function known_venue(name, what)
    if type(name) ~= "string" then fail("%s must be a venue's name, not %s", what, show(name)) end
    if not venue_named[name] then
        fail("unknown venue %s: declare it first with venue %s { ... }", show(name), show(name))
    end
    return name
end

function travel(from, to, minutes)
    enter()
    known_venue(from, "travel's first venue")
    known_venue(to, "travel's second venue")
    if from == to then fail("travel from %s to itself", show(from)) end
    minutes = whole(minutes, "travel minutes", 0, 1440)
    local k = from .. "\0" .. to
    if travel_given[k] then fail("travel from %s to %s is given twice", show(from), show(to)) end
    if #travels >= MAX_TRAVEL then fail("more than %d travel times", MAX_TRAVEL) end
    travel_given[k] = true
    travels[#travels + 1] = {from = from, to = to, minutes = minutes}
end

-- ---- days -----------------------------------------------------------------

function day(d)
    enter()
    d = date(d, "day")
    if not days[d] then
        if ndays >= MAX_DAYS then fail("more than %d days", MAX_DAYS) end
        ndays = ndays + 1
        days[d] = {date = d, offset = 0, last_main = nil, since_main = {}}
    end
    today = days[d]
end

function shift(by)
    enter()
    local d = need_day("shift")
    d.offset = d.offset + offset(by)
end

-- ---- items ----------------------------------------------------------------

local ITEM_FIELDS = set_of("key kind title description venue track speakers "
    .. "expected_attendance minutes ends until gap day")
local PERSON_FIELDS = set_of("name role organisation")

local function person(p, what)
    if type(p) == "string" then return {name = text(p, what, 200)} end
    if type(p) ~= "table" then
        fail("%s must be a name or { name = ..., role = ... }, not %s", what, show(p))
    end
    for k in pairs(p) do
        if not PERSON_FIELDS[k] then
            fail("%s: unknown field %s (known: name, role, organisation)", what, show(k))
        end
    end
    return {
        name = text(p.name, what .. "'s name", 200),
        role = opt_text(p.role, what .. "'s role", 200),
        organisation = opt_text(p.organisation, what .. "'s organisation", 200),
    }
end

local function speakers_of(v)
    if v == nil then return nil end
    if type(v) == "string" or (type(v) == "table" and v.name ~= nil) then v = {v} end -- one person
    if type(v) ~= "table" then fail("speakers must be a list of people, not %s", show(v)) end
    local n = #v
    if n > 20 then fail("at most 20 speakers, not %d", n) end
    for k in pairs(v) do
        if mtype(k) ~= "integer" or k < 1 or k > n then
            fail("speakers must be a list like { \"Name\", { name = ..., role = ... } }")
        end
    end
    if n == 0 then return nil end
    local out = {}
    for i = 1, n do out[i] = person(v[i], "speaker " .. i) end
    return out
end

-- A plain copy of an item's table with its fields checked by name.
local function fields(spec, what)
    if type(spec) ~= "table" then
        fail("%s needs a table: %s { kind = ..., title = ..., minutes = ... }", what, what)
    end
    local s = {}
    for k, v in pairs(spec) do
        if not ITEM_FIELDS[k] then
            fail("unknown field %s in the item (known: title, kind, minutes, ends, venue, track, "
                .. "speakers, description, expected_attendance, key, gap, day)", show(k))
        end
        s[k] = v
    end
    return s
end

-- The item (or the latest-ending items of the parallel tracks that came
-- after it) that `after` follows: the same track's last item, else the last
-- item of the main programme; for the main programme, whatever ended last
-- since its own last item.
local function previous(d, track)
    if track then return d.since_main[track] or d.last_main end
    local best, best_at = d.last_main, d.last_main and d.last_main.stop - d.last_main.offset
    for _, r in pairs(d.since_main) do
        if not best or r.stop - r.offset > best_at then best, best_at = r, r.stop - r.offset end
    end
    return best
end

-- Places one item; start(d, s) gives its start in minutes after midnight.
local function place(spec, what, start)
    local s = fields(spec, what)
    local d = need_day("this item", s.day)
    local kind, title = s.kind, s.title
    if kind == nil then fail("the item needs kind = one of %s", ITEM_KINDS) end
    if not is_item_kind[kind] then fail("kind %s is not one of %s", show(kind), ITEM_KINDS) end
    title = text(title, "title", 200)
    local track = opt_text(s.track, "track", 100)
    local from = start(d, s, track)
    local ends = s.ends
    if s["until"] ~= nil then
        if ends ~= nil then fail("give ends or until, not both") end
        ends = s["until"]
    end
    local to
    if s.minutes ~= nil and ends ~= nil then fail("give minutes or ends, not both") end
    if s.minutes ~= nil then
        to = from + whole(s.minutes, "minutes", 1, 1440)
    elseif ends ~= nil then
        to = clock(ends, "ends") + d.offset
        if to <= from then
            fail("%s ends at %s, not after it starts at %s", show(title), hhmm(to % 1440),
                hhmm(from))
        end
    else
        fail("%s needs minutes = N or ends = \"HH:MM\"", show(title))
    end
    if from < 0 then fail("%s would start before midnight (check shift)", show(title)) end
    if to > 1439 then
        fail("%s would end after midnight (%s + %d minutes): end it by 23:59", show(title),
            hhmm(from), to - from)
    end
    if #placed >= MAX_ITEMS then fail("more than %d items", MAX_ITEMS) end

    local _, line = where()
    local key
    if s.key ~= nil then
        key = text(s.key, "key", 200)
        if key_line[key] then
            fail("duplicate key %s (first used on line %d)", show(key), key_line[key])
        end
    else
        local base = d.date .. "/" .. slug(title)
        local n = key_count[base] or 0
        repeat
            n = n + 1
            key = n == 1 and base or base .. "#" .. n
        until not key_line[key]
        key_count[base] = n
    end
    key_line[key] = line

    local out = {
        key = key,
        starts_at = d.date .. "T" .. hhmm(from),
        ends_at = d.date .. "T" .. hhmm(to),
        kind = kind,
        title = title,
        description = opt_text(s.description, "description", 4000, true),
        venue = s.venue ~= nil and known_venue(s.venue, "venue") or nil,
        track = track,
        speakers = speakers_of(s.speakers),
        expected_attendance = s.expected_attendance ~= nil
            and whole(s.expected_attendance, "expected_attendance", 0, 100000) or nil,
    }
    local rec = {out = out, stop = to, offset = d.offset, track = track, n = #placed + 1}
    placed[rec.n] = rec
    if track then
        d.since_main[track] = rec
    else
        d.last_main, d.since_main = rec, {}
    end
    return key
end

local function at_time(t)
    return function(d, s)
        if s.gap ~= nil then fail("gap is for after { ... }; at gives the time itself") end
        return t + d.offset
    end
end

local function after_previous(default_gap)
    return function(d, s, track)
        local gap = s.gap ~= nil and whole(s.gap, "gap", 0, 720) or default_gap or 0
        local ref = previous(d, track)
        if not ref then
            fail("after: nothing comes before it on %s%s; start with at \"HH:MM\" { ... }",
                d.date, track and " in track " .. show(track) or "")
        end
        return ref.stop + gap + (d.offset - ref.offset)
    end
end

function at(time, spec)
    enter()
    local t = clock(time, "at")
    if spec ~= nil then return place(spec, "at " .. show(time), at_time(t)) end
    local src, line = where()
    pending = {time = time, src = src, line = line}
    return function(s)
        pending = nil
        enter()
        return place(s, "at " .. show(time), at_time(t))
    end
end

function after(spec)
    enter()
    return place(spec, "after", after_previous())
end

-- ---- helpers --------------------------------------------------------------

-- A reusable item: coffee { minutes = 30 } is a copy with changes.
local template_mt = {}
template_mt.__call = function(t, changes)
    local c = {}
    for k, v in pairs(t) do c[k] = v end
    if changes ~= nil then
        if type(changes) ~= "table" then fail("a template takes a table of changes") end
        for k, v in pairs(changes) do c[k] = v end
    end
    return setmetatable(c, template_mt)
end

function template(spec)
    enter()
    if type(spec) ~= "table" then
        fail("template needs a table: template { kind = ..., title = ... }")
    end
    return template_mt.__call(spec)
end

local SERIES_FIELDS = set_of("at gap kind minutes venue track day expected_attendance "
    .. "break_every break_with")
local INHERITED = {"kind", "minutes", "venue", "track", "day", "expected_attendance"}

-- Items back to back (gap minutes apart), with break_with after every
-- break_every of them (not after the last).
function series(opts)
    enter()
    if type(opts) ~= "table" then
        fail("series needs a table: series { at = \"09:00\", {...}, {...} }")
    end
    local n = #opts
    for k in pairs(opts) do
        if not (SERIES_FIELDS[k] or (mtype(k) == "integer" and k >= 1 and k <= n)) then
            fail("series: unknown field %s (known: at, gap, kind, minutes, venue, track, day, "
                .. "expected_attendance, break_every, break_with, then the items)", show(k))
        end
    end
    if n == 0 then fail("series has no items") end
    local gap = opts.gap ~= nil and whole(opts.gap, "series gap", 0, 720) or 0
    local every = opts.break_every ~= nil
        and whole(opts.break_every, "break_every", 1, MAX_ITEMS) or nil
    if (every == nil) ~= (opts.break_with == nil) then
        fail("series: give break_every and break_with together")
    end
    local t = opts.at ~= nil and clock(opts.at, "series at") or nil
    local keys = {}
    local function with_defaults(spec, which)
        if type(spec) ~= "table" then fail("%s must be a table", which) end
        local s = {}
        for _, f in pairs(INHERITED) do s[f] = opts[f] end
        if spec.ends ~= nil or spec["until"] ~= nil then s.minutes = nil end
        for k, v in pairs(spec) do s[k] = v end
        return s
    end
    local after_break = false
    for i = 1, n do
        context = "series item " .. i .. ": "
        local s = with_defaults(opts[i], "series item " .. i)
        if i == 1 and t then
            keys[#keys + 1] = place(s, "series", at_time(t))
        else
            local g = (i > 1 and not after_break) and gap or 0
            keys[#keys + 1] = place(s, "series", after_previous(g))
        end
        after_break = false
        if every and i % every == 0 and i < n then
            context = "series break after item " .. i .. ": "
            local b = with_defaults(opts.break_with, "break_with")
            keys[#keys + 1] = place(b, "series", after_previous(0))
            after_break = true
        end
    end
    context = nil
    return keys
end

-- ---- the result -----------------------------------------------------------

local function finish()
    enter()
    sort(placed, function(a, b)
        local x, y = a.out, b.out
        if x.starts_at ~= y.starts_at then return x.starts_at < y.starts_at end
        if (x.track or "") ~= (y.track or "") then return (x.track or "") < (y.track or "") end
        return a.n < b.n
    end)
    local items = {}
    for i, r in pairs(placed) do items[i] = r.out end
    return {venues = venues, travel = travels, items = items}
end

return finish
