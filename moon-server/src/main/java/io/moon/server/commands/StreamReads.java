package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Listpack;
import io.moon.storage.StreamIter;
import io.moon.storage.StreamValue;

import java.nio.charset.StandardCharsets;

import static io.moon.protocol.Reply.err;

/**
 * The stream commands that read: XRANGE, XREVRANGE and XREAD (without BLOCK). XREAD over keys of
 * several shards runs through the generic gather form (copies of the streams on the
 * coordinator), so one handler serves both cases.
 */
public final class StreamReads {
    private static final byte[] BAD_START = err("ERR invalid start ID for the interval");
    private static final byte[] BAD_END = err("ERR invalid end ID for the interval");
    private static final byte[] GT_ONLY_GROUP = err("ERR The > ID can be specified only when calling XREADGROUP "
            + "using the GROUP <group> <consumer> option.");
    private static final byte[] UNBALANCED = err("ERR Unbalanced 'xread' list of streams: for each stream key an ID "
            + "or '$' must be specified.");
    private static final byte[] NO_BLOCK = err("ERR XREAD BLOCK is not supported yet: nothing to serve now");
    private static final byte[] TIMEOUT_NOT_INTEGER = err("ERR timeout is not an integer or out of range");
    private static final byte[] TIMEOUT_NEGATIVE = err("ERR timeout is negative");
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLOCK = "BLOCK".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAMS = "STREAMS".getBytes(StandardCharsets.US_ASCII);

    private StreamReads() {
    }

    /** Writes a listpack element as a bulk string. */
    private static void element(final Reply out, final byte[] p, final int pos) {
        if (Listpack.isInt(p, pos)) {
            out.bulkLong(Listpack.intValue(p, pos));
        } else {
            out.bulk(p, Listpack.strOffset(p, pos), Listpack.strLength(p, pos));
        }
    }

    /** Writes the entry the iterator is on: [id, [field, value, ...]]. */
    static void entry(final Reply out, final StreamIter it) {
        out.arrayHeader(2);
        out.bulk(StreamCommands.idString(it.ms, it.seq));
        out.arrayHeader(2L * it.fields);
        for (int i = 0; i < it.fields; i++) {
            element(out, it.node, it.fieldAt(i));
            element(out, it.node, it.valueAt(i));
        }
    }

    /** Replies the entries of [start, end] (reversed: from end down), at most count (0: all). */
    static void range(final Reply out, final StreamValue s, final long startMs, final long startSeq,
                      final long endMs, final long endSeq, final long count, final boolean rev) {
        final StreamIter it = new StreamIter(s);
        if (rev) {
            it.backward(startMs, startSeq, endMs, endSeq);
        } else {
            it.forward(startMs, startSeq, endMs, endSeq);
        }
        // the count is known only at the end: reply into a scratch buffer, then the header
        final io.netty.buffer.ByteBuf o = out.out();
        final io.netty.buffer.ByteBuf body = o.alloc().buffer();
        try {
            final Reply tmp = new Reply().bind(body, out.proto());
            long n = 0;
            while ((count == 0 || n < count) && it.next()) {
                entry(tmp, it);
                n++;
            }
            out.arrayHeader(n);
            o.writeBytes(body);
        } finally {
            body.release();
        }
    }

    // XRANGE key start end [COUNT count]
    public static void xrange(final Ctx c) {
        range(c, false);
    }

    // XREVRANGE key end start [COUNT count]
    public static void xrevrange(final Ctx c) {
        range(c, true);
    }

    private static void range(final Ctx c, final boolean rev) {
        final Request r = c.req;
        final StreamArgs a = new StreamArgs();
        final int startArg = rev ? 3 : 2;
        final int endArg = rev ? 2 : 3;
        if (!interval(r, startArg, a, 0)) {
            c.out.raw(a.error);
            return;
        }
        long startMs = a.ms;
        long startSeq = a.seq;
        if (excluded(r, startArg)) {
            if (startSeq == -1) {
                if (startMs == -1) {
                    c.out.raw(BAD_START);
                    return;
                }
                startMs++;
                startSeq = 0;
            } else {
                startSeq++;
            }
        }
        if (!interval(r, endArg, a, -1)) {
            c.out.raw(a.error);
            return;
        }
        long endMs = a.ms;
        long endSeq = a.seq;
        if (excluded(r, endArg)) {
            if (endSeq == 0) {
                if (endMs == 0) {
                    c.out.raw(BAD_END);
                    return;
                }
                endMs--;
                endSeq = -1;
            } else {
                endSeq--;
            }
        }
        long count = -1;
        for (int j = 4; j < r.argc(); j++) {
            if (r.argIs(j, COUNT) && j + 1 < r.argc()) {
                if (!r.parseLong(j + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                count = Math.max(0, r.longValue);
                j++;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        final long e = c.findRead(1, c.keyHash(1));
        if (e == 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        final StreamValue s = StreamCommands.stream(c, e);
        if (s == null) {
            return;
        }
        if (count == 0) {
            c.out.nullArray();
            return;
        }
        range(c.out, s, startMs, startSeq, endMs, endSeq, count == -1 ? 0 : count, rev);
    }

    private static boolean excluded(final Request r, final int i) {
        return r.len(i) > 1 && r.buf()[r.off(i)] == '(';
    }

    /** An interval bound: {@code (id} exclusive (strict ID), else an ID or - or +. */
    private static boolean interval(final Request r, final int i, final StreamArgs a, final long missingSeq) {
        if (excluded(r, i)) {
            return a.id(r.buf(), r.off(i) + 1, r.len(i) - 1, missingSeq, true, false);
        }
        return a.id(r, i, missingSeq, false);
    }

    // XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
    public static void xread(final Ctx c) {
        final Request r = c.req;
        long count = 0;
        long timeout = -1;
        int streamsArg = 0;
        int n = 0;
        for (int i = 1; i < r.argc(); i++) {
            final int more = r.argc() - i - 1;
            if (r.argIs(i, BLOCK) && more > 0) {
                i++;
                if (!r.parseLong(i)) {
                    c.out.raw(TIMEOUT_NOT_INTEGER);
                    return;
                }
                if (r.longValue < 0) {
                    c.out.raw(TIMEOUT_NEGATIVE);
                    return;
                }
                timeout = r.longValue;
            } else if (r.argIs(i, COUNT) && more > 0) {
                i++;
                if (!r.parseLong(i)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                count = Math.max(0, r.longValue);
            } else if (r.argIs(i, STREAMS) && more > 0) {
                streamsArg = i + 1;
                n = r.argc() - streamsArg;
                if (n % 2 != 0) {
                    c.out.raw(UNBALANCED);
                    return;
                }
                n /= 2;
                break;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        if (streamsArg == 0) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final long[] ids = new long[2 * n];
        final StreamValue[] streams = new StreamValue[n];
        final StreamArgs a = new StreamArgs();
        for (int k = 0; k < n; k++) {
            final int keyArg = streamsArg + k;
            final int idArg = streamsArg + n + k;
            final long e = c.findRead(keyArg, c.keyHash(keyArg));
            if (e != 0 && (streams[k] = StreamCommands.stream(c, e)) == null) {
                return;
            }
            if (r.len(idArg) == 1 && r.buf()[r.off(idArg)] == '$') {
                if (streams[k] != null) {
                    ids[2 * k] = streams[k].lastMs;
                    ids[2 * k + 1] = streams[k].lastSeq;
                }
                continue;
            }
            if (r.len(idArg) == 1 && r.buf()[r.off(idArg)] == '>') {
                c.out.raw(GT_ONLY_GROUP);
                return;
            }
            if (!a.id(r, idArg, 0, true)) {
                c.out.raw(a.error);
                return;
            }
            ids[2 * k] = a.ms;
            ids[2 * k + 1] = a.seq;
        }
        int served = 0;
        for (int k = 0; k < n; k++) {
            if (streams[k] != null && streams[k].hasAfter(ids[2 * k], ids[2 * k + 1])) {
                served++;
            } else {
                streams[k] = null;
            }
        }
        if (served == 0) {
            if (timeout >= 0) {
                c.out.raw(NO_BLOCK);
            } else {
                c.out.nullArray();
            }
            return;
        }
        if (c.out.resp3()) {
            c.out.mapHeader(served);
        } else {
            c.out.arrayHeader(served);
        }
        for (int k = 0; k < n; k++) {
            if (streams[k] == null) {
                continue;
            }
            if (!c.out.resp3()) {
                c.out.arrayHeader(2);
            }
            final int keyArg = streamsArg + k;
            c.out.bulk(r.buf(), r.off(keyArg), r.len(keyArg));
            long ms = ids[2 * k];
            long seq = ids[2 * k + 1];
            // the start is exclusive: begin right after the given ID
            if (seq == -1) {
                ms++;
                seq = 0;
            } else {
                seq++;
            }
            range(c.out, streams[k], ms, seq, -1, -1, count, false);
        }
    }
}
