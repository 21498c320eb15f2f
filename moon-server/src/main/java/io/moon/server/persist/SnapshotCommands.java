package io.moon.server.persist;

import io.moon.protocol.Reply;
import io.moon.server.Ctx;
import io.moon.server.commands.Errors;
import io.moon.server.xshard.Coordinated;

import java.util.Locale;
import java.util.logging.Logger;

/** SAVE, BGSAVE, LASTSAVE and SHUTDOWN (which may save first). */
public final class SnapshotCommands {
    private static final Logger LOG = Logger.getLogger(SnapshotCommands.class.getName());

    /** Redis's reply to writes after a failed background save (stop-writes-on-bgsave-error). */
    public static final byte[] MISCONF = Reply.err("MISCONF Redis is configured to save RDB snapshots, but it's"
            + " currently unable to persist to disk. Commands that may modify the data set are disabled, because"
            + " this instance is configured to report errors during writes if RDB snapshotting fails"
            + " (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.");
    /** The reply to commands without the loading flag while the dataset loads. */
    public static final byte[] LOADING = Reply.err("LOADING Redis is loading the dataset in memory");
    private static final String IN_PROGRESS = "ERR Background save already in progress";

    private SnapshotCommands() {
    }

    // SAVE
    public static Coordinated save(final Ctx c) {
        final Coordinated op = c.server.snapshots.start(c, false, (r, err) -> {
            if (err == null) {
                r.ok();
            } else {
                r.error("ERR");
            }
        });
        if (op == null) {
            c.out.error(IN_PROGRESS);
        }
        return op;
    }

    // BGSAVE [SCHEDULE]
    public static Coordinated bgsave(final Ctx c) {
        if (c.req.argc() > 2 || (c.req.argc() == 2 && !"schedule".equalsIgnoreCase(c.req.argString(1)))) {
            c.out.raw(Errors.SYNTAX);
            return null;
        }
        final Snapshots snapshots = c.server.snapshots;
        final boolean rewriting = c.server.aof.rewriteInProgress() || snapshots.inProgress() && !snapshots.dumpSaveRunning();
        if (snapshots.inProgress() && !rewriting) {
            c.out.error(IN_PROGRESS);
            return null;
        }
        if (rewriting || c.inTransaction) {
            // Redis's rule: inside EXEC, or with SCHEDULE while the log's rewrite runs, the save
            // is scheduled and shard 0's cron starts it once nothing else saves
            if (c.req.argc() == 2 || c.inTransaction) {
                snapshots.scheduleBgsave();
                c.out.simple("Background saving scheduled");
            } else {
                c.out.error("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE"
                        + " in order to schedule a BGSAVE whenever possible.");
            }
            return null;
        }
        final Coordinated op = snapshots.start(c, true, (r, err) -> {
            if (err == null) {
                r.simple("Background saving started");
            } else {
                r.error("ERR");
            }
        });
        if (op == null) {
            c.out.error(IN_PROGRESS);
        }
        return op;
    }

    // LASTSAVE
    public static void lastsave(final Ctx c) {
        c.out.integer(c.server.snapshots.lastSaveSeconds());
    }

    // SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
    public static Coordinated shutdown(final Ctx c) {
        boolean nosave = false;
        boolean save = false;
        boolean abort = false;
        boolean force = false;
        boolean now = false;
        for (int i = 1; i < c.req.argc(); i++) {
            switch (c.req.argString(i).toLowerCase(Locale.ROOT)) {
                case "nosave" -> nosave = true;
                case "save" -> save = true;
                case "now" -> now = true;
                case "force" -> force = true;
                case "abort" -> abort = true;
                default -> {
                    c.out.raw(Errors.SYNTAX);
                    return null;
                }
            }
        }
        if ((abort && (nosave || save || now || force)) || (nosave && save)) {
            c.out.raw(Errors.SYNTAX);
            return null;
        }
        if (abort) {
            c.out.error("ERR No shutdown in progress.");
            return null;
        }
        LOG.warning("User requested shutdown...");
        final String points = c.server.config.get("save");
        final boolean wantSave = save || (!nosave && points != null && !points.isBlank());
        if (!wantSave) {
            c.server.snapshots.exitDecided();
            c.server.snapshots.runShutdownSteps();
            stop(c);
            return null;
        }
        final boolean forced = force;
        c.server.snapshots.runShutdownSteps();
        LOG.info("Saving the final RDB snapshot before exiting.");
        final Coordinated op = c.server.snapshots.start(c, false, (r, err) -> {
            if (err == null || forced) {
                c.server.snapshots.exitDecided();
                if (err != null) {
                    LOG.warning("Error trying to save the DB, exiting anyway (FORCE)");
                }
                stop(c);
            } else {
                LOG.warning("Error trying to save the DB, can't exit.");
                r.error("ERR Errors trying to SHUTDOWN. Check logs.");
            }
        });
        if (op == null) {
            // a background save is running; Redis kills its child and saves in the foreground,
            // Moon cannot interrupt its writer, so it reports and leaves the server up
            LOG.warning("SHUTDOWN while a background save runs: try again when it ends");
            c.out.error("ERR Errors trying to SHUTDOWN. Check logs.");
        }
        return op;
    }

    private static void stop(final Ctx c) {
        if (c.client != null) {
            c.client.close();
        }
        c.server.requestShutdown();
    }
}
