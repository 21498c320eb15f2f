package io.moon.server.commands;

import io.moon.server.Shard;
import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The blocking pops on three shards: immediate answers, timeouts (decimals, 0, Redis 7.2's error
 * texts), wake-ups from connections on any shard, FIFO order among clients blocked on one key,
 * keys on several shards, BLMOVE across shards, CLIENT UNBLOCK, and that a client which stops
 * waiting (served, timed out, unblocked, disconnected) leaves no waiter on any shard.
 */
class BlockingCommandsTest extends SharedHarnessTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private final java.util.List<Harness.Client> opened = new java.util.ArrayList<>();

    /** A connection closed after the test, whatever happens. */
    private Harness.Client client() {
        final Harness.Client c = h.client();
        opened.add(c);
        return c;
    }

    @org.junit.jupiter.api.AfterEach
    void closeClients() {
        for (final Harness.Client c : opened) {
            c.close();
        }
        awaitBlocked(0);
    }

    private static List<Object> list(final Object... items) {
        return Arrays.asList(items);
    }

    /** Sends a command without waiting for its reply. */
    private static void send(final Harness.Client c, final String... args) {
        c.send(Resp.command(args));
    }

    private static long infoClients(final String field) {
        final String info = run("INFO", "clients").toString();
        for (final String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError("no " + field + " in " + info);
    }

    /** Waits (bounded) until INFO reports {@code n} blocked clients. */
    private static void awaitBlocked(final long n) {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (infoClients("blocked_clients") != n) {
            if (System.nanoTime() > end) {
                fail("blocked_clients never reached " + n + " (is " + infoClients("blocked_clients") + ")");
            }
            Thread.onSpinWait();
        }
    }

    /** Waiter nodes left on all shards, read on each shard's own thread. */
    static long leftovers(final Harness h) {
        long n = 0;
        for (int i = 0; i < h.server.shardCount(); i++) {
            final Shard s = h.server.shard(i);
            final CompletableFuture<Integer> f = new CompletableFuture<>();
            s.execute(() -> f.complete(s.blocked.nodeCount() + s.blocked.keyCount()));
            try {
                n += f.get(5, TimeUnit.SECONDS);
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return n;
    }

    private static void awaitNoLeftovers() {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (leftovers(h) != 0) {
            if (System.nanoTime() > end) {
                fail("waiters left behind: " + leftovers(h));
            }
            Thread.onSpinWait();
        }
    }

    // ---- without blocking ----------------------------------------------------------------------

    @Test
    void shouldPopAtOnceFromTheFirstNonEmptyList() {
        final String[] k = KeyPlacement.onDistinctShards(h, "nb", 3);
        assertInt(2, run("RPUSH", k[1], "a", "b"));
        assertInt(1, run("RPUSH", k[2], "z"));
        assertEquals(list(k[1], "a"), run("BLPOP", k[0], k[1], k[2], "0"));
        assertEquals(list(k[1], "b"), run("BRPOP", k[0], k[1], k[2], "0"));
        assertEquals(list(k[2], "z"), run("BLPOP", k[2] + "{x}", k[2], "1"));
        assertInt(0, run("EXISTS", k[1], k[2]));
        assertInt(3, run("RPUSH", "{t}a", "1", "2", "3"));
        assertEquals(list("{t}a", list("1", "2")), run("BLMPOP", "0", "2", "{t}b", "{t}a", "LEFT", "COUNT", "2"));
        assertEquals(list("{t}a", list("3")), run("BLMPOP", "0", "1", "{t}a", "RIGHT", "COUNT", "5"));
    }

    @Test
    void shouldAnswerWrongTypeOnlyWhenItComesBeforeAList() {
        assertOk(run("SET", "{w}s", "v"));
        assertInt(1, run("RPUSH", "{w}l", "x"));
        assertErrorText(WRONGTYPE, run("BLPOP", "{w}s", "{w}l", "0"));
        assertEquals(list("{w}l", "x"), run("BLPOP", "{w}l", "{w}s", "0"));
        assertErrorText(WRONGTYPE, run("BLMOVE", "{w}s", "{w}d", "LEFT", "LEFT", "0"));
        final String[] k = KeyPlacement.onDistinctShards(h, "wt", 2);
        assertOk(run("SET", k[0], "v"));
        assertErrorText(WRONGTYPE, run("BLPOP", k[0], k[1], "0"));
        assertErrorText(WRONGTYPE, run("BLMPOP", "0", "2", k[1], k[0], "LEFT"));
    }

    @Test
    void shouldCheckTheTimeoutAsRedis72() {
        assertErrorText("ERR timeout is not a float or out of range", run("BLPOP", "k", "abc"));
        assertErrorText("ERR timeout is not a float or out of range", run("BLPOP", "k", " 1"));
        assertErrorText("ERR timeout is not a float or out of range", run("BLPOP", "k", "nan"));
        assertErrorText("ERR timeout is negative", run("BLPOP", "k", "-1"));
        assertErrorText("ERR timeout is negative", run("BRPOP", "k", "-0.5"));
        assertErrorText("ERR timeout is negative", run("BLPOP", "k", "-inf"));
        assertErrorText("ERR timeout is out of range", run("BLPOP", "k", "inf"));
        assertErrorText("ERR timeout is out of range", run("BLPOP", "k", "1e300"));
        assertErrorText("ERR timeout is out of range", run("BLPOP", "k", "9223372036854775"));
        assertErrorText("ERR timeout is not a float or out of range", run("BLMPOP", "x", "1", "k", "LEFT"));
        assertErrorText("ERR numkeys should be greater than 0", run("BLMPOP", "x", "0", "k", "LEFT"));
        assertErrorText("ERR syntax error", run("BLMPOP", "0", "1", "k", "MIDDLE"));
        assertErrorText("ERR count should be greater than 0", run("BLMPOP", "0", "1", "k", "LEFT", "COUNT", "0"));
        assertErrorText("ERR syntax error", run("BLMOVE", "a", "b", "LEFT", "MIDDLE", "0"));
        assertErrorText("ERR timeout is not a float or out of range", run("BLMOVE", "a", "b", "LEFT", "LEFT", "x"));
        assertErrorText("ERR timeout is not a float or out of range", run("BRPOPLPUSH", "a", "b", "x"));
        final String[] k = KeyPlacement.onDistinctShards(h, "to", 2);
        assertErrorText("ERR timeout is negative", run("BLPOP", k[0], k[1], "-1"));
        assertErrorText("ERR timeout is negative", run("BLMOVE", k[0], k[1], "LEFT", "LEFT", "-1"));
    }

    // ---- timeouts ------------------------------------------------------------------------------

    @Test
    void shouldTimeOutWithANullArrayAfterADecimalTimeout() {
        final String[] k = KeyPlacement.onDistinctShards(h, "tm", 3);
        final long t0 = System.nanoTime();
        assertNil(run("BLPOP", k[0], "0.05"));
        assertNil(run("BRPOP", k[0], k[1], k[2], "0.05"));
        assertNil(run("BLMOVE", k[0], k[1], "LEFT", "RIGHT", "0.05"));
        assertNil(run("BLMOVE", "{m}a", "{m}b", "LEFT", "RIGHT", "0.05"));
        assertNil(run("BLMPOP", "0.05", "2", k[0], k[2], "LEFT"));
        assertNil(run("BLPOP", k[0], "0.001"));
        // each waited its time, give or take the millisecond clock's grain (deadlines are in ms)
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(245));
        assertInt(0, infoClients("blocked_clients"));
        awaitNoLeftovers();
    }

    @Test
    void shouldReplyNullInResp3AsUnderscore() throws Exception {
        final Harness.Client c = client();
        c.run("HELLO", "3");
        c.send(Resp.command("BLPOP", "r3", "0.01"));
        assertNil(c.read());
        c.close();
    }

    // ---- wake-ups ------------------------------------------------------------------------------

    @Test
    void shouldWakeAClientBlockedForeverFromAnyShardsConnection() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "wk", 3);
        for (final String key : k) {
            final Harness.Client waiter = client();
            send(waiter, "BLPOP", key, "0");
            awaitBlocked(1);
            assertTrue(waiter.silentFor(50));
            final Harness.Client pusher = client();
            assertInt(1, pusher.run("RPUSH", key, "v-" + key));
            assertEquals(list(key, "v-" + key), waiter.read());
            assertInt(0, run("EXISTS", key));
            waiter.close();
            pusher.close();
        }
        awaitBlocked(0);
        awaitNoLeftovers();
    }

    @Test
    void shouldServeClientsInTheOrderTheyBlocked() {
        final Harness.Client[] cs = new Harness.Client[4];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = client();
            send(cs[i], "BLPOP", "fifo", "0");
            awaitBlocked(i + 1);
        }
        assertInt(4, run("RPUSH", "fifo", "a", "b", "c", "d"));
        for (int i = 0; i < cs.length; i++) {
            assertEquals(list("fifo", String.valueOf((char) ('a' + i))), cs[i].read());
            cs[i].close();
        }
        assertInt(0, run("EXISTS", "fifo"));
        awaitNoLeftovers();
    }

    @Test
    void shouldServeOnlyAsManyClientsAsThereAreElements() throws Exception {
        final Harness.Client a = client();
        final Harness.Client b = client();
        send(a, "BRPOP", "few", "0");
        awaitBlocked(1);
        send(b, "BRPOP", "few", "0");
        awaitBlocked(2);
        assertInt(1, run("LPUSH", "few", "x"));
        assertEquals(list("few", "x"), a.read());
        assertTrue(b.silentFor(100));
        awaitBlocked(1);
        assertInt(1, run("LPUSH", "few", "y"));
        assertEquals(list("few", "y"), b.read());
        a.close();
        b.close();
        awaitNoLeftovers();
    }

    @Test
    void shouldWakeAClientBlockedOnKeysOfSeveralShardsExactlyOnce() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "ms", 3);
        final Harness.Client w = client();
        send(w, "BLPOP", k[0], k[1], k[2], "0");
        awaitBlocked(1);
        assertInt(2, run("RPUSH", k[1], "one", "two"));
        assertEquals(list(k[1], "one"), w.read());
        assertInt(1, run("RPUSH", k[2], "other"));
        assertTrue(w.silentFor(100));
        assertEquals(list("two"), run("LRANGE", k[1], "0", "-1"));
        assertEquals(list("other"), run("LRANGE", k[2], "0", "-1"));
        awaitNoLeftovers();
        send(w, "BLMPOP", "0", "2", k[0], "ms-missing", "RIGHT", "COUNT", "10");
        awaitBlocked(1);
        assertInt(3, run("RPUSH", k[0], "a", "b", "c"));
        assertEquals(list(k[0], list("c", "b", "a")), w.read());
        w.close();
        awaitNoLeftovers();
    }

    @Test
    void shouldMoveForABlockedClientAcrossShardsAtomically() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "mv", 2);
        final Harness.Client w = client();
        send(w, "BLMOVE", k[0], k[1], "RIGHT", "LEFT", "0");
        awaitBlocked(1);
        assertInt(1, run("RPUSH", k[1], "old"));
        assertInt(2, run("RPUSH", k[0], "x", "y"));
        assertEquals("y", w.read());
        assertEquals(list("x"), run("LRANGE", k[0], "0", "-1"));
        assertEquals(list("y", "old"), run("LRANGE", k[1], "0", "-1"));
        // at once when the source has elements, across shards and on one shard
        assertEquals("x", w.run("BRPOPLPUSH", k[0], k[1], "0"));
        assertEquals(list("x", "y", "old"), run("LRANGE", k[1], "0", "-1"));
        assertEquals("x", w.run("BLMOVE", k[1], k[1], "LEFT", "RIGHT", "0"));
        assertEquals(list("y", "old", "x"), run("LRANGE", k[1], "0", "-1"));
        // one shard, served after blocking
        send(w, "BRPOPLPUSH", "{s}src", "{s}dst", "0");
        awaitBlocked(1);
        assertInt(1, run("LPUSH", "{s}src", "e"));
        assertEquals("e", w.read());
        assertEquals(list("e"), run("LRANGE", "{s}dst", "0", "-1"));
        // a destination of another type: the blocked client gets WRONGTYPE, the source keeps its element
        assertOk(run("SET", "{s}bad", "v"));
        send(w, "BLMOVE", "{s}src2", "{s}bad", "LEFT", "LEFT", "0");
        awaitBlocked(1);
        assertInt(1, run("LPUSH", "{s}src2", "f"));
        assertErrorText(WRONGTYPE, w.read());
        assertEquals(list("f"), run("LRANGE", "{s}src2", "0", "-1"));
        w.close();
        awaitNoLeftovers();
    }

    @Test
    void shouldChainBlockedMovesIntoOtherBlockedClients() {
        final Harness.Client mover = client();
        final Harness.Client popper = client();
        send(popper, "BLPOP", "{c}b", "0");
        awaitBlocked(1);
        send(mover, "BLMOVE", "{c}a", "{c}b", "LEFT", "LEFT", "0");
        awaitBlocked(2);
        assertInt(1, run("RPUSH", "{c}a", "v"));
        assertEquals("v", mover.read());
        assertEquals(list("{c}b", "v"), popper.read());
        assertInt(0, run("EXISTS", "{c}a", "{c}b"));
        mover.close();
        popper.close();
        awaitNoLeftovers();
    }

    // ---- ending a wait otherwise -----------------------------------------------------------------

    @Test
    void shouldUnblockAsTimeoutOrError() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "ub", 2);
        final Harness.Client w = client();
        final long id = (Long) w.run("CLIENT", "ID");
        assertInt(0, run("CLIENT", "UNBLOCK", String.valueOf(id)));
        send(w, "BLPOP", k[0], k[1], "0");
        awaitBlocked(1);
        final String line = run("CLIENT", "LIST", "ID", String.valueOf(id)).toString();
        assertTrue(line.contains(" flags=b ") && line.contains(" cmd=blpop "), line);
        assertTrue(infoClients("total_blocking_keys") >= 2);
        assertInt(1, run("CLIENT", "UNBLOCK", String.valueOf(id)));
        assertNil(w.read());
        send(w, "BLMOVE", k[0], k[1], "LEFT", "LEFT", "0");
        awaitBlocked(1);
        assertInt(1, run("CLIENT", "UNBLOCK", String.valueOf(id), "ERROR"));
        assertErrorText("UNBLOCKED client unblocked via CLIENT UNBLOCK", w.read());
        assertEquals(new Resp.Simple("PONG"), w.run("PING"));
        assertErrorText("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR", run("CLIENT", "UNBLOCK", "1", "x"));
        assertErrorText("ERR value is not an integer or out of range", run("CLIENT", "UNBLOCK", "abc"));
        assertErrorText("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.",
                run("CLIENT", "UNBLOCK", "1", "ERROR", "x"));
        assertInt(0, run("CLIENT", "UNBLOCK", "-1"));
        w.close();
        awaitNoLeftovers();
    }

    @Test
    void shouldLeaveNothingBehindWhenABlockedClientDisconnects() {
        final String[] k = KeyPlacement.onDistinctShards(h, "dc", 3);
        final Harness.Client a = client();
        final Harness.Client b = client();
        send(a, "BLPOP", k[0], k[1], k[2], "0");
        send(b, "BLMOVE", k[0], k[1], "LEFT", "LEFT", "100");
        awaitBlocked(2);
        assertTrue(leftovers(h) > 0);
        a.close();
        b.close();
        awaitBlocked(0);
        awaitNoLeftovers();
        assertInt(1, run("RPUSH", k[0], "kept"));
        assertEquals(list("kept"), run("LRANGE", k[0], "0", "-1"));
    }

    @Test
    void shouldKeepPipelinedCommandsBehindABlockedOne() {
        final Harness.Client w = client();
        final byte[] a = Resp.command("BLPOP", "pp", "0");
        final byte[] b = Resp.command("PING");
        final byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        w.send(both);
        awaitBlocked(1);
        assertInt(1, run("RPUSH", "pp", "v"));
        assertEquals(list("pp", "v"), w.read());
        assertEquals(new Resp.Simple("PONG"), w.read());
        w.close();
    }

    // ---- sorted sets ---------------------------------------------------------------------------

    @Test
    void shouldPopSortedSetsAtOnceOrWhenFed() {
        final String[] k = KeyPlacement.onDistinctShards(h, "zs", 3);
        assertInt(2, run("ZADD", k[1], "1", "a", "2", "b"));
        assertEquals(list(k[1], "a", "1"), run("BZPOPMIN", k[0], k[1], "0"));
        assertEquals(list(k[1], "b", "2"), run("BZPOPMAX", k[1], "0"));
        assertNil(run("BZPOPMIN", k[0], k[2], "0.02"));
        assertNil(run("BZMPOP", "0.02", "2", k[0], k[2], "MIN"));
        assertErrorText("ERR syntax error", run("BZMPOP", "0", "1", k[0], "MID"));
        assertErrorText("ERR count should be greater than 0", run("BZMPOP", "0", "1", k[0], "MIN", "COUNT", "0"));
        assertErrorText("ERR numkeys should be greater than 0", run("BZMPOP", "0", "0", k[0], "MIN"));
        // counts from 2^62 up pop what there is (they once packed into a negative value: no reply)
        assertInt(2, run("ZADD", k[2], "1", "a", "2", "b"));
        assertEquals(list(k[2], list(list("b", "2"), list("a", "1"))),
                run("BZMPOP", "0.01", "1", k[2], "MAX", "COUNT", "9223372036854775806"));
        assertInt(2, run("ZADD", k[2], "1", "a", "2", "b"));
        assertEquals(list(k[2], list(list("a", "1"), list("b", "2"))),
                run("ZMPOP", "1", k[2], "MIN", "COUNT", "4611686018427387904"));
        assertInt(2, run("RPUSH", k[2] + "l", "a", "b"));
        assertEquals(list(k[2] + "l", list("a", "b")),
                run("BLMPOP", "0.01", "1", k[2] + "l", "LEFT", "COUNT", "9223372036854775807"));
        assertInt(2, run("RPUSH", k[2] + "l", "a", "b"));
        assertEquals(list(k[2] + "l", list("b", "a")),
                run("LMPOP", "1", k[2] + "l", "RIGHT", "COUNT", "4611686018427387904"));
        assertNil(run("LMPOP", "1", k[2] + "l", "RIGHT", "COUNT", "4611686018427387904"));
        assertErrorText("ERR timeout is negative", run("BZPOPMAX", k[0], "-1"));
        final Harness.Client w = client();
        send(w, "BZPOPMAX", k[0], k[1], k[2], "0");
        awaitBlocked(1);
        assertInt(1, run("RPUSH", k[2], "not-a-zset"));
        assertTrue(silent(w));
        assertInt(2, run("ZADD", k[0], "5", "x", "7", "y"));
        assertEquals(list(k[0], "y", "7"), w.read());
        send(w, "BZMPOP", "0", "2", "zs-none", k[1], "MIN", "COUNT", "5");
        awaitBlocked(1);
        assertInt(2, run("ZADD", k[1], "3", "p", "4", "q"));
        assertEquals(list(k[1], list(list("p", "3"), list("q", "4"))), w.read());
        assertErrorText(WRONGTYPE, run("BZPOPMIN", k[2], "0"));
        awaitNoLeftovers();
    }

    private static boolean silent(final Harness.Client c) {
        try {
            return c.silentFor(100);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- many clients --------------------------------------------------------------------------

    /**
     * Four shards, 8 clients blocking on keys of every shard, 4 pushers on other connections: every
     * element pushed is popped by exactly one client, none is lost, none twice.
     */
    @Test
    void shouldDeliverEveryElementExactlyOnceUnderConcurrency() throws Exception {
        final int consumers = 8;
        final int pushers = 4;
        final int perPusher = 500;
        try (Harness h4 = Harness.start(4)) {
            final String[] keys = KeyPlacement.onDistinctShards(h4, "cc", 4);
            final java.util.concurrent.ConcurrentHashMap<String, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();
            final java.util.concurrent.atomic.AtomicInteger duplicates = new java.util.concurrent.atomic.AtomicInteger();
            final java.util.concurrent.atomic.AtomicBoolean pushing = new java.util.concurrent.atomic.AtomicBoolean(true);
            final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                    consumers + pushers);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            final java.util.List<java.util.concurrent.Future<?>> tasks = new java.util.ArrayList<>();
            for (int i = 0; i < consumers; i++) {
                final Harness.Client c = h4.client();
                final int me = i;
                tasks.add(pool.submit(() -> {
                    final String[] args = new String[keys.length + 2];
                    args[0] = me % 2 == 0 ? "BLPOP" : "BRPOP";
                    for (int k = 0; k < keys.length; k++) {
                        args[1 + k] = keys[(k + me) % keys.length];
                    }
                    args[args.length - 1] = "0.2";
                    while (System.nanoTime() < deadline) {
                        final Object r = c.run(args);
                        if (r == null) {
                            if (!pushing.get()) {
                                return;
                            }
                            continue;
                        }
                        final String v = (String) ((List<?>) r).get(1);
                        if (seen.put(v, me) != null) {
                            duplicates.incrementAndGet();
                        }
                    }
                }));
            }
            final java.util.List<java.util.concurrent.Future<?>> pushes = new java.util.ArrayList<>();
            for (int p = 0; p < pushers; p++) {
                final Harness.Client c = h4.client();
                final int me = p;
                pushes.add(pool.submit(() -> {
                    final java.util.Random rnd = new java.util.Random(me);
                    for (int i = 0; i < perPusher; i++) {
                        final String key = keys[rnd.nextInt(keys.length)];
                        c.run(rnd.nextBoolean() ? "LPUSH" : "RPUSH", key, me + ":" + i);
                    }
                }));
            }
            for (final java.util.concurrent.Future<?> f : pushes) {
                f.get(60, TimeUnit.SECONDS);
            }
            // let the consumers drain what is left, then stop
            final long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.size() < pushers * perPusher && System.nanoTime() < drainEnd) {
                Thread.sleep(10);
            }
            pushing.set(false);
            for (final java.util.concurrent.Future<?> f : tasks) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
            assertEquals(0, duplicates.get(), "elements popped twice");
            assertEquals(pushers * perPusher, seen.size(), "elements lost");
            for (final String key : keys) {
                assertInt(0, h4.run("EXISTS", key));
            }
            assertEquals(0, leftovers(h4));
        }
    }
}
