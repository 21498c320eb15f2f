package io.moon.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.testkit.Props;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalReaderTest {
    @TempDir
    Path dir;

    private static List<byte[]> cmd(final String... a) {
        return Arrays.stream(a).map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static List<byte[]> randomCmd(final SplittableRandom r) {
        return Props.listOf(r, 1, 6, x -> Props.bytes(x, 40));
    }

    /** Writes {@code n} random records through the writer; returns them and each record's end offset. */
    private List<WalRecord> writeLog(final Path f, final SplittableRandom r, final int n, final long[] ends)
        throws IOException {
        final List<WalRecord> out = new ArrayList<>();
        try (WalWriter w = new WalWriter(f, 0, 1, FsyncPolicy.NO)) {
            for (int i = 0; i < n; i++) {
                final boolean multi = r.nextInt(4) == 0;
                final long op = multi ? 1 + r.nextInt(1000) : 0;
                final int parts = multi ? 1 + r.nextInt(4) : 1;
                final List<byte[]> args = randomCmd(r);
                final long seq = w.append(op, parts, r.nextInt(16), args);
                out.add(new WalRecord(seq, op, parts, 0, args));
                if (r.nextBoolean()) {
                    assertTrue(w.endOfIteration(0));
                }
            }
            assertTrue(w.flushAndSync(0));
        }
        long end = 0;
        for (int i = 0; i < n; i++) {
            end += out.get(i).encodedSize();
            ends[i] = end;
        }
        return out;
    }

    @Test
    void roundTripKeepsEveryRecordInOrder() throws IOException {
        final Path f = dir.resolve("0.incr.aof");
        try (WalWriter w = new WalWriter(f, 0, 7, FsyncPolicy.ALWAYS)) {
            assertEquals(7, w.append(0, 1, 0, cmd("SET", "k", "v")));
            assertEquals(8, w.append(42, 3, 2, cmd("SET", "a", "")));
            assertTrue(w.endOfIteration(1));
            assertEquals(w.size(), w.syncedSize());
        }
        final List<WalRecord> got = new ArrayList<>();
        final WalReader.Scan s = WalReader.scan(f, 7, got::add);
        assertEquals(WalReader.Outcome.CLEAN, s.outcome());
        assertEquals(2, s.records());
        assertEquals(8, s.lastSeq());
        assertEquals(Files.size(f), s.validEnd());
        assertEquals(42, got.get(1).opId());
        assertEquals(3, got.get(1).parts());
        assertEquals(2, got.get(1).db());
        assertArrayEquals("a".getBytes(StandardCharsets.UTF_8), got.get(1).args().get(1));
        assertEquals(0, got.get(1).args().get(2).length);
    }

    @Test
    void aShortSetTakesAsManyBytesAsInRedissLog() {
        // Redis's RESP: *3 $3 SET $16 key:000000123456 $3 xxx, with CRLFs: 45 bytes
        assertEquals(45, new WalRecord(1, 0, 1, 0, cmd("SET", "key:000000123456", "xxx")).encode().length);
        assertEquals(45, new WalRecord(1, 0, 1, 0, cmd("SET", "key:000000123456", "xxx")).encodedSize());
        // the fixed-width layout older versions wrote: 21 bytes more
        assertEquals(66, new WalRecord(1, 0, 1, 0, cmd("SET", "key:000000123456", "xxx"), true).encode().length);
    }

    @Test
    void logsInTheOlderFixedWidthLayoutStillReplayAndTakeNewRecords() throws IOException {
        final Path f = dir.resolve("legacy.incr.aof");
        final SplittableRandom r = new SplittableRandom(11);
        final List<WalRecord> want = new ArrayList<>();
        final List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            final boolean multi = r.nextInt(4) == 0;
            final WalRecord rec = new WalRecord(1 + i, multi ? 1 + r.nextInt(1 << 20) : 0, multi ? 2 : 1,
                    r.nextInt(16), randomCmd(r), true);
            want.add(rec);
            bytes.add(rec.encode());
            assertEquals(bytes.get(i).length, rec.encodedSize());
        }
        Files.write(f, concat(bytes.toArray(new byte[0][])));
        // the writer reopens the old log after its last record and appends compact records
        final WalReader.Scan old = WalReader.scan(f, 1, x -> { });
        assertEquals(WalReader.Outcome.CLEAN, old.outcome(), old.problem());
        try (WalWriter w = new WalWriter(f, old.validEnd(), old.lastSeq() + 1, FsyncPolicy.NO)) {
            assertEquals(51, w.append(0, 1, 3, cmd("SET", "new", "v")));
            assertEquals(52, w.append(7, 2, 0, cmd("DEL", "gone")));
            assertTrue(w.flushAndSync(0));
        }
        want.add(new WalRecord(51, 0, 1, 3, cmd("SET", "new", "v")));
        want.add(new WalRecord(52, 7, 2, 0, cmd("DEL", "gone")));
        final List<WalRecord> got = new ArrayList<>();
        final WalReader.Scan s = WalReader.scan(f, 1, got::add);
        assertEquals(WalReader.Outcome.CLEAN, s.outcome(), s.problem());
        assertEquals(Files.size(f), s.validEnd());
        assertEquals(want.size(), got.size());
        long end = 0;
        for (int i = 0; i < want.size(); i++) {
            final WalRecord a = want.get(i);
            final WalRecord b = got.get(i);
            assertEquals(a.seq(), b.seq());
            assertEquals(a.opId(), b.opId());
            assertEquals(a.parts(), b.parts());
            assertEquals(a.db(), b.db());
            assertEquals(a.legacy(), b.legacy());
            assertEquals(a.args().size(), b.args().size());
            for (int j = 0; j < a.args().size(); j++) {
                assertArrayEquals(a.args().get(j), b.args().get(j));
            }
            end += b.encodedSize();
        }
        assertEquals(Files.size(f), end, "positions computed from decoded records match the file");
    }

    @Test
    void aSequenceGapOrAWrongStartIsCorruption() throws IOException {
        final Path f = dir.resolve("gap.incr.aof");
        final byte[] a = new WalRecord(1, 0, 1, 0, cmd("DEL", "x")).encode();
        final byte[] b = new WalRecord(3, 0, 1, 0, cmd("DEL", "y")).encode();
        final byte[] c = new WalRecord(4, 0, 1, 0, cmd("DEL", "z")).encode();
        Files.write(f, concat(a, b, c));
        final WalReader.Scan s = WalReader.scan(f, 1, r -> { });
        assertEquals(WalReader.Outcome.CORRUPT, s.outcome());
        assertEquals(a.length, s.validEnd());
        assertEquals(WalReader.Outcome.CORRUPT, WalReader.scan(f, 5, r -> { }).outcome());
    }

    @Test
    void reopeningAppendsAfterTheValidPrefixAndCutsTheTornTail() throws IOException {
        final Path f = dir.resolve("reopen.incr.aof");
        try (WalWriter w = new WalWriter(f, 0, 1, FsyncPolicy.EVERYSEC)) {
            w.append(0, 1, 0, cmd("SET", "a", "1"));
            w.append(0, 1, 0, cmd("SET", "b", "2"));
            assertTrue(w.endOfIteration(0));
            assertTrue(w.cron(5_000));
            assertEquals(w.size(), w.syncedSize());
        }
        final long full = Files.size(f);
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(full - 3);
        }
        final WalReader.Scan s = WalReader.scan(f, 1, r -> { });
        assertEquals(WalReader.Outcome.TORN_TAIL, s.outcome());
        try (WalWriter w = new WalWriter(f, s.validEnd(), s.lastSeq() + 1, FsyncPolicy.NO)) {
            assertEquals(2, w.append(0, 1, 0, cmd("SET", "c", "3")));
            assertTrue(w.flushAndSync(0));
        }
        final List<WalRecord> got = new ArrayList<>();
        assertEquals(WalReader.Outcome.CLEAN, WalReader.scan(f, 1, got::add).outcome());
        assertEquals("c", new String(got.get(1).args().get(1), StandardCharsets.UTF_8));
    }

    /** Truncation anywhere leaves exactly the records that end before the cut, and says torn tail. */
    @Test
    void truncatedAtAnyOffsetRecoversTheLongestWholePrefix() throws IOException {
        final Path f = dir.resolve("trunc.incr.aof");
        Props.forAll("wal truncation", 300, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final int n = 1 + r.nextInt(12);
            final long[] ends = new long[n];
            Files.deleteIfExists(f);
            final List<WalRecord> written = writeLog(f, r, n, ends);
            final long cut = r.nextLong(ends[n - 1] + 1);
            try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            int whole = 0;
            while (whole < n && ends[whole] <= cut) {
                whole++;
            }
            final List<WalRecord> got = new ArrayList<>();
            final WalReader.Scan s = WalReader.scan(f, 1, got::add);
            assertEquals(whole, got.size());
            assertEquals(whole == 0 ? 0 : ends[whole - 1], s.validEnd());
            assertEquals(cut == s.validEnd() ? WalReader.Outcome.CLEAN : WalReader.Outcome.TORN_TAIL, s.outcome());
            for (int i = 0; i < whole; i++) {
                assertSame(written.get(i), got.get(i));
            }
        });
    }

    /** A flipped byte anywhere is never loaded: the scan stops at or before the damaged record. */
    @Test
    void aFlippedByteIsNeverReplayed() throws IOException {
        final Path f = dir.resolve("flip.incr.aof");
        Props.forAll("wal bit flips", 300, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final int n = 1 + r.nextInt(12);
            final long[] ends = new long[n];
            Files.deleteIfExists(f);
            final List<WalRecord> written = writeLog(f, r, n, ends);
            final byte[] bytes = Files.readAllBytes(f);
            final int at = r.nextInt(bytes.length);
            bytes[at] ^= (byte) (1 << r.nextInt(8));
            Files.write(f, bytes);
            int damaged = 0;
            while (ends[damaged] <= at) {
                damaged++;
            }
            final List<WalRecord> got = new ArrayList<>();
            final WalReader.Scan s = WalReader.scan(f, 1, got::add);
            assertNotEquals(WalReader.Outcome.CLEAN, s.outcome());
            assertEquals(damaged, got.size());
            assertEquals(damaged == 0 ? 0 : ends[damaged - 1], s.validEnd());
            if (damaged < n - 1 && s.outcome() == WalReader.Outcome.TORN_TAIL) {
                // only a damaged length can make a middle record look like it runs past the end
                assertTrue(at < (damaged == 0 ? 0 : ends[damaged - 1]) + 4, "torn tail in the middle at " + at);
            }
            for (int i = 0; i < damaged; i++) {
                assertSame(written.get(i), got.get(i));
            }
            final WalReader.Scan fixed = WalCheck.fix(f);
            assertEquals(s.validEnd(), fixed.validEnd());
            assertEquals(WalReader.Outcome.CLEAN, WalCheck.check(f).outcome());
            assertEquals(damaged, WalCheck.check(f).records());
        });
    }

    /** Arbitrary bytes give a verdict, never an exception, a hang or a huge allocation. */
    @Test
    void arbitraryBytesAreRejectedCleanly() throws IOException {
        final Path f = dir.resolve("fuzz.incr.aof");
        final byte[] valid = concat(new WalRecord(1, 0, 1, 0, cmd("SET", "k", "v")).encode(),
            new WalRecord(2, 9, 2, 1, cmd("SET", "j", "w")).encode());
        Props.forAll("wal fuzz", 500, r -> {
            final byte[] b = r.nextBoolean() ? Props.bytes(r, 200) : valid.clone();
            for (int i = r.nextInt(4); i > 0 && b.length > 0; i--) {
                b[r.nextInt(b.length)] = Props.anyByte(r);
            }
            return b;
        }, b -> {
            Files.write(f, b);
            final WalReader.Scan s = WalReader.scan(f, -1, rec -> { });
            assertTrue(s.validEnd() <= b.length);
            assertEquals(s.outcome() == WalReader.Outcome.CLEAN, s.validEnd() == b.length);
        });
    }

    @Test
    void anyPayloadWithAValidCrcDecodesOrIsReportedAsCorrupt() throws IOException {
        // the CRC only proves the writer wrote these bytes: the decoder must still check their
        // structure (varints cut short or too long, counts and lengths past the payload), in both layouts
        final Path f = dir.resolve("payloads.incr.aof");
        final int[] outcomes = new int[2]; // decoded, refused
        Props.forAll("wal payload fuzz", 2000, r -> {
            final byte[] payload;
            if (r.nextBoolean()) {
                payload = Props.bytes(r, 40);
            } else { // a real payload, then a few bytes changed, dropped or added
                final int op = r.nextInt(3);
                final byte[] rec = new WalRecord(1, op, op == 0 ? 1 : 1 + r.nextInt(2), r.nextInt(3), randomCmd(r),
                        r.nextBoolean()).encode();
                byte[] p = Arrays.copyOfRange(rec, WalRecord.HEADER, rec.length);
                for (int i = r.nextInt(3); i > 0 && p.length > 0; i--) {
                    p[r.nextInt(p.length)] = Props.anyByte(r);
                }
                if (r.nextInt(4) == 0) {
                    p = Arrays.copyOf(p, Math.max(0, p.length + r.nextInt(7) - 3));
                }
                payload = p;
            }
            final boolean compact = r.nextBoolean();
            final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(WalRecord.HEADER + payload.length)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.putInt(payload.length | (compact ? WalRecord.COMPACT : 0)).putLong(1).putInt(0).put(payload);
            b.putInt(12, WalRecord.crc(b, 0, payload.length));
            return b.array();
        }, bytes -> {
            Files.write(f, bytes);
            final List<WalRecord> got = new ArrayList<>();
            final WalReader.Scan s = WalReader.scan(f, 1, got::add);
            if (s.outcome() == WalReader.Outcome.CLEAN) {
                assertEquals(1, got.size());
                assertEquals(bytes.length, got.get(0).encodedSize(), "a decoded record re-encodes to its size");
                outcomes[0]++;
            } else {
                assertEquals(0, s.validEnd());
                assertTrue(s.problem() != null && !s.problem().isEmpty());
                outcomes[1]++;
            }
        });
        assertTrue(outcomes[0] > 100 && outcomes[1] > 100, "decoded " + outcomes[0] + ", refused " + outcomes[1]);
    }

    private static void assertSame(final WalRecord want, final WalRecord got) {
        assertEquals(want.seq(), got.seq());
        assertEquals(want.opId(), got.opId());
        assertEquals(want.parts(), got.parts());
        assertEquals(want.args().size(), got.args().size());
        for (int i = 0; i < want.args().size(); i++) {
            assertArrayEquals(want.args().get(i), got.args().get(i));
        }
    }

    private static byte[] concat(final byte[]... parts) {
        final int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        final byte[] out = new byte[n];
        int at = 0;
        for (final byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
