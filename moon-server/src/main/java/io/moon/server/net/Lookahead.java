package io.moon.server.net;

import io.moon.protocol.Request;
import io.moon.protocol.RespParser;
import io.moon.server.command.CommandSpec;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * The commands a connection parsed ahead of the one it is running, for {@link PipelineBatch}es,
 * and the pool of requests they are parsed into. Owned by its connection's thread.
 *
 * <p>Gathering stops at the first command that cannot join a batch; it is then {@link #held}
 * and runs after the batch. It also stops when the buffer ends inside a command: that one is
 * {@link #partial}, and the parser goes on filling it when more bytes arrive. A protocol error
 * met while gathering is {@link #heldError}, replied after the batch.
 */
final class Lookahead {
    // made on the first batch: a connection that never pipelines (most idle ones) holds none
    Request[] reqs;
    CommandSpec[] specs;
    int count;
    Request held;
    Request partial;
    String heldError;
    /**
     * Average reply size of recent batched commands (moving average). Batches are sized so their
     * replies stay near {@link PipelineBatch#TARGET_REPLY_BYTES}: a client reading large values
     * gets small batches, and output flow control keeps working.
     */
    private int avgReplyBytes;
    private Request[] spares = new Request[0];
    private int spareCount;

    /** True when something parsed ahead is still waiting to be handled. */
    boolean busy() {
        return held != null || partial != null || heldError != null;
    }

    /**
     * Gathers, after {@code first}, the commands in {@code in} that can join a batch. Returns the
     * batch's size; 1 means nothing joined (but a held or partial command may have been parsed).
     */
    int gather(final Connection c, final Request first, final CommandSpec firstSpec, final ByteBuf in,
               final RespParser parser) {
        final int max = Math.max(1, Math.min(PipelineBatch.MAX_COMMANDS,
                PipelineBatch.TARGET_REPLY_BYTES / Math.max(1, avgReplyBytes)));
        if (reqs == null) {
            reqs = new Request[PipelineBatch.MAX_COMMANDS];
            specs = new CommandSpec[PipelineBatch.MAX_COMMANDS];
        }
        reqs[0] = first;
        specs[0] = firstSpec;
        int n = 1;
        long bytes = first.usedBytes();
        while (n < max && bytes < PipelineBatch.MAX_BYTES && in.isReadable()) {
            final Request next = take();
            final int r = parser.parse(in, next);
            if (r == RespParser.NEED_MORE) {
                partial = next;
                break;
            }
            if (r == RespParser.ERROR) {
                heldError = parser.error();
                give(next);
                break;
            }
            final CommandSpec s = Dispatcher.batchable(c, next);
            if (s == null) {
                held = next;
                break;
            }
            reqs[n] = next;
            specs[n] = s;
            n++;
            bytes += next.usedBytes();
        }
        count = n;
        return n;
    }

    /** A batch finished with {@code replyBytes} of replies: its requests (but the first) go back. */
    void batchDone(final long replyBytes) {
        avgReplyBytes = (int) Math.min(Integer.MAX_VALUE, (avgReplyBytes + replyBytes / Math.max(1, count)) / 2);
        for (int i = 1; i < count; i++) {
            give(reqs[i]);
            reqs[i] = null;
        }
        count = 0;
    }

    Request take() {
        if (spareCount == 0) {
            return new Request(); // grows the pool once, then reused
        }
        final Request r = spares[--spareCount];
        spares[spareCount] = null;
        return r;
    }

    void give(final Request r) {
        r.reset();
        if (spareCount == spares.length) {
            spares = Arrays.copyOf(spares, Math.max(4, spareCount * 2));
        }
        spares[spareCount++] = r;
    }
}
