package io.moon.server.memory;

import io.moon.server.Shard;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.Flags;
import io.moon.server.config.Config;
import io.moon.server.xshard.LockTable;
import io.moon.storage.Evictor;

/**
 * One shard's side of maxmemory (Redis's performEvictions, per shard). Runs on the shard's thread
 * only: before each command its connections send while a limit is set, and from the cron.
 */
public final class ShardMemory {
    /** Keys one admission check may delete before letting the command run (bounds its latency). */
    private static final int KEYS_PER_COMMAND = 64;
    /** Keys one cron tick may delete. */
    private static final int KEYS_PER_CRON = 4096;

    private final Shard shard;
    private final MemoryLimit limit;
    private final Evictor.Guard guard;
    /** Bytes buffered by this shard's connections, as of the last cron tick. */
    private long clientBytes;
    private String policyName = "";
    private Evictor.Policy policy = Evictor.Policy.NOEVICTION;

    public ShardMemory(final Shard shard, final MemoryLimit limit) {
        this.shard = shard;
        this.limit = limit;
        final LockTable locks = shard.locks;
        // keys a cross-shard operation holds are never evicted under it: that would break its isolation
        this.guard = (db, k, ko, kl) -> !locks.idle() && !locks.canRunNow(db, k, ko, kl, LockTable.X);
    }

    /** Bytes held by this shard's connections (their CLIENT LIST tot-mem), as of the last count. */
    public long clientBytes() {
        return clientBytes;
    }

    /** A fresh count of {@link #clientBytes} (INFO, MEMORY STATS); published by the next refresh. */
    public void clients(final long bytes) {
        this.clientBytes = bytes;
    }

    /** This shard's bytes now, published for the others (with how many keys it could evict). */
    public long refresh() {
        final long own = shard.keyspace.usedBytes() + clientBytes;
        policy(shard.server.config);
        long candidates = 0;
        final boolean volatileOnly = policyName.startsWith("volatile");
        for (int d = 0; d < shard.keyspace.databases(); d++) {
            final io.moon.storage.Db db = shard.keyspace.db(d);
            candidates += volatileOnly ? db.expiresCount() : db.size();
        }
        limit.publish(shard.id, own, policy == Evictor.Policy.NOEVICTION ? 0 : candidates);
        return own;
    }

    private Evictor.Policy policy(final Config config) {
        final String name = config.maxmemoryPolicy;
        if (!name.equals(policyName)) {
            policy = Evictor.Policy.of(name);
            policyName = name;
            shard.keyspace.evictor().clear();
        }
        return policy;
    }

    /**
     * Frees this shard's share of what the server holds over maxmemory, and asks the other shards
     * holding evictable keys to free theirs; then says whether the command may run: a command that
     * may grow memory (denyoom) is refused while the server is over the limit and no shard can evict
     * anything (noeviction, or no key with a TTL under a volatile policy), as Redis refuses it when
     * eviction fails.
     */
    public boolean admit(final CommandSpec spec) {
        return admit(spec.has(Flags.DENYOOM));
    }

    /** {@link #admit(CommandSpec)} for a command that may ({@code denyoom}) or may not grow memory. */
    public boolean admit(final boolean denyoom) {
        final Config config = shard.server.config;
        if (shard.server.pause.active() && shard.server.pause.keepsDataset(System.currentTimeMillis())) {
            return true; // Redis evicts nothing during CLIENT PAUSE, so it refuses nothing for memory
        }
        final long max = config.maxmemory;
        policy(config);
        long own = refresh();
        long total = limit.totalWith(shard.id, own);
        if (total <= max) {
            return true;
        }
        final Evictor.Policy p = policy(config);
        int evicted = 0;
        if (p != Evictor.Policy.NOEVICTION) {
            evicted = evictShare(p, config, own, total, max, KEYS_PER_COMMAND);
            own = refresh();
            total = limit.totalWith(shard.id, own);
            if (total > max) {
                askOthers();
            }
        }
        return total <= max || evicted > 0 || limit.othersCanEvict(shard.id) || !denyoom;
    }

    /** Posts an eviction pass to every other shard not already asked. */
    private void askOthers() {
        for (int i = 0; i < limit.shards(); i++) {
            if (i != shard.id && limit.ask(i)) {
                final Shard other = shard.server.shard(i);
                other.execute(() -> {
                    limit.answered(other.id);
                    other.memory.evictNow();
                });
            }
        }
    }

    /** An eviction pass on request of another shard (its thread). */
    void evictNow() {
        final Config config = shard.server.config;
        final long max = config.maxmemory;
        if (max == 0 || shard.server.pause.active() && shard.server.pause.keepsDataset(System.currentTimeMillis())) {
            return; // nothing is evicted during CLIENT PAUSE
        }
        final long own = refresh();
        final long total = limit.totalWith(shard.id, own);
        final Evictor.Policy p = policy(config);
        if (total > max && p != Evictor.Policy.NOEVICTION) {
            evictShare(p, config, own, total, max, KEYS_PER_CRON);
            refresh();
        }
    }

    /** From the cron: recount objects and buffers, publish, and evict this shard's share if over. */
    public void cron(final long connectionBytes) {
        this.clientBytes = connectionBytes;
        shard.keyspace.refreshObjectBytes();
        policy(shard.server.config);
        evictNow();
        refresh();
    }

    private int evictShare(final Evictor.Policy p, final Config config, final long own, final long total,
            final long max, final int maxKeys) {
        final long share = (long) ((double) (total - max) * own / total) + 1;
        return shard.keyspace.evictor().evict(p, config.maxmemorySamples, share, maxKeys, guard,
                System.currentTimeMillis());
    }
}
