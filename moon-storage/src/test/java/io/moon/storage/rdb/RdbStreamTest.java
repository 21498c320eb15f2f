package io.moon.storage.rdb;

import io.moon.storage.StreamIter;
import io.moon.storage.StreamValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A stream through the RDB encoding and back: same entries, counters and IDs; corrupt nodes refused. */
class RdbStreamTest {
    private static void add(final StreamValue s, final long ms, final long seq, final String... fv) {
        final byte[] b = String.join("", fv).getBytes(StandardCharsets.ISO_8859_1);
        final int[] off = new int[fv.length];
        final int[] len = new int[fv.length];
        int at = 0;
        for (int i = 0; i < fv.length; i++) {
            off[i] = at;
            len[i] = fv[i].length();
            at += len[i];
        }
        s.append(ms, seq, b, off, len, fv.length / 2, 4096, 3);
    }

    private static List<String> entries(final StreamValue s) {
        final List<String> out = new ArrayList<>();
        final StreamIter it = new StreamIter(s).forward(0, 0, -1, -1);
        while (it.next()) {
            final StringBuilder sb = new StringBuilder(it.ms + "-" + it.seq);
            for (int i = 0; i < it.fields; i++) {
                sb.append(' ').append(new String(io.moon.storage.Listpack.toBytes(it.node, it.fieldAt(i)),
                        StandardCharsets.ISO_8859_1));
                sb.append('=').append(new String(io.moon.storage.Listpack.toBytes(it.node, it.valueAt(i)),
                        StandardCharsets.ISO_8859_1));
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static StreamValue roundTrip(final StreamValue s) {
        final RdbOut out = new RdbOut(true);
        RdbStream.write(out, s);
        final byte[] b = out.toBytes();
        return RdbStream.read(RdbIn.of(b, 0, b.length), Rdb.T_STREAM_LISTPACKS_2, 0);
    }

    @Test
    void shouldKeepEntriesCountersAndIdsThroughTheEncoding() {
        final StreamValue s = new StreamValue();
        for (int i = 1; i <= 8; i++) {
            add(s, i, i % 3, "f", "v" + i, "n", Integer.toString(i * 1000));
        }
        add(s, 20, 0, "other", "x");
        s.delete(2, 2);
        s.maxDeletedMs = 2;
        s.maxDeletedSeq = 2;
        s.trim(true, 6, 0, 0, false, 0);
        final StreamValue back = roundTrip(s);
        assertEquals(entries(s), entries(back));
        assertEquals(s.length, back.length);
        assertEquals(s.lastMs, back.lastMs);
        assertEquals(s.firstMs, back.firstMs);
        assertEquals(s.entriesAdded, back.entriesAdded);
        assertEquals(2, back.maxDeletedMs);
        assertEquals(s.nodeCount(), back.nodeCount());
    }

    @Test
    void shouldRefuseACorruptNode() {
        final StreamValue s = new StreamValue();
        add(s, 1, 1, "a", "b");
        final byte[] lp = s.node(0);
        assertEquals(lp.length, io.moon.storage.Listpack.totalBytes(lp, 0));
        final byte[] bad = lp.clone();
        bad[bad.length - 3] = 9; // the lp-count of the only entry
        assertFalse(RdbStream.validNode(bad));
        final StreamValue broken = new StreamValue();
        broken.addNode(1, 1, bad);
        broken.length = 1;
        final RdbOut out = new RdbOut(false);
        RdbStream.write(out, broken);
        final byte[] b = out.toBytes();
        assertThrows(RdbException.class, () -> RdbStream.read(RdbIn.of(b, 0, b.length), Rdb.T_STREAM_LISTPACKS_2, 0));
    }
}
