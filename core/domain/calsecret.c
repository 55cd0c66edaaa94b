/* calsecret.c - secret calendar URLs for registrations; see calsecret.h. */
#include "calsecret.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"

#define KEY_LEN 32
#define MAC_LEN 32

/* The server key, read once (any thread may be first); once key_loaded is
 * set (release) the key never changes, so readers that see it set (acquire)
 * read the key without the lock: a registration's answer pays no lock. */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char key[KEY_LEN];
static atomic_int key_loaded;

void calsecret_forget_key(void)
{
    pthread_mutex_lock(&key_lock);
    sodium_memzero(key, sizeof key);
    atomic_store_explicit(&key_loaded, 0, memory_order_release);
    pthread_mutex_unlock(&key_lock);
}

/* Copies the key into k: 0, or -1 with *e set. */
static int load_key(struct db *db, unsigned char k[KEY_LEN], struct err *e)
{
    sqlite3_stmt *st;
    int rc, ok = 0;

    if (atomic_load_explicit(&key_loaded, memory_order_acquire)) {
        memcpy(k, key, KEY_LEN);
        return 0;
    }
    pthread_mutex_lock(&key_lock);
    if (!atomic_load_explicit(&key_loaded, memory_order_relaxed)) {
        st = db_stmt(db, "SELECT key FROM calendar_key WHERE id = 1");
        if (st != NULL) {
            rc = sqlite3_step(st);
            if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == KEY_LEN) {
                memcpy(key, sqlite3_column_blob(st, 0), KEY_LEN);
                atomic_store_explicit(&key_loaded, 1, memory_order_release);
            }
            sqlite3_reset(st);
        }
    }
    if (atomic_load_explicit(&key_loaded, memory_order_relaxed)) {
        memcpy(k, key, KEY_LEN);
        ok = 1;
    }
    pthread_mutex_unlock(&key_lock);
    if (!ok)
        return err_set(e, ERR_INTERNAL, NULL, "the calendar key is missing");
    return 0;
}

/* mac over (id, gen), both as 8 bytes little-endian. */
static void make_mac(const unsigned char k[KEY_LEN], long long id, long long gen,
                     unsigned char mac[MAC_LEN])
{
    unsigned char msg[16];
    uint64_t a = (uint64_t)id, b = (uint64_t)gen;

    for (int i = 0; i < 8; i++) {
        msg[i] = (unsigned char)(a >> (8 * i));
        msg[8 + i] = (unsigned char)(b >> (8 * i));
    }
    crypto_generichash(mac, MAC_LEN, msg, sizeof msg, k, KEY_LEN);
}

/* Unpadded base64url of the mac into p (CALSECRET_MAC_CHARS); returns the
 * end.  By hand: libsodium's constant-time encoder cost 4,600 instructions
 * per URL, a sixtieth of a registration, and the mac is shown to the one
 * who asked for it, so the time its encoding takes tells nobody anything. */
static char *put_b64url(char *p, const unsigned char mac[MAC_LEN])
{
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i = 0;

    for (; i + 3 <= MAC_LEN; i += 3) {
        unsigned v = (unsigned)mac[i] << 16 | (unsigned)mac[i + 1] << 8 | mac[i + 2];
        *p++ = a[v >> 18];
        *p++ = a[(v >> 12) & 63];
        *p++ = a[(v >> 6) & 63];
        *p++ = a[v & 63];
    }
    if (MAC_LEN - i == 2) { /* 32 = 3 * 10 + 2: three characters more */
        unsigned v = (unsigned)mac[i] << 16 | (unsigned)mac[i + 1] << 8;
        *p++ = a[v >> 18];
        *p++ = a[(v >> 12) & 63];
        *p++ = a[(v >> 6) & 63];
    }
    return p;
}

int calsecret_url(struct db *db, long long id, long long gen, char out[CALSECRET_URL_MAX],
                  struct err *e)
{
    unsigned char k[KEY_LEN], mac[MAC_LEN];
    char digits[20], *p = out;
    int n = 0;
    unsigned long long v = (unsigned long long)id;

    if (id <= 0 || id >= 1000000000000000000LL)
        return err_set(e, ERR_INTERNAL, NULL, "calendar URL: id out of range");
    if (load_key(db, k, e) < 0)
        return -1;
    make_mac(k, id, gen, mac);
    sodium_memzero(k, sizeof k);
    do
        digits[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    memcpy(p, "/cal/", 5);
    p += 5;
    while (n > 0)
        *p++ = digits[--n];
    *p++ = '_';
    p = put_b64url(p, mac);
    memcpy(p, ".ics", 5);
    return 0;
}

/* 1 with the row's generation and whether it is live, 0 when none, -1. */
static int read_gen(struct db *db, long long id, long long *gen, int *live)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT calendar_gen, status <> 'cancelled'"
                                   " FROM registrations WHERE id = ?");
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *gen = sqlite3_column_int64(st, 0);
        *live = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int calsecret_current_url(struct db *db, long long id, char out[CALSECRET_URL_MAX],
                          struct err *e)
{
    long long gen = 0;
    int live = 0;

    switch (read_gen(db, id, &gen, &live)) {
    case 1:
        break;
    case 0:
        return 0;
    default:
        return db_fail(db, e);
    }
    if (!live)
        return 0;
    return calsecret_url(db, id, gen, out, e) < 0 ? -1 : 1;
}

/* "<id>_<mac>.ics": the id (no leading zero, at most 18 digits) and the mac
 * bytes.  0, or -1 when malformed. */
static int parse_secret(const char *s, long long *id, unsigned char mac[MAC_LEN])
{
    const char *p = s, *end;
    long long v = 0;
    int digits = 0;
    size_t binlen = 0;

    if (*p == '0')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 18)
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (digits == 0 || *p != '_')
        return -1;
    p++;
    if (strlen(p) != CALSECRET_MAC_CHARS + 4 || strcmp(p + CALSECRET_MAC_CHARS, ".ics") != 0)
        return -1;
    /* sodium_base642bin refuses characters outside base64url, and "unused"
     * bits that are not zero: one spelling per mac. */
    if (sodium_base642bin(mac, MAC_LEN, p, CALSECRET_MAC_CHARS, NULL, &binlen, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        binlen != MAC_LEN || end != p + CALSECRET_MAC_CHARS)
        return -1;
    *id = v;
    return 0;
}

int calsecret_resolve(struct db *db, const char *secret, long long *id, struct err *e)
{
    unsigned char given[MAC_LEN], want[MAC_LEN], k[KEY_LEN];
    long long rid = 0, gen = 0;
    int live = 0, found, same;

    if (parse_secret(secret, &rid, given) < 0)
        return 0;
    found = read_gen(db, rid, &gen, &live);
    if (found < 0)
        return db_fail(db, e);
    if (load_key(db, k, e) < 0)
        return -1;
    /* The mac is computed and compared whether the row exists or not. */
    make_mac(k, rid, gen, want);
    sodium_memzero(k, sizeof k);
    same = sodium_memcmp(given, want, MAC_LEN) == 0;
    if (!(same && found == 1 && live))
        return 0;
    *id = rid;
    return 1;
}

int calsecret_rotate(struct db *db, long long id, long long now, const char *actor,
                     char out[CALSECRET_URL_MAX], struct err *e)
{
    sqlite3_stmt *st;
    long long gen = 0;
    int live = 0;

    switch (read_gen(db, id, &gen, &live)) {
    case 1:
        break;
    case 0:
        return err_set(e, ERR_NOT_FOUND, NULL, "no registration %lld", id);
    default:
        return db_fail(db, e);
    }
    if (!live)
        return err_set(e, ERR_ALREADY_CANCELLED, NULL,
                       "registration %lld is cancelled: it has no calendar", id);
    st = db_stmt(db, "UPDATE registrations SET calendar_gen = calendar_gen + 1 WHERE id = ?");
    if (st == NULL)
        return db_fail(db, e);
    sqlite3_bind_int64(st, 1, id);
    if (db_step_done(st) < 0)
        return db_fail(db, e);
    if (calsecret_url(db, id, gen + 1, out, e) < 0)
        return -1;
    return audit_record(db, now, actor, "registration.calendar_secret", "registration", id,
                        NULL, e);
}
