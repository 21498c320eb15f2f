package io.moon.server.net;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The memory that clients' buffers hold, per shard, for client eviction (maxmemory-clients).
 *
 * <p>Memory-ordering contract: slot {@code s} is written only by shard {@code s}'s thread, with
 * release semantics, and read by any thread with acquire semantics; {@link #totalBytes} sums the
 * slots without a lock, so it may mix a shard's newer figure with another's older one. Each
 * figure is itself approximate (see {@link ClientEviction}): eviction needs the order of
 * magnitude, not the byte.
 */
public final class ClientMemoryCounters {
    private final AtomicLongArray perShard;
    /** Per shard, the memory of its largest client as last reported (may lag when that client shrinks). */
    private final AtomicLongArray largest;

    public ClientMemoryCounters(final int shards) {
        perShard = new AtomicLongArray(shards);
        largest = new AtomicLongArray(shards);
    }

    /** Shard {@code shard}'s clients now hold {@code bytes}; on that shard's thread. */
    void publish(final int shard, final long bytes) {
        perShard.setRelease(shard, bytes);
    }

    /** Shard {@code shard}'s largest client now holds {@code bytes}; on that shard's thread. */
    void publishLargest(final int shard, final long bytes) {
        largest.setRelease(shard, bytes);
    }

    /** The shard other than {@code except} whose largest client is larger than {@code bytes}, or -1. */
    int shardWithLarger(final int except, final long bytes) {
        int best = -1;
        long most = bytes;
        for (int i = 0; i < largest.length(); i++) {
            final long b = largest.getAcquire(i);
            if (i != except && b > most) {
                best = i;
                most = b;
            }
        }
        return best;
    }

    /** What the clients of every shard hold, as last published. */
    public long totalBytes() {
        long sum = 0;
        for (int i = 0; i < perShard.length(); i++) {
            sum += perShard.getAcquire(i);
        }
        return sum;
    }
}
