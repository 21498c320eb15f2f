package io.moon.server.blocking;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Shard;
import io.moon.server.xshard.LockRequest;
import io.moon.server.xshard.LockTable;
import io.moon.storage.Db;
import io.moon.storage.Hashing;
import io.moon.storage.Keyspace;
import io.moon.storage.ValueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;

/**
 * The clients blocked on this shard's keys: for each (database, key), the FIFO of waiters in the
 * order they blocked, and the keys that became ready to serve them.
 *
 * <p>A waiter of a pop can only become servable when a list or sorted set is created under one of
 * its keys (Redis has no empty collections, and a client blocks only on keys holding none), so the
 * keyspace reports creations of those kinds while this table is not empty, and costs nothing
 * otherwise. Streams also report XADD to an existing stream and XGROUP DESTROY ({@link
 * Keyspace#signalReady}), and a stream leaving the keyspace ({@link #streamDeleted}); their
 * waiters (XREAD, XREADGROUP BLOCK) are served by running the command again on the client's home,
 * as Redis 7.2 re-runs it, which answers or blocks again. A created key is marked ready; ready keys are served right after the command that
 * created them ({@link #serveReady}, from {@link Ctx#runCommand}), or by a task when the creation
 * happened outside a command (a cross-shard step). A key that a cross-shard operation holds
 * locked is served once the lock is granted to the serve, so the operation stays isolated.
 *
 * <p>Serving a key walks its FIFO while the key holds elements: each waiter of the right type is
 * claimed ({@link SharedWaiter#claim}), its pop runs here, its reply goes to its home and its
 * other shards are told to drop it. Owned by its shard thread; not thread-safe.
 */
public final class BlockedKeys implements Keyspace.Creations {
    private final Shard shard;
    private final HashMap<WaitKey, Queue> byKey = new HashMap<>();
    private final WaitKey probe = new WaitKey();
    private final ArrayList<Queue> ready = new ArrayList<>();
    private final Runnable serveTask = this::onServeTask;
    private boolean serveScheduled;
    private boolean serving;
    /** The serve in progress follows the one command that fed its keys ({@link #serveAfterCommand}). */
    private boolean afterCommand;
    /**
     * Set while a command runs that is not part of a transaction, script or cross-shard step
     * (Ctx#runCommand): a key it feeds while it holds the key's lock (a command that waited for
     * a lock) is served right after it, as by {@link #serveAfterCommand}.
     */
    public boolean inCommand;
    private int nodes;
    private int keysOnNoKey;
    /** Connections homed on this shard that are blocked (INFO blocked_clients). */
    public int blockedClients;
    /** Of those, the ones with a timeout (INFO clients_in_timeout_table). */
    public int blockedWithTimeout;
    /** Serving context: separate from the shard's command context, so serving may follow a command. */
    private Ctx serveCtx;
    private final Reply serveOut = new Reply();
    /** Where a stream reader's readiness check writes what it would reply (then dropped). */
    private final io.netty.buffer.ByteBuf readyProbe = io.netty.buffer.Unpooled.buffer(64);

    public BlockedKeys(final Shard shard) {
        this.shard = shard;
    }

    /** Keys with an XREADGROUP waiter, woken also when the key goes (INFO total_blocking_keys_on_nokey). */
    public int keyCountOnNoKey() {
        return keysOnNoKey;
    }

    /** Keys with at least one waiter (INFO total_blocking_keys). */
    public int keyCount() {
        return byKey.size();
    }

    /** Waiter nodes (one per blocked client and key) held here; tests check nothing leaks. */
    public int nodeCount() {
        return nodes;
    }

    // ---- registering ---------------------------------------------------------------------------

    /** Links the registration's keys at the tail of their FIFOs (unless its waiter already ended). */
    void add(final Registration r) {
        final SharedWaiter w = r.waiter;
        if (r.removed || !w.waiting()) {
            r.removed = true;
            return;
        }
        final Request req = w.req;
        r.nodes = new Node[r.keyCount];
        for (int i = 0; i < r.keyCount; i++) {
            final int arg = r.keyArgs[i];
            probe.set(w.db, req.buf(), req.off(arg), req.len(arg));
            Queue q = byKey.get(probe);
            if (q == null) {
                final WaitKey k = new WaitKey();
                k.set(w.db, Arrays.copyOfRange(req.buf(), req.off(arg), req.off(arg) + req.len(arg)), 0, req.len(arg));
                q = new Queue(k);
                byKey.put(k, q);
            }
            final Node n = new Node(r, arg, q);
            q.append(n);
            if (w.unblockOnNoKey && q.noKeyWaiters++ == 0) {
                keysOnNoKey++;
            }
            r.nodes[i] = n;
            nodes++;
        }
        shard.server.keyWaiters.incrementAndGet();
        shard.keyspace.watchCreations(this);
    }

    /** Unlinks the registration's nodes (idempotent; also stops a later {@link #add}). */
    void remove(final Registration r) {
        r.removed = true;
        if (r.nodes == null) {
            return;
        }
        for (final Node n : r.nodes) {
            final Queue q = n.queue;
            q.unlink(n);
            if (r.waiter.unblockOnNoKey && --q.noKeyWaiters == 0) {
                keysOnNoKey--;
            }
            nodes--;
            if (q.head == null) {
                byKey.remove(q.key);
                q.gone = true;
            }
        }
        r.nodes = null;
        shard.server.keyWaiters.decrementAndGet();
        if (byKey.isEmpty()) {
            shard.keyspace.watchCreations(null);
        }
    }

    // ---- becoming ready ------------------------------------------------------------------------

    @Override
    public void created(final int db, final byte[] k, final int ko, final int kl) {
        probe.set(db, k, ko, kl);
        final Queue q = byKey.get(probe);
        if (q == null || q.ready) {
            return;
        }
        q.ready = true;
        ready.add(q);
        if (!q.lockPending && !shard.locks.idle() && !shard.locks.canRunNow(db, k, ko, kl, LockTable.X)) {
            // fed under a lock (a step of a cross-shard operation, an EXEC run elsewhere): the
            // serve queues behind that lock now, ahead of any command that arrives after it (the
            // pusher's next one), as Redis serves before the next command
            q.lockPending = true;
            new ServeLock(q, inCommand).acquire();
        }
        if (!serveScheduled && !serving) {
            serveScheduled = true;
            shard.execute(serveTask); // in case no command end comes first (a cross-shard step)
        }
    }

    @Override
    public void streamDeleted(final int db, final byte[] k, final int ko, final int kl) {
        created(db, k, ko, kl); // XREADGROUP waiters run again and answer the error Redis 7.2 gives
    }

    /**
     * FLUSHDB (database {@code db}) or FLUSHALL (-1) emptied this shard's keyspace without deleting
     * key by key: XREADGROUP's waiters hear their streams went, as in Redis 7.2.
     */
    public void flushed(final int db) {
        if (byKey.isEmpty()) {
            return;
        }
        for (final Queue q : byKey.values()) {
            if (q.noKeyWaiters > 0 && (db < 0 || q.key.db == db)) {
                created(q.key.db, q.key.key, 0, q.key.len);
            }
        }
    }

    /** True when some key became ready and waits to be served. */
    public boolean hasReady() {
        return !ready.isEmpty();
    }

    private void onServeTask() {
        serveScheduled = false;
        serveReady();
    }

    /**
     * Serves the clients waiting on keys that became ready, in FIFO order per key, while the keys
     * hold elements. Keys locked by a cross-shard operation are served when the lock is granted.
     * Serving may create keys (BLMOVE pushes), which are served in the same call.
     */
    public void serveReady() {
        serveReady(false);
    }

    /**
     * Right after a command fed keys (Ctx#runCommand): only that command made them ready, so a
     * client blocked on keys of several shards is served here from its keys on this shard (the
     * others are empty, or the client would have been served). Otherwise (a cross-shard step fed
     * them, or a lock held them) several of its keys may have become ready at once, on several
     * shards, and such a client is handed back to its home to run its command again, which takes
     * the first ready key in argument order as Redis 7.2 does.
     */
    public void serveAfterCommand() {
        serveReady(true);
    }

    private void serveReady(final boolean afterCommand) {
        if (serving || ready.isEmpty()) {
            return;
        }
        this.afterCommand = afterCommand;
        serving = true;
        try {
            for (int i = 0; i < ready.size(); i++) {
                final Queue q = ready.get(i);
                q.ready = false;
                if (q.gone) {
                    continue;
                }
                if (!shard.locks.idle() && !shard.locks.canRunNow(q.key.db, q.key.key, 0, q.key.len, LockTable.X)) {
                    if (!q.lockPending) {
                        q.lockPending = true;
                        new ServeLock(q, false).acquire();
                    }
                    continue;
                }
                serve(q);
            }
        } finally {
            ready.clear();
            serving = false;
        }
    }

    /** Serves one key's FIFO while the key holds a value the next waiters want. */
    private void serve(final Queue q) {
        final Db db = shard.keyspace.db(q.key.db);
        final long h = Hashing.hash(q.key.key, 0, q.key.len);
        Node n = q.head;
        while (n != null && !q.gone) {
            final Node next = n.next;
            final SharedWaiter w = n.reg.waiter;
            if (w.waiting()) {
                final long a = db.find(q.key.key, 0, q.key.len, h, System.currentTimeMillis());
                if (a != 0 && ValueType.of(db, a) == w.type || w.unblockOnNoKey) {
                    // XREADGROUP also runs again when its stream went or changed type (Redis 7.2)
                    final int first = w.type == ValueType.STREAM ? n.keyArg : firstReady(n.reg, db, n.keyArg);
                    if (first != n.keyArg) {
                        final long fh = Hashing.hash(w.req.buf(), w.req.off(first), w.req.len(first));
                        serveOne(w, first, db.find(w.req.buf(), w.req.off(first), w.req.len(first), fh,
                                System.currentTimeMillis()), fh);
                    } else {
                        serveOne(w, n.keyArg, a, h);
                    }
                } else if (a == 0 && q.noKeyWaiters == 0) {
                    return; // nobody further on can be served by a missing key
                }
            }
            n = next;
        }
    }

    /**
     * The key a pop waiter is served from: the first of its keys here, in argument order, that
     * holds a value of its type. Redis 7.2 runs the blocked command again, which takes the first
     * such key; several are ready at once when one EXEC or script fed them (7.0 took the key fed
     * first). {@code ready} holds one, so there is always an answer.
     */
    private static int firstReady(final Registration r, final Db db, final int ready) {
        if (r.keyCount == 1) {
            return ready;
        }
        final SharedWaiter w = r.waiter;
        final long now = System.currentTimeMillis();
        for (int i = 0; i < r.keyCount; i++) {
            final int arg = r.keyArgs[i];
            if (arg == ready) {
                return ready;
            }
            final byte[] b = w.req.buf();
            final long a = db.find(b, w.req.off(arg), w.req.len(arg), Hashing.hash(b, w.req.off(arg), w.req.len(arg)), now);
            if (a != 0 && ValueType.of(db, a) == w.type) {
                return arg;
            }
        }
        return ready;
    }

    private void serveOne(final SharedWaiter w, final int keyArg, final long a, final long h) {
        if (w.pop == null || !afterCommand && w.shardCount() > 1 || (w.alsoWrites != 0 && !shard.locks.idle() && !shard.locks.canRunNow(w.db,
                w.req.buf(), w.req.off(w.alsoWrites), w.req.len(w.alsoWrites), LockTable.X))) {
            // The pop needs more than this shard (BLMOVE to another shard's key), or keys of
            // several shards may be ready at once: the client's home runs the command again,
            // which pops or moves atomically or blocks again.
            if (w.claim()) {
                w.rerun = true;
                w.unregister(shard);
                w.home.execute(w);
            }
            return;
        }
        if (serveCtx == null) {
            serveCtx = shard.newContext();
        }
        final Ctx c = serveCtx;
        c.bind(w.db, w.req, serveOut, w.cmd);
        c.proto = w.proto;
        c.noTouch = w.noTouch;
        c.client = null;
        c.inTransaction = false;
        if (w.type == ValueType.STREAM) {
            // a stream reader is served only when the signal brought it something (or an error):
            // asked without side effects, on a scratch reply, before anyone claims it
            serveOut.bind(readyProbe, w.proto);
            final boolean ready = w.pop.ready(c);
            readyProbe.clear();
            if (!ready) {
                return; // it keeps its place in the FIFO
            }
        }
        if (!w.claim()) {
            return;
        }
        serveOut.bind(w.reply, w.proto);
        if (c.db.writeBarrier() != null) {
            c.beforeWrites(); // a snapshot is being written: the pop changes the key in place
        }
        final int mark = w.reply.writerIndex();
        w.pop.serve(c, w.arg, keyArg, a, h);
        final boolean writes = w.cmd.has(io.moon.server.command.Flags.WRITE); // XREAD only reads
        if (shard.tracking.active() && writes) { // client-side caching: the popped key (and BLMOVE's destination) changed
            shard.tracking.modified(w.req.buf(), w.req.off(keyArg), w.req.len(keyArg), null);
            if (w.alsoWrites != 0) {
                shard.tracking.modified(w.req.buf(), w.req.off(w.alsoWrites), w.req.len(w.alsoWrites), null);
            }
        }
        shard.stats.commandsProcessed++;
        w.unregister(shard);
        if (shard.log.active() && writes) {
            shard.log.command(c, w.reply, mark); // logged as the pop it did (BLPOP → LPOP key)
            shard.log.whenDurable(() -> w.home.execute(w));
        } else {
            w.home.execute(w);
        }
    }

    /** A key a cross-shard operation holds: served once the lock table grants it to the serve. */
    private final class ServeLock extends LockRequest {
        private final Queue q;
        /** Queued behind the one command that fed the key: served as right after it. */
        private final boolean behindCommand;

        ServeLock(final Queue q, final boolean behindCommand) {
            this.q = q;
            this.behindCommand = behindCommand;
            lockKey(q.key.db, q.key.key, 0, q.key.len, true);
        }

        void acquire() {
            shard.locks.acquire(this);
        }

        @Override
        protected void onGranted() {
            q.lockPending = false;
            if (!q.gone) {
                final boolean outer = !serving;
                serving = true;
                afterCommand = behindCommand; // else the lock's holder may have fed several keys
                try {
                    serve(q);
                } finally {
                    serving = !outer;
                }
            }
            shard.locks.release(this);
            serveReady();
        }
    }

    // ---- structure -----------------------------------------------------------------------------

    /** (database, key) as a hash map key; a mutable probe looks up without allocating. */
    static final class WaitKey {
        int db;
        byte[] key;
        int off;
        int len;
        int hash;

        void set(final int db, final byte[] k, final int off, final int len) {
            this.db = db;
            this.key = k;
            this.off = off;
            this.len = len;
            this.hash = (int) Hashing.hash(k, off, len) * 31 + db;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof WaitKey w && w.db == db && w.len == len
                    && Arrays.equals(w.key, w.off, w.off + w.len, key, off, off + len);
        }
    }

    /** The waiters of one key, oldest first. */
    static final class Queue {
        final WaitKey key;
        Node head;
        Node tail;
        boolean ready;
        boolean lockPending;
        /** Waiters (XREADGROUP's) served even when the key is missing or of another type. */
        int noKeyWaiters;
        /** Dropped from the map (no waiters left); a new queue replaces it if someone blocks again. */
        boolean gone;

        Queue(final WaitKey key) {
            this.key = key;
        }

        void append(final Node n) {
            n.prev = tail;
            if (tail == null) {
                head = n;
            } else {
                tail.next = n;
            }
            tail = n;
        }

        void unlink(final Node n) {
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
            n.prev = null;
            n.next = null;
        }
    }

    /** One waiter on one key. */
    static final class Node {
        final Registration reg;
        final int keyArg;
        final Queue queue;
        Node prev;
        Node next;

        Node(final Registration reg, final int keyArg, final Queue queue) {
            this.reg = reg;
            this.keyArg = keyArg;
            this.queue = queue;
        }
    }
}
