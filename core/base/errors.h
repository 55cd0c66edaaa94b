/* errors.h - the error vocabulary shared by the domain and the HTTP layer.
 *
 * Domain functions return 0 or -1 and describe a failure in a struct err:
 * a stable code (each maps to one HTTP status and one code string that
 * clients may rely on, listed in docs/api.md), the field to blame if any,
 * and a sentence for people.  Nothing here knows about HTTP libraries. */
#ifndef SAIETS_ERRORS_H
#define SAIETS_ERRORS_H

#include <stddef.h>

enum err_code {
    ERR_NONE = 0,
    ERR_BAD_JSON,
    ERR_BAD_REQUEST,
    ERR_UNAUTHORIZED,
    ERR_FORBIDDEN,
    ERR_NOT_FOUND,
    ERR_METHOD_NOT_ALLOWED,
    ERR_DUPLICATE_EMAIL,
    ERR_DUPLICATE_NAME,
    ERR_REGISTRATION_NOT_OPEN,
    ERR_REGISTRATION_CLOSED,
    ERR_ALREADY_CANCELLED,
    ERR_CAPACITY_BELOW_CONFIRMED,
    ERR_NOT_WAITLISTED,  /* promoting a registration that is not on the waiting list */
    ERR_BODY_TOO_LARGE,
    ERR_MISSING_FIELD,
    ERR_INVALID_FIELD,
    ERR_UNKNOWN_FIELD,
    ERR_FORBIDDEN_FIELD,
    ERR_SCRIPT,
    ERR_IN_USE,
    ERR_INVALID_PLUGIN,  /* a plugin package, manifest, code or migration is refused */
    ERR_PLUGIN_REFUSED,  /* a plugin's registration.validate said no */
    ERR_PLUGIN_FAILED,   /* a plugin's code failed while serving the request */
    ERR_INTERNAL,
    ERR_OVERLOADED,
    ERR_RATE_LIMITED,    /* too many public writes from one client address */
    ERR_BUSY,            /* every slot for this kind of work is taken: try again soon */
    ERR__COUNT
};

struct err {
    enum err_code code;
    char field[96];    /* "" when no single field is to blame */
    char message[512]; /* cut between UTF-8 characters when longer */
};

/* Fills *e and returns -1, so that callers can write `return err_set(...)`. */
int err_set(struct err *e, enum err_code code, const char *field,
            const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void err_clear(struct err *e);

/* After snprintf(s, size, ...) returned wanted: when the text was cut,
 * drops a UTF-8 character the cut went through, so that s stays valid. */
void err_cut_utf8(char *s, size_t size, int wanted);

int err_http_status(enum err_code code);
const char *err_code_name(enum err_code code);

#endif
