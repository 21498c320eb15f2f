package io.moon.server.net;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.server.Shard;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandTable;
import io.moon.server.command.Flags;
import io.netty.buffer.ByteBuf;

/**
 * Admission and routing of one parsed command, on its connection's thread.
 *
 * <p>Admission is one flat list of checks in Redis's order (processCommand): the command exists,
 * the arity fits, the client is authenticated, its ACL user may run it, CLIENT PAUSE does not hold it. Handlers never
 * repeat these checks.
 *
 * <p>Routing: a local command runs here; a keyed command runs on the shard owning its keys, here
 * and at once when that is this shard and nothing is locked (the fast path: no hand-off, no
 * allocation), otherwise as a {@link Call} to the owner; keys on several shards, and
 * keyspace-wide commands, start the command's cross-shard operation.
 */
public final class Dispatcher {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Dispatcher.class.getName());
    private static final byte[] NOAUTH = Reply.err("NOAUTH Authentication required.");
    private static final byte[] OOM = Reply.err("OOM command not allowed when used memory > 'maxmemory'.");
    private static final byte[] POST = {'P', 'O', 'S', 'T'};
    private static final byte[] HOST = {'H', 'O', 'S', 'T', ':'};

    private Dispatcher() {
    }

    static void dispatch(final Connection c) {
        final Request req = c.req;
        final ClientState st = c.state;
        c.replyMark = c.out().writerIndex();
        c.tracking.inCommand = true; // invalidations for this client wait for the reply (afterCommand)
        st.skipCurrent = st.skipArmed;
        st.skipArmed = false;
        final Server server = c.server;

        CommandSpec spec = server.commands.lookup(req.buf(), req.off(0), req.len(0));
        if (spec == null) {
            st.lastCommand = null; // CLIENT LIST cmd=NULL, as Redis
            rejectUnknown(c, req);
            return;
        }
        if (spec.subcommands().length > 0 && req.argc() >= 2) {
            final CommandSpec sub = CommandTable.subcommand(spec, req.buf(), req.off(1), req.len(1));
            if (sub == null) {
                st.lastCommand = null;
                reject(c, "ERR unknown subcommand '" + cString(req, 1, 128) + "'. Try "
                        + spec.name().toUpperCase(java.util.Locale.ROOT) + " HELP.");
                return;
            }
            spec = sub;
        }
        st.lastCommand = spec; // as Redis: the last command looked up, even if refused or queued
        if (!spec.arityOk(req.argc()) || (spec.handler() == null && spec.multi() == null)) {
            reject(c, "ERR wrong number of arguments for '" + spec.fullName() + "' command");
            return;
        }
        if (spec.has(Flags.PROTECTED)) {
            final String refused = io.moon.server.commands.DebugCommands.protectedRefusal(server, c, spec);
            if (refused != null) {
                reject(c, refused);
                return;
            }
        }
        if (!st.authenticated && !spec.has(Flags.NO_AUTH)) {
            c.home.stats.perCommand.rejected(spec.id());
            refuse(c, NOAUTH);
            return;
        }
        if (c.tx.inMulti && spec.has(Flags.NO_MULTI)) {
            reject(c, "ERR Command not allowed inside a transaction");
            return;
        }
        // ACL: one field read for a user allowed everything (the default user, usually)
        if (!st.aclUser.unrestricted()) {
            final int denied = io.moon.server.acl.AclCheck.check(st.aclUser, spec, req);
            if (denied != io.moon.server.acl.AclCheck.OK) {
                c.home.stats.aclDenied[io.moon.server.acl.AclCheck.reason(denied)]++;
                io.moon.server.acl.AclCommands.logDenial(server, c, denied, c.tx.inMulti ? "multi" : "toplevel",
                        io.moon.server.acl.AclCheck.object(denied, spec, req), st.aclUser.name());
                reject(c, "NOPERM " + io.moon.server.acl.AclCheck.message(denied, st.aclUser, spec, req, false));
                return;
            }
        }
        // The rest in Redis's processCommand order: memory, disk errors, RESP2 subscribed mode,
        // loading, a busy script, MONITOR, then CLIENT PAUSE and MULTI queuing
        if (server.config.maxmemory != 0 && !c.home.memory.admit(growsMemory(c, spec))) {
            c.home.stats.perCommand.rejected(spec.id());
            refuse(c, OOM);
            return;
        }
        // before MULTI queuing, as Redis: a refused command flags the transaction
        if ((server.snapshots.refuseWrites() || server.aof.refuseWrites()) && refusedByPersistence(c, spec, false, true)) {
            if (server.aof.refuseWrites()) {
                reject(c, server.aof.misconf());
            } else {
                refuse(c, io.moon.server.persist.SnapshotCommands.MISCONF);
            }
            return;
        }
        if (c.subs.active()) {
            final String refused = io.moon.server.pubsub.PubSubCommands.refusal(c, spec);
            if (refused != null) {
                reject(c, refused);
                return;
            }
        }
        if ((server.snapshots.loading() || server.aof.loading()) && refusedByPersistence(c, spec, true, false)) {
            refuse(c, io.moon.server.persist.SnapshotCommands.LOADING);
            return;
        }
        if (server.scripts.busy() && !spec.has(Flags.ALLOW_BUSY)) {
            refuse(c, server.scripts.busyReply());
            return;
        }
        if (st.monitor && (flagsOf(c, spec) & (Flags.WRITE | Flags.READONLY | Flags.MAY_REPLICATE)) != 0) {
            reject(c, "ERR Replica can't interact with the keyspace"); // Redis: a monitor is a replica
            return;
        }
        if (server.pause.active() && server.pause.holds(flagsOf(c, spec), c.tx.inMulti && spec.name().equals("exec")
                && queuedWith(c, Flags.WRITE | Flags.MAY_REPLICATE), System.currentTimeMillis())) {
            // Undo the skip bookkeeping: the command runs again when the pause ends.
            st.skipArmed = st.skipCurrent;
            c.setWaiting();
            c.home.parkPaused(c, server.pause.untilMillis());
            return;
        }
        if (c.tx.inMulti && !io.moon.server.tx.TransactionCommands.runsInsideMulti(spec)) {
            io.moon.server.tx.TransactionCommands.enqueue(c.tx, spec, req, c.reply);
            afterCommand(c);
            return;
        }
        run(c, spec);
    }

    private static void run(final Connection c, final CommandSpec spec) {
        final Shard home = c.home;
        final Request req = c.req;
        if (spec.has(Flags.SKIP_MONITOR) && c.server.monitors.active()) {
            c.server.monitors.feed(c.state.db, c.state.addr, req); // scripts: before their own commands
        }
        switch (spec.route()) {
            case LOCAL -> {
                final Ctx x = home.localContext(c, req, c.reply, spec);
                x.runCommand();
                if (x.waiter != null) {
                    c.enterBlocked(x.waiter); // WAIT, WAITAOF: a keyless wait, no reply yet
                    x.waiter = null;
                    return;
                }
                home.stats.commandsProcessed++; // after it ran, as Redis counts (INFO does not count itself)
                ran(c);
                afterCommand(c);
            }
            case KEYED -> {
                final Server server = c.server;
                int target;
                if (spec.router() != null) {
                    target = spec.router().shardFor(req, server.shardCount());
                    if (target < 0) {
                        target = home.id; // the handler replies the argument error
                    }
                } else {
                    final int keys = spec.keyCount(req);
                    if (keys == 0) {
                        target = home.id; // malformed numkeys: the handler replies the error
                    } else {
                        final int first = spec.keyArg(req, 0);
                        target = server.shardOf(req.buf(), req.off(first), req.len(first));
                        for (int n = 1; n < keys; n++) {
                            final int i = spec.keyArg(req, n);
                            if (server.shardOf(req.buf(), req.off(i), req.len(i)) != target) {
                                startCoordinated(c, spec);
                                return;
                            }
                        }
                        if (server.shardCount() > 1 && spec.reachesOtherKeys(req)) {
                            startCoordinated(c, spec);
                            return;
                        }
                    }
                }
                if (target == home.id && Call.canRun(home.locks, spec, req, c.state.db)) {
                    // Fast path: this shard owns the keys and nothing is locked against them.
                    final Ctx x = home.localContext(c, req, c.reply, spec);
                    x.scriptMayWiden = true;
                    x.runCommand();
                    if (x.widen) {
                        x.widen = false;
                        startWideScript(c, spec);
                        return;
                    }
                    if (x.waiter != null) {
                        c.enterBlocked(x.waiter); // a blocking command found nothing: no reply yet
                        x.waiter = null;
                        return;
                    }
                    home.stats.commandsProcessed++;
                    ran(c);
                    afterCommand(c);
                    return;
                }
                if (PipelineBatch.tryStart(c, spec)) {
                    return; // it runs with the pipelined commands after it, as one operation
                }
                c.setWaiting();
                home.stats.remoteCalls++;
                c.call.send(server.shard(target), spec, req, c.state.db, c.state.proto, c.state.noTouch);
            }
            case COORDINATED -> startCoordinated(c, spec);
            default -> throw new IllegalStateException();
        }
    }

    /**
     * Runs a script again with every shard held (it touched keys it did not declare, on other
     * shards): a cross-shard operation like any other, answered in Connection.onCoordinatedDone.
     */
    static void startWideScript(final Connection c, final CommandSpec spec) {
        c.home.stats.crossShardOps++;
        c.setWaiting();
        c.opStartNanos = System.nanoTime();
        io.moon.server.script.ScriptWide.start(c.home.localContext(c, c.req, c.reply, spec));
    }

    /** Starts a cross-shard operation; it is counted as processed when it is done (Connection.onCoordinatedDone). */
    private static void startCoordinated(final Connection c, final CommandSpec spec) {
        c.home.stats.crossShardOps++;
        c.setWaiting();
        c.opStartNanos = System.nanoTime();
        final Ctx ctx = c.home.localContext(c, c.req, c.reply, spec);
        if (spec.multi().start(ctx) == null) {
            // it replied at once (an argument error): no shard was involved
            c.clearWaiting();
            final ByteBuf out = c.out();
            accountOperation(c, spec, out.writerIndex() > c.replyMark && out.getByte(c.replyMark) == '-');
            c.home.stats.commandsProcessed++;
            ran(c);
            afterCommand(c);
        }
    }

    /**
     * The command's row when it may join a pipeline batch: a keyed command with all its keys on one
     * shard, that admission would let through now (so nothing is replied here). Null otherwise;
     * the command then runs on its own after the batch, with the normal admission.
     */
    static CommandSpec batchable(final Connection c, final Request r) {
        final Server server = c.server;
        if (r.argc() == 0 || !c.state.authenticated || !c.state.aclUser.unrestricted() || server.pause.active()) {
            return null;
        }
        CommandSpec spec = server.commands.lookup(r.buf(), r.off(0), r.len(0));
        if (spec == null) {
            return null;
        }
        if (spec.subcommands().length > 0) {
            if (r.argc() < 2) {
                return null;
            }
            spec = CommandTable.subcommand(spec, r.buf(), r.off(1), r.len(1));
            if (spec == null) {
                return null;
            }
        }
        if (spec.route() != CommandSpec.Route.KEYED || spec.router() != null || spec.handler() == null
                || !spec.arityOk(r.argc()) || spec.has(Flags.PROTECTED | Flags.BLOCKING) || spec.isScript()) {
            return null;
        }
        final int keys = spec.keyCount(r);
        if (keys == 0) {
            return null;
        }
        final int first = spec.keyArg(r, 0);
        final int target = server.shardOf(r.buf(), r.off(first), r.len(first));
        for (int n = 1; n < keys; n++) {
            final int i = spec.keyArg(r, n);
            if (server.shardOf(r.buf(), r.off(i), r.len(i)) != target) {
                return null;
            }
        }
        return server.shardCount() > 1 && spec.reachesOtherKeys(r) ? null : spec;
    }

    /**
     * While a dataset loads, commands without the loading flag are refused; while the last save or
     * log write failed, writes and PING (so health checks notice) are refused with MISCONF. An EXEC
     * is judged by what it queued, as Redis's processCommand does. Only called in those states.
     */
    private static boolean refusedByPersistence(final Connection c, final CommandSpec spec, final boolean loading,
                                                final boolean diskError) {
        final boolean exec = c.tx.inMulti && spec.name().equals("exec");
        if (loading && (!spec.has(Flags.LOADING) || (exec && queuedLacking(c, Flags.LOADING)))) {
            return true;
        }
        return diskError && (spec.has(Flags.WRITE) || spec.name().equals("ping") || (exec && queuedWith(c, Flags.WRITE)));
    }

    /** The command's flags for the checks before it runs: a script's are its shebang's (ScriptCommandFlags). */
    private static long flagsOf(final Connection c, final CommandSpec spec) {
        return spec.isScript() ? io.moon.server.script.ScriptCommandFlags.of(c.server, spec, c.req) : spec.flags();
    }

    private static boolean queuedWith(final Connection c, final long flag) {
        for (final io.moon.server.tx.TxState.Queued q : c.tx.queue) {
            final long flags = q.spec().isScript()
                    ? io.moon.server.script.ScriptCommandFlags.of(c.server, q.spec(), q.req()) : q.spec().flags();
            if ((flags & flag) != 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean queuedLacking(final Connection c, final long flag) {
        for (final io.moon.server.tx.TxState.Queued q : c.tx.queue) {
            if (!q.spec().has(flag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the command counts as growing memory for the maxmemory check, as Redis's
     * processCommand: a denyoom command; an EXEC whose queue holds one; and inside MULTI any
     * command that would be queued (queuing itself takes memory) but EXEC, DISCARD, QUIT, RESET.
     */
    private static boolean growsMemory(final Connection c, final CommandSpec spec) {
        if (spec.has(Flags.DENYOOM)) {
            return true;
        }
        if (!c.tx.inMulti) {
            return false;
        }
        final String n = spec.name();
        if (n.equals("exec")) {
            return queuedWith(c, Flags.DENYOOM);
        }
        return !n.equals("discard") && !n.equals("quit") && !n.equals("reset");
    }

    /**
     * Counts a cross-shard operation of this connection once, as a whole, on its home shard: INFO
     * commandstats, SLOWLOG (with the client's address and name) and LATENCY, timed from its start
     * to its reply. Its steps on the shards are not counted (Ctx#stepOfOperation).
     */
    static void accountOperation(final Connection c, final CommandSpec spec, final boolean failed) {
        Ctx.account(c.home, spec, c.req, c, System.nanoTime() - c.opStartNanos, failed);
    }

    /** A command of this connection ran (not refused by admission): MONITOR sees it. */
    static void ran(final Connection c) {
        final io.moon.server.observe.Monitors m = c.server.monitors;
        if (m.active() && io.moon.server.observe.Monitors.shown(c.state.lastCommand)) {
            m.feed(c.state.db, c.state.addr, c.req);
        }
    }

    /** After a command's reply is in the output buffer: reply modes and statistics. */
    static void afterCommand(final Connection c) {
        final ClientState st = c.state;
        final ByteBuf out = c.out();
        final int mark = c.replyMark;
        if (out.writerIndex() > mark && out.getByte(mark) == '-') {
            c.home.stats.countError(out, mark + 1);
        }
        // Redis 7.2 sends the (un)subscribe family's confirmations as pushes (CLIENT_PUSHING),
        // which CLIENT REPLY OFF and SKIP do not silence; their errors are silenced as any reply
        if ((st.replyOff || st.skipCurrent) && !(pushAsReply(st.lastCommand)
                && out.writerIndex() > mark && out.getByte(mark) != '-')) {
            out.writerIndex(mark);
        }
        st.skipCurrent = false;
        c.tracking.afterCommand(c.tx.inMulti, st.lastCommand);
        c.releaseDeferredPushes();
    }

    /** SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE: pushes are their reply. */
    private static boolean pushAsReply(final CommandSpec spec) {
        if (spec == null) {
            return false;
        }
        return switch (spec.name()) {
            case "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe" -> true;
            default -> false;
        };
    }

    private static void reject(final Connection c, final String message) {
        c.tx.aborted |= c.tx.inMulti; // Redis's flagTransaction: EXEC will answer EXECABORT
        if (refusingExec(c)) {
            abortExec(c, message);
        } else {
            c.reply.error(message);
        }
        c.home.stats.rejectedCalls++;
        afterCommand(c);
    }

    /** {@link #reject} with a pre-encoded error ("-CODE text\r\n"). */
    private static void refuse(final Connection c, final byte[] encoded) {
        c.tx.aborted |= c.tx.inMulti;
        if (refusingExec(c)) {
            abortExec(c, new String(encoded, 1, encoded.length - 3, java.nio.charset.StandardCharsets.ISO_8859_1));
        } else {
            c.reply.raw(encoded);
        }
        c.home.stats.rejectedCalls++;
        afterCommand(c);
    }

    /** Whether the command being refused is EXEC itself. */
    private static boolean refusingExec(final Connection c) {
        final CommandSpec s = c.state.lastCommand;
        return s != null && s.name().equals("exec");
    }

    /**
     * Redis's rejectCommand for EXEC itself (wrong arity, refused while subscribed, BUSY...): the
     * transaction is discarded, watches dropped, and the reply names the reason as
     * "EXECABORT Transaction discarded because of: <error without its ERR code>". Cold path.
     */
    private static void abortExec(final Connection c, final String error) {
        c.tx.discard();
        io.moon.server.tx.TransactionCommands.unwatchAll(c);
        c.reply.error("EXECABORT Transaction discarded because of: " + (error.startsWith("ERR ") ? error.substring(4) : error));
    }

    private static void rejectUnknown(final Connection c, final Request req) {
        c.tx.aborted |= c.tx.inMulti;
        if (req.argIs(0, POST) || req.argIs(0, HOST)) {
            // Redis's securityWarningCommand: an HTTP request, likely cross-protocol scripting. No reply.
            LOG.warning("Closed connection " + c.id + " from " + c.state.addr + ": it sent an HTTP request (POST or"
                    + " Host:), which is how cross-protocol attacks from web pages reach a data server.");
            c.close();
            return;
        }
        final StringBuilder args = new StringBuilder();
        for (int i = 1; i < req.argc() && args.length() < 128; i++) {
            final int room = 128 - args.length(); // measured before the opening quote, as Redis's "'%.*s' "
            args.append('\'').append(cString(req, i, room)).append("' ");
        }
        reject(c, "ERR unknown command '" + cString(req, 0, 128) + "', with args beginning with: " + args);
    }

    /** Argument i as C's "%.{max}s" prints it: up to the first NUL byte, at most max bytes. */
    public static String cString(final Request req, final int i, final int max) {
        final byte[] b = req.buf();
        final int off = req.off(i);
        int n = 0;
        while (n < req.len(i) && n < max && b[off + n] != 0) {
            n++;
        }
        return new String(b, off, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
