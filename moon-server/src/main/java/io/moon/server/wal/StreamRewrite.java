package io.moon.server.wal;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.commands.StreamArgs;
import io.moon.server.commands.StreamCommands;
import io.moon.storage.Db;
import io.moon.storage.StreamGroup;
import io.moon.storage.StreamValue;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic forms of XADD and XTRIM, as Redis propagates them: XADD's ID becomes the one
 * it generated ({@code *}, {@code ms-*}), and an approximate trim ({@code ~}, maybe with LIMIT),
 * whose effect depends on the node layout, becomes the exact trim that leaves the same entries:
 * {@code MAXLEN = <length after>}, or {@code MINID = <first ID after>} (MAXLEN = 0 when nothing is
 * left). Exact trims replay as they are. XREADGROUP, XCLAIM and XAUTOCLAIM are logged as the
 * group state they left ({@link #groupOps}).
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
     * XREADGROUP, XCLAIM and XAUTOCLAIM change a group with the time they ran. Each is logged, in
     * one batch record, as the group state it left, in commands that set that state whatever time
     * they replay at (Redis propagates these commands in much the same way):
     * {@code XGROUP CREATECONSUMER} for the consumer it named (a read that blocked or delivered
     * nothing has still created it); per entry it delivered or claimed,
     * {@code XCLAIM key group owner 0 id TIME t RETRYCOUNT n FORCE JUSTID}, which restores the
     * entry's delivery time, count and owner; {@code XACK} for an entry it dropped from the pending
     * list (claimed after the entry was deleted); and {@code XGROUP SETID key group last ENTRIESREAD n}.
     * The record's size follows what the command touched, not the stream's. {@code out} is null
     * for a read that blocked (it has no reply yet).
     */
    static void groupOps(final ShardLog log, final Ctx c, final Request r, final ByteBuf out, final int mark) {
        final String name = c.cmd.name();
        log.beginGroup();
        if (name.equals("xreadgroup")) {
            final byte[] group = r.argBytes(2);
            final byte[] consumer = r.argBytes(3);
            final int n = c.cmd.keyCount(r);
            for (int k = 0; k < n; k++) {
                final byte[] key = r.argBytes(c.cmd.keyArg(r, k));
                state(log, c, key, group, consumer, out == null ? List.of() : delivered(out, mark, key), List.of());
            }
        } else {
            final byte[] key = r.argBytes(1);
            final List<StreamGroup.Id> touched = new ArrayList<>();
            final List<StreamGroup.Id> maybeDropped = new ArrayList<>();
            if (name.equals("xclaim")) {
                final StreamArgs a = new StreamArgs();
                for (int j = 5; j < r.argc() && a.id(r, j, 0, true); j++) {
                    touched.add(new StreamGroup.Id(a.ms, a.seq));
                }
                maybeDropped.addAll(touched);
            } else if (out != null) { // XAUTOCLAIM: [cursor, claimed entries or IDs, deleted IDs]
                final List<?> reply = (List<?>) parse(out, new int[] {mark});
                ids((List<?>) reply.get(1), touched);
                ids((List<?>) reply.get(2), maybeDropped);
            }
            state(log, c, key, r.argBytes(2), r.argBytes(3), touched, maybeDropped);
        }
        log.endGroup();
    }

    private static void state(final ShardLog log, final Ctx c, final byte[] key, final byte[] groupName,
                              final byte[] consumer, final List<StreamGroup.Id> touched,
                              final List<StreamGroup.Id> maybeDropped) {
        final long e = c.db.lookup(key, 0, key.length, Db.hash(key, 0, key.length));
        if (e == 0 || !(c.db.object(e) instanceof StreamValue s)) {
            return;
        }
        final StreamGroup g = s.group(groupName);
        if (g == null) {
            return;
        }
        if (g.consumer(consumer) != null) {
            log.emit(c.dbIndex, List.of(Rewrite.bytes("XGROUP"), Rewrite.bytes("CREATECONSUMER"), key, groupName,
                    consumer));
        }
        for (final StreamGroup.Id id : touched) {
            final StreamGroup.Nack nack = g.pel.get(id);
            if (nack != null && nack.consumer != null) {
                log.emit(c.dbIndex, List.of(Rewrite.bytes("XCLAIM"), key, groupName, nack.consumer.name,
                        Rewrite.bytes("0"), Rewrite.bytes(StreamCommands.idString(id.ms(), id.seq())),
                        Rewrite.bytes("TIME"), Rewrite.num(nack.deliveryTime),
                        Rewrite.bytes("RETRYCOUNT"), Rewrite.num(nack.deliveryCount),
                        Rewrite.bytes("FORCE"), Rewrite.bytes("JUSTID")));
            }
        }
        for (final StreamGroup.Id id : maybeDropped) {
            if (!g.pel.containsKey(id)) {
                log.emit(c.dbIndex, List.of(Rewrite.bytes("XACK"), key, groupName,
                        Rewrite.bytes(StreamCommands.idString(id.ms(), id.seq()))));
            }
        }
        log.emit(c.dbIndex, List.of(Rewrite.bytes("XGROUP"), Rewrite.bytes("SETID"), key, groupName,
                Rewrite.bytes(StreamCommands.idString(g.lastMs, g.lastSeq)),
                Rewrite.bytes("ENTRIESREAD"), Rewrite.num(g.entriesRead)));
    }

    /**
     * The IDs XREADGROUP's reply delivered from {@code key} with their fields: an entry of the
     * consumer's history that was deleted comes with none, and its delivery was not counted.
     */
    private static List<StreamGroup.Id> delivered(final ByteBuf out, final int mark, final byte[] key) {
        final List<StreamGroup.Id> ids = new ArrayList<>();
        final Object reply = parse(out, new int[] {mark});
        if (!(reply instanceof List<?> perKey)) {
            return ids; // nil: nothing delivered
        }
        // RESP2: [[key, entries], ...]; RESP3: a map flattened to key, entries, key, entries, ...
        final boolean flatMap = !perKey.isEmpty() && perKey.getFirst() instanceof byte[];
        for (int i = 0; i < perKey.size(); i++) {
            final byte[] k;
            final List<?> entries;
            if (flatMap) {
                k = (byte[]) perKey.get(i);
                entries = (List<?>) perKey.get(++i);
            } else {
                final List<?> pair = (List<?>) perKey.get(i);
                k = (byte[]) pair.get(0);
                entries = (List<?>) pair.get(1);
            }
            if (java.util.Arrays.equals(k, key) && entries != null) {
                for (final Object o : entries) {
                    final List<?> entry = (List<?>) o;
                    if (entry.get(1) != null) {
                        ids.add(id((byte[]) entry.get(0)));
                    }
                }
            }
        }
        return ids;
    }

    /** IDs of a list of IDs or of entries ([id, fields]). */
    private static void ids(final List<?> items, final List<StreamGroup.Id> into) {
        for (final Object o : items) {
            into.add(id(o instanceof List<?> entry ? (byte[]) entry.get(0) : (byte[]) o));
        }
    }

    private static StreamGroup.Id id(final byte[] b) {
        final String s = new String(b, StandardCharsets.US_ASCII);
        final int dash = s.indexOf('-');
        return new StreamGroup.Id(Long.parseUnsignedLong(s.substring(0, dash)),
                Long.parseUnsignedLong(s.substring(dash + 1)));
    }

    /**
     * One value of a reply this server wrote: a bulk or simple string or a number as its bytes,
     * an aggregate (array, set, map with keys and values in turn, push) as a list, nil as null.
     * {@code pos[0]} is where it starts and moves past it.
     */
    static Object parse(final ByteBuf out, final int[] pos) {
        final int p = pos[0];
        final byte t = out.getByte(p);
        final int eol = out.indexOf(p, out.writerIndex(), (byte) '\r');
        final String head = out.toString(p + 1, eol - p - 1, StandardCharsets.US_ASCII);
        pos[0] = eol + 2;
        switch (t) {
            case '_' -> {
                return null;
            }
            case '$', '=' -> {
                final int n = Integer.parseInt(head);
                if (n < 0) {
                    return null;
                }
                final byte[] b = new byte[n];
                out.getBytes(pos[0], b);
                pos[0] += n + 2;
                return b;
            }
            case '*', '~', '>', '%' -> {
                final int n = Integer.parseInt(head);
                if (n < 0) {
                    return null;
                }
                final int items = t == '%' ? 2 * n : n;
                final List<Object> l = new ArrayList<>(items);
                for (int i = 0; i < items; i++) {
                    l.add(parse(out, pos));
                }
                return l;
            }
            default -> {
                return head.getBytes(StandardCharsets.US_ASCII);
            }
        }
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
