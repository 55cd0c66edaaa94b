/* gzip.c - gzip bodies with zlib, and reading Accept-Encoding; see gzip.h. */
#include "gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

char *gz_compress(const char *in, size_t len, size_t *outlen)
{
    z_stream z;
    char *out;
    uLong cap;

    memset(&z, 0, sizeof z);
    /* 15 window bits + 16: a gzip header and trailer instead of zlib's. */
    if (len > 0xffffffffu ||
        deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    cap = deflateBound(&z, (uLong)len);
    if ((out = malloc(cap)) == NULL) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)(uintptr_t)in; /* zlib does not write through it */
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    /* deflateBound is enough for one Z_FINISH call. */
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        free(out);
        return NULL;
    }
    *outlen = z.total_out;
    deflateEnd(&z);
    return out;
}

/* Is the q parameter of one coding (the text after its name, up to the
 * comma) zero? "q=0", "q=0.0", "q=0.000" are; anything else is not. */
static int q_zero(const char *p, const char *end)
{
    while (p < end) {
        while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
            p++;
        if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            p += 2;
            if (p >= end || *p != '0')
                return 0;
            for (p++; p < end && (*p == '.' || *p == '0'); p++)
                ;
            return p == end || *p == ' ' || *p == '\t' || *p == ';';
        }
        while (p < end && *p != ';')
            p++;
    }
    return 0;
}

int gz_accepted(const char *ae)
{
    int star = 0; /* "*" accepts what is not named */

    if (ae == NULL)
        return 0;
    while (*ae) {
        const char *end = strchr(ae, ','), *name, *name_end;
        size_t n;

        if (end == NULL)
            end = ae + strlen(ae);
        for (name = ae; name < end && (*name == ' ' || *name == '\t'); name++)
            ;
        for (name_end = name; name_end < end && *name_end != ';' && *name_end != ' ' &&
                              *name_end != '\t'; name_end++)
            ;
        n = (size_t)(name_end - name);
        if ((n == 4 && strncasecmp(name, "gzip", 4) == 0) ||
            (n == 6 && strncasecmp(name, "x-gzip", 6) == 0))
            return !q_zero(name_end, end); /* named: its q decides */
        if (n == 1 && *name == '*')
            star = !q_zero(name_end, end);
        ae = *end ? end + 1 : end;
    }
    return star;
}
