package io.moon.server.net;

import io.moon.protocol.RespPeek;
import io.moon.server.Shard;
import io.moon.storage.Db;
import io.netty.buffer.ByteBuf;

/**
 * Memory-level parallelism for pipelines. With a keyspace much larger than the CPU caches, a
 * lookup costs two cache misses (the bucket, then the entry), and one command at a time they come
 * strictly one after the other: profiles of GET and SET with 16 commands per read over a million
 * keys spent close to half of the server's own (non-kernel) time waiting in the key comparison.
 * Before a read's commands run, this looks ahead at up to {@link #MAX} of them
 * ({@link RespPeek}), and for each whose first key this shard owns, reads the key's bucket and
 * first entry ({@link Db#warm}) together, so their misses overlap and the commands then find
 * their lines in the cache.
 *
 * <p>Only the owning shard's tables are read, and only while no cross-shard operation holds
 * anything here (one that holds every shard may be running on another thread): the
 * shard-ownership rule holds for reads too, and keys of other shards are skipped. It changes
 * nothing, so a wrong guess (a command whose second argument is not a key, a SELECT further down
 * the pipeline) costs a wasted read and nothing else. One per shard, used on its thread only.
 */
public final class PipelinePrefetch {
    /** Commands warmed at once: about what a core keeps in flight, and what a cache keeps warm. */
    static final int MAX = 16;
    /** Bytes looked at: 16 commands of up to 128 bytes. */
    private static final int WINDOW = 2048;
    /** Fewer bytes cannot hold two commands with keys worth warming. */
    static final int MIN_BYTES = 48;

    private final Shard shard;
    private final byte[] window = new byte[WINDOW];
    private final int[] offs = new int[MAX];
    private final int[] lens = new int[MAX];
    private final long[] hashes = new long[MAX];
    private final long[] heads = new long[MAX];
    /** Keeps the warming reads from being optimized away. */
    @SuppressWarnings("unused")
    private long sink;

    public PipelinePrefetch(final Shard shard) {
        this.shard = shard;
    }

    /**
     * Warms the keys of the whole commands at the start of {@code in}'s readable bytes (nothing
     * is consumed) in database {@code dbIndex}. Returns how many commands it looked at, or 0 when
     * fewer than two whole commands are there (nothing to overlap).
     */
    int warm(final ByteBuf in, final int dbIndex) {
        if (!shard.locks.idle()) {
            return 0;
        }
        final int len = Math.min(in.readableBytes(), WINDOW);
        in.getBytes(in.readerIndex(), window, 0, len);
        final int cmds = RespPeek.secondArgs(window, len, offs, lens, MAX);
        if (cmds < 2) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < cmds; i++) {
            if (lens[i] >= 0 && shard.server.shardOf(window, offs[i], lens[i]) == shard.id) {
                hashes[n++] = Db.hash(window, offs[i], lens[i]);
            }
        }
        if (n > 1) {
            sink += shard.keyspace.db(dbIndex).warm(hashes, heads, n);
        }
        return cmds;
    }
}
