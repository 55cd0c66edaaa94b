/* token_use.c - account tokens' last use, batched; see token_use.h.
 *
 * An open-addressing table keyed by token id (linear probing, never
 * shrinks, at least half empty): a use of a known token costs a hash and a
 * store.  "dirty" marks entries noted since the last take. */
#include "token_use.h"

#include <stdint.h>
#include <stdlib.h>

struct slot {
    long long token_id; /* 0: empty */
    long long at;
    int dirty;
};

struct token_use {
    struct slot *slots;
    size_t cap;  /* power of two */
    size_t used;
    size_t dirty;
};

struct token_use *tuse_new(void)
{
    struct token_use *u = calloc(1, sizeof *u);

    if (u == NULL)
        return NULL;
    u->cap = 16;
    u->slots = calloc(u->cap, sizeof *u->slots);
    if (u->slots == NULL) {
        free(u);
        return NULL;
    }
    return u;
}

void tuse_free(struct token_use *u)
{
    if (u == NULL)
        return;
    free(u->slots);
    free(u);
}

static size_t slot_of(const struct slot *slots, size_t cap, long long id)
{
    size_t i = (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);

    while (slots[i].token_id != 0 && slots[i].token_id != id)
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(struct token_use *u)
{
    size_t cap = u->cap * 2;
    struct slot *s = calloc(cap, sizeof *s);

    if (s == NULL)
        return -1;
    for (size_t i = 0; i < u->cap; i++)
        if (u->slots[i].token_id != 0)
            s[slot_of(s, cap, u->slots[i].token_id)] = u->slots[i];
    free(u->slots);
    u->slots = s;
    u->cap = cap;
    return 0;
}

void tuse_note(struct token_use *u, long long token_id, long long at)
{
    struct slot *s;

    if (u == NULL || token_id <= 0)
        return;
    if ((u->used + 1) * 2 > u->cap && grow(u) < 0)
        return;
    s = &u->slots[slot_of(u->slots, u->cap, token_id)];
    if (s->token_id == 0) {
        s->token_id = token_id;
        u->used++;
    }
    if (at > s->at) {
        s->at = at;
        if (!s->dirty) {
            s->dirty = 1;
            u->dirty++;
        }
    }
}

long long tuse_last(const struct token_use *u, long long token_id)
{
    const struct slot *s;

    if (u == NULL || token_id <= 0)
        return 0;
    s = &u->slots[slot_of(u->slots, u->cap, token_id)];
    return s->token_id == token_id ? s->at : 0;
}

size_t tuse_take(struct token_use *u, struct token_use_entry **out)
{
    struct token_use_entry *list;
    size_t n = 0;

    *out = NULL;
    if (u == NULL || u->dirty == 0)
        return 0;
    list = malloc(u->dirty * sizeof *list);
    if (list == NULL)
        return 0; /* kept dirty: the next take tries again */
    for (size_t i = 0; i < u->cap; i++) {
        if (u->slots[i].token_id != 0 && u->slots[i].dirty) {
            list[n].token_id = u->slots[i].token_id;
            list[n].at = u->slots[i].at;
            u->slots[i].dirty = 0;
            n++;
        }
    }
    u->dirty = 0;
    *out = list;
    return n;
}

int tuse_store(struct db *db, const struct token_use_entry *entries, size_t n,
               struct err *e)
{
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = db_stmt(db, "UPDATE api_tokens SET last_used_at = ?2"
                                       " WHERE id = ?1 AND (last_used_at IS NULL"
                                       " OR last_used_at < ?2)");
        if (st == NULL)
            return db_fail(db, e);
        sqlite3_bind_int64(st, 1, entries[i].token_id);
        sqlite3_bind_int64(st, 2, entries[i].at);
        if (db_step_done(st) < 0)
            return db_fail(db, e);
    }
    return 0;
}
