package io.moon.server;

/**
 * Counters of one shard for INFO stats, summed over shards when INFO asks.
 *
 * <p>Plain fields written by the shard's thread only; other threads read them by asking that
 * thread (INFO fans out), so there is no cross-thread ordering to state.
 */
public final class ShardStats {
    private static final int SAMPLES = 16;

    public long commandsProcessed;
    public long connectionsReceived;
    public long netInputBytes;
    /** Reads from connections' sockets (Redis's total_reads_processed), and batches written to them. */
    public long readsProcessed;
    public long writesProcessed;
    public long netOutputBytes;
    public long rejectedCalls;
    /** Clients closed by client eviction (maxmemory-clients), INFO's evicted_clients. */
    public long evictedClients;
    public long failedCalls;
    public long totalErrorReplies;
    public long unexpectedErrorReplies;
    /** Commands sent to another shard one at a time (a Call each). */
    public long remoteCalls;
    /** Cross-shard operations started by connections homed here (multi-key, keyspace-wide). */
    public long crossShardOps;
    /** Pipeline batches started here, and the commands they carried. */
    public long pipelineBatches;
    public long pipelineBatchCommands;
    /** AUTH and HELLO AUTH refused (INFO acl_access_denied_auth). */
    public long aclDeniedAuth;
    /** Commands, keys and channels refused by ACL (INFO acl_access_denied_cmd/key/channel), indexed by AclCheck reason. */
    public final long[] aclDenied = new long[5];
    /** Calls, time, failures and latency histograms per command (INFO commandstats/latencystats). */
    public final io.moon.server.observe.CommandStats perCommand =
            new io.moon.server.observe.CommandStats(io.moon.server.command.CommandTable.instance().all().size());

    /** Error replies by their first word (INFO errorstats); touched only when an error is sent. */
    public final java.util.TreeMap<String, long[]> errorCounts = new java.util.TreeMap<>();

    private final long[] opsSamples = new long[SAMPLES];
    private final long[] inSamples = new long[SAMPLES];
    private final long[] outSamples = new long[SAMPLES];
    private int sampleIdx;
    private long lastSampleMillis;
    private long lastOps;
    private long lastIn;
    private long lastOut;

    // ---- the event loop's turns (INFO eventloop_*), read from its MeteredEventLoop ----
    /** The loop's counters when the stats were last reset (CONFIG RESETSTAT). */
    private long cyclesBase;
    private long activeBase;
    /** Per-sample turns per second, and each sample's turns and working nanoseconds. */
    private final long[] cycleRateSamples = new long[SAMPLES];
    private final long[] cycleSamples = new long[SAMPLES];
    private final long[] activeSamples = new long[SAMPLES];
    private long lastCycles;
    private long lastActive;
    private final io.netty.channel.EventLoop loop;

    ShardStats(final io.netty.channel.EventLoop loop) {
        this.loop = loop;
    }

    /** Turns of the shard's loop since the last reset (0 when the loop is not metered). */
    public long eventLoopCycles() {
        return loop instanceof io.moon.server.net.MeteredEventLoop m ? m.cycles() - cyclesBase : 0;
    }

    /** Nanoseconds its loop worked since the last reset, waits excluded. */
    public long eventLoopActiveNanos() {
        return loop instanceof io.moon.server.net.MeteredEventLoop m ? m.activeNanos() - activeBase : 0;
    }

    /** Turns per second over the last samples (instantaneous_eventloop_cycles_per_sec). */
    public long instantaneousCycles() {
        return avg(cycleRateSamples);
    }

    /** Turns and working nanoseconds over the last samples, for the average turn's duration. */
    public long sampledCycles() {
        return sum(cycleSamples);
    }

    public long sampledActiveNanos() {
        return sum(activeSamples);
    }

    /** Redis's trackInstantaneousMetric: per-second rates from the last 16 cron samples. */
    void sample(final long now) {
        final long dt = now - lastSampleMillis;
        if (lastSampleMillis != 0 && dt > 0) {
            opsSamples[sampleIdx] = (commandsProcessed - lastOps) * 1000 / dt;
            inSamples[sampleIdx] = (netInputBytes - lastIn) * 1000 / dt;
            outSamples[sampleIdx] = (netOutputBytes - lastOut) * 1000 / dt;
            final long cycles = eventLoopCycles() - lastCycles;
            cycleRateSamples[sampleIdx] = cycles * 1000 / dt;
            cycleSamples[sampleIdx] = cycles;
            activeSamples[sampleIdx] = eventLoopActiveNanos() - lastActive;
            sampleIdx = (sampleIdx + 1) % SAMPLES;
        }
        lastSampleMillis = now;
        lastOps = commandsProcessed;
        lastIn = netInputBytes;
        lastOut = netOutputBytes;
        lastCycles = eventLoopCycles();
        lastActive = eventLoopActiveNanos();
    }

    public long instantaneousOps() {
        return avg(opsSamples);
    }

    public long instantaneousInputBytes() {
        return avg(inSamples);
    }

    public long instantaneousOutputBytes() {
        return avg(outSamples);
    }

    private static long avg(final long[] a) {
        return sum(a) / a.length;
    }

    private static long sum(final long[] a) {
        long sum = 0;
        for (final long v : a) {
            sum += v;
        }
        return sum;
    }

    /** Counts an error reply whose text starts at b[off] (after the '-'). */
    public void countError(final io.netty.buffer.ByteBuf b, final int off) {
        totalErrorReplies++;
        int end = off;
        final int max = Math.min(b.writerIndex(), off + 32);
        while (end < max && b.getByte(end) != ' ' && b.getByte(end) != '\r') {
            end++;
        }
        final String code = b.toString(off, end - off, java.nio.charset.StandardCharsets.ISO_8859_1);
        errorCounts.computeIfAbsent(code, k -> new long[1])[0]++;
    }

    public void reset() {
        errorCounts.clear();
        perCommand.reset();
        commandsProcessed = 0;
        connectionsReceived = 0;
        netInputBytes = 0;
        readsProcessed = 0;
        writesProcessed = 0;
        netOutputBytes = 0;
        rejectedCalls = 0;
        evictedClients = 0;
        failedCalls = 0;
        totalErrorReplies = 0;
        unexpectedErrorReplies = 0;
        remoteCalls = 0;
        crossShardOps = 0;
        pipelineBatches = 0;
        pipelineBatchCommands = 0;
        aclDeniedAuth = 0;
        java.util.Arrays.fill(aclDenied, 0);
        cyclesBase += eventLoopCycles();
        activeBase += eventLoopActiveNanos();
        lastCycles = 0;
        lastActive = 0;
    }
}
