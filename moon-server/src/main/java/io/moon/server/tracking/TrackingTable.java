package io.moon.server.tracking;

import io.moon.server.Shard;
import io.moon.server.net.Connection;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tracking table of one shard's keys (Redis's TrackingTable, split by owner): for each key
 * a tracking client read here, the clients that may cache it. Like Redis's, it is keyed by the
 * key's name alone, whatever the database. When a key changes here (a write on this shard, a
 * cross-shard step, expiry, eviction) its clients are sent one invalidation, through a task to
 * their home shard, and the key is forgotten. BCAST clients are not in the table: a changed key
 * matching their prefixes is collected and sent once per event-loop turn, one message per prefix.
 *
 * <p>Owned by its shard's thread; not thread-safe. Empty (and {@link Tracking#prefixes()} empty)
 * when nobody tracks: writes then pay one check ({@link #active()}).
 */
public final class TrackingTable {
    private record Key(byte[] bytes, int hash) {
        static Key of(final byte[] b, final int off, final int len) {
            final byte[] k = Arrays.copyOfRange(b, off, off + len);
            return new Key(k, Arrays.hashCode(k));
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Key other && Arrays.equals(other.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Marks a BCAST key no client changed (expiry, eviction): no NOLOOP client skips it. */
    private static final Object NO_WRITER = new Object();

    private final Shard shard;
    /** The server's registry (BCAST prefixes), held directly: {@link #active()} runs on every write. */
    private final Tracking registry;
    /**
     * The clients of one key, by connection id (as Redis's table): a client that disconnects leaves
     * only its id behind, never its connection, and is skipped when the key changes.
     */
    private static final class Ids {
        long[] ids = new long[2];
        int count;

        boolean add(final long id) {
            for (int i = 0; i < count; i++) {
                if (ids[i] == id) {
                    return false;
                }
            }
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
            }
            ids[count++] = id;
            return true;
        }
    }

    private final HashMap<Key, Ids> keys = new HashMap<>();
    private long items;
    /** BCAST: per prefix, the keys changed during this event-loop turn and who changed each last. */
    private final HashMap<Tracking.Prefix, TreeMap<byte[], Object>> changed = new HashMap<>();
    private boolean broadcastQueued;
    private final Runnable broadcast = this::broadcast;

    public TrackingTable(final Shard shard) {
        this.shard = shard;
        this.registry = shard.server.tracking;
    }

    /** Whether a change to a key may concern a tracking client (one cheap check when none does). */
    public boolean active() {
        return !keys.isEmpty() || registry.prefixes().length != 0;
    }

    /** INFO tracking_total_keys (this shard's part). */
    public int keyCount() {
        return keys.size();
    }

    /** INFO tracking_total_items: (key, client) pairs. */
    public long itemCount() {
        return items;
    }

    /** Client {@code c} read this key (a read-only command's key, on this shard). */
    public void remember(final Connection c, final byte[] b, final int off, final int len) {
        if (keys.computeIfAbsent(Key.of(b, off, len), k -> new Ids()).add(c.id())) {
            items++;
        }
        final long max = shard.server.config.trackingTableMaxKeys;
        if (max != 0) {
            limit(Math.max(1, (max + shard.server.shardCount() - 1) / shard.server.shardCount()));
        }
    }

    /**
     * Over this shard's share of tracking-table-max-keys: forget keys (not the one just added
     * necessarily) and tell their clients, as if the keys had changed, as Redis's
     * trackingLimitUsedSlots does; BCAST clients hear nothing of it.
     */
    private void limit(final long maxHere) {
        while (keys.size() > maxHere) {
            final Iterator<Map.Entry<Key, Ids>> it = keys.entrySet().iterator();
            final Map.Entry<Key, Ids> e = it.next();
            it.remove();
            send(e.getKey().bytes, e.getValue(), null);
        }
    }

    /**
     * The key changed here; {@code writer} is the connection whose command changed it, or null
     * (expiry, eviction). Its tracking clients get an invalidation (but the writer if it asked for
     * NOLOOP) and the key is forgotten; BCAST prefixes matching it collect it.
     */
    public void modified(final byte[] b, final int off, final int len, final Connection writer) {
        if (!keys.isEmpty()) {
            final Key k = Key.of(b, off, len);
            final Ids l = keys.remove(k);
            if (l != null) {
                send(k.bytes, l, writer);
            }
        }
        final Tracking.Prefix[] ps = registry.prefixes();
        for (final Tracking.Prefix p : ps) {
            if (p.matches(b, off, len)) {
                changed.computeIfAbsent(p, x -> new TreeMap<>(Arrays::compareUnsigned))
                        .put(Arrays.copyOfRange(b, off, off + len), writer == null ? NO_WRITER : writer);
                if (!broadcastQueued) {
                    broadcastQueued = true;
                    shard.execute(broadcast); // after this turn's commands: one message per prefix
                }
            }
        }
    }

    private void send(final byte[] key, final Ids clients, final Connection writer) {
        items -= clients.count;
        final byte[] payload = encode(java.util.List.of(key));
        for (int i = 0; i < clients.count; i++) {
            final Connection c = registry.byId(clients.ids[i]);
            if (c == null || (c == writer && c.tracking.noloop())) {
                continue; // gone (Redis skips an id it no longer finds), or NOLOOP's own write
            }
            deliver(c, payload, false);
        }
    }

    private void deliver(final Connection c, final byte[] payload, final boolean anyMode) {
        if (c.home() == shard) {
            c.tracking.invalidate(payload, anyMode);
        } else {
            c.home().execute(() -> c.tracking.invalidate(payload, anyMode));
        }
    }

    /** FLUSHDB / FLUSHALL on this shard: everything is forgotten (Redis empties the whole table). */
    public void clear() {
        keys.clear();
        items = 0;
    }

    /**
     * BCAST: the keys collected per prefix go to the prefix's clients; a NOLOOP client's home
     * leaves out the keys that client changed itself (its flag is read there, on its own thread).
     */
    private void broadcast() {
        broadcastQueued = false;
        for (final Map.Entry<Tracking.Prefix, TreeMap<byte[], Object>> e : changed.entrySet()) {
            final TreeMap<byte[], Object> ks = e.getValue(); // not touched here again: shared read-only
            final byte[] all = encode(ks.keySet());
            for (final Connection c : e.getKey().clients()) {
                if (c.home() == shard) {
                    c.tracking.broadcast(all, ks);
                } else {
                    c.home().execute(() -> c.tracking.broadcast(all, ks));
                }
            }
        }
        changed.clear();
    }

    /** The RESP array of the keys, as every invalidation message carries it. */
    static byte[] encode(final java.util.Collection<byte[]> ks) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream(16 + ks.size() * 16);
        header(o, '*', ks.size());
        for (final byte[] k : ks) {
            header(o, '$', k.length);
            o.writeBytes(k);
            o.write('\r');
            o.write('\n');
        }
        return o.toByteArray();
    }

    private static void header(final ByteArrayOutputStream o, final char type, final long n) {
        o.write(type);
        o.writeBytes(Long.toString(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        o.write('\r');
        o.write('\n');
    }
}
