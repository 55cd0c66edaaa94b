-- report.lua: wrk reporting hook shared by the bench scripts.
--
-- Used on its own for plain GET runs (wrk -s bench/report.lua URL) and loaded by
-- post_register.lua. After the run it prints machine-readable lines that bench/run
-- greps:
--   RPS <float>  P50_MS <float>  P90_MS <float>  P99_MS <float>  MAX_MS <float>
--   REQUESTS <n>  NON2XX <n>  SOCKET_ERRORS <n>
-- NON2XX is wrk's summary.errors.status, i.e. answers with status >= 400 (wrk does
-- not count 1xx/3xx there). A benchmark of error answers is worthless, so a non-zero
-- NON2XX or SOCKET_ERRORS also prints a WARNING line.

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local function ms(us) return us / 1000.0 end

  io.write(string.format("RPS %.2f\n", summary.requests / seconds))
  io.write(string.format("P50_MS %.3f\n", ms(latency:percentile(50))))
  io.write(string.format("P90_MS %.3f\n", ms(latency:percentile(90))))
  io.write(string.format("P99_MS %.3f\n", ms(latency:percentile(99))))
  io.write(string.format("MAX_MS %.3f\n", ms(latency.max)))
  io.write(string.format("REQUESTS %d\n", summary.requests))
  io.write(string.format("NON2XX %d\n", e.status))
  io.write(string.format("SOCKET_ERRORS %d\n", socket_errors))
  if e.status > 0 then
    io.write(string.format("WARNING: %d of %d answers were errors (status >= 400); "
      .. "these figures do not measure the intended path\n", e.status, summary.requests))
  end
  if socket_errors > 0 then
    io.write(string.format("WARNING: socket errors: connect %d, read %d, write %d, timeout %d\n",
      e.connect, e.read, e.write, e.timeout))
  end
end
