package io.moon.storage;

/**
 * A line-by-line transcription of Redis's recursive stringmatchlen_impl (util.c, with the
 * CVE-2024-31228 nesting guard), kept as a second reference for {@link Glob}: Redis's KEYS can
 * only check case-sensitive matching, this checks nocase too. Reads past the end of the pattern
 * return 0, like the NUL that ends an sds string in C. Test use only (it recurses).
 */
final class StringMatchLen {
    private StringMatchLen() {
    }

    static boolean matches(final byte[] pattern, final byte[] string, final boolean nocase) {
        final boolean[] skipLongerMatches = new boolean[1];
        return impl(pattern, 0, pattern.length, string, 0, string.length, nocase, skipLongerMatches, 0);
    }

    private static int at(final byte[] b, final int i) {
        return i < b.length ? b[i] : 0;
    }

    private static int tolower(final int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean impl(final byte[] pat, int p, int patternLen, final byte[] str, int s, int stringLen,
                                final boolean nocase, final boolean[] skipLongerMatches, final int nesting) {
        if (nesting > 1000) {
            return false;
        }
        while (patternLen > 0 && stringLen > 0) {
            switch (at(pat, p)) {
                case '*' -> {
                    while (patternLen > 0 && at(pat, p + 1) == '*') {
                        p++;
                        patternLen--;
                    }
                    if (patternLen == 1) {
                        return true;
                    }
                    while (stringLen > 0) {
                        if (impl(pat, p + 1, patternLen - 1, str, s, stringLen, nocase, skipLongerMatches, nesting + 1)) {
                            return true;
                        }
                        if (skipLongerMatches[0]) {
                            return false;
                        }
                        s++;
                        stringLen--;
                    }
                    skipLongerMatches[0] = true;
                    return false;
                }
                case '?' -> {
                    s++;
                    stringLen--;
                }
                case '[' -> {
                    p++;
                    patternLen--;
                    final boolean not = at(pat, p) == '^';
                    if (not) {
                        p++;
                        patternLen--;
                    }
                    boolean match = false;
                    while (true) {
                        if (at(pat, p) == '\\' && patternLen >= 2) {
                            p++;
                            patternLen--;
                            if (at(pat, p) == str[s]) {
                                match = true;
                            }
                        } else if (at(pat, p) == ']') {
                            break;
                        } else if (patternLen == 0) {
                            p--;
                            patternLen++;
                            break;
                        } else if (patternLen >= 3 && at(pat, p + 1) == '-') {
                            int start = at(pat, p);
                            int end = at(pat, p + 2);
                            int c = str[s];
                            if (start > end) {
                                final int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = tolower(start);
                                end = tolower(end);
                                c = tolower(c);
                            }
                            p += 2;
                            patternLen -= 2;
                            if (c >= start && c <= end) {
                                match = true;
                            }
                        } else if (!nocase) {
                            if (at(pat, p) == str[s]) {
                                match = true;
                            }
                        } else if (tolower(at(pat, p)) == tolower(str[s])) {
                            match = true;
                        }
                        p++;
                        patternLen--;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    s++;
                    stringLen--;
                }
                default -> {
                    if (at(pat, p) == '\\' && patternLen >= 2) {
                        p++;
                        patternLen--;
                    }
                    if (!nocase) {
                        if (at(pat, p) != str[s]) {
                            return false;
                        }
                    } else if (tolower(at(pat, p)) != tolower(str[s])) {
                        return false;
                    }
                    s++;
                    stringLen--;
                }
            }
            p++;
            patternLen--;
            if (stringLen == 0) {
                while (at(pat, p) == '*') {
                    p++;
                    patternLen--;
                }
                break;
            }
        }
        return patternLen == 0 && stringLen == 0;
    }
}
