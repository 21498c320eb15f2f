package io.moon.server.wal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real full disk: the log lives on a 2 MB tmpfs (mounted for the test; skipped where mounting
 * is not allowed), a filler file takes the rest of it. The write whose record cannot be written
 * is not acknowledged, later writes get MISCONF, reads keep working; once the filler is deleted
 * the shard's retry writes the record, the held reply leaves and writes are accepted again.
 */
final class DiskFullTest {
    @TempDir
    Path tmp;
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountTinyFs() throws Exception {
        mount = Files.createDirectories(tmp.resolve("fs"));
        final Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        mounted = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(mounted, "mounting a tmpfs needs root");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRefuseWritesWhileTheDiskIsFullAndResumeWhenItHasRoom() throws Exception {
        try (AofNode n = AofNode.start(mount, 1); Jedis j = n.jedis()) {
            j.set("before", "1");
            final Path filler = mount.resolve("filler");
            try (OutputStream o = Files.newOutputStream(filler)) {
                final byte[] block = new byte[4096];
                for (int i = 0; i < 1024; i++) {
                    o.write(block);
                    o.flush();
                }
            } catch (final IOException full) {
                // the disk is full
            }
            final String value = "x".repeat(1000);
            CompletableFuture<String> held = null;
            for (int i = 0; i < 200 && held == null; i++) {
                final int k = i;
                final CompletableFuture<String> w = CompletableFuture.supplyAsync(() -> {
                    try (Jedis c = n.jedis()) {
                        return c.set("k" + k, value);
                    } catch (final JedisDataException e) {
                        return e.getMessage();
                    }
                });
                try {
                    final String r = w.get(500, TimeUnit.MILLISECONDS);
                    assertEquals("OK", r, "a write before the disk filled up");
                } catch (final java.util.concurrent.TimeoutException stillHeld) {
                    held = w;
                }
            }
            assertNotNull(held, "some write found the disk full");
            final JedisDataException e = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
                    () -> j.set("refused", "1"));
            assertTrue(e.getMessage().startsWith("MISCONF Errors writing to the AOF file: "), e.getMessage());
            assertEquals("1", j.get("before"), "reads keep working");
            Files.delete(filler);
            assertEquals("OK", held.get(10, TimeUnit.SECONDS), "the held write is acknowledged once written");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String r = null;
            while (System.nanoTime() < deadline) {
                try {
                    r = j.set("after", "1");
                    break;
                } catch (final JedisDataException stillRefused) {
                    AofNode.sleep(20);
                }
            }
            assertEquals("OK", r, "writes resume");
            n.crash();
        }
        try (AofNode n = AofNode.start(mount, 1); Jedis j = n.jedis()) {
            assertEquals("1", j.get("after"));
            assertEquals("1", j.get("before"));
        }
    }
}
