-- Every registration.validate raises: counted, and after 5 in a row the
-- plugin is switched off for the meeting.
saiets.on("registration.validate", function(ev)
  error("always fails, registration " .. tostring(ev.registration.email))
end)

saiets.route("GET", "/alive", function(req)
  return {status = 200, body = {alive = true}}
end, {auth = "public"})
