/*
 * Oracle for Moon's number parsing and printing: runs glibc's strtold / strtod / printf on
 * x86-64 with the exact acceptance and formatting logic of Redis 7.0 (util.c string2ld,
 * string2d, ld2string LD_STR_HUMAN; t_string.c incrbyfloatCommand).
 *
 * Reads tab-separated lines on stdin, writes vector lines on stdout. Strings are escaped: bytes
 * 0x21..0x7e other than '\' stand for themselves, every other byte is \xHH. Empty string = empty
 * field. Modes (argv[1]):
 *   strtold  in: S            out: S  1 SEXP MANT HUMAN    or  S  0
 *   incr     in: A B          out: A  B  okA okB  [naninf | SEXP MANT HUMAN]
 *   strtod   in: S            out: S  1 BITS64             or  S  0
 *   g        in: BITS64 PREC  out: BITS64 PREC printf("%.*g")
 * SEXP is the 16-bit sign+exponent word of the x87 80-bit format and MANT its 64-bit
 * significand (explicit integer bit), both in hex.
 *
 * Build: gcc -O0 -o numerics_oracle numerics_oracle.c -lm   (x86-64 glibc only)
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LONG_DOUBLE_CHARS 5*1024

/* Redis 7.0 util.c string2ld, verbatim apart from formatting. */
static int string2ld(const char *s, size_t slen, long double *dp) {
    char buf[MAX_LONG_DOUBLE_CHARS];
    long double value;
    char *eptr;

    if (slen == 0 || slen >= sizeof(buf)) return 0;
    memcpy(buf, s, slen);
    buf[slen] = '\0';

    errno = 0;
    value = strtold(buf, &eptr);
    if (isspace(buf[0]) || eptr[0] != '\0' ||
        (size_t)(eptr - buf) != slen ||
        (errno == ERANGE &&
            (value == HUGE_VAL || value == -HUGE_VAL || value == 0)) ||
        errno == EINVAL ||
        isnan(value))
        return 0;

    if (dp) *dp = value;
    return 1;
}

/* Redis 7.0 util.c string2d; s must be NUL-terminated (an sds is). */
static int string2d(const char *s, size_t slen, double *dp) {
    errno = 0;
    char *eptr;
    *dp = strtod(s, &eptr);
    if (slen == 0 ||
        isspace(((const char *)s)[0]) ||
        (size_t)(eptr - (char *)s) != slen ||
        (errno == ERANGE &&
            (*dp == HUGE_VAL || *dp == -HUGE_VAL || *dp == 0)) ||
        isnan(*dp))
        return 0;
    return 1;
}

/* Redis 7.0 util.c ld2string, LD_STR_HUMAN branch. */
static int ld2string_human(char *buf, size_t len, long double value) {
    size_t l = 0;

    if (isinf(value)) {
        if (len < 5) return 0;
        if (value > 0) {
            memcpy(buf, "inf", 3);
            l = 3;
        } else {
            memcpy(buf, "-inf", 4);
            l = 4;
        }
    } else {
        l = snprintf(buf, len, "%.17Lf", value);
        if (l + 1 > len) return 0;
        if (strchr(buf, '.') != NULL) {
            char *p = buf + l - 1;
            while (*p == '0') {
                p--;
                l--;
            }
            if (*p == '.') l--;
        }
        if (l == 2 && buf[0] == '-' && buf[1] == '0') {
            buf[0] = '0';
            l = 1;
        }
    }
    buf[l] = '\0';
    return l;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Unescapes field [f, f+n) into out (NUL-terminated); returns the byte count. */
static size_t unescape(const char *f, size_t n, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (f[i] == '\\' && i + 3 < n + 0 + 1 && f[i + 1] == 'x') {
            out[o++] = (char)(hexval(f[i + 2]) * 16 + hexval(f[i + 3]));
            i += 3;
        } else {
            out[o++] = f[i];
        }
    }
    out[o] = '\0';
    return o;
}

static void put_bits80(long double v) {
    unsigned char raw[16];
    uint64_t mant;
    uint16_t sexp;
    memset(raw, 0, sizeof raw);
    memcpy(raw, &v, 10);
    memcpy(&mant, raw, 8);
    memcpy(&sexp, raw + 8, 2);
    printf("%04x\t%016llx", sexp, (unsigned long long)mant);
}

static char human[MAX_LONG_DOUBLE_CHARS];

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s strtold|incr|strtod|g < input\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    char *a = malloc(1 << 16), *b = malloc(1 << 16);
    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n') line[--n] = '\0';
        char *tab = memchr(line, '\t', n);
        if (strcmp(mode, "strtold") == 0) {
            size_t la = unescape(line, n, a);
            long double v;
            if (string2ld(a, la, &v)) {
                printf("%s\t1\t", line);
                put_bits80(v);
                ld2string_human(human, sizeof human, v);
                printf("\t%s\n", human);
            } else {
                printf("%s\t0\n", line);
            }
        } else if (strcmp(mode, "incr") == 0) {
            size_t la = unescape(line, tab - line, a);
            size_t lb = unescape(tab + 1, n - (tab + 1 - line), b);
            long double va = 0, vb = 0;
            int oka = string2ld(a, la, &va);
            int okb = string2ld(b, lb, &vb);
            printf("%s\t%d\t%d", line, oka, okb);
            if (oka && okb) {
                long double value = va;
                value += vb;
                if (isnan(value) || isinf(value)) {
                    printf("\tnaninf");
                } else {
                    printf("\t");
                    put_bits80(value);
                    ld2string_human(human, sizeof human, value);
                    printf("\t%s", human);
                }
            }
            printf("\n");
        } else if (strcmp(mode, "strtod") == 0) {
            size_t la = unescape(line, n, a);
            double d;
            if (string2d(a, la, &d)) {
                uint64_t bits;
                memcpy(&bits, &d, 8);
                printf("%s\t1\t%016llx\n", line, (unsigned long long)bits);
            } else {
                printf("%s\t0\n", line);
            }
        } else if (strcmp(mode, "g") == 0) {
            uint64_t bits = strtoull(line, NULL, 16);
            int prec = atoi(tab + 1);
            double d;
            memcpy(&d, &bits, 8);
            printf("%s\t%.*g\n", line, prec, d);
        } else {
            fprintf(stderr, "unknown mode %s\n", mode);
            return 2;
        }
    }
    free(line);
    free(a);
    free(b);
    return 0;
}
