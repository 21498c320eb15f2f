package io.moon.protocol;

import java.util.Arrays;

/**
 * One parsed command: its arguments as (offset, length) views into a byte arena that the
 * {@link RespParser} fills as bytes arrive.
 *
 * <p>Owned by one connection and reused for every command it sends. Not thread-safe; it may be
 * handed to another shard thread while its connection waits for the reply, and the hand-off
 * through the event loop's task queue is what publishes it (see docs/architecture.md).
 *
 * <p>Handlers read arguments through {@link #buf()}, {@link #off(int)} and {@link #len(int)} and
 * never turn them into Strings on the hot path. The number parsers store their result in
 * {@link #longValue} / {@link #doubleValue} and return a success flag, so nothing is boxed and no
 * exception is thrown for bad input.
 */
public final class Request {
    /** Arenas above this size are given back after the command that needed them. */
    private static final int SHRINK_ABOVE_BYTES = 256 * 1024;
    /**
     * Room for a typical command (a key and a short value): every connection holds one, idle or
     * not, so it starts small; a larger command grows it once and the connection keeps the room.
     */
    private static final int INITIAL_ARENA_BYTES = 128;
    private static final int INITIAL_ARGS = 16;

    private byte[] buf = new byte[INITIAL_ARENA_BYTES];
    private int used;
    private int[] off = new int[INITIAL_ARGS];
    private int[] len = new int[INITIAL_ARGS];
    private int argc;

    /** Result of the last successful {@link #parseLong(int)}. */
    public long longValue;
    /** Result of the last successful {@link #parseDouble(int)}. */
    public double doubleValue;

    public int argc() {
        return argc;
    }

    public byte[] buf() {
        return buf;
    }

    public int off(final int i) {
        return off[i];
    }

    public int len(final int i) {
        return len[i];
    }

    /** Bytes held by the arena, for CLIENT LIST's argv-mem and the query-buffer limit. */
    public int usedBytes() {
        return used;
    }

    public int capacityBytes() {
        return buf.length;
    }

    /** Copy of argument i; allocates, for cold paths and tests. */
    public byte[] argBytes(final int i) {
        return Arrays.copyOfRange(buf, off[i], off[i] + len[i]);
    }

    /** Argument i as a String (ISO-8859-1, byte per char); allocates, for cold paths only. */
    public String argString(final int i) {
        return new String(buf, off[i], len[i], java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** True when argument i equals {@code upper} ignoring ASCII case; {@code upper} must be upper case. */
    public boolean argIs(final int i, final byte[] upper) {
        final int l = len[i];
        if (l != upper.length) {
            return false;
        }
        final byte[] b = buf;
        final int o = off[i];
        for (int k = 0; k < l; k++) {
            int c = b[o + k];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != upper[k]) {
                return false;
            }
        }
        return true;
    }

    /** Parses argument i as Redis's string2ll does; on success the value is in {@link #longValue}. */
    public boolean parseLong(final int i) {
        final long v = Numbers.parseLong(buf, off[i], len[i], Long.MIN_VALUE);
        if (v == Long.MIN_VALUE && !Numbers.isLongMin(buf, off[i], len[i])) {
            return false;
        }
        longValue = v;
        return true;
    }

    /** Parses argument i as Redis's string2d does (strtod, no spaces, no NaN). */
    public boolean parseDouble(final int i) {
        final double d = Numbers.parseDouble(buf, off[i], len[i]);
        if (Double.isNaN(d)) {
            return false;
        }
        doubleValue = d;
        return true;
    }

    // ---- filled by the parser ----------------------------------------------------------------

    /**
     * Forgets the arguments. The arena is kept, unless one big command grew it far beyond what
     * the command just finished needed (like Redis shrinking an idle query buffer).
     */
    public void reset() {
        argc = 0;
        if (buf.length > SHRINK_ABOVE_BYTES && used < buf.length >>> 2) {
            buf = new byte[Math.max(INITIAL_ARENA_BYTES, Integer.highestOneBit(Math.max(1, used)) << 1)];
        }
        used = 0;
    }

    /** Starts a new argument at the end of the arena and returns its index. */
    int beginArg() {
        if (argc == off.length) {
            final int n = off.length << 1;
            off = Arrays.copyOf(off, n);
            len = Arrays.copyOf(len, n);
        }
        off[argc] = used;
        len[argc] = 0;
        return argc++;
    }

    /** Makes room for {@code extra} more bytes in the arena. */
    void ensureRoom(final int extra) {
        final long need = (long) used + extra;
        if (need > buf.length) {
            long n = Math.max(need, (long) buf.length << 1);
            if (n > Integer.MAX_VALUE - 16) {
                n = Integer.MAX_VALUE - 16;
            }
            if (need > n) {
                throw new IllegalStateException("argument arena over 2 GB");
            }
            buf = Arrays.copyOf(buf, (int) n);
        }
    }

    /** Appends to the current (last) argument. The caller made room with {@link #ensureRoom}. */
    void append(final byte[] src, final int srcOff, final int n) {
        System.arraycopy(src, srcOff, buf, used, n);
        used += n;
        len[argc - 1] += n;
    }

    void appendByte(final byte b) {
        buf[used++] = b;
        len[argc - 1]++;
    }

    /** Arena offset where the next appended byte goes. */
    int arenaEnd() {
        return used;
    }

    void advance(final int n) {
        used += n;
        len[argc - 1] += n;
    }

    /** Builds a request from Java strings; allocates, for tests and internal commands. */
    public static Request of(final String... args) {
        final Request r = new Request();
        for (final String a : args) {
            r.add(a.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return r;
    }

    /** Appends one argument; for building requests outside the parser (tests, internal use). */
    public void add(final byte[] a) {
        beginArg();
        ensureRoom(a.length);
        append(a, 0, a.length);
    }

    /** Appends one argument copied from another buffer. */
    public void add(final byte[] src, final int srcOff, final int n) {
        beginArg();
        ensureRoom(n);
        append(src, srcOff, n);
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder("Request[");
        for (int i = 0; i < argc; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(argString(i));
        }
        return sb.append(']').toString();
    }
}
