package io.moon.server.command;

import io.moon.protocol.Request;

/** Picks the shard a keyless command runs on from its arguments (SCAN: from the cursor). */
@FunctionalInterface
public interface KeyRouter {
    /** The shard index, or -1 to reply an error through the handler on the connection's shard. */
    int shardFor(Request r, int shards);
}
