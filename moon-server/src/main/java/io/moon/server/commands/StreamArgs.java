package io.moon.server.commands;

import io.moon.protocol.Request;

import static io.moon.protocol.Reply.err;

/**
 * Parsing of stream command arguments as Redis parses them: IDs ({@code ms-seq}, {@code ms}, the
 * {@code -} and {@code +} bounds, XADD's {@code ms-*}; each part an unsigned 64-bit number read
 * like C's strtoull when it is not a plain integer), and XADD's and XTRIM's trim options. The
 * parsed values are left in the fields; a failed parse leaves the error to reply in
 * {@link #error}. One instance per command run; not thread-safe.
 */
public final class StreamArgs {
    static final byte[] INVALID_ID = err("ERR Invalid stream ID specified as stream command argument");
    private static final byte[] BOTH_STRATEGIES =
            err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
    private static final byte[] MAXLEN_NEGATIVE = err("ERR The MAXLEN argument must be >= 0.");
    private static final byte[] LIMIT_NEGATIVE = err("ERR The LIMIT argument must be >= 0.");
    private static final byte[] LIMIT_NO_STRATEGY =
            err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    private static final byte[] XTRIM_NO_STRATEGY =
            err("ERR syntax error, XTRIM must be called with a trimming strategy");
    private static final byte[] LIMIT_NOT_APPROX =
            err("ERR syntax error, LIMIT cannot be used without the special ~ option");
    private static final byte[] MAXLEN = "MAXLEN".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MINID = "MINID".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] LIMIT = "LIMIT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] NOMKSTREAM = "NOMKSTREAM".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    public static final int TRIM_NONE = 0;
    public static final int TRIM_MAXLEN = 1;
    public static final int TRIM_MINID = 2;

    /** The last ID parsed. */
    public long ms;
    public long seq;
    /** False when the last ID parsed was XADD's {@code ms-*}. */
    public boolean seqGiven;

    public int trim;
    public boolean approx;
    public long maxLen;
    public long minMs;
    public long minSeq;
    public long limit;
    public boolean noMkStream;
    public boolean idGiven;
    public long idMs;
    public long idSeq;
    public boolean idSeqGiven;
    /** Argument index of the trim threshold (MAXLEN's count or MINID's ID). */
    public int trimArg;

    public byte[] error;

    /** Parses an unsigned 64-bit number as Redis's string2ull; the value in {@code out[0]}. */
    static boolean parseU64(final byte[] b, final int off, final int len, final long[] out) {
        if (len == 0) {
            return false;
        }
        // a plain integer first (string2ll), negatives refused
        final long v = canonicalLong(b, off, len);
        if (v != Long.MIN_VALUE) {
            if (v < 0) {
                return false;
            }
            out[0] = v;
            return true;
        }
        // then strtoull: leading spaces, an optional sign, digits to the end, at most 2^64-1
        int i = off;
        final int end = off + len;
        while (i < end && (b[i] == ' ' || b[i] >= '\t' && b[i] <= '\r')) {
            i++;
        }
        boolean negative = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (i == end) {
            return false;
        }
        long acc = 0;
        for (; i < end; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            // 2^64-1 is 1844674407370955161 * 10 + 5
            if (Long.compareUnsigned(acc, 1844674407370955161L) > 0 || acc == 1844674407370955161L && d > 5) {
                return false;
            }
            acc = acc * 10 + d;
        }
        out[0] = negative ? -acc : acc;
        return true;
    }

    /** string2ll: the value, or Long.MIN_VALUE when the bytes are not a canonical signed long. */
    private static long canonicalLong(final byte[] b, final int off, final int len) {
        if (len > 20) {
            return Long.MIN_VALUE;
        }
        int i = off;
        final int end = off + len;
        final boolean neg = b[i] == '-';
        if (neg) {
            i++;
            if (i == end) {
                return Long.MIN_VALUE;
            }
        }
        if (b[i] == '0') {
            return len == 1 ? 0 : Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < end; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) {
                return Long.MIN_VALUE;
            }
            v = -v;
        }
        return v;
    }

    /**
     * Parses an ID into {@link #ms}/{@link #seq}: a missing sequence is {@code missingSeq};
     * {@code strict} refuses the bare {@code -} and {@code +}; {@code starSeq} accepts {@code ms-*}
     * (then {@link #seqGiven} is false). False with {@link #error} set when it is not an ID.
     */
    boolean id(final byte[] b, final int off, final int len, final long missingSeq, final boolean strict,
               final boolean starSeq) {
        error = INVALID_ID;
        if (len > 127 || len == 0) {
            return false;
        }
        if (len == 1 && (b[off] == '-' || b[off] == '+')) {
            if (strict) {
                return false;
            }
            seqGiven = true;
            ms = b[off] == '-' ? 0 : -1;
            seq = ms;
            return true;
        }
        seqGiven = true;
        int dash = -1;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '-') {
                dash = i;
                break;
            }
        }
        final long[] v = new long[1];
        if (!parseU64(b, off, (dash < 0 ? off + len : dash) - off, v)) {
            return false;
        }
        final long m = v[0];
        long s = missingSeq;
        if (dash >= 0) {
            final int so = dash + 1;
            final int sl = off + len - so;
            if (starSeq && sl == 1 && b[so] == '*') {
                s = 0;
                seqGiven = false;
            } else if (!parseU64(b, so, sl, v)) {
                return false;
            } else {
                s = v[0];
            }
        }
        ms = m;
        seq = s;
        error = null;
        return true;
    }

    /** Reads argument {@code i} as a stream ID into {@link #ms}/{@link #seq}; false when it is not one. */
    public boolean id(final Request r, final int i, final long missingSeq, final boolean strict) {
        return id(r.buf(), r.off(i), r.len(i), missingSeq, strict, false);
    }

    private boolean isWord(final Request r, final int i, final char c) {
        return r.len(i) == 1 && r.buf()[r.off(i)] == c;
    }

    /**
     * XADD's (xadd) or XTRIM's options from argument 2 on. Returns the index of XADD's ID argument
     * (or where parsing stopped), or -1 with {@link #error} set. {@code nodeMaxEntries} sets the
     * default LIMIT of an approximate trim, as Redis's does.
     */
    public int addOrTrim(final Request r, final boolean xadd, final long nodeMaxEntries) {
        int i = 2;
        boolean limitGiven = false;
        for (; i < r.argc(); i++) {
            final int more = r.argc() - 1 - i;
            if (xadd && isWord(r, i, '*')) {
                break;
            } else if (r.argIs(i, MAXLEN) && more > 0) {
                if (trim != TRIM_NONE) {
                    error = BOTH_STRATEGIES;
                    return -1;
                }
                approx = false;
                if (more >= 2 && isWord(r, i + 1, '~')) {
                    approx = true;
                    i++;
                } else if (more >= 2 && isWord(r, i + 1, '=')) {
                    i++;
                }
                if (!r.parseLong(i + 1)) {
                    error = Errors.NOT_INTEGER;
                    return -1;
                }
                maxLen = r.longValue;
                if (maxLen < 0) {
                    error = MAXLEN_NEGATIVE;
                    return -1;
                }
                i++;
                trim = TRIM_MAXLEN;
                trimArg = i;
            } else if (r.argIs(i, MINID) && more > 0) {
                if (trim != TRIM_NONE) {
                    error = BOTH_STRATEGIES;
                    return -1;
                }
                approx = false;
                if (more >= 2 && isWord(r, i + 1, '~')) {
                    approx = true;
                    i++;
                } else if (more >= 2 && isWord(r, i + 1, '=')) {
                    i++;
                }
                if (!id(r, i + 1, 0, true)) {
                    return -1;
                }
                minMs = ms;
                minSeq = seq;
                i++;
                trim = TRIM_MINID;
                trimArg = i;
            } else if (r.argIs(i, LIMIT) && more > 0) {
                if (!r.parseLong(i + 1)) {
                    error = Errors.NOT_INTEGER;
                    return -1;
                }
                limit = r.longValue;
                if (limit < 0) {
                    error = LIMIT_NEGATIVE;
                    return -1;
                }
                limitGiven = true;
                i++;
            } else if (xadd && r.argIs(i, NOMKSTREAM)) {
                noMkStream = true;
            } else if (xadd) {
                if (!id(r.buf(), r.off(i), r.len(i), 0, true, true)) {
                    return -1;
                }
                idGiven = true;
                idMs = ms;
                idSeq = seq;
                idSeqGiven = seqGiven;
                break;
            } else {
                error = Errors.SYNTAX;
                return -1;
            }
        }
        if (limit != 0 && trim == TRIM_NONE) {
            error = LIMIT_NO_STRATEGY;
            return -1;
        }
        if (!xadd && trim == TRIM_NONE) {
            error = XTRIM_NO_STRATEGY;
            return -1;
        }
        if (limitGiven) {
            if (!approx) {
                error = LIMIT_NOT_APPROX;
                return -1;
            }
        } else if (approx) {
            limit = 100 * nodeMaxEntries;
            if (limit <= 0 || limit > 1L << 30) {
                limit = 10000;
            }
        } else {
            limit = 0;
        }
        return i;
    }
}
