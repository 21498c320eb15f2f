package io.moon.server.net;

/**
 * What a normal client's connection holds in memory, field by field as CLIENT LIST shows it
 * (qbuf, argv-mem, multi-mem, omem, rbs) and in total (tot-mem). The total is what each shard's
 * cron adds to its used_memory, so maxmemory counts normal clients' buffers as Redis does (it
 * leaves out only replica and AOF buffers, which Moon does not have). Read on the connection's
 * home shard thread.
 */
public final class ClientMemory {
    private ClientMemory() {
    }

    /** Bytes of the current command's arguments (CLIENT LIST argv-mem). */
    public static long argvBytes(final Connection c) {
        return c.req.usedBytes();
    }

    /** Capacity of the argument arena (CLIENT LIST rbs). */
    public static long readBufferBytes(final Connection c) {
        return c.req.capacityBytes();
    }

    /** Arguments of the commands queued in MULTI (CLIENT LIST multi-mem). */
    public static long multiBytes(final Connection c) {
        long n = 0;
        for (final io.moon.server.tx.TxState.Queued q : c.tx.queue) {
            n += q.req().usedBytes();
        }
        return n;
    }

    /** CLIENT LIST tot-mem: everything the connection holds. */
    public static long totalBytes(final Connection c) {
        return c.queryBufferBytes() + argvBytes(c) + multiBytes(c) + c.outputBufferBytes() + readBufferBytes(c);
    }
}
