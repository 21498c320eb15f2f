package io.moon.server.pubsub;

import io.moon.server.Server;
import io.moon.storage.Keyspace;

/** Turns a shard's expirations, evictions and new keys into "expired", "evicted" and "new" notifications. */
public final class ExpiryNotifier implements Keyspace.KeyEvents {
    private final Server server;
    private final int shard;

    public ExpiryNotifier(final Server server, final int shard) {
        this.server = server;
        this.shard = shard;
    }

    @Override
    public void expired(final int db, final byte[] k, final int ko, final int kl) {
        Notify.event(server, shard, Notify.EXPIRED, "expired", db, k, ko, kl);
    }

    @Override
    public void created(final int db, final byte[] k, final int ko, final int kl) {
        Notify.event(server, shard, Notify.NEW, "new", db, k, ko, kl);
    }

    @Override
    public void fieldsExpired(final int db, final byte[] k, final int ko, final int kl, final boolean keyDeleted) {
        Notify.event(server, shard, Notify.HASH, "hexpired", db, k, ko, kl);
        if (keyDeleted) {
            Notify.event(server, shard, Notify.GENERIC, "del", db, k, ko, kl);
        }
    }

    @Override
    public void evicted(final int db, final byte[] k, final int ko, final int kl) {
        Notify.event(server, shard, Notify.EVICTED, "evicted", db, k, ko, kl);
    }
}
