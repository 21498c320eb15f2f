package io.moon.storage.rdb;

import io.moon.storage.Listpack;
import io.moon.storage.StreamEstimate;
import io.moon.storage.StreamGroup;
import io.moon.storage.StreamValue;

import java.util.Map;

/**
 * A stream in an RDB file or DUMP payload. Moon writes {@code RDB_TYPE_STREAM_LISTPACKS_2} (19),
 * the type Redis 7.0 writes at RDB version 10: the node count, then per node its 16-byte key (the
 * master ID, ms then seq, big-endian) and its listpack as a string, then the length, the last ID
 * (ms, seq), the first ID, the largest deleted ID and the count of entries ever added (all
 * length-encoded), then the consumer groups: per group its name, last ID, entries read, its PEL
 * (raw 16-byte IDs, each with the delivery time as 8 bytes little-endian and the delivery count)
 * and its consumers (name, seen time, the raw IDs of the PEL entries it owns). It reads types 15
 * (Redis 5, without the first/deleted IDs, the counters, which are then derived as Redis does),
 * 19 and 21 (Redis 7.2: each consumer carries its active time after its seen time; type 19 loads
 * the seen time as both, as Redis 7.2 does). Every node is checked before it is used:
 * the listpack itself, then the stream layout inside it, so a corrupt payload is an error, never
 * a crash later.
 */
final class RdbStream {
    private RdbStream() {
    }

    static void write(final RdbOut out, final StreamValue s) {
        out.writeLength(s.nodeCount());
        final byte[] key = new byte[16];
        for (int i = 0; i < s.nodeCount(); i++) {
            putBigEndian(key, 0, s.nodeMasterMs(i));
            putBigEndian(key, 8, s.nodeMasterSeq(i));
            out.writeString(key, 0, 16);
            final byte[] lp = s.node(i);
            out.writeString(lp, 0, lp.length);
        }
        out.writeLength(s.length);
        out.writeLength(s.lastMs);
        out.writeLength(s.lastSeq);
        out.writeLength(s.firstMs);
        out.writeLength(s.firstSeq);
        out.writeLength(s.maxDeletedMs);
        out.writeLength(s.maxDeletedSeq);
        out.writeLength(s.entriesAdded);
        out.writeLength(s.groupCount());
        if (s.groups == null) {
            return;
        }
        final byte[] raw = new byte[16];
        for (final StreamGroup g : s.groups.values()) {
            out.writeString(g.name, 0, g.name.length);
            out.writeLength(g.lastMs);
            out.writeLength(g.lastSeq);
            out.writeLength(g.entriesRead);
            out.writeLength(g.pel.size());
            for (final Map.Entry<StreamGroup.Id, StreamGroup.Nack> e : g.pel.entrySet()) {
                rawId(out, raw, e.getKey());
                out.writeLongLE(e.getValue().deliveryTime);
                out.writeLength(e.getValue().deliveryCount);
            }
            out.writeLength(g.consumers.size());
            for (final StreamGroup.Consumer c : g.consumers.values()) {
                out.writeString(c.name, 0, c.name.length);
                out.writeLongLE(c.seenTime); // type 19 has no active time: Redis 7.2 takes the seen time for it
                out.writeLength(c.pel.size());
                for (final StreamGroup.Id id : c.pel.keySet()) {
                    rawId(out, raw, id);
                }
            }
        }
    }

    private static void rawId(final RdbOut out, final byte[] raw, final StreamGroup.Id id) {
        putBigEndian(raw, 0, id.ms());
        putBigEndian(raw, 8, id.seq());
        out.write(raw, 0, 16);
    }

    private static StreamGroup.Id readRawId(final RdbIn in) {
        final byte[] raw = new byte[16];
        in.readFully(raw, 0, 16);
        return new StreamGroup.Id(getBigEndian(raw, 0), getBigEndian(raw, 8));
    }

    /** The consumer groups after the stream's counters (see the class comment). */
    private static void readGroups(final RdbIn in, final int type, final long at, final StreamValue s) {
        final long groups = in.readLength();
        if (groups < 0 || groups > in.remaining()) {
            throw new RdbException("stream group count " + groups + " exceeds the input left", at);
        }
        for (long i = 0; i < groups; i++) {
            final byte[] name = in.readString();
            final long ms = in.readLength();
            final long seq = in.readLength();
            final long entriesRead = type == Rdb.T_STREAM_LISTPACKS ? StreamGroup.ENTRIES_READ_UNKNOWN : in.readLength();
            final StreamGroup g = s.createGroup(name, ms, seq, entriesRead);
            if (g == null) {
                throw new RdbException("duplicated consumer group name", at);
            }
            if (type == Rdb.T_STREAM_LISTPACKS) {
                g.entriesRead = StreamEstimate.distanceFromFirstEver(s, ms, seq);
            }
            final long pel = in.readLength();
            if (pel < 0 || pel > in.remaining() / 16) {
                throw new RdbException("stream PEL size exceeds the input left", at);
            }
            for (long j = 0; j < pel; j++) {
                final StreamGroup.Id id = readRawId(in);
                final StreamGroup.Nack n = new StreamGroup.Nack(in.readLongLE(), in.readLength(), null);
                if (g.pel.putIfAbsent(id, n) != null) {
                    throw new RdbException("duplicated global PEL entry loading stream consumer group", at);
                }
            }
            final long consumers = in.readLength();
            if (consumers < 0 || consumers > in.remaining()) {
                throw new RdbException("stream consumer count exceeds the input left", at);
            }
            for (long j = 0; j < consumers; j++) {
                final byte[] cname = in.readString();
                final long seen = in.readLongLE();
                final long active = type == Rdb.T_STREAM_LISTPACKS_3 ? in.readLongLE() : seen;
                final StreamGroup.Consumer c = g.createConsumer(cname, seen);
                if (c == null) {
                    throw new RdbException("duplicate stream consumer detected", at);
                }
                c.activeTime = active;
                final long owned = in.readLength();
                if (owned < 0 || owned > in.remaining() / 16) {
                    throw new RdbException("stream consumer PEL size exceeds the input left", at);
                }
                for (long k = 0; k < owned; k++) {
                    final StreamGroup.Id id = readRawId(in);
                    final StreamGroup.Nack n = g.pel.get(id);
                    if (n == null) {
                        throw new RdbException("consumer PEL entry not found in the group's PEL", at);
                    }
                    if (n.consumer != null || c.pel.putIfAbsent(id, n) != null) {
                        throw new RdbException("duplicated consumer PEL entry loading a stream consumer group", at);
                    }
                    n.consumer = c;
                }
            }
            for (final StreamGroup.Nack n : g.pel.values()) {
                if (n.consumer == null) {
                    throw new RdbException("stream PEL entry without a consumer", at);
                }
            }
        }
    }

    private static void putBigEndian(final byte[] b, final int off, final long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long getBigEndian(final byte[] b, final int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    static StreamValue read(final RdbIn in, final int type, final long at) {
        final StreamValue s = new StreamValue();
        final long nodes = in.readLength();
        if (nodes < 0 || nodes > in.remaining()) {
            throw new RdbException("stream node count " + nodes + " exceeds the input left", at);
        }
        for (long i = 0; i < nodes; i++) {
            final byte[] key = in.readString();
            if (key.length != 16) {
                throw new RdbException("stream node key is not a valid 128 bit ID", at);
            }
            final byte[] lp = in.readString();
            final long ms = getBigEndian(key, 0);
            final long seq = getBigEndian(key, 8);
            if (!validNode(lp)) {
                throw new RdbException("stream listpack integrity check failed", at);
            }
            if (Listpack.first(lp, 0) < 0 || (lp[Listpack.HEADER_BYTES] & 0xff) == Listpack.EOF) {
                throw new RdbException("empty listpack inside stream", at);
            }
            if (s.nodeCount() > 0) {
                final int last = s.nodeCount() - 1;
                if (StreamValue.compare(s.nodeMasterMs(last), s.nodeMasterSeq(last), ms, seq) >= 0) {
                    throw new RdbException("stream nodes out of order", at);
                }
            }
            s.addNode(ms, seq, lp);
        }
        s.length = in.readLength();
        s.lastMs = in.readLength();
        s.lastSeq = in.readLength();
        if (type == Rdb.T_STREAM_LISTPACKS) {
            final long[] id = new long[2];
            if (s.edge(true, id)) {
                s.firstMs = id[0];
                s.firstSeq = id[1];
            }
            s.entriesAdded = s.length;
        } else {
            s.firstMs = in.readLength();
            s.firstSeq = in.readLength();
            s.maxDeletedMs = in.readLength();
            s.maxDeletedSeq = in.readLength();
            s.entriesAdded = in.readLength();
        }
        readGroups(in, type, at, s);
        return s;
    }

    /**
     * True when lp is a listpack holding a stream node as the class comment lays it out: every
     * count and ID difference an integer, each entry's element count what its lp-count says.
     */
    static boolean validNode(final byte[] lp) {
        if (!Listpack.validate(lp, 0, lp.length, true)) {
            return false;
        }
        int p = Listpack.first(lp, 0);
        if (p < 0) {
            return true; // empty: reported by the caller
        }
        final int[] at = {p};
        final long live = integer(lp, at);
        final long deleted = integer(lp, at);
        final long mf = integer(lp, at);
        if (live < 0 || deleted < 0 || mf < 0 || mf > lp.length) {
            return false;
        }
        for (long j = 0; j < mf; j++) {
            if (!skip(lp, at)) {
                return false;
            }
        }
        if (integer(lp, at) != 0) {
            return false;
        }
        long seenLive = 0;
        long seenDeleted = 0;
        while (at[0] >= 0 && (lp[at[0]] & 0xff) != Listpack.EOF) {
            final long flags = integer(lp, at);
            if (flags < 0 || flags > 3) {
                return false;
            }
            integer(lp, at);
            integer(lp, at);
            long elements = 3;
            long values;
            if ((flags & StreamValue.FLAG_SAMEFIELDS) != 0) {
                values = mf;
            } else {
                final long n = integer(lp, at);
                if (n < 0 || n > lp.length) {
                    return false;
                }
                values = 2 * n;
                elements++;
            }
            for (long j = 0; j < values; j++) {
                if (!skip(lp, at)) {
                    return false;
                }
            }
            elements += values;
            if (at[0] < 0 || integer(lp, at) != elements) {
                return false;
            }
            if ((flags & StreamValue.FLAG_DELETED) != 0) {
                seenDeleted++;
            } else {
                seenLive++;
            }
        }
        return at[0] >= 0 && seenLive == live && seenDeleted == deleted;
    }

    /** The integer at at[0], moving past it; Long.MIN_VALUE (invalid everywhere) when it is not one. */
    private static long integer(final byte[] lp, final int[] at) {
        final int p = at[0];
        if (p < 0 || (lp[p] & 0xff) == Listpack.EOF || !Listpack.isInt(lp, p)) {
            at[0] = -1;
            return Long.MIN_VALUE;
        }
        at[0] = p + Listpack.entrySize(lp, p);
        return Listpack.intValue(lp, p);
    }

    private static boolean skip(final byte[] lp, final int[] at) {
        final int p = at[0];
        if (p < 0 || (lp[p] & 0xff) == Listpack.EOF) {
            at[0] = -1;
            return false;
        }
        at[0] = p + Listpack.entrySize(lp, p);
        return true;
    }
}
