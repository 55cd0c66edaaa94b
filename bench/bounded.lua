-- bounded.lua: exact request counts for wrk scripts; loaded by post_register.lua and
-- cancel_registrations.lua (after report.lua), not used alone.
--
-- wrk itself only bounds a run by time. A bounded run sends exactly COUNT "real"
-- requests per thread (POST a registration, DELETE one, ...) and counts the answers
-- that show one was done. Requests a connection makes after the COUNT-th real one, while
-- the last answers are on their way, are GETs of a FILLER path (e.g. the meeting): they
-- write nothing. When a thread has its COUNT answers it stops and ends the whole wrk
-- run at once (SIGINT to wrk itself: wrk then prints its summary as at -d). So use one
-- thread (-t1) for bounded runs: with several, the first thread done ends the run.
-- -d stays the upper bound: a run that is not done by then ends with fewer.
-- done() then prints, besides report.lua's lines:
--   BOUNDED_COUNT <n>    real requests asked for (all threads)
--   BOUNDED_DONE <n>     answers counted as done
--   BOUNDED_SECONDS <f>  from the first real request to the last counted answer
--   BOUNDED_RPS <f>      BOUNDED_DONE / BOUNDED_SECONDS: the rate of the real requests,
--                        without the filler GETs and without wrk's idle end.
-- Needs LuaJIT's ffi (wrk is built with LuaJIT) for a monotonic clock and kill().

-- setup() runs in wrk's main Lua state once per thread, before that thread's init().
local next_thread_id = 1
local threads = {}
function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
  table.insert(threads, thread)
end

-- Per thread (its own Lua state). Globals, so that done() can read them with get().
bound_count = nil -- nil: the run is not bounded
bound_done = 0
bound_t0 = nil    -- monotonic seconds at the first real request
bound_tlast = nil -- monotonic seconds at the last counted answer

local ffi, now
local bound_filler, bound_is_done
local sent = 0
local first = true

-- bounded_init(COUNT, FILLER, IS_DONE): IS_DONE(status, body) tells an answer that
-- counts. Call from init(); installs response().
function bounded_init(count, filler, is_done)
  count = tonumber(count)
  assert(count and count >= 1 and count == math.floor(count), "COUNT must be a positive integer")
  assert(filler and filler:sub(1, 1) == "/", "a bounded run needs a FILLER path")
  ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clk, bench_timespec *ts);
    int getpid(void);
    int kill(int pid, int sig);
  ]]
  local ts = ffi.new("bench_timespec")
  now = function()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
  end
  bound_count, bound_filler, bound_is_done = count, filler, is_done
  -- Only bounded runs parse answers: wrk does less work per answer without response().
  response = function(status, headers, body)
    if bound_done < bound_count and bound_is_done(status, body) then
      bound_done = bound_done + 1
      bound_tlast = now()
      if bound_done == bound_count then
        wrk.thread:stop()
        ffi.C.kill(ffi.C.getpid(), 2) -- SIGINT: wrk stops and reports now
      end
    end
  end
end

-- bounded_request(MAKE): the next request; MAKE(k) builds the k-th real one (1-based).
function bounded_request(make)
  -- wrk calls request() once more than it sends: in thread 1, to check the request
  -- (script_verify_request), and throws that one away. So each thread's first request
  -- is a filler GET, and the COUNT real ones all go out.
  if first or sent >= bound_count then
    first = false
    return wrk.format("GET", bound_filler)
  end
  sent = sent + 1
  if sent == 1 then bound_t0 = now() end
  return make(sent)
end

local report_done = done
function done(summary, latency, requests)
  report_done(summary, latency, requests)
  local count, n, t0, t1 = 0, 0, nil, nil
  for _, t in ipairs(threads) do
    local c = t:get("bound_count")
    if c then
      count = count + c
      n = n + t:get("bound_done")
      local a, b = t:get("bound_t0"), t:get("bound_tlast")
      if a and (t0 == nil or a < t0) then t0 = a end
      if b and (t1 == nil or b > t1) then t1 = b end
    end
  end
  if count > 0 then
    local secs = (t0 and t1 and t1 > t0) and (t1 - t0) or 0
    io.write(string.format("BOUNDED_COUNT %d\n", count))
    io.write(string.format("BOUNDED_DONE %d\n", n))
    io.write(string.format("BOUNDED_SECONDS %.3f\n", secs))
    io.write(string.format("BOUNDED_RPS %.2f\n", secs > 0 and n / secs or 0))
    if n < count then
      io.write(string.format("WARNING: bounded run: %d of %d requests done before -d\n", n, count))
    end
  end
end
