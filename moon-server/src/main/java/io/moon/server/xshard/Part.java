package io.moon.server.xshard;

import io.moon.protocol.Reply;
import io.moon.server.Ctx;
import io.moon.server.Shard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One shard's share of a {@link Coordinated} operation: its lock request on that shard, the
 * argument positions that belong there, and a buffer for what its steps produce.
 *
 * <p>It is also the message that carries the operation to its shard and back: {@link #run()}
 * does whatever {@link #phase} says, on the thread it was posted to. A part is in at most one
 * queue at a time.
 */
public final class Part extends LockRequest implements Runnable {
    static final int LOCK = 1;
    static final int STEP = 2;
    static final int STEP_RELEASE = 3;
    static final int RELEASE = 4;
    static final int STEP_DONE = 5;
    static final int LOCK_DONE = 6;

    final Coordinated op;
    public final Shard shard;
    int index;
    private int phase;

    /** Argument indices that live on this shard (keys, or key-value pairs' first index). */
    public int[] args = new int[4];
    public int argCount;
    /** What this part's steps write (replies of the sub-command, values moved between shards). */
    public final ByteBuf buf = Unpooled.buffer(0);
    public final Reply out = new Reply();
    /** The arguments this part's steps see; the operation's request unless set (a sub-command). */
    public io.moon.protocol.Request req;
    /** What this part's shard did for the log (see Coordinated's log support), created on first use. */
    java.util.List<io.moon.server.wal.ShardLog.Cmd> walCmds;
    boolean walReleased;

    java.util.List<io.moon.server.wal.ShardLog.Cmd> walCmds() {
        if (walCmds == null) {
            walCmds = new java.util.ArrayList<>();
        }
        return walCmds;
    }

    /** Scratch results of steps. */
    public long n;
    public Object data;

    Part(final Coordinated op, final Shard shard, final int proto) {
        this.op = op;
        this.shard = shard;
        out.bind(buf, proto);
    }

    public void addArg(final int i) {
        if (argCount == args.length) {
            args = java.util.Arrays.copyOf(args, argCount << 1);
        }
        args[argCount++] = i;
    }

    void post(final int phase) {
        this.phase = phase;
        final Shard target = phase == STEP_DONE || phase == LOCK_DONE ? op.home : shard;
        target.execute(this);
    }

    @Override
    public void run() {
        switch (phase) {
            case LOCK -> {
                if (op.lockFree()) {
                    onGranted(); // nested in a session that holds every database of this shard
                } else {
                    shard.locks.acquire(this);
                }
            }
            case STEP, STEP_RELEASE -> {
                op.stepped(this, context());
                if (phase == STEP_RELEASE) {
                    op.walRelease(this); // while the locks are still held
                    if (!op.lockFree()) {
                        shard.locks.release(this);
                    }
                }
                post(STEP_DONE);
            }
            case RELEASE -> {
                op.walRelease(this);
                if (!op.lockFree()) {
                    shard.locks.release(this);
                }
            }
            case STEP_DONE -> op.stepDone();
            case LOCK_DONE -> op.lockDone();
            default -> throw new IllegalStateException("part phase " + phase);
        }
    }

    private Ctx context() {
        final Ctx x = shard.stepContext(op.dbIndex, req != null ? req : op.req, out, op.cmd, op.noTouch);
        x.trackFor = op.conn; // its reads are remembered for, and its writes made by, the operation's client
        return x;
    }

    @Override
    protected void onGranted() {
        op.locked(this, context());
    }
}
