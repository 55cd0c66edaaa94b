-- What a plugin must not have: each is looked up where a script could find it.
local function probe()
  local found = {}
  local function check(name, value)
    found[name] = type(value)
  end
  check("load", load)
  check("loadstring", loadstring)
  check("loadfile", loadfile)
  check("dofile", dofile)
  check("require", require)
  check("package", package)
  check("io", io)
  check("debug", debug)
  check("collectgarbage", collectgarbage)
  check("coroutine", coroutine)
  check("os.execute", os and os.execute)
  check("os.exit", os and os.exit)
  check("os.getenv", os and os.getenv)
  check("os.remove", os and os.remove)
  check("os.rename", os and os.rename)
  check("os.tmpname", os and os.tmpname)
  check("string.dump", string.dump)
  check("_G.load", _G and rawget(_G, "load"))
  check("_ENV.require", _ENV and rawget(_ENV, "require"))
  local mt = getmetatable("")
  check("string metatable", mt)
  if type(mt) == "table" and type(mt.__index) == "table" then
    check("(''):dump", mt.__index.dump)
  end
  check("string.pack", string.pack)
  return found
end

saiets.route("GET", "/probe", function(req)
  return {status = 200, body = probe()}
end, {auth = "public"})

-- each of these raises: the route fails with plugin_error
saiets.route("GET", "/load", function(req)
  return {status = 200, body = {v = load("return 1")()}}
end, {auth = "public"})

saiets.route("POST", "/execute", function(req)
  os.execute("touch " .. req.body.path)
  return {status = 200, body = {}}
end, {auth = "public"})

saiets.route("POST", "/open", function(req)
  local f = io.open(req.body.path, "w")
  f:write("pwned")
  f:close()
  return {status = 200, body = {}}
end, {auth = "public"})

saiets.route("GET", "/dump", function(req)
  return {status = 200, body = {code = string.dump(function() return 1 end)}}
end, {auth = "public"})

saiets.route("GET", "/require", function(req)
  return {status = 200, body = {v = require("os")}}
end, {auth = "public"})

saiets.route("GET", "/debug", function(req)
  return {status = 200, body = {v = debug.getregistry()}}
end, {auth = "public"})

saiets.route("GET", "/dofile", function(req)
  return {status = 200, body = {v = dofile("/etc/passwd")}}
end, {auth = "public"})

saiets.on("registration.validate", function(ev)
  os.execute("true")
end)
