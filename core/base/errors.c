/* errors.c - error codes to HTTP statuses and stable names; see errors.h. */
#include "errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    int status;
    const char *name;
} err_table[ERR__COUNT] = {
    [ERR_NONE] = {200, "ok"},
    [ERR_BAD_JSON] = {400, "bad_json"},
    [ERR_BAD_REQUEST] = {400, "bad_request"},
    [ERR_UNAUTHORIZED] = {401, "unauthorized"},
    [ERR_FORBIDDEN] = {403, "forbidden"},
    [ERR_NOT_FOUND] = {404, "not_found"},
    [ERR_METHOD_NOT_ALLOWED] = {405, "method_not_allowed"},
    [ERR_DUPLICATE_EMAIL] = {409, "duplicate_email"},
    [ERR_DUPLICATE_NAME] = {409, "duplicate_name"},
    [ERR_REGISTRATION_NOT_OPEN] = {409, "registration_not_open"},
    [ERR_REGISTRATION_CLOSED] = {409, "registration_closed"},
    [ERR_ALREADY_CANCELLED] = {409, "already_cancelled"},
    [ERR_CAPACITY_BELOW_CONFIRMED] = {409, "capacity_below_confirmed"},
    [ERR_BODY_TOO_LARGE] = {413, "body_too_large"},
    [ERR_MISSING_FIELD] = {422, "missing_field"},
    [ERR_INVALID_FIELD] = {422, "invalid_field"},
    [ERR_UNKNOWN_FIELD] = {422, "unknown_field"},
    [ERR_FORBIDDEN_FIELD] = {422, "forbidden_field"},
    [ERR_SCRIPT] = {422, "script_error"},
    [ERR_IN_USE] = {409, "in_use"},
    [ERR_INVALID_PLUGIN] = {422, "invalid_plugin"},
    [ERR_PLUGIN_REFUSED] = {422, "plugin_refused"},
    [ERR_PLUGIN_FAILED] = {500, "plugin_error"},
    [ERR_INTERNAL] = {500, "internal_error"},
    [ERR_OVERLOADED] = {503, "overloaded"},
};

int err_set(struct err *e, enum err_code code, const char *field,
            const char *fmt, ...)
{
    va_list ap;

    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return -1;
}

void err_clear(struct err *e) { memset(e, 0, sizeof *e); }

int err_http_status(enum err_code code)
{
    if ((int)code < 0 || code >= ERR__COUNT)
        return 500;
    return err_table[code].status;
}

const char *err_code_name(enum err_code code)
{
    if ((int)code < 0 || code >= ERR__COUNT)
        return "internal_error";
    return err_table[code].name;
}
