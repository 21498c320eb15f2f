package io.moon.server.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What startup makes of a manifest it cannot replay: files it names are missing, or Redis wrote it. */
final class AofManifestTest {
    @TempDir
    Path dir;

    private Path aofDir() {
        return dir.resolve("appendonlydir");
    }

    /** A log with a base of 200 keys (after BGREWRITEAOF) and a record after it. */
    private void logWithBase() throws Exception {
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            for (int i = 0; i < 200; i++) {
                j.set("k" + i, "v" + i);
            }
            j.bgrewriteaof();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!j.info("persistence").contains("aof_rewrites:1") && System.nanoTime() < deadline) {
                AofNode.sleep(20);
            }
            j.set("after", "1");
            n.crash();
        }
        assertTrue(Files.exists(aofDir().resolve("appendonly.aof.2.base.rdb")));
    }

    @Test
    void aMissingSegmentStopsStartupBeforeTheBaseIsLoaded() throws Exception {
        logWithBase();
        final Path seg = aofDir().resolve("appendonly.aof.2.0.incr.aof");
        Files.delete(seg);
        try (AofNode n = AofNode.start(dir, 1)) {
            assertNotNull(n.fatal);
            assertTrue(n.fatal.contains(seg + " named in the manifest does not exist"), n.fatal);
            AofNode.sleep(300);
            assertEquals(0, n.ts.server.shard(0).keyspace.db(0).size(), "the base was not loaded first");
        }
    }

    @Test
    void aMissingBaseIsNamed() throws Exception {
        logWithBase();
        final Path base = aofDir().resolve("appendonly.aof.2.base.rdb");
        Files.delete(base);
        try (AofNode n = AofNode.start(dir, 1)) {
            assertNotNull(n.fatal);
            assertTrue(n.fatal.contains(base + " named in the manifest does not exist"), n.fatal);
        }
    }

    @Test
    void aRedisAofIsRecognisedAndTheWayOutSuggested() throws Exception {
        Files.createDirectories(aofDir());
        Files.writeString(aofDir().resolve("appendonly.aof.manifest"),
                "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        try (AofNode n = AofNode.start(dir, 1)) {
            assertNotNull(n.fatal);
            assertTrue(n.fatal.contains("Moon cannot replay a Redis AOF"), n.fatal);
            assertTrue(n.fatal.contains("appendonly no"), n.fatal);
        }
    }
}
