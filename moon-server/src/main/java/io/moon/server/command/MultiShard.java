package io.moon.server.command;

import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;

/**
 * Starts the cross-shard form of a command: a {@link Coordinated} operation that locks what it
 * touches on every shard involved, runs its per-shard steps and merges their results.
 */
@FunctionalInterface
public interface MultiShard {
    /** Creates and starts the operation; called on the connection's thread. */
    Coordinated start(Ctx c);
}
