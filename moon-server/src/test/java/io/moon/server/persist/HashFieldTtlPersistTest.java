package io.moon.server.persist;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.storage.rdb.RdbCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hash field TTLs (HEXPIRE and co.) through SAVE and a restart, DEBUG RELOAD, DUMP and RESTORE,
 * and {@code moon --check-rdb}: the TTLs and the OBJECT ENCODING come back, and a file or payload
 * without field TTLs stays RDB 10.
 */
final class HashFieldTtlPersistTest {
    @TempDir
    Path dir;

    private static Object bin(final Harness.Client c, final String... args) {
        c.send(Resp.command(args));
        return c.read();
    }

    /**
     * A listpackex hash ("small") and a hashtable one ("big", 600 fields, past
     * hash-max-listpack-entries), each with some fields under a long TTL, some without, and one
     * field ("brief") under a short one.
     */
    private static void fixtures(final Harness h, final long briefMillis) {
        h.run("HSET", "small", "a", "1", "b", "2", "c", "3", "brief", "x");
        assertEquals("[1, 1]", h.run("HEXPIRE", "small", "100000", "FIELDS", "2", "a", "b").toString());
        final List<String> args = new ArrayList<>(List.of("HSET", "big"));
        for (int i = 0; i < 600; i++) {
            args.add("f" + i);
            args.add("v" + i);
        }
        args.add("brief");
        args.add("y");
        h.run(args.toArray(new String[0]));
        h.run("HPEXPIREAT", "big", "4000000000000", "FIELDS", "3", "f1", "f7", "f150");
        h.run("HEXPIRE", "big", "5000", "FIELDS", "1", "f2");
        h.run("HPEXPIRE", "small", Long.toString(briefMillis), "FIELDS", "1", "brief");
        h.run("HPEXPIRE", "big", Long.toString(briefMillis), "FIELDS", "1", "brief");
        h.run("SET", "plain", "v");
    }

    /** What a restart must keep: encodings and every field's absolute expiry (or -1). */
    private static String state(final Harness h) {
        final StringBuilder sb = new StringBuilder();
        sb.append(h.run("OBJECT", "ENCODING", "small")).append(' ').append(h.run("OBJECT", "ENCODING", "big"));
        sb.append(' ').append(h.run("HPEXPIRETIME", "small", "FIELDS", "3", "a", "b", "c"));
        sb.append(' ').append(h.run("HPEXPIRETIME", "big", "FIELDS", "5", "f1", "f2", "f7", "f150", "f3"));
        sb.append(' ').append(h.run("HLEN", "big"));
        return sb.toString();
    }

    private static void awaitLoad(final Harness h) throws InterruptedException {
        h.server.snapshots.loadAtStartup(null);
        assertTrue(h.server.snapshots.awaitLoaded(60_000));
    }

    private static void sleepPast(final long deadlineMillis) throws InterruptedException {
        while (System.currentTimeMillis() <= deadlineMillis) {
            Thread.sleep(20);
        }
    }

    @Test
    void shouldKeepFieldTtlsAndEncodingsThroughSaveAndRestart() throws Exception {
        final String before;
        final long briefAt;
        try (Harness h = Harness.start(3, "dir", dir.toString())) {
            fixtures(h, 1500);
            briefAt = System.currentTimeMillis() + 1500;
            before = state(h);
            assertTrue(before.startsWith("listpackex hashtable [") && before.contains("[4000000000000, "), before);
            assertOk(h.run("SAVE"));
        }
        final byte[] file = Files.readAllBytes(dir.resolve("dump.rdb"));
        assertEquals("REDIS0012", new String(file, 0, 9, StandardCharsets.US_ASCII));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, RdbCheck.run(dir.resolve("dump.rdb"), new PrintStream(out), new PrintStream(out)),
                out.toString());
        assertTrue(out.toString().contains("version 12"), out.toString());
        // small: a, b, brief; big: f1, f2, f7, f150, brief
        assertTrue(out.toString().contains("db0: keys=3 expires=0")
                && out.toString().contains(" hash-field-ttls=8"), out.toString());
        try (Harness h = Harness.start(2, "dir", dir.toString())) {
            awaitLoad(h);
            assertEquals(before, state(h));
            assertInt(1, h.run("HEXISTS", "small", "brief"));
            sleepPast(briefAt + 50);
            // a field TTL loaded from the file still expires
            assertInt(0, h.run("HEXISTS", "small", "brief"));
            assertInt(0, h.run("HEXISTS", "big", "brief"));
            assertInt(600, h.run("HLEN", "big"));
        }
    }

    @Test
    void shouldDropFieldsThatExpiredWhileTheServerWasDown() throws Exception {
        final long at;
        try (Harness h = Harness.start(2, "dir", dir.toString())) {
            h.run("HSET", "h", "gone", "1", "kept", "2");
            h.run("HSET", "allgone", "a", "1");
            h.run("HPEXPIRE", "h", "300", "FIELDS", "1", "gone");
            h.run("HPEXPIRE", "allgone", "300", "FIELDS", "1", "a");
            at = System.currentTimeMillis() + 300;
            assertOk(h.run("SAVE"));
        }
        sleepPast(at + 20);
        try (Harness h = Harness.start(2, "dir", dir.toString())) {
            awaitLoad(h);
            assertEquals("[kept, 2]", h.run("HGETALL", "h").toString());
            assertInt(0, h.run("EXISTS", "allgone")); // a hash whose fields all expired is not loaded
        }
    }

    @Test
    void shouldWriteRdb10WithoutFieldTtlsAndAfterHpersist() throws Exception {
        try (Harness h = Harness.start(3, "dir", dir.toString())) {
            h.run("HSET", "h", "a", "1");
            h.run("HEXPIRE", "h", "1000", "FIELDS", "1", "a");
            assertOk(h.run("SAVE"));
            assertEquals("REDIS0012", new String(Files.readAllBytes(dir.resolve("dump.rdb")), 0, 9,
                    StandardCharsets.US_ASCII));
            Files.copy(dir.resolve("dump.rdb"), Files.createDirectory(dir.resolve("v12")).resolve("dump.rdb"));
            assertEquals("[1]", h.run("HPERSIST", "h", "FIELDS", "1", "a").toString());
            assertOk(h.run("SAVE"));
        }
        assertEquals("REDIS0010", new String(Files.readAllBytes(dir.resolve("dump.rdb")), 0, 9,
                StandardCharsets.US_ASCII), "no field TTL left: a file Redis 7.0 loads");
        try (RedisServer rs = RedisServer.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             RawClient r = new RawClient(rs.port)) {
            r.send(Resp.command("HGETALL", "h"));
            assertEquals("[a, 1]", r.read().toString());
        }
        // the RDB 12 file is refused by Redis 7.0 for its version, not misread
        final java.io.IOException refused = assertThrows(java.io.IOException.class, () -> RedisServer.start(
                "--dir", dir.resolve("v12").toString(), "--dbfilename", "dump.rdb").close());
        assertTrue(refused.getMessage().contains("RDB format version 12"), refused.getMessage());
    }

    @Test
    void shouldKeepFieldTtlsThroughDebugReload() {
        try (Harness h = Harness.start(3, "dir", dir.toString(), "enable-debug-command", "yes")) {
            fixtures(h, 100_000);
            final String before = state(h);
            // a hashtable shrunk below the listpack limits: loads as a listpackex, as Redis 7.4 does
            final List<String> del = new ArrayList<>(List.of("HDEL", "shrunk"));
            final List<String> set = new ArrayList<>(List.of("HSET", "shrunk"));
            for (int i = 0; i < 600; i++) {
                set.add("f" + i);
                set.add("v");
                if (i > 1) {
                    del.add("f" + i);
                }
            }
            h.run(set.toArray(new String[0]));
            h.run("HEXPIRE", "shrunk", "100000", "FIELDS", "1", "f0");
            assertInt(598, h.run(del.toArray(new String[0])));
            assertEquals("hashtable", h.run("OBJECT", "ENCODING", "shrunk").toString());
            final String shrunkAt = h.run("HPEXPIRETIME", "shrunk", "FIELDS", "2", "f0", "f1").toString();
            assertOk(h.run("DEBUG", "RELOAD"));
            assertEquals(before, state(h));
            assertEquals("listpackex", h.run("OBJECT", "ENCODING", "shrunk").toString());
            assertEquals(shrunkAt, h.run("HPEXPIRETIME", "shrunk", "FIELDS", "2", "f0", "f1").toString());
            assertEquals("[1]", h.run("HPERSIST", "small", "FIELDS", "1", "a").toString());
        }
    }

    @Test
    void shouldRoundTripFieldTtlsThroughDumpAndRestore() throws Exception {
        try (Harness h = Harness.start(3)) {
            final Harness.Client m = h.client();
            fixtures(h, 100_000);
            for (final String key : new String[] {"small", "big"}) {
                final String payload = (String) bin(m, "DUMP", key);
                assertEquals(12, payload.charAt(payload.length() - 10), "RDB 12 in the footer");
                assertOk(bin(m, "RESTORE", key + ":copy", "0", payload));
                assertEquals(h.run("OBJECT", "ENCODING", key), h.run("OBJECT", "ENCODING", key + ":copy"));
                assertEquals(h.run("HPEXPIRETIME", key, "FIELDS", "4", "a", "f1", "f2", "brief").toString(),
                        h.run("HPEXPIRETIME", key + ":copy", "FIELDS", "4", "a", "f1", "f2", "brief").toString());
                assertEquals(h.run("HLEN", key), h.run("HLEN", key + ":copy"));
                // any flipped byte: the checksum (or the version) refuses the payload
                for (final int at : new int[] {0, 1, 9, payload.length() / 2, payload.length() - 10,
                        payload.length() - 1}) {
                    final char[] bad = payload.toCharArray();
                    bad[at] = (char) (bad[at] ^ 0x21);
                    assertErrorText("ERR DUMP payload version or checksum are wrong",
                            bin(m, "RESTORE", key + ":bad", "0", new String(bad)));
                }
            }
            // a plain hash still dumps as RDB 10, which Redis 7.0 restores; the RDB 12 one it refuses
            h.run("HSET", "p", "f", "v");
            final String plain = (String) bin(m, "DUMP", "p");
            assertEquals(10, plain.charAt(plain.length() - 10));
            final String small = (String) bin(m, "DUMP", "small");
            try (RedisServer rs = RedisServer.start(); RawClient r = new RawClient(rs.port)) {
                r.send(Resp.command("RESTORE", "p", "0", plain));
                assertOk(r.read());
                r.send(Resp.command("RESTORE", "small", "0", small));
                assertErrorText("ERR DUMP payload version or checksum are wrong", r.read());
            }
        }
    }

    @Test
    void shouldRestoreAPayloadWhoseFieldsAllExpiredAsAnExpiredKey() throws Exception {
        try (Harness h = Harness.start(3)) {
            final Harness.Client m = h.client();
            h.run("HSET", "h", "a", "1", "b", "2");
            h.run("HPEXPIRE", "h", "200", "FIELDS", "1", "a");
            h.run("HPEXPIRE", "h", "250", "FIELDS", "1", "b");
            final String payload = (String) bin(m, "DUMP", "h");
            final long at = System.currentTimeMillis() + 250;
            h.run("SET", "old", "x");
            sleepPast(at + 20);
            assertOk(bin(m, "RESTORE", "old", "0", payload, "REPLACE"));
            assertInt(0, h.run("EXISTS", "old"));
        }
    }
}
