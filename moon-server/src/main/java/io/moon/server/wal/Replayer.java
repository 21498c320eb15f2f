package io.moon.server.wal;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Shard;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandTable;
import io.moon.storage.wal.WalRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Applies log records to one shard's keyspace, on that shard's thread, during recovery. Every
 * record holds commands on this shard's keys only, so each runs with its own handler against
 * this shard alone; the keyspace-wide commands a log can hold (FLUSHALL, FLUSHDB, SWAPDB) are
 * applied to this shard's slice directly. Nothing is logged while replaying: the shard's log is
 * opened after the replay.
 */
final class Replayer {
    private static final Logger LOG = Logger.getLogger(Replayer.class.getName());

    private final Shard shard;
    private final Ctx ctx;
    private final ByteBuf out = Unpooled.buffer(256);
    private final Reply reply = new Reply();
    private final CommandTable table;
    long applied;
    long errors;

    Replayer(final Shard shard) {
        this.shard = shard;
        this.ctx = shard.newContext();
        this.table = shard.server.commands;
        reply.bind(out, 2);
    }

    void shardExecute(final Runnable task) {
        shard.execute(task);
    }

    void apply(final WalRecord r) {
        final List<byte[]> a = r.args();
        if (a.isEmpty()) {
            return;
        }
        if (Arrays.equals(a.getFirst(), ShardLog.BATCH)) {
            int i = 1;
            while (i + 1 < a.size()) {
                final int db = Integer.parseInt(new String(a.get(i), StandardCharsets.US_ASCII));
                final int argc = Integer.parseInt(new String(a.get(i + 1), StandardCharsets.US_ASCII));
                run(db, a.subList(i + 2, i + 2 + argc));
                i += 2 + argc;
            }
            return;
        }
        run(r.db(), a);
    }

    private void run(final int db, final List<byte[]> args) {
        applied++;
        final String name = new String(args.getFirst(), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        switch (name) {
            case "flushall" -> {
                for (int d = 0; d < shard.keyspace.databases(); d++) {
                    shard.keyspace.db(d).clear();
                }
                return;
            }
            case "flushdb" -> {
                shard.keyspace.db(db).clear();
                return;
            }
            case "swapdb" -> {
                final int x = Integer.parseInt(new String(args.get(1), StandardCharsets.US_ASCII));
                final int y = Integer.parseInt(new String(args.get(2), StandardCharsets.US_ASCII));
                if (x != y) {
                    shard.keyspace.swap(x, y);
                }
                return;
            }
            default -> {
            }
        }
        final Request req = new Request();
        for (final byte[] b : args) {
            req.add(b);
        }
        CommandSpec spec = table.lookup(req.buf(), req.off(0), req.len(0));
        if (spec == null) { // Moon's own records (RESTORE, DEL, XCLAIM...) carry the commands' own names
            spec = CommandTable.instance().lookup(req.buf(), req.off(0), req.len(0));
        }
        if (spec != null && spec.subcommands().length > 0 && req.argc() > 1) {
            spec = CommandTable.subcommand(spec, req.buf(), req.off(1), req.len(1));
        }
        if (spec == null || spec.handler() == null) {
            error(name, "unknown command");
            return;
        }
        out.clear();
        ctx.bind(db, req, reply, spec);
        ctx.client = null;
        ctx.blockFor = null;
        ctx.proto = 2;
        ctx.noTouch = true;
        ctx.inTransaction = true;
        spec.handler().run(ctx);
        if (out.isReadable() && out.getByte(0) == '-') {
            error(name, out.toString(StandardCharsets.UTF_8).trim());
        }
    }

    private void error(final String name, final String what) {
        if (errors++ < 10) {
            LOG.warning("AOF replay on shard " + shard.id + ": '" + name + "' answered " + what);
        }
    }
}
