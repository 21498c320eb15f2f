package io.moon.server.script;

import io.moon.server.Ctx;

/**
 * One script execution: its context, what it may do, what it did, and the flags other threads set
 * (SCRIPT KILL). Fields written by the running shard thread and read by others are volatile.
 */
final class ScriptRun {
    final Ctx ctx;
    /** The ACL user the script runs as: redis.call checks its rights (null: unchecked, server-internal). */
    final io.moon.server.acl.AclUser user;
    final String sha;
    final int numkeys;
    /** EVAL_RO, EVALSHA_RO or the no-writes shebang flag. */
    final boolean readOnly;
    final long startMillis = System.currentTimeMillis();
    final long limitMillis;
    /** The RESP version redis.call replies are read in (redis.setresp). */
    int resp = 2;
    /** The database redis.call runs in (SELECT inside a script changes only this). */
    int db;
    /** lua-strict-keys: every key a command names must be declared in KEYS. */
    boolean strict;
    /** Whether the script may ask to run again with every shard held (see Ctx.scriptMayWiden). */
    boolean mayWiden;
    /** Whether the script touched a key it did not declare, or ran a keyspace-wide command. */
    boolean undeclared;
    /** Whether a write command ran: the script can no longer be killed. */
    volatile boolean wrote;
    volatile boolean killRequested;
    private boolean busy;
    /** The chunk name in error texts: user_script (EVAL) or user_function (FCALL). */
    String chunk = "user_script";
    /** The command's arguments, copied when it becomes busy (FUNCTION STATS). */
    byte[][] command;
    /** FCALL: sha holds the function's name. */
    boolean function;
    /** The allow-oom flag (function or shebang): its writes are let through over maxmemory. */
    boolean allowOom;
    /**
     * Whether the server was over maxmemory (and could evict nothing) when the script started:
     * then its first command that may grow memory is refused (Redis's pre-command OOM state).
     */
    boolean oomAtStart;

    /** Redis's pre-command OOM state, judged on the dispatching shard (its thread). */
    static boolean overMaxmemory(final Ctx c) {
        return c.server.config.maxmemory != 0 && !c.shard.memory.admit(true);
    }

    /** The key the script cache remembers how this runs under (wide or local). */
    String cacheKey() {
        return function ? "function:" + sha : sha;
    }

    ScriptRun(final Ctx ctx, final String sha, final int numkeys, final boolean readOnly, final long limitMillis) {
        this.ctx = ctx;
        this.user = ctx.client != null ? ctx.client.state().aclUser : ctx.scriptUser;
        this.sha = sha;
        this.numkeys = numkeys;
        this.readOnly = readOnly;
        this.limitMillis = limitMillis;
        this.db = ctx.dbIndex;
    }

    private static final Runtime RT = Runtime.getRuntime();
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    /** Heap use above which a script that allocated much is stopped (the rest is for the server). */
    static final double HEAP_LIMIT = 0.75;
    private final long allocatedAtStart = allocated();
    private boolean collected;

    /** Bytes this thread allocated so far, or -1 where the JVM cannot tell (virtual threads). */
    private static long allocated() {
        return THREADS instanceof com.sun.management.ThreadMXBean t ? t.getCurrentThreadAllocatedBytes() : -1;
    }

    /**
     * From the instruction hook (every 1,000 instructions): a script that keeps growing (a table
     * filled in a loop, strings concatenated without end) is stopped before the heap runs out.
     * It is stopped when the heap is more than 75% full, still after one full collection, and the
     * script itself allocated more than a quarter of the heap (so one that only churns garbage, or
     * runs while something else fills the heap, is left alone where the JVM can tell).
     */
    void checkMemory() {
        final long max = RT.maxMemory();
        if (RT.totalMemory() - RT.freeMemory() < max * HEAP_LIMIT) {
            return;
        }
        final long now = allocated();
        if (now >= 0 && allocatedAtStart >= 0 && now - allocatedAtStart < max / 4) {
            return;
        }
        if (!collected) {
            collected = true;
            System.gc(); // rare: only a script that allocated a quarter of the heap gets here
            if (RT.totalMemory() - RT.freeMemory() < max * HEAP_LIMIT) {
                return;
            }
        }
        throw new OutOfMemory();
    }

    /** Stops a script that would exhaust the heap; like Killed, pcall cannot catch it. */
    static final class OutOfMemory extends Error {
        OutOfMemory() {
            super("not enough memory", null, false, false);
        }
    }

    /** From the instruction hook: declare the server busy past the limit, stop when killed. */
    void checkpoint() {
        if (!busy && limitMillis > 0 && System.currentTimeMillis() - startMillis >= limitMillis) {
            busy = true;
            final byte[][] args = new byte[ctx.argc()][];
            for (int i = 0; i < args.length; i++) {
                args[i] = java.util.Arrays.copyOfRange(ctx.buf(), ctx.off(i), ctx.off(i) + ctx.len(i));
            }
            command = args; // published to FUNCTION STATS by markBusy's atomic write
            ctx.server.scripts.markBusy(this);
        }
        if (killRequested) {
            throw new Killed();
        }
    }

    /** Unwinds a script that must run again with every shard held (it has changed nothing). */
    static final class Widen extends Error {
        Widen() {
            super("run with every shard held", null, false, false);
        }
    }

    /** Unwinds a killed script past every pcall (it is not a LuaError, so Lua cannot catch it). */
    static final class Killed extends Error {
        Killed() {
            super("Script killed by user with SCRIPT KILL...", null, false, false);
        }
    }
}
