package io.moon.server.script;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Server-wide scripting state: the script cache, and which script (if any) has run past
 * busy-reply-threshold. Read by every shard's dispatcher (one volatile read, only to decide
 * whether to answer BUSY) and by SCRIPT KILL from any connection.
 */
public final class ScriptRegistry {
    public final ScriptCache cache = new ScriptCache();
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

    void markBusy(final ScriptRun r) {
        busy.set(r);
        isBusy = true;
    }

    void finished(final ScriptRun r) {
        if (busy.compareAndSet(r, null)) {
            isBusy = false;
        }
    }

    /** SCRIPT KILL: null when nothing runs, "unkillable" text when it wrote, "" when killed. */
    String kill() {
        final ScriptRun r = busy.get();
        if (r == null) {
            return null;
        }
        if (r.wrote) {
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either"
                    + " wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        }
        r.killRequested = true;
        return "";
    }
}
