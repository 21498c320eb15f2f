package io.moon.server.blocking;

import io.moon.server.Shard;

/**
 * A waiter's presence on one shard: a node in the FIFO of each of its keys that this shard owns.
 * Created by the client's home (or the key's shard, when all keys are there) before the waiter is
 * shared; its nodes are linked and unlinked only by {@link #shard}'s thread. As a message it
 * takes the waiter off that shard ({@link #run}).
 */
final class Registration implements Runnable {
    final SharedWaiter waiter;
    final Shard shard;
    /** Argument indices of this shard's keys (duplicates dropped). */
    int[] keyArgs = new int[2];
    int keyCount;
    /** One node per key while linked; null once removed. Owned by {@link #shard}'s thread. */
    BlockedKeys.Node[] nodes;
    boolean removed;

    Registration(final SharedWaiter waiter, final Shard shard) {
        this.waiter = waiter;
        this.shard = shard;
    }

    void addKey(final int arg) {
        if (keyCount == keyArgs.length) {
            keyArgs = java.util.Arrays.copyOf(keyArgs, keyCount << 1);
        }
        keyArgs[keyCount++] = arg;
    }

    @Override
    public void run() {
        shard.blocked.remove(this);
    }
}
