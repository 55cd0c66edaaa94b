/* respcache.c - generation-checked answer cache; see respcache.h. */
#include "respcache.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 64

/* A body and its users: the cache's slot counts as one. */
struct shared {
    size_t refs;
    size_t len;
    char data[];
};

struct entry {
    char key[KEY_MAX];
    unsigned long long gen;
    struct shared *body; /* NULL: empty slot */
    struct shared *gz;   /* body gzipped, or NULL */
};

struct respcache {
    size_t slots;
    struct entry e[];
};

static struct shared *shared_of(const char *data)
{
    return (struct shared *)(void *)(data - offsetof(struct shared, data));
}

static void unref(struct shared *s)
{
    if (s != NULL && --s->refs == 0)
        free(s);
}

static size_t slot_of(const struct respcache *rc, const char *key)
{
    unsigned long h = 2166136261u; /* FNV-1a */

    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619u;
    return h % rc->slots;
}

struct respcache *respcache_new(size_t slots)
{
    struct respcache *rc = calloc(1, sizeof *rc + slots * sizeof(struct entry));

    if (rc)
        rc->slots = slots;
    return rc;
}

void respcache_free(struct respcache *rc)
{
    if (rc == NULL)
        return;
    for (size_t i = 0; i < rc->slots; i++) {
        unref(rc->e[i].body);
        unref(rc->e[i].gz);
    }
    free(rc);
}

static struct shared *shared_new(const char *data, size_t len)
{
    struct shared *s = malloc(sizeof *s + len + 1);

    if (s == NULL)
        return NULL;
    s->refs = 1;
    s->len = len;
    memcpy(s->data, data, len);
    s->data[len] = '\0';
    return s;
}

/* The slot holding key at gen, or NULL. */
static struct entry *current(struct respcache *rc, const char *key, unsigned long long gen)
{
    struct entry *e = &rc->e[slot_of(rc, key)];

    return e->body != NULL && e->gen == gen && strcmp(e->key, key) == 0 ? e : NULL;
}

const char *respcache_get(struct respcache *rc, const char *key,
                          unsigned long long gen, size_t *len)
{
    struct entry *e = current(rc, key, gen);

    if (e == NULL)
        return NULL;
    *len = e->body->len;
    return e->body->data;
}

const char *respcache_get_gz(struct respcache *rc, const char *key,
                             unsigned long long gen, size_t *len)
{
    struct entry *e = current(rc, key, gen);

    if (e == NULL || e->gz == NULL)
        return NULL;
    *len = e->gz->len;
    return e->gz->data;
}

const char *respcache_put_gz(struct respcache *rc, const char *key, unsigned long long gen,
                             const char *gz, size_t len)
{
    struct entry *e = current(rc, key, gen);
    struct shared *s;

    if (e == NULL || (s = shared_new(gz, len)) == NULL)
        return NULL;
    unref(e->gz);
    e->gz = s;
    return s->data;
}

const char *respcache_put(struct respcache *rc, const char *key, unsigned long long gen,
                          const char *body, size_t len)
{
    struct entry *e = &rc->e[slot_of(rc, key)];
    struct shared *s;

    if (strlen(key) >= KEY_MAX || (s = shared_new(body, len)) == NULL)
        return NULL;
    unref(e->body);
    unref(e->gz);
    e->gz = NULL;
    strcpy(e->key, key);
    e->gen = gen;
    e->body = s;
    return s->data;
}

void respcache_hold(const char *body)
{
    shared_of(body)->refs++;
}

void respcache_release(const char *body)
{
    unref(shared_of(body));
}
