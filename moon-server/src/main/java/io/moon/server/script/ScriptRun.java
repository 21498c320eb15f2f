package io.moon.server.script;

import io.moon.server.Ctx;

/**
 * One script execution: its context, what it may do, what it did, and the flags other threads set
 * (SCRIPT KILL). Fields written by the running shard thread and read by others are volatile.
 */
final class ScriptRun {
    final Ctx ctx;
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
    /** Whether a write command ran: the script can no longer be killed. */
    volatile boolean wrote;
    volatile boolean killRequested;
    private boolean busy;

    ScriptRun(final Ctx ctx, final String sha, final int numkeys, final boolean readOnly, final long limitMillis) {
        this.ctx = ctx;
        this.sha = sha;
        this.numkeys = numkeys;
        this.readOnly = readOnly;
        this.limitMillis = limitMillis;
        this.db = ctx.dbIndex;
    }

    /** From the instruction hook: declare the server busy past the limit, stop when killed. */
    void checkpoint() {
        if (!busy && limitMillis > 0 && System.currentTimeMillis() - startMillis >= limitMillis) {
            busy = true;
            ctx.server.scripts.markBusy(this);
        }
        if (killRequested) {
            throw new Killed();
        }
    }

    /** Unwinds a killed script past every pcall (it is not a LuaError, so Lua cannot catch it). */
    static final class Killed extends Error {
        Killed() {
            super("Script killed by user with SCRIPT KILL...", null, false, false);
        }
    }
}
