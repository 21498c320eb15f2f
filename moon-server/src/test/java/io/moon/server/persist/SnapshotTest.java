package io.moon.server.persist;

import io.moon.server.testing.Harness;
import io.moon.storage.rdb.Crc64;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.moon.server.testing.Harness.assertError;
import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SAVE, BGSAVE, LASTSAVE, MISCONF, SHUTDOWN's save refusal, and the file they write. */
final class SnapshotTest {
    private static final Resp.Simple STARTED = new Resp.Simple("Background saving started");

    @TempDir
    Path dir;
    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(3, "dir", dir.toString(), "save", "3600 1");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void saveWritesAChecksummedRdbThatRedisAccepts() throws Exception {
        for (int i = 0; i < 200; i++) {
            assertOk(h.run("SET", "k" + i, "v" + i));
        }
        assertOk(h.run("SET", "n", "12345"));
        assertOk(h.run("SET", "ttl", "x", "PX", "1000000"));
        assertOk(h.run("SELECT", "3"));
        assertOk(h.run("SET", "in3", "y"));
        final long before = (Long) h.run("LASTSAVE");
        assertOk(h.run("SAVE"));
        assertTrue((Long) h.run("LASTSAVE") >= before);
        final byte[] file = Files.readAllBytes(dir.resolve("dump.rdb"));
        assertEquals("REDIS0010", new String(file, 0, 9, StandardCharsets.US_ASCII));
        assertEquals((byte) 0xff, file[file.length - 9]);
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (file[file.length - 8 + i] & 0xffL) << (8 * i);
        }
        assertEquals(Crc64.update(0, file, 0, file.length - 8), stored);
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temp file is left next to dump.rdb");
        }
        final Path checker = Path.of("/usr/bin/redis-check-rdb");
        if (Files.isExecutable(checker)) {
            final Process p = new ProcessBuilder(checker.toString(), dir.resolve("dump.rdb").toString())
                    .redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("202 keys read") || out.contains("keys read"), out);
        }
    }

    @Test
    void rdbcompressionAndRdbchecksumAreHonoured() throws Exception {
        final String text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
        for (int i = 0; i < 50; i++) {
            assertOk(h.run("SET", "t" + i, text + i));
        }
        assertOk(h.run("SAVE"));
        final byte[] compressed = Files.readAllBytes(dir.resolve("dump.rdb"));
        final Path other = Files.createDirectory(dir.resolve("plain"));
        // rdbchecksum is immutable at run time, as in Redis
        try (Harness p = Harness.start(2, "dir", other.toString(), "rdbchecksum", "no", "rdbcompression", "no")) {
            for (int i = 0; i < 50; i++) {
                assertOk(p.run("SET", "t" + i, text + i));
            }
            assertOk(p.run("SAVE"));
        }
        final byte[] plain = Files.readAllBytes(other.resolve("dump.rdb"));
        assertTrue(plain.length > 50 * text.length(), "stored as they are: " + plain.length);
        assertTrue(compressed.length * 5 < plain.length, compressed.length + " vs " + plain.length);
        for (int i = 0; i < 8; i++) {
            assertEquals(0, plain[plain.length - 8 + i], "rdbchecksum no writes a zero CRC-64");
        }
        assertEquals(Crc64.update(0, compressed, 0, compressed.length - 8) & 0xff,
                compressed[compressed.length - 8] & 0xff);
        try (Harness b = Harness.start(2, "dir", other.toString())) {
            b.server.snapshots.loadAtStartup(null);
            assertTrue(b.server.snapshots.awaitLoaded(60_000));
            assertEquals(text + 7, String.valueOf(b.run("GET", "t7")));
        }
    }

    @Test
    void crc64MatchesRedisCheckValue() {
        final byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.update(0, b, 0, b.length));
    }

    @Test
    void bgsaveRepliesStartedAndCountsChanges() throws Exception {
        assertOk(h.run("SET", "a", "1"));
        final String info = persistence();
        assertErrorText("ERR syntax error", h.run("BGSAVE", "NOW"));
        assertEquals(STARTED, h.run("BGSAVE"));
        waitIdle();
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
        assertEquals(0L, h.server.snapshots.changesSinceLastSave());
        assertTrue(h.server.snapshots.lastBgsaveOk());
        assertFalse(info.isEmpty());
    }

    @Test
    void secondSaveWhileOneRunsIsRefused() throws Exception {
        for (int i = 0; i < 20_000; i++) {
            h.run("SET", "key:" + i, "value:" + i);
        }
        final List<Object> replies = new ArrayList<>();
        final Harness.Client c1 = h.client();
        c1.send("*1\r\n$6\r\nBGSAVE\r\n*1\r\n$6\r\nBGSAVE\r\n".getBytes(StandardCharsets.US_ASCII));
        replies.add(c1.read());
        replies.add(c1.read());
        c1.close();
        assertEquals(STARTED, replies.get(0));
        // the second either raced the first's end or was refused with Redis's text
        if (!STARTED.equals(replies.get(1))) {
            assertErrorText("ERR Background save already in progress", replies.get(1));
        }
        waitIdle();
    }

    @Test
    void failedBgsaveTurnsWritesIntoMisconfUntilASaveSucceeds() throws Exception {
        assertOk(h.run("SET", "a", "1"));
        final Path file = dir.resolve("dump.rdb");
        Files.writeString(file, "previous");
        // an unwritable temp file makes the save fail; the previous snapshot stays untouched
        final Path blocker = dir.resolve("temp-" + ProcessHandle.current().pid() + ".rdb");
        Files.createDirectory(blocker);
        assertEquals(STARTED, h.run("BGSAVE"));
        waitIdle();
        assertFalse(h.server.snapshots.lastBgsaveOk());
        assertEquals("previous", Files.readString(file));
        final Object w = h.run("SET", "b", "2");
        assertError("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist", w);
        Harness.assertInt(1, h.run("EXISTS", "a"));
        assertErrorText("ERR Errors trying to SHUTDOWN. Check logs.", h.run("SHUTDOWN"));
        assertErrorText("ERR", h.run("SAVE"));
        Files.delete(blocker);
        assertEquals(STARTED, h.run("BGSAVE"));
        waitIdle();
        assertOk(h.run("SET", "b", "2"));
    }

    @Test
    void bgsaveAndBgrewriteaofInsideExecAreScheduledAndBothRunWithAppendonlyNo() throws Exception {
        assertOk(h.run("SET", "a", "1"));
        final Harness.Client c = h.client();
        assertOk(c.run("MULTI"));
        c.run("BGSAVE");
        c.run("BGREWRITEAOF");
        // Redis 7.0.15's bgsaveCommand and bgrewriteaofCommand schedule both inside EXEC
        assertEquals(List.of(new Resp.Simple("Background saving scheduled"),
                new Resp.Simple("Background append only file rewriting scheduled")), c.run("EXEC"));
        c.close();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String info = persistence();
        while (!(info.contains("aof_rewrites:1\r\n") && info.contains("rdb_saves:1\r\n"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
            info = persistence();
        }
        assertTrue(info.contains("aof_rewrite_scheduled:0\r\n"), info);
        assertTrue(info.contains("aof_rewrites:1\r\n"), "the scheduled rewrite ran: " + info);
        assertTrue(info.contains("rdb_saves:1\r\n"), "the scheduled save ran: " + info);
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
        assertTrue(Files.exists(dir.resolve("appendonlydir").resolve("appendonly.aof.1.base.rdb")));
    }

    @Test
    void bgsaveWhileTheLogIsRewrittenNeedsSchedule() throws Exception {
        for (int i = 0; i < 50_000; i++) {
            h.run("SET", "key:" + i, "value:" + i);
        }
        final Harness.Client c = h.client();
        c.send(("*1\r\n$12\r\nBGREWRITEAOF\r\n*1\r\n$6\r\nBGSAVE\r\n*2\r\n$6\r\nBGSAVE\r\n$8\r\nSCHEDULE\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(new Resp.Simple("Background append only file rewriting started"), c.read());
        final Object plain = c.read();
        final Object scheduled = c.read();
        c.close();
        if (!STARTED.equals(plain)) { // else the rewrite ended within the round trip
            assertErrorText("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE"
                    + " in order to schedule a BGSAVE whenever possible.", plain);
            assertEquals(new Resp.Simple("Background saving scheduled"), scheduled);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!persistence().contains("rdb_saves:1\r\n") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(dir.resolve("dump.rdb")), "the scheduled save ran after the rewrite");
        waitIdle();
    }

    @Test
    void aFailedSaveLogsItsCause() throws Exception {
        final java.util.logging.Logger logger = java.util.logging.Logger.getLogger(SnapshotFile.class.getName());
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(final java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        final Path gone = Files.createDirectory(dir.resolve("gone"));
        try (Harness g = Harness.start(2, "dir", gone.toString())) {
            assertOk(g.run("SET", "a", "1"));
            Files.delete(gone);
            assertErrorText("ERR", g.run("SAVE")); // the directory is gone
        } finally {
            logger.removeHandler(capture);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Failed saving the snapshot to ")
                && l.endsWith("temp-" + ProcessHandle.current().pid() + ".rdb: No such file or directory")), lines.toString());
    }

    private String persistence() {
        final Object o = h.run("INFO", "persistence");
        return o instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(o);
    }

    private void waitIdle() throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (h.server.snapshots.inProgress() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(h.server.snapshots.inProgress());
    }
}
