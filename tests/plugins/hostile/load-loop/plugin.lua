-- Runs forever while the server loads it (once at install, and on every thread).
saiets.route("GET", "/never", function(req) return {status = 200, body = {}} end,
             {auth = "public"})
local n = 0
while true do n = n + 1 end
