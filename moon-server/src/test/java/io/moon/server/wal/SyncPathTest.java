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
    void forcedModesIgnoreTheEstimate() {
        final SyncPath inline = new SyncPath(SyncPath.Mode.INLINE, 500);
        final SyncPath thread = new SyncPath(SyncPath.Mode.THREAD, 500);
        for (int i = 0; i < 10; i++) {
            inline.inlineDone(TimeUnit.SECONDS.toNanos(1), System.nanoTime());
            thread.threadDone();
        }
        assertTrue(inline.inline(System.nanoTime()));
        assertFalse(thread.inline(System.nanoTime() + TimeUnit.HOURS.toNanos(1)));
        assertEquals(10, inline.inlineSyncs);
        assertEquals(10, thread.threadSyncs);
    }

    @Test
    void adaptiveStaysInlineThroughOutliersLeavesWhenEveryFsyncIsSlowAndProbesItsWayBack() {
        final SyncPath p = new SyncPath(SyncPath.Mode.ADAPTIVE, 500);
        long now = System.nanoTime();
        assertTrue(p.inline(now), "nothing measured yet: inline");
        for (int i = 0; i < 100; i++) {
            p.inlineDone(us(100 + i % 50), now);
            if (i % 10 == 0) {
                p.inlineDone(ms(3), now); // the loop lost the core, or the disk flushed slowly once
            }
            assertTrue(p.inline(now), "fsyncs of 0.1-0.15 ms with outliers stay inline");
        }
        for (int i = 0; i < SyncPath.WINDOW - 1; i++) {
            p.inlineDone(ms(10), now);
            assertTrue(p.inline(now), "one slow fsync less than the window: still inline");
        }
        p.inlineDone(ms(10), now);
        assertFalse(p.inline(now), SyncPath.WINDOW + " slow fsyncs in a row move the next ones to the thread");
        assertEquals(ms(10), p.estimateNanos());
        for (int i = 0; i < 50; i++) {
            p.threadDone();
        }
        assertEquals(ms(10), p.estimateNanos(), "fsyncs on the thread are not timed");
        final long probeAfter = ms(SyncPath.PROBE_MAX_MILLIS); // min(100 x 10 ms, 1 s)
        assertFalse(p.inline(now + probeAfter - 1_000), "no probe before then");
        now += probeAfter;
        assertTrue(p.inline(now), "then one probe runs inline");
        p.inlineDone(ms(10), now);
        assertFalse(p.inline(now), "a slow probe keeps the thread");
        assertFalse(p.inline(now + probeAfter - 1_000));
        now += probeAfter;
        assertTrue(p.inline(now));
        p.inlineDone(us(100), now);
        assertTrue(p.inline(now), "one fast probe brings the fsync back to the loop");
        assertEquals(110 + SyncPath.WINDOW + 2, p.inlineSyncs);
        assertEquals(50, p.threadSyncs);
    }

    @Test
    void aSlowishDiskIsProbedAfterAHundredFsyncTimes() {
        final SyncPath p = new SyncPath(SyncPath.Mode.ADAPTIVE, 500);
        final long now = System.nanoTime();
        for (int i = 0; i < SyncPath.WINDOW; i++) {
            p.inlineDone(ms(2), now);
        }
        assertFalse(p.inline(now + ms(199)));
        assertTrue(p.inline(now + ms(200)), "100 x 2 ms");
    }

    private static long us(final long micros) {
        return TimeUnit.MICROSECONDS.toNanos(micros);
    }

    private static long ms(final long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void anUnknownPathIsRefused() {
        System.setProperty(SyncPath.FSYNC_PATH_PROP, "sometimes");
        assertThrows(IllegalArgumentException.class, SyncPath::fromProperties);
    }

    /**
     * A running server: fast fsyncs run inline; slow ones move the next to the sync thread, where
     * the loop keeps running while a write's reply waits for its fsync; once the disk is fast
     * again, a probe brings it back to the loop.
     */
    @Test
    void aSlowDiskMovesTheFsyncOffTheLoopAndAFastOneBringsItBack() throws Exception {
        System.setProperty(SyncPath.INLINE_FSYNC_MICROS_PROP, "20000");
        final int slowMillis = 300;
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            for (int i = 0; i < 5; i++) {
                assertEquals("OK", j.set("fast" + i, "v"));
            }
            final long fastInline = counts(n)[0];
            assertTrue(fastInline >= 5, "fast fsyncs run inline");
            assertEquals(0, counts(n)[1]);
            WalWriter.faults = op -> {
                if (op.equals("fsync")) {
                    AofNode.sleep(slowMillis);
                }
                return null;
            };
            for (int i = 0; i < SyncPath.WINDOW; i++) {
                assertEquals("OK", j.set("slow" + i, "v"), "inline fsyncs of 300 ms, over the limit");
            }
            assertEquals(fastInline + SyncPath.WINDOW, counts(n)[0], "all inline so far");
            final CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
                try (Jedis w = n.jedis()) {
                    return w.set("held", "v");
                }
            });
            AofNode.sleep(50);
            final CompletableFuture<Boolean> loopFree = new CompletableFuture<>();
            n.ts.server.shard(0).execute(() -> loopFree.complete(held.isDone()));
            assertFalse(loopFree.get(slowMillis / 2, TimeUnit.MILLISECONDS),
                    "the loop runs while the write waits for its fsync on the thread");
            assertEquals("OK", held.get(10, TimeUnit.SECONDS));
            assertTrue(counts(n)[1] >= 1, "the slow fsync ran on the thread");
            WalWriter.faults = null;
            final long inlineBefore = counts(n)[0];
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            for (int i = 0; counts(n)[0] < inlineBefore + 10; i++) {
                assertTrue(System.nanoTime() < deadline, "fast probes bring the fsync back to the loop");
                assertEquals("OK", j.set("again" + i, "v"));
                AofNode.sleep(5);
            }
            final long threadAfter = counts(n)[1];
            for (int i = 0; i < 10; i++) {
                assertEquals("OK", j.set("back" + i, "v"));
            }
            assertEquals(threadAfter, counts(n)[1], "back on the loop for good");
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            assertEquals("v", j.get("fast4"));
            assertEquals("v", j.get("slow3"));
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
