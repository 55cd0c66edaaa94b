-- Tries to end, restart or unwind the host's transaction and savepoints.
local attempts = {
  "BEGIN", "BEGIN IMMEDIATE", "COMMIT", "END", "ROLLBACK",
  "SAVEPOINT mine", "RELEASE mine", "RELEASE plugin_hook", "ROLLBACK TO plugin_hook",
  "RELEASE SAVEPOINT plugin_hook", "ROLLBACK TO SAVEPOINT plugin_hook",
}

local function try_all(where)
  local out = {}
  for _, sql in ipairs(attempts) do
    local ok, err = pcall(saiets.db.exec, sql)
    out[sql] = ok and "ALLOWED" or ("refused: " .. tostring(err))
    saiets.db.exec("INSERT INTO p_txn_break_log (place, stmt, outcome) VALUES (?, ?, ?)",
                   where, sql, ok and "ALLOWED" or "refused")
  end
  return out
end

saiets.on("registration.validate", function(ev)
  try_all("validate")
end)

saiets.on("registration.confirmed", function(ev)
  try_all("confirmed")
  -- and once more without pcall: the hook fails, alone
  saiets.db.exec("ROLLBACK")
end)

saiets.route("POST", "/break", function(req)
  saiets.db.exec("INSERT INTO p_txn_break_log (place, stmt, outcome) VALUES ('route', 'row', 'kept')")
  return {status = 200, body = try_all("route")}
end, {auth = "public"})

saiets.route("POST", "/commit-then-fail", function(req)
  saiets.db.exec("INSERT INTO p_txn_break_log (place, stmt, outcome) VALUES ('route', 'undone', 'x')")
  pcall(saiets.db.exec, "COMMIT")
  error("fails after trying to commit")
end, {auth = "public"})

saiets.route("GET", "/log", function(req)
  return {status = 200, body = {log = saiets.db.rows(
    "SELECT place, stmt, outcome FROM p_txn_break_log ORDER BY id")}}
end, {auth = "public"})
