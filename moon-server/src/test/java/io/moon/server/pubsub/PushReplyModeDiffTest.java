package io.moon.server.pubsub;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.Oracle;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CLIENT REPLY OFF and SKIP against redis-server, byte for byte: they silence replies, never
 * pushes (Redis's CLIENT_PUSHING): messages, keyspace notifications and the (un)subscribe
 * family's confirmations still arrive, in RESP2 and RESP3; errors are silenced. Steps whose
 * order differs between 7.0 (the oracle) and 7.2 (a reply and a push to oneself) are left out:
 * with the reply silenced only the push remains.
 */
class PushReplyModeDiffTest {
    /** One step: which client sends what. */
    private record Step(int client, String... args) {
    }

    private static Step s(final int client, final String... args) {
        return new Step(client, args);
    }

    private static final List<Step> STEPS = List.of(
            // RESP2: confirmations are pushes, other replies are silenced
            s(0, "CLIENT", "REPLY", "OFF"),
            s(0, "SUBSCRIBE", "x", "y"),
            s(1, "PUBLISH", "x", "m1"),
            s(0, "PSUBSCRIBE", "z*"),
            s(1, "PUBLISH", "zz", "m2"),
            s(0, "PING"),
            s(0, "SUBSCRIBE"),
            s(0, "UNSUBSCRIBE", "y", "x"),
            s(0, "PUNSUBSCRIBE"),
            s(0, "SUNSUBSCRIBE"),
            s(0, "GET", "k"),
            s(0, "CLIENT", "REPLY", "ON"),
            s(0, "CLIENT", "REPLY", "SKIP"),
            s(0, "SSUBSCRIBE", "s"),
            s(0, "PING"),
            s(0, "CLIENT", "REPLY", "SKIP"),
            s(0, "SUNSUBSCRIBE", "s"),
            s(0, "PING"),
            // RESET clears the reply modes, but the SKIP already in force skips RESET's own reply
            s(0, "CLIENT", "REPLY", "SKIP"),
            s(0, "RESET"),
            s(0, "PING"),
            s(0, "CLIENT", "REPLY", "OFF"),
            s(0, "RESET"),
            s(0, "PING"),
            // RESP3: messages to others and to oneself, notifications of one's own writes
            s(2, "HELLO", "3"),
            s(2, "CONFIG", "SET", "notify-keyspace-events", "K$"),
            s(2, "SUBSCRIBE", "x"),
            s(2, "PSUBSCRIBE", "__keyspace@0__:*"),
            s(2, "CLIENT", "REPLY", "OFF"),
            s(1, "PUBLISH", "x", "m3"),
            s(2, "PUBLISH", "x", "self"),
            s(2, "SET", "a", "1"),
            s(2, "SET", "b", "1"),
            s(2, "INCRBYFLOAT", "c", "1.5"),
            s(2, "SSUBSCRIBE", "s2"),
            s(1, "SPUBLISH", "s2", "m4"),
            s(2, "GET", "a"),
            s(2, "CLIENT", "REPLY", "ON"),
            s(2, "CLIENT", "REPLY", "SKIP"),
            s(2, "PUBLISH", "x", "self2"),
            s(2, "CLIENT", "REPLY", "SKIP"),
            s(2, "SET", "d", "1"),
            s(2, "PING"),
            s(2, "CLIENT", "REPLY", "SKIP"),
            s(2, "UNSUBSCRIBE", "x"),
            s(2, "CLIENT", "REPLY", "SKIP"),
            s(2, "SUBSCRIBE"),
            s(2, "PING"),
            s(2, "CONFIG", "SET", "notify-keyspace-events", ""));

    /** Everything that arrived (the caller waited for it to arrive). */
    private static String drain(final RawClient c) throws Exception {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            final byte[] r = c.readRawWithin(30);
            if (r == null) {
                break;
            }
            all.write(r);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private static List<String> run(final int port) throws Exception {
        final List<String> out = new ArrayList<>();
        try (RawClient a = new RawClient(port); RawClient b = new RawClient(port); RawClient c = new RawClient(port)) {
            final RawClient[] cs = {a, b, c};
            for (final Step st : STEPS) {
                cs[st.client()].send(Resp.command(st.args()));
                Thread.sleep(100); // replies and pushes, from every shard
                final StringBuilder got = new StringBuilder(String.join(" ", st.args()));
                for (final RawClient x : cs) {
                    final String d = drain(x).replace("\r\n", " ");
                    // HELLO's map names each server's version and the client's id
                    got.append(" | ").append(st.args()[0].equals("HELLO") && d.startsWith("%7") ? "hello" : d);
                }
                out.add(got.toString());
            }
        }
        return out;
    }

    @Test
    void shouldSilenceRepliesButNotPushesAsRedisDoes() throws Exception {
        final List<String> want = Oracle.assertSameAsRedis(PushReplyModeDiffTest::run);
        // the oracle does send the confirmations and pushes under REPLY OFF
        assertTrue(want.get(1).contains("subscribe"), want.get(1));
        assertTrue(want.get(30).contains("self"), want.get(30));
    }
}
