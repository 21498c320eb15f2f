package io.moon.storage.rdb;

import io.moon.storage.Db;
import io.moon.storage.WriteBarrier;

/**
 * A point-in-time snapshot of one {@link Db}, serialized incrementally without stopping writes
 * (Dragonfly's scheme, at the granularity of Moon's hash buckets). At the cut it becomes the
 * database's {@link WriteBarrier}, which also stops the key table from resizing, so every key
 * present at the cut stays in the bucket it was in. Then:
 * <ul>
 *   <li>{@link #step} serializes the buckets in order from a cursor, a slice at a time, skipping
 *       those already done;</li>
 *   <li>before any change to a key (insert, update, expiry, delete, eviction) the barrier
 *       serializes the key's not-yet-done bucket(s) as they still are, so the file gets the
 *       value of the cut;</li>
 *   <li>a bucket is serialized once (a bit per bucket): keys inserted after the cut land only in
 *       buckets already done, so they are never in the file;</li>
 *   <li>before the database is emptied (FLUSHDB, FLUSHALL) everything left is serialized.</li>
 * </ul>
 * Serialized entries collect in a buffer that goes to the {@link Sink} in chunks of about
 * {@link #CHUNK_BYTES}, each starting with the database's SELECTDB, the first also with a RESIZEDB
 * giving this part's key and expiry counts at the cut (chunks of several databases and
 * shards interleave in the file). The database number is the one at the cut (SWAPDB later does
 * not move what this snapshot writes).
 *
 * <p>Owned by its shard thread; not thread-safe.
 */
public final class DbSnapshot implements WriteBarrier {
    /** Size at which the buffer is handed to the sink. */
    public static final int CHUNK_BYTES = 256 << 10;

    /** Receives encoded chunks (on the shard thread); copies what it keeps, the buffer is reused. */
    public interface Sink {
        void chunk(byte[] bytes, int off, int len);
    }

    private final Db db;
    private final int index;
    private final Sink sink;
    private final RdbOut out;
    private final int buckets;
    private final long[] done;
    private int prefix;
    private final Db.Visitor encode;
    private int cursor;
    private long keys;
    private boolean finished;
    private RuntimeException failure;

    /** Takes the cut of {@code db} now: installs the barrier. */
    public DbSnapshot(final Db db, final Sink sink, final boolean compress) {
        this.db = db;
        this.index = db.index();
        this.sink = sink;
        this.out = new RdbOut(compress);
        this.buckets = db.buckets();
        this.done = new long[(buckets + 63) >>> 6];
        RdbWriter.encodeSelectDb(out, index);
        // the first chunk tells a loader how many keys this shard's part of the database holds,
        // so it sizes its table once instead of doubling it all along (RdbLoader adds the hints
        // of every shard's part; Redis takes each as a resize hint, which is harmless)
        RdbWriter.encodeResizeDb(out, db.size(), db.expiresCount());
        this.prefix = out.length();
        this.encode = addr -> {
            RdbWriter.encodeEntry(out, db, addr);
            keys++;
        };
        db.writeBarrier(this);
    }

    /** The database number at the cut. */
    public int index() {
        return index;
    }

    /** Entries serialized so far. */
    public long keys() {
        return keys;
    }

    public boolean finished() {
        return finished;
    }

    /** What made the snapshot stop (an entry it could not encode), or null. */
    public RuntimeException failure() {
        return failure;
    }

    @Override
    public void beforeWrite(final long h) {
        // the write that called must go on whatever happens here: a failure ends the snapshot
        try {
            bucket(db.snapshotBucket(h, 0));
            final int second = db.snapshotBucket(h, 1);
            if (second >= 0) {
                bucket(second);
            }
            if (out.length() >= CHUNK_BYTES) {
                flush();
            }
        } catch (final RuntimeException e) {
            failure = e;
            abandon();
        }
    }

    @Override
    public void beforeClear() {
        try {
            while (!step(Long.MAX_VALUE)) {
                // serialize everything that is left before the entries go
            }
        } catch (final RuntimeException e) {
            failure = e;
            abandon();
        }
    }

    /**
     * Serializes buckets from the cursor until {@code deadlineNanos} ({@link System#nanoTime})
     * passes or the buffer fills a chunk; returns true once every bucket is done, the buffer handed
     * over and the barrier removed.
     */
    public boolean step(final long deadlineNanos) {
        if (finished) {
            return true;
        }
        int n = 0;
        while (cursor < buckets && out.length() < CHUNK_BYTES) {
            bucket(cursor++);
            if ((++n & 63) == 0 && System.nanoTime() - deadlineNanos > 0) {
                break;
            }
        }
        flush();
        if (cursor >= buckets) {
            finished = true;
            if (db.writeBarrier() == this) {
                db.writeBarrier(null);
            }
            return true;
        }
        return false;
    }

    /** Stops without serializing more (the save failed); removes the barrier. */
    public void abandon() {
        finished = true;
        if (db.writeBarrier() == this) {
            db.writeBarrier(null);
        }
    }

    private void bucket(final int b) {
        final long bit = 1L << b;
        if ((done[b >>> 6] & bit) != 0) {
            return;
        }
        done[b >>> 6] |= bit;
        db.visitSnapshotBucket(b, encode);
    }

    private void flush() {
        if (out.length() > prefix) {
            sink.chunk(out.array(), 0, out.length());
            out.reset();
            RdbWriter.encodeSelectDb(out, index);
            prefix = out.length();
        }
    }
}
