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
    [ERR_NOT_WAITLISTED] = {409, "not_waitlisted"},
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
    [ERR_RATE_LIMITED] = {429, "rate_limited"},
    [ERR_BUSY] = {503, "busy"},
};

/* A text cut by snprintf may end inside a UTF-8 character: drop its first
 * bytes too, so that the text stays valid (it goes into JSON). */
void err_cut_utf8(char *s, size_t size, int wanted)
{
    size_t n;

    if (wanted < 0 || (size_t)wanted < size)
        return;
    n = strlen(s);
    while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0 && ((unsigned char)s[n - 1] & 0x80))
        n--; /* the lead byte of the character that was cut */
    s[n] = '\0';
}

int err_set(struct err *e, enum err_code code, const char *field,
            const char *fmt, ...)
{
    va_list ap;
    int n;

    e->code = code;
    n = snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    err_cut_utf8(e->field, sizeof e->field, n);
    va_start(ap, fmt);
    n = vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    err_cut_utf8(e->message, sizeof e->message, n);
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
