package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.pubsub.Notify;
import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.StreamValue;

import java.nio.charset.StandardCharsets;

import static io.moon.protocol.Reply.err;

/**
 * The stream commands that write: XADD, XTRIM, XDEL, XSETID, and XLEN. A stream is a
 * {@link StreamValue} object (entries packed in listpack nodes as Redis packs them); an empty
 * stream is kept, as in Redis. The reads (XRANGE, XREVRANGE, XREAD) are in {@link StreamReads}.
 *
 * <p>XADD with {@code *} or {@code ms-*} and the approximate trims ({@code ~}) depend on the time
 * and on the node layout: the log keeps their outcome (wal.Rewrite), as Redis propagates them.
 */
public final class StreamCommands {
    private static final byte[] ID_TOO_SMALL =
            err("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    private static final byte[] ID_ZERO = err("ERR The ID specified in XADD must be greater than 0-0");
    private static final byte[] EXHAUSTED =
            err("ERR The stream has exhausted the last possible ID, unable to add more items");
    private static final byte[] TOO_LARGE = err("ERR Elements are too large to be stored");
    private static final byte[] ENTRIES_ADDED_NEGATIVE = err("ERR entries_added must be positive");
    private static final byte[] SETID_BELOW_MAXDELETED_ARG =
            err("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
    private static final byte[] SETID_BELOW_MAXDELETED =
            err("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
    private static final byte[] SETID_BELOW_TOP =
            err("ERR The ID specified in XSETID is smaller than the target stream top item");
    private static final byte[] SETID_BELOW_LENGTH =
            err("ERR The entries_added specified in XSETID is smaller than the target stream length");
    private static final byte[] ENTRIESADDED = "ENTRIESADDED".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAXDELETEDID = "MAXDELETEDID".getBytes(StandardCharsets.US_ASCII);

    private StreamCommands() {
    }

    /** The stream at the entry, or null after replying WRONGTYPE when it holds another type. */
    static StreamValue stream(final Ctx c, final long a) {
        if (c.db.kind(a) != Entry.KIND_STREAM) {
            c.out.raw(Errors.WRONGTYPE);
            return null;
        }
        return (StreamValue) c.db.object(a);
    }

    /** "ms-seq", both unsigned. */
    public static String idString(final long ms, final long seq) {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }

    // XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
    public static void xadd(final Ctx c) {
        final Request r = c.req;
        final StreamArgs a = new StreamArgs();
        final int idArg = a.addOrTrim(r, true, c.server.config.streamNodeMaxEntries);
        if (idArg < 0) {
            c.out.raw(a.error);
            return;
        }
        if (r.argc() - idArg < 3 || (r.argc() - idArg) % 2 == 0) {
            c.out.error("ERR wrong number of arguments for 'xadd' command");
            return;
        }
        if (a.idGiven && a.idSeqGiven && a.idMs == 0 && a.idSeq == 0) {
            c.out.raw(ID_ZERO);
            return;
        }
        final Db db = c.db;
        final long h = c.keyHash(1);
        long e = c.find(1, h);
        StreamValue s;
        if (e == 0) {
            if (a.noMkStream) {
                c.out.nullBulk();
                return;
            }
            s = new StreamValue();
            e = db.insertObject(r.buf(), r.off(1), r.len(1), h, Entry.KIND_STREAM, s);
        } else if ((s = stream(c, e)) == null) {
            return;
        }
        if (s.lastMs == -1 && s.lastSeq == -1) {
            c.out.raw(EXHAUSTED);
            return;
        }
        long ms;
        long seq;
        if (a.idGiven) {
            ms = a.idMs;
            seq = a.idSeq;
            if (!a.idSeqGiven && s.lastMs == ms) {
                if (s.lastSeq == -1) {
                    c.out.raw(ID_TOO_SMALL);
                    return;
                }
                seq = s.lastSeq + 1;
            }
        } else {
            final long now = c.now; // the command's time, as Redis 7.2 takes it (frozen inside a script)
            if (Long.compareUnsigned(now, s.lastMs) > 0) {
                ms = now;
                seq = 0;
            } else if (s.lastSeq == -1) {
                ms = s.lastMs + 1;
                seq = 0;
            } else {
                ms = s.lastMs;
                seq = s.lastSeq + 1;
            }
        }
        if (StreamValue.compare(ms, seq, s.lastMs, s.lastSeq) <= 0) {
            c.out.raw(ID_TOO_SMALL);
            return;
        }
        final int pairs = (r.argc() - idArg - 1) / 2;
        final int[] off = new int[2 * pairs];
        final int[] len = new int[2 * pairs];
        long total = 0;
        for (int i = 0; i < 2 * pairs; i++) {
            off[i] = r.off(idArg + 1 + i);
            len[i] = r.len(idArg + 1 + i);
            total += len[i];
        }
        if (total > StreamValue.LISTPACK_MAX_BYTES) {
            c.out.raw(TOO_LARGE);
            return;
        }
        s.append(ms, seq, r.buf(), off, len, pairs, c.server.config.streamNodeMaxBytes,
                c.server.config.streamNodeMaxEntries);
        c.out.bulk(idString(ms, seq));
        Notify.event(c, Notify.STREAM, "xadd", 1);
        // clients blocked in XREAD / XREADGROUP on this stream run again (a new stream says so itself)
        c.keyspace.signalReady(c.dbIndex, c.buf(), c.off(1), c.len(1));
        if (a.trim != StreamArgs.TRIM_NONE && trim(s, a) > 0) {
            Notify.event(c, Notify.STREAM, "xtrim", 1);
        }
    }

    private static long trim(final StreamValue s, final StreamArgs a) {
        return s.trim(a.trim == StreamArgs.TRIM_MAXLEN, a.maxLen, a.minMs, a.minSeq, a.approx, a.limit);
    }

    // XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
    public static void xtrim(final Ctx c) {
        final StreamArgs a = new StreamArgs();
        if (a.addOrTrim(c.req, false, c.server.config.streamNodeMaxEntries) < 0) {
            c.out.raw(a.error);
            return;
        }
        final long e = c.find(1, c.keyHash(1));
        if (e == 0) {
            c.out.integer(0);
            return;
        }
        final StreamValue s = stream(c, e);
        if (s == null) {
            return;
        }
        final long deleted = trim(s, a);
        if (deleted > 0) {
            Notify.event(c, Notify.STREAM, "xtrim", 1);
        } else {
            c.keysUnchanged();
        }
        c.out.integer(deleted);
    }

    // XDEL key id [id ...]
    public static void xdel(final Ctx c) {
        final long e = c.find(1, c.keyHash(1));
        if (e == 0) {
            c.out.integer(0);
            return;
        }
        final StreamValue s = stream(c, e);
        if (s == null) {
            return;
        }
        final Request r = c.req;
        final StreamArgs a = new StreamArgs();
        final int n = r.argc() - 2;
        final long[] ids = new long[2 * n];
        for (int i = 0; i < n; i++) {
            if (!a.id(r, 2 + i, 0, true)) {
                c.out.raw(a.error);
                return;
            }
            ids[2 * i] = a.ms;
            ids[2 * i + 1] = a.seq;
        }
        int deleted = 0;
        boolean first = false;
        for (int i = 0; i < n; i++) {
            final long ms = ids[2 * i];
            final long seq = ids[2 * i + 1];
            if (s.delete(ms, seq)) {
                if (ms == s.firstMs && seq == s.firstSeq) {
                    first = true;
                }
                if (StreamValue.compare(ms, seq, s.maxDeletedMs, s.maxDeletedSeq) > 0) {
                    s.maxDeletedMs = ms;
                    s.maxDeletedSeq = seq;
                }
                deleted++;
            }
        }
        if (deleted > 0) {
            if (s.length == 0 || first) {
                s.refreshFirst();
            }
            Notify.event(c, Notify.STREAM, "xdel", 1);
        }
        c.out.integer(deleted);
    }

    // XLEN key
    public static void xlen(final Ctx c) {
        final long e = c.findRead(1, c.keyHash(1));
        if (e == 0) {
            c.out.integer(0);
            return;
        }
        final StreamValue s = stream(c, e);
        if (s != null) {
            c.out.integer(s.length);
        }
    }

    // XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
    public static void xsetid(final Ctx c) {
        c.keysUnchanged(); // Redis signals no modified key for XSETID
        final Request r = c.req;
        final StreamArgs a = new StreamArgs();
        if (!a.id(r, 2, 0, true)) {
            c.out.raw(a.error);
            return;
        }
        final long ms = a.ms;
        final long seq = a.seq;
        long entriesAdded = -1;
        long delMs = 0;
        long delSeq = 0;
        for (int i = 3; i < r.argc(); ) {
            final boolean more = i < r.argc() - 1;
            if (r.argIs(i, ENTRIESADDED) && more) {
                if (!r.parseLong(i + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                entriesAdded = r.longValue;
                if (entriesAdded < 0) {
                    c.out.raw(ENTRIES_ADDED_NEGATIVE);
                    return;
                }
            } else if (r.argIs(i, MAXDELETEDID) && more) {
                if (!a.id(r, i + 1, 0, true)) {
                    c.out.raw(a.error);
                    return;
                }
                delMs = a.ms;
                delSeq = a.seq;
                if (StreamValue.compare(ms, seq, delMs, delSeq) < 0) {
                    c.out.raw(SETID_BELOW_MAXDELETED_ARG);
                    return;
                }
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
            i += 2;
        }
        final long e = c.find(1, c.keyHash(1));
        if (e == 0) {
            c.out.raw(Errors.NO_SUCH_KEY);
            return;
        }
        final StreamValue s = stream(c, e);
        if (s == null) {
            return;
        }
        if (StreamValue.compare(ms, seq, s.maxDeletedMs, s.maxDeletedSeq) < 0) {
            c.out.raw(SETID_BELOW_MAXDELETED);
            return;
        }
        if (s.length > 0) {
            final long[] top = new long[2];
            s.edge(false, top);
            if (StreamValue.compare(ms, seq, top[0], top[1]) < 0) {
                c.out.raw(SETID_BELOW_TOP);
                return;
            }
            if (entriesAdded != -1 && s.length > entriesAdded) {
                c.out.raw(SETID_BELOW_LENGTH);
                return;
            }
        }
        s.lastMs = ms;
        s.lastSeq = seq;
        if (entriesAdded != -1) {
            s.entriesAdded = entriesAdded;
        }
        if (delMs != 0 || delSeq != 0) {
            s.maxDeletedMs = delMs;
            s.maxDeletedSeq = delSeq;
        }
        Notify.event(c, Notify.STREAM, "xsetid", 1);
        c.out.ok();
    }
}
