/* respcache.h - rendered answers kept until the data may have changed.
 *
 * An entry is valid for one data generation: the writer counts its commits
 * (writer_generation()), and an entry made at generation g is served only
 * while no commit has happened since.  Direct-mapped by the key's hash; a
 * collision just replaces.
 *
 * Bodies are shared, not copied per answer: a body handed out by
 * respcache_get/put stays valid while the cache holds it, and beyond that
 * for as long as a respcache_hold() is not matched by respcache_release()
 * (an answer still being written to a slow client, say).  Loop thread only:
 * the counts are plain integers. */
#ifndef SAIETS_RESPCACHE_H
#define SAIETS_RESPCACHE_H

#include <stddef.h>

struct respcache;

struct respcache *respcache_new(size_t slots);
void respcache_free(struct respcache *rc);

/* The body stored under key for generation gen, or NULL. */
const char *respcache_get(struct respcache *rc, const char *key,
                          unsigned long long gen, size_t *len);

/* Stores a copy of body and returns the stored copy, or NULL (out of memory
 * or a key of 64 bytes or more: nothing stored). */
const char *respcache_put(struct respcache *rc, const char *key, unsigned long long gen,
                          const char *body, size_t len);

/* The gzip form of the body stored under key for gen (kept in the same
 * slot, so it never evicts its own plain form), or NULL. */
const char *respcache_get_gz(struct respcache *rc, const char *key,
                             unsigned long long gen, size_t *len);

/* Stores a copy of the gzip form next to the plain body stored under key
 * for gen; NULL when there is no such body (or out of memory). */
const char *respcache_put_gz(struct respcache *rc, const char *key, unsigned long long gen,
                             const char *gz, size_t len);

/* One more / one less user of a body returned above; the last release of
 * a body the cache has dropped frees it. */
void respcache_hold(const char *body);
void respcache_release(const char *body);

#endif
