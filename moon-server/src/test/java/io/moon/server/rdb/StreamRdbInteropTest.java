package io.moon.server.rdb;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.storage.rdb.RdbCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams in snapshot files and DUMP payloads between Moon and a real redis-server 7.0, both
 * ways: Redis loads Moon's dump.rdb with the same DEBUG DIGEST, the same entries and the same
 * XINFO STREAM as a Redis that ran the same commands itself (length, node count, last, first and
 * largest deleted IDs, entries added); Moon loads Redis's file with the same digest and entries,
 * and goes on from the same last ID; redis-check-rdb and Moon's own check accept Moon's file.
 */
final class StreamRdbInteropTest {
    @TempDir
    Path dir;

    private interface Runner {
        Object run(String... args) throws Exception;
    }

    private static final List<String> KEYS = List.of("small", "nodes", "trimmed", "empty", "ints", "{t}big", "setid",
            "huge");

    /** Streams of every shape: one node, many nodes (node size 3), deletions, trims, an empty one, XSETID. */
    private static void fill(final Runner r) throws Exception {
        r.run("CONFIG", "SET", "stream-node-max-entries", "3");
        r.run("XADD", "small", "1-1", "f", "v", "n", "12345");
        r.run("XADD", "small", "1-2", "f", "w", "n", "-7");
        r.run("XADD", "small", "2-0", "other", "x");
        for (int i = 1; i <= 20; i++) {
            r.run("XADD", "nodes", i + "-" + (i % 4), "field", "value" + i, "k", Integer.toString(i * 97));
        }
        r.run("XDEL", "nodes", "5-1", "6-2", "7-3", "19-3");
        for (int i = 1; i <= 12; i++) {
            r.run("XADD", "trimmed", i + "-0", "a", "b");
        }
        r.run("XTRIM", "trimmed", "MAXLEN", "~", "7");
        r.run("XTRIM", "trimmed", "MINID", "10");
        r.run("XADD", "empty", "3-3", "x", "y");
        r.run("XDEL", "empty", "3-3");
        for (int i = 0; i < 10; i++) {
            r.run("XADD", "ints", "100-" + i, Long.toString(-1L << (6 * i)), Long.toString(Long.MAX_VALUE >> i));
        }
        r.run("XADD", "{t}big", "9-0", "long", "z".repeat(5000), "l2", "q".repeat(70));
        r.run("XADD", "{t}big", "10-0", "long", "y".repeat(300));
        r.run("XADD", "setid", "5-0", "a", "1");
        r.run("XSETID", "setid", "50-5", "ENTRIESADDED", "99", "MAXDELETEDID", "40-0");
        r.run("XADD", "huge", "18446744073709551615-18446744073709551614", "a", "b");
        // consumer groups: pending entries of two consumers, an acknowledged one, an idle consumer
        r.run("XGROUP", "CREATE", "nodes", "g1", "0");
        r.run("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "nodes", ">");
        r.run("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "nodes", ">");
        r.run("XACK", "nodes", "g1", "2-2");
        r.run("XGROUP", "CREATE", "nodes", "g2", "$", "ENTRIESREAD", "5");
        r.run("XGROUP", "CREATECONSUMER", "nodes", "g2", "carol");
        r.run("XGROUP", "CREATE", "small", "empty-group", "0");
        r.run("XGROUP", "CREATE", "huge", "g", "18446744073709551615-18446744073709551613");
        r.run("CONFIG", "SET", "stream-node-max-entries", "100");
    }

    /** The group state both servers must agree on: XPENDING without idle times, and the history of each consumer. */
    private static String groups(final Runner r) throws Exception {
        final StringBuilder sb = new StringBuilder();
        for (final String[] kg : new String[][] {{"nodes", "g1"}, {"nodes", "g2"}, {"small", "empty-group"}}) {
            sb.append(r.run("XPENDING", kg[0], kg[1])).append('\n');
            final Object ext = r.run("XPENDING", kg[0], kg[1], "-", "+", "100");
            for (final Object e : (List<?>) ext) {
                final List<?> l = (List<?>) e;
                sb.append(l.get(0)).append(' ').append(l.get(1)).append(' ').append(l.get(3)).append('\n');
            }
        }
        sb.append(r.run("XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "nodes", "0")).append('\n');
        sb.append(r.run("XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "nodes", ">")).append('\n');
        sb.append(r.run("XREADGROUP", "GROUP", "g", "x", "STREAMS", "huge", ">")).append('\n');
        return sb.toString();
    }

    private static Object redis(final RawClient r, final String... args) throws Exception {
        r.send(Resp.command(args));
        return r.read();
    }

    private static Object moon(final Harness.Client m, final String... args) {
        m.send(Resp.command(args));
        return m.read();
    }

    /** XINFO STREAM without the first and last entries' bodies (checked through XRANGE) nor radix-tree-nodes. */
    private static String info(final RawClient r, final String key) throws Exception {
        final List<?> l = (List<?>) redis(r, "XINFO", "STREAM", key);
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < l.size(); i += 2) {
            final String name = l.get(i).toString();
            if (!name.equals("radix-tree-nodes") && !name.equals("first-entry") && !name.equals("last-entry")) {
                sb.append(name).append('=').append(l.get(i + 1)).append(' ');
            }
        }
        return sb.toString();
    }

    @Test
    void redisLoadsMoonsStreamsAsItsOwn() throws Exception {
        final String digest;
        final List<Object> ranges = new java.util.ArrayList<>();
        try (Harness h = Harness.start(3, "dir", dir.toString(), "enable-debug-command", "yes")) {
            final Harness.Client m = h.client();
            fill(a -> moon(m, a));
            digest = moon(m, "DEBUG", "DIGEST").toString();
            for (final String k : KEYS) {
                ranges.add(moon(m, "XRANGE", k, "-", "+"));
            }
            assertOk(moon(m, "SAVE"));
        }
        final Path file = dir.resolve("dump.rdb");
        final Process p = new ProcessBuilder("redis-check-rdb", file.toString()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        final ByteArrayOutputStream checked = new ByteArrayOutputStream();
        final PrintStream ps = new PrintStream(checked, true, StandardCharsets.UTF_8);
        assertEquals(0, RdbCheck.run(file, ps, ps), checked.toString(StandardCharsets.UTF_8));
        assertTrue(checked.toString(StandardCharsets.UTF_8).contains("stream=" + KEYS.size()), checked.toString());
        final Path own = dir.resolve("own");
        Files.createDirectories(own);
        try (RedisServer rs = RedisServer.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             RawClient r = new RawClient(rs.port);
             RedisServer ref = RedisServer.start("--dir", own.toString());
             RawClient o = new RawClient(ref.port)) {
            fill(a -> redis(o, a));
            assertEquals(digest, redis(r, "DEBUG", "DIGEST").toString());
            assertEquals(digest, redis(o, "DEBUG", "DIGEST").toString());
            for (int i = 0; i < KEYS.size(); i++) {
                assertEquals(ranges.get(i), redis(r, "XRANGE", KEYS.get(i), "-", "+"), KEYS.get(i));
                assertEquals(info(o, KEYS.get(i)), info(r, KEYS.get(i)), KEYS.get(i));
            }
            assertEquals(redis(o, "XINFO", "GROUPS", "nodes"), redis(r, "XINFO", "GROUPS", "nodes"));
            assertEquals(groups(a -> redis(o, a)), groups(a -> redis(r, a)));
        }
    }

    @Test
    void moonLoadsRedissStreamsAndGoesOnFromThem() throws Exception {
        final String digest;
        final String groupsInRedis;
        final List<Object> ranges = new java.util.ArrayList<>();
        try (RedisServer rs = RedisServer.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             RawClient r = new RawClient(rs.port)) {
            fill(a -> redis(r, a));
            digest = redis(r, "DEBUG", "DIGEST").toString();
            for (final String k : KEYS) {
                ranges.add(redis(r, "XRANGE", k, "-", "+"));
            }
            assertTrue(redis(r, "SAVE").toString().endsWith("OK"));
            groupsInRedis = groups(a -> redis(r, a)); // after the save: it changes the groups
        }
        try (Harness h = Harness.start(3, "dir", dir.toString(), "enable-debug-command", "yes")) {
            h.server.snapshots.loadAtStartup(null);
            assertTrue(h.server.snapshots.awaitLoaded(60_000));
            final Harness.Client m = h.client();
            assertEquals(digest, moon(m, "DEBUG", "DIGEST").toString());
            for (int i = 0; i < KEYS.size(); i++) {
                assertEquals(ranges.get(i), moon(m, "XRANGE", KEYS.get(i), "-", "+"), KEYS.get(i));
            }
            assertEquals(groupsInRedis, groups(a -> moon(m, a)));
            assertEquals(new Resp.Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"),
                    moon(m, "XADD", "setid", "50-5", "a", "b"));
            assertEquals("50-6", moon(m, "XADD", "setid", "50-*", "a", "b"));
            assertEquals(0L, moon(m, "XLEN", "empty"));
            // DUMP of a Redis-loaded stream restores in Redis with the same entries
            final Object payload = moon(m, "DUMP", "nodes");
            try (RedisServer rs = RedisServer.start("--dir", dir.toString(), "--dbfilename", "other.rdb");
                 RawClient r = new RawClient(rs.port)) {
                r.send(Resp.command("RESTORE", "nodes", "0", payload.toString()));
                assertEquals(new Resp.Simple("OK"), r.read());
                assertEquals(ranges.get(KEYS.indexOf("nodes")), redis(r, "XRANGE", "nodes", "-", "+"));
            }
        }
    }
}
