-- Backtracking patterns: O(n^5) and O(2^n) matches in one C call.
local function bomb1()
  return string.find(string.rep("a", 200), ".-.-.-.-b")
end

local function bomb2()
  return string.find(("x"):rep(26), ("x?"):rep(26) .. ("x"):rep(26))
end

local function bomb3()
  -- gmatch and gsub too
  local n = 0
  for _ in string.gmatch(string.rep("a", 200), ".-.-.-.-b") do n = n + 1 end
  return n
end

saiets.on("registration.validate", function(ev)
  bomb1()
end)

saiets.route("GET", "/bomb1", function(req)
  return {status = 200, body = {r = bomb1() or false}}
end, {auth = "public"})

saiets.route("GET", "/bomb2", function(req)
  return {status = 200, body = {r = bomb2() or false}}
end, {auth = "public"})

saiets.route("GET", "/bomb3", function(req)
  return {status = 200, body = {r = bomb3()}}
end, {auth = "public"})

saiets.route("POST", "/bomb1", function(req)
  return {status = 200, body = {r = bomb1() or false}}
end, {auth = "public"})
