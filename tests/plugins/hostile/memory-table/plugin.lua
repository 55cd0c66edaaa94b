-- A table that grows without end.
local kept = {}

local function fill(t)
  local i = 0
  while true do
    i = i + 1
    t[i] = string.rep("y", 65536) .. i
  end
end

saiets.on("registration.validate", function(ev)
  fill({})
end)

saiets.route("GET", "/fill", function(req)
  fill({})
end, {auth = "public"})

saiets.route("POST", "/fill", function(req)
  fill({})
end, {auth = "public"})

-- grows a table that outlives the call: 4 MiB more at each call (64 new
-- strings made from one chunk: the work per call stays small, so that the
-- memory cap, not the clock, is what stops it, even in a slow ASan build)
local chunk = string.rep("z", 65536)
saiets.route("POST", "/keep", function(req)
  for i = 1, 64 do
    kept[#kept + 1] = chunk .. #kept
  end
  return {status = 200, body = {kept = #kept}}
end, {auth = "public"})
