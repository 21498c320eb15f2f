package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.blocking.BlockedPop;
import io.moon.server.blocking.Blocking;
import io.moon.storage.Listpack;
import io.moon.server.pubsub.Notify;
import io.moon.storage.StreamGroup;
import io.moon.storage.StreamIter;
import io.moon.storage.StreamValue;

import java.nio.charset.StandardCharsets;

import static io.moon.protocol.Reply.err;

/**
 * The stream commands that read: XRANGE, XREVRANGE, XREAD and XREADGROUP. With BLOCK and nothing
 * to serve, XREAD and XREADGROUP block on their keys ({@link Blocking#blockStream}) and run again
 * when one is signalled; over keys of several shards they run through the generic gather form
 * (copies of the streams on the coordinator), blocking through {@link StreamBlockingRead}.
 */
public final class StreamReads {
    private static final byte[] BAD_START = err("ERR invalid start ID for the interval");
    private static final byte[] BAD_END = err("ERR invalid end ID for the interval");
    private static final byte[] GT_ONLY_GROUP = err("ERR The > ID can be specified only when calling XREADGROUP "
            + "using the GROUP <group> <consumer> option.");
    private static final byte[] UNBALANCED = err("ERR Unbalanced 'xread' list of streams: for each stream key an ID "
            + "or '$' must be specified.");
    private static final byte[] UNBALANCED_GROUP = err("ERR Unbalanced 'xreadgroup' list of streams: for each stream "
            + "key an ID or '>' must be specified.");
    private static final byte[] GROUP_ONLY_XREADGROUP =
            err("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
    private static final byte[] NOACK_ONLY_XREADGROUP =
            err("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
    private static final byte[] MISSING_GROUP = err("ERR Missing GROUP option for XREADGROUP");
    private static final byte[] DOLLAR_IN_GROUP = err("ERR The $ ID is meaningless in the context of XREADGROUP: you "
            + "want to read the history of this consumer by specifying a proper ID, or use the > ID to get new "
            + "messages. The $ ID would just return an empty result set.");
    private static final byte[] GROUP = "GROUP".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOACK = "NOACK".getBytes(StandardCharsets.US_ASCII);
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

    /**
     * Parses an interval's bounds (exclusive ones moved inward) into [startMs, startSeq, endMs,
     * endSeq]; null after replying the error.
     */
    static long[] interval(final Ctx c, final int startArg, final int endArg) {
        final Request r = c.req;
        final StreamArgs a = new StreamArgs();
        if (!intervalBound(r, startArg, a, 0)) {
            c.out.raw(a.error);
            return null;
        }
        long startMs = a.ms;
        long startSeq = a.seq;
        if (excluded(r, startArg)) {
            if (startSeq == -1) {
                if (startMs == -1) {
                    c.out.raw(BAD_START);
                    return null;
                }
                startMs++;
                startSeq = 0;
            } else {
                startSeq++;
            }
        }
        if (!intervalBound(r, endArg, a, -1)) {
            c.out.raw(a.error);
            return null;
        }
        long endMs = a.ms;
        long endSeq = a.seq;
        if (excluded(r, endArg)) {
            if (endSeq == 0) {
                if (endMs == 0) {
                    c.out.raw(BAD_END);
                    return null;
                }
                endMs--;
                endSeq = -1;
            } else {
                endSeq--;
            }
        }
        return new long[] {startMs, startSeq, endMs, endSeq};
    }

    private static void range(final Ctx c, final boolean rev) {
        final Request r = c.req;
        final long[] b = interval(c, rev ? 3 : 2, rev ? 2 : 3);
        if (b == null) {
            return;
        }
        final long startMs = b[0];
        final long startSeq = b[1];
        final long endMs = b[2];
        final long endSeq = b[3];
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

    static boolean excluded(final Request r, final int i) {
        return r.len(i) > 1 && r.buf()[r.off(i)] == '(';
    }

    /** An interval bound: {@code (id} exclusive (strict ID), else an ID or - or +. */
    static boolean intervalBound(final Request r, final int i, final StreamArgs a, final long missingSeq) {
        if (excluded(r, i)) {
            return a.id(r.buf(), r.off(i) + 1, r.len(i) - 1, missingSeq, true, false);
        }
        return a.id(r, i, missingSeq, false);
    }

    // XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
    public static void xread(final Ctx c) {
        read(c, false, false);
    }

    // XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]
    public static void xreadgroup(final Ctx c) {
        c.keysUnchanged(); // a consumer group changes, not the stream: Redis signals no modified key
        read(c, true, false);
    }

    /**
     * How a shard serves a client blocked in XREAD / XREADGROUP on keys all its own: the command
     * runs there with the client's arguments, once {@link BlockedPop#ready} found it would answer.
     */
    private static BlockedPop waiter(final boolean xreadgroup) {
        return new BlockedPop() {
            @Override
            public void serve(final Ctx c, final long arg, final int keyArg, final long addr, final long h) {
                read(c, xreadgroup, false);
            }

            @Override
            public boolean ready(final Ctx c) {
                return read(c, xreadgroup, true);
            }
        };
    }

    private static final BlockedPop XREAD_WAITER = waiter(false);
    private static final BlockedPop XREADGROUP_WAITER = waiter(true);

    /**
     * Runs XREAD / XREADGROUP; with {@code probe}, only tells whether it would answer now (entries
     * to serve, or an error) and changes nothing. Returns the same.
     */
    private static boolean read(final Ctx c, final boolean xreadgroup, final boolean probe) {
        final Request r = c.req;
        long count = 0;
        long timeout = -1;
        int streamsArg = 0;
        int n = 0;
        int groupArg = -1;
        boolean noack = false;
        for (int i = 1; i < r.argc(); i++) {
            final int more = r.argc() - i - 1;
            if (r.argIs(i, BLOCK) && more > 0) {
                i++;
                if (!r.parseLong(i)) {
                    c.out.raw(TIMEOUT_NOT_INTEGER);
                    return true;
                }
                if (r.longValue < 0) {
                    c.out.raw(TIMEOUT_NEGATIVE);
                    return true;
                }
                if (r.longValue > Long.MAX_VALUE - c.now) {
                    c.out.raw(Blocking.OUT_OF_RANGE);
                    return true;
                }
                timeout = r.longValue;
            } else if (r.argIs(i, COUNT) && more > 0) {
                i++;
                if (!r.parseLong(i)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return true;
                }
                count = Math.max(0, r.longValue);
            } else if (r.argIs(i, STREAMS) && more > 0) {
                streamsArg = i + 1;
                n = r.argc() - streamsArg;
                if (n % 2 != 0) {
                    c.out.raw(xreadgroup ? UNBALANCED_GROUP : UNBALANCED);
                    return true;
                }
                n /= 2;
                break;
            } else if (r.argIs(i, GROUP) && more >= 2) {
                if (!xreadgroup) {
                    c.out.raw(GROUP_ONLY_XREADGROUP);
                    return true;
                }
                groupArg = i + 1;
                i += 2;
            } else if (r.argIs(i, NOACK)) {
                if (!xreadgroup) {
                    c.out.raw(NOACK_ONLY_XREADGROUP);
                    return true;
                }
                noack = true;
            } else {
                c.out.raw(Errors.SYNTAX);
                return true;
            }
        }
        if (streamsArg == 0) {
            c.out.raw(Errors.SYNTAX);
            return true;
        }
        if (xreadgroup && groupArg < 0) {
            c.out.raw(MISSING_GROUP);
            return true;
        }
        final long[] ids = new long[2 * n];
        final StreamValue[] streams = new StreamValue[n];
        final StreamGroup[] groups = new StreamGroup[n];
        final StreamArgs a = new StreamArgs();
        for (int k = 0; k < n; k++) {
            final int keyArg = streamsArg + k;
            final int idArg = streamsArg + n + k;
            final long e = c.findRead(keyArg, c.keyHash(keyArg));
            if (e != 0 && (streams[k] = StreamCommands.stream(c, e)) == null) {
                return true;
            }
            if (groupArg >= 0) {
                if (streams[k] == null || (groups[k] = streams[k].group(r.argBytes(groupArg))) == null) {
                    c.out.error("NOGROUP No such key '" + text(r, keyArg) + "' or consumer group '"
                            + text(r, groupArg) + "' in XREADGROUP with GROUP option");
                    return true;
                }
            }
            if (r.len(idArg) == 1 && r.buf()[r.off(idArg)] == '$') {
                if (xreadgroup) {
                    c.out.raw(DOLLAR_IN_GROUP);
                    return true;
                }
                if (streams[k] != null) {
                    ids[2 * k] = streams[k].lastMs;
                    ids[2 * k + 1] = streams[k].lastSeq;
                }
                continue;
            }
            if (r.len(idArg) == 1 && r.buf()[r.off(idArg)] == '>') {
                if (!xreadgroup) {
                    c.out.raw(GT_ONLY_GROUP);
                    return true;
                }
                ids[2 * k] = -1;
                ids[2 * k + 1] = -1;
                continue;
            }
            if (!a.id(r, idArg, 0, true)) {
                c.out.raw(a.error);
                return true;
            }
            ids[2 * k] = a.ms;
            ids[2 * k + 1] = a.seq;
        }
        // each group's consumer is named (and created) first, as Redis does before it reads
        final boolean[] history = new boolean[n];
        final StreamGroup.Consumer[] consumers = new StreamGroup.Consumer[n];
        for (int k = 0; k < n; k++) {
            if (streams[k] == null || groups[k] == null) {
                continue;
            }
            history[k] = ids[2 * k] != -1 || ids[2 * k + 1] != -1;
            if (probe) {
                continue;
            }
            final byte[] name = r.argBytes(groupArg + 1);
            StreamGroup.Consumer consumer = groups[k].consumer(name);
            if (consumer == null) {
                consumer = groups[k].createConsumer(name, c.now);
                Notify.event(c, Notify.STREAM, "xgroup-createconsumer", streamsArg + k);
            }
            consumer.seenTime = c.now;
            consumers[k] = consumer;
        }
        // Streams are served in argument order, each judged when its turn comes: a key named twice
        // with '>' finds the group already past what its first turn delivered, as in Redis.
        final io.netty.buffer.ByteBuf body = c.out.out().alloc().buffer();
        try {
            final Reply tmp = new Reply().bind(body, c.out.proto());
            int served = 0;
            for (int k = 0; k < n; k++) {
                final StreamValue s = streams[k];
                if (s == null) {
                    continue;
                }
                long ms = ids[2 * k];
                long seq = ids[2 * k + 1];
                if (groups[k] != null && !history[k]) {
                    ms = groups[k].lastMs;
                    seq = groups[k].lastSeq;
                }
                if (!history[k] && !s.hasAfter(ms, seq)) {
                    continue;
                }
                served++;
                if (probe) {
                    return true;
                }
                if (!c.out.resp3()) {
                    tmp.arrayHeader(2);
                }
                final int keyArg = streamsArg + k;
                tmp.bulk(r.buf(), r.off(keyArg), r.len(keyArg));
                // the start is exclusive: begin right after the given ID
                if (seq == -1) {
                    ms++;
                    seq = 0;
                } else {
                    seq++;
                }
                if (groups[k] == null) {
                    range(tmp, s, ms, seq, -1, -1, count, false);
                } else if (history[k]) {
                    StreamGroupReads.history(c, tmp, s, consumers[k], ms, seq, count);
                } else {
                    StreamGroupReads.deliver(c, tmp, s, groups[k], consumers[k], ms, seq, count, noack);
                }
            }
            if (served == 0) {
                if (probe) {
                    return false;
                }
                final long deadline = timeout > 0 ? c.now + timeout : 0;
                if (timeout < 0 || !Blocking.mayBlock(c) && !c.blockAcross) {
                    c.out.nullArray(); // no BLOCK, or inside MULTI or a script: as on a timeout
                } else if (c.blockAcross) {
                    c.blockArgs = waitArgs(r, streamsArg, n, ids);
                    c.blockDeadlineMillis = deadline;
                } else {
                    Blocking.blockStream(c, xreadgroup ? XREADGROUP_WAITER : XREAD_WAITER,
                            waitArgs(r, streamsArg, n, ids), deadline, streamsArg,
                            streamsArg + n - 1, xreadgroup);
                }
                return true;
            }
            if (c.out.resp3()) {
                c.out.mapHeader(served);
            } else {
                c.out.arrayHeader(served);
            }
            c.out.out().writeBytes(body);
            return true;
        } finally {
            body.release();
        }
    }

    /** The command to run again when a key is signalled: each {@code $} becomes the ID it stood for now. */
    private static Request waitArgs(final Request r, final int streamsArg, final int n, final long[] ids) {
        final Request w = new Request();
        for (int i = 0; i < r.argc(); i++) {
            final int k = i - streamsArg - n;
            if (k >= 0 && k < n && r.len(i) == 1 && r.buf()[r.off(i)] == '$') {
                w.add(StreamCommands.idString(ids[2 * k], ids[2 * k + 1]).getBytes(StandardCharsets.US_ASCII));
            } else {
                w.add(r.buf(), r.off(i), r.len(i));
            }
        }
        return w;
    }

    private static String text(final Request r, final int i) {
        return new String(r.buf(), r.off(i), r.len(i), StandardCharsets.ISO_8859_1);
    }
}
