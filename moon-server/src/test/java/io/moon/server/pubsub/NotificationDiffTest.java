package io.moon.server.pubsub;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keyspace notifications and subscriber streams compared with the real redis-server 7.0: a
 * subscriber on each server listens to {@code __key*@*__:*} (and to plain channels), the same
 * commands run against both, and the messages each subscriber receives must be identical. Moon
 * runs 3 shards, so the events come from several shards; a final PUBLISH on a marker channel ends
 * each stream (per-pair order makes it arrive last).
 *
 * <p>Multi-key commands use keys of one hash tag here: the events of a command whose keys span
 * shards come from each shard's step and may interleave differently from Redis's (known gap).
 */
class NotificationDiffTest {
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

    /** Runs the commands on one server with a subscriber attached; returns what the subscriber got. */
    private static List<Object> stream(final int port, final String flags, final String[][] commands)
            throws Exception {
        return stream(port, flags, commands, false);
    }

    /**
     * As above; with {@code eachCommand}, a PUBLISH on "plain" follows every command and the
     * events between two such markers (one command's) are sorted, for commands whose events come
     * from several shards in an order Redis does not share (docs/differences.md).
     */
    private static List<Object> stream(final int port, final String flags, final String[][] commands,
                                       final boolean eachCommand) throws Exception {
        try (RawClient sub = new RawClient(port); RawClient cmd = new RawClient(port)) {
            cmd.run("FLUSHALL");
            assertEquals(new Resp.Simple("OK"), cmd.run("CONFIG", "SET", "notify-keyspace-events", flags));
            sub.send(Resp.command("PSUBSCRIBE", "__key*@*__:*"));
            final List<Object> got = new ArrayList<>();
            got.add(sub.read());
            got.add(sub.run("SUBSCRIBE", "plain", "end"));
            got.add(sub.read());
            final List<Object> replies = new ArrayList<>();
            for (final String[] c : commands) {
                replies.add(cmd.run(c));
                if (eachCommand) {
                    cmd.run("PUBLISH", "plain", "next");
                }
            }
            cmd.run("CONFIG", "SET", "notify-keyspace-events", "");
            cmd.run("PUBLISH", "end", "x");
            for (int i = 0; i < 10_000; i++) {
                final Object m = sub.read();
                got.add(m);
                if (m instanceof List<?> l && l.size() == 3 && "end".equals(l.get(1))) {
                    break;
                }
            }
            got.add(replies);
            return eachCommand ? sortedPerCommand(got) : got;
        }
    }

    private static List<Object> sortedPerCommand(final List<Object> got) {
        final List<Object> out = new ArrayList<>();
        final List<Object> run = new ArrayList<>();
        for (final Object m : got) {
            final boolean marker = m instanceof List<?> l && l.size() == 3 && ("plain".equals(l.get(1))
                    || "end".equals(l.get(1)));
            if (marker || !(m instanceof List<?> l2 && l2.size() == 4)) { // 4: a pattern message
                run.sort(java.util.Comparator.comparing(Object::toString));
                out.addAll(run);
                run.clear();
                out.add(m);
            } else {
                run.add(m);
            }
        }
        run.sort(java.util.Comparator.comparing(Object::toString));
        out.addAll(run);
        return out;
    }

    private static void compare(final String flags, final String[]... commands) throws Exception {
        compare(false, flags, commands);
    }

    private static void compare(final boolean eachCommand, final String flags, final String[]... commands)
            throws Exception {
        final List<Object> want = stream(redis.port, flags, commands, eachCommand);
        // the stream holds the three confirmations, the events, the marker and the replies
        org.junit.jupiter.api.Assertions.assertTrue(flags.isEmpty() || want.size() > 6, want.toString());
        final List<Object> got = stream(moon.port, flags, commands, eachCommand);
        if (!want.equals(got)) {
            int i = 0;
            while (i < Math.min(want.size(), got.size()) && want.get(i).equals(got.get(i))) {
                i++;
            }
            final int from = Math.max(0, i - 2);
            assertEquals(want.subList(from, Math.min(want.size(), i + 6)), got.subList(from, Math.min(got.size(), i + 6)),
                    flags + ": streams differ from message " + i);
        }
    }

    private static String[] c(final String... a) {
        return a;
    }

    @Test
    void shouldNotifyStringsAndGenericEventsAsRedis() throws Exception {
        final String[][] cmds = {
            c("SET", "a", "1"), c("SET", "b", "2", "EX", "100"), c("SETNX", "a", "3"), c("SETNX", "n", "3"),
            c("INCR", "a"), c("DECRBY", "a", "5"), c("INCRBY", "a", "x"), c("EXPIRE", "a", "100"),
            c("PEXPIRE", "a", "-1"), c("DEL", "a", "b", "zz"), c("SETEX", "s", "10", "v"),
            c("PUBLISH", "plain", "hello"), c("GETSET", "s", "w"), c("MSET", "{m}1", "a", "{m}2", "b"),
            c("MSETNX", "{m}1", "x", "{m}3", "y"), c("MSETNX", "{m}4", "x", "{m}5", "y"), c("APPEND", "m1", "z"),
            c("APPEND", "new", "z"), c("GETDEL", "new"), c("GETDEL", "new"), c("PERSIST", "s"),
            c("EXPIRE", "m1", "100"), c("PERSIST", "m1"), c("PERSIST", "m1"), c("GET", "missing"),
            c("SET", "a", "1", "NX"), c("SET", "a", "1", "XX", "PX", "100000"),
        };
        compare("KEA", cmds);
        compare("K$", cmds);
        compare("Eg", cmds);
        compare("Km", cmds);
        compare("KEA", cmds);
        compare("En", cmds);
        compare("KEAn", cmds); // reads back as "AKE" in both, the 'n' still on
        compare("", cmds);
    }

    /**
     * Bitmap writes that change their key (Redis 7.0 also notifies SETBIT and BITFIELD writes
     * that change nothing, 7.2 does not: BitmapCommandsTest checks those).
     */
    @Test
    void shouldNotifyBitmapEventsAsRedis() throws Exception {
        final String[][] cmds = {
            c("SETBIT", "{b}1", "7", "1"), c("SETBIT", "{b}1", "7", "0"), c("SETBIT", "{b}1", "100", "1"),
            c("SETBIT", "{b}1", "-1", "1"), c("BITFIELD", "{b}1", "SET", "u8", "0", "255"),
            c("BITFIELD", "{b}1", "INCRBY", "u8", "0", "1", "GET", "u8", "0"), c("BITFIELD", "{b}1", "GET", "u8", "0"),
            c("BITFIELD", "{b}2", "SET", "i8", "#2", "-1"), c("BITFIELD_RO", "{b}2", "GET", "i8", "0"),
            c("BITOP", "NOT", "{b}d", "{b}1"), c("BITOP", "AND", "{b}d", "{b}1", "{b}2"),
            c("BITOP", "OR", "{b}d", "{b}missing"), c("BITOP", "OR", "{b}d", "{b}missing"),
            c("SET", "{b}s", "12"), c("SETBIT", "{b}s", "6", "1"), c("GETBIT", "{b}s", "6"), c("BITCOUNT", "{b}zz"),
        };
        compare("KEA", cmds);
        compare("K$", cmds);
        compare("Eg$", cmds);
        compare("KEAn", cmds);
    }

    @Test
    void shouldNotifyHyperLogLogEventsAsRedis() throws Exception {
        final String[][] cmds = {
            c("PFADD", "h", "a", "b"), c("PFADD", "h", "a"), c("PFADD", "h"), c("PFADD", "new"), c("PFCOUNT", "h"),
            c("PFCOUNT", "h", "new"), c("PFMERGE", "m", "h", "new"), c("PFMERGE", "{x}d", "{x}s"),
            c("PFDEBUG", "TODENSE", "h"), c("PFDEBUG", "ENCODING", "new"), c("SET", "s", "str"), c("PFADD", "s", "a"),
            c("DEL", "h"),
        };
        compare("KEA", cmds);
        compare("E$", cmds);
        compare("Kg$", cmds);
        compare("KEAn", cmds); // "new" key events of PFADD and PFMERGE
    }

    @Test
    void shouldNotifyCollectionEventsAsRedis() throws Exception {
        final String[][] cmds = {
            c("LPUSH", "l", "a", "b"), c("RPUSH", "l", "c"), c("LPOP", "l"), c("RPOP", "l", "5"), c("LPOP", "l"),
            c("HSET", "h", "f", "v"), c("HSET", "h", "f", "v"), c("SADD", "s", "m"), c("SADD", "s", "m"),
            c("ZADD", "z", "1", "m"), c("ZADD", "z", "1", "m"), c("ZADD", "z", "INCR", "2", "m"),
            c("ZADD", "z", "NX", "2", "m"), c("HSETNX", "h", "f", "v"), c("HSETNX", "h", "g", "v"),
            c("HDEL", "h", "zz"), c("HDEL", "h", "f", "g"), c("SADD", "s", "a"), c("SREM", "s", "zz"),
            c("SREM", "s", "m"), c("SREM", "s", "a"), c("ZREM", "z", "zz"), c("ZREM", "z", "m"),
            c("ZINCRBY", "z", "2", "q"),
            c("RPUSH", "l2", "a", "b", "c", "b"), c("LSET", "l2", "0", "x"), c("LSET", "l2", "9", "x"),
            c("LINSERT", "l2", "BEFORE", "c", "y"), c("LINSERT", "l2", "BEFORE", "zz", "y"),
            c("LREM", "l2", "0", "b"), c("LREM", "l2", "0", "zz"), c("LTRIM", "l2", "0", "-1"),
            c("LTRIM", "l2", "5", "1"),
        };
        compare("KEA", cmds);
        compare("Elshz", cmds);
        compare("Kl", cmds);
    }

    @Test
    void shouldNotifyNewKeysAsRedis() throws Exception {
        final String[][] cmds = {
            c("SET", "a", "1"), c("SET", "a", "2"), c("LPUSH", "l", "x"), c("LPUSH", "l", "y"), c("HSET", "h", "f", "v"),
            c("SADD", "s", "m"), c("ZADD", "z", "1", "m"), c("INCR", "n"), c("APPEND", "ap", "x"), c("SETNX", "a", "3"),
            c("MSET", "{m}1", "a", "{m}2", "b"), c("SET", "{a}a", "1"), c("COPY", "{a}a", "{a}copy"),
            c("RENAME", "{a}a", "{a}2"), c("SET", "{a}3", "x"), c("RENAME", "{a}2", "{a}3"), c("COPY", "{a}3", "{a}copy", "REPLACE"),
            c("SETRANGE", "sr", "2", "x"), c("SINTERSTORE", "{k}d", "{k}s1"), c("SADD", "{k}s1", "a"),
            c("SUNIONSTORE", "{k}d", "{k}s1"),
        };
        compare("KEn", cmds);
        compare("En", cmds);
        compare("KEA", cmds);
    }

    @Test
    void shouldNotifyMoreStringAndGenericEventsAsRedis() throws Exception {
        final String[][] cmds = {
            c("SET", "s", "hello"), c("SETRANGE", "s", "1", "EY"), c("SETRANGE", "s", "0", ""),
            c("SETRANGE", "nos", "0", ""), c("INCRBYFLOAT", "f", "1.5"), c("INCRBYFLOAT", "f", "x"),
            c("GETEX", "s", "EX", "100"), c("GETEX", "s", "PERSIST"), c("GETEX", "s"), c("GETEX", "missing", "EX", "5"),
            c("SET", "{r}a", "1"), c("RENAME", "{r}a", "{r}b"), c("RENAMENX", "{r}b", "{r}c"), c("SET", "{r}d", "1"),
            c("RENAMENX", "{r}c", "{r}d"), c("RENAME", "{r}c", "{r}c"), c("COPY", "{r}c", "{r}e"),
            c("COPY", "{r}c", "{r}e"), c("COPY", "{r}c", "{r}e", "REPLACE"), c("MOVE", "{r}e", "1"), c("MOVE", "{r}e", "1"),
            c("RPUSH", "{o}l", "3", "1", "2"), c("SORT", "{o}l", "STORE", "{o}dst"), c("SORT", "{o}none", "STORE", "{o}dst"),
            c("EXPIRE", "s", "100"), c("EXPIRE", "s", "0"), c("SET", "p", "1", "EX", "100"), c("PEXPIREAT", "p", "1"),
            c("SET", "k", "v"), c("GETSET", "k", "w"), c("SET", "k", "x", "KEEPTTL"), c("SET", "k", "y", "GET"),
        };
        compare("KEA", cmds);
        compare("Eg$", cmds);
    }

    @Test
    void shouldNotifyMoreCollectionEventsAsRedis() throws Exception {
        final String[][] cmds = {
            c("HSET", "h", "n", "1"), c("HINCRBY", "h", "n", "2"), c("HINCRBYFLOAT", "h", "n", "0.5"),
            c("HINCRBY", "h", "x", "1"), c("HINCRBYFLOAT", "h2", "x", "1"),
            c("SADD", "{s}a", "1", "2", "3", "4"), c("EVAL", "redis.call('spop', KEYS[1]) return 1", "1", "{s}a"),
            c("EVAL", "redis.call('spop', KEYS[1], 2) return 1", "1", "{s}a"), c("EVAL", "return #redis.call('spop', KEYS[1], 5)", "1", "{s}a"), c("SPOP", "{s}a"), c("SADD", "{s}b", "x", "y"), c("SMOVE", "{s}b", "{s}c", "x"), c("SMOVE", "{s}b", "{s}c", "zz"), c("SADD", "{s}c", "y"),
            c("SMOVE", "{s}b", "{s}c", "y"), c("SADD", "{s}d", "1", "2"), c("SADD", "{s}e", "2", "3"),
            c("SINTERSTORE", "{s}f", "{s}d", "{s}e"), c("SUNIONSTORE", "{s}f", "{s}d", "{s}e"),
            c("SDIFFSTORE", "{s}f", "{s}d", "{s}e"), c("SINTERSTORE", "{s}f", "{s}d", "{s}none"),
            c("ZADD", "{z}a", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"), c("ZPOPMIN", "{z}a"), c("ZPOPMAX", "{z}a", "2"),
            c("BZPOPMIN", "{z}a", "0"), c("BZPOPMAX", "{z}a", "0"), c("ZPOPMIN", "{z}a"),
            c("ZADD", "{z}b", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"), c("ZREMRANGEBYSCORE", "{z}b", "1", "1"),
            c("ZREMRANGEBYRANK", "{z}b", "0", "0"), c("ZREMRANGEBYLEX", "{z}b", "-", "+"), c("ZREMRANGEBYSCORE", "{z}b", "1", "9"),
            c("ZADD", "{z}c", "1", "a", "2", "b"), c("ZADD", "{z}d", "2", "b", "3", "c"),
            c("ZRANGESTORE", "{z}e", "{z}c", "0", "-1"), c("ZRANGESTORE", "{z}e", "{z}c", "5", "9"),
            c("ZUNIONSTORE", "{z}e", "2", "{z}c", "{z}d"), c("ZINTERSTORE", "{z}e", "2", "{z}c", "{z}d"),
            c("ZDIFFSTORE", "{z}e", "2", "{z}c", "{z}d"), c("ZINTERSTORE", "{z}e", "2", "{z}c", "{z}none"),
            c("ZMPOP", "1", "{z}c", "MIN"), c("BZMPOP", "0", "1", "{z}c", "MAX"),
            c("RPUSH", "{l}a", "1", "2", "3", "4", "5"), c("LMOVE", "{l}a", "{l}b", "LEFT", "RIGHT"),
            c("RPOPLPUSH", "{l}a", "{l}b"), c("BLMOVE", "{l}a", "{l}b", "RIGHT", "LEFT", "0"),
            c("BRPOPLPUSH", "{l}a", "{l}b", "0"), c("BLPOP", "{l}b", "0"), c("BRPOP", "{l}b", "0"),
            c("LMPOP", "1", "{l}b", "LEFT", "COUNT", "9"), c("RPUSH", "{l}c", "1"), c("BLMPOP", "0", "1", "{l}c", "RIGHT"),
            c("LMOVE", "{l}a", "{l}a", "LEFT", "RIGHT"), c("RPOPLPUSH", "{l}a", "{l}z"), c("RPOPLPUSH", "{l}none", "{l}z"),
        };
        compare("KEA", cmds);
        compare("Elshz", cmds);
    }

    /** Keys of two shards: the dedicated cross-shard moves notify as the single-shard handlers do. */
    @Test
    void shouldNotifyMovesAcrossShardsAsRedis() throws Exception {
        final String a = "{l1}a";
        final String b = "{l2}b";
        final String s1 = "{s1}x";
        final String s2 = "{s3}y";
        final io.moon.server.Server srv = moon.server;
        for (final String[] pair : new String[][] {{a, b}, {s1, s2}}) {
            final byte[] k1 = pair[0].getBytes();
            final byte[] k2 = pair[1].getBytes();
            org.junit.jupiter.api.Assertions.assertNotEquals(srv.shardOf(k1, 0, k1.length),
                    srv.shardOf(k2, 0, k2.length), "keys must live on two shards");
        }
        final String[][] cmds = {
            c("RPUSH", a, "1", "2", "3", "4", "5", "6"), c("LMOVE", a, b, "RIGHT", "LEFT"),
            c("LMOVE", a, b, "LEFT", "RIGHT"), c("RPOPLPUSH", a, b), c("BLMOVE", a, b, "RIGHT", "RIGHT", "0"),
            c("BRPOPLPUSH", a, b, "0"), c("LMOVE", a, b, "LEFT", "LEFT"), c("LMOVE", a, b, "LEFT", "LEFT"),
            c("RPOPLPUSH", b, a), c("BLMOVE", a, b, "LEFT", "LEFT", "0.01"), c("BRPOPLPUSH", b, "{l1}c", "0"),
            c("SADD", s1, "m", "n", "o"), c("SMOVE", s1, s2, "m"), c("SMOVE", s1, s2, "zz"), c("SADD", s2, "n"),
            c("SMOVE", s1, s2, "n"), c("SMOVE", s1, s2, "o"), c("SMOVE", s1, s2, "o"),
        };
        compare(true, "KEA", cmds);
        compare(true, "Elsg", cmds);
        compare(true, "KEAn", cmds);
    }

    /** What a subscriber sees when a push serves a client blocked in BLMOVE across shards (sorted). */
    private static List<String> servedMove(final int port, final String blocking) throws Exception {
        try (RawClient sub = new RawClient(port); RawClient blocked = new RawClient(port); RawClient cmd = new RawClient(port)) {
            cmd.run("FLUSHALL");
            cmd.run("CONFIG", "SET", "notify-keyspace-events", "KEA");
            sub.send(Resp.command("PSUBSCRIBE", "__key*@*__:*"));
            sub.read();
            sub.run("SUBSCRIBE", "end");
            blocked.send(Resp.command(blocking.split(" ")));
            // the blocked client is registered once CLIENT LIST shows it blocked
            for (int i = 0; i < 200 && !String.valueOf(cmd.run("CLIENT", "LIST")).contains("flags=b"); i++) {
                Thread.sleep(5);
            }
            cmd.run("RPUSH", "{l1}a", "x");
            final List<String> got = new ArrayList<>();
            got.add(String.valueOf(blocked.read()));
            cmd.run("CONFIG", "SET", "notify-keyspace-events", "");
            cmd.run("PUBLISH", "end", "x");
            for (int i = 0; i < 100; i++) {
                final Object m = sub.read();
                if (m instanceof List<?> l && l.size() == 3 && "end".equals(l.get(1))) {
                    break;
                }
                got.add(String.valueOf(m));
            }
            got.sort(null);
            return got;
        }
    }

    @Test
    void shouldNotifyAServedMoveAcrossShardsAsRedis() throws Exception {
        for (final String blocking : new String[] {"BLMOVE {l1}a {l2}b RIGHT LEFT 5", "BRPOPLPUSH {l1}a {l2}b 5"}) {
            final List<String> want = servedMove(redis.port, blocking);
            org.junit.jupiter.api.Assertions.assertTrue(want.toString().contains("lpush"), want.toString());
            assertEquals(want, servedMove(moon.port, blocking), blocking);
        }
    }

    @Test
    void shouldNotifyRestoreAsRedis() throws Exception {
        final Object payload;
        try (RawClient r = new RawClient(redis.port)) {
            r.run("SET", "src", "value");
            payload = r.run("DUMP", "src");
            r.run("DEL", "src");
        }
        final String dump = (String) payload;
        compare("KEA", c("RESTORE", "rk", "0", dump), c("RESTORE", "rk", "0", dump, "REPLACE"), c("RESTORE", "rk", "0", dump));
    }

    @Test
    void shouldNormalizeTheFlagsAsRedis() throws Exception {
        for (final String f : new String[] {"KEA", "Ex", "gK$", "A", "EnA", "Km", "Et", "Ed", "ndtexzhsl$gKEm", "",
            "xyz"}) {
            try (RawClient r = new RawClient(redis.port); RawClient m = new RawClient(moon.port)) {
                assertEquals(r.run("CONFIG", "SET", "notify-keyspace-events", f),
                        m.run("CONFIG", "SET", "notify-keyspace-events", f), f);
                assertEquals(r.run("CONFIG", "GET", "notify-keyspace-events"),
                        m.run("CONFIG", "GET", "notify-keyspace-events"), f);
            }
        }
    }

    @Test
    void shouldNotifyExpiredKeysAsRedis() throws Exception {
        for (final int port : new int[] {redis.port, moon.port}) {
            try (RawClient sub = new RawClient(port); RawClient cmd = new RawClient(port)) {
                cmd.run("CONFIG", "SET", "notify-keyspace-events", "Ex");
                assertEquals(List.of("subscribe", "__keyevent@0__:expired", 1L),
                        sub.run("SUBSCRIBE", "__keyevent@0__:expired"));
                cmd.run("SET", "gone", "v", "PX", "1");
                // active expiry, or a lookup after the deadline, deletes it: either way "expired" once
                for (int i = 0; i < 200 && !Long.valueOf(0).equals(cmd.run("EXISTS", "gone")); i++) {
                    Thread.sleep(5);
                }
                assertEquals(List.of("message", "__keyevent@0__:expired", "gone"), sub.read());
                cmd.run("CONFIG", "SET", "notify-keyspace-events", "");
            }
        }
    }

    @Test
    void shouldRefuseCommandsInSubscribedModeAsRedis() throws Exception {
        final List<List<Object>> both = new ArrayList<>();
        for (final int port : new int[] {redis.port, moon.port}) {
            try (RawClient c = new RawClient(port)) {
                final List<Object> got = new ArrayList<>();
                got.add(c.run("UNSUBSCRIBE"));
                got.add(c.run("SUBSCRIBE", "x"));
                got.add(c.run("GET", "k"));
                got.add(c.run("CONFIG", "GET", "port"));
                got.add(c.run("PING"));
                got.add(c.run("PING", "m"));
                got.add(c.run("PSUBSCRIBE", "y*"));
                got.add(c.run("PUNSUBSCRIBE", "zz"));
                got.add(c.run("SSUBSCRIBE", "s"));
                got.add(c.run("SUNSUBSCRIBE"));
                got.add(c.run("PUNSUBSCRIBE"));
                got.add(c.run("UNSUBSCRIBE"));
                got.add(c.run("PUBSUB", "NUMPAT"));
                got.add(c.run("RESET"));
                both.add(got);
            }
        }
        assertEquals(both.get(0), both.get(1));
    }
}
