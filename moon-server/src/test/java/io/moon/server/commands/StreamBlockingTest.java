package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * XREAD BLOCK and XREADGROUP BLOCK on three shards: timeouts (nil in RESP2 and RESP3), wake-ups by
 * XADD from any connection with keys on one shard or several, {@code $} meaning the last ID when
 * the client blocked, {@code >} the group's next entries, XREADGROUP's errors when its stream or
 * group goes while it waits (Redis 7.2's: the command runs again), MULTI answering at once, CLIENT
 * UNBLOCK, and no waiter left on any shard afterwards.
 */
class StreamBlockingTest extends SharedHarnessTest {
    private final List<Harness.Client> opened = new ArrayList<>();

    private Harness.Client client() {
        final Harness.Client c = h.client();
        opened.add(c);
        return c;
    }

    @AfterEach
    void closeClients() {
        for (final Harness.Client c : opened) {
            c.close();
        }
        awaitBlocked(0);
        awaitNoLeftovers();
    }

    private static void send(final Harness.Client c, final String... args) {
        c.send(Resp.command(args));
    }

    private static List<Object> entry(final String id, final String... fv) {
        return List.of(id, List.of((Object[]) fv));
    }

    private static long blockedClients() {
        return infoClients("blocked_clients");
    }

    private static long infoClients(final String field) {
        for (final String line : run("INFO", "clients").toString().split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError("no " + field);
    }

    private static void awaitBlocked(final long n) {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (blockedClients() != n) {
            if (System.nanoTime() > end) {
                fail("blocked_clients never reached " + n + " (is " + blockedClients() + ")");
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitNoLeftovers() {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (BlockingCommandsTest.leftovers(h) != 0) {
            if (System.nanoTime() > end) {
                fail("waiters left behind: " + BlockingCommandsTest.leftovers(h));
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldTimeOutWithNil() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "tm", 2);
        run("XADD", k[0], "1-0", "f", "v");
        final long t0 = System.nanoTime();
        assertNil(run("XREAD", "BLOCK", "50", "STREAMS", k[0], "$"));
        assertNil(run("XREAD", "BLOCK", "50", "STREAMS", k[0], k[1], "$", "$"));
        assertOk(run("XGROUP", "CREATE", k[0], "g", "$"));
        assertNil(run("XREADGROUP", "GROUP", "g", "c", "BLOCK", "50", "STREAMS", k[0], ">"));
        // each waited its 50 ms, give or take the millisecond clock's grain (deadlines are in ms)
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(145));
        final Harness.Client c = client();
        c.run("HELLO", "3");
        send(c, "XREAD", "BLOCK", "10", "STREAMS", k[0], k[1], "$", "$");
        assertNil(c.read()); // "_"
        // entries there already: served at once, BLOCK or not
        assertEquals(List.of(List.of(k[0], List.of(entry("1-0", "f", "v")))),
                run("XREAD", "BLOCK", "0", "STREAMS", k[0], k[1], "0", "$"));
    }

    @Test
    void shouldCheckTheTimeoutAsRedis72() {
        assertErrorText("ERR timeout is not an integer or out of range", run("XREAD", "BLOCK", "x", "STREAMS", "s", "$"));
        assertErrorText("ERR timeout is negative", run("XREAD", "BLOCK", "-1", "STREAMS", "s", "$"));
        assertErrorText("ERR timeout is out of range", run("XREAD", "BLOCK", "9223372036854775807", "STREAMS", "s",
                "$"));
    }

    @Test
    void shouldServeANewEntryToEveryReaderBlockedOnDollar() throws Exception {
        run("XADD", "{b}s", "1-0", "old", "x");
        final Harness.Client a = client();
        final Harness.Client b = client();
        send(a, "XREAD", "BLOCK", "0", "STREAMS", "{b}s", "$");
        send(b, "XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "{b}other", "{b}s", "$", "$");
        awaitBlocked(2);
        assertEquals(0, infoClients("total_blocking_keys_on_nokey"));
        run("XADD", "{b}s", "2-0", "new", "y");
        final Object want = List.of(List.of("{b}s", List.of(entry("2-0", "new", "y"))));
        assertEquals(want, a.read());
        assertEquals(want, b.read());
    }

    @Test
    void shouldWaitOnKeysOfSeveralShards() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "ms", 3);
        run("XADD", k[2], "5-0", "f", "v");
        final Harness.Client a = client();
        send(a, "XREAD", "BLOCK", "0", "STREAMS", k[0], k[1], k[2], "$", "$", "$");
        awaitBlocked(1);
        run("XADD", k[1], "1-0", "f", "v1");
        assertEquals(List.of(List.of(k[1], List.of(entry("1-0", "f", "v1")))), a.read());
        // an entry below the ID waited for leaves the client waiting; one above serves it
        send(a, "XREAD", "BLOCK", "0", "STREAMS", k[0], k[2], "$", "7-0");
        awaitBlocked(1);
        run("XADD", k[2], "6-0", "f", "v6");
        assertTrue(a.silentFor(50));
        awaitBlocked(1);
        run("XADD", k[2], "8-0", "f", "v8");
        assertEquals(List.of(List.of(k[2], List.of(entry("8-0", "f", "v8")))), a.read());
    }

    @Test
    void shouldDeliverNewEntriesToABlockedGroupReader() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "gr", 2);
        for (final String key : k) {
            assertOk(run("XGROUP", "CREATE", key, "g", "$", "MKSTREAM"));
        }
        final Harness.Client one = client();
        final Harness.Client two = client();
        send(one, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "BLOCK", "0", "STREAMS", k[0], ">");
        send(two, "XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "BLOCK", "0", "STREAMS", k[0], k[1], ">", ">");
        awaitBlocked(2);
        assertEquals(2, infoClients("total_blocking_keys"));
        assertEquals(2, infoClients("total_blocking_keys_on_nokey")); // XREADGROUP's keys (7.2's INFO field)
        run("XADD", k[1], "1-0", "f", "v");
        assertEquals(List.of(List.of(k[1], List.of(entry("1-0", "f", "v")))), two.read());
        send(two, "XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "BLOCK", "0", "STREAMS", k[0], ">");
        awaitBlocked(2);
        // two entries, two readers of one group: one each (which gets which depends on who runs first)
        run("XADD", k[0], "1-0", "f", "w");
        run("XADD", k[0], "2-0", "f", "x");
        final java.util.Set<Object> got = new java.util.HashSet<>();
        got.add(one.read());
        got.add(two.read());
        assertEquals(java.util.Set.of(List.of(List.of(k[0], List.of(entry("1-0", "f", "w")))),
                List.of(List.of(k[0], List.of(entry("2-0", "f", "x"))))), got);
        final List<List<Object>> pending = pendingOf(k[0]);
        assertEquals(2, pending.size());
        assertEquals(java.util.Set.of("alice", "bob"), java.util.Set.of(pending.get(0).get(1), pending.get(1).get(1)));
        assertEquals(List.of(List.of("1-0", "bob", 1L)), pendingOf(k[1]));
    }

    @Test
    void shouldServeGroupReadersOfOneShardInTheOrderTheyBlocked() throws Exception {
        assertOk(run("XGROUP", "CREATE", "{f}s", "g", "$", "MKSTREAM"));
        final Harness.Client first = client();
        final Harness.Client second = client();
        send(first, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "{f}s", ">");
        awaitBlocked(1);
        send(second, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "{f}s", ">");
        awaitBlocked(2);
        run("XADD", "{f}s", "1-0", "f", "v");
        // served on the stream's shard right after the XADD, before any later command
        assertEquals(List.of(List.of("1-0", "a", 1L)), pendingOf("{f}s"));
        assertEquals(List.of(List.of("{f}s", List.of(entry("1-0", "f", "v")))), first.read());
        assertTrue(second.silentFor(30));
        run("XADD", "{f}s", "2-0", "f", "w");
        assertEquals(List.of(List.of("{f}s", List.of(entry("2-0", "f", "w")))), second.read());
    }

    private static List<List<Object>> pendingOf(final String key) {
        final List<List<Object>> out = new ArrayList<>();
        for (final Object o : (List<?>) run("XPENDING", key, "g", "-", "+", "10")) {
            final List<?> l = (List<?>) o;
            out.add(List.of(l.get(0), l.get(1), l.get(3)));
        }
        return out;
    }

    @Test
    void shouldAnswerAGroupReaderWhoseStreamOrGroupWent() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "gone", 2);
        final Harness.Client a = client();
        assertOk(run("XGROUP", "CREATE", k[0], "g", "$", "MKSTREAM"));
        send(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k[0], ">");
        awaitBlocked(1);
        assertInt(1, run("DEL", k[0]));
        assertErrorText("NOGROUP No such key '" + k[0] + "' or consumer group 'g' in XREADGROUP with GROUP option",
                a.read());
        assertOk(run("XGROUP", "CREATE", k[0], "g", "$", "MKSTREAM"));
        send(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k[0], ">");
        awaitBlocked(1);
        assertOk(run("SET", k[0], "now a string"));
        assertErrorText("WRONGTYPE Operation against a key holding the wrong kind of value", a.read());
        // across shards, and the group destroyed rather than the key
        assertInt(1, run("DEL", k[0]));
        for (final String key : k) {
            assertOk(run("XGROUP", "CREATE", key, "g", "$", "MKSTREAM"));
        }
        send(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k[0], k[1], ">", ">");
        awaitBlocked(1);
        assertInt(1, run("XGROUP", "DESTROY", k[1], "g"));
        assertErrorText("NOGROUP No such key '" + k[1] + "' or consumer group 'g' in XREADGROUP with GROUP option",
                a.read());
        // FLUSHALL empties the keyspace without deleting key by key: the reader hears it too
        assertOk(run("XGROUP", "CREATE", k[1], "g", "$", "MKSTREAM"));
        send(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k[1], ">");
        awaitBlocked(1);
        assertOk(run("FLUSHALL"));
        assertErrorText("NOGROUP No such key '" + k[1] + "' or consumer group 'g' in XREADGROUP with GROUP option",
                a.read());
        assertOk(run("XGROUP", "CREATE", k[0], "g", "$", "MKSTREAM"));
        // a plain XREAD keeps waiting when its key goes
        send(a, "XREAD", "BLOCK", "0", "STREAMS", k[0], "$");
        awaitBlocked(1);
        assertInt(1, run("DEL", k[0]));
        assertTrue(a.silentFor(50));
        run("XADD", k[0], "1-0", "f", "v");
        assertEquals(List.of(List.of(k[0], List.of(entry("1-0", "f", "v")))), a.read());
    }

    @Test
    void shouldAnswerAtOnceInsideMulti() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "mu", 2);
        assertOk(run("XGROUP", "CREATE", k[0], "g", "$", "MKSTREAM"));
        final Harness.Client a = client();
        assertOk(a.run("MULTI"));
        a.run("XREAD", "BLOCK", "0", "STREAMS", k[0], "$");
        a.run("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k[0], ">");
        final List<?> replies = (List<?>) a.run("EXEC");
        assertEquals(2, replies.size());
        assertNil(replies.get(0));
        assertNil(replies.get(1));
        assertOk(a.run("MULTI"));
        a.run("XREAD", "BLOCK", "0", "STREAMS", k[0], k[1], "$", "$");
        assertNil(((List<?>) a.run("EXEC")).get(0));
    }

    @Test
    void shouldEndTheWaitOnClientUnblock() throws Exception {
        final String[] k = KeyPlacement.onDistinctShards(h, "ub", 2);
        final Harness.Client a = client();
        final long id = (Long) a.run("CLIENT", "ID");
        send(a, "XREAD", "BLOCK", "0", "STREAMS", k[0], k[1], "$", "$");
        awaitBlocked(1);
        final String line = run("CLIENT", "LIST", "ID", String.valueOf(id)).toString();
        assertTrue(line.contains(" flags=b ") && line.contains(" cmd=xread "), line);
        assertInt(1, run("CLIENT", "UNBLOCK", String.valueOf(id)));
        assertNil(a.read());
        send(a, "XREAD", "BLOCK", "0", "STREAMS", k[0], "$");
        awaitBlocked(1);
        assertInt(1, run("CLIENT", "UNBLOCK", String.valueOf(id), "ERROR"));
        assertErrorText("UNBLOCKED client unblocked via CLIENT UNBLOCK", a.read());
        // a client that disconnects while blocked leaves nothing behind (checked after each test)
        final Harness.Client b = client();
        send(b, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k[0], ">");
        assertErrorText("NOGROUP No such key '" + k[0] + "' or consumer group 'g' in XREADGROUP with GROUP option",
                b.read());
        send(b, "XREAD", "BLOCK", "0", "STREAMS", k[0], k[1], "$", "$");
        awaitBlocked(1);
        b.close();
    }

    @Test
    void shouldKeepTheFirstDeadlineWhenRunAgain() throws Exception {
        final Harness.Client a = client();
        run("XADD", "{d}s", "5-0", "f", "v");
        final long t0 = System.nanoTime();
        send(a, "XREAD", "BLOCK", "300", "STREAMS", "{d}s", "9-0");
        awaitBlocked(1);
        run("XADD", "{d}s", "6-0", "f", "v"); // runs it again: still nothing past 9-0
        assertNil(a.read());
        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 290 && ms < 2000, ms + " ms");
    }
}
