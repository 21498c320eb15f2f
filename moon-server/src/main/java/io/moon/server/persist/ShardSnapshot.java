package io.moon.server.persist;

import io.moon.server.Shard;
import io.moon.storage.Db;
import io.moon.storage.HashValues;
import io.moon.storage.Keyspace;
import io.moon.storage.rdb.DbSnapshot;
import io.moon.storage.rdb.RdbOut;
import io.moon.storage.rdb.RdbWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * One shard's part of a forkless snapshot. At the cut ({@link #cut}, under the save's locks) every
 * non-empty database gets a {@link DbSnapshot}, which from then on copies an entry's cut-time value
 * into the file before any write changes it. After the cut the shard serializes the rest from its
 * own event loop in slices of {@link #SLICE_NANOS} ({@link #pump}), scheduling the next slice so
 * the loop serves its connections in between, and pausing while the file's queue is full (the writer
 * wakes it through {@link #wake}). When every database is done it tells the file.
 *
 * <p>Owned by its shard thread, except {@link #wake} (any thread).
 */
final class ShardSnapshot implements Runnable {
    private static final Logger LOG = Logger.getLogger(ShardSnapshot.class.getName());
    /** Work per event-loop turn. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Delay before the next slice: just enough to let the loop serve its I/O first. */
    private static final long NEXT_SLICE_MICROS = 10;
    /** For {@link #encodeAll}: chunk size. */
    private static final int CHUNK_BYTES = 1 << 20;

    private final Shard shard;
    private final SnapshotFile file;
    private final List<DbSnapshot> dbs = new ArrayList<>();
    private final AtomicBoolean parked = new AtomicBoolean();
    private int next;
    private boolean ended;

    private ShardSnapshot(final Shard shard, final SnapshotFile file) {
        this.shard = shard;
        this.file = file;
    }

    /** Takes the shard's cut now (its thread, the save's locks held) and returns its serializer. */
    static ShardSnapshot cut(final Shard shard, final SnapshotFile file, final boolean compress) {
        final ShardSnapshot s = new ShardSnapshot(shard, file);
        final Keyspace ks = shard.keyspace;
        boolean fieldTtls = false;
        for (int d = 0; d < ks.databases(); d++) {
            final Db db = ks.db(d);
            if (db.size() > 0) {
                s.dbs.add(new DbSnapshot(db, file::offer, compress));
                fieldTtls |= HashValues.anyFieldTtl(db);
            }
        }
        file.declare(fieldTtls, shard.id == 0 ? io.moon.server.script.FunctionDump.codes(shard.server) : null);
        return s;
    }

    /** Starts serializing from the shard's loop (after the cut's locks are released). */
    void start() {
        shard.execute(this);
    }

    /** The file's queue has room again (writer thread): resumes a parked shard. */
    void wake() {
        if (parked.compareAndSet(true, false)) {
            shard.execute(this);
        }
    }

    @Override
    public void run() {
        pump();
    }

    /** One slice of serialization on the shard thread. */
    private void pump() {
        if (ended) {
            return;
        }
        if (file.failure() != null) {
            abandon();
            return;
        }
        final long deadline = System.nanoTime() + SLICE_NANOS;
        while (next < dbs.size()) {
            final DbSnapshot d = dbs.get(next);
            if (d.failure() != null) {
                fail(d.failure());
                return;
            }
            if (!file.hasRoom()) {
                parked.set(true);
                if (!file.hasRoom() || !parked.compareAndSet(true, false)) {
                    return; // the writer wakes us when it has drained
                }
            }
            try {
                if (d.step(deadline)) {
                    next++;
                }
            } catch (final RuntimeException e) {
                fail(e);
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                // scheduled, not posted: the loop runs a posted task again in the same pass (for up
                // to its task quantum, a second by default), a scheduled one only after its I/O
                shard.loop().schedule(this, NEXT_SLICE_MICROS, TimeUnit.MICROSECONDS);
                return;
            }
        }
        for (final DbSnapshot d : dbs) {
            if (d.failure() != null) {
                fail(d.failure());
                return;
            }
        }
        ended = true;
        file.shardDone();
    }

    private void fail(final RuntimeException e) {
        LOG.warning("Failed encoding the snapshot on shard " + shard.id + ": " + e);
        file.abort(String.valueOf(e.getMessage()));
        abandon();
    }

    private void abandon() {
        for (final DbSnapshot d : dbs) {
            d.abandon();
        }
        ended = true;
        file.shardDone();
    }

    /**
     * Encodes every database of the keyspace at once, for a caller that holds exclusive locks on
     * all of them (DEBUG RELOAD), so nothing can change meanwhile.
     */
    static void encodeAll(final Shard shard, final SnapshotFile file, final boolean compress) {
        final Keyspace ks = shard.keyspace;
        boolean fieldTtls = false;
        for (int d = 0; d < ks.databases(); d++) {
            fieldTtls |= HashValues.anyFieldTtl(ks.db(d));
        }
        file.declare(fieldTtls, shard.id == 0 ? io.moon.server.script.FunctionDump.codes(shard.server) : null);
        final RdbOut out = new RdbOut(compress);
        for (int d = 0; d < ks.databases(); d++) {
            final Db db = ks.db(d);
            if (db.size() == 0) {
                continue;
            }
            final int index = d;
            RdbWriter.encodeSelectDb(out, index);
            RdbWriter.encodeResizeDb(out, db.size(), db.expiresCount());
            db.forEach(addr -> {
                RdbWriter.encodeEntry(out, db, addr);
                if (out.length() >= CHUNK_BYTES) {
                    file.offer(out.array(), 0, out.length());
                    out.reset();
                    RdbWriter.encodeSelectDb(out, index);
                }
            });
            file.offer(out.array(), 0, out.length());
            out.reset();
        }
    }
}
