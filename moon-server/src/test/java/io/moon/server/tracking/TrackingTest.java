package io.moon.server.tracking;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.ShardKeys;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client-side caching over real sockets, 3 shards: RESP3 pushes, RESP2 REDIRECT through
 * __redis__:invalidate, BCAST prefixes, OPTIN/OPTOUT, NOLOOP, expiry, flushes, cross-shard reads
 * and writes (MGET, MSET, MULTI/EXEC, scripts), the table limit and cleanup. The expected bytes are
 * those redis-server 7.0.15 sends (TrackingDiffTest compares replies with it directly).
 */
class TrackingTest {
    private static final int QUIET_MS = 300;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(3);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void flush() throws IOException {
        try (RawClient w = new RawClient(server.port)) {
            w.run("CONFIG", "SET", "tracking-table-max-keys", "1000000");
            w.run("FLUSHALL");
        }
    }

    static String s(final byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String array(final String... keys) {
        final StringBuilder b = new StringBuilder("*" + keys.length + "\r\n");
        for (final String k : keys) {
            b.append('$').append(k.length()).append("\r\n").append(k).append("\r\n");
        }
        return b.toString();
    }

    static String push(final String... keys) {
        return ">2\r\n$10\r\ninvalidate\r\n" + array(keys);
    }

    static final String PUSH_NULL = ">2\r\n$10\r\ninvalidate\r\n_\r\n";

    static String message(final String... keys) {
        return "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n" + array(keys);
    }

    private static RawClient resp3() throws IOException {
        final RawClient c = new RawClient(server.port);
        c.run("HELLO", "3");
        return c;
    }

    private static long id(final RawClient c) throws IOException {
        return (Long) c.run("CLIENT", "ID");
    }

    private static long info(final String field) throws IOException {
        try (RawClient w = new RawClient(server.port)) {
            final String all = String.valueOf(w.run("INFO", "everything"));
            final Matcher m = Pattern.compile(field + ":(\\d+)").matcher(all);
            assertTrue(m.find(), field);
            return Long.parseLong(m.group(1));
        }
    }

    @Test
    void shouldPushOneInvalidationPerReadKeyWrittenOnAnyShard() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "k", 3);
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            assertEquals("+OK\r\n", s(a.runRaw("CLIENT", "TRACKING", "ON")));
            for (final String k : keys) {
                a.run("GET", k);
            }
            assertEquals(3, info("tracking_total_keys"));
            assertEquals(1, info("tracking_clients"));
            for (final String k : keys) {
                w.run("SET", k, "v");
            }
            for (final String k : keys) {
                assertEquals(push(k), s(a.readRaw()));
            }
            for (final String k : keys) {
                w.run("SET", k, "again"); // forgotten after the first invalidation
            }
            assertNull(a.readRawWithin(QUIET_MS));
            assertEquals(0, info("tracking_total_keys"));
        }
    }

    @Test
    void shouldSendTheClientsOwnInvalidationAfterItsReply() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "own", 3);
        try (RawClient a = resp3()) {
            a.run("CLIENT", "TRACKING", "ON");
            for (final String k : keys) { // one local to the connection, the others through calls
                a.run("GET", k);
                assertEquals("+OK\r\n", s(a.runRaw("SET", k, "1")));
                assertEquals(push(k), s(a.readRaw()));
            }
        }
    }

    @Test
    void shouldLeaveOutTheClientsOwnWritesWithNoloop() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "nl", 3);
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            a.run("CLIENT", "TRACKING", "ON", "NOLOOP");
            for (final String k : keys) {
                a.run("GET", k);
                assertEquals("+OK\r\n", s(a.runRaw("SET", k, "1")));
            }
            assertNull(a.readRawWithin(QUIET_MS));
            a.run("GET", keys[1]);
            w.run("SET", keys[1], "2");
            assertEquals(push(keys[1]), s(a.readRaw()));
        }
    }

    @Test
    void shouldRedirectToAResp2SubscriberOfRedisInvalidate() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "rd", 3);
        try (RawClient b = new RawClient(server.port); RawClient c = new RawClient(server.port);
             RawClient w = new RawClient(server.port)) {
            final long bid = id(b);
            b.run("SUBSCRIBE", "__redis__:invalidate");
            assertEquals("+OK\r\n", s(c.runRaw("CLIENT", "TRACKING", "ON", "REDIRECT", Long.toString(bid))));
            assertEquals(":" + bid + "\r\n", s(c.runRaw("CLIENT", "GETREDIR")));
            for (final String k : keys) {
                c.run("GET", k);
                w.run("SET", k, "x");
                assertEquals(message(k), s(b.readRaw()));
            }
            assertNull(c.readRawWithin(QUIET_MS)); // RESP2: nothing on the tracking connection itself
            c.run("GET", keys[0]);
            w.run("FLUSHALL");
            assertEquals("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n", s(b.readRaw()));
        }
    }

    @Test
    void shouldReportABrokenRedirect() throws IOException {
        try (RawClient f = resp3(); RawClient w = new RawClient(server.port)) {
            final long gid;
            try (RawClient g = new RawClient(server.port)) {
                gid = id(g);
                f.run("CLIENT", "TRACKING", "ON", "REDIRECT", Long.toString(gid));
                f.run("GET", "br");
            }
            final String broken = ">2\r\n$21\r\ntracking-redir-broken\r\n:" + gid + "\r\n";
            for (int i = 0; i < 100 && server.server.tracking.byId(gid) != null; i++) {
                sleep(20);
            }
            w.run("SET", "br", "1");
            assertEquals(broken, s(f.readRaw()));
            assertEquals("%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:" + gid
                    + "\r\n$8\r\nprefixes\r\n*0\r\n", s(f.runRaw("CLIENT", "TRACKINGINFO")));
            final String line = s(f.runRaw("CLIENT", "INFO"));
            assertTrue(line.contains(" flags=tR ") && line.contains(" redir=" + gid + " "), line);
        }
    }

    @Test
    void shouldBroadcastChangedKeysUnderThePrefixesOnly() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "b:", 3);
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            assertEquals("+OK\r\n", s(a.runRaw("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "b:", "PREFIX", "c:")));
            assertEquals(1, info("tracking_total_prefixes") - 1); // "b:" and "c:"
            for (final String k : keys) {
                w.run("SET", k, "1");
                assertEquals(push(k), s(a.readRaw())); // without having read it
            }
            w.run("SET", "d:1", "1");
            w.run("SET", "c:1", "1");
            assertEquals(push("c:1"), s(a.readRaw()));
            assertEquals("+OK\r\n", s(a.runRaw("SET", "c:2", "1")));
            assertEquals(push("c:2"), s(a.readRaw()));
            a.run("CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP");
            a.run("SET", "c:3", "1");
            assertNull(a.readRawWithin(QUIET_MS));
            a.run("CLIENT", "TRACKING", "OFF");
            assertEquals(0, info("tracking_total_prefixes"));
            w.run("SET", "c:4", "1");
            assertNull(a.readRawWithin(QUIET_MS));
        }
    }

    @Test
    void shouldRememberOnlyWhatOptinAndOptoutAsk() throws IOException {
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            a.run("CLIENT", "TRACKING", "ON", "OPTIN");
            a.run("GET", "o1");
            w.run("SET", "o1", "1");
            assertNull(a.readRawWithin(QUIET_MS));
            assertEquals("+OK\r\n", s(a.runRaw("CLIENT", "CACHING", "YES")));
            a.run("GET", "o1");
            a.run("GET", "o2"); // CACHING YES covers one command
            w.run("SET", "o1", "2");
            w.run("SET", "o2", "2");
            assertEquals(push("o1"), s(a.readRaw()));
            assertNull(a.readRawWithin(QUIET_MS));

            a.run("CLIENT", "TRACKING", "OFF");
            a.run("CLIENT", "TRACKING", "ON", "OPTOUT");
            a.run("CLIENT", "CACHING", "NO");
            a.run("GET", "o3");
            a.run("GET", "o4");
            w.run("SET", "o3", "1");
            w.run("SET", "o4", "1");
            assertEquals(push("o4"), s(a.readRaw()));
            assertNull(a.readRawWithin(QUIET_MS));
        }
    }

    @Test
    void shouldInvalidateOnExpiryAndNullOnFlushes() throws IOException {
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            a.run("CLIENT", "TRACKING", "ON");
            w.run("SET", "e1", "1", "PX", "100");
            a.run("GET", "e1");
            assertEquals(push("e1"), s(a.readRawWithin(5000))); // active expiry
            a.run("GET", "f1");
            w.run("FLUSHDB");
            assertEquals(PUSH_NULL, s(a.readRaw()));
            a.run("GET", "f1");
            assertEquals("+OK\r\n", s(a.runRaw("FLUSHALL")));
            assertEquals(PUSH_NULL, s(a.readRaw())); // after the reply
            assertEquals(0, info("tracking_total_keys"));
        }
    }

    @Test
    void shouldTrackReadsAndWritesThatSpanShards() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "x", 3);
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            a.run("CLIENT", "TRACKING", "ON");
            a.run("MGET", keys[0], keys[1], keys[2]);
            assertEquals(3, info("tracking_total_keys"));
            w.run("MSET", keys[0], "1", keys[1], "1");
            final java.util.Set<String> got = new java.util.HashSet<>();
            got.add(s(a.readRaw()));
            got.add(s(a.readRaw()));
            assertEquals(java.util.Set.of(push(keys[0]), push(keys[1])), got);

            a.run("MGET", keys[0], keys[1]);
            w.run("MULTI");
            w.run("INCR", keys[0]);
            w.run("DEL", keys[1]);
            w.run("EXEC");
            got.clear();
            got.add(s(a.readRaw()));
            got.add(s(a.readRaw()));
            assertEquals(java.util.Set.of(push(keys[0]), push(keys[1])), got);

            w.run("EVAL", "redis.call('SET', KEYS[1], 'x') return redis.call('SET', KEYS[2], 'y')", "2", keys[2],
                    keys[0]);
            assertEquals(push(keys[2]), s(a.readRaw())); // keys[0] was not read again
            assertNull(a.readRawWithin(QUIET_MS));
        }
    }

    @Test
    void shouldInvalidateTheKeysAScriptAcrossShardsChangedOnItsGatheredRuns() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "g", 2);
        final String script = "redis.call('GET', KEYS[2]) return redis.call('SET', KEYS[1], ARGV[1])";
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            w.run("EVAL", script, "2", keys[0], keys[1], "first"); // holds every shard; later runs gather copies
            a.run("CLIENT", "TRACKING", "ON");
            a.run("MGET", keys[0], keys[1]);
            w.run("EVAL", script, "2", keys[0], keys[1], "second");
            assertEquals(push(keys[0]), s(a.readRaw()));
            assertNull(a.readRawWithin(QUIET_MS)); // keys[1] was only read
        }
    }

    @Test
    void shouldRememberPipelinedReadsOnEveryShard() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "pl", 3);
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            a.run("CLIENT", "TRACKING", "ON");
            final java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            for (final String k : keys) {
                batch.writeBytes(io.moon.server.testing.Resp.command("GET", k));
            }
            a.send(batch.toByteArray());
            for (int i = 0; i < keys.length; i++) {
                assertEquals("_\r\n", s(a.readRaw()));
            }
            w.send(io.moon.server.testing.Resp.command("MSET", keys[0], "1", keys[1], "1", keys[2], "1"));
            w.read();
            final java.util.Set<String> got = new java.util.HashSet<>();
            for (int i = 0; i < keys.length; i++) {
                got.add(s(a.readRaw()));
            }
            assertEquals(java.util.Set.of(push(keys[0]), push(keys[1]), push(keys[2])), got);
        }
    }

    @Test
    void shouldApplyCachingToThePipelinedCommandAfterItOnly() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "po", 3);
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            a.run("CLIENT", "TRACKING", "ON", "OPTOUT");
            final java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            batch.writeBytes(io.moon.server.testing.Resp.command("CLIENT", "CACHING", "NO"));
            for (final String k : keys) {
                batch.writeBytes(io.moon.server.testing.Resp.command("GET", k));
            }
            a.send(batch.toByteArray());
            assertEquals("+OK\r\n", s(a.readRaw()));
            for (int i = 0; i < keys.length; i++) {
                assertEquals("_\r\n", s(a.readRaw()));
            }
            for (final String k : keys) {
                w.run("SET", k, "1");
            }
            assertEquals(push(keys[1]), s(a.readRaw())); // the first GET was left out, the others not
            assertEquals(push(keys[2]), s(a.readRaw()));
            assertNull(a.readRawWithin(QUIET_MS));
        }
    }

    @Test
    void shouldReachABlockedClientAtOnce() throws IOException {
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            a.run("CLIENT", "TRACKING", "ON");
            a.run("GET", "bk");
            a.send(io.moon.server.testing.Resp.command("BLPOP", "bq", "0"));
            for (int i = 0; i < 250 && !String.valueOf(w.run("CLIENT", "LIST")).contains("cmd=blpop"); i++) {
                sleep(20);
            }
            w.run("SET", "bk", "1");
            assertEquals(push("bk"), s(a.readRaw())); // while BLPOP still waits
            w.run("RPUSH", "bq", "x");
            assertEquals("*2\r\n$2\r\nbq\r\n$1\r\nx\r\n", s(a.readRaw()));
        }
    }

    @Test
    void shouldRememberReadsOfATransactionAcrossShards() throws IOException {
        final String[] keys = ShardKeys.onDistinctShards(server.server, "t", 2);
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            a.run("CLIENT", "TRACKING", "ON");
            a.run("MULTI");
            a.run("GET", keys[0]);
            a.run("GET", keys[1]);
            a.run("EXEC");
            w.run("SET", keys[0], "1");
            w.run("SET", keys[1], "1");
            assertEquals(push(keys[0]), s(a.readRaw()));
            assertEquals(push(keys[1]), s(a.readRaw()));
        }
    }

    @Test
    void shouldBoundTheTableAndTellTheClientsOfForgottenKeys() throws IOException {
        try (RawClient a = resp3(); RawClient w = new RawClient(server.port)) {
            assertEquals("*2\r\n$23\r\ntracking-table-max-keys\r\n$7\r\n1000000\r\n",
                    s(w.runRaw("CONFIG", "GET", "tracking-table-max-keys")));
            w.run("CONFIG", "SET", "tracking-table-max-keys", "3"); // 1 per shard with 3 shards
            a.run("CLIENT", "TRACKING", "ON");
            a.run("GET", "{m}1");
            a.run("GET", "{m}2"); // same shard: one of the two goes
            final String first = s(a.readRaw());
            assertTrue(first.equals(push("{m}1")) || first.equals(push("{m}2")), first);
            assertEquals(1, info("tracking_total_keys"));
        }
    }

    @Test
    void shouldLeaveNothingBehindAfterOffResetAndDisconnect() throws IOException {
        try (RawClient w = new RawClient(server.port)) {
            try (RawClient a = resp3()) {
                a.run("CLIENT", "TRACKING", "ON");
                a.run("GET", "gone");
                assertEquals("+OK\r\n", s(a.runRaw("CLIENT", "TRACKING", "OFF")));
                assertEquals(":-1\r\n", s(a.runRaw("CLIENT", "GETREDIR")));
                w.run("SET", "gone", "1");
                assertNull(a.readRawWithin(QUIET_MS));
                a.run("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p");
                a.run("RESET");
                assertEquals(0, info("tracking_clients"));
                assertEquals(0, info("tracking_total_prefixes"));
                a.run("HELLO", "3");
                a.run("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "q");
                assertTrue(String.valueOf(a.run("CLIENT", "TRACKING", "ON")).contains("switch BCAST mode"));
                a.run("CLIENT", "TRACKING", "OFF");
                a.run("CLIENT", "TRACKING", "ON");
                a.run("GET", "gone");
            }
            for (int i = 0; i < 100 && info("tracking_clients") != 0; i++) {
                sleep(20);
            }
            assertEquals(0, info("tracking_clients"));
            assertEquals(0, info("tracking_total_prefixes"));
            assertEquals(1, info("tracking_total_keys")); // dropped lazily, as in Redis
            w.run("SET", "gone", "2");
            assertEquals(0, info("tracking_total_keys"));
            assertEquals(0, info("tracking_total_items"));
        }
    }

    private static void sleep(final int ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
