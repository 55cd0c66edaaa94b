/* token_use.h - when each account token was last used, kept in memory and
 * written to api_tokens.last_used_at in batches, so that a request that
 * carries a token never writes to the database.
 *
 * The HTTP loop notes every use (tuse_note: a hash lookup, no allocation
 * once the token is known); a timer takes the changed entries once a minute
 * (tuse_take) and hands them to the writer (tuse_store).  Reads of the last
 * use (tuse_last) see the newest of memory and the database, so the admin
 * list is right before the flush.  One thread uses a struct token_use; no
 * locks.  Plain C: no libevent. */
#ifndef SAIETS_TOKEN_USE_H
#define SAIETS_TOKEN_USE_H

#include <stddef.h>

#include "db.h"
#include "errors.h"

struct token_use;

struct token_use_entry {
    long long token_id;
    long long at;       /* unix seconds */
};

struct token_use *tuse_new(void);
void tuse_free(struct token_use *u);

/* Token token_id was used at `at`.  Out of memory (the table cannot grow)
 * loses the note, never the request. */
void tuse_note(struct token_use *u, long long token_id, long long at);

/* The last use noted of token_id, 0 if none since the start. */
long long tuse_last(const struct token_use *u, long long token_id);

/* Moves the entries noted since the last take into a malloc'd array (the
 * caller frees it) and returns their number; 0 (and *out NULL) when none or
 * out of memory. */
size_t tuse_take(struct token_use *u, struct token_use_entry **out);

/* Writes the entries: last_used_at becomes the later of what it holds and
 * the entry's time.  Writer connection, inside the job's transaction. */
int tuse_store(struct db *db, const struct token_use_entry *entries, size_t n,
               struct err *e);

#endif
