package io.moon.server.blocking;

import io.moon.server.Ctx;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A client blocked on a condition rather than on keys (WAIT, WAITAOF): a {@link SharedWaiter}
 * registered on no shard, so it is a blocked client like any other (INFO blocked_clients, CLIENT
 * LIST flag b, CLIENT UNBLOCK, its timeout, a disconnect), and a check that its home's loop runs
 * every few milliseconds until the condition holds or the wait ended otherwise.
 *
 * <p>Polling, because the conditions (an fsync on some shard's log) have no listeners to tell;
 * one scheduled task per blocked client every {@value #POLL_MILLIS} ms costs nothing measurable.
 */
public final class KeylessWait {
    static final long POLL_MILLIS = 2;

    private KeylessWait() {
    }

    /**
     * Blocks the client of {@code c} until {@code deadline} (absolute ms, 0 for never), leaving
     * the waiter in {@link Ctx#waiter} for the dispatcher. {@code onTimeout} writes the reply of a
     * timeout or of CLIENT UNBLOCK ... TIMEOUT.
     */
    public static SharedWaiter block(final Ctx c, final long deadline, final Consumer<ByteBuf> onTimeout) {
        final SharedWaiter w = new SharedWaiter(c.blockFor, Blocking.copy(c.req), c.cmd, c.dbIndex, c.proto,
                c.noTouch, null, 0, 0, deadline, 0);
        w.onTimeout = onTimeout;
        c.waiter = w;
        return w;
    }

    /**
     * Until the wait ends, asks {@code done} every few ms on the home's loop; once it says true,
     * ends the wait with the reply {@code reply} writes.
     */
    public static void poll(final SharedWaiter w, final BooleanSupplier done, final Consumer<ByteBuf> reply) {
        w.home.loop().schedule(() -> {
            if (!w.waiting()) {
                return; // timed out, unblocked or disconnected
            }
            if (!done.getAsBoolean()) {
                poll(w, done, reply);
                return;
            }
            if (w.claim()) {
                reply.accept(w.reply);
                w.run();
            }
        }, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }
}
