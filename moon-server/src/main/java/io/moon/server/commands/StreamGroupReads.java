package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.server.Ctx;
import io.moon.storage.StreamGroup;
import io.moon.storage.StreamIter;
import io.moon.storage.StreamValue;
import io.netty.buffer.ByteBuf;

import java.util.Map;

/**
 * XREADGROUP's two ways of serving one stream: new entries past the group's last delivered ID
 * ({@code >}: they join the group's and the consumer's pending lists unless NOACK), or the
 * consumer's own pending entries from an ID on (its history: each is delivered once more, and an
 * entry deleted since is answered as its ID with a null body), as Redis serves them.
 */
final class StreamGroupReads {
    private StreamGroupReads() {
    }

    /** Writes n then the body (the count is known only after the walk). */
    private static void flush(final Reply out, final ByteBuf body, final long n) {
        out.arrayHeader(n);
        out.out().writeBytes(body);
    }

    // XREADGROUP ... >: entries from start on
    static void deliver(final Ctx c, final Reply to, final StreamValue s, final StreamGroup g, final StreamGroup.Consumer consumer,
                        final long startMs, final long startSeq, final long count, final boolean noack) {
        final StreamIter it = new StreamIter(s).forward(startMs, startSeq, -1, -1);
        final ByteBuf body = c.out.out().alloc().buffer();
        try {
            final Reply tmp = new Reply().bind(body, to.proto());
            long n = 0;
            while ((count == 0 || n < count) && it.next()) {
                if (StreamValue.compare(it.ms, it.seq, g.lastMs, g.lastSeq) > 0) {
                    StreamGroups.advance(s, g, it.ms, it.seq);
                }
                StreamReads.entry(tmp, it);
                if (!noack) {
                    final StreamGroup.Id id = new StreamGroup.Id(it.ms, it.seq);
                    final StreamGroup.Nack old = g.pel.get(id);
                    if (old == null) {
                        final StreamGroup.Nack nack = new StreamGroup.Nack(c.now, 1, consumer);
                        g.pel.put(id, nack);
                        consumer.pel.put(id, nack);
                    } else {
                        // delivered before (the group's ID was set back): it changes hands
                        old.consumer.pel.remove(id);
                        old.consumer = consumer;
                        old.deliveryTime = c.now;
                        old.deliveryCount = 1;
                        consumer.pel.put(id, old);
                    }
                    consumer.activeTime = c.now;
                }
                n++;
            }
            flush(to, body, n);
        } finally {
            body.release();
        }
    }

    // XREADGROUP ... id: the consumer's pending entries from start on
    static void history(final Ctx c, final Reply to, final StreamValue s, final StreamGroup.Consumer consumer, final long startMs,
                        final long startSeq, final long count) {
        final ByteBuf body = c.out.out().alloc().buffer();
        try {
            final Reply tmp = new Reply().bind(body, to.proto());
            long n = 0;
            for (final Map.Entry<StreamGroup.Id, StreamGroup.Nack> e
                    : consumer.pel.tailMap(new StreamGroup.Id(startMs, startSeq), true).entrySet()) {
                if (count != 0 && n >= count) {
                    break;
                }
                final StreamGroup.Id id = e.getKey();
                final StreamIter it = new StreamIter(s).forward(id.ms(), id.seq(), id.ms(), id.seq());
                if (it.next()) {
                    StreamReads.entry(tmp, it);
                    e.getValue().deliveryTime = c.now;
                    e.getValue().deliveryCount++;
                } else {
                    tmp.arrayHeader(2);
                    tmp.bulk(StreamCommands.idString(id.ms(), id.seq()));
                    tmp.nullArray();
                }
                n++;
            }
            flush(to, body, n);
        } finally {
            body.release();
        }
    }
}
