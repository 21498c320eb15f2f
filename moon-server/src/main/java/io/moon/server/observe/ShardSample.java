package io.moon.server.observe;

import io.moon.server.Shard;
import io.moon.server.ShardStats;
import io.moon.storage.Db;
import io.moon.storage.KeyspaceStats;

import java.util.Map;
import java.util.TreeMap;

/**
 * A copy of one shard's counters for /metrics, taken on the shard's own thread ({@link #take})
 * and handed to the admin thread by a task post, which publishes every field: the counters stay
 * plain longs that only their shard writes, and scraping adds no work to any command.
 *
 * <p>Immutable once handed over; the admin thread only reads it.
 */
public final class ShardSample {
    public final int shard;
    public final long commandsProcessed;
    public final long connectionsReceived;
    public final long netInputBytes;
    public final long netOutputBytes;
    public final long keyspaceHits;
    public final long keyspaceMisses;
    public final long expiredKeys;
    public final long evictedKeys;
    public final long clients;
    public final long blockedClients;
    public final long keyspaceBytes;
    public final long usedMemoryBytes;
    public final long remoteCalls;
    public final long crossShardOps;
    public final long pipelineBatches;
    public final long pipelineBatchCommands;
    public final long errorReplies;
    /** Keys and keys with a TTL, per database. */
    public final long[] keys;
    public final long[] expires;
    /** Per command id (the command table's): calls, nanoseconds, failed and rejected calls. */
    public final long[] calls;
    public final long[] nanos;
    public final long[] failed;
    public final long[] rejected;
    /** Copies of the latency histograms of the commands that ran here, else null entries. */
    public final org.HdrHistogram.Histogram[] latency;
    /** Error replies by their first word (INFO errorstats). */
    public final Map<String, Long> errors = new TreeMap<>();

    private ShardSample(final Shard s) {
        shard = s.id;
        final ShardStats st = s.stats;
        final KeyspaceStats ks = s.keyspace.stats;
        commandsProcessed = st.commandsProcessed;
        connectionsReceived = st.connectionsReceived;
        netInputBytes = st.netInputBytes;
        netOutputBytes = st.netOutputBytes;
        keyspaceHits = ks.keyspaceHits;
        keyspaceMisses = ks.keyspaceMisses;
        expiredKeys = ks.expiredKeys;
        evictedKeys = ks.evictedKeys;
        clients = s.clients().size();
        blockedClients = s.blocked.blockedClients + s.parkedClients(); // as INFO blocked_clients
        keyspaceBytes = s.keyspace.memoryBytes();
        usedMemoryBytes = s.memory.refresh(); // publishes this shard's bytes, as INFO does
        remoteCalls = st.remoteCalls;
        crossShardOps = st.crossShardOps;
        pipelineBatches = st.pipelineBatches;
        pipelineBatchCommands = st.pipelineBatchCommands;
        errorReplies = st.totalErrorReplies;
        final int dbs = s.keyspace.databases();
        keys = new long[dbs];
        expires = new long[dbs];
        for (int d = 0; d < dbs; d++) {
            final Db db = s.keyspace.db(d);
            keys[d] = db.size();
            expires[d] = db.expiresCount();
        }
        final CommandStats c = st.perCommand;
        calls = c.calls.clone();
        nanos = c.nanos.clone();
        failed = c.failed.clone();
        rejected = c.rejected.clone();
        latency = new org.HdrHistogram.Histogram[calls.length];
        for (int id = 0; id < calls.length; id++) {
            final org.HdrHistogram.Histogram h = c.latency[id];
            if (h != null && h.getTotalCount() > 0) {
                latency[id] = h.copy(); // only at scrape time, only for commands that ran
            }
        }
        st.errorCounts.forEach((k, v) -> errors.put(k, v[0]));
    }

    /** Copies {@code s}'s counters. Must run on {@code s}'s thread. */
    public static ShardSample take(final Shard s) {
        return new ShardSample(s);
    }

    /** Sum of keys over databases. */
    public long totalKeys() {
        long n = 0;
        for (final long k : keys) {
            n += k;
        }
        return n;
    }
}
