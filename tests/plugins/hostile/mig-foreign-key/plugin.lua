-- A harmless plugin whose second migration attacks the host.
saiets.route("GET", "/rows", function(req)
  return {status = 200, body = {rows = saiets.db.rows("SELECT id, a FROM p_mig_foreign_key_t")}}
end, {auth = "public"})
