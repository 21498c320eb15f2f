package io.moon.server.tracking;

import io.moon.server.Server;
import io.moon.server.net.Connection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client-side caching (CLIENT TRACKING), the part shared by every shard: how many clients track
 * (INFO tracking_clients), the connections by id (a REDIRECT names one on any shard), and the
 * BCAST prefixes with their clients. The keys clients read live on the shards owning them
 * ({@link TrackingTable}); invalidations travel from there to the client's home shard as tasks
 * ({@link ClientTracking}). See "Client-side caching" in docs/architecture.md.
 *
 * <p>Memory ordering: {@link #clients} is atomic; {@link #byId} is a concurrent map; the prefix
 * array is copy-on-write, never mutated once published by its volatile write, and its writers
 * (CLIENT TRACKING ON/OFF, disconnects: rare) serialize on this object, as pub/sub patterns do.
 */
public final class Tracking {
    /** One BCAST prefix and the clients registered for it; immutable. */
    public record Prefix(byte[] bytes, Connection[] clients) {
        boolean matches(final byte[] k, final int off, final int len) {
            return bytes.length <= len && Arrays.equals(bytes, 0, bytes.length, k, off, off + bytes.length);
        }
    }

    private static final Prefix[] NONE = new Prefix[0];

    private final Server server;
    /** Clients with tracking on (INFO tracking_clients). */
    final AtomicInteger clients = new AtomicInteger();
    /** Every open connection by id: REDIRECT targets are looked up here, from any shard. */
    private final ConcurrentHashMap<Long, Connection> byId = new ConcurrentHashMap<>();
    /** BCAST prefixes, sorted by their bytes (unsigned), each with its clients. */
    private volatile Prefix[] prefixes = NONE;

    public Tracking(final Server server) {
        this.server = server;
    }

    public int clientCount() {
        return clients.get();
    }

    public void opened(final Connection c) {
        byId.put(c.id(), c);
    }

    public void closed(final Connection c) {
        byId.remove(c.id());
    }

    /** The open connection with this id, or null. Any thread. */
    public Connection byId(final long id) {
        return byId.get(id);
    }

    /** The BCAST prefixes now (read by every write while some exist; empty most of the time). */
    public Prefix[] prefixes() {
        return prefixes;
    }

    /** INFO tracking_total_prefixes. */
    public int prefixCount() {
        return prefixes.length;
    }

    synchronized void addPrefix(final byte[] p, final Connection c) {
        final Prefix[] old = prefixes;
        final ArrayList<Prefix> next = new ArrayList<>(old.length + 1);
        boolean found = false;
        for (final Prefix x : old) {
            if (Arrays.equals(x.bytes, p)) {
                found = true;
                final Connection[] cs = Arrays.copyOf(x.clients, x.clients.length + 1);
                cs[cs.length - 1] = c;
                next.add(new Prefix(x.bytes, cs));
            } else {
                next.add(x);
            }
        }
        if (!found) {
            next.add(new Prefix(p, new Connection[] {c}));
        }
        next.sort((a, b) -> Arrays.compareUnsigned(a.bytes, b.bytes));
        prefixes = next.toArray(NONE);
    }

    synchronized void removePrefix(final byte[] p, final Connection c) {
        final Prefix[] old = prefixes;
        final ArrayList<Prefix> next = new ArrayList<>(old.length);
        for (final Prefix x : old) {
            if (!Arrays.equals(x.bytes, p)) {
                next.add(x);
                continue;
            }
            final ArrayList<Connection> cs = new ArrayList<>(Arrays.asList(x.clients));
            cs.remove(c);
            if (!cs.isEmpty()) {
                next.add(new Prefix(x.bytes, cs.toArray(new Connection[0])));
            }
        }
        prefixes = next.toArray(NONE);
    }

    /**
     * FLUSHDB or FLUSHALL ran: every tracking client (default and BCAST mode) gets one invalidation
     * with a null instead of keys, as Redis sends; each shard emptied its own table in the flush's
     * locked step. Posted to every home shard; on the flushing thread.
     */
    public void flushed() {
        if (clients.get() == 0) {
            return;
        }
        for (int s = 0; s < server.shardCount(); s++) {
            final io.moon.server.Shard shard = server.shard(s);
            shard.execute(() -> {
                for (final Connection c : shard.clients().toArray(new Connection[0])) {
                    if (c.tracking.on) {
                        c.tracking.invalidate(null, true);
                    }
                }
            });
        }
    }
}
