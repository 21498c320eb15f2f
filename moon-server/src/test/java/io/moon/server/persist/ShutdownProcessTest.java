package io.moon.server.persist;

import io.moon.server.testing.RedisServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SHUTDOWN variants, SIGTERM, leftover temp files and LOADING on a real Moon process. */
@Tag("sockets")
final class ShutdownProcessTest {
    @TempDir
    Path dir;

    private Process start(final int port, final String save, final String heap, final String... extra) throws Exception {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final List<String> cmd = new ArrayList<>(List.of(java, heap, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                "io.moon.server.Main", "--port", Integer.toString(port), "--shards", "2", "--save", save,
                "--appendonly", "no", "--dir", dir.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("moon-" + port + ".log").toFile()).start();
    }

    /** Waits until the server answers PING (LOADING counts as up); returns whether LOADING was seen. */
    private static boolean awaitUp(final Process p, final int port) throws Exception {
        boolean sawLoading = false;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                try {
                    j.get("probe");
                    return sawLoading;
                } catch (final JedisDataException e) {
                    assertTrue(e.getMessage().startsWith("LOADING Redis is loading the dataset in memory"),
                            e.getMessage());
                    sawLoading = true;
                    Thread.sleep(20);
                }
            } catch (final redis.clients.jedis.exceptions.JedisConnectionException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("moon did not come up on port " + port);
    }

    private static int exit(final Process p) throws InterruptedException {
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the process exits");
        return p.exitValue();
    }

    private static void shutdown(final int port, final String... args) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            final List<byte[]> a = new ArrayList<>();
            for (final String s : args) {
                a.add(s.getBytes(StandardCharsets.UTF_8));
            }
            j.sendCommand(redis.clients.jedis.Protocol.Command.SHUTDOWN, a.toArray(new byte[0][]));
        } catch (final redis.clients.jedis.exceptions.JedisConnectionException expected) {
            // no reply: the connection closes as the server goes away
        }
    }

    @Test
    void shutdownSavesWithSavePointsAndTheNextStartLoadsIt() throws Exception {
        final Path leftover = dir.resolve("temp-424242.rdb");
        Files.writeString(leftover, "half a save");
        final int port = RedisServer.freePort();
        Process p = start(port, "3600 1", "-Xmx256m");
        awaitUp(p, port);
        assertFalse(Files.exists(leftover), "a crashed save's temp file is removed at startup");
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (int i = 0; i < 1000; i++) {
                j.set("k" + i, "v" + i);
            }
        }
        shutdown(port);
        assertEquals(0, exit(p));
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
        final String first = log(port);
        // Redis's order: the request, the save, the exit; the JVM's hook adds nothing after SHUTDOWN
        final int user = first.indexOf("# User requested shutdown...");
        final int saved = first.indexOf("DB saved on disk");
        final int stopped = first.indexOf("Moon stopped");
        assertTrue(user >= 0 && saved > user && stopped > saved, first);
        assertFalse(first.contains("Received shutdown signal"), first);
        Files.delete(dir.resolve("moon-" + port + ".log"));
        p = start(port, "", "-Xmx256m");
        awaitUp(p, port);
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            assertEquals(1000, j.dbSize());
            assertEquals("v999", j.get("k999"));
            j.set("extra", "1");
        }
        final long before = Files.getLastModifiedTime(dir.resolve("dump.rdb")).toMillis();
        shutdown(port); // no save points: nothing saved
        assertEquals(0, exit(p));
        assertEquals(before, Files.getLastModifiedTime(dir.resolve("dump.rdb")).toMillis());
    }

    private String log(final int port) throws java.io.IOException {
        return Files.readString(dir.resolve("moon-" + port + ".log"));
    }

    private static void populate(final int port, final int keys) {
        try (Jedis j = new Jedis("127.0.0.1", port, 120_000)) {
            j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "POPULATE", Integer.toString(keys));
        }
    }

    private static boolean canBind(final int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (final java.io.IOException busy) {
            return false;
        }
    }

    @Test
    void sigtermKeepsThePortUntilTheFinalSaveIsOnDiskAndLogsAtWarning() throws Exception {
        final int port = RedisServer.freePort();
        final Process p = start(port, "3600 1", "-Xmx768m", "--enable-debug-command", "yes", "--loglevel", "warning");
        awaitUp(p, port);
        populate(port, 1_500_000);
        p.destroy(); // SIGTERM: the final save takes a while
        final Path dump = dir.resolve("dump.rdb");
        int tries = 0;
        while (p.isAlive() && !Files.exists(dump)) {
            final boolean bound = canBind(port);
            if (!Files.exists(dump)) {
                // else a second server could start on this port and directory while this one saves
                assertFalse(bound, "the port was free before the final save was on disk");
                tries++;
            }
            Thread.sleep(20);
        }
        assertEquals(0, exit(p));
        assertTrue(tries > 0);
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
        final String log = log(port);
        // Redis logs both at warning level, so loglevel warning still says why the server went away
        final int signal = log.indexOf("# Received SIGTERM scheduling shutdown...");
        final int user = log.indexOf("# User requested shutdown...");
        final int bye = log.indexOf("# Moon is now ready to exit, bye bye...");
        assertTrue(signal >= 0 && user > signal && bye > user, log);
        assertFalse(log.contains("DB saved on disk"), "a notice line at loglevel warning: " + log);
    }

    @Test
    void shutdownNosaveDuringABgsaveRemovesItsTempFile() throws Exception {
        final int port = RedisServer.freePort();
        final Process p = start(port, "", "-Xmx768m", "--enable-debug-command", "yes");
        awaitUp(p, port);
        populate(port, 1_500_000);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.getOutputStream().write("*1\r\n$6\r\nBGSAVE\r\n*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.getInputStream().readAllBytes();
        }
        assertEquals(0, exit(p));
        try (var files = Files.list(dir)) {
            final List<String> temps = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("temp-")).toList();
            assertEquals(List.of(), temps, "the abandoned save's temp file is removed, as Redis removes its child's");
        }
    }

    @Test
    void aTempFileOfALiveProcessIsLeftAlone() throws Exception {
        final long live = ProcessHandle.current().pid(); // this test's JVM: alive, and not the server
        final Path theirs = dir.resolve("temp-" + live + ".rdb");
        Files.writeString(theirs, "another server's save in progress");
        final Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        final Path stale = dir.resolve("temp-" + gone.pid() + ".rdb");
        Files.writeString(stale, "half a save");
        final int port = RedisServer.freePort();
        final Process p = start(port, "", "-Xmx256m");
        awaitUp(p, port);
        shutdown(port, "NOSAVE");
        assertEquals(0, exit(p));
        assertTrue(Files.exists(theirs), "a live process may still be writing it");
        assertFalse(Files.exists(stale), "its process is gone");
        assertTrue(log(port).contains("Left " + theirs + " alone: process " + live + " is alive"), log(port));
    }

    @Test
    void aPortInUseIsReportedBeforeLoadingAndNothingIsSaved() throws Exception {
        // a small dump: the old order loaded it, then failed to bind, then tried a final save
        final int port = RedisServer.freePort();
        Process p = start(port, "3600 1", "-Xmx256m");
        awaitUp(p, port);
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.set("a", "1");
        }
        shutdown(port);
        assertEquals(0, exit(p));
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.setReuseAddress(true);
            taken.bind(new java.net.InetSocketAddress("0.0.0.0", port));
            Files.delete(dir.resolve("moon-" + port + ".log"));
            p = start(port, "3600 1", "-Xmx256m");
            assertEquals(1, exit(p));
        }
        final String log = log(port);
        assertTrue(log.contains("cannot listen on") && log.contains("Address already in use"), log);
        assertFalse(log.contains("DB loaded from disk"), "bound before loading: " + log);
        assertFalse(log.contains("Saving the final RDB snapshot"), "a startup that failed saves nothing: " + log);
        assertFalse(log.contains("RejectedExecutionException"), log);
    }

    @Test
    void nosaveSkipsAndSaveForcesTheSnapshot() throws Exception {
        final int port = RedisServer.freePort();
        Process p = start(port, "3600 1", "-Xmx256m");
        awaitUp(p, port);
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.set("a", "1");
        }
        shutdown(port, "NOSAVE");
        assertEquals(0, exit(p));
        assertFalse(Files.exists(dir.resolve("dump.rdb")));
        p = start(port, "", "-Xmx256m");
        awaitUp(p, port);
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.set("a", "1");
        }
        shutdown(port, "SAVE", "NOW");
        assertEquals(0, exit(p));
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
    }

    @Test
    void sigtermSavesAndExitsZero() throws Exception {
        final int port = RedisServer.freePort();
        final Process p = start(port, "3600 1", "-Xmx256m");
        awaitUp(p, port);
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.set("a", "1");
        }
        p.destroy(); // SIGTERM
        assertEquals(0, exit(p));
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
    }

    @Test
    void clientsSeeLoadingWhileALargeFileLoads() throws Exception {
        final int keys = 3_000_000;
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(dir.resolve("dump.rdb")), 1 << 16)) {
            o.write("REDIS0010".getBytes(StandardCharsets.US_ASCII));
            o.write(0xfe);
            o.write(0);
            for (int i = 0; i < keys; i++) {
                final byte[] k = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
                final byte[] v = ("value-" + i).getBytes(StandardCharsets.US_ASCII);
                o.write(0);
                o.write(k.length);
                o.write(k);
                o.write(v.length);
                o.write(v);
            }
            o.write(0xff);
            o.write(new byte[8]); // a zero checksum means "not computed"
        }
        final int port = RedisServer.freePort();
        final Process p = start(port, "", "-Xmx1g");
        try {
            assertTrue(awaitUp(p, port), "the first replies were -LOADING");
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                assertEquals(keys, j.dbSize());
                assertEquals("value-123", j.get("key:123"));
            }
            final String log = Files.readString(dir.resolve("moon-" + port + ".log"));
            assertTrue(log.contains("DB loaded from disk"), log);
        } finally {
            shutdown(port, "NOSAVE");
            exit(p);
        }
    }
}
