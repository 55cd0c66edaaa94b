/* textfold.c - NFKC case folding with ICU; see textfold.h. */
#include "textfold.h"

#include <stdlib.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

int text_fold(const char *utf8, char *out, size_t outsz)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&st);
    UChar *src = NULL, *dst = NULL;
    int32_t srclen = 0, dstlen, cap;
    size_t o = 0;
    int rc = -1, space = 0;

    if (U_FAILURE(st) || outsz == 0)
        goto out;
    u_strFromUTF8(NULL, 0, &srclen, utf8, -1, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        goto out;
    st = U_ZERO_ERROR;
    src = malloc(((size_t)srclen + 1) * sizeof *src);
    cap = srclen * 3 + 16;
    dst = malloc((size_t)cap * sizeof *dst);
    if (src == NULL || dst == NULL)
        goto out;
    u_strFromUTF8(src, srclen + 1, NULL, utf8, -1, &st);
    dstlen = unorm2_normalize(nf, src, srclen, dst, cap, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        /* Some characters fold into many (U+FDFA into 18): ask for more. */
        UChar *bigger = realloc(dst, ((size_t)dstlen + 1) * sizeof *dst);
        if (bigger == NULL)
            goto out;
        dst = bigger;
        cap = dstlen + 1;
        st = U_ZERO_ERROR;
        dstlen = unorm2_normalize(nf, src, srclen, dst, cap, &st);
    }
    if (U_FAILURE(st))
        goto out;
    /* Back to UTF-8, trimming and collapsing white space on the way. */
    for (int32_t i = 0; i < dstlen; i++) {
        UChar32 c = dst[i];
        char tmp[4];
        int32_t n = 0;

        if (U16_IS_LEAD(c) && i + 1 < dstlen && U16_IS_TRAIL(dst[i + 1]))
            c = U16_GET_SUPPLEMENTARY(c, dst[++i]);
        if (u_isUWhiteSpace(c)) {
            space = o > 0;
            continue;
        }
        if (space) {
            if (o + 1 >= outsz)
                goto out;
            out[o++] = ' ';
            space = 0;
        }
        U8_APPEND_UNSAFE(tmp, n, c);
        if (o + (size_t)n >= outsz)
            goto out;
        for (int32_t k = 0; k < n; k++)
            out[o++] = tmp[k];
    }
    out[o] = '\0';
    rc = 0;
out:
    free(dst);
    free(src);
    if (rc < 0 && outsz > 0)
        out[0] = '\0';
    return rc;
}
