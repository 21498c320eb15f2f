package io.moon.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Incremental parser for client requests: RESP multibulk ({@code *N\r\n$L\r\n...}) and inline
 * commands (a line of space-separated, optionally quoted words), with Redis's limits and its
 * exact protocol error texts.
 *
 * <p>The parser consumes bytes from the receive buffer as soon as they arrive and copies argument
 * bytes once, into the {@link Request}'s arena; nothing else is allocated per command. It keeps
 * its position between calls, so any split of a stream into chunks yields the same commands and
 * the same error. Owned by one connection; not thread-safe.
 *
 * <p>Like Redis, it looks for the '\r' that ends a header line and then skips one more byte
 * without checking that it is '\n'; a bulk argument is followed by two bytes that are skipped
 * the same way. Redis finds line ends with strchr, so a NUL byte before the line end hides it
 * for good; the parser reproduces that too. docs/protocol.md lists the cases checked against
 * redis-server and the few places where Redis's answer depends on its read sizes.
 */
public final class RespParser {
    /** The buffer ended before a whole command; all of it was consumed. Call again with more bytes. */
    public static final int NEED_MORE = 0;
    /** A whole command is in the request. */
    public static final int COMPLETE = 1;
    /** Malformed input: reply {@link #error()} and close the connection (Redis does). */
    public static final int ERROR = -1;

    /** Longest header or inline line Redis accepts without a line end (PROTO_INLINE_MAX_SIZE). */
    public static final int MAX_LINE_BYTES = 64 * 1024;
    /** Largest multibulk count Redis accepts (INT_MAX). */
    public static final long MAX_MULTIBULK_COUNT = Integer.MAX_VALUE;
    /** Largest bulk a single argument can be here: a Java array holds a little under 2 GB. */
    public static final long MAX_ARRAY_BULK = Integer.MAX_VALUE - 64;
    /** Limits that apply before AUTH when a password is required. */
    static final long UNAUTH_MAX_COUNT = 10;
    static final long UNAUTH_MAX_BULK = 16384;

    private static final int ST_START = 0;
    private static final int ST_COUNT_LINE = 1;
    private static final int ST_BULK_LINE = 2;
    private static final int ST_BULK_DATA = 3;
    private static final int ST_INLINE = 4;
    private static final int ST_BULK_END = 5;
    /** After ERROR the stream is out of step; every later call reports ERROR again. */
    private static final int ST_ERROR = 6;

    /** Stops at the byte that ends Redis's strchr(buf, '\r') search: the '\r', or a NUL. */
    private static final ByteProcessor FIND_CR_OR_NUL = b -> b != '\r' && b != 0;
    /** Stops at the byte that ends Redis's strchr(buf, '\n') search: the '\n', or a NUL. */
    private static final ByteProcessor FIND_LF_OR_NUL = b -> b != '\n' && b != 0;

    private int state = ST_START;
    /** Bytes of a header line kept for parsing: the type byte ('*' or '$') and the digits. */
    private static final int HEAD_KEEP = 32;
    private final byte[] head = new byte[HEAD_KEEP];
    /** Bytes of the current header line seen so far, type byte included (may exceed HEAD_KEEP). */
    private int headSeen;
    /** The '\r' of the header line was consumed; one more byte, of any value, must follow. */
    private boolean crSeen;
    /**
     * A NUL came before the line end. Redis looks for line ends with strchr, which stops at the
     * NUL, so it never finds one for this command: it buffers everything that follows and fails
     * with "too big ..." once more than {@link #MAX_LINE_BYTES} are pending. This flag makes the
     * parser do the same (it counts the bytes and drops them).
     */
    private boolean stuckOnNul;
    private int skip;
    private long argsLeft;
    private long bulkLeft;
    private byte[] inline = new byte[64];
    private int inlineLen;

    private long maxBulkBytes = 512L * 1024 * 1024;
    private boolean authRequired;
    private String error;

    /** proto-max-bulk-len. */
    public void maxBulkBytes(final long bytes) {
        this.maxBulkBytes = bytes;
    }

    /** While true, the smaller pre-AUTH limits apply (Redis's authRequired()). */
    public void authRequired(final boolean required) {
        this.authRequired = required;
    }

    /** The protocol error after {@link #ERROR}, e.g. "Protocol error: invalid bulk length". */
    public String error() {
        return error;
    }

    /** Bytes held for a command not yet complete (header/inline scratch), for the query-buffer limit. */
    public int pendingBytes() {
        return headSeen + inlineLen;
    }

    /** True when no command is partly parsed. */
    public boolean idle() {
        return state == ST_START;
    }

    /**
     * Parses from {@code in} into {@code r}. On {@link #COMPLETE} the request holds one command and
     * the buffer is positioned after it; the caller runs the command, calls {@link Request#reset()}
     * and calls parse again for the next. Empty commands ({@code *0}, {@code *-1}, blank lines)
     * are skipped. On {@link #ERROR} the parser stays failed: the caller replies and closes.
     *
     * <p>The outcome does not depend on how the stream is cut into buffers: every limit is
     * checked against the bytes of the current line, not against what one read happened to hold.
     */
    public int parse(final ByteBuf in, final Request r) {
        while (true) {
            switch (state) {
                case ST_START -> {
                    if (!in.isReadable()) {
                        return NEED_MORE;
                    }
                    headSeen = 0;
                    inlineLen = 0;
                    state = in.getByte(in.readerIndex()) == '*' ? ST_COUNT_LINE : ST_INLINE;
                }
                case ST_COUNT_LINE -> {
                    final int lineState = readHeadLine(in, "Protocol error: too big mbulk count string");
                    if (lineState != COMPLETE) {
                        return lineState;
                    }
                    // head[0] is the '*'
                    final int digits = Math.min(headSeen, HEAD_KEEP) - 1;
                    final long n = Numbers.parseLong(head, 1, digits, Long.MIN_VALUE);
                    final boolean ok = headSeen <= HEAD_KEEP
                            && (n != Long.MIN_VALUE || Numbers.isLongMin(head, 1, digits));
                    if (!ok || n > MAX_MULTIBULK_COUNT) {
                        return fail("Protocol error: invalid multibulk length");
                    }
                    if (n > UNAUTH_MAX_COUNT && authRequired) {
                        return fail("Protocol error: unauthenticated multibulk length");
                    }
                    headSeen = 0;
                    if (n <= 0) {
                        // an empty command: Redis reads past it without running anything
                        state = ST_START;
                        continue;
                    }
                    argsLeft = n;
                    state = ST_BULK_LINE;
                }
                case ST_BULK_LINE -> {
                    final int lineState = readHeadLine(in, "Protocol error: too big bulk count string");
                    if (lineState != COMPLETE) {
                        return lineState;
                    }
                    if (headSeen == 0 || head[0] != '$') {
                        // Redis prints the byte where the line starts, which is the '\r' for an
                        // empty line (shown as a space, see printable)
                        final int c = headSeen == 0 ? '\r' : head[0] & 0xff;
                        return fail("Protocol error: expected '$', got '" + printable(c) + "'");
                    }
                    final int digits = Math.min(headSeen, HEAD_KEEP) - 1;
                    final long n = Numbers.parseLong(head, 1, digits, Long.MIN_VALUE);
                    if (headSeen > HEAD_KEEP || n < 0 || n > maxBulkBytes) {
                        return fail("Protocol error: invalid bulk length");
                    }
                    if (n > UNAUTH_MAX_BULK && authRequired) {
                        return fail("Protocol error: unauthenticated bulk length");
                    }
                    if (n > MAX_ARRAY_BULK) {
                        return fail("Protocol error: invalid bulk length");
                    }
                    headSeen = 0;
                    bulkLeft = n;
                    r.beginArg();
                    state = ST_BULK_DATA;
                }
                case ST_BULK_DATA -> {
                    if (bulkLeft > 0) {
                        final int avail = in.readableBytes();
                        if (avail == 0) {
                            return NEED_MORE;
                        }
                        final int n = (int) Math.min(avail, bulkLeft);
                        // Grow by what has arrived, not by the declared length: a client that
                        // announces 512 MB and sends nothing costs nothing.
                        r.ensureRoom(n);
                        in.readBytes(r.buf(), r.arenaEnd(), n);
                        r.advance(n);
                        bulkLeft -= n;
                        if (bulkLeft > 0) {
                            return NEED_MORE;
                        }
                    }
                    // Like Redis, an argument counts only once the two bytes after it are here;
                    // their values are not checked.
                    skip = 2;
                    state = ST_BULK_END;
                }
                case ST_BULK_END -> {
                    final int n = Math.min(skip, in.readableBytes());
                    in.skipBytes(n);
                    skip -= n;
                    if (skip > 0) {
                        return NEED_MORE;
                    }
                    if (--argsLeft == 0) {
                        state = ST_START;
                        return COMPLETE;
                    }
                    state = ST_BULK_LINE;
                }
                case ST_INLINE -> {
                    final int result = readInline(in, r);
                    if (result != COMPLETE) {
                        return result;
                    }
                    state = ST_START;
                    if (r.argc() > 0) {
                        return COMPLETE;
                    }
                }
                case ST_ERROR -> {
                    return ERROR;
                }
                default -> throw new IllegalStateException("parser state " + state);
            }
        }
    }

    /**
     * Reads a header line, type byte included, up to its '\r' and the one byte after it (both
     * consumed; the byte after is not checked, as in Redis). Keeps the first bytes in
     * {@link #head} and counts the rest in {@link #headSeen}. Returns COMPLETE, NEED_MORE, or
     * ERROR with {@code tooBig} once the line holds more than {@link #MAX_LINE_BYTES} bytes.
     */
    private int readHeadLine(final ByteBuf in, final String tooBig) {
        if (!crSeen && headSeen == 0 && !stuckOnNul && in.readableBytes() >= Long.BYTES) {
            // Fast path: almost every header line ("*3", "$16") ends within its first 8 bytes.
            // One 8-byte read and a bitwise search for its first '\r' or NUL replace the general
            // byte-at-a-time search below (which runs when this finds no '\r' first).
            final long w = in.getLongLE(in.readerIndex());
            final long stops = zeroBytes(w ^ 0x0D0D0D0D0D0D0D0DL) | zeroBytes(w);
            if (stops != 0) {
                final int k = Long.numberOfTrailingZeros(stops) >>> 3;
                if ((byte) (w >>> (k << 3)) == '\r') {
                    for (int i = 0; i < k; i++) {
                        head[i] = (byte) (w >>> (i << 3));
                    }
                    headSeen = k;
                    in.skipBytes(k + 1);
                    crSeen = true;
                }
            }
        }
        if (!crSeen) {
            int take = in.readableBytes();
            boolean foundCr = false;
            if (!stuckOnNul) {
                final int stop = in.forEachByte(FIND_CR_OR_NUL);
                if (stop >= 0) {
                    take = stop - in.readerIndex();
                    if (in.getByte(stop) == '\r') {
                        foundCr = true;
                    } else {
                        stuckOnNul = true;
                        take = in.readableBytes();
                    }
                }
            }
            if (!stuckOnNul) {
                final int keep = Math.min(take, HEAD_KEEP - Math.min(headSeen, HEAD_KEEP));
                if (keep > 0) {
                    in.getBytes(in.readerIndex(), head, headSeen, keep);
                }
            }
            // Redis fails when more than the limit is buffered without a line end; checking the
            // line itself gives the same answer whatever the read sizes were.
            if ((long) headSeen + take > MAX_LINE_BYTES) {
                return fail(tooBig);
            }
            headSeen += take;
            in.skipBytes(take);
            if (!foundCr) {
                return NEED_MORE;
            }
            in.skipBytes(1);
            crSeen = true;
        }
        // Redis parses the line only once the byte after the '\r' is in the buffer too.
        if (!in.isReadable()) {
            return NEED_MORE;
        }
        in.skipBytes(1);
        crSeen = false;
        return COMPLETE;
    }

    /**
     * The high bit of each byte of {@code x} whose lowest zero byte is exact: bytes above the
     * lowest zero byte may be marked falsely, so only the lowest mark is to be used.
     */
    private static long zeroBytes(final long x) {
        return (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
    }

    private int readInline(final ByteBuf in, final Request r) {
        final int stop = stuckOnNul ? -1 : in.forEachByte(FIND_LF_OR_NUL);
        if (stop >= 0 && in.getByte(stop) == 0) {
            stuckOnNul = true;
        }
        final boolean foundLf = stop >= 0 && !stuckOnNul;
        final int take = foundLf ? stop - in.readerIndex() : in.readableBytes();
        if ((long) inlineLen + take > MAX_LINE_BYTES) {
            return fail("Protocol error: too big inline request");
        }
        if (stuckOnNul) {
            // count what Redis would buffer; the bytes themselves can never be used
            inlineLen += take;
            in.skipBytes(take);
            return NEED_MORE;
        }
        if (inlineLen + take > inline.length) {
            inline = java.util.Arrays.copyOf(inline, Math.max(inline.length << 1, inlineLen + take));
        }
        in.readBytes(inline, inlineLen, take);
        inlineLen += take;
        if (!foundLf) {
            return NEED_MORE;
        }
        in.skipBytes(1); // '\n'
        int lineLen = inlineLen;
        if (lineLen > 0 && inline[lineLen - 1] == '\r') {
            lineLen--;
        }
        final boolean ok = InlineSplitter.split(inline, lineLen, r);
        if (inline.length > 4096) {
            // one long line should not pin its buffer for the life of the connection
            inline = new byte[64];
        }
        inlineLen = 0;
        if (!ok) {
            return fail("Protocol error: unbalanced quotes in request");
        }
        return COMPLETE;
    }

    private int fail(final String message) {
        error = message;
        state = ST_ERROR;
        return ERROR;
    }

    private static String printable(final int c) {
        // Redis's addReplyErrorFormat turns CR and LF into spaces so the error stays one line.
        if (c == '\r' || c == '\n') {
            return " ";
        }
        return String.valueOf((char) c);
    }
}
