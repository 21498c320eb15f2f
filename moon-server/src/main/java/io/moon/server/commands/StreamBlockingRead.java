package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.blocking.Blocking;
import io.moon.server.blocking.BlockingOutcome;
import io.moon.server.blocking.SharedWaiter;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Keyspace;

import java.nio.charset.StandardCharsets;

/**
 * XREAD / XREADGROUP BLOCK with keys on several shards: {@link Gather}'s steps (lock every key,
 * copy them to the coordinator, run the handler there, write back what it changed), except that
 * when the handler finds nothing to serve it leaves the command to wait with instead of a reply
 * ({@link Ctx#blockAcross}); then each shard registers the waiter for its keys while the locks
 * still hold, so no XADD can slip between the look and the registration, and the connection waits.
 * A signalled key makes the client's home run the command again.
 *
 * <p>A wait writes nothing back: an XREADGROUP that blocks creates its consumer when it is served
 * (a write-back would delete and restore the stream, waking the other readers blocked on it).
 */
public final class StreamBlockingRead extends Gather implements BlockingOutcome {
    private static final byte[] BLOCK = "BLOCK".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAMS = "STREAMS".getBytes(StandardCharsets.US_ASCII);

    private SharedWaiter waiter;

    private StreamBlockingRead(final Ctx c) {
        super(c);
    }

    /** XREAD / XREADGROUP over keys of several shards: this operation when it may block, else the gather form. */
    public static Coordinated readAcross(final Ctx c) {
        if (!Blocking.mayBlock(c) || !hasBlock(c.req)) {
            return CrossShard.gather(c);
        }
        final StreamBlockingRead op = new StreamBlockingRead(c);
        op.start();
        return op;
    }

    /** Whether BLOCK comes before STREAMS (an argument error is the handler's to reply). */
    private static boolean hasBlock(final Request r) {
        for (int i = 1; i < r.argc(); i++) {
            if (r.argIs(i, STREAMS)) {
                return false;
            }
            if (r.argIs(i, BLOCK)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public SharedWaiter waiter() {
        return waiter;
    }

    @Override
    protected void prepare(final Ctx x) {
        x.blockAcross = true;
    }

    /** Nothing to serve: the waiter, registered on every shard of the keys while the locks hold. */
    @Override
    protected boolean endedInstead(final Ctx x, final Keyspace scratch) {
        if (x.blockArgs == null) {
            return false;
        }
        waiter = Blocking.streamWaiter(conn, x.blockArgs, cmd, dbIndex, proto, noTouch, x.blockDeadlineMillis,
                partCount(), cmd.name().equals("xreadgroup"));
        for (int i = 0; i < partCount(); i++) {
            final Part p = partAt(i);
            for (int a = 0; a < p.argCount; a++) {
                Blocking.registerKey(waiter, p.shard, argOf(p.args[a]));
            }
        }
        home.giveScratch(scratch);
        stepAllAndRelease();
        return true;
    }

    /** On each owner: register the waiter for its keys, or install the written keys' new state. */
    @Override
    protected void onStep(final Part p, final Ctx x) {
        if (waiter != null) {
            Blocking.activate(waiter, x.shard);
        } else {
            super.onStep(p, x);
        }
    }
}
