package io.moon.storage;

import java.util.Arrays;
import java.util.Locale;

/**
 * Frees memory under maxmemory by deleting keys as Redis's evict.c chooses them: sample
 * {@code maxmemory-samples} keys per database (all keys, or only those with a TTL for the
 * volatile-* policies), keep the best candidates seen so far in a small pool ordered by how
 * evictable they are (idle time for LRU, low frequency for LFU, nearest expiry for TTL), and delete
 * the best one that still exists. The pool carries good candidates from one round to the next, which
 * is what makes sampling approximate true LRU closely. Random policies just pick a random key,
 * visiting databases in turn.
 *
 * <p>One per keyspace, used by its shard's thread only. Keys come out of the pool by value (copied
 * bytes, buffers reused), because slab addresses move when entries are resized or freed.
 */
public final class Evictor {
    /** Redis's EVPOOL_SIZE. */
    static final int POOL = 16;

    /** The eight maxmemory policies. */
    public enum Policy {
        NOEVICTION, ALLKEYS_LRU, ALLKEYS_LFU, ALLKEYS_RANDOM, VOLATILE_LRU, VOLATILE_LFU, VOLATILE_RANDOM,
        VOLATILE_TTL;

        /** The policy named as in redis.conf ("allkeys-lru"...). */
        public static Policy of(final String name) {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        boolean volatileOnly() {
            return this == VOLATILE_LRU || this == VOLATILE_LFU || this == VOLATILE_RANDOM || this == VOLATILE_TTL;
        }

        boolean random() {
            return this == ALLKEYS_RANDOM || this == VOLATILE_RANDOM;
        }
    }

    /** Says whether a key may not be deleted now (a cross-shard operation holds it). */
    @FunctionalInterface
    public interface Guard {
        boolean held(int db, byte[] k, int ko, int kl);
    }

    private final Keyspace keyspace;
    private final int[] poolDb = new int[POOL];
    private final long[] poolScore = new long[POOL];
    private final byte[][] poolKey = new byte[POOL][];
    private final int[] poolLen = new int[POOL];
    private int poolSize;
    private int nextRandomDb;

    Evictor(final Keyspace keyspace) {
        this.keyspace = keyspace;
        for (int i = 0; i < POOL; i++) {
            poolKey[i] = new byte[32];
        }
    }

    /**
     * Deletes keys until {@code bytesToFree} bytes of {@link Keyspace#usedBytes()} are gone, no
     * candidate is left, or {@code maxKeys} keys were deleted (bounds one call's latency; the caller
     * comes back for more). Returns the number of keys deleted; 0 with bytes still to free means
     * nothing could be evicted (no keys, or none with a TTL under a volatile policy).
     */
    public int evict(final Policy policy, final int samples, final long bytesToFree, final int maxKeys,
            final Guard guard, final long nowMillis) {
        if (policy == Policy.NOEVICTION || bytesToFree <= 0) {
            return 0;
        }
        final long start = keyspace.usedBytes();
        int deleted = 0;
        int misses = 0;
        while (deleted < maxKeys && start - keyspace.usedBytes() < bytesToFree) {
            final boolean ok = policy.random() ? evictRandom(policy, guard) : evictSampled(policy, samples, guard, nowMillis);
            if (ok) {
                deleted++;
                misses = 0;
            } else if (++misses > 3) {
                break; // nothing evictable (or everything held): the caller decides what that means
            }
        }
        return deleted;
    }

    private boolean evictRandom(final Policy policy, final Guard guard) {
        final Db[] dbs = keyspace.dbs();
        for (int n = 0; n < dbs.length; n++) {
            final Db db = dbs[nextRandomDb];
            nextRandomDb = (nextRandomDb + 1) % dbs.length;
            final long a = policy.volatileOnly() ? db.randomExpiring(keyspace.random()) : db.randomEntry(keyspace.random());
            if (a != 0 && deleteIfFree(db, a, guard)) {
                return true;
            }
        }
        return false;
    }

    private boolean evictSampled(final Policy policy, final int samples, final Guard guard, final long nowMillis) {
        for (final Db db : keyspace.dbs()) {
            for (int s = 0; s < samples; s++) {
                final long a = policy.volatileOnly() ? db.randomExpiring(keyspace.random()) : db.randomEntry(keyspace.random());
                if (a == 0) {
                    break;
                }
                offer(db, a, score(policy, db, a));
            }
        }
        // best candidates sit at the end of the pool
        while (poolSize > 0) {
            final int i = --poolSize;
            final Db db = keyspace.db(poolDb[i]);
            final byte[] k = poolKey[i];
            final int kl = poolLen[i];
            final long h = Db.hash(k, 0, kl);
            final long a = db.lookup(k, 0, kl, h);
            if (a == 0 || (policy.volatileOnly() && db.expireAt(a) < 0)) {
                continue; // gone or changed since it was sampled
            }
            if (deleteIfFree(db, a, guard)) {
                return true;
            }
        }
        return false;
    }

    /** Higher means evict sooner. */
    private long score(final Policy policy, final Db db, final long a) {
        return switch (policy) {
            case ALLKEYS_LRU, VOLATILE_LRU -> {
                final int stamp = db.lru(a);
                final int clock = keyspace.lruClock();
                yield clock >= stamp ? clock - stamp : clock + (Keyspace.LRU_CLOCK_MAX - stamp);
            }
            case ALLKEYS_LFU, VOLATILE_LFU -> 255 - keyspace.lfuDecayed(db.lru(a));
            case VOLATILE_TTL -> Long.MAX_VALUE - db.expireAt(a);
            default -> 0;
        };
    }

    /** Inserts the candidate into the pool, kept in ascending score order, dropping the worst when full. */
    private void offer(final Db db, final long a, final long score) {
        int pos = 0;
        while (pos < poolSize && poolScore[pos] < score) {
            pos++;
        }
        if (poolSize == POOL) {
            if (pos == 0) {
                return; // worse than everything held
            }
            // drop the worst (index 0): shift left to make room at pos - 1
            final byte[] spare = poolKey[0];
            System.arraycopy(poolDb, 1, poolDb, 0, pos - 1);
            System.arraycopy(poolScore, 1, poolScore, 0, pos - 1);
            System.arraycopy(poolKey, 1, poolKey, 0, pos - 1);
            System.arraycopy(poolLen, 1, poolLen, 0, pos - 1);
            poolKey[pos - 1] = spare;
            pos--;
        } else {
            final byte[] spare = poolKey[poolSize];
            System.arraycopy(poolDb, pos, poolDb, pos + 1, poolSize - pos);
            System.arraycopy(poolScore, pos, poolScore, pos + 1, poolSize - pos);
            System.arraycopy(poolKey, pos, poolKey, pos + 1, poolSize - pos);
            System.arraycopy(poolLen, pos, poolLen, pos + 1, poolSize - pos);
            poolKey[pos] = spare;
            poolSize++;
        }
        final int kl = db.keyLength(a);
        byte[] buf = poolKey[pos];
        if (buf.length < kl) {
            buf = Arrays.copyOf(buf, Math.max(kl, buf.length * 2));
            poolKey[pos] = buf;
        }
        System.arraycopy(db.page(a), db.keyOffset(a), buf, 0, kl);
        poolLen[pos] = kl;
        poolDb[pos] = db.index();
        poolScore[pos] = score;
    }

    private boolean deleteIfFree(final Db db, final long a, final Guard guard) {
        final byte[] p = db.page(a);
        final int ko = db.keyOffset(a);
        final int kl = db.keyLength(a);
        if (guard != null && guard.held(db.index(), p, ko, kl)) {
            return false;
        }
        final Keyspace.KeyEvents events = keyspace.keyEvents;
        if (events != null) {
            events.evicted(db.index(), p, ko, kl);
        }
        db.unlinkAndFree(a, Db.hash(p, ko, kl));
        keyspace.stats.evictedKeys++;
        return true;
    }

    /** Forgets pooled candidates (after FLUSHALL, or when the policy changes). */
    public void clear() {
        poolSize = 0;
    }
}
