package io.moon.server.xshard;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Shard;
import io.moon.server.command.CommandSpec;
import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The held-session API scripts run on: locks taken once, commands run where their keys live (or
 * gathered when they span shards) under those locks, nothing else seen in between.
 */
class HeldSessionTest extends SharedHarnessTest {
    private List<String> keys;

    @BeforeEach
    void pickKeys() {
        keys = new ArrayList<>();
        final boolean[] used = new boolean[h.server.shardCount()];
        for (int i = 0; keys.size() < 3; i++) {
            final byte[] k = ("held" + i).getBytes(StandardCharsets.ISO_8859_1);
            final int s = h.server.shardOf(k, 0, k.length);
            if (!used[s]) {
                used[s] = true;
                keys.add("held" + i);
            }
        }
    }

    /** A session created on shard 0's thread, as a command handler would. */
    private static BlockingSession session(final java.util.function.Consumer<HeldSession> declare) throws Exception {
        final Shard shard = h.server.shard(0);
        final CompletableFuture<HeldSession> f = new CompletableFuture<>();
        shard.execute(() -> {
            final Ctx c = new Ctx(shard, shard.keyspace);
            final Reply r = new Reply();
            r.bind(io.netty.buffer.Unpooled.buffer(8), 2);
            c.bind(0, Request.of("PING"), r, spec("ping"));
            final HeldSession s = new HeldSession(c);
            declare.accept(s);
            f.complete(s);
        });
        return new BlockingSession(f.get(10, TimeUnit.SECONDS));
    }

    private static CommandSpec spec(final String name) {
        final byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        return h.server.commands.lookup(b, 0, b.length);
    }

    private static String call(final BlockingSession s, final String... args) throws InterruptedException {
        return new String(s.call(0, 2, Request.of(args), spec(args[0].toLowerCase())), StandardCharsets.UTF_8);
    }

    private static byte[] key(final String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRunCommandsOnTheirShardsAndGatherCommandsThatSpanShards() throws Exception {
        final String a = keys.get(0);
        final String b = keys.get(1);
        final BlockingSession s = session(x -> {
            x.holdKey(0, key(a), true);
            x.holdKey(0, key(b), true);
        });
        s.open();
        assertEquals("+OK\r\n", call(s, "SET", a, "1"));
        assertEquals(":2\r\n", call(s, "INCR", a));
        assertEquals("+OK\r\n", call(s, "MSET", a, "x", b, "y"));
        assertEquals("*2\r\n$1\r\nx\r\n$1\r\ny\r\n", call(s, "MGET", a, b));
        assertEquals("+PONG\r\n", call(s, "PING"));
        s.close("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("x", run("GET", a));
        assertEquals("y", run("GET", b));
    }

    @Test
    void shouldRefuseKeysItDoesNotHoldOrHoldsOnlyForReading() throws Exception {
        final String a = keys.get(0);
        final String c = keys.get(2);
        run("SET", a, "v");
        final BlockingSession s = session(x -> x.holdKey(0, key(a), false));
        s.open();
        assertEquals("$1\r\nv\r\n", call(s, "GET", a));
        assertTrue(call(s, "SET", a, "w").startsWith("-ERR the key is not held"));
        assertTrue(call(s, "GET", c).startsWith("-ERR the key is not held"));
        s.close("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("v", run("GET", a));
    }

    @Test
    void shouldHoldEveryShardSoAnyKeyRunsAndOthersWaitUntilClose() throws Exception {
        final String a = keys.get(0);
        final String b = keys.get(1);
        final BlockingSession s = session(HeldSession::holdAll);
        s.open();
        final Harness.Client other = h.client();
        other.send("*2\r\n$3\r\nGET\r\n$".concat(Integer.toString(b.length())).concat("\r\n" + b + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("+OK\r\n", call(s, "SET", b, "during"));
        assertEquals(":1\r\n", call(s, "RPUSH", a, "e"));
        assertTrue(call(s, "DBSIZE").startsWith("-ERR 'dbsize' cannot run inside"));
        assertTrue(other.silentFor(200), "a reader ran while the session held every shard");
        s.close("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("during", other.read());
        other.close();
        assertEquals(List.of("e"), run("LRANGE", a, "0", "-1"));
    }

    @Test
    void shouldNeverDeadlockOverlappingSessionsDeclaredInAnyOrder() throws Exception {
        final String a = keys.get(0);
        final String b = keys.get(1);
        final int rounds = 40;
        final List<Thread> ts = new ArrayList<>();
        final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 3; t++) {
            final boolean reversed = t % 2 == 1;
            final boolean all = t == 2;
            ts.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        final BlockingSession s = session(x -> {
                            if (all) {
                                x.holdAll();
                            } else {
                                x.holdKey(0, key(reversed ? b : a), true);
                                x.holdKey(0, key(reversed ? a : b), true);
                            }
                        });
                        s.open();
                        call(s, "INCR", a);
                        call(s, "INCR", b);
                        s.close("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (final Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (final Thread t : ts) {
            assertTrue(t.join(java.time.Duration.ofSeconds(60)), "a session never finished (deadlock?)");
        }
        assertEquals(List.of(), errors);
        assertEquals(Integer.toString(3 * rounds), run("GET", a));
        assertEquals(Integer.toString(3 * rounds), run("GET", b));
    }

    @Test
    void shouldRejectCommandsBeforeOpen() throws Exception {
        final BlockingSession s = session(x -> x.holdKey(0, key(keys.get(0)), true));
        assertThrows(IllegalStateException.class, () -> call(s, "GET", keys.get(0)));
        s.open();
        s.close("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}
