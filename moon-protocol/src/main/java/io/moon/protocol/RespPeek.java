package io.moon.protocol;

/**
 * A look ahead at pipelined requests, without parsing them: where the second argument (the first
 * key of most commands) of each whole multibulk command in a window of bytes lies.
 *
 * <p>It is a hint for warming caches ({@code net.PipelinePrefetch}), never the source of a
 * command: it stops, without an error, at anything that is not a plain, complete multibulk
 * command (an inline command, a header it does not like, the window's end), and {@link RespParser}
 * alone decides what the bytes mean. It reads only {@code b[0, len)} and ends in time linear in
 * the commands it reports.
 */
public final class RespPeek {
    /** Larger counts and lengths than a hint is worth following (the parser checks the real limits). */
    private static final int MAX_NUMBER = 1 << 30;

    private RespPeek() {
    }

    /**
     * Scans the whole commands at the start of {@code b[0, len)}, at most {@code max}, and for the
     * i-th stores the offset and length of its second argument in {@code offs[i]} and
     * {@code lens[i]} (-1 and -1 for a command of one argument). Returns how many commands it
     * covered: 0 when the window does not start with a whole multibulk command.
     */
    public static int secondArgs(final byte[] b, final int len, final int[] offs, final int[] lens, final int max) {
        int p = 0;
        int found = 0;
        while (found < max && p < len && b[p] == '*') {
            final long count = number(b, p + 1, len);
            final int argc = (int) count;
            if (count < 0 || argc == 0) {
                return found; // an empty command, a bad count or the window's end: leave it to the parser
            }
            p = (int) (count >>> 32);
            int keyOff = -1;
            int keyLen = -1;
            for (int i = 0; i < argc; i++) {
                if (p >= len || b[p] != '$') {
                    return found;
                }
                final long bulk = number(b, p + 1, len);
                if (bulk < 0) {
                    return found;
                }
                final int n = (int) bulk;
                p = (int) (bulk >>> 32);
                if (n > len - p - 2) {
                    return found; // the argument (and the two bytes after it) end beyond the window
                }
                if (i == 1) {
                    keyOff = p;
                    keyLen = n;
                }
                p += n + 2;
            }
            offs[found] = keyOff;
            lens[found] = keyLen;
            found++;
        }
        return found;
    }

    /**
     * The decimal number at {@code b[p]} ending in "\r\n" within the window, in the low 32 bits,
     * with where its line ends (after the "\r\n") in the high 32 bits; or -1 (no digits, another
     * byte, too large, or the window ends first).
     */
    private static long number(final byte[] b, int p, final int len) {
        final int start = p;
        int n = 0;
        while (p < len && b[p] >= '0' && b[p] <= '9') {
            n = n * 10 + (b[p] - '0');
            if (n >= MAX_NUMBER) {
                return -1;
            }
            p++;
        }
        if (p == start || p + 1 >= len || b[p] != '\r' || b[p + 1] != '\n') {
            return -1;
        }
        return (long) (p + 2) << 32 | n;
    }
}
