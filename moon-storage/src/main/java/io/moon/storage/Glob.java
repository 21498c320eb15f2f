package io.moon.storage;

import java.nio.charset.StandardCharsets;

/**
 * Redis's glob matching (stringmatchlen), used by KEYS, SCAN MATCH and CONFIG GET:
 * {@code *} any run, {@code ?} one byte, {@code [abc]} / {@code [^abc]} / {@code [a-z]} classes
 * (reversed ranges allowed, {@code \} escapes inside), {@code \x} a literal x. An unterminated
 * class ends at the end of the pattern. Bytes compare as C's signed chars do in ranges, and
 * "nocase" folds only ASCII letters, as in the C locale.
 *
 * <p>Redis recurses once per '*'; this is the same algorithm unrolled into a loop, so a pattern
 * with many stars cannot overflow a shard thread's stack (a recursive port overflowed a Java
 * stack at about 10 000 stars). Redis bounds the recursion too since CVE-2024-31228 (in 7.0.15 as
 * shipped by Debian, and upstream): a match that has to go past {@link #MAX_STARS} stars fails,
 * and so it does here. Only the latest star is ever retried, which is exactly what
 * Redis's skipLongerMatches does: once the rest of the pattern failed after a star at every
 * position, moving an earlier star cannot help. So a match takes at most about (pattern length
 * x string length) steps, and "a*a*a*a*b" against a long run of a's is not exponential.
 *
 * <p>Quirks kept on purpose, because KEYS/SCAN answers must match Redis: an empty string
 * matches only the empty pattern (so "*" does not match "", which is why KEYS special-cases
 * "*", see {@link #isMatchAll}); "\x" inside a class compares case-sensitively even with nocase.
 */
public final class Glob {
    /**
     * Star groups a match may go past (Redis's "nesting > 1000" guard: each star that is not the
     * last byte of the pattern is one level). A final star still matches the rest.
     */
    static final int MAX_STARS = 1000;

    private Glob() {
    }

    public static boolean matches(final byte[] pat, final int po, final int pl, final byte[] str, final int so,
                                  final int sl, final boolean nocase) {
        if (sl == 0) {
            return pl == 0; // Redis's loop never starts: stars do not match the empty string
        }
        final int pEnd = po + pl;
        final int sEnd = so + sl;
        int p = po;
        int s = so;
        // Where the pattern resumes after the latest star, and the string position it was tried at.
        int starP = -1;
        int starS = -1;
        int stars = 0;
        while (true) {
            // invariant: s < sEnd
            if (p < pEnd && pat[p] == '*') {
                while (p + 1 < pEnd && pat[p + 1] == '*') {
                    p++;
                }
                if (p + 1 == pEnd) {
                    return true; // a final star takes the rest
                }
                if (++stars > MAX_STARS) {
                    return false; // Redis gives up at this depth, whatever the string
                }
                starP = p + 1;
                starS = s;
                p = starP;
                continue;
            }
            if (p < pEnd) {
                final int next = matchOne(pat, p, pEnd, str[s], nocase);
                if (next >= 0) {
                    p = next;
                    s++;
                    if (s < sEnd) {
                        continue;
                    }
                    // string used up: only trailing stars may remain
                    while (p < pEnd && pat[p] == '*') {
                        p++;
                    }
                    if (p == pEnd) {
                        return true;
                    }
                }
            }
            // Mismatch: let the latest star take one more byte. Like Redis, the rest of the
            // pattern is only ever tried against a non-empty rest of the string.
            if (starP < 0 || starS + 1 >= sEnd) {
                return false;
            }
            starS++;
            s = starS;
            p = starP;
        }
    }

    /** Convenience for Strings (CONFIG GET); allocates. */
    public static boolean matches(final String pattern, final String s, final boolean nocase) {
        final byte[] p = pattern.getBytes(StandardCharsets.UTF_8);
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return matches(p, 0, p.length, b, 0, b.length, nocase);
    }

    /** True when the pattern is "*" (matches everything: callers skip matching). */
    public static boolean isMatchAll(final byte[] p, final int po, final int pl) {
        return pl == 1 && p[po] == '*';
    }

    private static int lower(final int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /**
     * Matches the one non-star token at pat[p] ('?', a class, an escape or a literal) against
     * byte c. Returns the index after the token, or -1 when c does not match. Where a token ends
     * never depends on c: a class is always read to its end.
     */
    private static int matchOne(final byte[] pat, int p, final int pEnd, final byte c, final boolean nocase) {
        switch (pat[p]) {
            case '?' -> {
                return p + 1;
            }
            case '[' -> {
                p++;
                final boolean not = p < pEnd && pat[p] == '^';
                if (not) {
                    p++;
                }
                boolean matched = false;
                while (true) {
                    final int left = pEnd - p;
                    if (left >= 2 && pat[p] == '\\') {
                        p++;
                        if (pat[p] == c) {
                            matched = true;
                        }
                    } else if (left > 0 && pat[p] == ']') {
                        break;
                    } else if (left <= 0) {
                        // unterminated: the class is the rest of the pattern
                        p--;
                        break;
                    } else if (left >= 3 && pat[p + 1] == '-') {
                        // bytes compare as C's signed chars, so [a-\xff] is [\xff-a]
                        int start = pat[p];
                        int end = pat[p + 2];
                        int ch = c;
                        if (start > end) {
                            final int t = start;
                            start = end;
                            end = t;
                        }
                        if (nocase) {
                            start = lower(start);
                            end = lower(end);
                            ch = lower(ch);
                        }
                        p += 2;
                        if (ch >= start && ch <= end) {
                            matched = true;
                        }
                    } else if (nocase ? lower(pat[p]) == lower(c) : pat[p] == c) {
                        matched = true;
                    }
                    p++;
                }
                return matched != not ? p + 1 : -1;
            }
            case '\\' -> {
                if (pEnd - p >= 2) {
                    p++; // a trailing backslash is a literal backslash
                }
                return literal(pat[p], c, nocase) ? p + 1 : -1;
            }
            default -> {
                return literal(pat[p], c, nocase) ? p + 1 : -1;
            }
        }
    }

    private static boolean literal(final byte p, final byte c, final boolean nocase) {
        return nocase ? lower(p) == lower(c) : p == c;
    }
}
