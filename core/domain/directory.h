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
#define NETWORK_NAME_MAX 200
#define NETWORK_DESCRIPTION_MAX 2000

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

/* Changes an organisation from {"name"?, "kind"?}, audited as actor's:
 * not_found, duplicate_name (another organisation has the name,
 * case-insensitive), 422 on bad input. */
int dir_org_patch(struct db *db, long long id, json_t *in, long long now,
                  const char *actor, struct err *e);

/* {"id","name","kind"} objects, unsorted. */
json_t *dir_org_list(struct db *db);
json_t *dir_org_json(struct db *db, long long id);
/* dir_org_json, or NULL with *e set (not_found). */
json_t *dir_org_get_json(struct db *db, long long id, struct err *e);

int dir_network_exists(struct db *db, long long id);
long long dir_network_ensure(struct db *db, const char *name, long long now);
int dir_network_add_member(struct db *db, long long network, long long org);
/* {"id","name","description","members"} objects by id. */
json_t *dir_network_list(struct db *db);
/* One of those, or NULL with *e set (not_found). */
json_t *dir_network_json(struct db *db, long long id, struct err *e);

/* Creates a network from {"name", "description"?} (*id set) or changes one
 * from {"name"?, "description"?} (null clears the description); audited as
 * actor's.  A name another network has (case-insensitive) is
 * duplicate_name; 422 on bad input; not_found for an unknown id. */
int dir_network_create(struct db *db, json_t *in, long long now, const char *actor,
                       long long *id, struct err *e);
int dir_network_patch(struct db *db, long long id, json_t *in, long long now,
                      const char *actor, struct err *e);

#endif
