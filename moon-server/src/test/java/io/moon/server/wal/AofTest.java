package io.moon.server.wal;

import io.moon.storage.wal.WalWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write-ahead log in a running server: what writes log, recovery, MISCONF, rewrite, CONFIG SET.
 * Here appendfsync always fsyncs inline on the event loop; {@link AofSyncThreadTest} runs the same
 * tests with the fsync on the shard's sync thread.
 */
class AofTest {
    @TempDir
    Path dir;

    /** The appendfsync always path these tests force ({@link SyncPath#FSYNC_PATH_PROP}). */
    String fsyncPath() {
        return "inline";
    }

    @BeforeEach
    void forcePath() {
        System.setProperty(SyncPath.FSYNC_PATH_PROP, fsyncPath());
    }

    @AfterEach
    void noFaults() {
        WalWriter.faults = null;
        System.clearProperty(SyncPath.FSYNC_PATH_PROP);
    }

    /** Asserts that the always-mode fsyncs of shard 0 ran on the forced path only. */
    static void assertPath(final AofNode n, final String path) throws Exception {
        final SyncPath sp = n.ts.server.shard(0).log.syncPath;
        final CompletableFuture<long[]> read = new CompletableFuture<>();
        n.ts.server.shard(0).execute(() -> read.complete(new long[] {sp.inlineSyncs, sp.threadSyncs}));
        final long[] counts = read.get(5, TimeUnit.SECONDS);
        final boolean inline = path.equals("inline");
        assertTrue(counts[inline ? 0 : 1] > 0, path + " fsyncs ran: " + counts[0] + " inline, " + counts[1] + " on the thread");
        assertEquals(0, counts[inline ? 1 : 0], "no fsync took the other path");
    }

    private Path aofDir() {
        return dir.resolve("appendonlydir");
    }

    private static String digest(final Jedis j) {
        return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "DIGEST"),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A mix of every type and of the forms the log rewrites, over 3 shards. */
    private static void workload(final Jedis j) {
        j.set("s1", "v1");
        j.set("s2", "v2", redis.clients.jedis.params.SetParams.setParams().ex(1000));
        j.setex("s3", 2000, "v3");
        j.incrByFloat("f", 1.25);
        j.incrByFloat("f", 0.5);
        j.incr("n");
        j.append("s1", "+");
        j.expire("s1", 5000);
        j.getEx("s3", redis.clients.jedis.params.GetExParams.getExParams().persist());
        j.rpush("l", "a", "b", "c", "d");
        j.lpop("l");
        j.lmove("l", "l2", redis.clients.jedis.args.ListDirection.LEFT, redis.clients.jedis.args.ListDirection.RIGHT);
        j.hset("h", Map.of("a", "1", "b", "2"));
        j.hincrByFloat("h", "a", 0.25);
        j.hdel("h", "b");
        j.sadd("set", "a", "b", "c", "d", "e");
        j.spop("set");
        j.spop("set", 2);
        j.zadd("z", Map.of("a", 1.0, "b", 2.0, "c", 3.0));
        j.zincrby("z", 5, "a");
        j.zpopmin("z");
        j.mset("m1", "1", "m2", "2", "m3", "3", "m4", "4");
        j.msetnx("n1", "1", "n2", "2");
        j.rename("m1", "renamed");
        j.del("m2", "m3");
        j.del("missing");
        j.sinterstore("inter", "set", "set");
        final Transaction t = j.multi();
        t.set("tx1", "a");
        t.incr("tx2");
        t.lpush("tx3", "x");
        t.exec();
        final Transaction t2 = j.multi();
        t2.set("{tag}a", "1");
        t2.set("{tag}b", "2");
        t2.exec();
        j.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('rpush', KEYS[2], ARGV[1]); return 1",
                List.of("{e}k", "{e}l"), List.of("x"));
        j.eval("redis.call('set', KEYS[1], 'a'); redis.call('set', KEYS[2], 'b'); return 1",
                List.of("ek1", "ek2"), List.of());
        j.select(2);
        j.set("db2", "x");
        j.select(0);
        j.swapDB(2, 3);
        j.copy("s1", "s1copy", false);
        j.set("mv", "to-db4");
        final Transaction t3 = j.multi(); // across shards: keys written in other databases are logged too
        t3.sendCommand(() -> "MOVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "mv", "4");
        t3.sendCommand(() -> "COPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "s1", "s1db5", "DB", "5");
        t3.set("tx1", "b");
        t3.exec();
    }

    @Test
    void shouldRecoverEveryAcknowledgedWriteAfterACrash() throws Exception {
        final String digest;
        final long size;
        final long ttl;
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            workload(j);
            digest = digest(j);
            size = j.dbSize();
            ttl = j.pexpireTime("s2");
            assertPath(n, fsyncPath());
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            // INFO's loading_* fields during the replay come from these: every record's bytes
            final Aof aof = n.ts.server.aof;
            assertTrue(aof.replayTotalBytes > 0);
            assertEquals(aof.replayTotalBytes, aof.replayedBytes);
            assertEquals(size, j.dbSize());
            assertEquals(digest, digest(j));
            assertEquals(ttl, j.pexpireTime("s2"), "expiries are absolute in the log");
            assertEquals(-1, j.ttl("s3"), "GETEX PERSIST is replayed");
            j.select(3);
            assertEquals("x", j.get("db2"), "SWAPDB is replayed on every shard");
            j.select(4);
            assertEquals("to-db4", j.get("mv"), "MOVE inside a cross-shard EXEC");
        }
    }

    @Test
    void shouldRecoverKeyspaceWideTransactionsAndCrossShardScripts() {
        final String digest;
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            for (int i = 0; i < 30; i++) {
                j.set("pre" + i, "x");
            }
            j.sadd("set", "a", "b", "c");
            final Transaction t = j.multi();
            t.set("t1", "1");
            t.sendCommand(() -> "FLUSHDB".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new String[0]);
            t.set("t2", "2");
            t.rpush("t3", "a", "b");
            t.sadd("set", "a", "b", "c");
            t.exec();
            j.eval("redis.call('set', KEYS[1], 'a'); redis.call('set', KEYS[2], 'b'); redis.call('del', KEYS[1]);"
                    + " redis.call('incr', KEYS[3]); redis.call('spop', KEYS[4]); return 1",
                    List.of("u1", "u2", "u3", "set"), List.of());
            final Transaction t2 = j.multi();
            t2.set("w1", "1");
            t2.sendCommand(() -> "SWAPDB".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "0", "1");
            t2.set("w2", "2");
            t2.exec();
            j.select(1);
            digest = digest(j) + "/" + j.dbSize();
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            j.select(1);
            assertEquals(digest, digest(j) + "/" + j.dbSize());
            assertEquals("2", j.get("t2"));
            assertNull(j.get("pre1"), "FLUSHDB inside EXEC is replayed in place");
        }
    }

    @Test
    void shouldRecoverWhatEverysecAndNoWroteToTheOs() {
        for (final String mode : new String[] {"everysec", "no"}) {
            final Path d = dir.resolve(mode);
            final String digest;
            try (AofNode n = AofNode.start(mkdir(d), 2, "appendfsync", mode); Jedis j = n.jedis()) {
                for (int i = 0; i < 200; i++) {
                    j.set("k" + i, "v" + i);
                    j.rpush("list", "e" + i);
                }
                digest = digest(j);
                n.crash();
            }
            try (AofNode n = AofNode.start(d, 2, "appendfsync", mode); Jedis j = n.jedis()) {
                assertEquals(digest, digest(j), mode);
            }
        }
    }

    @Test
    void shouldLogBlockingPopsServedLaterAsTheirPop() throws Exception {
        try (AofNode n = AofNode.start(dir, 2)) {
            final CompletableFuture<List<String>> popped = CompletableFuture.supplyAsync(() -> {
                try (Jedis b = n.jedis()) {
                    return b.blpop(10, "bl");
                }
            });
            AofNode.sleep(200);
            try (Jedis j = n.jedis()) {
                j.rpush("bl", "one", "two");
            }
            assertEquals(List.of("bl", "one"), popped.get(10, TimeUnit.SECONDS));
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            assertEquals(List.of("two"), j.lrange("bl", 0, -1));
        }
    }

    @Test
    void shouldTruncateATornTailAndLogTheOffset() throws IOException {
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            for (int i = 0; i < 50; i++) {
                j.set("k" + i, "v" + i);
            }
            n.crash();
        }
        final Path seg = aofDir().resolve("appendonly.aof.1.0.incr.aof");
        final long size = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(size - 3);
        }
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals(49, j.dbSize(), "the torn last record is dropped, the rest is kept");
            j.set("after", "1");
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            assertNull(n.fatal, "the torn bytes were cut off before appending");
            assertEquals(50, j.dbSize());
        }
    }

    @Test
    void shouldRefuseToStartOnCorruptionBeforeTheTail() throws IOException {
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            for (int i = 0; i < 50; i++) {
                j.set("k" + i, "v" + i);
            }
            n.crash();
        }
        final Path seg = aofDir().resolve("appendonly.aof.1.0.incr.aof");
        final byte[] b = Files.readAllBytes(seg);
        b[b.length / 2] ^= 0x40;
        Files.write(seg, b);
        try (AofNode n = AofNode.start(dir, 1)) {
            assertNotNull(n.fatal);
            assertTrue(n.fatal.contains("moon --check-aof --fix"), n.fatal);
            assertTrue(n.fatal.contains(seg.toString()), n.fatal);
        }
    }

    @Test
    void shouldRefuseATornTailWithAofLoadTruncatedNo() throws IOException {
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            j.set("a", "1");
            j.set("b", "2");
            n.crash();
        }
        final Path seg = aofDir().resolve("appendonly.aof.1.0.incr.aof");
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(seg) - 1);
        }
        try (AofNode n = AofNode.start(dir, 1, "aof-load-truncated", "no")) {
            assertNotNull(n.fatal);
            assertTrue(n.fatal.contains("Unexpected end of file"), n.fatal);
        }
    }

    @Test
    void shouldRefuseWritesWithMisconfWhileTheLogCannotWriteAndResumeAfter() throws Exception {
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            j.set("before", "1");
            WalWriter.faults = op -> new IOException("No space left on device");
            final CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
                try (Jedis w = n.jedis()) {
                    return w.set("pending", "1");
                }
            });
            AofNode.sleep(300);
            assertFalse(held.isDone(), "the write whose record failed is not acknowledged");
            final JedisDataException e = assertThrows(JedisDataException.class, () -> j.set("refused", "1"));
            assertEquals("MISCONF Errors writing to the AOF file: No space left on device", e.getMessage());
            assertEquals("1", j.get("before"), "reads keep working");
            assertTrue(j.info("persistence").contains("aof_last_write_status:err"));
            WalWriter.faults = null;
            assertEquals("OK", held.get(5, TimeUnit.SECONDS), "acknowledged once the retry wrote it");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (j.info("persistence").contains("aof_last_write_status:err") && System.nanoTime() < deadline) {
                AofNode.sleep(20);
            }
            assertEquals("OK", j.set("after", "1"));
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            assertEquals("1", j.get("pending"));
            assertEquals("1", j.get("after"));
            assertNull(j.get("refused"));
        }
    }

    @Test
    void shouldAcknowledgeOnlyAfterTheFsyncInAlwaysMode() throws Exception {
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            j.set("warm", "1");
            WalWriter.faults = op -> op.equals("fsync") ? new IOException("Input/output error") : null;
            final CompletableFuture<String> single = CompletableFuture.supplyAsync(() -> {
                try (Jedis w = n.jedis()) {
                    return w.set("one", "1");
                }
            });
            final CompletableFuture<String> across = CompletableFuture.supplyAsync(() -> {
                try (Jedis w = n.jedis()) {
                    return w.mset("a", "1", "b", "2", "c", "3", "d", "4");
                }
            });
            AofNode.sleep(400);
            assertFalse(single.isDone(), "written but not fsynced: not acknowledged");
            assertFalse(across.isDone(), "a cross-shard MSET waits for every part's fsync");
            assertEquals("1", j.get("warm"), "reads keep working");
            WalWriter.faults = null;
            assertEquals("OK", single.get(10, TimeUnit.SECONDS));
            assertEquals("OK", across.get(10, TimeUnit.SECONDS));
            assertPath(n, fsyncPath());
        }
    }

    @Test
    void shouldAcknowledgeBeforeTheFsyncInEverysecModeAndRefuseWritesWhenItFails() throws Exception {
        try (AofNode n = AofNode.start(dir, 1, "appendfsync", "everysec"); Jedis j = n.jedis()) {
            WalWriter.faults = op -> op.equals("fsync") ? new IOException("Input/output error") : null;
            assertEquals("OK", j.set("k", "v"), "written to the OS: acknowledged");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            JedisDataException refused = null;
            while (refused == null && System.nanoTime() < deadline) {
                try {
                    j.set("k2", "v");
                    AofNode.sleep(50);
                } catch (final JedisDataException e) {
                    refused = e;
                }
            }
            assertNotNull(refused, "the failed once-a-second fsync refuses writes");
            assertEquals("MISCONF Errors writing to the AOF file: Input/output error", refused.getMessage());
            WalWriter.faults = null;
            final long again = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String ok = null;
            while (ok == null && System.nanoTime() < again) {
                try {
                    ok = j.set("k3", "v");
                } catch (final JedisDataException stillRefused) {
                    AofNode.sleep(50);
                }
            }
            assertEquals("OK", ok, "writes resume after a successful fsync");
        }
    }

    @Test
    void shouldRewriteToABaseAndFreshSegmentsWhileWritesGoOn() throws Exception {
        final String digest;
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            for (int i = 0; i < 500; i++) {
                j.set("k" + i, "v" + i);
            }
            workload(j); // every type goes into the base
            assertEquals("Background append only file rewriting started", cmd(j, new String[] {"BGREWRITEAOF"}));
            for (int i = 0; i < 200; i++) {
                j.set("during" + i, "x");
                j.mset("a" + i, "1", "b" + i, "2");
            }
            awaitRewrite(j);
            assertTrue(j.info("persistence").contains("aof_rewrites:1"), j.info("persistence"));
            assertTrue(j.info("persistence").contains("aof_last_bgrewrite_status:ok"));
            j.set("last", "1");
            digest = digest(j);
            n.crash();
        }
        final String manifest = Files.readString(aofDir().resolve("appendonly.aof.manifest"));
        assertTrue(manifest.contains("appendonly.aof.2.base.rdb seq 2 type b"), manifest);
        assertFalse(manifest.contains("aof.1."), manifest);
        assertFalse(Files.exists(aofDir().resolve("appendonly.aof.1.0.incr.aof")), "old segments are deleted");
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals(digest, digest(j));
        }
    }

    private static String cmd(final Jedis j, final String... args) {
        final Object r = j.sendCommand(() -> args[0].getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                java.util.Arrays.copyOfRange(args, 1, args.length));
        return r instanceof final byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(r);
    }

    @Test
    void shouldFlushTheLogOnShutdownWithoutStalling() {
        try (AofNode n = AofNode.start(dir, 2, "appendfsync", "everysec"); Jedis j = n.jedis()) {
            for (int i = 0; i < 100; i++) {
                j.set("k" + i, "v" + i);
            }
            final long t0 = System.nanoTime();
            try {
                cmd(j, new String[] {"SHUTDOWN", "NOSAVE"});
            } catch (final redis.clients.jedis.exceptions.JedisConnectionException closed) {
                // the server goes away
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!n.ts.server.shard(0).loop().isTerminated() && System.nanoTime() < deadline) {
                AofNode.sleep(10);
            }
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5),
                    "SHUTDOWN flushes its own shard's log inline instead of waiting for itself");
        }
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            assertEquals(100, j.dbSize());
        }
    }

    @Test
    void shouldAnswerBgrewriteaofAsRedisWhenBusy() {
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            // enough data (about 12 MB) that the rewrite is still running when the next command
            // arrives: with 2,000 small keys it sometimes ended within the round trip
            final String value = "v".repeat(200);
            for (int b = 0; b < 60; b++) {
                final String[] kv = new String[2000];
                for (int i = 0; i < 1000; i++) {
                    kv[2 * i] = "k" + (b * 1000 + i);
                    kv[2 * i + 1] = value;
                }
                j.mset(kv);
            }
            assertEquals("Background append only file rewriting started", cmd(j, new String[] {"BGREWRITEAOF"}));
            final JedisDataException busy = assertThrows(JedisDataException.class, () -> cmd(j, new String[] {"BGREWRITEAOF"}));
            assertEquals("ERR Background append only file rewriting already in progress", busy.getMessage());
            awaitRewrite(j);
            j.bgsave();
            final String r = cmd(j, new String[] {"BGREWRITEAOF"});
            assertTrue(r.equals("Background append only file rewriting scheduled")
                    || r.equals("Background append only file rewriting started"), r);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!j.info("persistence").contains("aof_rewrites:2") && System.nanoTime() < deadline) {
                AofNode.sleep(20);
            }
            assertTrue(j.info("persistence").contains("aof_rewrites:2"), "the scheduled rewrite ran after the save");
        }
    }

    private static void awaitRewrite(final Jedis j) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (j.info("persistence").contains("aof_rewrite_in_progress:1") && System.nanoTime() < deadline) {
            AofNode.sleep(20);
        }
    }

    @Test
    void shouldTurnTheLogOnAtRuntimeWithABase() throws Exception {
        try (AofNode n = AofNode.start(dir, 2, "appendonly", "no"); Jedis j = n.jedis()) {
            assertTrue(j.info("persistence").contains("aof_enabled:0"));
            for (int i = 0; i < 100; i++) {
                j.set("k" + i, "v" + i);
            }
            assertEquals("OK", j.configSet("appendonly", "yes"));
            awaitRewrite(j);
            assertTrue(j.info("persistence").contains("aof_enabled:1"));
            j.set("after", "1");
            assertEquals(Map.of("appendfsync", "always"), j.configGet("appendfsync"));
            assertEquals("100", j.configGet("auto-aof-rewrite-percentage").get("auto-aof-rewrite-percentage"));
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            assertEquals(101, j.dbSize());
            assertEquals("1", j.get("after"));
            j.configSet("appendonly", "no");
            assertTrue(j.info("persistence").contains("aof_enabled:0"));
        }
    }

    private static Path mkdir(final Path d) {
        try {
            return Files.createDirectories(d);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldKeepTheLoggedShardCountWhenLeftToChooseAndRefuseAnExplicitOtherOne() {
        final int logged = Runtime.getRuntime().availableProcessors() + 1; // never what shards 0 picks
        try (AofNode n = AofNode.start(dir, logged); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            j.mset("c1", "1", "c2", "2", "c3", "3");
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 0); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals(logged, n.ts.server.shardCount());
            assertEquals(List.of("1", "2", "3"), j.mget("c1", "c2", "c3"));
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, logged + 1)) {
            // built without the launcher's conversion step, the server refuses the other count
            assertNotNull(n.fatal);
            assertTrue(n.fatal.contains("written with " + logged + " shards") && n.fatal.contains("runs " + (logged + 1)),
                    n.fatal);
        }
    }

    @Test
    void shouldConvertALogWrittenWithAnotherShardCount() {
        final String digest;
        final long size;
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            workload(j); // cross-shard operations, keyspace-wide commands in transactions, SWAPDB...
            final Transaction t = j.multi();
            t.set("t1", "1");
            t.sendCommand(() -> "FLUSHDB".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new String[0]);
            t.set("after-flush", "2");
            t.exec();
            j.mset("x1", "1", "x2", "2", "x3", "3");
            digest = digest(j);
            size = j.dbSize();
            n.crash();
        }
        assertNull(AofNode.convert(dir, 3), "nothing to convert");
        assertNull(AofNode.convert(dir, 2));
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals(digest, digest(j));
            assertEquals(size, j.dbSize());
            j.set("later", "x");
            n.crash();
        }
        assertNull(AofNode.convert(dir, 5));
        try (AofNode n = AofNode.start(dir, 5); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals("x", j.get("later"));
            assertEquals(size + 1, j.dbSize());
        }
    }
}
