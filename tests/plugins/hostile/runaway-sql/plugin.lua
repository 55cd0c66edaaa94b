-- WITH RECURSIVE counting to 1e12: the SQL must be stopped.
local COUNT = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000000) SELECT count(*) AS n FROM c"

saiets.on("registration.validate", function(ev)
  saiets.db.one(COUNT)
end)

saiets.route("GET", "/count", function(req)
  return {status = 200, body = saiets.db.one(COUNT)}
end, {auth = "public"})

saiets.route("POST", "/count", function(req)
  saiets.db.exec("INSERT INTO p_runaway_sql_t (note) VALUES ('before the count')")
  return {status = 200, body = saiets.db.one(COUNT)}
end, {auth = "public"})

-- a join of its own table with itself, many times over
saiets.route("POST", "/join", function(req)
  return {status = 200, body = saiets.db.one(
    "SELECT count(*) AS n FROM p_runaway_sql_n a, p_runaway_sql_n b, p_runaway_sql_n c," ..
    " p_runaway_sql_n d, p_runaway_sql_n e, p_runaway_sql_n f")}
end, {auth = "public"})

-- one SQL function call that asks for ~1 GB
saiets.route("GET", "/blob", function(req)
  return {status = 200, body = saiets.db.one("SELECT length(randomblob(999999999)) AS n")}
end, {auth = "public"})

saiets.route("GET", "/rows", function(req)
  return {status = 200, body = {n = #saiets.db.rows("SELECT note FROM p_runaway_sql_t")}}
end, {auth = "public"})
