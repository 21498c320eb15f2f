package io.moon.server;

import io.moon.server.command.CommandSpec;
import io.moon.server.command.Flags;

/**
 * CLIENT PAUSE, server-wide: until when, and whether all commands or only writes are held back.
 *
 * <p>Written by the connection running CLIENT PAUSE/UNPAUSE, read by every shard before running a
 * command. Both fields are volatile and written mode-then-deadline; a reader that sees a stale
 * pair holds back or lets through one command around the instant the pause starts or ends, which
 * is the same race Redis clients have against the pausing client.
 */
public final class PauseState {
    public static final int OFF = 0;
    public static final int WRITE = 1;
    public static final int ALL = 2;

    private volatile int mode;
    private volatile long untilMillis;

    /** Starts or extends a pause; the stricter mode and the later end win, as in Redis. */
    public synchronized void pause(final long until, final int newMode) {
        if (newMode > mode || System.currentTimeMillis() >= untilMillis) {
            mode = newMode;
        }
        if (until > untilMillis || mode == OFF) {
            untilMillis = until;
        }
    }

    /** Ends the pause and lets every shard resume its held clients. */
    public void unpause(final Server server) {
        synchronized (this) {
            mode = OFF;
            untilMillis = 0;
        }
        for (int i = 0; i < server.shardCount(); i++) {
            final Shard s = server.shard(i);
            s.execute(s::resumePaused);
        }
    }

    /**
     * True while a pause (either mode) is in force: keys neither expire nor get evicted meanwhile,
     * so the dataset stays static, as Redis pauses its expire and evict actions. Any thread.
     */
    public boolean keepsDataset(final long now) {
        return mode != OFF && now < untilMillis;
    }

    /** True while a pause may be in force; the dispatcher reads the clock only then. */
    public boolean active() {
        return mode != OFF;
    }

    public long untilMillis() {
        return untilMillis;
    }

    /** True when the command must wait: all commands under ALL, writes under WRITE. */
    public boolean holds(final CommandSpec cmd, final long now) {
        return holds(cmd.flags(), false, now);
    }

    /**
     * {@link #holds(CommandSpec, long)} for a command that also runs queued writes (an EXEC whose
     * transaction holds one: it waits under WRITE like the writes themselves, as in Redis).
     */
    public boolean holds(final long cmdFlags, final boolean runsWrites, final long now) {
        final int m = mode;
        if (m == OFF || now >= untilMillis) {
            return false;
        }
        return m == ALL || runsWrites || (cmdFlags & (Flags.WRITE | Flags.MAY_REPLICATE)) != 0;
    }

    void onCron(final Shard shard, final long now) {
        if (mode != OFF && now >= untilMillis) {
            shard.resumePaused();
        }
    }
}
