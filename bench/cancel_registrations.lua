-- cancel_registrations.lua: wrk script that cancels registrations by id through the
-- API (DELETE /api/v1/registrations/{id}, as an organizer), a bounded run (bounded.lua).
--
-- usage: BENCH_TOKEN=<organizer token> wrk -t1 -c50 -d60s \
--            -s bench/cancel_registrations.lua http://127.0.0.1:PORT \
--            -- FIRST STEP COUNT FILLER
-- cancels the ids FIRST, FIRST+STEP, ..., FIRST+(COUNT-1)*STEP, each once, and counts
-- an answer as done when it is 200 with the registration's "status":"cancelled";
-- FILLER (e.g. /api/v1/meetings/2) is the harmless GET sent while the last answers
-- are on their way. The token comes from the environment, not the command line.

local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(script_dir .. "report.lua")
dofile(script_dir .. "bounded.lua")

local first_id, step, headers

local function cancel(k)
  return wrk.format("DELETE", "/api/v1/registrations/" .. (first_id + (k - 1) * step), headers)
end

function init(args)
  first_id, step = tonumber(args[1]), tonumber(args[2])
  assert(first_id and step and step >= 1, "usage: -- FIRST STEP COUNT FILLER")
  local token = os.getenv("BENCH_TOKEN")
  assert(token and token ~= "", "BENCH_TOKEN (an organizer token) is not set")
  headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Authorization"] = "Bearer " .. token
  bounded_init(args[3], args[4], function(status, body)
    return status == 200 and body ~= nil and body:find('"status":"cancelled"', 1, true) ~= nil
  end)
end

function request()
  return bounded_request(cancel)
end
