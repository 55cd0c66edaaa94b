/* respcache.c - generation-checked answer cache; see respcache.h. */
#include "respcache.h"

#include <stdlib.h>
#include <string.h>

#define KEY_MAX 64

struct entry {
    char key[KEY_MAX];
    unsigned long long gen;
    char *body;
    size_t len;
};

struct respcache {
    size_t slots;
    struct entry e[];
};

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
    for (size_t i = 0; i < rc->slots; i++)
        free(rc->e[i].body);
    free(rc);
}

const char *respcache_get(struct respcache *rc, const char *key,
                          unsigned long long gen, size_t *len)
{
    struct entry *e = &rc->e[slot_of(rc, key)];

    if (e->body == NULL || e->gen != gen || strcmp(e->key, key) != 0)
        return NULL;
    *len = e->len;
    return e->body;
}

int respcache_put(struct respcache *rc, const char *key, unsigned long long gen,
                  const char *body, size_t len)
{
    struct entry *e = &rc->e[slot_of(rc, key)];
    char *copy;

    if (strlen(key) >= KEY_MAX || (copy = malloc(len ? len : 1)) == NULL)
        return -1;
    memcpy(copy, body, len);
    free(e->body);
    strcpy(e->key, key);
    e->gen = gen;
    e->body = copy;
    e->len = len;
    return 0;
}
