-- post_register.lua: wrk script that POSTs JSON registrations with e-mails unique
-- across all wrk threads and requests (the server answers a repeated e-mail with 409).
--
-- usage: wrk -t2 -c50 -d10s -s bench/post_register.lua http://127.0.0.1:PORT \
--            -- /api/v1/meetings/2/registrations [TAG [COUNT FILLER]]
-- The path is the first argument after "--", else $BENCH_PATH, else the URL's path.
-- TAG (else $BENCH_TAG) keeps e-mails of several runs against one database apart,
-- e.g. "warm" for the warm-up and "run" for the measured run:
--   no tag: u<thread>-<n>@bench.invalid     tag: u<tag>-<thread>-<n>@bench.invalid
-- COUNT and FILLER make a bounded run (see bounded.lua; use -t1): exactly COUNT
-- registrations, counted by their 201 answers, then wrk stops, e.g.
--   wrk -t1 -c50 -d120s -s bench/post_register.lua http://127.0.0.1:PORT \
--       -- /api/v1/meetings/2/registrations pre 100000 /api/v1/meetings/2
-- Reporting (RPS, P50_MS, P99_MS, NON2XX, ...) comes from report.lua next to this file.

local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(script_dir .. "report.lua")
dofile(script_dir .. "bounded.lua") -- also defines setup(), which sets thread_id

-- Everything below runs in each thread's own Lua state.
local path, prefix, headers, bounded

-- BENCH_ORGS=N spreads the registrations over N organisations ("Bench org 0".."N-1"),
-- e.g. so that a quota per organisation is not reached; unset: all "Bench org".
local orgs = tonumber(os.getenv("BENCH_ORGS") or "")

local function registration(n)
  local org = orgs and ("Bench org " .. (n % orgs)) or "Bench org"
  local body = '{"first_name":"Bench","last_name":"User","email":"' .. prefix .. n
    .. '@bench.invalid","organisation":"' .. org .. '"}'
  return wrk.format("POST", path, headers, body)
end

function init(args)
  path = args[1] or os.getenv("BENCH_PATH") or wrk.path
  local tag = args[2] or os.getenv("BENCH_TAG") or ""
  prefix = "u" .. (tag ~= "" and (tag .. "-") or "") .. tostring(thread_id) .. "-"
  headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end  -- keep any -H given to wrk
  headers["Content-Type"] = "application/json"
  if args[3] then
    bounded = true
    bounded_init(args[3], args[4], function(status) return status == 201 end)
  end
end

local n = 0
function request()
  if bounded then return bounded_request(registration) end
  n = n + 1
  return registration(n)
end
