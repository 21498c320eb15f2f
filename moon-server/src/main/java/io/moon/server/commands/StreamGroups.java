package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.pubsub.Notify;
import io.moon.storage.Entry;
import io.moon.storage.StreamEstimate;
import io.moon.storage.StreamGroup;
import io.moon.storage.StreamValue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NavigableMap;

import static io.moon.protocol.Reply.err;

/**
 * Consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK and
 * XPENDING. A group lives in its {@link StreamValue} ({@link StreamGroup}), so it moves, copies,
 * dumps and persists with the stream. XREADGROUP is in {@link StreamReads}.
 */
public final class StreamGroups {
    private static final byte[] NEEDS_KEY = err("ERR The XGROUP subcommand requires the key to exist. Note that for "
            + "CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
    private static final byte[] BUSYGROUP = err("BUSYGROUP Consumer Group name already exists");
    private static final byte[] ENTRIESREAD_NEGATIVE = err("ERR value for ENTRIESREAD must be positive or -1");
    private static final byte[] MKSTREAM = "MKSTREAM".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENTRIESREAD = "ENTRIESREAD".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDLE = "IDLE".getBytes(StandardCharsets.US_ASCII);

    private StreamGroups() {
    }

    private static String arg(final Ctx c, final int i) {
        return new String(c.buf(), c.off(i), c.len(i), StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(final Ctx c, final int i) {
        return c.req.argBytes(i);
    }

    private static void subcommandSyntax(final Ctx c) {
        c.out.error("ERR unknown subcommand or wrong number of arguments for '" + arg(c, 1) + "'. Try XGROUP HELP.");
    }

    /** What XGROUP's subcommands share: options, the stream, the group (Redis checks in this order). */
    private static final class Parsed {
        long entriesRead = StreamGroup.ENTRIES_READ_UNKNOWN;
        boolean mkstream;
        long addr;
        StreamValue stream;
        StreamGroup group;
    }

    /** Parses the options from argument 5 on and finds the stream and group; null after replying an error. */
    private static Parsed parse(final Ctx c, final boolean create, final boolean setid, final boolean needGroup) {
        final Request r = c.req;
        final Parsed p = new Parsed();
        for (int i = 5; i < r.argc(); ) {
            if (create && r.argIs(i, MKSTREAM)) {
                p.mkstream = true;
                i++;
            } else if ((create || setid) && r.argIs(i, ENTRIESREAD) && i + 1 < r.argc()) {
                if (!r.parseLong(i + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return null;
                }
                p.entriesRead = r.longValue;
                if (p.entriesRead < 0 && p.entriesRead != StreamGroup.ENTRIES_READ_UNKNOWN) {
                    c.out.raw(ENTRIESREAD_NEGATIVE);
                    return null;
                }
                i += 2;
            } else {
                subcommandSyntax(c);
                return null;
            }
        }
        p.addr = c.find(2, c.keyHash(2));
        if (p.addr != 0) {
            if ((p.stream = StreamCommands.stream(c, p.addr)) == null) {
                return null;
            }
        }
        if (!p.mkstream) {
            if (p.stream == null) {
                c.out.raw(NEEDS_KEY);
                return null;
            }
            p.group = p.stream.group(bytes(c, 3));
            if (p.group == null && needGroup) {
                c.out.error("NOGROUP No such consumer group '" + arg(c, 3) + "' for key name '" + arg(c, 2) + "'");
                return null;
            }
        }
        return p;
    }

    // XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
    public static void create(final Ctx c) {
        final Parsed p = parse(c, true, false, false);
        if (p == null) {
            return;
        }
        if (c.argc() > 8) {
            subcommandSyntax(c);
            return;
        }
        final long ms;
        final long seq;
        if (c.len(4) == 1 && c.buf()[c.off(4)] == '$') {
            ms = p.stream != null ? p.stream.lastMs : 0;
            seq = p.stream != null ? p.stream.lastSeq : 0;
        } else {
            final StreamArgs a = new StreamArgs();
            if (!a.id(c.req, 4, 0, true)) {
                c.out.raw(a.error);
                return;
            }
            ms = a.ms;
            seq = a.seq;
        }
        StreamValue s = p.stream;
        if (s != null) {
            c.keysUnchanged(); // a group on an existing stream: no modified key, as in Redis
        } else {
            s = new StreamValue();
            c.db.insertObject(c.buf(), c.off(2), c.len(2), c.keyHash(2), Entry.KIND_STREAM, s);
        }
        if (s.createGroup(bytes(c, 3), ms, seq, p.entriesRead) == null) {
            c.out.raw(BUSYGROUP);
            return;
        }
        c.out.ok();
        Notify.event(c, Notify.STREAM, "xgroup-create", 2);
    }

    // XGROUP SETID key group id|$ [ENTRIESREAD entries-read]
    public static void setid(final Ctx c) {
        c.keysUnchanged(); // a consumer group changes, not the stream: Redis signals no modified key
        final Parsed p = parse(c, false, true, true);
        if (p == null) {
            return;
        }
        if (c.argc() != 5 && c.argc() != 7) {
            subcommandSyntax(c);
            return;
        }
        if (c.len(4) == 1 && c.buf()[c.off(4)] == '$') {
            p.group.lastMs = p.stream.lastMs;
            p.group.lastSeq = p.stream.lastSeq;
        } else {
            final StreamArgs a = new StreamArgs();
            if (!a.id(c.req, 4, 0, false)) {
                c.out.raw(a.error);
                return;
            }
            p.group.lastMs = a.ms;
            p.group.lastSeq = a.seq;
        }
        p.group.entriesRead = p.entriesRead;
        c.out.ok();
        Notify.event(c, Notify.STREAM, "xgroup-setid", 2);
    }

    // XGROUP DESTROY key group
    public static void destroy(final Ctx c) {
        c.keysUnchanged(); // a consumer group changes, not the stream: Redis signals no modified key
        final Parsed p = parse(c, false, false, false);
        if (p == null) {
            return;
        }
        if (p.group == null) {
            c.out.integer(0);
            return;
        }
        p.stream.groups.remove(new StreamGroup.Name(p.group.name));
        if (p.stream.groups.isEmpty()) {
            p.stream.groups = null;
        }
        c.out.integer(1);
        Notify.event(c, Notify.STREAM, "xgroup-destroy", 2);
        // XREADGROUP clients blocked on the group run again and answer NOGROUP (Redis 7.2)
        c.keyspace.signalReady(c.dbIndex, c.buf(), c.off(2), c.len(2));
    }

    // XGROUP CREATECONSUMER key group consumer
    public static void createconsumer(final Ctx c) {
        c.keysUnchanged(); // a consumer group changes, not the stream: Redis signals no modified key
        final Parsed p = parse(c, false, false, true);
        if (p == null) {
            return;
        }
        final boolean created = p.group.createConsumer(bytes(c, 4), c.now) != null;
        c.out.integer(created ? 1 : 0);
        if (created) {
            Notify.event(c, Notify.STREAM, "xgroup-createconsumer", 2);
        }
    }

    // XGROUP DELCONSUMER key group consumer
    public static void delconsumer(final Ctx c) {
        c.keysUnchanged(); // a consumer group changes, not the stream: Redis signals no modified key
        final Parsed p = parse(c, false, false, true);
        if (p == null) {
            return;
        }
        final StreamGroup.Consumer consumer = p.group.consumer(bytes(c, 4));
        long pending = 0;
        if (consumer != null) {
            pending = p.group.deleteConsumer(consumer);
            Notify.event(c, Notify.STREAM, "xgroup-delconsumer", 2);
        }
        c.out.integer(pending);
    }

    // XGROUP HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CREATE <key> <groupname> <id|$> [option]",
                "    Create a consumer group reading from <id> on (from new entries with $). Options:",
                "    * MKSTREAM",
                "      Create an empty stream when the key does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set how many entries the group has read (for replication and restores).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Add a consumer to the group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Remove a consumer and its pending entries from the group.",
                "DESTROY <key> <groupname>",
                "    Remove the group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the group's last delivered ID and its entries read.");
    }

    // XACK key group id [id ...]
    public static void xack(final Ctx c) {
        c.keysUnchanged(); // a consumer group changes, not the stream: Redis signals no modified key
        final long a = c.find(1, c.keyHash(1));
        StreamGroup g = null;
        if (a != 0) {
            final StreamValue s = StreamCommands.stream(c, a);
            if (s == null) {
                return;
            }
            g = s.group(bytes(c, 2));
        }
        if (g == null) {
            c.out.integer(0);
            return;
        }
        final Request r = c.req;
        final StreamArgs p = new StreamArgs();
        final StreamGroup.Id[] ids = new StreamGroup.Id[r.argc() - 3];
        for (int j = 3; j < r.argc(); j++) {
            if (!p.id(r, j, 0, true)) {
                c.out.raw(p.error);
                return;
            }
            ids[j - 3] = new StreamGroup.Id(p.ms, p.seq);
        }
        long acked = 0;
        for (final StreamGroup.Id id : ids) {
            final StreamGroup.Nack n = g.pel.remove(id);
            if (n != null) {
                n.consumer.pel.remove(id);
                acked++;
            }
        }
        c.out.integer(acked);
    }

    // XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
    public static void xpending(final Ctx c) {
        final Request r = c.req;
        final int argc = r.argc();
        if (argc != 3 && (argc < 6 || argc > 9)) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        long count = 0;
        long minIdle = 0;
        long startMs = 0;
        long startSeq = 0;
        long endMs = 0;
        long endSeq = 0;
        int consumerArg = -1;
        if (argc >= 6) {
            int at = 3;
            if (r.argIs(3, IDLE)) {
                if (!r.parseLong(4)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                minIdle = r.longValue;
                if (argc < 8) {
                    c.out.raw(Errors.SYNTAX);
                    return;
                }
                at += 2;
            }
            if (!r.parseLong(at + 2)) {
                c.out.raw(Errors.NOT_INTEGER);
                return;
            }
            count = Math.max(0, r.longValue);
            final long[] range = StreamReads.interval(c, at, at + 1);
            if (range == null) {
                return;
            }
            startMs = range[0];
            startSeq = range[1];
            endMs = range[2];
            endSeq = range[3];
            if (at + 3 < argc) {
                consumerArg = at + 3;
            }
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a != 0 && c.db.kind(a) != Entry.KIND_STREAM) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final StreamGroup g = a == 0 ? null : ((StreamValue) c.db.object(a)).group(bytes(c, 2));
        if (g == null) {
            c.out.error("NOGROUP No such key '" + arg(c, 1) + "' or consumer group '" + arg(c, 2) + "'");
            return;
        }
        if (argc == 3) {
            summary(c, g);
            return;
        }
        NavigableMap<StreamGroup.Id, StreamGroup.Nack> pel = g.pel;
        if (consumerArg >= 0) {
            final StreamGroup.Consumer consumer = g.consumer(bytes(c, consumerArg));
            if (consumer == null) {
                c.out.arrayHeader(0);
                return;
            }
            pel = consumer.pel;
        }
        final java.util.List<Map.Entry<StreamGroup.Id, StreamGroup.Nack>> out = new java.util.ArrayList<>();
        if (StreamValue.compare(startMs, startSeq, endMs, endSeq) <= 0) {
            for (final Map.Entry<StreamGroup.Id, StreamGroup.Nack> e : pel.subMap(new StreamGroup.Id(startMs, startSeq),
                    true, new StreamGroup.Id(endMs, endSeq), true).entrySet()) {
                if (out.size() >= count) {
                    break;
                }
                if (minIdle != 0 && c.now - e.getValue().deliveryTime < minIdle) {
                    continue;
                }
                out.add(e);
            }
        }
        c.out.arrayHeader(out.size());
        for (final Map.Entry<StreamGroup.Id, StreamGroup.Nack> e : out) {
            c.out.arrayHeader(4);
            c.out.bulk(StreamCommands.idString(e.getKey().ms(), e.getKey().seq()));
            c.out.bulk(e.getValue().consumer.name);
            c.out.integer(Math.max(0, c.now - e.getValue().deliveryTime));
            c.out.integer(e.getValue().deliveryCount);
        }
    }

    private static void summary(final Ctx c, final StreamGroup g) {
        c.out.arrayHeader(4);
        c.out.integer(g.pel.size());
        if (g.pel.isEmpty()) {
            c.out.nullBulk();
            c.out.nullBulk();
            c.out.nullArray();
            return;
        }
        c.out.bulk(StreamCommands.idString(g.pel.firstKey().ms(), g.pel.firstKey().seq()));
        c.out.bulk(StreamCommands.idString(g.pel.lastKey().ms(), g.pel.lastKey().seq()));
        int n = 0;
        for (final StreamGroup.Consumer k : g.consumers.values()) {
            n += k.pel.isEmpty() ? 0 : 1;
        }
        c.out.arrayHeader(n);
        for (final StreamGroup.Consumer k : g.consumers.values()) {
            if (!k.pel.isEmpty()) {
                c.out.arrayHeader(2);
                c.out.bulk(k.name);
                c.out.bulk(Long.toString(k.pel.size()));
            }
        }
    }

    /** Group bookkeeping when XREADGROUP delivers the entry ms-seq past the group's last ID (Redis's rules). */
    static void advance(final StreamValue s, final StreamGroup g, final long ms, final long seq) {
        if (g.entriesRead != StreamGroup.ENTRIES_READ_UNKNOWN && !StreamEstimate.tombstonesFrom(s, ms, seq)) {
            g.entriesRead++;
        } else if (s.entriesAdded != 0) {
            g.entriesRead = StreamEstimate.distanceFromFirstEver(s, ms, seq);
        }
        g.lastMs = ms;
        g.lastSeq = seq;
    }
}
