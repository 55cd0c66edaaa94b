/* form.h - a meeting's registration form: custom fields and their answers.
 *
 * A form is a JSON list of field definitions (see docs/api.md, "Custom
 * fields"); answers are a JSON object keyed by field key.  Both arrive from
 * outside and are checked here, field by field, with errors that name the
 * field ("fields[2].options", "answers.diet"), and rendered as text for the
 * exports.  Pure functions: no storage. */
#ifndef SAIETS_FORM_H
#define SAIETS_FORM_H

#include <jansson.h>

#include "buf.h"
#include "errors.h"

#define FORM_MAX_FIELDS 50
#define FORM_MAX_OPTIONS 50

/* Checks a definition list and returns a normalised copy (new reference:
 * defaults filled in, unknown members refused), or NULL with *e set. */
json_t *form_parse(json_t *fields, struct err *e);

/* Checks one definition on its own (a plugin's saiets.form.field), its
 * errors named after where ("saiets.form.field"): a normalised copy, or NULL
 * with *e set. */
json_t *form_parse_field(json_t *field, const char *where, struct err *e);

/* Checks answers (an object, or NULL for none) against a parsed form. */
int form_check_answers(json_t *form, json_t *answers, struct err *e);

/* Appends an answer as text, the same in every export (the CSV files, the
 * hosts' printed lists): a text, a choice or a date as it is, a boolean as
 * "yes" or "no", a number in decimal (at most 15 significant digits), a
 * multi_choice list as its options joined with "; ", and no answer (NULL or
 * null) as nothing. */
void form_answer_text(const json_t *answer, struct buf *out);

/* Writes an answer as one CSV cell (csv.h) of the text form_answer_text
 * gives, preceded by a comma unless first; a number is a number cell, so
 * "-3" gets no formula guard. */
void form_answer_csv(const json_t *answer, struct buf *row, int first);

#endif
