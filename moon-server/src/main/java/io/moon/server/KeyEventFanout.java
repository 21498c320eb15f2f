package io.moon.server;

import io.moon.storage.Keyspace;

/**
 * The one {@link Keyspace.KeyEvents} listener of a shard's keyspace, which tells every subsystem
 * that needs expirations and evictions (keyspace notifications, WATCH, the log). Subsystems
 * {@link #add} themselves at startup; calls run on the shard thread.
 */
public final class KeyEventFanout implements Keyspace.KeyEvents {
    private volatile Keyspace.KeyEvents[] listeners = new Keyspace.KeyEvents[0];

    /** Adds a listener (at startup, before the shard serves). */
    public synchronized void add(final Keyspace.KeyEvents l) {
        final Keyspace.KeyEvents[] next = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        next[next.length - 1] = l;
        listeners = next;
    }

    @Override
    public void expired(final int db, final byte[] k, final int ko, final int kl) {
        for (final Keyspace.KeyEvents l : listeners) {
            l.expired(db, k, ko, kl);
        }
    }

    @Override
    public void created(final int db, final byte[] k, final int ko, final int kl) {
        for (final Keyspace.KeyEvents l : listeners) {
            l.created(db, k, ko, kl);
        }
    }

    @Override
    public void fieldsExpired(final int db, final byte[] k, final int ko, final int kl, final boolean keyDeleted) {
        for (final Keyspace.KeyEvents l : listeners) {
            l.fieldsExpired(db, k, ko, kl, keyDeleted);
        }
    }

    @Override
    public void evicted(final int db, final byte[] k, final int ko, final int kl) {
        for (final Keyspace.KeyEvents l : listeners) {
            l.evicted(db, k, ko, kl);
        }
    }
}
