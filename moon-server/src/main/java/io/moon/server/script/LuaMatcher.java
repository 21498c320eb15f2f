package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.util.Arrays;

/**
 * Lua 5.1's matcher over one subject and one pattern (see {@link LuaPatterns} for the rules it
 * keeps), with the captures of the match in progress. Positions are indexes into the subject's
 * byte array; the pattern is read through {@link #pc}, which answers 0 at its end, as C reads a
 * pattern up to its NUL.
 */
final class LuaMatcher {
    static final int NO_MATCH = -1;
    private static final int MAX_CAPTURES = 32;
    /** Lua 5.1 recurses on the C stack without a limit; this keeps a giant pattern off the end of the thread's stack. */
    private static final int MAX_DEPTH = 20_000;
    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;

    final LuaString subject;
    final byte[] src;
    final int srcInit;
    final int srcEnd;
    private final byte[] pat;
    private final int patOff;
    private final int patEnd;
    int level;
    private final int[] capInit = new int[MAX_CAPTURES];
    private final int[] capLen = new int[MAX_CAPTURES];
    private int depth;
    /** Told of every step, so SCRIPT KILL and the busy threshold reach a match that backtracks without end. */
    private final Runnable step;

    LuaMatcher(final LuaString s, final LuaString p, final Runnable step) {
        this.step = step;
        this.subject = s;
        this.src = s.m_bytes;
        this.srcInit = s.m_offset;
        this.srcEnd = s.m_offset + s.m_length;
        this.pat = p.m_bytes;
        this.patOff = p.m_offset;
        int end = 0;
        while (end < p.m_length && pat[patOff + end] != 0) { // a C string ends at its first NUL
            end++;
        }
        this.patEnd = end;
    }

    /** The pattern's byte at i, or 0 at and past its end. */
    int pc(final int i) {
        return i < patEnd ? pat[patOff + i] & 0xff : 0;
    }

    /** The subject's byte at s, or 0 at its end (C's terminator). */
    private int sc(final int s) {
        return s < srcEnd ? src[s] & 0xff : 0;
    }

    /** Where a match of the pattern from p, with the subject from s, ends; or NO_MATCH. */
    int match(final int s, final int p) {
        step.run();
        if (++depth > MAX_DEPTH) {
            depth--;
            throw new LuaError("pattern too complex");
        }
        try {
            return doMatch(s, p);
        } finally {
            depth--;
        }
    }

    private int doMatch(int s, int p) {
        while (true) {
            final int c = pc(p);
            if (c == 0) {
                return s; // end of pattern
            }
            if (c == '(') {
                return pc(p + 1) == ')' ? startCapture(s, p + 2, CAP_POSITION) : startCapture(s, p + 1, CAP_UNFINISHED);
            }
            if (c == ')') {
                return endCapture(s, p + 1);
            }
            if (c == '$' && pc(p + 1) == 0) {
                return s == srcEnd ? s : NO_MATCH;
            }
            if (c == '%') {
                final int e = pc(p + 1);
                if (e == 'b') {
                    s = matchBalance(s, p + 2);
                    if (s == NO_MATCH) {
                        return NO_MATCH;
                    }
                    p += 4;
                    continue;
                }
                if (e == 'f') {
                    p += 2;
                    if (pc(p) != '[') {
                        throw new LuaError("missing '[' after '%f' in pattern");
                    }
                    final int ep = classEnd(p);
                    final int previous = s == srcInit ? 0 : src[s - 1] & 0xff;
                    if (matchBracketClass(previous, p, ep - 1) || !matchBracketClass(sc(s), p, ep - 1)) {
                        return NO_MATCH;
                    }
                    p = ep;
                    continue;
                }
                if (isDigit(e)) {
                    s = matchCapture(s, e);
                    if (s == NO_MATCH) {
                        return NO_MATCH;
                    }
                    p += 2;
                    continue;
                }
            }
            // a single-character class, maybe followed by a quantifier
            final int ep = classEnd(p);
            final boolean m = s < srcEnd && singleMatch(src[s] & 0xff, p, ep);
            switch (pc(ep)) {
                case '?' -> {
                    if (m) {
                        final int r = match(s + 1, ep + 1);
                        if (r != NO_MATCH) {
                            return r;
                        }
                    }
                    p = ep + 1;
                }
                case '*' -> {
                    return maxExpand(s, p, ep);
                }
                case '+' -> {
                    return m ? maxExpand(s + 1, p, ep) : NO_MATCH;
                }
                case '-' -> {
                    return minExpand(s, p, ep);
                }
                default -> {
                    if (!m) {
                        return NO_MATCH;
                    }
                    s++;
                    p = ep;
                }
            }
        }
    }

    private int maxExpand(final int s, final int p, final int ep) {
        int i = 0;
        while (s + i < srcEnd && singleMatch(src[s + i] & 0xff, p, ep)) {
            i++;
        }
        for (; i >= 0; i--) { // the longest run first, then shorter ones
            final int r = match(s + i, ep + 1);
            if (r != NO_MATCH) {
                return r;
            }
        }
        return NO_MATCH;
    }

    private int minExpand(int s, final int p, final int ep) {
        while (true) {
            final int r = match(s, ep + 1);
            if (r != NO_MATCH) {
                return r;
            }
            if (s < srcEnd && singleMatch(src[s] & 0xff, p, ep)) {
                s++;
            } else {
                return NO_MATCH;
            }
        }
    }

    private int startCapture(final int s, final int p, final int what) {
        if (level >= MAX_CAPTURES) {
            throw new LuaError("too many captures");
        }
        capInit[level] = s;
        capLen[level] = what;
        level++;
        final int r = match(s, p);
        if (r == NO_MATCH) {
            level--;
        }
        return r;
    }

    private int endCapture(final int s, final int p) {
        final int l = captureToClose();
        capLen[l] = s - capInit[l];
        final int r = match(s, p);
        if (r == NO_MATCH) {
            capLen[l] = CAP_UNFINISHED;
        }
        return r;
    }

    private int captureToClose() {
        for (int l = level - 1; l >= 0; l--) {
            if (capLen[l] == CAP_UNFINISHED) {
                return l;
            }
        }
        throw new LuaError("invalid pattern capture");
    }

    private int matchBalance(final int s, final int p) {
        final int b = pc(p);
        if (b == 0 || pc(p + 1) == 0) {
            throw new LuaError("unbalanced pattern");
        }
        if (sc(s) != b) {
            return NO_MATCH;
        }
        final int e = pc(p + 1);
        int open = 1;
        for (int i = s + 1; i < srcEnd; i++) {
            final int c = src[i] & 0xff;
            if (c == e) {
                if (--open == 0) {
                    return i + 1;
                }
            } else if (c == b) {
                open++;
            }
        }
        return NO_MATCH;
    }

    /** %1-%9 in a pattern: the same bytes as that (closed) capture. */
    private int matchCapture(final int s, final int digit) {
        final int l = checkCapture(digit - '1');
        final int len = capLen[l];
        if (len == CAP_POSITION || srcEnd - s < len) {
            return NO_MATCH; // a position capture is no text (Lua 5.1 compares it as a huge length)
        }
        return Arrays.equals(src, capInit[l], capInit[l] + len, src, s, s + len) ? s + len : NO_MATCH;
    }

    private int checkCapture(final int l) {
        if (l < 0 || l >= level || capLen[l] == CAP_UNFINISHED) {
            throw new LuaError("invalid capture index");
        }
        return l;
    }

    /** The end of the single-character class at p: after '.', 'x', '%x' or '[set]'. */
    private int classEnd(int p) {
        final int c = pc(p++);
        if (c == '%') {
            if (pc(p) == 0) {
                throw new LuaError("malformed pattern (ends with '%')");
            }
            return p + 1;
        }
        if (c == '[') {
            if (pc(p) == '^') {
                p++;
            }
            do { // the set's first character is in it, even a ']'
                if (pc(p) == 0) {
                    throw new LuaError("malformed pattern (missing ']')");
                }
                if (pc(p++) == '%' && pc(p) != 0) {
                    p++; // an escaped character, e.g. %]
                }
            } while (pc(p) != ']');
            return p + 1;
        }
        return p;
    }

    private boolean singleMatch(final int c, final int p, final int ep) {
        return switch (pc(p)) {
            case '.' -> true;
            case '%' -> matchClass(c, pc(p + 1));
            case '[' -> matchBracketClass(c, p, ep - 1);
            default -> pc(p) == c;
        };
    }

    /** Whether c is in the set from '[' at p to its ']' at ec. */
    private boolean matchBracketClass(final int c, int p, final int ec) {
        boolean in = true;
        if (pc(p + 1) == '^') {
            in = false;
            p++;
        }
        while (++p < ec) {
            if (pc(p) == '%') {
                p++;
                if (matchClass(c, pc(p))) {
                    return in;
                }
            } else if (pc(p + 1) == '-' && p + 2 < ec) {
                p += 2;
                if (pc(p - 2) <= c && c <= pc(p)) {
                    return in;
                }
            } else if (pc(p) == c) {
                return in;
            }
        }
        return !in;
    }

    /** Capture i of the match from s to e (the whole match when the pattern has none). */
    LuaValue capture(final int i, final int s, final int e) {
        if (i >= level) {
            if (i != 0) {
                throw new LuaError("invalid capture index");
            }
            return subject.substring(s - srcInit, e - srcInit);
        }
        final int l = capLen[i];
        if (l == CAP_UNFINISHED) {
            throw new LuaError("unfinished capture");
        }
        if (l == CAP_POSITION) {
            return LuaValue.valueOf(capInit[i] - srcInit + 1);
        }
        return subject.substring(capInit[i] - srcInit, capInit[i] - srcInit + l);
    }

    /** Every capture, or the whole match when there is none and {@code whole}. */
    Varargs captures(final int s, final int e, final boolean whole) {
        final int n = level == 0 && whole ? 1 : level;
        if (n == 1) {
            return capture(0, s, e);
        }
        final LuaValue[] v = new LuaValue[n];
        for (int i = 0; i < n; i++) {
            v[i] = capture(i, s, e);
        }
        return LuaValue.varargsOf(v);
    }

    /** C's ctype classes in the "C" locale, as Lua 5.1's %a, %d... read them; %z is NUL; others stand for themselves. */
    private static boolean matchClass(final int c, final int cl) {
        final boolean res;
        switch (cl | 0x20) {
            case 'a' -> res = isAlpha(c);
            case 'c' -> res = c < 32 || c == 127;
            case 'd' -> res = isDigit(c);
            case 'l' -> res = c >= 'a' && c <= 'z';
            case 'p' -> res = c > 32 && c < 127 && !isAlpha(c) && !isDigit(c);
            case 's' -> res = c == ' ' || c >= '\t' && c <= '\r';
            case 'u' -> res = c >= 'A' && c <= 'Z';
            case 'w' -> res = isAlpha(c) || isDigit(c);
            case 'x' -> res = isDigit(c) || (c | 0x20) >= 'a' && (c | 0x20) <= 'f';
            case 'z' -> res = c == 0;
            default -> {
                return cl == c;
            }
        }
        return cl >= 'A' && cl <= 'Z' ? !res : res;
    }

    private static boolean isAlpha(final int c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }

    private static boolean isDigit(final int c) {
        return c >= '0' && c <= '9';
    }
}
