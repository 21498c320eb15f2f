package io.moon.server.command;

import io.moon.server.Ctx;

/**
 * The code of a command. Runs on one thread with everything it needs in {@link Ctx}: on the
 * shard that owns the keys for keyed commands, on the connection's thread for local ones. Writes
 * exactly one reply. Handlers are static methods referenced from the table, so calling one
 * allocates nothing.
 */
@FunctionalInterface
public interface Handler {
    void run(Ctx c);
}
