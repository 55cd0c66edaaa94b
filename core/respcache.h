/* respcache.h - rendered answers kept until the data may have changed.
 *
 * An entry is valid for one data generation: the writer counts its commits
 * (writer_generation()), and an entry made at generation g is served only
 * while no commit has happened since.  Direct-mapped by the key's hash; a
 * collision just replaces.  Loop thread only; owns copies of its bodies. */
#ifndef SAIETS_RESPCACHE_H
#define SAIETS_RESPCACHE_H

#include <stddef.h>

struct respcache;

struct respcache *respcache_new(size_t slots);
void respcache_free(struct respcache *rc);

/* The body stored under key for generation gen, or NULL. */
const char *respcache_get(struct respcache *rc, const char *key,
                          unsigned long long gen, size_t *len);

/* Stores a copy of body; 0 or -1 (out of memory: nothing stored). */
int respcache_put(struct respcache *rc, const char *key, unsigned long long gen,
                  const char *body, size_t len);

#endif
