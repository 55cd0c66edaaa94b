-- Tries to catch the budget error and go on.
-- (one attack per registration, chosen by its first name, so that each
-- test meets the attack it names)
saiets.on("registration.validate", function(ev)
  if ev.registration.first_name ~= "Pcall" then return end
  while true do
    pcall(function() while true do end end)
  end
end)

saiets.on("registration.confirmed", function(ev)
  if ev.registration.first_name ~= "Xpcall" then return end
  -- the handler itself loops: it runs after the budget tripped
  while true do
    xpcall(function() while true do end end, function(m) while true do end end)
  end
end)

saiets.route("GET", "/pcall", function(req)
  local caught = 0
  for i = 1, 1e9 do
    local ok = pcall(function() while true do end end)
    if not ok then caught = caught + 1 end
  end
  return {status = 200, body = {caught = caught}}
end, {auth = "public"})

saiets.route("POST", "/xpcall", function(req)
  while true do
    xpcall(function() while true do end end, function(m)
      local i = 0
      while true do i = i + 1 end
    end)
  end
end, {auth = "public"})

-- error objects that are tables, coroutines: nothing but plain pcall here
saiets.route("GET", "/error-table", function(req)
  while true do
    pcall(error, setmetatable({}, {__tostring = function() while true do end end}))
  end
end, {auth = "public"})
