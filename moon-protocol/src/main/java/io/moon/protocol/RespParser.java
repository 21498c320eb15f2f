package io.moon.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Incremental parser for client requests: RESP multibulk ({@code *N\r\n$L\r\n...}) and inline
 * commands (a line of space-separated, optionally quoted words), with Redis's limits and its
 * exact protocol error texts.
 *
 * <p>The parser consumes bytes from the receive buffer as soon as they arrive and copies argument
 * bytes once, into the {@link Request}'s arena; nothing else is allocated per command. It keeps
 * its position between calls, so any split of a valid stream into chunks yields the same
 * commands. Owned by one connection; not thread-safe.
 *
 * <p>Like Redis, it looks for the '\r' that ends a header line and then skips one more byte
 * without checking that it is '\n'; a bulk argument is followed by two bytes that are skipped
 * the same way.
 */
public final class RespParser {
    /** The buffer ended before a whole command; call again with more bytes. */
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
    private static final int ST_SKIP = 4;
    private static final int ST_INLINE = 5;
    private static final int ST_BULK_END = 6;

    private int state = ST_START;
    /** Bytes of a header line seen so far (the digits after '*' or '$', up to {@link #HEAD_KEEP}). */
    private static final int HEAD_KEEP = 32;
    private final byte[] head = new byte[HEAD_KEEP];
    private int headLen;
    private int headSeen;
    /** Set once the '\r' of a header line was consumed and the next byte remains to be skipped. */
    private int skip;
    private int stateAfterSkip;
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
        return state == ST_START && skip == 0;
    }

    /**
     * Parses from {@code in} into {@code r}. On {@link #COMPLETE} the request holds one command and
     * the buffer is positioned after it; the caller runs the command, calls {@link Request#reset()}
     * and calls parse again for the next. Empty commands ({@code *0}, blank lines) are skipped.
     */
    public int parse(final ByteBuf in, final Request r) {
        while (true) {
            switch (state) {
                case ST_START -> {
                    if (!in.isReadable()) {
                        return NEED_MORE;
                    }
                    if (in.getByte(in.readerIndex()) == '*') {
                        in.skipBytes(1);
                        headLen = 0;
                        headSeen = 0;
                        state = ST_COUNT_LINE;
                    } else {
                        inlineLen = 0;
                        state = ST_INLINE;
                    }
                }
                case ST_COUNT_LINE -> {
                    final int lineState = readHeadLine(in, "Protocol error: too big mbulk count string");
                    if (lineState != COMPLETE) {
                        return lineState;
                    }
                    final long n = Numbers.parseLong(head, 0, Math.min(headLen, headSeen), Long.MIN_VALUE);
                    final boolean ok = headSeen <= HEAD_KEEP && (n != Long.MIN_VALUE || Numbers.isLongMin(head, 0, headLen));
                    if (!ok || n > MAX_MULTIBULK_COUNT) {
                        return fail("Protocol error: invalid multibulk length");
                    }
                    if (n > UNAUTH_MAX_COUNT && authRequired) {
                        return fail("Protocol error: unauthenticated multibulk length");
                    }
                    if (n <= 0) {
                        // an empty command: Redis reads past it without running anything
                        skipThen(ST_START);
                        continue;
                    }
                    argsLeft = n;
                    skipThen(ST_BULK_LINE);
                    headLen = 0;
                    headSeen = 0;
                }
                case ST_BULK_LINE -> {
                    final int lineState = readHeadLine(in, "Protocol error: too big bulk count string");
                    if (lineState != COMPLETE) {
                        return lineState;
                    }
                    if (headSeen == 0 || head[0] != '$') {
                        final int c = headSeen == 0 ? '\r' : head[0] & 0xff;
                        return fail("Protocol error: expected '$', got '" + printable(c) + "'");
                    }
                    final int digits = Math.min(headLen, headSeen) - 1;
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
                    bulkLeft = n;
                    r.beginArg();
                    skipThen(ST_BULK_DATA);
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
                    // Like Redis, an argument counts only once the two bytes after it are here.
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
                    headLen = 0;
                    headSeen = 0;
                    if (--argsLeft == 0) {
                        state = ST_START;
                        return COMPLETE;
                    }
                    state = ST_BULK_LINE;
                }
                case ST_SKIP -> {
                    if (!consumeSkip(in)) {
                        return NEED_MORE;
                    }
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
                default -> throw new IllegalStateException("parser state " + state);
            }
        }
    }

    private void skipThen(final int next) {
        skip = 1;
        stateAfterSkip = next;
        state = ST_SKIP;
    }

    /** Consumes pending skip bytes; returns true and moves on once all are consumed. */
    private boolean consumeSkip(final ByteBuf in) {
        final int n = Math.min(skip, in.readableBytes());
        in.skipBytes(n);
        skip -= n;
        if (skip > 0) {
            return false;
        }
        state = stateAfterSkip;
        return true;
    }

    /**
     * Reads a header line up to its '\r' (consumed). Keeps the first bytes in {@link #head} and
     * counts the rest. Returns COMPLETE, NEED_MORE, or ERROR with {@code tooBig} when the line
     * grows past {@link #MAX_LINE_BYTES} without a '\r'.
     */
    private int readHeadLine(final ByteBuf in, final String tooBig) {
        final int avail = in.readableBytes();
        final int cr = in.bytesBefore((byte) '\r');
        final int take = cr < 0 ? avail : cr;
        final int keep = Math.min(take, HEAD_KEEP - Math.min(headSeen, HEAD_KEEP));
        if (keep > 0) {
            in.getBytes(in.readerIndex(), head, headSeen, keep);
            headLen = headSeen + keep;
        }
        headSeen += take;
        in.skipBytes(take);
        if (cr < 0) {
            if (headSeen > MAX_LINE_BYTES) {
                return fail(tooBig);
            }
            return NEED_MORE;
        }
        in.skipBytes(1); // the '\r'
        return COMPLETE;
    }

    private int readInline(final ByteBuf in, final Request r) {
        final int nl = in.bytesBefore((byte) '\n');
        final int take = nl < 0 ? in.readableBytes() : nl;
        if ((long) inlineLen + take > MAX_LINE_BYTES) {
            return fail("Protocol error: too big inline request");
        }
        if (inlineLen + take > inline.length) {
            inline = java.util.Arrays.copyOf(inline, Math.max(inline.length << 1, inlineLen + take));
        }
        in.readBytes(inline, inlineLen, take);
        inlineLen += take;
        if (nl < 0) {
            return NEED_MORE;
        }
        in.skipBytes(1); // '\n'
        int lineLen = inlineLen;
        if (lineLen > 0 && inline[lineLen - 1] == '\r') {
            lineLen--;
        }
        final boolean ok = InlineSplitter.split(inline, lineLen, r);
        if (inline.length > 4096) {
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
