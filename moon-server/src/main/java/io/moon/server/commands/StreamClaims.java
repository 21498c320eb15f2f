package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.pubsub.Notify;
import io.moon.storage.StreamGroup;
import io.moon.storage.StreamIter;
import io.moon.storage.StreamValue;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.moon.protocol.Reply.err;

/**
 * XCLAIM and XAUTOCLAIM: pending entries of a group change hands, as Redis 7.2 moves them. The
 * claiming consumer is created (and its seen time set) whether or not it claims anything; a
 * claimed entry's delivery time and count are updated and its consumer's active time set; a
 * pending entry whose stream entry is gone leaves the pending lists instead. The append-only file
 * logs these commands as the state they left (see {@code wal.StreamRewrite}).
 */
public final class StreamClaims {
    private static final byte[] XCLAIM_MIN_IDLE = err("ERR Invalid min-idle-time argument for XCLAIM");
    private static final byte[] XAUTOCLAIM_MIN_IDLE = err("ERR Invalid min-idle-time argument for XAUTOCLAIM");
    private static final byte[] BAD_IDLE = err("ERR Invalid IDLE option argument for XCLAIM");
    private static final byte[] BAD_TIME = err("ERR Invalid TIME option argument for XCLAIM");
    private static final byte[] BAD_RETRYCOUNT = err("ERR Invalid RETRYCOUNT option argument for XCLAIM");
    private static final byte[] BAD_START = err("ERR invalid start ID for the interval");
    private static final byte[] COUNT_POSITIVE = err("ERR COUNT must be > 0");
    private static final byte[] FORCE = "FORCE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JUSTID = "JUSTID".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDLE = "IDLE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIME = "TIME".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRYCOUNT = "RETRYCOUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LASTID = "LASTID".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    /** XAUTOCLAIM looks at no more than COUNT times this many pending entries (Redis's attempts factor). */
    private static final long ATTEMPTS_FACTOR = 10;
    private static final long COUNT_DEFAULT = 100;

    private StreamClaims() {
    }

    private static String text(final Request r, final int i) {
        return new String(r.buf(), r.off(i), r.len(i), StandardCharsets.ISO_8859_1);
    }

    /** The group at argument 2 of the stream at argument 1, or null after replying WRONGTYPE or NOGROUP. */
    private static StreamGroup group(final Ctx c, final StreamValue[] stream) {
        final long a = c.find(1, c.keyHash(1));
        StreamGroup g = null;
        if (a != 0) {
            if ((stream[0] = StreamCommands.stream(c, a)) == null) {
                return null;
            }
            g = stream[0].group(c.req.argBytes(2));
        }
        if (g == null) {
            c.out.error("NOGROUP No such key '" + text(c.req, 1) + "' or consumer group '" + text(c.req, 2) + "'");
        }
        return g;
    }

    /** The consumer at argument 3, created when new; its seen time is now. */
    private static StreamGroup.Consumer consumer(final Ctx c, final StreamGroup g) {
        final byte[] name = c.req.argBytes(3);
        StreamGroup.Consumer k = g.consumer(name);
        if (k == null) {
            k = g.createConsumer(name, c.now);
            Notify.event(c, Notify.STREAM, "xgroup-createconsumer", 1);
        }
        k.seenTime = c.now;
        return k;
    }

    /** Whether the stream holds a live entry with this ID; leaves the iterator on it. */
    private static boolean exists(final StreamIter it, final StreamGroup.Id id) {
        it.forward(id.ms(), id.seq(), id.ms(), id.seq());
        return it.next();
    }

    /** Drops a pending entry whose stream entry is gone, from the group's list and its owner's. */
    private static void forget(final StreamGroup g, final StreamGroup.Id id, final StreamGroup.Nack n) {
        g.pel.remove(id);
        if (n.consumer != null) {
            n.consumer.pel.remove(id);
        }
    }

    /** Gives the pending entry to {@code to} (from whoever had it), as delivered at {@code time}. */
    private static void transfer(final StreamGroup.Id id, final StreamGroup.Nack n, final StreamGroup.Consumer to,
                                 final long time) {
        n.deliveryTime = time;
        if (n.consumer != to) {
            if (n.consumer != null) {
                n.consumer.pel.remove(id);
            }
            to.pel.put(id, n);
            n.consumer = to;
        }
    }

    // XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds]
    //     [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
    public static void xclaim(final Ctx c) {
        c.keysUnchanged(); // a consumer group changes, not the stream: Redis signals no modified key
        final StreamValue[] sv = new StreamValue[1];
        final StreamGroup g = group(c, sv);
        if (g == null) {
            return;
        }
        final StreamValue s = sv[0];
        final Request r = c.req;
        if (!r.parseLong(4)) {
            c.out.raw(XCLAIM_MIN_IDLE);
            return;
        }
        final long minIdle = Math.max(0, r.longValue);
        // the IDs run until the first argument that is not one: the options follow
        final StreamArgs a = new StreamArgs();
        final List<StreamGroup.Id> ids = new ArrayList<>();
        int j = 5;
        for (; j < r.argc() && a.id(r, j, 0, true); j++) {
            ids.add(new StreamGroup.Id(a.ms, a.seq));
        }
        long deliveryTime = -1;
        long retryCount = -1;
        boolean force = false;
        boolean justId = false;
        long lastMs = 0;
        long lastSeq = 0;
        for (; j < r.argc(); j++) {
            final boolean more = j + 1 < r.argc();
            if (r.argIs(j, FORCE)) {
                force = true;
            } else if (r.argIs(j, JUSTID)) {
                justId = true;
            } else if (r.argIs(j, IDLE) && more) {
                if (!r.parseLong(++j)) {
                    c.out.raw(BAD_IDLE);
                    return;
                }
                deliveryTime = c.now - r.longValue;
            } else if (r.argIs(j, TIME) && more) {
                if (!r.parseLong(++j)) {
                    c.out.raw(BAD_TIME);
                    return;
                }
                deliveryTime = r.longValue;
            } else if (r.argIs(j, RETRYCOUNT) && more) {
                if (!r.parseLong(++j)) {
                    c.out.raw(BAD_RETRYCOUNT);
                    return;
                }
                retryCount = r.longValue;
            } else if (r.argIs(j, LASTID) && more) {
                if (!a.id(r, ++j, 0, true)) {
                    c.out.raw(a.error);
                    return;
                }
                lastMs = a.ms;
                lastSeq = a.seq;
            } else {
                c.out.error("ERR Unrecognized XCLAIM option '" + text(r, j) + "'");
                return;
            }
        }
        if (StreamValue.compare(lastMs, lastSeq, g.lastMs, g.lastSeq) > 0) {
            g.lastMs = lastMs;
            g.lastSeq = lastSeq;
        }
        // a delivery time in the future or before the epoch is taken as now, as Redis does
        if (deliveryTime < 0 || deliveryTime > c.now) {
            deliveryTime = c.now;
        }
        final StreamGroup.Consumer consumer = consumer(c, g);
        final ByteBuf body = c.out.out().alloc().buffer();
        try {
            final Reply tmp = new Reply().bind(body, c.out.proto());
            final StreamIter it = new StreamIter(s);
            long n = 0;
            for (final StreamGroup.Id id : ids) {
                StreamGroup.Nack nack = g.pel.get(id);
                if (!exists(it, id)) {
                    if (nack != null) {
                        forget(g, id, nack);
                    }
                    continue;
                }
                if (nack == null) {
                    if (!force) {
                        continue;
                    }
                    nack = new StreamGroup.Nack(c.now, 1, null);
                    g.pel.put(id, nack);
                } else if (nack.consumer != null && minIdle != 0 && c.now - nack.deliveryTime < minIdle) {
                    continue;
                }
                transfer(id, nack, consumer, deliveryTime);
                if (retryCount >= 0) {
                    nack.deliveryCount = retryCount;
                } else if (!justId) {
                    nack.deliveryCount++;
                }
                if (justId) {
                    tmp.bulk(StreamCommands.idString(id.ms(), id.seq()));
                } else {
                    StreamReads.entry(tmp, it);
                }
                n++;
                consumer.activeTime = c.now;
            }
            c.out.arrayHeader(n);
            c.out.out().writeBytes(body);
        } finally {
            body.release();
        }
    }

    // XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
    public static void xautoclaim(final Ctx c) {
        c.keysUnchanged(); // a consumer group changes, not the stream: Redis signals no modified key
        final Request r = c.req;
        if (!r.parseLong(4)) {
            c.out.raw(XAUTOCLAIM_MIN_IDLE);
            return;
        }
        final long minIdle = Math.max(0, r.longValue);
        final StreamArgs a = new StreamArgs();
        if (!StreamReads.intervalBound(r, 5, a, 0)) {
            c.out.raw(a.error);
            return;
        }
        long startMs = a.ms;
        long startSeq = a.seq;
        if (StreamReads.excluded(r, 5)) {
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
        long count = COUNT_DEFAULT;
        boolean justId = false;
        for (int j = 6; j < r.argc(); j++) {
            if (r.argIs(j, COUNT) && j + 1 < r.argc()) {
                if (!r.parseLong(++j) || r.longValue < 1 || r.longValue > Long.MAX_VALUE / 16) {
                    c.out.raw(COUNT_POSITIVE);
                    return;
                }
                count = r.longValue;
            } else if (r.argIs(j, JUSTID)) {
                justId = true;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        final StreamValue[] sv = new StreamValue[1];
        final StreamGroup g = group(c, sv);
        if (g == null) {
            return;
        }
        final StreamValue s = sv[0];
        final StreamGroup.Consumer consumer = consumer(c, g);
        long attempts = count * ATTEMPTS_FACTOR;
        final List<StreamGroup.Id> deleted = new ArrayList<>();
        final ByteBuf body = c.out.out().alloc().buffer();
        try {
            final Reply tmp = new Reply().bind(body, c.out.proto());
            final StreamIter it = new StreamIter(s);
            long n = 0;
            StreamGroup.Id at = g.pel.ceilingKey(new StreamGroup.Id(startMs, startSeq));
            StreamGroup.Id last = null;
            while (attempts-- > 0 && count > 0 && at != null) {
                final StreamGroup.Id id = at;
                final StreamGroup.Nack nack = g.pel.get(id);
                last = id;
                at = g.pel.higherKey(id);
                if (!exists(it, id)) {
                    forget(g, id, nack);
                    deleted.add(id);
                    count--;
                    continue;
                }
                if (minIdle != 0 && c.now - nack.deliveryTime < minIdle) {
                    continue;
                }
                transfer(id, nack, consumer, c.now);
                if (!justId) {
                    nack.deliveryCount++;
                }
                if (justId) {
                    tmp.bulk(StreamCommands.idString(id.ms(), id.seq()));
                } else {
                    StreamReads.entry(tmp, it);
                }
                n++;
                count--;
                consumer.activeTime = c.now;
            }
            // the cursor: the first pending entry after the last one looked at (0-0 when none)
            final StreamGroup.Id next = last == null ? null : g.pel.higherKey(last);
            c.out.arrayHeader(3);
            c.out.bulk(next == null ? "0-0" : StreamCommands.idString(next.ms(), next.seq()));
            c.out.arrayHeader(n);
            c.out.out().writeBytes(body);
            c.out.arrayHeader(deleted.size());
            for (final StreamGroup.Id id : deleted) {
                c.out.bulk(StreamCommands.idString(id.ms(), id.seq()));
            }
        } finally {
            body.release();
        }
    }
}
