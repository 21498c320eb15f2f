package io.moon.server.blocking;

import io.moon.server.Ctx;

/**
 * How a shard serves a blocked client from one of its keys: pops (or moves) for it and writes
 * the reply the command would have given, into {@code c.out}. Runs on the key's shard with
 * {@code c} bound to the client's arguments, database and protocol; the key at argument
 * {@code keyArg} exists (entry {@code addr}, hash {@code h}) and holds the type the client waits
 * for. {@code arg} is the command's own data (sides, count) captured when it blocked.
 */
@FunctionalInterface
public interface BlockedPop {
    void serve(Ctx c, long arg, int keyArg, long addr, long h);

    /**
     * For stream readers, asked before the waiter is claimed: whether serving now would answer
     * (entries past its IDs, or an error). Must change nothing; what it writes to {@code c.out}
     * is dropped. Pops are ready whenever their key holds their type.
     */
    default boolean ready(final Ctx c) {
        return true;
    }
}
