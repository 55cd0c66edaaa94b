-- Doubles a string until the 32 MiB cap.
local function grow()
  local s = "x"
  for i = 1, 64 do
    s = string.rep(s, 2)
  end
  return #s
end

saiets.on("registration.validate", function(ev)
  grow()
end)

saiets.route("GET", "/grow", function(req)
  return {status = 200, body = {n = grow()}}
end, {auth = "public"})

saiets.route("POST", "/grow", function(req)
  return {status = 200, body = {n = grow()}}
end, {auth = "public"})

-- concatenation instead of string.rep
saiets.route("GET", "/concat", function(req)
  local s = "0123456789abcdef"
  while true do s = s .. s end
end, {auth = "public"})

-- one huge string.rep at once
saiets.route("GET", "/huge", function(req)
  return {status = 200, body = {n = #string.rep("x", 1 << 40)}}
end, {auth = "public"})
