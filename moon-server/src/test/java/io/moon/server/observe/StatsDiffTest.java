package io.moon.server.observe;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * INFO stats counters against redis-server 7.0 (whose lookups count as 7.2's do): after
 * CONFIG RESETSTAT and one command, keyspace_hits, keyspace_misses, total_commands_processed and
 * the commandstats calls must move as Redis's do. Moon runs 3 shards.
 */
class StatsDiffTest {
    private static RedisServer redis;
    private static TestServer moon;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        moon = TestServer.start(3);
    }

    @AfterAll
    static void stop() {
        moon.close();
        redis.close();
    }

    /** Per command: its reply and the counters it moved (the INFO that reads them adds nothing). */
    private static List<String> counters(final int port, final String[][] commands) throws Exception {
        final List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            c.run("FLUSHALL");
            c.run("SET", "s", "v");
            c.run("RPUSH", "l", "a");
            c.run("SET", "{c}a", "v");
            for (final String[] cmd : commands) {
                c.run("CONFIG", "RESETSTAT");
                Object reply = c.run(cmd);
                if (cmd[0].equals("OBJECT") && cmd[1].equals("IDLETIME") && ("0".equals(String.valueOf(reply))
                        || "1".equals(String.valueOf(reply)))) {
                    reply = "0 or 1"; // a key just written: a second may tick between the two (the counters are the point)
                }
                final Map<String, Map<String, String>> info = InfoParityTest.sections(String.valueOf(c.run("INFO", "all")));
                final Map<String, String> st = info.get("Stats");
                final Map<String, String> cs = new java.util.TreeMap<>(info.get("Commandstats"));
                final StringBuilder calls = new StringBuilder();
                cs.forEach((k, v) -> calls.append(k).append('=').append(v.replaceAll(",usec=.*", "")).append(' '));
                out.add(String.join(" ", cmd) + " -> " + reply + " | hits=" + st.get("keyspace_hits") + " misses="
                        + st.get("keyspace_misses") + " commands=" + st.get("total_commands_processed") + " | " + calls);
            }
        }
        return out;
    }

    private static void compare(final String[]... commands) throws Exception {
        final List<String> want = counters(redis.port, commands);
        final List<String> got = counters(moon.port, commands);
        final StringBuilder diff = new StringBuilder();
        for (int i = 0; i < want.size(); i++) {
            if (!want.get(i).equals(got.get(i))) {
                diff.append("\nredis: ").append(want.get(i)).append("\nmoon:  ").append(got.get(i));
            }
        }
        assertEquals("", diff.toString());
    }

    private static String[] c(final String... a) {
        return a;
    }

    @Test
    void shouldCountKeyLookupsAsRedis() throws Exception {
        compare(c("GET", "s"), c("GET", "nope"), c("TYPE", "s"), c("TYPE", "nope"), c("TYPE", "l"),
                c("OBJECT", "ENCODING", "s"), c("OBJECT", "ENCODING", "nope"), c("OBJECT", "REFCOUNT", "s"),
                c("OBJECT", "IDLETIME", "nope"), c("OBJECT", "FREQ", "s"),
                c("SET", "s", "w", "GET"), c("SET", "new", "w", "GET"), c("SET", "l", "w", "GET"),
                c("GETSET", "s", "x"), c("GETSET", "new2", "x"), c("EXISTS", "s", "nope"), c("TTL", "s"),
                c("PTTL", "nope"), c("TOUCH", "s", "nope"), c("SET", "s", "y"), c("OBJECT", "IDLETIME", "s"), c("STRLEN", "s"),
                c("COPY", "{c}a", "{c}b"), c("COPY", "{c}nope", "{c}b"), c("COPY", "s", "s2"), c("COPY", "nope", "s3"),
                c("SET", "s", "y", "GET"));
    }

    /** SCAN ... TYPE looks every key it returns up (Moon's cursor visits the shards in turn). */
    private static String scanHits(final int port, final String... filter) throws Exception {
        try (RawClient c = new RawClient(port)) {
            c.run("FLUSHALL");
            for (int i = 0; i < 30; i++) {
                c.run(i % 3 == 0 ? "RPUSH" : "SADD", "k" + i, "m");
            }
            c.run("CONFIG", "RESETSTAT");
            String cursor = "0";
            do {
                final List<String> a = new ArrayList<>(List.of("SCAN", cursor, "COUNT", "1000"));
                a.addAll(List.of(filter));
                cursor = String.valueOf(((List<?>) c.run(a.toArray(new String[0]))).get(0));
            } while (!cursor.equals("0"));
            final Map<String, String> st = InfoParityTest.sections(String.valueOf(c.run("INFO", "stats"))).get("Stats");
            return "hits=" + st.get("keyspace_hits") + " misses=" + st.get("keyspace_misses");
        }
    }

    @Test
    void shouldCountScanTypeLookupsAsRedis() throws Exception {
        for (final String[] f : new String[][] {{"TYPE", "list"}, {"TYPE", "set"}, {"MATCH", "k1*", "TYPE", "set"}, {}}) {
            assertEquals(scanHits(redis.port, f), scanHits(moon.port, f), String.join(" ", f));
        }
    }

    @Test
    void shouldCountScriptCallsAsRedis() throws Exception {
        compare(c("EVAL", "return redis.call('get','s')", "0"), c("EVAL", "return redis.call('get','s')", "1", "s"),
                c("EVAL", "redis.call('set',KEYS[1],'1') return redis.call('incr',KEYS[1])", "1", "s"),
                c("EVAL", "return redis.pcall('nosuch')", "0"), c("EVAL", "return 1", "0"));
    }
}
