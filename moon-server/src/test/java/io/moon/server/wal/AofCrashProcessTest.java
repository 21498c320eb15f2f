package io.moon.server.wal;

import io.moon.server.testing.RedisServer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash injection on real processes: a Moon process with appendonly yes takes writes from
 * several clients, is killed with SIGKILL at a random moment (idle, in a write burst, during a
 * BGSAVE, during a log rewrite), restarts on the same directory, and must hold every write that
 * was acknowledged, per client a prefix of what it sent (at most the one write in flight beyond
 * it), and no cross-shard MSET half applied. After a process kill every appendfsync mode keeps
 * what was acknowledged: records reach the OS before the reply.
 *
 * <p>{@code always-inline} and {@code always-thread} force where appendfsync always's fsync runs
 * ({@link SyncPath}); plain {@code always} lets the server choose. The default build runs a
 * representative slice; the whole matrix {always-inline, always-thread, everysec, no} x
 * {idle, burst, bgsave, rewrite} x {strings, lists, hashes, sets, zsets, cross-shard MSET} is
 * tagged crash-matrix and runs with {@code -Pcrash-matrix} (docs/durability.md).
 */
@Tag("sockets")
final class AofCrashProcessTest {
    enum Moment { IDLE, BURST, BGSAVE, REWRITE }

    enum Data { STRINGS, LISTS, HASHES, SETS, ZSETS, MSET }

    private static final int CLIENTS = 3;

    @TestFactory
    Stream<DynamicTest> representativeSlice() {
        return Stream.of(
                test("always-thread", Moment.BURST, Data.MSET),
                test("always-inline", Moment.BURST, Data.STRINGS),
                test("everysec", Moment.BURST, Data.LISTS),
                test("always", Moment.REWRITE, Data.STRINGS),
                test("no", Moment.BGSAVE, Data.HASHES));
    }

    @Tag("crash-matrix")
    @TestFactory
    Stream<DynamicTest> fullMatrix() {
        final List<DynamicTest> all = new ArrayList<>();
        final String only = System.getProperty("moon.crash.only", "");
        final int repeat = Integer.getInteger("moon.crash.repeat", 1);
        for (final String mode : new String[] {"always-inline", "always-thread", "everysec", "no"}) {
            for (final Moment m : Moment.values()) {
                for (final Data d : Data.values()) {
                    for (int r = 0; r < repeat; r++) {
                        if ((mode + " " + m + " " + d).contains(only)) {
                            all.add(test(mode, m, d));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    private static DynamicTest test(final String mode, final Moment moment, final Data data) {
        return DynamicTest.dynamicTest(mode + " " + moment + " " + data, () -> run(mode, moment, data));
    }

    private static void run(final String mode, final Moment moment, final Data data) throws Exception {
        final Path dir = Files.createTempDirectory("moon-crash");
        final long seed = System.nanoTime();
        final Random rnd = new Random(seed);
        final String what = mode + " " + moment + " " + data + " (seed " + seed + ", dir " + dir + ")";
        boolean passed = false;
        Process p = null;
        try {
            final int port = RedisServer.freePort();
            p = start(port, dir, mode);
            awaitUp(p, port);
            final AtomicLongArray acked = new AtomicLongArray(CLIENTS);
            final AtomicBoolean stop = new AtomicBoolean();
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                acked.set(t, -1);
                final int id = t;
                final Thread w = new Thread(() -> write(port, id, data, acked, stop), "crash-writer-" + t);
                w.start();
                workers.add(w);
            }
            Thread.sleep(300);
            try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
                switch (moment) {
                    case IDLE -> {
                        stop.set(true);
                        for (final Thread w : workers) {
                            w.join(10_000);
                        }
                        Thread.sleep(100);
                    }
                    case BURST -> Thread.sleep(rnd.nextInt(500));
                    case BGSAVE -> {
                        background(j::bgsave);
                        Thread.sleep(rnd.nextInt(300));
                    }
                    case REWRITE -> {
                        background(j::bgrewriteaof);
                        Thread.sleep(rnd.nextInt(400));
                    }
                }
            }
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            stop.set(true);
            for (final Thread w : workers) {
                w.join(10_000);
            }
            final Process q = start(port, dir, mode);
            try {
                awaitUp(q, port);
                try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
                    for (int t = 0; t < CLIENTS; t++) {
                        verify(j, t, data, acked.get(t), what);
                    }
                }
            } finally {
                q.destroyForcibly();
                q.waitFor(30, TimeUnit.SECONDS);
            }
            passed = true;
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly(); // a failure before the planned kill must not leave it running
            }
            if (!passed) {
                System.out.println("AofCrashProcessTest: " + what + " failed; its files and moon.log are kept");
            } else {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /** Starts a BGSAVE or BGREWRITEAOF; one that cannot start (another is running) is no failure here. */
    private static void background(final java.util.function.Supplier<String> start) {
        try {
            start.get();
        } catch (final JedisDataException busy) {
            // the crash must be survived either way
        }
    }

    /** One client's writes, one at a time, each recorded once acknowledged; ends at the first error. */
    private static void write(final int port, final int t, final Data data, final AtomicLongArray acked,
                              final AtomicBoolean stop) {
        try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
            for (long i = 0; !stop.get() && i < 1_000_000; i++) {
                final String n = Long.toString(i);
                switch (data) {
                    case STRINGS -> j.set("s:" + t + ":" + n, n);
                    case LISTS -> j.rpush("l:" + t, n);
                    case HASHES -> j.hset("h:" + t, "f" + n, n);
                    case SETS -> j.sadd("set:" + t, n);
                    case ZSETS -> j.zadd("z:" + t, i, "m" + n);
                    case MSET -> j.mset("m" + n + ":" + t + ":a", n, "m" + n + ":" + t + ":b", n,
                            "m" + n + ":" + t + ":c", n, "acct:" + t + ":x", n, "acct:" + t + ":y", n);
                }
                acked.set(t, i);
            }
        } catch (final RuntimeException e) {
            // the process was killed: the write in flight may or may not have been applied
        }
    }

    private static void verify(final Jedis j, final int t, final Data data, final long a, final String what) {
        final String who = what + ", client " + t + ", last acknowledged " + a;
        switch (data) {
            case STRINGS -> {
                for (long i = 0; i <= a; i++) {
                    assertEquals(Long.toString(i), j.get("s:" + t + ":" + i), who);
                }
                assertNull(j.get("s:" + t + ":" + (a + 2)), who + ": never sent");
            }
            case LISTS -> {
                final List<String> l = j.lrange("l:" + t, 0, -1);
                assertTrue(l.size() == a + 1 || l.size() == a + 2, who + ": length " + l.size());
                for (int i = 0; i < l.size(); i++) {
                    assertEquals(Integer.toString(i), l.get(i), who);
                }
            }
            case HASHES -> {
                final Map<String, String> h = j.hgetAll("h:" + t);
                assertTrue(h.size() == a + 1 || h.size() == a + 2, who + ": " + h.size() + " fields");
                for (long i = 0; i <= a; i++) {
                    assertEquals(Long.toString(i), h.get("f" + i), who);
                }
            }
            case SETS -> {
                final long n = j.scard("set:" + t);
                assertTrue(n == a + 1 || n == a + 2, who + ": " + n + " members");
                for (long i = 0; i <= a; i++) {
                    assertTrue(j.sismember("set:" + t, Long.toString(i)), who);
                }
            }
            case ZSETS -> {
                final long n = j.zcard("z:" + t);
                assertTrue(n == a + 1 || n == a + 2, who + ": " + n + " members");
                for (long i = 0; i <= a; i++) {
                    assertEquals((double) i, j.zscore("z:" + t, "m" + i), who);
                }
            }
            case MSET -> {
                for (long i = 0; i <= a + 1; i++) {
                    final List<String> v = j.mget("m" + i + ":" + t + ":a", "m" + i + ":" + t + ":b", "m" + i + ":" + t + ":c");
                    final long present = v.stream().filter(x -> x != null).count();
                    assertTrue(present == 0 || present == 3, who + ": MSET " + i + " half applied: " + v);
                    if (i <= a) {
                        assertEquals(3, present, who + ": acknowledged MSET " + i + " lost");
                    }
                }
                final String x = j.get("acct:" + t + ":x");
                assertEquals(x, j.get("acct:" + t + ":y"), who + ": the pair of one MSET differs");
                if (a >= 0) {
                    assertTrue(Long.parseLong(x) >= a, who + ": acct " + x);
                }
            }
        }
    }

    /** {@code mode} is an appendfsync value, optionally followed by {@code -inline} or {@code -thread}. */
    private static Process start(final int port, final Path dir, final String mode) throws Exception {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final int dash = mode.indexOf('-');
        final String fsync = dash < 0 ? mode : mode.substring(0, dash);
        final String path = dash < 0 ? SyncPath.FSYNC_PATH_DEFAULT : mode.substring(dash + 1);
        final List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-D" + SyncPath.FSYNC_PATH_PROP + "=" + path,
                "-cp", System.getProperty("java.class.path"),
                "io.moon.server.Main", "--port", Integer.toString(port), "--shards", "2", "--save", "",
                "--appendonly", "yes", "--appendfsync", fsync, "--dir", dir.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("moon.log").toFile())).start();
    }

    private static void awaitUp(final Process p, final int port) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                j.get("probe");
                return;
            } catch (final JedisDataException loading) {
                Thread.sleep(20);
            } catch (final redis.clients.jedis.exceptions.JedisConnectionException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("moon did not come up on port " + port + " (alive " + p.isAlive() + ")");
    }
}
