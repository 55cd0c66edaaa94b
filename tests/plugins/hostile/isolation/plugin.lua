-- Each probe runs under pcall; the answer says which were refused.
local reads = {
  registrations = "SELECT * FROM registrations",
  registrations_main = "SELECT * FROM main.registrations",
  registrations_upper = "SELECT * FROM \"REGISTRATIONS\"",
  registrations_subquery = "SELECT (SELECT count(*) FROM registrations) AS n",
  -- statements that read no column of a table
  registrations_count = "SELECT count(*) AS n FROM registrations",
  api_tokens_count = "SELECT count(*) AS n FROM api_tokens",
  api_tokens_one_per_row = "SELECT 1 AS x FROM api_tokens",
  people_exists = "SELECT EXISTS (SELECT 1 FROM people) AS e",
  registrations_cte = "WITH r AS (SELECT * FROM registrations) SELECT * FROM r",
  people = "SELECT * FROM people",
  api_tokens = "SELECT * FROM api_tokens",
  meetings_table = "SELECT * FROM meetings",
  meetings_view_not_in_reads = "SELECT * FROM saiets_meetings",
  other_plugin = "SELECT * FROM p_victim_secrets",
  other_plugin_migrations = "SELECT * FROM plugin_migrations",
  plugin_files = "SELECT * FROM plugin_files",
  sqlite_master = "SELECT * FROM sqlite_master",
  sqlite_schema = "SELECT name FROM sqlite_schema",
  sqlite_temp_master = "SELECT * FROM sqlite_temp_master",
  pragma_function = "SELECT * FROM pragma_table_info('registrations')",
  pragma_list = "SELECT * FROM pragma_database_list",
  attach = "ATTACH DATABASE 'stolen.db' AS stolen",
  pragma_writable_schema = "PRAGMA writable_schema = ON",
  pragma_table_info = "PRAGMA table_info(registrations)",
  pragma_foreign_keys = "PRAGMA foreign_keys = OFF",
  load_extension = "SELECT load_extension('libc.so.6')",
  temp_table = "CREATE TEMP TABLE p_isolation_tmp (x)",
  temp_trigger = "CREATE TEMP TRIGGER p_isolation_tr AFTER INSERT ON main.registrations BEGIN DELETE FROM main.registrations; END",
  create_own_table_at_run_time = "CREATE TABLE p_isolation_late (x)",
  vacuum = "VACUUM",
  vacuum_into = "VACUUM INTO 'stolen-copy.db'",
}

local writes = {
  update_meetings = "UPDATE meetings SET capacity = 1, title = 'pwned'",
  delete_registrations = "DELETE FROM registrations",
  insert_api_token = "INSERT INTO api_tokens (role) VALUES ('admin')",
  update_view = "UPDATE saiets_registrations SET status = 'cancelled'",
  delete_view = "DELETE FROM saiets_registrations",
  other_plugin_delete = "DELETE FROM p_victim_secrets",
  other_plugin_drop = "DROP TABLE p_victim_secrets",
  drop_registrations = "DROP TABLE registrations",
  alter_registrations = "ALTER TABLE registrations ADD COLUMN pwned TEXT",
  plugins_enable = "UPDATE plugins SET enabled = 1",
  meeting_plugins = "UPDATE meeting_plugins SET settings_json = '{}'",
}

local function run(list)
  local out = {}
  for name, sql in pairs(list) do
    local ok, err = pcall(saiets.db.rows, sql)
    out[name] = ok and "ALLOWED" or "refused"
  end
  return out
end

local function lua_probes()
  local out = {}
  local function try(name, f)
    local ok = pcall(f)
    out[name] = ok and "ALLOWED" or "refused"
  end
  try("rawset_saiets", function() rawset(saiets, "db", {}) end)
  try("setmetatable_saiets", function() setmetatable(saiets, {}) end)
  try("assign_saiets_db", function() saiets.db = {} end)
  try("assign_saiets_db_exec", function() saiets.db.exec = print end)
  try("assign_saiets_on", function() saiets.on = nil end)
  try("string_metatable_set", function() setmetatable("", {}) end)
  try("string_metatable_index", function() getmetatable("").__index = {} end)
  try("string_metatable_rawset", function() rawset(getmetatable(""), "__index", {}) end)
  try("other_meeting_settings", function() return saiets.settings(999999) end)
  try("refusal_metatable", function()
    local r = saiets.refuse("x", "y")
    setmetatable(r, nil)
  end)
  return out
end

saiets.route("GET", "/reads", function(req)
  return {status = 200, body = run(reads)}
end, {auth = "public"})

saiets.route("POST", "/writes", function(req)
  return {status = 200, body = run(writes)}
end, {auth = "public"})

saiets.route("GET", "/lua", function(req)
  return {status = 200, body = lua_probes()}
end, {auth = "public"})

-- what the views it may read show: only the meeting being served
saiets.route("GET", "/seen", function(req)
  local rows = saiets.db.rows("SELECT meeting_id, email FROM saiets_registrations")
  local other = saiets.db.one("SELECT count(*) AS n FROM saiets_registrations WHERE meeting_id <> ?",
                              req.meeting_id)
  return {status = 200, body = {rows = rows, other_meetings = other.n}}
end, {auth = "public"})

-- in a hook: writes to host tables while a registration is made
saiets.on("registration.validate", function(ev)
  run(writes)
  lua_probes()
end)

saiets.on("registration.confirmed", function(ev)
  -- without pcall: the hook fails, alone
  saiets.db.exec("UPDATE meetings SET capacity = 1")
end)
