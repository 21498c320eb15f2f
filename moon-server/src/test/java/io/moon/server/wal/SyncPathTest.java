package io.moon.server.wal;

import io.moon.storage.wal.WalWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where appendfsync always's fsync runs: the adaptive choice between the loop and the sync thread. */
final class SyncPathTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        WalWriter.faults = null;
        System.clearProperty(SyncPath.FSYNC_PATH_PROP);
        System.clearProperty(SyncPath.INLINE_FSYNC_MICROS_PROP);
    }

    @Test
    void forcedModesIgnoreTheAverage() {
        final SyncPath inline = new SyncPath(SyncPath.Mode.INLINE, 500);
        final SyncPath thread = new SyncPath(SyncPath.Mode.THREAD, 500);
        for (int i = 0; i < 10; i++) {
            inline.observe(TimeUnit.SECONDS.toNanos(1), true);
            thread.observe(1, false);
        }
        assertTrue(inline.inline());
        assertFalse(thread.inline());
        assertEquals(10, inline.inlineSyncs);
        assertEquals(10, thread.threadSyncs);
    }

    @Test
    void adaptiveStartsInlineLeavesOnASlowFsyncAndComesBackWhenFsyncsAreFastAgain() {
        final SyncPath p = new SyncPath(SyncPath.Mode.ADAPTIVE, 500);
        assertTrue(p.inline(), "nothing measured yet: inline");
        for (int i = 0; i < 100; i++) {
            p.observe(TimeUnit.MICROSECONDS.toNanos(100), true);
        }
        assertTrue(p.inline(), "100 us fsyncs stay inline");
        p.observe(TimeUnit.MILLISECONDS.toNanos(10), true);
        assertFalse(p.inline(), "one 10 ms fsync moves the next ones to the thread");
        int fast = 0;
        while (!p.inline() && fast < 100) {
            p.observe(TimeUnit.MICROSECONDS.toNanos(100), false);
            fast++;
        }
        assertTrue(p.inline(), "fast fsyncs on the thread bring it back");
        assertTrue(fast > 1 && fast < 30, "the average forgets slowly: " + fast);
        assertEquals(101, p.inlineSyncs);
        assertEquals(fast, p.threadSyncs);
    }

    @Test
    void anUnknownPathIsRefused() {
        System.setProperty(SyncPath.FSYNC_PATH_PROP, "sometimes");
        assertThrows(IllegalArgumentException.class, SyncPath::fromProperties);
    }

    /**
     * A running server: fast fsyncs run inline; a slow one moves the next to the sync thread, where
     * the loop keeps answering reads while a write's reply waits for its fsync; fast fsyncs bring
     * it back to the loop.
     */
    @Test
    void aSlowDiskMovesTheFsyncOffTheLoopAndAFastOneBringsItBack() throws Exception {
        System.setProperty(SyncPath.INLINE_FSYNC_MICROS_PROP, "20000");
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis(); Jedis reader = n.jedis()) {
            for (int i = 0; i < 5; i++) {
                assertEquals("OK", j.set("fast" + i, "v"));
            }
            assertTrue(counts(n)[0] >= 5, "fast fsyncs run inline");
            assertEquals(0, counts(n)[1]);
            WalWriter.faults = op -> {
                if (op.equals("fsync")) {
                    AofNode.sleep(600);
                }
                return null;
            };
            assertEquals("OK", j.set("slow", "v"), "an inline fsync of 600 ms: average 75 ms, over the limit");
            final CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
                try (Jedis w = n.jedis()) {
                    return w.set("held", "v");
                }
            });
            AofNode.sleep(100);
            assertEquals("v", reader.get("slow"), "the loop serves reads during the fsync");
            assertFalse(held.isDone(), "the write waits for its fsync on the thread");
            assertEquals("OK", held.get(10, TimeUnit.SECONDS));
            assertTrue(counts(n)[1] >= 1, "the slow fsync ran on the thread");
            WalWriter.faults = null;
            final long inlineBefore = counts(n)[0];
            for (int i = 0; i < 60 && counts(n)[0] == inlineBefore; i++) {
                assertEquals("OK", j.set("again" + i, "v"));
            }
            assertTrue(counts(n)[0] > inlineBefore, "fast fsyncs on the thread bring the fsync back to the loop");
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            assertEquals("v", j.get("fast4"));
            assertEquals("v", j.get("slow"));
            assertEquals("v", j.get("held"));
            assertEquals("v", j.get("again0"));
        }
    }

    /** Shard 0's fsync counts: {inline, on the thread}, read on its thread. */
    private static long[] counts(final AofNode n) throws Exception {
        final SyncPath sp = n.ts.server.shard(0).log.syncPath;
        final CompletableFuture<long[]> read = new CompletableFuture<>();
        n.ts.server.shard(0).execute(() -> read.complete(new long[] {sp.inlineSyncs, sp.threadSyncs}));
        return read.get(5, TimeUnit.SECONDS);
    }
}
