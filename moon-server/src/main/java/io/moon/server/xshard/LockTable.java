package io.moon.server.xshard;

import io.moon.storage.Hashing;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;

/**
 * The locks of one shard: what cross-shard operations hold or wait for on this shard's keys and
 * databases, and the single-shard commands queued behind them.
 *
 * <p>A resource is a key of a database, or a whole database. Each resource has a FIFO queue of
 * requests in one of four modes (multi-granularity locking): a key is locked S (read) or X
 * (write), and whoever locks a key also holds IS or IX on its database; whole-database work
 * (FLUSHDB, KEYS, SWAPDB...) takes S or X on the database itself.
 * <pre>
 *          IS  IX  S   X
 *      IS  y   y   y   -
 *      IX  y   y   -   -
 *      S   y   -   y   -
 *      X   -   -   -   -
 * </pre>
 * A request is granted when it is compatible with everything ahead of it in the queue and nothing
 * ahead of it waits (strict FIFO, so no request starves). A {@link LockRequest} spans several
 * resources of this shard; it enters all of their queues at once, in one step of this thread, and
 * runs when all its nodes are granted.
 *
 * <p>When nothing is locked the table is empty and the single-shard fast path costs one
 * {@link #idle()} check. Owned by its shard thread; not thread-safe.
 */
public final class LockTable {
    public static final int IS = 0;
    public static final int IX = 1;
    public static final int S = 2;
    public static final int X = 3;

    private static final boolean[][] COMPATIBLE = {
        {true, true, true, false},
        {true, true, false, false},
        {true, false, true, false},
        {false, false, false, false},
    };

    private final HashMap<ResKey, Resource> resources = new HashMap<>();
    private final ResKey probe = new ResKey();
    private final ArrayDeque<LockRequest> granted = new ArrayDeque<>();
    private boolean draining;

    /** True when no resource is locked or awaited: every command may run at once. */
    public boolean idle() {
        return resources.isEmpty();
    }

    /** Number of resources with holders or waiters (INFO, tests). */
    public int size() {
        return resources.size();
    }

    static boolean compatible(final int a, final int b) {
        return COMPATIBLE[a][b];
    }

    /**
     * True when a command that needs {@code mode} on the key (and the matching intent on its
     * database) could run right now without waiting. Allocates nothing.
     */
    public boolean canRunNow(final int db, final byte[] key, final int off, final int len, final int mode) {
        if (resources.isEmpty()) {
            return true;
        }
        probe.set(db, key, off, len);
        final Resource k = resources.get(probe);
        if (k != null && !k.admits(mode)) {
            return false;
        }
        probe.setDb(db);
        final Resource d = resources.get(probe);
        return d == null || d.admits(mode == X ? IX : IS);
    }

    /** True when whole-database work in {@code mode} could run now. */
    public boolean canRunNowOnDb(final int db, final int mode) {
        if (resources.isEmpty()) {
            return true;
        }
        probe.setDb(db);
        final Resource d = resources.get(probe);
        return d == null || d.admits(mode);
    }

    /**
     * Enqueues every node of the request; {@link LockRequest#onGranted()} runs once all are
     * granted, immediately (before this returns) when nothing conflicts.
     */
    public void acquire(final LockRequest r) {
        final boolean outer = enter();
        r.pending = 0;
        for (int i = 0; i < r.count; i++) {
            final Node n = r.nodes[i];
            Resource res = resources.get(n.key);
            if (res == null) {
                res = new Resource(n.key);
                resources.put(n.key, res);
            }
            n.res = res;
            n.granted = res.admits(n.mode);
            res.append(n);
            if (!n.granted) {
                r.pending++;
            }
        }
        if (r.pending == 0) {
            granted.add(r);
        }
        leave(outer);
    }

    /** Leaves every queue the request is in and grants whoever can now proceed. */
    public void release(final LockRequest r) {
        final boolean outer = enter();
        for (int i = 0; i < r.count; i++) {
            final Node n = r.nodes[i];
            final Resource res = n.res;
            if (res == null) {
                continue;
            }
            res.remove(n);
            n.res = null;
            n.granted = false;
            if (res.head == null) {
                resources.remove(res.key);
            } else {
                res.grantWaiting(this);
            }
        }
        leave(outer);
    }

    /**
     * Callbacks of granted requests run only once the queues are consistent again, one after
     * another and never nested: a callback may itself release (a queued command runs and lets
     * go), which grants more, which are queued and run by the outermost call.
     */
    private boolean enter() {
        if (draining) {
            return false;
        }
        draining = true;
        return true;
    }

    private void leave(final boolean outer) {
        if (!outer) {
            return;
        }
        try {
            LockRequest next;
            while ((next = granted.poll()) != null) {
                next.onGranted();
            }
        } finally {
            draining = false;
        }
    }

    /** Called by a resource when a node becomes granted. */
    void nodeGranted(final Node n) {
        if (--n.owner.pending == 0) {
            granted.add(n.owner);
        }
    }

    // ---- queue structures ----------------------------------------------------------------------

    /** Identity of a resource: a database, or a key in it. Mutable only as the table's probe. */
    static final class ResKey {
        int db;
        byte[] key;
        int off;
        int len;
        int hash;

        ResKey() {
        }

        ResKey(final int db, final byte[] keyCopy) {
            this.db = db;
            this.key = keyCopy;
            this.off = 0;
            this.len = keyCopy == null ? -1 : keyCopy.length;
            this.hash = computeHash();
        }

        void set(final int db, final byte[] key, final int off, final int len) {
            this.db = db;
            this.key = key;
            this.off = off;
            this.len = len;
            this.hash = computeHash();
        }

        void setDb(final int db) {
            this.db = db;
            this.key = null;
            this.len = -1;
            this.hash = computeHash();
        }

        private int computeHash() {
            final int h = key == null ? 0x5bd1e995 : (int) Hashing.hash(key, off, len);
            return h * 31 + db;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(final Object o) {
            if (!(o instanceof ResKey k) || k.db != db || k.len != len) {
                return false;
            }
            if (key == null || k.key == null) {
                return key == k.key;
            }
            return Arrays.equals(key, off, off + len, k.key, k.off, k.off + k.len);
        }
    }

    /** One lockable resource and its FIFO queue. */
    static final class Resource {
        final ResKey key;
        Node head;
        Node tail;

        Resource(final ResKey key) {
            this.key = key;
        }

        /** A new request in {@code mode} would be granted: all queued are granted and compatible. */
        boolean admits(final int mode) {
            for (Node n = head; n != null; n = n.next) {
                if (!n.granted || !compatible(n.mode, mode)) {
                    return false;
                }
            }
            return true;
        }

        void append(final Node n) {
            n.prev = tail;
            n.next = null;
            if (tail == null) {
                head = n;
            } else {
                tail.next = n;
            }
            tail = n;
        }

        void remove(final Node n) {
            if (n.prev == null) {
                head = n.next;
            } else {
                n.prev.next = n.next;
            }
            if (n.next == null) {
                tail = n.prev;
            } else {
                n.next.prev = n.prev;
            }
            n.next = null;
            n.prev = null;
        }

        /** Grants waiting nodes from the front while they are compatible with all ahead. */
        void grantWaiting(final LockTable table) {
            for (Node n = head; n != null; n = n.next) {
                if (n.granted) {
                    continue;
                }
                for (Node a = head; a != n; a = a.next) {
                    if (!compatible(a.mode, n.mode)) {
                        return;
                    }
                }
                n.granted = true;
                table.nodeGranted(n);
            }
        }
    }

    /** One request's place in one resource's queue. */
    static final class Node {
        final ResKey key;
        final int mode;
        final LockRequest owner;
        Resource res;
        boolean granted;
        Node next;
        Node prev;

        Node(final ResKey key, final int mode, final LockRequest owner) {
            this.key = key;
            this.mode = mode;
            this.owner = owner;
        }
    }
}
