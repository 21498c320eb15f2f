package io.moon.server.tx;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Shard;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandSpec.Route;
import io.moon.server.net.Connection;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;

import java.util.List;

/**
 * MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queuing happens in the dispatcher (it knows which
 * commands a transaction refuses); this class runs what was queued.
 *
 * <p>EXEC runs on the connection's own shard, in place, when every queued command's keys live
 * there and no cross-shard operation holds any of them: nothing else can run on that thread in
 * between, which is Redis's atomicity. Otherwise it is an {@link ExecOp}: one cross-shard
 * operation holding every key of the transaction (and the watched ones) from before the WATCH
 * check to after the last write.
 */
public final class TransactionCommands {
    static final byte[] QUEUED = "+QUEUED\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] NESTED = Reply.err("ERR MULTI calls can not be nested");
    private static final byte[] EXEC_WITHOUT = Reply.err("ERR EXEC without MULTI");
    private static final byte[] DISCARD_WITHOUT = Reply.err("ERR DISCARD without MULTI");
    static final byte[] EXECABORT = Reply.err("EXECABORT Transaction discarded because of previous errors.");
    public static final byte[] WATCH_IN_MULTI = Reply.err("ERR WATCH inside MULTI is not allowed");

    private TransactionCommands() {
    }

    /** Commands that run at once inside MULTI instead of being queued (Redis's processCommand). */
    public static boolean runsInsideMulti(final CommandSpec spec) {
        final String n = spec.name();
        return n.equals("exec") || n.equals("discard") || n.equals("multi") || n.equals("watch")
                || n.equals("quit") || n.equals("reset");
    }

    /** Queues the request (a copy of its arguments) and replies QUEUED. */
    public static void enqueue(final TxState tx, final CommandSpec spec, final Request req, final Reply out) {
        final Request copy = new Request();
        for (int i = 0; i < req.argc(); i++) {
            copy.add(req.buf(), req.off(i), req.len(i));
        }
        tx.queue.add(new TxState.Queued(spec, copy));
        out.raw(QUEUED);
    }

    // MULTI
    public static void multi(final Ctx c) {
        final TxState tx = c.client.tx;
        if (tx.inMulti) {
            c.out.raw(NESTED);
            return;
        }
        tx.inMulti = true;
        c.out.ok();
    }

    // DISCARD
    public static void discard(final Ctx c) {
        final TxState tx = c.client.tx;
        if (!tx.inMulti) {
            c.out.raw(DISCARD_WITHOUT);
            return;
        }
        tx.discard();
        unwatchAll(c.client);
        c.out.ok();
    }

    // UNWATCH
    public static void unwatch(final Ctx c) {
        unwatchAll(c.client);
        c.out.ok();
    }

    /** Drops every watch of the connection: locally at once, on the owning shards by message. */
    public static void unwatchAll(final Connection conn) {
        final TxState tx = conn.tx;
        if (tx.watched.isEmpty()) {
            tx.unwatch();
            return;
        }
        for (final TxState.Watched w : tx.unwatch()) {
            final Shard owner = conn.server().shard(w.shard());
            owner.execute(() -> owner.watches.unwatch(w.db(), w.key(), tx));
        }
    }

    // WATCH key [key ...]: registered on the owning shards while their keys are read-locked, so
    // no write can fall between the reply and the registration.
    public static Coordinated watch(final Ctx c) {
        final Connection conn = c.client;
        final TxState tx = conn.tx;
        if (tx.inMulti) {
            c.out.raw(WATCH_IN_MULTI);
            return null;
        }
        final Request r = c.req;
        final long generation = tx.generation();
        final TxState.Watched[] added = new TxState.Watched[r.argc()];
        for (int i = 1; i < r.argc(); i++) {
            added[i] = new TxState.Watched(c.dbIndex, r.argBytes(i), c.server.shardOf(r.buf(), r.off(i), r.len(i)));
            tx.watched.add(added[i]);
        }
        final Coordinated op = new Coordinated(c) {
            {
                for (int i = 1; i < r.argc(); i++) {
                    keyPart(i, dbIndex, false).addArg(i);
                }
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final io.moon.storage.Db db = x.keyspace.db(dbIndex);
                for (int a = 0; a < p.argCount; a++) {
                    final int i = p.args[a];
                    final long at = db.lookup(req.buf(), req.off(i), req.len(i),
                            io.moon.storage.Db.hash(req.buf(), req.off(i), req.len(i)));
                    final boolean expired = at != 0 && db.isExpired(at, x.now);
                    x.shard.watches.watch(dbIndex, req.buf(), req.off(i), req.len(i), tx, generation, expired);
                    added[i].expireAtWatch = at == 0 || expired ? 0 : Math.max(0, db.expireAt(at));
                }
            }

            @Override
            protected void onAllLocked() {
                reply.ok();
                finish();
            }
        };
        op.start();
        return op;
    }

    // EXEC
    public static Coordinated exec(final Ctx c) {
        final Connection conn = c.client;
        final TxState tx = conn.tx;
        if (!tx.inMulti) {
            c.out.raw(EXEC_WITHOUT);
            return null;
        }
        if (tx.aborted) {
            tx.discard();
            unwatchAll(conn);
            c.out.raw(EXECABORT);
            return null;
        }
        final List<TxState.Queued> queued = List.copyOf(tx.queue);
        tx.discard();
        if (c.server.monitors.active() && !tx.dirty()) {
            feedMonitors(c, conn, queued);
        }
        if (runsHere(c.shard, conn, queued)) {
            if (tx.dirty()) {
                unwatchAll(conn);
                c.out.nullArray();
                return null;
            }
            unwatchAll(conn); // as Redis: the transaction's own writes must not fail a later EXEC
            runHere(c, conn, queued);
            return null;
        }
        if (HeldExec.needed(queued)) {
            return HeldExec.start(c, conn, queued);
        }
        final ExecOp op = new ExecOp(c, conn, queued);
        op.start();
        return op;
    }

    /**
     * MONITOR sees a transaction's commands when EXEC runs them (Redis feeds each as it runs, then
     * EXEC itself once it is done), in the database each one runs in.
     */
    private static void feedMonitors(final Ctx c, final Connection conn, final List<TxState.Queued> queued) {
        int db = conn.db();
        for (final TxState.Queued q : queued) {
            if (q.spec().name().equals("select")) {
                db = ExecOp.selected(q.req(), db, c.keyspace.databases());
            }
            if (io.moon.server.observe.Monitors.shown(q.spec())) {
                c.server.monitors.feed(db, conn.state().addr, q.req());
            }
        }
    }

    /** Whether every queued command can run in place on the connection's shard. */
    private static boolean runsHere(final Shard home, final Connection conn, final List<TxState.Queued> queued) {
        int db = conn.db();
        for (final TxState.Queued q : queued) {
            final CommandSpec s = q.spec();
            if (s.route() == Route.COORDINATED) {
                return false;
            }
            if (s.name().equals("select")) {
                db = ExecOp.selected(q.req(), db, home.keyspace.databases());
                continue;
            }
            if (s.route() != Route.KEYED) {
                continue;
            }
            final Request r = q.req();
            final int keys = s.keyCount(r);
            for (int n = 0; n < keys; n++) {
                final int i = s.keyArg(r, n);
                if (home.server.shardOf(r.buf(), r.off(i), r.len(i)) != home.id) {
                    return false;
                }
            }
            if (home.server.shardCount() > 1 && s.reachesOtherKeys(r)) {
                return false;
            }
            if (!home.locks.idle() && !ExecOp.free(home, s, r, db)) {
                return false;
            }
        }
        return true;
    }

    /** Runs the transaction in place: nothing else runs on this thread until it is done. */
    private static void runHere(final Ctx c, final Connection conn, final List<TxState.Queued> queued) {
        final Reply out = c.out;
        out.arrayHeader(queued.size());
        final Shard home = c.shard;
        home.log.beginGroup(); // the transaction's writes become one log record
        try {
            final io.moon.server.acl.AclUser user = conn.state().aclUser;
            for (final TxState.Queued q : queued) {
                final String refused = io.moon.server.acl.AclCheck.execRefusal(c.server, user, conn, q.spec(), q.req());
                if (refused != null) {
                    out.error(refused);
                    continue;
                }
                final Ctx x = home.localContext(conn, q.req(), out, q.spec());
                x.inTransaction = true;
                x.blockFor = null;
                x.runCommand();
            }
        } finally {
            home.log.endGroup();
        }
        if (home.blocked.hasReady()) {
            // clients blocked on keys the transaction fed are served now, after the whole EXEC
            // and before the next command, as in Redis (its commands leave them to this)
            home.blocked.serveAfterCommand();
        }
    }
}
