package io.moon.storage;

/**
 * A consumer group's read counter, as Redis 7 keeps it: the number of entries the group has read
 * counted from the first entry ever added, known exactly while no deletion lies ahead of the
 * group, estimated from the stream's counters when it can be, and unknown (-1) otherwise. These
 * rules decide what XINFO GROUPS reports as entries-read and lag, so they follow Redis's.
 */
public final class StreamEstimate {
    private StreamEstimate() {
    }

    /** True when a deleted entry may lie in [start, +inf): the largest deleted ID is at or after start. */
    public static boolean tombstonesFrom(final StreamValue s, final long startMs, final long startSeq) {
        if (s.length == 0 || s.maxDeletedMs == 0 && s.maxDeletedSeq == 0) {
            return false;
        }
        if (StreamValue.compare(s.firstMs, s.firstSeq, s.maxDeletedMs, s.maxDeletedSeq) > 0) {
            return false;
        }
        return StreamValue.compare(startMs, startSeq, s.maxDeletedMs, s.maxDeletedSeq) <= 0;
    }

    /** The read counter of an ID: entries from the first ever added up to it, or -1 when not known. */
    public static long distanceFromFirstEver(final StreamValue s, final long ms, final long seq) {
        if (s.entriesAdded == 0) {
            return 0;
        }
        final int cmpLast = StreamValue.compare(ms, seq, s.lastMs, s.lastSeq);
        if (s.length == 0 && cmpLast < 1) {
            return s.entriesAdded;
        }
        if (cmpLast == 0) {
            return s.entriesAdded;
        } else if (cmpLast > 0) {
            return StreamGroup.ENTRIES_READ_UNKNOWN;
        }
        final int cmpFirst = StreamValue.compare(ms, seq, s.firstMs, s.firstSeq);
        final boolean noTombstone = s.maxDeletedMs == 0 && s.maxDeletedSeq == 0
                || StreamValue.compare(s.maxDeletedMs, s.maxDeletedSeq, s.firstMs, s.firstSeq) < 0;
        if (noTombstone) {
            if (cmpFirst < 0) {
                return s.entriesAdded - s.length;
            } else if (cmpFirst == 0) {
                return s.entriesAdded - s.length + 1;
            }
        }
        return StreamGroup.ENTRIES_READ_UNKNOWN;
    }
}
