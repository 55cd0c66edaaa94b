/* form.h - a meeting's registration form: custom fields and their answers.
 *
 * A form is a JSON list of field definitions (see docs/api.md, "Custom
 * fields"); answers are a JSON object keyed by field key.  Both arrive from
 * outside and are checked here, field by field, with errors that name the
 * field ("fields[2].options", "answers.diet").  Pure functions: no storage. */
#ifndef SAIETS_FORM_H
#define SAIETS_FORM_H

#include <jansson.h>

#include "errors.h"

#define FORM_MAX_FIELDS 50
#define FORM_MAX_OPTIONS 50

/* Checks a definition list and returns a normalised copy (new reference:
 * defaults filled in, unknown members refused), or NULL with *e set. */
json_t *form_parse(json_t *fields, struct err *e);

/* Checks answers (an object, or NULL for none) against a parsed form. */
int form_check_answers(json_t *form, json_t *answers, struct err *e);

#endif
