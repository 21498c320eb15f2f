package io.moon.server.rdb;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot files between Moon and a real redis-server 7.0: Redis loads Moon's dump.rdb (every
 * type, several databases, TTLs) with the same DEBUG DIGEST and redis-check-rdb accepts it; Moon
 * loads Redis's dump.rdb (the encodings Redis 7.0 writes) with the same digest; both load a
 * hand-built file of the old encodings (ziplist, zipmap, intset, ziplist quicklist) alike.
 */
final class SnapshotInteropTest {
    @TempDir
    Path dir;

    private static Object redis(final RawClient r, final String... args) throws Exception {
        r.send(Resp.command(args));
        return r.read();
    }

    private static Object moon(final Harness.Client m, final String... args) {
        m.send(Resp.command(args));
        return m.read();
    }

    /** Fills databases 0, 3 and 9 with every fixture (keys renamed per db) and some TTLs. */
    private interface Runner {
        Object run(String... args) throws Exception;
    }

    private static void fill(final Runner r) throws Exception {
        for (final int db : new int[] {0, 3, 9}) {
            r.run("SELECT", Integer.toString(db));
            for (final String[] f : DumpRestoreInteropTest.fixtures()) {
                final String[] a = f.clone();
                a[1] = f[1] + ":db" + db;
                r.run(a);
            }
            r.run("PEXPIREAT", "str:emb:db" + db, Long.toString(System.currentTimeMillis() + 100_000_000L + db));
            r.run("PEXPIREAT", "hash:ht:db" + db, Long.toString(System.currentTimeMillis() + 200_000_000L));
            r.run("PEXPIREAT", "zset:lp:db" + db, Long.toString(System.currentTimeMillis() + 300_000_000L));
        }
        r.run("SELECT", "0");
    }

    @Test
    void redisLoadsMoonsSnapshotWithTheSameDigest() throws Exception {
        final String digest;
        try (Harness h = Harness.start(3, "dir", dir.toString(), "enable-debug-command", "yes")) {
            final Harness.Client m = h.client();
            fill(a -> moon(m, a));
            digest = moon(m, "DEBUG", "DIGEST").toString();
            assertOk(moon(m, "SAVE"));
        }
        final Path file = dir.resolve("dump.rdb");
        final Process p = new ProcessBuilder("redis-check-rdb", file.toString()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains((3 * DumpRestoreInteropTest.fixtures().size()) + " keys read"), out);
        try (RedisServer rs = RedisServer.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             RawClient r = new RawClient(rs.port)) {
            assertEquals(digest, redis(r, "DEBUG", "DIGEST").toString());
            redis(r, "SELECT", "9");
            assertEquals((long) DumpRestoreInteropTest.fixtures().size(), redis(r, "DBSIZE"));
            final long ttl = (Long) redis(r, "TTL", "hash:ht:db9");
            assertTrue(ttl > 199_000 && ttl <= 200_000, "ttl " + ttl);
        }
    }

    @Test
    void moonLoadsRedissSnapshotWithTheSameDigest() throws Exception {
        final String digest;
        try (RedisServer rs = RedisServer.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             RawClient r = new RawClient(rs.port)) {
            fill(a -> redis(r, a));
            digest = redis(r, "DEBUG", "DIGEST").toString();
            // saved by Redis, already expired when Moon loads it: skipped
            redis(r, "SET", "gone", "x", "PX", "1");
            Thread.sleep(5);
            assertTrue(redis(r, "SAVE").toString().endsWith("OK"));
        }
        for (final String compression : List.of("yes", "no")) {
            try (Harness h = Harness.start(3, "dir", dir.toString(), "enable-debug-command", "yes",
                    "rdbcompression", compression)) {
                h.server.snapshots.loadAtStartup(null);
                assertTrue(h.server.snapshots.awaitLoaded(60_000));
                final Harness.Client m = h.client();
                assertEquals(digest, moon(m, "DEBUG", "DIGEST").toString());
                assertEquals(0L, moon(m, "EXISTS", "gone"));
                moon(m, "SELECT", "3");
                final long ttl = (Long) moon(m, "TTL", "zset:lp:db3");
                assertTrue(ttl > 299_000 && ttl <= 300_000, "ttl " + ttl);
                // and back: Moon's own save of what it loaded loads again with the same digest
                assertOk(moon(m, "SAVE"));
            }
            try (Harness h = Harness.start(2, "dir", dir.toString(), "enable-debug-command", "yes")) {
                h.server.snapshots.loadAtStartup(null);
                assertTrue(h.server.snapshots.awaitLoaded(60_000));
                assertEquals(digest, moon(h.client(), "DEBUG", "DIGEST").toString());
            }
        }
    }

    @Test
    void oldEncodingsLoadAsRedisLoadsThem() throws Exception {
        final Path file = dir.resolve("dump.rdb");
        Files.write(file, OldRdb.file());
        final String digest;
        try (RedisServer rs = RedisServer.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             RawClient r = new RawClient(rs.port)) {
            digest = redis(r, "DEBUG", "DIGEST").toString();
            assertNotEquals("0000000000000000000000000000000000000000", digest);
            assertEquals(6L, redis(r, "DBSIZE"));
        }
        try (Harness h = Harness.start(3, "dir", dir.toString(), "enable-debug-command", "yes")) {
            h.server.snapshots.loadAtStartup(null);
            assertTrue(h.server.snapshots.awaitLoaded(60_000));
            final Harness.Client m = h.client();
            assertEquals(digest, moon(m, "DEBUG", "DIGEST").toString());
            assertEquals(List.of("a", "-5", "1000", "b".repeat(70)).toString(),
                    strings(moon(m, "LRANGE", "zl:list", "0", "-1")));
            assertEquals("v2", str(moon(m, "HGET", "zm:hash", "f2")));
            assertEquals(1L, moon(m, "SISMEMBER", "is:set", "-70000"));
            assertEquals("2.5", str(moon(m, "ZSCORE", "zl:zset", "m2")));
            assertEquals("12", str(moon(m, "HGET", "zl:hash", "n")));
            assertEquals(4L, moon(m, "LLEN", "ql:list"));
        }
    }

    private static String str(final Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(o);
    }

    private static String strings(final Object o) {
        final List<?> l = (List<?>) o;
        return l.stream().map(SnapshotInteropTest::str).toList().toString();
    }
}
