package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.blocking.Blocking;
import io.moon.server.blocking.KeylessWait;
import io.moon.server.blocking.SharedWaiter;
import io.moon.server.wal.AofWait;

/**
 * The replication commands a standalone server answers: ROLE, WAIT and WAITAOF. Moon has no
 * replicas yet, so WAIT counts none (and blocks for its timeout when asked for more, as a Redis
 * master without replicas does) and WAITAOF waits for the local fsync only.
 */
public final class ReplicationCommands {
    private static final byte[] ROLE_MASTER = Reply.ascii("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
    private static final byte[] NOT_TIMEOUT = Reply.err("ERR timeout is not an integer or out of range");
    private static final byte[] NUMLOCAL_RANGE = Reply.err("ERR value is out of range, value must between 0 and 1");
    private static final byte[] NOT_POSITIVE = Reply.err("ERR value is out of range, must be positive");
    private static final byte[] AOF_OFF =
            Reply.err("ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.");
    private static final byte[] ACKED_LOCAL = Reply.ascii("*2\r\n:1\r\n:0\r\n");
    private static final byte[] NOT_ACKED = Reply.ascii("*2\r\n:0\r\n:0\r\n");

    private ReplicationCommands() {
    }

    // ROLE
    public static void role(final Ctx c) {
        c.out.raw(ROLE_MASTER);
    }

    /**
     * A millisecond timeout at argument i as an absolute deadline (0: none), or -1 after replying
     * Redis 7.2's error.
     */
    private static long deadlineMillis(final Ctx c, final int i) {
        final Request r = c.req;
        if (!r.parseLong(i)) {
            c.out.raw(NOT_TIMEOUT);
            return -1;
        }
        final long ms = r.longValue;
        if (ms < 0) {
            c.out.raw(Blocking.NEGATIVE);
            return -1;
        }
        if (ms == 0) {
            return 0;
        }
        if (ms > Long.MAX_VALUE - c.now) {
            c.out.raw(Blocking.OUT_OF_RANGE);
            return -1;
        }
        return c.now + ms;
    }

    // WAIT numreplicas timeout
    public static void waitReplicas(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(1)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long wanted = r.longValue;
        final long deadline = deadlineMillis(c, 2);
        if (deadline < 0) {
            return;
        }
        if (wanted <= 0 || !Blocking.mayBlock(c)) {
            c.out.raw(Reply.ZERO); // no replica acknowledged anything
            return;
        }
        // no replica will ever acknowledge: the client waits for its timeout (or CLIENT UNBLOCK)
        KeylessWait.block(c, deadline, reply -> reply.writeBytes(Reply.ZERO));
    }

    // WAITAOF numlocal numreplicas timeout
    public static void waitAof(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(1)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long numLocal = r.longValue;
        if (numLocal < 0 || numLocal > 1) {
            c.out.raw(NUMLOCAL_RANGE);
            return;
        }
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long numReplicas = r.longValue;
        if (numReplicas < 0) {
            c.out.raw(NOT_POSITIVE);
            return;
        }
        final long deadline = deadlineMillis(c, 3);
        if (deadline < 0) {
            return;
        }
        final boolean aofOn = c.server.aof.enabled();
        if (numLocal > 0 && !aofOn) {
            c.out.raw(AOF_OFF);
            return;
        }
        if (!aofOn) {
            c.out.raw(NOT_ACKED); // nothing is fsynced to an AOF that is off (Redis: [0, 0])
            return;
        }
        final AofWait local = AofWait.capture(c.server, c.shard);
        // inside MULTI/EXEC the transaction's own writes are staged when it ends, so, as in Redis
        // (whose offsets advance when the transaction is propagated), they are not waited for
        final boolean now = local.fsynced();
        if ((now || numLocal == 0) && numReplicas == 0 || !Blocking.mayBlock(c)) {
            c.out.raw(now ? ACKED_LOCAL : NOT_ACKED);
            return;
        }
        // the reply on a timeout says whether the local fsync happened meanwhile
        final SharedWaiter w = KeylessWait.block(c, deadline,
                reply -> reply.writeBytes(local.fsynced() ? ACKED_LOCAL : NOT_ACKED));
        if (numReplicas == 0) {
            final io.moon.server.wal.Aof aof = c.server.aof;
            // appendonly turned off meanwhile ends the wait with the error, as in Redis
            KeylessWait.poll(w, () -> !aof.enabled() || local.fsynced(),
                    reply -> reply.writeBytes(aof.enabled() ? ACKED_LOCAL : AOF_OFF));
        }
        // with replicas asked for, none will acknowledge: only the timeout ends the wait
    }
}
