package io.moon.server.wal;

import io.moon.server.Server;
import io.moon.server.Shard;
import io.moon.storage.wal.WalWriter;

/**
 * WAITAOF's local half: the place in every shard's log that a client's writes before the command
 * reached, and whether the disk has it yet.
 *
 * <p>Redis compares one replication offset per client. Moon has a log per shard and no per-client
 * offsets, so the target is taken over every shard at the moment WAITAOF runs: on the client's
 * home shard (this thread) everything staged so far, elsewhere everything written to the OS. A
 * write of the client that ran on another shard is among those: its reply reached this thread
 * only after that shard wrote its record (replies that carry a result across shards wait for
 * the group commit's write, {@link ShardLog#whenDurable}). The target may also cover other
 * clients' writes; it never misses one of the caller's.
 */
public final class AofWait {
    private final Server server;
    private final WalWriter[] writers;
    private final long[] targets;

    private AofWait(final Server server) {
        this.server = server;
        this.writers = new WalWriter[server.shardCount()];
        this.targets = new long[server.shardCount()];
    }

    /** Takes the targets; on the home shard's thread. */
    public static AofWait capture(final Server server, final Shard home) {
        final AofWait w = new AofWait(server);
        for (int s = 0; s < w.writers.length; s++) {
            final WalWriter writer = server.shard(s).log.writer;
            w.writers[s] = writer;
            if (writer != null) {
                w.targets[s] = s == home.id ? writer.stagedEnd() : writer.writtenVisible();
            }
        }
        return w;
    }

    /**
     * True once every target is on disk: fsynced by its writer, or its segment was replaced or
     * closed since (a segment is written and fsynced whole before it is switched). Any thread.
     */
    public boolean fsynced() {
        for (int s = 0; s < writers.length; s++) {
            final WalWriter w = writers[s];
            if (w != null && server.shard(s).log.writer == w && w.fsyncedVisible() < targets[s]) {
                return false;
            }
        }
        return true;
    }
}
