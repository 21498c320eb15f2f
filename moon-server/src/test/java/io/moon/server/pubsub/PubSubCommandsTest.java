package io.moon.server.pubsub;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and
 * PUBSUB on 3 shards: connections are homed on different shards, so deliveries cross them.
 * Reply shapes as redis-server 7.0 writes them.
 */
class PubSubCommandsTest extends SharedHarnessTest {
    private static final String REFUSED = "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING"
            + " / QUIT / RESET are allowed in this context";

    private static List<Object> l(final Object... o) {
        return Arrays.asList(o);
    }

    @Test
    void shouldConfirmSubscriptionsWithCounts() {
        final Harness.Client c = h.client();
        assertEquals(l("unsubscribe", null, 0L), c.run("UNSUBSCRIBE"));
        assertEquals(l("punsubscribe", null, 0L), c.run("PUNSUBSCRIBE"));
        assertEquals(l("sunsubscribe", null, 0L), c.run("SUNSUBSCRIBE"));
        c.send(Resp.command("SUBSCRIBE", "a", "b", "a"));
        assertEquals(l("subscribe", "a", 1L), c.read());
        assertEquals(l("subscribe", "b", 2L), c.read());
        assertEquals(l("subscribe", "a", 2L), c.read());
        assertEquals(l("psubscribe", "p*", 3L), c.run("PSUBSCRIBE", "p*"));
        assertEquals(l("ssubscribe", "s", 1L), c.run("SSUBSCRIBE", "s"));
        assertEquals(l("unsubscribe", "x", 3L), c.run("UNSUBSCRIBE", "x"));
        c.send(Resp.command("UNSUBSCRIBE"));
        assertEquals(l("unsubscribe", "a", 2L), c.read());
        assertEquals(l("unsubscribe", "b", 1L), c.read());
        assertEquals(l("punsubscribe", "p*", 0L), c.run("PUNSUBSCRIBE"));
        assertEquals(l("sunsubscribe", "s", 0L), c.run("SUNSUBSCRIBE", "s"));
        Harness.assertOk(c.run("SET", "k", "v"));
        c.close();
    }

    @Test
    void shouldRefuseOtherCommandsWhileSubscribedInResp2() {
        final Harness.Client c = h.client();
        c.run("SSUBSCRIBE", "s");
        assertErrorText(String.format(REFUSED, "get"), c.run("GET", "x"));
        assertErrorText(String.format(REFUSED, "client|id"), c.run("CLIENT", "ID"));
        assertEquals(l("pong", ""), c.run("PING"));
        assertEquals(l("pong", "hi"), c.run("PING", "hi"));
        assertEquals(new Resp.Simple("RESET"), c.run("RESET"));
        assertEquals(new Resp.Simple("PONG"), c.run("PING"));
        assertInt(0, c.run("SPUBLISH", "s", "m"));
        c.close();
    }

    @Test
    void shouldDeliverAcrossShardsWithReceiverCounts() {
        final Harness.Client[] subs = new Harness.Client[6];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = h.client();
            subs[i].run("SUBSCRIBE", "news");
        }
        final Harness.Client p = h.client();
        assertEquals(l("psubscribe", "n*", 1L), p.run("PSUBSCRIBE", "n*"));
        final Harness.Client pub = h.client();
        assertInt(7, pub.run("PUBLISH", "news", "hello"));
        for (final Harness.Client s : subs) {
            assertEquals(l("message", "news", "hello"), s.read());
        }
        assertEquals(l("pmessage", "n*", "news", "hello"), p.read());
        assertInt(1, pub.run("PUBLISH", "nothing-but-pattern", "x"));
        assertEquals(l("pmessage", "n*", "nothing-but-pattern", "x"), p.read());
        assertInt(0, pub.run("PUBLISH", "other", "x"));
        assertEquals(l("news", 6L, "zz", 0L), pub.run("PUBSUB", "NUMSUB", "news", "zz"));
        assertInt(1, pub.run("PUBSUB", "NUMPAT"));
        assertEquals(l("news"), pub.run("PUBSUB", "CHANNELS", "ne*"));
        assertEquals(l(), pub.run("PUBSUB", "CHANNELS", "x*"));
        assertErrorText("ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.",
                pub.run("PUBSUB", "CHANNELS", "a", "b"));
        assertEquals(14, ((List<?>) pub.run("PUBSUB", "HELP")).size());
        for (final Harness.Client s : subs) {
            s.close();
        }
        p.close();
        // closed subscribers leave nothing behind (their homes drop them)
        for (int i = 0; i < 200 && ((Long) pub.run("PUBLISH", "news", "x")) != 0; i++) {
            Thread.onSpinWait();
        }
        assertInt(0, pub.run("PUBLISH", "news", "x"));
        assertInt(0, pub.run("PUBSUB", "NUMPAT"));
        pub.close();
    }

    @Test
    void shouldKeepShardChannelsApart() {
        final Harness.Client s = h.client();
        assertEquals(l("ssubscribe", "c", 1L), s.run("SSUBSCRIBE", "c"));
        final Harness.Client pub = h.client();
        assertInt(0, pub.run("PUBLISH", "c", "x"));
        assertInt(1, pub.run("SPUBLISH", "c", "y"));
        assertEquals(l("smessage", "c", "y"), s.read());
        assertEquals(l("c"), pub.run("PUBSUB", "SHARDCHANNELS"));
        assertEquals(l("c", 1L), pub.run("PUBSUB", "SHARDNUMSUB", "c"));
        assertEquals(l(), pub.run("PUBSUB", "CHANNELS"));
        s.close();
        pub.close();
    }

    @Test
    void shouldPushInResp3AndAllowCommandsThere() {
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        assertEquals(l("subscribe", "x", 1L), c.run("SUBSCRIBE", "x"));
        assertEquals(new Resp.Simple("PONG"), c.run("PING"));
        assertEquals(null, c.run("GET", "nokey"));
        // a message to oneself follows PUBLISH's own reply (Redis 7.2; 7.0 sent it before)
        c.send(Resp.command("PUBLISH", "x", "hi"));
        assertInt(1, c.read());
        assertEquals(l("message", "x", "hi"), c.read());
        assertEquals(l("unsubscribe", "x", 0L), c.run("UNSUBSCRIBE"));
        assertEquals(l("punsubscribe", null, 0L), c.run("PUNSUBSCRIBE"));
        c.close();
    }

    @Test
    void shouldKeepOrderPerPublisherAcrossShards() {
        final Harness.Client[] subs = new Harness.Client[4];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = h.client();
            subs[i].run(i % 2 == 0 ? "SUBSCRIBE" : "PSUBSCRIBE", i % 2 == 0 ? "seq" : "se?");
        }
        final Harness.Client pub = h.client();
        final int n = 500;
        for (int i = 0; i < n; i++) {
            pub.send(Resp.command("PUBLISH", "seq", Integer.toString(i)));
        }
        for (int i = 0; i < n; i++) {
            assertInt(4, pub.read());
        }
        for (int k = 0; k < subs.length; k++) {
            for (int i = 0; i < n; i++) {
                final List<?> m = (List<?>) subs[k].read();
                assertEquals(Integer.toString(i), m.get(m.size() - 1), "subscriber " + k);
            }
            subs[k].close();
        }
        pub.close();
    }

    @Test
    void shouldPushToOneselfAfterTheWholeReplyOfATransactionOrScript() throws Exception {
        // Redis 7.2 (pending_push_messages): pushes to the client running a command wait for its
        // reply, so they never land inside EXEC's array or before a script's result
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        assertEquals(l("subscribe", "foo", 1L), c.run("SUBSCRIBE", "foo"));
        Harness.assertOk(c.run("MULTI"));
        c.run("PING", "abc");
        c.run("PUBLISH", "foo", "bar");
        c.run("PUBLISH", "foo", "vaz");
        c.run("PING", "def");
        assertEquals(l("abc", 1L, 1L, "def"), c.run("EXEC"));
        assertEquals(l("message", "foo", "bar"), c.read());
        assertEquals(l("message", "foo", "vaz"), c.read());
        assertEquals("bla", c.run("EVAL", "redis.call('publish', 'foo', 'x'); redis.call('ping'); return 'bla'", "0"));
        assertEquals(l("message", "foo", "x"), c.read());
        // subscribe confirmations are the reply itself: they stay in EXEC's array, in place
        Harness.assertOk(c.run("MULTI"));
        c.run("PING", "abc");
        c.run("UNSUBSCRIBE", "foo");
        c.run("PING", "def");
        assertEquals(l("abc", l("unsubscribe", "foo", 0L), "def"), c.run("EXEC"));
        assertTrue(c.silentFor(100));
        c.close();
    }

    @Test
    void shouldNotifyOwnWritesAfterTheirReplyOnEveryShard() throws Exception {
        final Harness.Client c = h.client();
        final Harness.Client admin = h.client();
        Harness.assertOk(admin.run("CONFIG", "SET", "notify-keyspace-events", "K$"));
        try {
            c.run("HELLO", "3");
            c.run("PSUBSCRIBE", "__keyspace@0__:own*");
            // keys spread over the shards: the connection's own and the others alike
            for (int i = 0; i < 12; i++) {
                final String k = "own" + i;
                Harness.assertOk(c.run("SET", k, "v"));
                assertEquals(l("pmessage", "__keyspace@0__:own*", "__keyspace@0__:" + k, "set"), c.read());
                assertEquals("3.5", c.run("INCRBYFLOAT", k + "f", "3.5"));
                assertEquals(l("pmessage", "__keyspace@0__:own*", "__keyspace@0__:" + k + "f", "incrbyfloat"),
                        c.read());
            }
            assertTrue(c.silentFor(100));
        } finally {
            Harness.assertOk(admin.run("CONFIG", "SET", "notify-keyspace-events", ""));
            c.close();
            admin.close();
        }
    }

    @Test
    void shouldForgetAKilledSubscriberAtOnce() {
        // Redis frees the client CLIENT KILL names before answering: a PUBLISH pipelined right
        // after the kill no longer counts it, on whichever shard the subscriber lives
        final Harness.Client admin = h.client();
        for (int round = 0; round < 20; round++) {
            final Harness.Client[] subs = new Harness.Client[3];
            final long[] ids = new long[3];
            for (int i = 0; i < subs.length; i++) {
                subs[i] = h.client();
                ids[i] = (Long) subs[i].run("CLIENT", "ID");
                subs[i].run(i == 2 ? "PSUBSCRIBE" : "SUBSCRIBE", i == 2 ? "kill*" : "killed");
            }
            final java.io.ByteArrayOutputStream pipeline = new java.io.ByteArrayOutputStream();
            pipeline.writeBytes(Resp.command("CLIENT", "KILL", "ID", Long.toString(ids[0])));
            pipeline.writeBytes(Resp.command("PUBLISH", "killed", "x"));
            pipeline.writeBytes(Resp.command("PUBSUB", "NUMSUB", "killed"));
            pipeline.writeBytes(Resp.command("CLIENT", "KILL", "ID", Long.toString(ids[2])));
            pipeline.writeBytes(Resp.command("PUBSUB", "NUMPAT"));
            admin.send(pipeline.toByteArray()); // in one read: nothing runs between the commands
            assertInt(1, admin.read());
            assertInt(2, admin.read());
            assertEquals(l("killed", 1L), admin.read());
            assertInt(1, admin.read());
            assertInt(0, admin.read());
            assertEquals(l("message", "killed", "x"), subs[1].read());
            for (final Harness.Client c : subs) {
                c.close();
            }
        }
        admin.close();
    }
}
