/* conf.c - the configuration file reader; see conf.h. */
#include "conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Parses one line (NUL-terminated, no newline) into key and value, which
 * point into it.  0 for a setting, 1 for a line to skip, -1 with err. */
static int parse_line(char *line, char **key, char **value, char *err, size_t errlen)
{
    char *s = line, *eq, *end;

    for (char *p = line; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f) {
            snprintf(err, errlen, "a control character");
            return -1;
        }
    while (is_blank(*s))
        s++;
    if (*s == '\0' || *s == '#')
        return 1;
    if ((eq = strchr(s, '=')) == NULL) {
        snprintf(err, errlen, "expected \"key = value\"");
        return -1;
    }
    end = eq;
    while (end > s && is_blank(end[-1]))
        end--;
    *end = '\0';
    if (*s == '\0' || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(s)) {
        snprintf(err, errlen, "a key is made of a-z, 0-9 and _");
        return -1;
    }
    *key = s;
    s = eq + 1;
    while (is_blank(*s))
        s++;
    end = s + strlen(s);
    while (end > s && is_blank(end[-1]))
        end--;
    *end = '\0';
    *value = s;
    return 0;
}

int conf_read(const char *path, conf_fn fn, void *arg, char *err, size_t errlen)
{
    char seen[CONF_KEYS_MAX][48], msg[256];
    int nseen = 0, lineno = 0, rc = -1;
    char *text = NULL, *line, *next;
    size_t len = 0;
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    text = malloc(CONF_FILE_MAX + 2);
    if (text == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    len = fread(text, 1, CONF_FILE_MAX + 1, f);
    if (ferror(f)) {
        snprintf(err, errlen, "%s: cannot read it", path);
        goto out;
    }
    if (len > CONF_FILE_MAX) {
        snprintf(err, errlen, "%s: larger than %d bytes", path, CONF_FILE_MAX);
        goto out;
    }
    text[len] = '\0';
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "%s: not a text file", path);
        goto out;
    }
    for (line = text; line && *line; line = next) {
        char *key, *value, *cr;
        int r;

        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if ((cr = strchr(line, '\r')) != NULL && cr[1] == '\0')
            *cr = '\0'; /* CRLF files */
        if (strlen(line) > CONF_LINE_MAX) {
            snprintf(err, errlen, "%s:%d: a line longer than %d bytes", path, lineno,
                     CONF_LINE_MAX);
            goto out;
        }
        r = parse_line(line, &key, &value, msg, sizeof msg);
        if (r == 1)
            continue;
        if (r == 0 && strlen(key) >= sizeof seen[0]) {
            snprintf(msg, sizeof msg, "key '%.40s...' is too long", key);
            r = -1;
        }
        for (int i = 0; r == 0 && i < nseen; i++)
            if (strcmp(seen[i], key) == 0) {
                snprintf(msg, sizeof msg, "'%s' is set twice", key);
                r = -1;
            }
        if (r == 0 && nseen == CONF_KEYS_MAX) {
            snprintf(msg, sizeof msg, "more than %d settings", CONF_KEYS_MAX);
            r = -1;
        }
        if (r == 0) {
            snprintf(seen[nseen++], sizeof seen[0], "%s", key);
            r = fn(key, value, arg, msg, sizeof msg);
        }
        if (r < 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
            goto out;
        }
    }
    rc = 0;
out:
    free(text);
    fclose(f);
    return rc;
}
