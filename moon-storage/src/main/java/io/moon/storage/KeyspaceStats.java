package io.moon.storage;

/**
 * Keyspace counters of one shard, as INFO stats reports them summed over shards.
 *
 * <p>Plain longs written only by the owning shard thread. Readers on other threads get them by
 * asking that thread (INFO fans out a message), so no ordering contract is needed.
 */
public final class KeyspaceStats {
    public long expiredKeys;
    public long keyspaceHits;
    public long keyspaceMisses;
    public long evictedKeys;
    public long expireCycleSampled;
    public long expireCycleTimeouts;
    public long expireCycleNanos;

    public void reset() {
        expiredKeys = 0;
        keyspaceHits = 0;
        keyspaceMisses = 0;
        evictedKeys = 0;
        expireCycleSampled = 0;
        expireCycleTimeouts = 0;
        expireCycleNanos = 0;
    }

    public void add(final KeyspaceStats o) {
        expiredKeys += o.expiredKeys;
        keyspaceHits += o.keyspaceHits;
        keyspaceMisses += o.keyspaceMisses;
        evictedKeys += o.evictedKeys;
        expireCycleSampled += o.expireCycleSampled;
        expireCycleTimeouts += o.expireCycleTimeouts;
        expireCycleNanos += o.expireCycleNanos;
    }
}
