package io.moon.server.net;

import io.moon.protocol.Reply;
import io.netty.buffer.ByteBuf;

/**
 * Messages pushed to one connection by others (Pub/Sub messages, MONITOR lines, tracking
 * invalidations): where they are written and when they leave.
 *
 * <p>While a command of the connection runs (and is not blocked), pushes to it wait in a buffer of
 * their own and follow the command's whole reply (EXEC's, a script's), as Redis 7.2 orders them
 * (its pending_push_messages): a message published to oneself, or a keyspace notification of
 * one's own write, comes after the command's reply, never inside it. Otherwise they go straight
 * into the reply buffer and leave with a flush run as a task, so a command running on the
 * connection keeps its reply buffer to itself.
 *
 * <p>Owned by the connection's thread.
 */
final class Pushes {
    private final Connection c;
    /** Writes into {@link #held} while a command of the connection runs. */
    private final Reply heldWriter = new Reply();
    private ByteBuf held;
    private boolean flushQueued;
    private final Runnable flush;

    Pushes(final Connection c) {
        this.c = c;
        this.flush = () -> {
            flushQueued = false;
            c.flushPushes();
        };
    }

    private boolean holding() {
        return c.tracking.inCommand && !c.isBlocked();
    }

    /** Where a pushed message is written, or null when the connection is closed. */
    Reply start() {
        if (c.closed || c.ch == null) {
            return null;
        }
        if (holding()) {
            if (held == null) {
                held = c.ch.alloc().ioBuffer(256);
            }
            return heldWriter.bind(held, c.state.proto);
        }
        c.ensureOut();
        return c.reply;
    }

    /** A message is written: it leaves with the next flush, unless the output limit closes the connection. */
    void end() {
        if (io.moon.server.pubsub.OutputLimits.exceeded(c, c.subs)) {
            c.close();
            return;
        }
        if (!holding()) {
            queueFlush();
        } // else held back: it leaves after the reply (release)
    }

    /**
     * The pushes held back while a command ran go out after its reply (also after CLIENT REPLY
     * OFF or SKIP dropped the reply: pushes are never silenced, as Redis's CLIENT_PUSHING).
     */
    void release() {
        final ByteBuf d = held;
        if (d == null || !d.isReadable()) {
            return;
        }
        if (!c.closed) {
            c.ensureOut();
            c.out.writeBytes(d);
        }
        d.clear();
        if (d.capacity() > 64 * 1024) {
            d.release();
            held = null;
        }
        if (!c.closed) {
            queueFlush();
        }
    }

    private void queueFlush() {
        if (!flushQueued) {
            flushQueued = true;
            c.ch.eventLoop().execute(flush);
        }
    }

    /** Bytes held back behind the running command (part of CLIENT LIST omem). */
    int heldBytes() {
        return held == null ? 0 : held.readableBytes();
    }

    /** The connection is gone. */
    void free() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
