package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.StreamEstimate;
import io.moon.storage.StreamGroup;
import io.moon.storage.StreamIter;
import io.moon.storage.StreamValue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * XINFO STREAM (with FULL [COUNT n]), XINFO GROUPS, XINFO CONSUMERS and XINFO HELP, with Redis
 * 7.2's fields: a consumer's {@code inactive} (ms since it last read or claimed, -1 never) beside
 * {@code idle} (ms since it was last named), and {@code active-time} in the FULL form. Maps are
 * RESP3 maps, flat arrays in RESP2, as Redis writes them.
 */
public final class StreamInfo {
    private static final byte[] FULL = "FULL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    /** XINFO STREAM ... FULL's default COUNT (Redis bounds the reply unless asked for all with 0). */
    private static final long FULL_COUNT_DEFAULT = 10;

    private StreamInfo() {
    }

    /** The stream at argument 2, or null after replying "no such key" or WRONGTYPE. */
    private static StreamValue find(final Ctx c) {
        final long a = c.findRead(2, c.keyHash(2));
        if (a == 0) {
            c.out.raw(Errors.NO_SUCH_KEY);
            return null;
        }
        return StreamCommands.stream(c, a);
    }

    private static void syntax(final Ctx c) {
        c.out.error("ERR unknown subcommand or wrong number of arguments for '"
                + new String(c.buf(), c.off(1), c.len(1), StandardCharsets.ISO_8859_1) + "'. Try "
                + new String(c.buf(), c.off(0), c.len(0), StandardCharsets.ISO_8859_1).toUpperCase(java.util.Locale.ROOT)
                + " HELP.");
    }

    private static void id(final Reply out, final long ms, final long seq) {
        out.bulk(StreamCommands.idString(ms, seq));
    }

    // XINFO STREAM key [FULL [COUNT count]]
    public static void stream(final Ctx c) {
        final StreamValue s = find(c);
        if (s == null) {
            return;
        }
        final Request r = c.req;
        final int opts = r.argc() - 3;
        long count = FULL_COUNT_DEFAULT;
        if (opts != 0) {
            if (opts != 1 && opts != 3 || !r.argIs(3, FULL) || opts == 3 && !r.argIs(4, COUNT)) {
                syntax(c);
                return;
            }
            if (opts == 3) {
                if (!r.parseLong(5)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                count = r.longValue < 0 ? FULL_COUNT_DEFAULT : r.longValue;
            }
        }
        final boolean full = opts != 0;
        final Reply out = c.out;
        out.mapHeader(full ? 9 : 10);
        out.bulk("length");
        out.integer(s.length);
        out.bulk("radix-tree-keys");
        out.integer(s.nodeCount());
        out.bulk("radix-tree-nodes");
        out.integer(s.radixTreeNodes());
        out.bulk("last-generated-id");
        id(out, s.lastMs, s.lastSeq);
        out.bulk("max-deleted-entry-id");
        id(out, s.maxDeletedMs, s.maxDeletedSeq);
        out.bulk("entries-added");
        out.integer(s.entriesAdded);
        out.bulk("recorded-first-entry-id");
        id(out, s.firstMs, s.firstSeq);
        if (!full) {
            out.bulk("groups");
            out.integer(s.groupCount());
            out.bulk("first-entry");
            edge(out, s, true);
            out.bulk("last-entry");
            edge(out, s, false);
            return;
        }
        out.bulk("entries");
        StreamReads.range(out, s, 0, 0, -1, -1, count, false);
        out.bulk("groups");
        out.arrayHeader(s.groupCount());
        if (s.groups != null) {
            for (final StreamGroup g : s.groups.values()) {
                fullGroup(out, s, g, count);
            }
        }
    }

    /** The first (or last) entry, or null. */
    private static void edge(final Reply out, final StreamValue s, final boolean first) {
        final StreamIter it = new StreamIter(s);
        if (first) {
            it.forward(0, 0, -1, -1);
        } else {
            it.backward(0, 0, -1, -1);
        }
        if (it.next()) {
            StreamReads.entry(out, it);
        } else {
            out.nullBulk();
        }
    }

    private static void fullGroup(final Reply out, final StreamValue s, final StreamGroup g, final long count) {
        out.mapHeader(7);
        out.bulk("name");
        out.bulk(g.name);
        out.bulk("last-delivered-id");
        id(out, g.lastMs, g.lastSeq);
        out.bulk("entries-read");
        entriesRead(out, g);
        out.bulk("lag");
        lag(out, s, g);
        out.bulk("pel-count");
        out.integer(g.pel.size());
        out.bulk("pending");
        pending(out, g.pel, count, true);
        out.bulk("consumers");
        out.arrayHeader(g.consumers.size());
        for (final StreamGroup.Consumer k : g.consumers.values()) {
            out.mapHeader(5);
            out.bulk("name");
            out.bulk(k.name);
            out.bulk("seen-time");
            out.integer(k.seenTime);
            out.bulk("active-time");
            out.integer(k.activeTime);
            out.bulk("pel-count");
            out.integer(k.pel.size());
            out.bulk("pending");
            pending(out, k.pel, count, false);
        }
    }

    /**
     * The first {@code count} (0: all) entries of a pending list as XINFO STREAM FULL shows them:
     * ID, owner (a group's list only), delivery time and count.
     */
    private static void pending(final Reply out, final java.util.TreeMap<StreamGroup.Id, StreamGroup.Nack> pel,
                                final long count, final boolean withOwner) {
        out.arrayHeader(count == 0 ? pel.size() : Math.min(count, pel.size()));
        long n = 0;
        for (final Map.Entry<StreamGroup.Id, StreamGroup.Nack> e : pel.entrySet()) {
            if (count != 0 && n++ >= count) {
                break;
            }
            out.arrayHeader(withOwner ? 4 : 3);
            id(out, e.getKey().ms(), e.getKey().seq());
            if (withOwner) {
                out.bulk(e.getValue().consumer.name);
            }
            out.integer(e.getValue().deliveryTime);
            out.integer(e.getValue().deliveryCount);
        }
    }

    private static void entriesRead(final Reply out, final StreamGroup g) {
        if (g.entriesRead == StreamGroup.ENTRIES_READ_UNKNOWN) {
            out.nullBulk();
        } else {
            out.integer(g.entriesRead);
        }
    }

    /** Entries added and not yet read by the group, when Redis's counters can tell; else null. */
    private static void lag(final Reply out, final StreamValue s, final StreamGroup g) {
        if (s.entriesAdded == 0) {
            out.integer(0);
        } else if (g.entriesRead != StreamGroup.ENTRIES_READ_UNKNOWN
                && !StreamEstimate.tombstonesFrom(s, g.lastMs, g.lastSeq)) {
            out.integer(s.entriesAdded - g.entriesRead);
        } else {
            final long read = StreamEstimate.distanceFromFirstEver(s, g.lastMs, g.lastSeq);
            if (read == StreamGroup.ENTRIES_READ_UNKNOWN) {
                out.nullBulk();
            } else {
                out.integer(s.entriesAdded - read);
            }
        }
    }

    // XINFO GROUPS key
    public static void groups(final Ctx c) {
        final StreamValue s = find(c);
        if (s == null) {
            return;
        }
        final Reply out = c.out;
        out.arrayHeader(s.groupCount());
        if (s.groups == null) {
            return;
        }
        for (final StreamGroup g : s.groups.values()) {
            out.mapHeader(6);
            out.bulk("name");
            out.bulk(g.name);
            out.bulk("consumers");
            out.integer(g.consumers.size());
            out.bulk("pending");
            out.integer(g.pel.size());
            out.bulk("last-delivered-id");
            id(out, g.lastMs, g.lastSeq);
            out.bulk("entries-read");
            entriesRead(out, g);
            out.bulk("lag");
            lag(out, s, g);
        }
    }

    // XINFO CONSUMERS key group
    public static void consumers(final Ctx c) {
        final StreamValue s = find(c);
        if (s == null) {
            return;
        }
        final StreamGroup g = s.group(c.req.argBytes(3));
        if (g == null) {
            c.out.error("NOGROUP No such consumer group '"
                    + new String(c.buf(), c.off(3), c.len(3), StandardCharsets.ISO_8859_1) + "' for key name '"
                    + new String(c.buf(), c.off(2), c.len(2), StandardCharsets.ISO_8859_1) + "'");
            return;
        }
        final Reply out = c.out;
        out.arrayHeader(g.consumers.size());
        for (final StreamGroup.Consumer k : g.consumers.values()) {
            out.mapHeader(4);
            out.bulk("name");
            out.bulk(k.name);
            out.bulk("pending");
            out.integer(k.pel.size());
            out.bulk("idle");
            out.integer(Math.max(0, c.now - k.seenTime));
            out.bulk("inactive");
            out.integer(k.activeTime != -1 ? c.now - k.activeTime : -1);
        }
    }

    // XINFO HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CONSUMERS <key> <groupname>",
                "    List the consumers of the group, with their pending counts and idle times.",
                "GROUPS <key>",
                "    List the stream's consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Describe the stream; FULL adds its entries, groups and pending entries (COUNT bounds each, 0: all).");
    }
}
