package io.moon.server.commands;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLIENT LIST / CLIENT INFO against redis-server: the field set, its order, flags and counters per state. */
class ClientListDiffTest {
    /** Fields whose values must equal Redis's in each state. */
    private static final List<String> COMPARED = List.of("flags", "db", "sub", "psub", "ssub", "multi", "cmd", "resp");

    static Map<String, String> fields(final String line) {
        final Map<String, String> m = new LinkedHashMap<>();
        for (final String kv : line.trim().split(" ")) {
            final int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    private static String id(final RawClient c) throws Exception {
        return String.valueOf(c.run("CLIENT", "ID"));
    }

    /** The observed client's CLIENT LIST line, as seen by another connection. */
    private static Map<String, String> seen(final RawClient observer, final String id) throws Exception {
        return fields(String.valueOf(observer.run("CLIENT", "LIST", "ID", id)));
    }

    /** Puts a client through states and records the compared fields of each. */
    private static List<String> states(final int port) throws Exception {
        final List<String> out = new ArrayList<>();
        try (RawClient o = new RawClient(port); RawClient a = new RawClient(port); RawClient b = new RawClient(port);
             RawClient m = new RawClient(port); RawClient w = new RawClient(port)) {
            final String ida = id(a);
            final String idb = id(b);
            final String idm = id(m);
            final String idw = id(w);
            a.run("SELECT", "2");
            a.run("GET", "k");
            out.add("plain " + pick(seen(o, ida)));
            a.run("MULTI");
            a.run("SET", "k", "v");
            a.run("INCR", "n");
            out.add("multi " + pick(seen(o, ida)));
            a.run("EXEC");
            b.run("SUBSCRIBE", "c1", "c2");
            b.send(Resp.command("PSUBSCRIBE", "p*"));
            b.read();
            b.send(Resp.command("SSUBSCRIBE", "s1"));
            b.read();
            out.add("pubsub " + pick(seen(o, idb)));
            m.run("MONITOR");
            out.add("monitor " + pick(seen(o, idm)));
            w.run("WATCH", "wk");
            o.run("SET", "wk", "1");
            out.add("watch-dirty " + pick(seen(o, idw)));
            w.run("MULTI");
            out.add("multi-dirty " + pick(seen(o, idw)));
            w.run("DISCARD");
            w.send(Resp.command("BLPOP", "nolist", "0"));
            final long deadline = System.currentTimeMillis() + 5000;
            Map<String, String> blocked = seen(o, idw);
            while (!blocked.get("flags").contains("b") && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
                blocked = seen(o, idw);
            }
            out.add("blocked " + pick(blocked));
            o.run("CLIENT", "UNBLOCK", idw);
            w.read();
            w.run("CLIENT", "NO-EVICT", "on");
            out.add("no-evict " + pick(seen(o, idw)));
        }
        return out;
    }

    private static String pick(final Map<String, String> f) {
        final StringBuilder sb = new StringBuilder();
        for (final String k : COMPARED) {
            sb.append(k).append('=').append(f.get(k)).append(' ');
        }
        return sb.toString().trim();
    }

    @Test
    void shouldListRedisFieldsInRedisOrderWithItsFlagsAndCounters() throws Exception {
        final List<String> redisKeys;
        final List<String> want;
        try (RedisServer redis = RedisServer.start(); RawClient c = new RawClient(redis.port)) {
            redisKeys = new ArrayList<>(fields(String.valueOf(c.run("CLIENT", "INFO"))).keySet());
            want = states(redis.port);
        }
        try (TestServer moon = TestServer.start(3); RawClient c = new RawClient(moon.port)) {
            final Map<String, String> info = fields(String.valueOf(c.run("CLIENT", "INFO")));
            final List<String> expected = new ArrayList<>(redisKeys);
            expected.addAll(List.of("lib-name", "lib-ver")); // Redis 7.2's additions to 7.0's list
            assertEquals(expected, new ArrayList<>(info.keySet()));
            assertEquals(List.of("id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
                    "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
                    "tot-mem", "events", "cmd", "user", "redir", "resp", "lib-name", "lib-ver"),
                    new ArrayList<>(info.keySet()));
            assertEquals(info.keySet(), fields(String.valueOf(c.run("CLIENT", "LIST")).split("\n")[0]).keySet());
            assertEquals(want, states(moon.port));
        }
        assertTrue(want.get(1).contains("flags=x") && want.get(1).contains("multi=2"), want.toString());
    }

    /** The flags of the clients CLIENT LIST TYPE lists, sorted (ids and addresses differ between servers). */
    private static List<String> typeFlags(final RawClient o, final String type) throws Exception {
        final List<String> flags = new ArrayList<>();
        for (final String line : String.valueOf(o.run("CLIENT", "LIST", "TYPE", type)).split("\n")) {
            if (!line.isBlank()) {
                flags.add(fields(line).get("flags"));
            }
        }
        flags.sort(null);
        return flags;
    }

    /** Who counts as normal and who as pubsub for CLIENT LIST TYPE and CLIENT KILL TYPE. */
    private static List<String> types(final int port) throws Exception {
        final List<String> out = new ArrayList<>();
        try (RawClient o = new RawClient(port); RawClient s2 = new RawClient(port); RawClient s3 = new RawClient(port);
             RawClient m = new RawClient(port); RawClient gone = new RawClient(port);
             RawClient n = new RawClient(port)) {
            s2.run("SUBSCRIBE", "c");
            s3.run("HELLO", "3");
            s3.run("PSUBSCRIBE", "p*");
            m.run("MONITOR");
            gone.run("SSUBSCRIBE", "s");
            gone.run("SUNSUBSCRIBE");
            n.run("PING");
            for (final String t : List.of("normal", "pubsub", "master", "replica", "slave")) {
                out.add(t + " " + typeFlags(o, t));
            }
            out.add("kill pubsub " + o.run("CLIENT", "KILL", "TYPE", "pubsub"));
            out.add("closed " + s2.closedWithin(3000) + " " + s3.closedWithin(3000));
            out.add("kill normal " + o.run("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"));
            out.add("left " + typeFlags(o, "normal"));
        }
        return out;
    }

    @Test
    void shouldTellPubSubClientsFromNormalOnesAsRedisDoes() throws Exception {
        final List<String> want;
        try (RedisServer redis = RedisServer.start()) {
            want = types(redis.port);
        }
        try (TestServer moon = TestServer.start(3)) {
            assertEquals(want, types(moon.port));
        }
        assertEquals("pubsub [P, P]", want.get(1), want.toString());
    }

    /** The INFO clients field's value. */
    private static String infoField(final RawClient c, final String field) throws Exception {
        for (final String line : String.valueOf(c.run("INFO", "clients")).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    /** A client whose command CLIENT PAUSE holds back, as CLIENT LIST and INFO show it. */
    private static List<String> paused(final int port) throws Exception {
        final List<String> out = new ArrayList<>();
        try (RawClient o = new RawClient(port); RawClient w = new RawClient(port)) {
            final String idw = id(w);
            o.run("CLIENT", "PAUSE", "5000", "WRITE");
            w.send(Resp.command("SET", "k", "v"));
            final long deadline = System.currentTimeMillis() + 2000;
            Map<String, String> held = seen(o, idw);
            while (!"set".equals(held.get("cmd")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
                held = seen(o, idw);
            }
            out.add("held " + pick(held));
            out.add("blocked_clients " + infoField(o, "blocked_clients"));
            o.run("CLIENT", "UNPAUSE");
            out.add("reply " + w.read());
            out.add("after " + pick(seen(o, idw)));
            out.add("blocked_clients " + infoField(o, "blocked_clients"));
        }
        return out;
    }

    @Test
    void shouldShowAClientHeldByClientPauseAsBlocked() throws Exception {
        final List<String> want;
        try (RedisServer redis = RedisServer.start()) {
            want = paused(redis.port);
        }
        try (TestServer moon = TestServer.start(3)) {
            assertEquals(want, paused(moon.port));
        }
        assertTrue(want.get(0).contains("flags=b"), want.toString());
    }
}
