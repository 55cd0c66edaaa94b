-- daugavpils-2015.lua - the programme of the Education and Culture network
-- meeting in Daugavpils, 5-6 November 2015 (the demo meeting).
--
-- An agenda script: see docs/agenda-scripts.md for the language.  Run it
-- with  saiets agenda run --meeting 1 scripts/daugavpils-2015.lua  (a dry run
-- that lists what would change), add --apply to store it.
--
-- Institutions and places are real; every person named here is invented.

-- ---- places ---------------------------------------------------------------

local COUNCIL = venue "Daugavpils City Council, Assembly Hall" {
    kind = "hall",
    address = "Krišjāņa Valdemāra iela 1, Daugavpils",
    capacity = 120,
    contact_role = "Education Board project expert",
}
local LYCEUM = venue "Daugavpils Russian Secondary School-Lyceum" {
    kind = "school",
    capacity = 40,
}
local POLISH = venue "J. Pilsudski Daugavpils State Polish Gymnasium" {
    kind = "school",
    capacity = 40,
}
local SAULES = venue "Daugavpils Design and Art Secondary School “Saules skola”" {
    kind = "school",
    address = "Saules iela 1/3, Daugavpils",
    capacity = 150, -- its theatre hall
}
local FORTRESS = venue "Daugavpils Fortress" {
    kind = "fortress",
    lat = 55.888, lon = 26.508, -- approximate
}
local ROTHKO = venue "Mark Rothko Art Centre" {
    kind = "museum",
    address = "Mihaila iela 3, Daugavpils",
    capacity = 80,
}
local RESTAURANT = venue "Restaurant “Vecā Dvina”" {
    kind = "restaurant",
    capacity = 70,
}

-- Minutes by bus (a walk for the short ones); the same both ways.
travel(COUNCIL, RESTAURANT, 5)
travel(COUNCIL, FORTRESS, 15)
travel(COUNCIL, LYCEUM, 15)
travel(COUNCIL, POLISH, 10)
travel(COUNCIL, SAULES, 15)
travel(FORTRESS, ROTHKO, 5)
travel(FORTRESS, RESTAURANT, 20)
travel(ROTHKO, RESTAURANT, 20)
travel(LYCEUM, SAULES, 15)
travel(POLISH, SAULES, 10)
travel(SAULES, RESTAURANT, 15)

-- ---- people (invented) ----------------------------------------------------

local LPS = "Latvian Association of Local and Regional Governments"
local CITY = "Daugavpils City Council"

local coordinator = {name = "Dace Ozoliņa", role = "Sub-network coordinator, Education and Culture network", organisation = LPS}
local deputy = {name = "Aivars Leimanis", role = "First Deputy Chairman of the City Council", organisation = CITY}
local development = {name = "Laura Siliņa", role = "Head of the Development Department", organisation = CITY}
local education = {name = "Inga Krūmiņa", role = "Head of the Education Board", organisation = CITY}
local adviser = {name = "Valdis Kļaviņš", role = "Senior adviser; lead expert of the project", organisation = LPS}
local lyceum_director = {name = "Rita Ābele", role = "Director (host)", organisation = "Daugavpils Russian Secondary School-Lyceum"}
local polish_director = {name = "Daiga Sproģe", role = "Director (host)", organisation = "J. Pilsudski Daugavpils State Polish Gymnasium"}
local saules_director = {name = "Sandra Zvaigzne", role = "Director (host)", organisation = "Daugavpils Design and Art Secondary School “Saules skola”"}

local coffee = template {kind = "break", title = "Coffee break", minutes = 20, venue = COUNCIL}
local bus = template {kind = "travel", description = "By bus from the door of the last venue."}

-- ---- Thursday 5 November: plenary, discussions, culture -------------------

day "2015-11-05"

at "09:30" {
    kind = "other", title = "Registration and morning coffee", minutes = 30, venue = COUNCIL,
}
at "10:00" {
    kind = "opening", title = "Opening of the network meeting", minutes = 15, venue = COUNCIL,
    description = "Learning from one another: the idea of the network, and thanks to the host city.",
    speakers = {coordinator},
}
after {
    kind = "talk", title = "Welcome and an introduction to Daugavpils", minutes = 20,
    venue = COUNCIL, speakers = {deputy},
}
after {
    kind = "talk", title = "Daugavpils today: the Development Department's presentation",
    minutes = 25, venue = COUNCIL, speakers = {development},
}
after {
    kind = "talk", title = "Education in Daugavpils: news, organisation and prospects",
    minutes = 30, venue = COUNCIL, speakers = {education},
}
after(coffee)
after {
    kind = "lecture", title = "Measuring the results of local education policy",
    minutes = 70, venue = COUNCIL, speakers = {adviser},
    description = "What a municipality can measure, compare with others and learn from.",
}
after {
    kind = "travel", title = "Walk to lunch", minutes = 5,
}
after {
    kind = "meal", title = "Lunch", ends = "14:00", venue = RESTAURANT,
}

-- The hall is ours again only from 14:05: the afternoon moves by five minutes.
shift "+5"

at "14:00" {
    kind = "discussion", title = "An optimal and long-lasting school network", minutes = 45,
    venue = COUNCIL, speakers = {coordinator, adviser, education},
}
after {
    kind = "discussion", title = "Spatial mobility: pupils, teachers and school transport",
    minutes = 45, venue = COUNCIL, speakers = {coordinator, development},
}
after(bus {title = "Travel to Daugavpils Fortress", minutes = 15})
-- 15:50-18:15: the cultural programme (Daugavpils Fortress, the Mark Rothko Art Centre,
-- the folklore group "Svātra"): activities with seats to sign up for, which the
-- cultural-programme plugin puts in the agenda (the demo enables it).
at "18:15" (bus {title = "Travel to dinner", minutes = 20})
after {
    kind = "meal", title = "Dinner", gap = 5, minutes = 110, venue = RESTAURANT,
    expected_attendance = 45,
}

-- ---- Friday 6 November: three schools at once, then together again --------

day "2015-11-06"

at "08:30" {kind = "break", title = "Morning coffee and the plan for the site visits", minutes = 30, venue = COUNCIL}
after(bus {title = "Travel to the schools", minutes = 20,
           description = "Three buses: one to each school; choose yours at registration."})

-- The parallel site visits: each track is one group of about 18 people.
series {
    track = "A: Russian Lyceum", venue = LYCEUM, kind = "site_visit", expected_attendance = 18,
    {title = "Working with talented pupils", minutes = 60, speakers = {lyceum_director}},
    {title = "Organising teaching and upbringing: lessons and a talk with the staff", minutes = 50,
     speakers = {lyceum_director}},
}
series {
    track = "B: Polish Gymnasium", venue = POLISH, kind = "site_visit", expected_attendance = 18,
    {title = "A multilingual school environment", minutes = 60, speakers = {polish_director}},
    {title = "The role of a minority school in the life of the city", minutes = 50,
     speakers = {polish_director}},
}
series {
    track = "C: Saules skola", venue = SAULES, kind = "site_visit", expected_attendance = 18,
    {title = "How a municipal vocational secondary school works: innovative programmes",
     minutes = 60, speakers = {saules_director}},
    {title = "Cooperation with the city theatre, and the school's reconstruction", minutes = 50,
     speakers = {saules_director}},
}

after(bus {title = "Travel to “Saules skola”", minutes = 20,
           description = "Groups A and B join group C."})
-- 11:35-12:05: the "Saules skola" youth theatre: a cultural-programme activity.
at "12:10" {
    kind = "discussion", title = "Closing discussion: what we take home", minutes = 45,
    venue = SAULES, speakers = {coordinator, adviser},
}
after(bus {title = "Travel to lunch", minutes = 15})
after {kind = "meal", title = "Closing lunch", minutes = 50, venue = RESTAURANT}
