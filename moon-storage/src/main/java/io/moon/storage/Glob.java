package io.moon.storage;

import java.nio.charset.StandardCharsets;

/**
 * Redis's glob matching (stringmatchlen), used by KEYS, SCAN MATCH and CONFIG GET:
 * {@code *} any run, {@code ?} one byte, {@code [abc]} / {@code [^abc]} / {@code [a-z]} classes
 * (reversed ranges allowed, {@code \} escapes inside), {@code \x} a literal x. An unterminated
 * class ends at the end of the pattern. Bytes compare as C's signed chars do in ranges, and
 * "nocase" folds only ASCII letters, as in the C locale.
 *
 * <p>A star that failed to match the rest at every position makes the whole match fail at once
 * (Redis's skipLongerMatches), so patterns like "a*a*a*a*b" cannot take exponential time.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(final byte[] p, final int po, final int pl, final byte[] s, final int so,
                                  final int sl, final boolean nocase) {
        final boolean[] skipLonger = new boolean[1];
        return match(p, po, pl, s, so, sl, nocase, skipLonger);
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

    private static boolean match(final byte[] pat, int p, int pl, final byte[] str, int s, int sl,
                                 final boolean nocase, final boolean[] skipLonger) {
        while (pl > 0 && sl > 0) {
            switch (pat[p]) {
                case '*' -> {
                    while (pl > 1 && pat[p + 1] == '*') {
                        p++;
                        pl--;
                    }
                    if (pl == 1) {
                        return true;
                    }
                    while (sl > 0) {
                        if (match(pat, p + 1, pl - 1, str, s, sl, nocase, skipLonger)) {
                            return true;
                        }
                        if (skipLonger[0]) {
                            return false;
                        }
                        s++;
                        sl--;
                    }
                    skipLonger[0] = true;
                    return false;
                }
                case '?' -> {
                    s++;
                    sl--;
                }
                case '[' -> {
                    p++;
                    pl--;
                    final boolean not = pl > 0 && pat[p] == '^';
                    if (not) {
                        p++;
                        pl--;
                    }
                    boolean matched = false;
                    while (true) {
                        if (pl >= 2 && pat[p] == '\\') {
                            p++;
                            pl--;
                            if (pat[p] == str[s]) {
                                matched = true;
                            }
                        } else if (pl > 0 && pat[p] == ']') {
                            break;
                        } else if (pl <= 0) {
                            p--;
                            pl++;
                            break;
                        } else if (pl >= 3 && pat[p + 1] == '-') {
                            int start = pat[p];
                            int end = pat[p + 2];
                            int c = str[s];
                            if (start > end) {
                                final int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                c = lower(c);
                            }
                            p += 2;
                            pl -= 2;
                            if (c >= start && c <= end) {
                                matched = true;
                            }
                        } else if (nocase ? lower(pat[p]) == lower(str[s]) : pat[p] == str[s]) {
                            matched = true;
                        }
                        p++;
                        pl--;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    s++;
                    sl--;
                }
                case '\\' -> {
                    if (pl >= 2) {
                        p++;
                        pl--;
                    }
                    if (nocase ? lower(pat[p]) != lower(str[s]) : pat[p] != str[s]) {
                        return false;
                    }
                    s++;
                    sl--;
                }
                default -> {
                    if (nocase ? lower(pat[p]) != lower(str[s]) : pat[p] != str[s]) {
                        return false;
                    }
                    s++;
                    sl--;
                }
            }
            p++;
            pl--;
            if (sl == 0) {
                while (pl > 0 && pat[p] == '*') {
                    p++;
                    pl--;
                }
                break;
            }
        }
        return pl == 0 && sl == 0;
    }
}
