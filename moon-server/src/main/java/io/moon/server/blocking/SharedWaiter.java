package io.moon.server.blocking;

import io.moon.protocol.Request;
import io.moon.server.Shard;
import io.moon.server.command.CommandSpec;
import io.moon.server.net.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ScheduledFuture;

/**
 * One blocked client's command (BLPOP, BZPOPMIN, BLMOVE...), shared by the client's home shard
 * and every shard owning one of its keys. It is registered in those shards' {@link BlockedKeys}
 * (one {@link Registration} per shard) and ends exactly once: served by one of those shards, or
 * cancelled by the home (timeout, CLIENT UNBLOCK, disconnect).
 *
 * <p><b>Memory-ordering contract.</b>
 * <ul>
 *   <li>The final fields, the argument copy {@link #req} and the {@link #regs registrations} are
 *       written before the waiter is handed to any other thread; every hand-off is an event-loop
 *       task, whose enqueue publishes them (a task's writes happen-before the receiving task).</li>
 *   <li>{@link #state} is the only field several threads race on. It moves once, from
 *       {@link #WAITING} to {@link #CLAIMED} (a shard serves it) or {@link #CANCELLED} (its home
 *       gives up), by compare-and-set: whichever thread wins owns the ending, so a client
 *       blocked on keys of several shards is served by at most one of them, and never both
 *       served and timed out.</li>
 *   <li>The winner of a claim writes {@link #reply} and then posts the waiter to its home
 *       ({@link #run}); that post publishes the reply. Only the winner writes the reply.</li>
 *   <li>Fields marked home-only are read and written on the client's home thread alone.</li>
 * </ul>
 */
public final class SharedWaiter implements Runnable {
    static final int WAITING = 0;
    static final int CLAIMED = 1;
    static final int CANCELLED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SharedWaiter.class, "state", int.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    /** The blocked connection: only its {@link Connection#home() home} is read off that thread. */
    public final Connection conn;
    public final Shard home;
    /** A copy of the command's arguments: served on another shard after the connection moved on. */
    public final Request req;
    public final CommandSpec cmd;
    public final int db;
    public final int proto;
    public final boolean noTouch;
    /** What the client waits for, and how a shard serves it; null: the home runs the command again. */
    final BlockedPop pop;
    /** {@link io.moon.storage.ValueType} the keys must hold for {@link #pop} to serve them. */
    final int type;
    /** Command-specific: the side(s) and count the pop uses. */
    public final long arg;
    /** Argument of a second key the pop writes on the serving shard (BLMOVE's destination), or 0. */
    int alsoWrites;
    /**
     * XREADGROUP: its key going away or changing type ends the wait too (the command runs again
     * and answers the error). Set before the waiter is shared.
     */
    boolean unblockOnNoKey;
    /**
     * A re-run runs {@link #req} rather than the connection's own copy of the command (XREAD's
     * {@code $} resolved to the ID it stood for when the client blocked). Set before sharing.
     */
    public boolean rerunsOwnArgs;
    /** The reply, written by whoever ends the wait (see the contract). */
    public final ByteBuf reply = Unpooled.buffer(64);
    final Registration[] regs;
    int regCount;

    // ---- home-only ----
    /** Absolute deadline in ms, 0 for none. */
    public long deadlineMillis;
    public ScheduledFuture<?> timer;
    /** The connection knows it is blocked (the registrations are all made). */
    public boolean entered;
    /** The reply arrived (a shard served it) before the connection entered the blocked state. */
    public boolean servedEarly;
    /** Instead of a reply: the home must run the command again (a BLMOVE across shards). */
    public boolean rerun;
    /** A keyless wait (WAIT, WAITAOF): writes its reply on a timeout or CLIENT UNBLOCK; null for pops. */
    java.util.function.Consumer<ByteBuf> onTimeout;

    SharedWaiter(final Connection conn, final Request req, final CommandSpec cmd, final int db, final int proto,
                 final boolean noTouch, final BlockedPop pop, final int type, final long arg, final long deadlineMillis,
                 final int shards) {
        this.conn = conn;
        this.home = conn.home();
        this.req = req;
        this.cmd = cmd;
        this.db = db;
        this.proto = proto;
        this.noTouch = noTouch;
        this.pop = pop;
        this.type = type;
        this.arg = arg;
        this.deadlineMillis = deadlineMillis;
        this.regs = new Registration[shards];
    }

    boolean waiting() {
        return (int) STATE.getVolatile(this) == WAITING;
    }

    /** A shard takes the right to serve this client; false when another ending won. */
    boolean claim() {
        return STATE.compareAndSet(this, WAITING, CLAIMED);
    }

    /** The home gives up waiting (timeout, CLIENT UNBLOCK, disconnect); false when a shard claimed it first. */
    public boolean cancel() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    /** Shards holding this waiter's keys. */
    int shardCount() {
        return regs.length;
    }

        Registration registration(final Shard s) {
        for (int i = 0; i < regCount; i++) {
            if (regs[i].shard == s) {
                return regs[i];
            }
        }
        final Registration r = new Registration(this, s);
        regs[regCount++] = r;
        return r;
    }

    /**
     * Takes the waiter out of every shard's lists: at once on {@code here} (the calling thread's
     * shard, or null), by a message elsewhere. Called by whoever won the ending.
     */
    public void unregister(final Shard here) {
        for (int i = 0; i < regCount; i++) {
            final Registration r = regs[i];
            if (r.shard == here) {
                here.blocked.remove(r);
            } else {
                r.shard.execute(r);
            }
        }
    }

    /** On the home: the ending is decided; the reply (or a re-run) is for the connection. */
    @Override
    public void run() {
        conn.onWaiterDone(this);
    }
}
