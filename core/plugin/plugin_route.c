/* plugin_route.c - a plugin's route called from C; see plugin_route.h. */
#include "plugin_route.h"

#include "plugin_set.h"
#include "plugin_store.h"
#include "plugin_vm.h"

int plugin_route_run(struct db *db, long long meeting_id, const char *name, unsigned method,
                     const char *path, json_t *body, const char *role,
                     const json_t *registration, int *status, json_t **out, struct err *e)
{
    const struct plugin_set *set = plugin_rt_set();
    const struct plugin_def *def = set ? plugin_set_find(set, name) : NULL;
    struct plugin_call call = {.db = db, .meeting_id = meeting_id, .lang = "lv"};
    const struct plugin_route *routes;
    struct plugin_vm *vm;
    json_t *settings = NULL, *params = NULL, *req;
    size_t n, i;
    int rc;

    *out = NULL;
    if (def == NULL || plugin_meeting_enabled(db, meeting_id, name, &settings, e) <= 0)
        return e->code != ERR_NONE ? -1
                                   : err_set(e, ERR_NOT_FOUND, NULL,
                                             "the plugin %s is not enabled for meeting %lld",
                                             name, meeting_id);
    if ((vm = plugin_rt_vm(def, e)) == NULL) {
        json_decref(settings);
        return -1;
    }
    routes = plugin_vm_routes(vm, &n);
    for (i = 0; i < n; i++)
        if (routes[i].method == method && plugin_route_match(routes[i].path, path, &params))
            break;
    if (i == n) {
        json_decref(settings);
        return err_set(e, ERR_NOT_FOUND, NULL, "the plugin %s has no route %s %s", name,
                       plugin_method_name(method), path);
    }
    req = json_pack("{s:s, s:s, s:I, s:o, s:o, s:O, s:s, s:s}", "method", plugin_method_name(method),
                    "path", path, "meeting_id", (json_int_t)meeting_id, "params", params,
                    "query", json_object(), "body", body ? body : json_null(), "role", role,
                    "lang", "lv");
    if (req && registration)
        json_object_set(req, "registration", (json_t *)registration);
    call.settings = settings;
    plugin_rt_enter();
    rc = req ? plugin_vm_route(vm, i, req, &call, e) : err_set(e, ERR_INTERNAL, NULL, "out of memory");
    plugin_rt_leave();
    if (rc == 0 && call.failed) {
        *status = call.status;
        *out = json_pack("{s:{s:s, s:s}}", "error", "code", call.code, "message", call.message);
    } else if (rc == 0) {
        json_t *st = json_object_get(call.result, "status");

        *status = json_is_integer(st) ? (int)json_integer_value(st) : 200;
        *out = json_incref(json_object_get(call.result, "body"));
    }
    json_decref(call.result);
    json_decref(req);
    json_decref(settings);
    return rc;
}
