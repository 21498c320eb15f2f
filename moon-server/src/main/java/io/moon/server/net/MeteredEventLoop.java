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
 * the start of the next.
 *
 * <p>Every turn is counted, but only one turn in {@value #SAMPLE_EVERY} is timed, and its time
 * counts {@value #SAMPLE_EVERY} times: at one request per turn (pipeline depth 1) the four clock
 * reads of a timed turn cost about 100 ns, a measurable share of a GET's few microseconds of CPU,
 * while the sampled sum stays within a few percent of the exact one over any INFO interval.
 *
 * <p>The counters are written by the loop's thread and read by it (INFO visits each shard), so they
 * are plain fields.
 */
public final class MeteredEventLoop extends SingleThreadIoEventLoop {
    static final int SAMPLE_EVERY = 16;

    private long cycles;
    private long activeNanos;
    /** Whether this turn is timed. */
    private boolean timing;
    /** When the timed turn's I/O step ended (its tasks started). */
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
        if (timing) { // the last turn was timed: its tasks end here
            activeNanos += (System.nanoTime() - tasksStart) * SAMPLE_EVERY;
        }
        timing = (++cycles & (SAMPLE_EVERY - 1)) == 0;
        final int handled = super.runIo();
        if (timing) {
            tasksStart = System.nanoTime();
        }
        return handled;
    }

    @Override
    protected boolean isSuspensionSupported() {
        return timing; // asks the I/O handler to report its working time on timed turns (see above)
    }

    @Override
    protected void reportActiveIoTime(final long nanos) {
        activeNanos += nanos * SAMPLE_EVERY;
    }

    /** Turns of the loop so far (the loop's thread only). */
    public long cycles() {
        return cycles;
    }

    /** Nanoseconds spent working in them, waits excluded, estimated from the timed turns (the loop's thread only). */
    public long activeNanos() {
        return activeNanos;
    }
}
