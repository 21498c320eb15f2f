package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;

/**
 * LCS: longest common subsequence of two strings by the classic dynamic-programming table, with
 * Redis's options and reply shapes. The table walk that reports matching ranges follows Redis's
 * (it decides which ranges are reported and in which order, so replies match byte for byte).
 * Shared by the single-shard handler and the cross-shard form, which first fetches both values.
 */
final class Lcs {
    private Lcs() {
    }

    static final byte[] NOT_STRINGS = Reply.err("ERR The specified keys must contain string values");
    private static final byte[] IDX = {'I', 'D', 'X'};
    private static final byte[] LEN = {'L', 'E', 'N'};
    private static final byte[] WITHMATCHLEN = "WITHMATCHLEN".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MINMATCHLEN = "MINMATCHLEN".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    // LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
    static void reply(final Reply out, final Request r, final byte[] a, final byte[] b, final long maxBulk) {
        boolean getIdx = false;
        boolean getLen = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < r.argc(); j++) {
            final boolean more = j + 1 < r.argc();
            if (r.argIs(j, IDX)) {
                getIdx = true;
            } else if (r.argIs(j, LEN)) {
                getLen = true;
            } else if (r.argIs(j, WITHMATCHLEN)) {
                withMatchLen = true;
            } else if (r.argIs(j, MINMATCHLEN) && more) {
                if (!r.parseLong(j + 1)) {
                    out.raw(Errors.NOT_INTEGER);
                    return;
                }
                minMatchLen = Math.max(0, r.longValue);
                j++;
            } else {
                out.raw(Errors.SYNTAX);
                return;
            }
        }
        if (getIdx && getLen) {
            out.error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        final int alen = a.length;
        final int blen = b.length;
        final long cells = (long) (alen + 1) * (blen + 1);
        final long bytes = cells * 4;
        if (bytes > maxBulk) {
            out.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        // A Java array holds fewer than 2^31 cells, and the heap must have room for the table.
        if (cells > Integer.MAX_VALUE - 16 || bytes > Runtime.getRuntime().maxMemory() / 4) {
            out.error("ERR Insufficient memory, failed allocating transient memory for LCS");
            return;
        }
        final int w = blen + 1;
        final int[] t = new int[(int) cells];
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                if (a[i - 1] == b[j - 1]) {
                    t[i * w + j] = t[(i - 1) * w + j - 1] + 1;
                } else {
                    final int l1 = t[(i - 1) * w + j];
                    final int l2 = t[i * w + j - 1];
                    t[i * w + j] = Math.max(l1, l2);
                }
            }
        }
        final int total = t[alen * w + blen];
        final boolean computeLcs = getIdx || !getLen;
        final byte[] result = computeLcs ? new byte[total] : null;
        // ranges found while walking back, emitted in walk order
        long[] ranges = new long[getIdx ? 16 : 0];
        int rangeCount = 0;
        int idx = total;
        int aStart = alen;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        int i = alen;
        int j = blen;
        while (computeLcs && i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (aStart == alen) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                idx--;
                i--;
                j--;
            } else {
                final int l1 = t[(i - 1) * w + j];
                final int l2 = t[i * w + j - 1];
                if (l1 > l2) {
                    i--;
                } else {
                    j--;
                }
                if (aStart != alen) {
                    emit = true;
                }
            }
            final int matchLen = aEnd - aStart + 1;
            if (emit) {
                if ((minMatchLen == 0 || matchLen >= minMatchLen) && getIdx) {
                    if (rangeCount * 5 + 5 > ranges.length) {
                        ranges = java.util.Arrays.copyOf(ranges, ranges.length * 2 + 5);
                    }
                    ranges[rangeCount * 5] = aStart;
                    ranges[rangeCount * 5 + 1] = aEnd;
                    ranges[rangeCount * 5 + 2] = bStart;
                    ranges[rangeCount * 5 + 3] = bEnd;
                    ranges[rangeCount * 5 + 4] = matchLen;
                    rangeCount++;
                }
                aStart = alen;
            }
        }
        if (getIdx) {
            out.mapHeader(2);
            out.bulk("matches");
            out.arrayHeader(rangeCount);
            for (int k = 0; k < rangeCount; k++) {
                out.arrayHeader(withMatchLen ? 3 : 2);
                out.arrayHeader(2);
                out.integer(ranges[k * 5]);
                out.integer(ranges[k * 5 + 1]);
                out.arrayHeader(2);
                out.integer(ranges[k * 5 + 2]);
                out.integer(ranges[k * 5 + 3]);
                if (withMatchLen) {
                    out.integer(ranges[k * 5 + 4]);
                }
            }
            out.bulk("len");
            out.integer(total);
        } else if (getLen) {
            out.integer(total);
        } else {
            out.bulk(result);
        }
    }
}
