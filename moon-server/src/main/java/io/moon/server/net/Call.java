package io.moon.server.net;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Shard;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.Flags;
import io.moon.server.xshard.LockRequest;
import io.moon.server.xshard.LockTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A single-shard command on its way to the shard that owns its keys, and its reply on the way
 * back. One per connection, reused for each such command (a connection has at most one command
 * out at a time), so sending a command to another shard allocates nothing.
 *
 * <p>As a message it runs twice: on the target shard ({@link Shard#onCall}) and then back on the
 * connection's shard ({@link #deliver}). The target writes the reply into
 * {@link #replyBuffer()}; the hand-offs through the event loops' task queues publish it.
 *
 * <p>When the keys are locked by a cross-shard operation, the call waits in the target's
 * {@link LockTable} as a {@link LockRequest} and runs when granted.
 */
public final class Call extends LockRequest implements Runnable {
    private final Connection conn;
    private final ByteBuf replyBuf = Unpooled.buffer(256);
    private final Reply out = new Reply();
    private Shard target;
    private CommandSpec spec;
    private Request req;
    private int db;
    private boolean noTouch;
    private boolean done;
    /** Set on the target when the command blocked (BLPOP on an empty list) instead of replying. */
    public io.moon.server.blocking.SharedWaiter waiter;
    /** Set on the target when a script asked to run again with every shard held (no reply). */
    public boolean widen;

    Call(final Connection conn) {
        this.conn = conn;
    }

    void send(final Shard target, final CommandSpec spec, final Request req, final int db, final int proto,
              final boolean noTouch) {
        this.target = target;
        this.spec = spec;
        this.req = req;
        this.db = db;
        this.noTouch = noTouch;
        this.done = false;
        out.bind(replyBuf, proto);
        target.execute(this);
    }

    /** The connection the call runs for (identity only off its thread). */
    public Connection connection() {
        return conn;
    }

    public CommandSpec spec() {
        return spec;
    }

    public Request request() {
        return req;
    }

    public int db() {
        return db;
    }

    public Reply out() {
        return out;
    }

    public boolean noTouch() {
        return noTouch;
    }

    ByteBuf replyBuffer() {
        return replyBuf;
    }

    @Override
    public void run() {
        if (!done) {
            target.onCall(this);
        } else {
            deliver();
        }
    }

    /**
     * Back on the connection's thread: the reply becomes the command's, or the command goes on
     * elsewhere (it blocked on an empty key, or a script asked for every shard).
     */
    private void deliver() {
        if (widen) {
            widen = false;
            replyBuf.clear();
            Dispatcher.startWideScript(conn, spec);
            return;
        }
        if (waiter != null) {
            final io.moon.server.blocking.SharedWaiter w = waiter;
            waiter = null;
            replyBuf.clear();
            conn.enterBlocked(w);
            return;
        }
        conn.waiting = false;
        if (conn.closed) {
            replyBuf.clear();
            return;
        }
        conn.ensureOut();
        conn.replyMark = conn.out.writerIndex();
        conn.out.writeBytes(replyBuf, replyBuf.readerIndex(), replyBuf.readableBytes());
        if (replyBuf.capacity() > 64 * 1024) {
            replyBuf.capacity(256); // one big reply does not pin its buffer for the connection's life
        }
        replyBuf.clear();
        Dispatcher.ran(conn);
        Dispatcher.afterCommand(conn);
        conn.afterWaiting();
    }

    /** {@link #complete} as a task, for when the reply must wait for the log. */
    public final Runnable completeTask = this::complete;

    /** Sends the call back to its connection's shard with the reply. */
    public void complete() {
        done = true;
        conn.home().execute(this);
    }

    @Override
    protected void onGranted() {
        target.runParked(this);
    }

    /** True when none of this command's keys is locked against it (allocates nothing). */
    public boolean canRunNow(final LockTable locks) {
        return canRun(locks, spec, req, db);
    }

    /** Fills the lock request with this command's keys, for waiting in the lock table. */
    public void prepareLocks() {
        clearLocks();
        final boolean write = spec.has(Flags.WRITE);
        final int keys = spec.keyCount(req);
        for (int n = 0; n < keys; n++) {
            final int i = spec.keyArg(req, n);
            lockKey(db, req.buf(), req.off(i), req.len(i), write);
        }
        final long other = KeyUse.otherDbKey(spec, req);
        if (other >= 0) {
            final int k = (int) other;
            lockKey((int) (other >>> 32), req.buf(), req.off(k), req.len(k), true);
        }
    }

    static boolean canRun(final LockTable locks, final CommandSpec spec, final Request req, final int db) {
        if (locks.idle()) {
            return true;
        }
        final int mode = spec.has(Flags.WRITE) ? LockTable.X : LockTable.S;
        final int keys = spec.keyCount(req);
        for (int n = 0; n < keys; n++) {
            final int i = spec.keyArg(req, n);
            if (!locks.canRunNow(db, req.buf(), req.off(i), req.len(i), mode)) {
                return false;
            }
        }
        final long other = KeyUse.otherDbKey(spec, req);
        if (other < 0) {
            return true;
        }
        final int k = (int) other;
        return locks.canRunNow((int) (other >>> 32), req.buf(), req.off(k), req.len(k), LockTable.X);
    }
}
