package io.moon.server.xshard;

import io.moon.protocol.Request;
import io.moon.server.command.CommandSpec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A {@link HeldSession} driven from a thread of its own (a script's virtual thread): each call
 * hands the work to the coordinator and waits for its answer. Never call it from an event loop:
 * the coordinator it waits for would be the thread it blocks.
 */
public final class BlockingSession {
    private final HeldSession session;

    public BlockingSession(final HeldSession session) {
        this.session = session;
    }

    /** Takes the session's locks and returns once all are held. */
    public void open() throws InterruptedException {
        final CompletableFuture<Void> held = new CompletableFuture<>();
        session.coordinator(() -> session.open(() -> held.complete(null)));
        await(held);
    }

    /** Runs one command under the locks (see {@link HeldSession#execute}); its reply, RESP-encoded. */
    public byte[] call(final int db, final int proto, final Request args, final CommandSpec spec)
            throws InterruptedException {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        session.coordinator(() -> {
            try {
                session.execute(db, proto, args, spec, done::complete);
            } catch (final RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return await(done);
    }

    /** Releases the locks and answers the client {@code encodedReply}; does not wait. */
    public void close(final byte[] encodedReply) {
        session.coordinator(() -> session.close(encodedReply));
    }

    private static <T> T await(final CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (final ExecutionException e) {
            throw new IllegalStateException("held session failed", e.getCause());
        }
    }
}
