package io.moon.server.wal;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.commands.StreamArgs;
import io.moon.server.commands.StreamCommands;
import io.moon.storage.Db;
import io.moon.storage.StreamValue;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic forms of XADD and XTRIM, as Redis propagates them: XADD's ID becomes the one
 * it generated ({@code *}, {@code ms-*}), and an approximate trim ({@code ~}, maybe with LIMIT),
 * whose effect depends on the node layout, becomes the exact trim that leaves the same entries:
 * {@code MAXLEN = <length after>}, or {@code MINID = <first ID after>} (MAXLEN = 0 when nothing is
 * left). Exact trims replay as they are. XREADGROUP, XCLAIM and XAUTOCLAIM are logged as the
 * state they left.
 */
final class StreamRewrite {
    private StreamRewrite() {
    }

    // XADD key [NOMKSTREAM] [trim] id field value ...: logged as XADD key [exact trim] <id> field value ...
    static void xadd(final ShardLog log, final Ctx c, final Request r, final ByteBuf out, final int mark) {
        if (Rewrite.isNil(out, mark)) {
            return;
        }
        final StreamArgs a = new StreamArgs();
        final int idArg = a.addOrTrim(r, true, c.server.config.streamNodeMaxEntries);
        if (idArg < 0) {
            return;
        }
        final List<byte[]> args = new ArrayList<>();
        args.add(Rewrite.bytes("XADD"));
        args.add(r.argBytes(1));
        if (a.trim != StreamArgs.TRIM_NONE) {
            threshold(args, c, r, a);
        }
        args.add(Rewrite.flat(out, mark).getFirst());
        for (int i = idArg + 1; i < r.argc(); i++) {
            args.add(r.argBytes(i));
        }
        log.emit(c.dbIndex, args);
    }

    // XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT n]
    static void xtrim(final ShardLog log, final Ctx c, final Request r, final ByteBuf out, final int mark) {
        if (Rewrite.isZero(out, mark)) {
            return;
        }
        final StreamArgs a = new StreamArgs();
        if (a.addOrTrim(r, false, c.server.config.streamNodeMaxEntries) < 0) {
            return;
        }
        final List<byte[]> args = new ArrayList<>();
        args.add(Rewrite.bytes("XTRIM"));
        args.add(r.argBytes(1));
        threshold(args, c, r, a);
        log.emit(c.dbIndex, args);
    }

    /**
     * XREADGROUP, XCLAIM and XAUTOCLAIM change groups with the time they ran (delivery times, a
     * consumer's seen and active times): each is logged as the state it left, a RESTORE of each of its streams, in one
     * batch record. Exact whenever it is replayed; the price is a payload of the whole stream.
     */
    static void xreadgroup(final ShardLog log, final Ctx c, final Request r) {
        final int n = c.cmd.keyCount(r);
        log.beginGroup();
        for (int k = 0; k < n; k++) {
            final int i = c.cmd.keyArg(r, k);
            final ShardLog.Cmd e = log.effect(c.dbIndex, r.buf(), r.off(i), r.len(i), c.now);
            log.emit(e.db(), e.args());
        }
        log.endGroup();
    }

    private static void threshold(final List<byte[]> args, final Ctx c, final Request r, final StreamArgs a) {
        if (!a.approx) {
            args.add(Rewrite.bytes(a.trim == StreamArgs.TRIM_MAXLEN ? "MAXLEN" : "MINID"));
            args.add(Rewrite.bytes("="));
            args.add(r.argBytes(a.trimArg));
            return;
        }
        final Db db = c.db;
        final long e = db.lookup(r.buf(), r.off(1), r.len(1), c.keyHash(1));
        final StreamValue s = (StreamValue) db.object(e);
        if (a.trim == StreamArgs.TRIM_MINID && s.length > 0) {
            args.add(Rewrite.bytes("MINID"));
            args.add(Rewrite.bytes("="));
            args.add(Rewrite.bytes(StreamCommands.idString(s.firstMs, s.firstSeq)));
        } else {
            args.add(Rewrite.bytes("MAXLEN"));
            args.add(Rewrite.bytes("="));
            args.add(Rewrite.num(s.length));
        }
    }
}
