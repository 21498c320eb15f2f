package io.moon.server.script;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Server-wide scripting state: the script cache, and which script (if any) has run past
 * busy-reply-threshold. Read by every shard's dispatcher (one volatile read, only to decide
 * whether to answer BUSY) and by SCRIPT KILL from any connection.
 */
public final class ScriptRegistry {
    public final ScriptCache cache = new ScriptCache();
    /** The function libraries (FUNCTION LOAD, FCALL). */
    public final Libraries libraries = new Libraries();
    /** The script that made the server busy, or null. Set and cleared by its shard thread. */
    private final AtomicReference<ScriptRun> busy = new AtomicReference<>();
    /** Plain volatile flag for the dispatcher's check: true while {@link #busy} is set. */
    private volatile boolean isBusy;

    private LuaShard wideEngine;

    /**
     * The interpreter of scripts that hold every shard (ScriptWide). One is enough: such scripts
     * hold every database of every shard exclusively, so they run one after another, and each
     * hand-over of the locks orders one script's use of the engine before the next one's.
     */
    synchronized LuaShard wideEngine(final io.moon.server.Shard any) {
        if (wideEngine == null) {
            wideEngine = new LuaShard(any);
        }
        return wideEngine;
    }

    /** Whether a script has been running longer than busy-reply-threshold. */
    public boolean busy() {
        return isBusy;
    }

    /** The BUSY error for other commands: it names the kill command of what runs (SCRIPT or FUNCTION). */
    public byte[] busyReply() {
        final ScriptRun r = busy.get();
        return r != null && r.function ? FunctionCommands.BUSY : ScriptCommands.BUSY;
    }

    /** The function running past busy-reply-threshold, or null (FUNCTION STATS). */
    ScriptRun busyRun() {
        return busy.get();
    }

    void markBusy(final ScriptRun r) {
        busy.set(r);
        isBusy = true;
    }

    void finished(final ScriptRun r) {
        if (busy.compareAndSet(r, null)) {
            isBusy = false;
        }
    }

    /**
     * SCRIPT KILL ({@code eval}) or FUNCTION KILL: null when nothing runs, the error text when it
     * cannot be killed (it wrote, or it is of the other kind), "" when killed.
     */
    String kill(final boolean eval) {
        final ScriptRun r = busy.get();
        if (r == null) {
            return null;
        }
        if (r.wrote) {
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either"
                    + " wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        }
        if (eval == r.function) {
            return eval ? "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
                    : "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
        }
        r.killRequested = true;
        return "";
    }
}
