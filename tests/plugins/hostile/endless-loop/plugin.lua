-- Endless loops: every call must stop at its budget (2M instructions, 200 ms).
saiets.on("registration.validate", function(ev)
  while true do end
end)

saiets.on("export.columns", function(ev)
  local i = 0
  while true do i = i + 1 end
end)

saiets.route("GET", "/spin", function(req)
  while true do end
end, {auth = "public"})

saiets.route("POST", "/spin", function(req)
  while true do end
end, {auth = "public"})

-- recursion without end: the C stack and the Lua stack
saiets.route("GET", "/recurse", function(req)
  local function f(n) return f(n + 1) + 1 end
  return {status = 200, body = {n = f(1)}}
end, {auth = "public"})
