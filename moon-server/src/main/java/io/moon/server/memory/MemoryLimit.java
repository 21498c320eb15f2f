package io.moon.server.memory;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * maxmemory across shards. Each shard counts the bytes its own data holds
 * ({@code Keyspace.usedBytes()}: live slots, tables, objects) plus its connections' buffers, and
 * publishes that figure here; the total is what INFO reports as used_memory and what maxmemory
 * bounds. A shard only ever deletes its own keys: when the total is over the limit it frees its
 * proportional share ({@code (total - max) * own / total}), so shards that all do so land on the
 * limit together, and none frees another's keys (the ownership rule holds).
 *
 * <p>Shared by all shards: slot i is written only by shard i (release) and read by everyone
 * (acquire), so a reader sees each shard's figure as of its last command or cron tick. That
 * staleness (at most one cron period for an idle shard) is the price of not sharing a counter on
 * every write.
 */
public final class MemoryLimit {
    private final AtomicLongArray used;
    /** Keys each shard could evict under the current policy (all keys, or those with a TTL). */
    private final AtomicLongArray evictable;
    /** Whether an eviction request is already queued on each shard (so requests don't pile up). */
    private final java.util.concurrent.atomic.AtomicIntegerArray asked;

    public MemoryLimit(final int shards) {
        this.used = new AtomicLongArray(shards);
        this.evictable = new AtomicLongArray(shards);
        this.asked = new java.util.concurrent.atomic.AtomicIntegerArray(shards);
    }

    public void publish(final int shard, final long bytes, final long evictableKeys) {
        used.setRelease(shard, bytes);
        evictable.setRelease(shard, evictableKeys);
    }

    /** Whether a shard other than {@code shard} has keys it could evict. */
    public boolean othersCanEvict(final int shard) {
        for (int i = 0; i < evictable.length(); i++) {
            if (i != shard && evictable.getAcquire(i) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Marks shard i as asked to evict; false when a request is already pending there. */
    public boolean ask(final int shard) {
        return asked.compareAndSet(shard, 0, 1);
    }

    /** Shard i took its pending request. */
    public void answered(final int shard) {
        asked.setRelease(shard, 0);
    }

    public int shards() {
        return used.length();
    }

    /** The sum of every shard's last published figure. */
    public long total() {
        long n = 0;
        for (int i = 0; i < used.length(); i++) {
            n += used.getAcquire(i);
        }
        return n;
    }

    /** The total with shard {@code shard}'s figure replaced by a fresher one. */
    public long totalWith(final int shard, final long own) {
        return total() - used.getAcquire(shard) + own;
    }

    /**
     * The heap a given maxmemory needs so that the limit, not the JVM, is what stops growth:
     * accounted bytes plus the objects Moon does not count (requests, connections, transient
     * garbage between collections), taken as half again plus 256 MB. The launcher sizes -Xmx the
     * same way (see docs/jvm.md).
     */
    public static long heapNeeded(final long maxmemory) {
        return maxmemory + maxmemory / 2 + (256L << 20);
    }
}
