package io.moon.server.net;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.Flags;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.netty.buffer.ByteBuf;

/**
 * Pipelined single-shard commands that must leave their connection's shard, run as one
 * cross-shard operation instead of one round trip each.
 *
 * <p>A client that pipelines commands over keys of several shards would otherwise pay two thread
 * hand-offs per command, one after another (a connection runs one command at a time). When the
 * receive buffer already holds the following commands, the connection gathers them (up to
 * {@link #MAX_COMMANDS}) and this operation locks all their keys in shard order, runs each shard's
 * commands in request order as soon as that shard is locked, releases, and writes the replies in
 * request order.
 *
 * <p>Why this keeps Redis's semantics: every key of the batch stays locked from the moment its
 * shard ran its commands until all shards have, so no other client can see some of the batch's
 * effects without the others; and a key's commands all run on its shard in request order. The
 * result is as if the batch ran alone, one command after another, which is a schedule Redis could
 * have produced. (Running the shards' parts concurrently without locks, as pipeline "squashing"
 * does elsewhere, would let another client see a later write of the batch before an earlier one.)
 *
 * <p>Allocation: one operation, one part per shard and the lock requests per batch, amortized over
 * its commands; the single-shard fast path is unaffected.
 */
final class PipelineBatch extends Coordinated {
    /** Most commands gathered into one batch. */
    static final int MAX_COMMANDS = 64;
    /** Stop gathering once the batch's arguments take this many bytes. */
    static final int MAX_BYTES = 256 * 1024;
    /** Replies a batch should produce at most, judging by the connection's recent reply sizes. */
    static final int TARGET_REPLY_BYTES = 256 * 1024;

    private final Request[] reqs;
    private final CommandSpec[] specs;
    private final int count;
    private final Part[] partOf;
    private final int[] start;
    private final int[] end;

    PipelineBatch(final Ctx c, final Request[] reqs, final CommandSpec[] specs, final int count) {
        super(c);
        this.reqs = reqs;
        this.specs = specs;
        this.count = count;
        this.partOf = new Part[count];
        this.start = new int[count];
        this.end = new int[count];
        for (int i = 0; i < count; i++) {
            final Request r = reqs[i];
            final CommandSpec s = specs[i];
            final boolean write = s.has(Flags.WRITE);
            final int first = s.keyArg(r, 0);
            final Part p = part(server.shardOf(r.buf(), r.off(first), r.len(first)));
            final int keys = s.keyCount(r);
            for (int n = 0; n < keys; n++) {
                final int k = s.keyArg(r, n);
                p.lockKey(dbIndex, r.buf(), r.off(k), r.len(k), write);
            }
            final long other = KeyUse.otherDbKey(s, r);
            if (other >= 0) {
                final int k = (int) other;
                p.lockKey((int) (other >>> 32), r.buf(), r.off(k), r.len(k), true);
            }
            p.addArg(i);
            partOf[i] = p;
        }
    }

    /** Each command of a batch logs itself (Ctx.runCommand), as it would alone. */
    @Override
    protected boolean logsEffects() {
        return false;
    }

    /** Runs this shard's commands, in request order, into the part's buffer. */
    @Override
    protected void onLocked(final Part p, final Ctx x) {
        for (int a = 0; a < p.argCount; a++) {
            final int i = p.args[a];
            x.bind(dbIndex, reqs[i], p.out, specs[i]);
            start[i] = p.buf.writerIndex();
            x.runCommand();
            end[i] = p.buf.writerIndex();
            x.shard.stats.commandsProcessed++;
        }
    }

    @Override
    protected void onAllLocked() {
        releaseAll();
        finish();
    }

    /**
     * Called instead of sending a single command elsewhere: when the commands after it are already
     * received, gathers those that can join (single-shard, keyed, admitted) and runs them all as one
     * batch. Returns false when there is nothing to gather; any command parsed ahead is then
     * remembered and runs after this one. On the connection's thread.
     */
    static boolean tryStart(final Connection c, final CommandSpec first) {
        final ByteBuf in = c.currentIn;
        // CLIENT CACHING covers the next command only: a batch would run the ones after it with it too
        if (in == null || !in.isReadable() || c.ahead.busy() || c.outputBlocked || !c.ch.isWritable()
                || c.tracking.caching() || c.server.keyWaiters.get() != 0) {
            return false;
        }
        final Lookahead ahead = c.ahead;
        final int n = ahead.gather(c, c.req, first, in, c.parser);
        if (n == 1) {
            return false;
        }
        c.state.lastCommand = ahead.specs[n - 1];
        c.home.stats.pipelineBatches++;
        c.home.stats.pipelineBatchCommands += n;
        c.waiting = true;
        new PipelineBatch(c.home.localContext(c, c.req, c.reply, first), ahead.reqs, ahead.specs, n).start();
        return true;
    }

    /** The batch finished: its replies go to the connection in request order, with its reply rules. */
    void deliver(final Connection c) {
        long replyBytes = 0;
        if (!c.closed) {
            c.ensureOut();
            replyBytes = copyReplies(c.out, c.state, c.home, c.server);
            c.state.skipCurrent = false;
            if (c.out.readableBytes() >= Connection.OUT_CHUNK_BYTES) {
                c.flushChunk(); // and stop parsing if the socket is full (flow control)
            }
        }
        replyBuffer().release();
        c.ahead.batchDone(replyBytes); // the first request is the connection's own; the others go back
        c.tracking.afterCommand(c.tx.inMulti, c.state.lastCommand);
        c.releaseDeferredPushes();
        c.afterWaiting();
    }

    int count() {
        return count;
    }

    Request request(final int i) {
        return reqs[i];
    }

    CommandSpec spec(final int i) {
        return specs[i];
    }

    /** The reply bytes of command i, in its part's buffer. */
    ByteBuf replyOf(final int i) {
        return partOf[i].buf;
    }

    int replyStart(final int i) {
        return start[i];
    }

    int replyEnd(final int i) {
        return end[i];
    }

    /**
     * Copies the replies, in request order, into a connection's output with its CLIENT REPLY
     * rules (SKIP drops the first, OFF all), counting errors and feeding MONITOR on the way.
     * Returns the bytes of every reply, written or not. On the connection's thread.
     */
    private long copyReplies(final ByteBuf out, final ClientState state, final io.moon.server.Shard home,
                     final io.moon.server.Server server) {
        long bytes = 0;
        for (int i = 0; i < count(); i++) {
            final int start = replyStart(i);
            final int end = replyEnd(i);
            final ByteBuf r = replyOf(i);
            bytes += end - start;
            if (end > start && r.getByte(start) == '-') {
                home.stats.countError(r, start + 1);
            }
            if (!state.replyOff && !(i == 0 && state.skipCurrent)) {
                out.writeBytes(r, start, end - start);
            }
            if (server.monitors.active() && io.moon.server.observe.Monitors.shown(spec(i))) {
                server.monitors.feed(state.db, state.addr, request(i));
            }
        }
        return bytes;
    }
}
