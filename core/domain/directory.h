/* directory.h - who is who: organisations (municipalities, schools,
 * museums, ...) and the networks they form.  Rules and SQL for both tables.
 * Names are matched by their Unicode case fold (textfold.h). */
#ifndef SAIETS_DIRECTORY_H
#define SAIETS_DIRECTORY_H

#include <jansson.h>

#include "db.h"
#include "errors.h"
#include "jfield.h"

#define ORG_NAME_MAX 200

/* 1 and *id set when an organisation has this name (case-insensitive),
 * 0 when none, -1 on a storage error. */
int dir_org_find(struct db *db, const char *name, long long *id,
                 char canon[JF_TEXT_BYTES(ORG_NAME_MAX)]);

/* Name of organisation id: 1 found, 0 not found, -1 error. */
int dir_org_get(struct db *db, long long id, char name[JF_TEXT_BYTES(ORG_NAME_MAX)]);

/* Creates an organisation from {"name","kind"}, audited as actor's when
 * actor is not NULL; *id set. */
int dir_org_create(struct db *db, json_t *in, long long now, const char *actor,
                   long long *id, struct err *e);

/* Adds an organisation unless its name is known; returns its id or -1. */
long long dir_org_ensure(struct db *db, const char *name, const char *kind,
                         long long now);

/* {"id","name","kind"} objects, unsorted. */
json_t *dir_org_list(struct db *db);
json_t *dir_org_json(struct db *db, long long id);

int dir_network_exists(struct db *db, long long id);
long long dir_network_ensure(struct db *db, const char *name, long long now);
int dir_network_add_member(struct db *db, long long network, long long org);
json_t *dir_network_list(struct db *db);

#endif
