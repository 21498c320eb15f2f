package io.moon.storage;

import java.util.SplittableRandom;

/**
 * One shard's part of the keyspace: its slice of every numbered database, the access clock used
 * for LRU/LFU stamps, the active expire cycle and the shard's keyspace counters.
 *
 * <p>Owned by its shard thread; not thread-safe. Other threads learn about it only through
 * messages to that thread.
 */
public final class Keyspace {
    /** Redis's LRU clock: seconds, 24 bits. */
    static final int LRU_CLOCK_MAX = (1 << 24) - 1;
    static final int LFU_INIT_VAL = 5;
    /** Keys sampled per round of the active expire cycle (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
    static final int EXPIRE_KEYS_PER_LOOP = 20;
    /** Keep sampling a database while more than this percentage of samples had expired. */
    static final int EXPIRE_ACCEPTABLE_STALE_PERCENT = 10;

    public final KeyspaceStats stats = new KeyspaceStats();
    private final Db[] dbs;
    private final SplittableRandom rnd;
    private long nowMillis;
    private int lruClock;
    private boolean lfu;
    private int lfuLogFactor = 10;
    private int lfuDecayMinutes = 1;
    private boolean activeExpire = true;
    private int expireDbCursor;
    private final int[] expireCursor;

    public Keyspace(final int databases, final long seed) {
        dbs = new Db[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Db(this, i);
        }
        expireCursor = new int[databases];
        rnd = new SplittableRandom(seed);
        clock(System.currentTimeMillis());
        evictor = new Evictor(this);
    }

    private final Evictor evictor;

    /** Chooses and deletes keys when maxmemory is reached. */
    public Evictor evictor() {
        return evictor;
    }

    public Db db(final int i) {
        return dbs[i];
    }

    Db[] dbs() {
        return dbs;
    }

    public int databases() {
        return dbs.length;
    }

    public SplittableRandom random() {
        return rnd;
    }

    /** Exchanges two databases (SWAPDB): clients see the other's keys at once. */
    public void swap(final int a, final int b) {
        final Db x = dbs[a];
        dbs[a] = dbs[b];
        dbs[b] = x;
        dbs[a].index(a);
        dbs[b].index(b);
    }

    // ---- keys that clients wait for (blocking pops) ---------------------------------------------

    /**
     * Told, on the shard thread, each time a list, sorted set or stream is created under some key
     * (a push, ZADD or XADD on a missing key, RENAME, MOVE, RESTORE...) while {@link #watchCreations
     * watching}.
     * Creation is the only moment a blocked client can become servable: Redis has no empty
     * collections, and clients block only on keys that hold none.
     */
    public interface Creations {
        void created(int db, byte[] k, int ko, int kl);

        /**
         * A stream left the keyspace (deleted, overwritten, renamed away): clients blocked in
         * XREADGROUP on it must hear, as Redis 7.2 tells them (their group is gone with it).
         */
        default void streamDeleted(final int db, final byte[] k, final int ko, final int kl) {
        }
    }

    /**
     * The object value {@code old} of entry addr of db is going: deleted ({@code newKind} -1) or
     * replaced by a value of another kind. A stream's waiters hear it while someone waits.
     */
    void streamGone(final Db db, final long addr, final ValueObject old, final int newKind) {
        final Creations watcher = creations;
        if (watcher != null && old instanceof StreamValue && newKind != Entry.KIND_STREAM) {
            watcher.streamDeleted(db.index(), db.page(addr), db.keyOffset(addr), db.keyLength(addr));
        }
    }

    /**
     * A key got something a blocked client may want without being created (XADD to an existing
     * stream, XGROUP DESTROY): reported like a creation while someone waits.
     */
    public void signalReady(final int db, final byte[] k, final int ko, final int kl) {
        final Creations watcher = creations;
        if (watcher != null) {
            watcher.created(db, k, ko, kl);
        }
    }

    /** Null unless someone waits: then every insert of an awaitable kind is reported. */
    Creations creations;

    /** Starts (non-null) or stops (null) reporting creations of lists and sorted sets. */
    public void watchCreations(final Creations watcher) {
        this.creations = watcher;
    }

    /**
     * Told, on the shard thread, when a key leaves the keyspace by itself: its TTL passed (lazy or
     * active expiry) or eviction chose it. Keyspace notifications, WATCH and the write-ahead log
     * all need these moments, which no command names. Null when nobody listens.
     */
    public interface KeyEvents {
        /** The key (bytes {@code k[ko, ko+kl)}, valid only during the call) expired in database {@code db}. */
        void expired(int db, byte[] k, int ko, int kl);

        /** The key was evicted to respect maxmemory. */
        default void evicted(final int db, final byte[] k, final int ko, final int kl) {
        }

        /**
         * A key that did not exist was created (Redis's "new" event). A key deleted and written
         * again by the same command (an overwrite) is not reported; see {@link #commandStarts}.
         */
        default void created(final int db, final byte[] k, final int ko, final int kl) {
        }

        /**
         * Fields of the hash past their TTL were deleted (lazily or by the active cycle);
         * {@code keyDeleted} when that emptied the hash and its key went too.
         */
        default void fieldsExpired(final int db, final byte[] k, final int ko, final int kl, final boolean keyDeleted) {
        }
    }

    KeyEvents keyEvents;
    /**
     * Whether expired keys are to be left in place at this time (CLIENT PAUSE keeps the dataset
     * static: an expired key reads as missing but is deleted only once the pause ends); null: never.
     */
    java.util.function.LongPredicate expiryPaused;

    /** Sets the test of {@link #expiryPaused} (the shard's CLIENT PAUSE state). */
    public void expiryPaused(final java.util.function.LongPredicate paused) {
        this.expiryPaused = paused;
    }

    /** Whether an expired key met now stays in place (CLIENT PAUSE in force). */
    boolean keepsExpired(final long nowMillis) {
        final java.util.function.LongPredicate p = expiryPaused;
        return p != null && p.test(nowMillis);
    }

    /** The last key a command deleted (database and hash; db -1: none): re-inserting it is an overwrite. */
    int deletedDb = -1;
    long deletedHash;

    /** Called before each command: keys it deletes and writes again count as overwritten, not new. */
    public void commandStarts() {
        deletedDb = -1;
    }

    /** Sets (or clears, with null) the listener of expirations and evictions. */
    public void keyEvents(final KeyEvents listener) {
        this.keyEvents = listener;
    }

    /** Kinds a blocking pop waits for: lists and sorted sets, in either encoding. */
    static boolean awaitable(final int kind) {
        return kind == Entry.KIND_LIST_LP || kind == Entry.KIND_LIST_QL || kind == Entry.KIND_ZSET_LP
                || kind == Entry.KIND_ZSET_SL || kind == Entry.KIND_STREAM;
    }

    public long keys() {
        long n = 0;
        for (final Db d : dbs) {
            n += d.size();
        }
        return n;
    }

    /** Bytes the data holds, as maxmemory counts them (see {@link Db#usedBytes()}); O(databases). */
    public long usedBytes() {
        long n = 0;
        for (final Db d : dbs) {
            n += d.usedBytes();
        }
        return n;
    }

    /** Re-walks the object values of every database for {@link #usedBytes()}. */
    public void refreshObjectBytes() {
        for (final Db d : dbs) {
            d.refreshObjectBytes();
        }
    }

    /** The access clock in seconds, 24 bits, as LRU stamps hold it. */
    int lruClock() {
        return lruClock;
    }

    public long memoryBytes() {
        long n = 0;
        for (final Db d : dbs) {
            n += d.memoryBytes();
        }
        return n;
    }

    // ---- clock, LRU and LFU --------------------------------------------------------------------

    /** Advances the clock used for access stamps; the shard calls it as time passes. */
    public void clock(final long nowMillis) {
        this.nowMillis = nowMillis;
        this.lruClock = (int) ((nowMillis / 1000) & LRU_CLOCK_MAX);
    }

    /** Uses LFU stamps (a maxmemory-policy *-lfu is selected) instead of LRU ones. */
    public void lfu(final boolean on, final int logFactor, final int decayMinutes) {
        this.lfu = on;
        this.lfuLogFactor = logFactor;
        this.lfuDecayMinutes = decayMinutes;
    }

    public boolean lfu() {
        return lfu;
    }

    public void activeExpire(final boolean on) {
        this.activeExpire = on;
    }

    private int lfuMinutes() {
        return (int) ((nowMillis / 60000) & 0xffff);
    }

    int newStamp() {
        return lfu ? (lfuMinutes() << 8) | LFU_INIT_VAL : lruClock;
    }

    int accessStamp(final int old) {
        if (!lfu) {
            return lruClock;
        }
        int counter = lfuDecayed(old);
        if (counter < 255) {
            final double base = Math.max(0, counter - LFU_INIT_VAL);
            if (rnd.nextDouble() < 1.0 / (base * lfuLogFactor + 1)) {
                counter++;
            }
        }
        return (lfuMinutes() << 8) | counter;
    }

    /** The LFU counter after decay for the minutes since the last access (OBJECT FREQ). */
    public int lfuDecayed(final int stamp) {
        final int last = stamp >>> 8;
        final int now = lfuMinutes();
        final int elapsed = now >= last ? now - last : 65535 - last + now;
        final int periods = lfuDecayMinutes > 0 ? elapsed / lfuDecayMinutes : 0;
        final int counter = stamp & 0xff;
        return periods > counter ? 0 : counter - periods;
    }

    /** Milliseconds since the stamp (OBJECT IDLETIME), at the LRU clock's one-second resolution. */
    public long idleMillis(final int stamp) {
        final long clock = lruClock;
        if (clock >= stamp) {
            return (clock - stamp) * 1000;
        }
        return (clock + (LRU_CLOCK_MAX - stamp)) * 1000;
    }

    // ---- background work -----------------------------------------------------------------------

    /**
     * Redis's slow active expire cycle: for each database with expiring keys, examine
     * {@value #EXPIRE_KEYS_PER_LOOP} of them at a time and delete those past their time, and go
     * on while more than {@value #EXPIRE_ACCEPTABLE_STALE_PERCENT}% of a round had expired, until
     * {@code budgetNanos} is spent. Keys nobody reads still free their memory this way. Hash fields
     * past their TTL go the same way, soonest first, in what remains of the budget.
     *
     * @return keys deleted
     */
    public long activeExpireCycle(final long nowMillis, final long budgetNanos) {
        if (!activeExpire || keepsExpired(nowMillis)) {
            return 0;
        }
        final long start = System.nanoTime();
        long deleted = 0;
        boolean timedOut = false;
        for (int n = 0; n < dbs.length && !timedOut; n++) {
            final int dbi = expireDbCursor;
            expireDbCursor = (expireDbCursor + 1) % dbs.length;
            final Db db = dbs[dbi];
            int iteration = 0;
            while (db.expiresCount() > 0) {
                int sampled = 0;
                int expired = 0;
                long ttlSum = 0;
                int ttlSamples = 0;
                final int num = Math.min(db.expiresCount(), EXPIRE_KEYS_PER_LOOP);
                for (int i = 0; i < num && db.expiresCount() > 0; i++) {
                    int c = expireCursor[dbi];
                    if (c >= db.expiresCount()) {
                        c = 0;
                    }
                    final long a = db.expiresAt(c);
                    sampled++;
                    final long at = db.expireAt(a);
                    if (at <= nowMillis) {
                        db.expireNow(a, db.hashOf(a));
                        expired++;
                        // the last entry moved into slot c: look at it next
                        expireCursor[dbi] = c;
                    } else {
                        ttlSum += at - nowMillis;
                        ttlSamples++;
                        expireCursor[dbi] = c + 1;
                    }
                }
                deleted += expired;
                if (ttlSamples > 0) {
                    final long avg = ttlSum / ttlSamples;
                    db.avgTtlMillis = db.avgTtlMillis == 0 ? avg : (db.avgTtlMillis / 50) * 49 + avg / 50;
                }
                stats.expireCycleSampled += sampled;
                if ((++iteration & 15) == 0 && System.nanoTime() - start > budgetNanos) {
                    timedOut = true;
                    stats.expireCycleTimeouts++;
                    break;
                }
                if (sampled == 0 || expired * 100 / sampled <= EXPIRE_ACCEPTABLE_STALE_PERCENT) {
                    break;
                }
            }
        }
        // hash fields with TTLs (Redis 7.4): whatever the keys left of the budget
        for (int n = 0; n < dbs.length && System.nanoTime() - start < budgetNanos; n++) {
            if (dbs[n].fieldExpiry.count() > 0) {
                dbs[n].fieldExpiry.sweep(nowMillis, start + budgetNanos);
            }
        }
        stats.expireCycleNanos += System.nanoTime() - start;
        return deleted;
    }

    /**
     * Incremental rehashing and shrinking, time-boxed (Redis's databasesCron). {@code shrink} is
     * false while a file loads: a table sized for the keys the file announced is mostly empty until
     * they arrive, and shrinking it then would make the load grow it again, one doubling and
     * rehash (a key read per entry) after another. Redis runs no cron while it loads.
     */
    public void tableCron(final long budgetNanos, final boolean shrink) {
        final long start = System.nanoTime();
        if (shrink) {
            for (final Db d : dbs) {
                d.maybeShrink();
            }
        }
        for (final Db d : dbs) {
            while (d.rehash(100)) {
                if (System.nanoTime() - start > budgetNanos) {
                    return;
                }
            }
        }
    }
}
