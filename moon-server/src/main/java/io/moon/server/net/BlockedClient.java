package io.moon.server.net;

import io.moon.server.blocking.Blocking;
import io.moon.server.blocking.SharedWaiter;

import java.util.concurrent.TimeUnit;

/**
 * A connection's blocking command (BLPOP, BZPOPMIN, BLMOVE... on empty keys) while it waits: its
 * waiter is registered on every shard owning its keys, no reply is written and no further input is
 * parsed until the wait ends, served by a shard, timed out here, by CLIENT UNBLOCK, or by the
 * connection closing. Owned by the connection's thread.
 */
final class BlockedClient {
    private final Connection c;
    /** The waiter while blocked. */
    private SharedWaiter blocked;
    /** While a served BLMOVE runs again: the deadline its new wait keeps, else -1. */
    private long rerunDeadlineMillis = -1;

    BlockedClient(final Connection c) {
        this.c = c;
    }

    /**
     * The command blocked: its waiter is registered on every shard owning its keys. No reply yet
     * and no further input is parsed until the waiter ends ({@link #onWaiterDone}): served by a
     * shard, timed out here, CLIENT UNBLOCK, or this connection closing.
     */
    void enter(final SharedWaiter w) {
        c.waiting = true;
        if (rerunDeadlineMillis >= 0) {
            w.deadlineMillis = rerunDeadlineMillis; // a re-run keeps the first timeout, as in Redis
            rerunDeadlineMillis = -1;
        }
        w.entered = true;
        if (c.closed) {
            if (w.cancel()) {
                w.unregister(c.home);
                w.reply.release();
            } else if (w.servedEarly) {
                w.reply.release();
            } // else a shard claimed it: onWaiterDone releases the reply when it arrives
            return;
        }
        blocked = w;
        c.home.blocked.blockedClients++;
        if (w.deadlineMillis > 0) {
            c.home.blocked.blockedWithTimeout++;
        }
        if (w.servedEarly) {
            deliver(w);
            return;
        }
        if (w.deadlineMillis > 0) {
            final long delay = Math.max(0, w.deadlineMillis - System.currentTimeMillis());
            w.timer = c.ch.eventLoop().schedule(() -> onBlockTimeout(w), delay, TimeUnit.MILLISECONDS);
        }
    }

    boolean isBlocked() {
        return blocked != null;
    }

    /** A shard served the waiter (its reply is in the waiter) or asked for a re-run. On this thread. */
    void onWaiterDone(final SharedWaiter w) {
        if (!w.entered) {
            w.servedEarly = true; // the blocking command's own completion is still on its way
            return;
        }
        if (blocked != w) {
            w.reply.release();
            return; // closed meanwhile
        }
        deliver(w);
    }

    private void onBlockTimeout(final SharedWaiter w) {
        if (blocked != w || !w.cancel()) {
            return; // served meanwhile: the reply is on its way
        }
        w.unregister(c.home);
        w.reply.clear();
        Blocking.timeoutReply(w);
        deliver(w);
    }

    /** CLIENT UNBLOCK: ends the wait as a timeout or with the UNBLOCKED error. On this thread. */
    boolean unblock(final boolean error) {
        final SharedWaiter w = blocked;
        if (w == null || !w.cancel()) {
            return false;
        }
        w.unregister(c.home);
        w.reply.clear();
        if (error) {
            w.reply.writeBytes(Blocking.UNBLOCKED);
        } else {
            Blocking.timeoutReply(w);
        }
        deliver(w);
        return true;
    }

    /** The wait is over: the waiter's reply goes out (or the command runs again), input resumes. */
    private void deliver(final SharedWaiter w) {
        clearBlocked(w);
        c.waiting = false;
        if (c.closed) {
            w.reply.release();
            return;
        }
        c.ensureOut();
        if (w.rerun) {
            w.reply.release();
            if (w.rerunsOwnArgs) {
                // the connection parses nothing while blocked: its request is the blocked command's
                c.req.reset();
                for (int i = 0; i < w.req.argc(); i++) {
                    c.req.add(w.req.buf(), w.req.off(i), w.req.len(i));
                }
            }
            rerunDeadlineMillis = w.deadlineMillis;
            c.redispatch();
            rerunDeadlineMillis = -1;
            if (!c.waiting) {
                c.afterWaiting();
            }
            return;
        }
        c.home.stats.commandsProcessed++;
        c.replyMark = c.out.writerIndex();
        c.out.writeBytes(w.reply, w.reply.readerIndex(), w.reply.readableBytes());
        w.reply.release();
        c.afterBlockedReply();
    }

    /** On close: a blocked client leaves nothing behind on any shard. */
    void drop() {
        final SharedWaiter w = blocked;
        if (w == null) {
            return;
        }
        if (w.cancel()) {
            w.unregister(c.home);
            deliver(w); // closed: only the bookkeeping and the buffer
        } else {
            clearBlocked(w); // a shard claimed it: onWaiterDone releases the reply when it arrives
        }
    }

    private void clearBlocked(final SharedWaiter w) {
        blocked = null;
        c.home.blocked.blockedClients--;
        if (w.timer != null) {
            w.timer.cancel(false);
            w.timer = null;
        }
        if (w.deadlineMillis > 0) {
            c.home.blocked.blockedWithTimeout--;
        }
    }
}
