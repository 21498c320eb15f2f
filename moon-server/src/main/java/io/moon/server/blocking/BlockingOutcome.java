package io.moon.server.blocking;

/**
 * A cross-shard operation of a blocking command: when it ends with the client blocked instead of
 * a reply, {@link #waiter()} is the waiter its shards registered, and the connection waits for it.
 */
public interface BlockingOutcome {
    /** The waiter when the command blocked; null when it replied. */
    SharedWaiter waiter();
}
