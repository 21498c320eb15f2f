package io.moon.server.tx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The keys watched on one shard (Redis's db->watched_keys), touched by every change to them.
 * Owned by the shard's thread. Empty most of the time: then {@link #touch} is one size check.
 */
public final class WatchRegistry {
    private record Key(int db, byte[] key, int hash) {
        static Key of(final int db, final byte[] b, final int off, final int len) {
            final byte[] k = Arrays.copyOfRange(b, off, off + len);
            return new Key(db, k, 31 * db + Arrays.hashCode(k));
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Key other && other.db == db && Arrays.equals(other.key, key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * One client's registration. {@code expiredAtWatch}: the key was past its TTL (not yet deleted)
     * when WATCH ran; its deletion then is no change (Redis 7.0's watchedKey.expired), and clears it.
     */
    private static final class Watcher {
        final TxState tx;
        final long generation;
        boolean expiredAtWatch;

        Watcher(final TxState tx, final long generation, final boolean expiredAtWatch) {
            this.tx = tx;
            this.generation = generation;
            this.expiredAtWatch = expiredAtWatch;
        }
    }

    private final Map<Key, List<Watcher>> keys = new HashMap<>();

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public void watch(final int db, final byte[] b, final int off, final int len, final TxState tx, final long generation,
                      final boolean expiredAtWatch) {
        keys.computeIfAbsent(Key.of(db, b, off, len), k -> new ArrayList<>(2))
                .add(new Watcher(tx, generation, expiredAtWatch));
    }

    /** Drops the registrations of {@code tx} on this key (UNWATCH and friends). */
    public void unwatch(final int db, final byte[] key, final TxState tx) {
        final Key k = new Key(db, key, 31 * db + Arrays.hashCode(key));
        final List<Watcher> l = keys.get(k);
        if (l != null) {
            l.removeIf(w -> w.tx == tx);
            if (l.isEmpty()) {
                keys.remove(k);
            }
        }
    }

    /**
     * The key changed: every client watching it fails its next EXEC, except one that watched it
     * already expired: nothing can change such a key before it is deleted ({@link #deleted}).
     */
    public void touch(final int db, final byte[] b, final int off, final int len) {
        if (keys.isEmpty()) {
            return;
        }
        final List<Watcher> l = keys.get(Key.of(db, b, off, len));
        if (l != null) {
            for (final Watcher w : l) {
                if (!w.expiredAtWatch) {
                    w.tx.touched(w.generation);
                }
            }
        }
    }

    /**
     * The key left by expiry or eviction: a change for the clients that watched it alive, none for
     * those that watched it already expired (logically it was gone already); their later changes
     * count again.
     */
    public void deleted(final int db, final byte[] b, final int off, final int len) {
        if (keys.isEmpty()) {
            return;
        }
        final List<Watcher> l = keys.get(Key.of(db, b, off, len));
        if (l != null) {
            for (final Watcher w : l) {
                if (w.expiredAtWatch) {
                    w.expiredAtWatch = false;
                } else {
                    w.tx.touched(w.generation);
                }
            }
        }
    }

    /** Every existing key of database {@code db} changes (FLUSHDB, FLUSHALL, SWAPDB), as Redis touches them. */
    public void touchDb(final int db, final java.util.function.Predicate<byte[]> exists) {
        for (final Iterator<Map.Entry<Key, List<Watcher>>> it = keys.entrySet().iterator(); it.hasNext();) {
            final Map.Entry<Key, List<Watcher>> e = it.next();
            if (e.getKey().db == db && exists.test(e.getKey().key)) {
                for (final Watcher w : e.getValue()) {
                    if (w.expiredAtWatch) {
                        w.expiredAtWatch = false; // an expired key emptied away: no change
                    } else {
                        w.tx.touched(w.generation);
                    }
                }
            }
        }
    }
}
