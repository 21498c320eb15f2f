package io.moon.server.net;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;

import java.util.concurrent.Executor;

/**
 * A shard's event loop that counts its turns and the time it works in them, for INFO's
 * {@code eventloop_*} fields. Redis times each turn of its loop from waking up to going back to
 * sleep; here a turn is one pass of Netty's loop: the I/O step (wait, then handle what is ready:
 * reads, the commands they carry, writes) followed by the queued tasks (cross-shard messages,
 * timers, the cron).
 *
 * <p>The working time of the I/O step, without its wait, comes from the I/O handler itself: Netty's
 * handlers time their processing and report it through {@code IoHandlerContext.reportActiveIoTime}
 * when the loop says it wants it, a hook meant for Netty's auto-scaling that this loop turns on by
 * answering {@link #isSuspensionSupported} with true. That answer changes nothing else: suspending
 * a loop is only ever asked for by an auto-scaling chooser, which Moon does not use, and the loop's
 * own checks read the flag it was built with. The tasks are timed from the end of one I/O step to
 * the start of the next: two clock reads per turn.
 *
 * <p>The counters are written by the loop's thread and read by it (INFO visits each shard), so they
 * are plain fields.
 */
public final class MeteredEventLoop extends SingleThreadIoEventLoop {
    private long cycles;
    private long activeNanos;
    /** When the last I/O step ended (its tasks started), or 0 before the first. */
    private long tasksStart;

    MeteredEventLoop(final IoEventLoopGroup parent, final Executor executor, final IoHandlerFactory factory) {
        super(parent, executor, factory);
    }

    /** The group that makes its loops metered. */
    static final class Group extends io.netty.channel.MultiThreadIoEventLoopGroup {
        Group(final int threads, final java.util.concurrent.ThreadFactory tf, final IoHandlerFactory f) {
            super(threads, tf, f);
        }

        @Override
        protected IoEventLoop newChild(final Executor executor, final IoHandlerFactory factory, final Object... args) {
            return new MeteredEventLoop(this, executor, factory);
        }
    }

    @Override
    protected int runIo() {
        final long now = System.nanoTime();
        if (tasksStart != 0) {
            activeNanos += now - tasksStart;
        }
        cycles++;
        final int handled = super.runIo();
        tasksStart = System.nanoTime();
        return handled;
    }

    @Override
    protected boolean isSuspensionSupported() {
        return true; // asks the I/O handler to report its working time (see the class comment)
    }

    @Override
    protected void reportActiveIoTime(final long nanos) {
        activeNanos += nanos;
    }

    /** Turns of the loop so far (the loop's thread only). */
    public long cycles() {
        return cycles;
    }

    /** Nanoseconds spent working in them, waits excluded (the loop's thread only). */
    public long activeNanos() {
        return activeNanos;
    }
}
