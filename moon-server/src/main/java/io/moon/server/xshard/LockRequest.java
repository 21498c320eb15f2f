package io.moon.server.xshard;

import java.util.Arrays;

/**
 * What one operation needs locked on one shard: a set of (database, key) and whole-database
 * resources, each in a mode. Built on the requesting thread, then acquired and released on the
 * shard's own thread through its {@link LockTable}.
 *
 * <p>Adding the same resource twice keeps one node in the stronger mode (a request never waits
 * for itself), and every key brings the matching intent mode on its database.
 */
public abstract class LockRequest {
    LockTable.Node[] nodes = new LockTable.Node[4];
    int count;
    int pending;

    /** Runs on the shard's thread once every resource is granted. */
    protected abstract void onGranted();

    /** Locks a key for reading ({@code write == false}, S) or writing (X). Copies the key bytes. */
    public final void lockKey(final int db, final byte[] buf, final int off, final int len, final boolean write) {
        add(new LockTable.ResKey(db, Arrays.copyOfRange(buf, off, off + len)), write ? LockTable.X : LockTable.S);
        add(new LockTable.ResKey(db, null), write ? LockTable.IX : LockTable.IS);
    }

    /** Locks a whole database, shared (S) or exclusive (X). */
    public final void lockDb(final int db, final boolean write) {
        add(new LockTable.ResKey(db, null), write ? LockTable.X : LockTable.S);
    }

    /**
     * Before the operation's work on this shard: which write-locked keys exist (bit i for the
     * i-th node), and, for databases locked exclusively (FLUSHDB, SWAPDB), tells the WATCH registry
     * now that their existing keys change. Called on the shard's thread while the locks are held,
     * so no EXEC can run between this, the writes and {@link #touchWatched}.
     */
    public final long watchedBefore(final io.moon.server.tx.WatchRegistry watches, final io.moon.storage.Keyspace ks) {
        long bits = 0;
        for (int i = 0; i < count; i++) {
            final LockTable.Node n = nodes[i];
            if (n.mode != LockTable.X) {
                continue;
            }
            if (n.key.key != null) {
                if (i < 64 && exists(ks, n.key)) {
                    bits |= 1L << i;
                }
            } else {
                final io.moon.storage.Db db = ks.db(n.key.db);
                watches.touchDb(n.key.db, k -> db.lookup(k, 0, k.length, io.moon.storage.Db.hash(k, 0, k.length)) != 0);
            }
        }
        return bits;
    }

    /**
     * Set by a step that changed none of this request's keys after all (a cross-shard SMOVE's
     * destination that held the member): {@link #touchWatched} then signals none of them, as
     * Redis signals only keys a command changed. Cleared by {@link #touchWatched}.
     */
    public boolean keysUnchanged;

    /**
     * Signals one key as changed (WATCH, client-side caching), for a step that changed only some
     * of this request's keys; it then sets {@link #keysUnchanged} so {@link #touchWatched} adds
     * nothing.
     */
    public final void touchKey(final io.moon.server.Shard shard, final int db, final byte[] k, final int off,
            final int len, final io.moon.server.net.Connection writer) {
        signalModified(shard, db, k, off, len, writer);
        keysUnchanged = true;
    }

    /**
     * Signals a key of shard's as changed, as Redis's signalModifiedKey: its watchers fail their
     * EXEC and tracking clients other than the writer (NOLOOP) get an invalidation.
     */
    public static void signalModified(final io.moon.server.Shard shard, final int db, final byte[] k, final int off,
            final int len, final io.moon.server.net.Connection writer) {
        shard.watches.touch(db, k, off, len);
        if (shard.tracking.active()) {
            shard.tracking.modified(k, off, len, writer);
        }
    }

    /** After the work: touches the write-locked keys that existed before or exist now. */
    public final void touchWatched(final io.moon.server.Shard shard, final long before,
            final io.moon.server.net.Connection writer) {
        if (keysUnchanged) {
            keysUnchanged = false;
            return;
        }
        final io.moon.storage.Keyspace ks = shard.keyspace;
        for (int i = 0; i < count; i++) {
            final LockTable.Node n = nodes[i];
            if (n.mode == LockTable.X && n.key.key != null
                    && (i >= 64 || (before & (1L << i)) != 0 || exists(ks, n.key))) {
                signalModified(shard, n.key.db, n.key.key, n.key.off, n.key.len, writer);
            }
        }
    }

    /** A read-only operation of a tracking client locked these keys: they are remembered for it here. */
    public final void rememberRead(final io.moon.server.tracking.TrackingTable table,
            final io.moon.server.net.Connection reader) {
        for (int i = 0; i < count; i++) {
            final LockTable.Node n = nodes[i];
            if (n.key.key != null) {
                table.remember(reader, n.key.key, n.key.off, n.key.len);
            }
        }
    }

    /**
     * Before work that may write: a snapshot being written (a database with a write barrier) first
     * takes the cut-time values of the write-locked keys, which the work may change in place.
     */
    public final void beforeWrites(final io.moon.storage.Keyspace ks) {
        for (int i = 0; i < count; i++) {
            final LockTable.Node n = nodes[i];
            // MOVE and COPY ... DB lock their target database before checking it exists
            if (n.mode == LockTable.X && n.key.key != null && n.key.db < ks.databases()) {
                final io.moon.storage.Db db = ks.db(n.key.db);
                if (db.writeBarrier() != null) {
                    db.beforeWrite(io.moon.storage.Db.hash(n.key.key, n.key.off, n.key.len));
                }
            }
        }
    }

    /** In the table and not past its TTL (an expired key is gone for WATCH, as in Redis). */
    private static boolean exists(final io.moon.storage.Keyspace ks, final LockTable.ResKey k) {
        if (k.db >= ks.databases()) {
            return false;
        }
        final io.moon.storage.Db db = ks.db(k.db);
        final long a = db.lookup(k.key, k.off, k.len, io.moon.storage.Db.hash(k.key, k.off, k.len));
        return a != 0 && !db.isExpired(a, System.currentTimeMillis());
    }

    /** Whether some resource is locked exclusively (the part may write), and some whole database. */
    final boolean hasExclusive(final boolean dbOnly) {
        for (int i = 0; i < count; i++) {
            if (nodes[i].mode == LockTable.X && (!dbOnly || nodes[i].key.key == null)) {
                return true;
            }
        }
        return false;
    }

    /** For the log: the command recreating each exclusively locked key's state on this shard. */
    final void exclusiveKeyEffects(final io.moon.server.wal.ShardLog log, final java.util.List<io.moon.server.wal.ShardLog.Cmd> into,
            final long now) {
        for (int i = 0; i < count; i++) {
            final LockTable.Node n = nodes[i];
            if (n.mode == LockTable.X && n.key.key != null) {
                into.add(log.effect(n.key.db, n.key.key, n.key.off, n.key.len, now));
            }
        }
    }

    public final boolean isEmpty() {
        return count == 0;
    }

    /** Forgets all resources so the request can be filled again (a connection reuses one). */
    public final void clearLocks() {
        for (int i = 0; i < count; i++) {
            nodes[i] = null;
        }
        count = 0;
        pending = 0;
    }

    private void add(final LockTable.ResKey key, final int mode) {
        for (int i = 0; i < count; i++) {
            final LockTable.Node n = nodes[i];
            if (n.key.equals(key)) {
                if (stronger(mode, n.mode)) {
                    nodes[i] = new LockTable.Node(n.key, join(mode, n.mode), this);
                }
                return;
            }
        }
        if (count == nodes.length) {
            nodes = Arrays.copyOf(nodes, count << 1);
        }
        nodes[count++] = new LockTable.Node(key, mode, this);
    }

    private static boolean stronger(final int a, final int b) {
        return join(a, b) != b;
    }

    /** The weakest mode at least as strong as both (IS < IX, S < X; IX with S is X). */
    private static int join(final int a, final int b) {
        if (a == b) {
            return a;
        }
        if (a == LockTable.X || b == LockTable.X) {
            return LockTable.X;
        }
        if ((a == LockTable.IX && b == LockTable.S) || (a == LockTable.S && b == LockTable.IX)) {
            return LockTable.X;
        }
        return Math.max(a, b);
    }
}
