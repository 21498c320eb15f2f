package io.moon.server.tx;

import io.moon.server.Ctx;
import io.moon.server.command.CommandSpec.Route;
import io.moon.server.net.Connection;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.HeldSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * EXEC of a transaction that queues a keyspace-wide command (DBSIZE, KEYS, SCAN, FLUSHALL,
 * SWAPDB...). Such a command sees or changes every shard's slice of a database, so the transaction
 * holds every database of every shard (a {@link HeldSession} with {@code holdAll}), checks WATCH
 * once all is held, and runs its commands in order, each where its keys live (or gathered when they
 * span shards, or as its own fan-out that takes no lock when keyspace-wide), appending each reply.
 * Heavier than {@link ExecOp} (it stops the whole server for the transaction's duration, as Redis
 * does for every transaction), and used only when a transaction needs it.
 */
final class HeldExec {
    private final HeldSession session;
    private final Connection conn;
    private final List<TxState.Queued> queued;
    /** The user EXEC runs as: each command's rights are checked again as it runs. */
    private final io.moon.server.acl.AclUser user;
    private final int proto;
    private final ByteBuf out = Unpooled.buffer(64);
    private int next;
    private int db;
    private boolean running;
    private boolean more;

    private HeldExec(final HeldSession session, final Connection conn, final List<TxState.Queued> queued, final int proto) {
        this.session = session;
        this.conn = conn;
        this.queued = queued;
        this.user = conn.state().aclUser;
        this.proto = proto;
        this.db = conn.db();
    }

    /** Whether the queue has a command that needs every shard held. */
    static boolean needed(final List<TxState.Queued> queued) {
        for (final TxState.Queued q : queued) {
            if (q.spec().route() == Route.COORDINATED) {
                return true;
            }
        }
        return false;
    }

    static Coordinated start(final Ctx c, final Connection conn, final List<TxState.Queued> queued) {
        final HeldSession s = new HeldSession(c);
        s.localClient(conn);
        s.holdAll();
        final HeldExec e = new HeldExec(s, conn, queued, c.proto);
        s.open(e::held);
        return s;
    }

    /** Every lock is held: no write can come between this WATCH check and the commands. */
    private void held() {
        if (conn.tx.dirty()) {
            TransactionCommands.unwatchAll(conn);
            session.close(proto == 3 ? "_\r\n".getBytes(StandardCharsets.US_ASCII)
                    : "*-1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.release();
            return;
        }
        TransactionCommands.unwatchAll(conn); // as Redis: the transaction's own writes must not fail a later EXEC
        out.writeBytes(("*" + queued.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        pump();
    }

    /** Runs the next commands; replies that arrive at once loop here instead of nesting calls. */
    private void pump() {
        if (running) {
            more = true;
            return;
        }
        running = true;
        do {
            more = false;
            if (next == queued.size()) {
                final byte[] all = new byte[out.readableBytes()];
                out.readBytes(all);
                out.release();
                session.close(all);
                running = false;
                return;
            }
            final TxState.Queued q = queued.get(next++);
            final String refused = io.moon.server.acl.AclCheck.execRefusal(conn.home().server, user, null, q.spec(),
                    q.req());
            if (refused != null) {
                out.writeBytes(("-" + refused + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                more = true;
                continue;
            }
            final int at = db;
            if (q.spec().name().equals("select")) {
                db = ExecOp.selected(q.req(), db, conn.home().keyspace.databases());
            }
            session.execute(at, proto, q.req(), q.spec(), bytes -> {
                out.writeBytes(bytes);
                pump();
            });
        } while (more);
        running = false;
    }
}
