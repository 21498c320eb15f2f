package io.moon.server.net;

import io.moon.server.Shard;

import java.util.List;
import java.util.logging.Logger;

/**
 * Client eviction (Redis's maxmemory-clients) for the connections of one shard.
 *
 * <p>Owned by its shard thread; not thread-safe. Each connection remembers the memory it last
 * reported (its query buffer, current arguments, argument arena and pending replies, as
 * {@code tot-mem} counts them without the MULTI queue). After a read batch a connection reports
 * again when its figure moved by {@link #STEP_BYTES} or more, and the shard cron reports every
 * connection exactly, {@code hz} times a second. The shard's sum is published to
 * {@link ClientMemoryCounters}, which every shard reads.
 *
 * <p>When the total of all shards reaches the limit, the shard that sees it closes its own
 * largest client (not one with CLIENT NO-EVICT on), as Redis closes the largest clients first,
 * and goes on until the total is below the limit. When another shard published a larger client,
 * it asks that shard to close it instead (a task on that shard's loop, which closes its largest
 * client first and then goes on the same way). Each shard's largest figure is refreshed by its
 * cron, so a client that shrank may be taken for the largest until then, and a client whose
 * memory grew by less than a step since its last report is counted at that report until the next
 * cron (docs/differences.md).
 */
public final class ClientEviction {
    private static final Logger LOG = Logger.getLogger(ClientEviction.class.getName());

    /** A connection reports after a read batch only when its memory moved this much. */
    static final long STEP_BYTES = 16 * 1024;

    private final Shard shard;
    private final ClientMemoryCounters shared;
    /** Sum of what this shard's connections last reported. */
    private long ownBytes;
    /** The largest figure a connection of this shard reported since the last cron. */
    private long largestBytes;

    public ClientEviction(final Shard shard, final ClientMemoryCounters shared) {
        this.shard = shard;
        this.shared = shared;
    }

    /** After a connection's read batch: report a large change, and evict when over the limit. */
    void afterRead(final Connection c) {
        // off (the default): nothing per read batch; the cron keeps the figures for when it is set
        if (shard.server.config.maxmemoryClientsBytes > 0 && report(c, false)) {
            evictIfOver(false);
        }
    }

    /** From the shard cron: every connection reports exactly, then evict when over the limit. */
    public void cron() {
        final List<Connection> clients = shard.clients();
        largestBytes = 0;
        for (int i = clients.size() - 1; i >= 0; i--) {
            report(clients.get(i), true);
            if (!clients.get(i).state().noEvict) {
                largestBytes = Math.max(largestBytes, clients.get(i).state().reportedMemoryBytes);
            }
        }
        shared.publishLargest(shard.id, largestBytes);
        if (shard.server.config.maxmemoryClientsBytes > 0) {
            evictIfOver(false);
        }
    }

    /** What this shard's connections hold (CLIENT LIST tot-mem), exact after {@link #cron}. */
    public long clientBytes() {
        return ownBytes;
    }

    /** A connection leaves this shard: what it reported no longer counts. */
    public void forget(final Connection c) {
        final ClientState st = c.state();
        if (st.reportedMemoryBytes != 0) {
            ownBytes -= st.reportedMemoryBytes;
            st.reportedMemoryBytes = 0;
            shared.publish(shard.id, ownBytes);
        }
    }

    private boolean report(final Connection c, final boolean exact) {
        final ClientState st = c.state();
        final long now = c.isClosed() ? 0 : ClientMemory.totalBytes(c); // a closed one keeps its buffers a little longer

        final long delta = now - st.reportedMemoryBytes;
        if (delta == 0 || !exact && Math.abs(delta) < STEP_BYTES) {
            return false;
        }
        st.reportedMemoryBytes = now;
        ownBytes += delta;
        shared.publish(shard.id, ownBytes);
        if (now > largestBytes && !st.noEvict) {
            largestBytes = now;
            shared.publishLargest(shard.id, now);
        }
        return true;
    }

    /**
     * Redis's evictClients: largest first, while the total is at or over the limit. {@code asked}
     * when another shard found this one's largest client the largest: it is closed without
     * looking elsewhere again, so that every hop between shards closes a client.
     */
    private void evictIfOver(final boolean asked) {
        final long limit = shard.server.config.maxmemoryClientsBytes;
        boolean first = asked;
        while (limit > 0 && shared.totalBytes() >= limit) {
            Connection largest = null;
            long most = -1;
            final List<Connection> clients = shard.clients();
            for (int i = clients.size() - 1; i >= 0; i--) {
                final Connection c = clients.get(i);
                if (!c.state().noEvict && !c.isClosed() && c.state().reportedMemoryBytes > most) {
                    largest = c;
                    most = c.state().reportedMemoryBytes;
                }
            }
            final int other = first ? -1 : shared.shardWithLarger(shard.id, most);
            if (other >= 0) { // that shard holds a larger client: it closes it on its own thread
                shard.server.shard(other).execute(() -> shard.server.shard(other).clientEviction.evictIfOver(true));
                return;
            }
            first = false;
            if (largest == null) {
                return; // the other shards' clients hold the rest: they evict at their next read or cron
            }
            LOG.info("Evicting client: " + io.moon.server.commands.ClientCommands.describe(largest,
                    System.currentTimeMillis()).trim());
            largest.close();
            forget(largest); // at once: the channel's own cleanup comes later
            shard.stats.evictedClients++;
        }
    }
}
