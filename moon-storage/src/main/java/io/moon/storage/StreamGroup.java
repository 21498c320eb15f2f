package io.moon.storage;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group of a stream: its last delivered ID, its count of entries read (-1: not
 * known), its pending entries list (PEL: entries delivered and not yet acknowledged, by ID) and
 * its consumers, each with its own view of the PEL entries it owns. Names are ordered as Redis's
 * radix trees order them (bytes, unsigned), so every listing and the RDB file come in Redis's order.
 * Owned by its stream's shard thread; not thread-safe.
 */
public final class StreamGroup {
    /** Redis's SCG_INVALID_ENTRIES_READ. */
    public static final long ENTRIES_READ_UNKNOWN = -1;

    public final byte[] name;
    public long lastMs;
    public long lastSeq;
    public long entriesRead;
    public final TreeMap<Id, Nack> pel = new TreeMap<>();
    public final TreeMap<Name, Consumer> consumers = new TreeMap<>();

    public StreamGroup(final byte[] name, final long lastMs, final long lastSeq, final long entriesRead) {
        this.name = name;
        this.lastMs = lastMs;
        this.lastSeq = lastSeq;
        this.entriesRead = entriesRead;
    }

    /** A stream ID as a map key, ordered unsigned (ms, then seq). */
    public record Id(long ms, long seq) implements Comparable<Id> {
        @Override
        public int compareTo(final Id o) {
            return StreamValue.compare(ms, seq, o.ms, o.seq);
        }
    }

    /** A name (group or consumer) as a map key, ordered as bytes compare unsigned. */
    public record Name(byte[] bytes) implements Comparable<Name> {
        @Override
        public int compareTo(final Name o) {
            return Arrays.compareUnsigned(bytes, o.bytes);
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Name n && Arrays.equals(bytes, n.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** A pending entry: when it was last delivered, how many times, and to whom. */
    public static final class Nack {
        public long deliveryTime;
        public long deliveryCount;
        public Consumer consumer;

        public Nack(final long deliveryTime, final long deliveryCount, final Consumer consumer) {
            this.deliveryTime = deliveryTime;
            this.deliveryCount = deliveryCount;
            this.consumer = consumer;
        }
    }

    /** A consumer: when it was last seen (any command naming it) and last active (read or claimed). */
    public static final class Consumer {
        public final byte[] name;
        public long seenTime;
        public long activeTime;
        public final TreeMap<Id, Nack> pel = new TreeMap<>();

        public Consumer(final byte[] name, final long seenTime, final long activeTime) {
            this.name = name;
            this.seenTime = seenTime;
            this.activeTime = activeTime;
        }
    }

    public Consumer consumer(final byte[] n) {
        return consumers.get(new Name(n));
    }

    /** Creates the consumer; null when it exists already. */
    public Consumer createConsumer(final byte[] n, final long nowMillis) {
        final Name k = new Name(n);
        if (consumers.containsKey(k)) {
            return null;
        }
        final Consumer c = new Consumer(n, nowMillis, -1);
        consumers.put(k, c);
        return c;
    }

    /** Deletes the consumer and its pending entries (from the group's PEL too); returns how many it had. */
    public long deleteConsumer(final Consumer c) {
        final long n = c.pel.size();
        for (final Id id : c.pel.keySet()) {
            pel.remove(id);
        }
        consumers.remove(new Name(c.name));
        return n;
    }

    /** A deep copy (for COPY and cross-shard moves). */
    StreamGroup copy() {
        final StreamGroup g = new StreamGroup(name.clone(), lastMs, lastSeq, entriesRead);
        for (final Map.Entry<Name, Consumer> e : consumers.entrySet()) {
            final Consumer c = e.getValue();
            g.consumers.put(new Name(c.name.clone()), new Consumer(c.name.clone(), c.seenTime, c.activeTime));
        }
        for (final Map.Entry<Id, Nack> e : pel.entrySet()) {
            final Nack n = e.getValue();
            final Consumer owner = n.consumer == null ? null : g.consumers.get(new Name(n.consumer.name));
            final Nack copy = new Nack(n.deliveryTime, n.deliveryCount, owner);
            g.pel.put(e.getKey(), copy);
            if (owner != null) {
                owner.pel.put(e.getKey(), copy);
            }
        }
        return g;
    }

    /** Bytes this group holds, estimated: the maps' nodes, the names. */
    long memoryBytes() {
        long n = 64 + name.length + 80L * pel.size();
        for (final Consumer c : consumers.values()) {
            n += 96 + c.name.length + 48L * c.pel.size();
        }
        return n;
    }
}
