package io.moon.server.tx;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which writes fail a WATCH, compared with the real redis-server 7.0: for each case one
 * connection sets keys up, a second WATCHes a key, the first runs one command, and the second's
 * MULTI/PING/EXEC either runs or is aborted. Redis signals a key (signalModifiedKey) only when a
 * command really changed it, and not at all for the consumer-group commands of streams; Moon must
 * abort exactly the same transactions. Moon runs 3 shards; the SMOVE cases put their keys on one
 * shard ({t}) and on two (s1 and d1 hash to different shards).
 */
class WatchSignalDiffTest {
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

    /** One case: setup commands, the watched key, the other client's command (a transaction when several). */
    private record Case(String name, String[][] setup, String watched, String[]... command) {
    }

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(final String name, final String[][] setup, final String watched, final String... command) {
        CASES.add(new Case(name, setup, watched, command));
    }

    /** The other client runs the commands in MULTI/EXEC. */
    private static void addTx(final String name, final String[][] setup, final String watched,
                              final String... commands) {
        final String[][] c = new String[commands.length][];
        for (int i = 0; i < commands.length; i++) {
            c[i] = commands[i].split(" ");
        }
        CASES.add(new Case(name, setup, watched, c));
    }

    /**
     * The other client runs a script over keys a and b; the setup runs it once first (a script's
     * first run holds every shard; later runs over keys of several shards go through the gather
     * form), then sets the keys up with {@code setup}.
     */
    private static void addScript(final String name, final String watched, final String a, final String b,
                                  final String setup, final String body) {
        final String[] eval = {"EVAL", body, "2", a, b};
        CASES.add(new Case(name, new String[][] {eval, {"DEL", a, b}, setup.split(" ")}, watched, eval));
    }

    private static String[][] setup(final String... commands) {
        final String[][] s = new String[commands.length][];
        for (int i = 0; i < commands.length; i++) {
            s[i] = commands[i].split(" ");
        }
        return s;
    }

    static {
        final String[][] str = setup("SET s v");
        final String[][] zero = setup("SET s \0");
        add("SET of the same value", str, "s", "SET", "s", "v");
        add("SET NX on an existing key", str, "s", "SET", "s", "x", "NX");
        add("SET NX GET on an existing key", str, "s", "SET", "s", "x", "NX", "GET");
        add("SET NX on a new key", setup(), "s", "SET", "s", "x", "NX");
        add("SETNX on an existing key", str, "s", "SETNX", "s", "x");
        add("SETRANGE of nothing", str, "s", "SETRANGE", "s", "0", "");
        add("SETRANGE of the same bytes", str, "s", "SETRANGE", "s", "0", "v");
        add("APPEND of nothing", str, "s", "APPEND", "s", "");
        add("SETBIT of the bit already there", zero, "s", "SETBIT", "s", "0", "0");
        add("SETBIT flipping a bit", zero, "s", "SETBIT", "s", "0", "1");
        add("BITFIELD GET only", str, "s", "BITFIELD", "s", "GET", "u8", "0");
        add("BITFIELD SET of the same bits", zero, "s", "BITFIELD", "s", "SET", "u8", "0", "0");
        add("BITFIELD SET of other bits", zero, "s", "BITFIELD", "s", "SET", "u8", "0", "1");
        add("GETEX without options", str, "s", "GETEX", "s");
        add("GETEX PERSIST without a TTL", str, "s", "GETEX", "s", "PERSIST");
        add("GETEX EX", str, "s", "GETEX", "s", "EX", "100");
        add("RENAME to itself", str, "s", "RENAME", "s", "s");
        add("RENAMENX to itself", str, "s", "RENAMENX", "s", "s");
        add("PFADD of a known element", setup("PFADD h a"), "h", "PFADD", "h", "a");
        add("PFCOUNT storing its count", setup("PFADD h a b"), "h", "PFCOUNT", "h");
        add("PFCOUNT of a cached count", setup("PFADD h a b", "PFCOUNT h"), "h", "PFCOUNT", "h");
        final String[][] list = setup("RPUSH l a b c");
        add("LINSERT without its pivot", list, "l", "LINSERT", "l", "BEFORE", "z", "x");
        add("LINSERT", list, "l", "LINSERT", "l", "BEFORE", "a", "x");
        add("LPOP of 0 elements", list, "l", "LPOP", "l", "0");
        add("LPOP of 1 element", list, "l", "LPOP", "l", "1");
        add("LTRIM keeping everything", list, "l", "LTRIM", "l", "0", "-1");
        add("LSET of the same value", list, "l", "LSET", "l", "0", "a");
        add("HSET of the same value", setup("HSET h f v"), "h", "HSET", "h", "f", "v");
        add("HSETNX of an existing field", setup("HSET h f v"), "h", "HSETNX", "h", "f", "x");
        final String[][] set = setup("SADD st a b");
        add("SPOP of 0 members", set, "st", "SPOP", "st", "0");
        add("SMOVE to the same set", set, "st", "SMOVE", "st", "st", "a");
        for (final String[] keys : new String[][] {{"{t}s1", "{t}d1"}, {"s1", "d1"}}) {
            final String src = keys[0];
            final String dst = keys[1];
            add("SMOVE " + src + " " + dst + " into a set holding the member",
                    setup("SADD " + src + " m", "SADD " + dst + " m"), dst, "SMOVE", src, dst, "m");
            add("SMOVE " + src + " " + dst + " from a set lacking the member",
                    setup("SADD " + src + " x", "SADD " + dst + " m"), dst, "SMOVE", src, dst, "m");
            add("SMOVE " + src + " " + dst + " watching the source", setup("SADD " + src + " m", "SADD " + dst + " m"),
                    src, "SMOVE", src, dst, "m");
            add("MSETNX " + src + " " + dst + " with one existing", setup("SET " + src + " v"), src,
                    "MSETNX", src, "x", dst, "y");
            add("MSETNX " + src + " " + dst + " with one existing, watching the other", setup("SET " + src + " v"),
                    dst, "MSETNX", src, "x", dst, "y");
            add("MSET " + src + " " + dst + " of the same values", setup("SET " + src + " x", "SET " + dst + " y"),
                    dst, "MSET", src, "x", dst, "y");
            add("RENAMENX " + src + " " + dst + " onto an existing key", setup("SET " + src + " x", "SET " + dst + " y"),
                    dst, "RENAMENX", src, dst);
            add("COPY " + src + " " + dst + " onto an existing key", setup("SET " + src + " x", "SET " + dst + " y"),
                    dst, "COPY", src, dst);
            add("SINTERSTORE " + dst + " from " + src, setup("SADD " + src + " a", "SADD " + dst + " a"),
                    dst, "SINTERSTORE", dst, src);
            add("LMOVE " + src + " " + dst + " from a missing list", setup("RPUSH " + dst + " a"),
                    dst, "LMOVE", src, dst, "LEFT", "LEFT");
            add("LMPOP " + src + " " + dst + " popping the first, watching the second",
                    setup("RPUSH " + src + " a", "RPUSH " + dst + " b"), dst, "LMPOP", "2", src, dst, "LEFT");
            add("LMPOP " + src + " " + dst + " popping the first", setup("RPUSH " + src + " a", "RPUSH " + dst + " b"),
                    src, "LMPOP", "2", src, dst, "LEFT");
            add("ZMPOP " + src + " " + dst + " popping the first, watching the second",
                    setup("ZADD " + src + " 1 a", "ZADD " + dst + " 1 b"), dst, "ZMPOP", "2", src, dst, "MIN");
            add("SMOVE " + src + " " + dst + " of a new member", setup("SADD " + src + " m", "SADD " + dst + " x"),
                    dst, "SMOVE", src, dst, "m");
        }
        final String[][] zset = setup("ZADD z 1 a 2 b");
        add("ZADD of the same score", zset, "z", "ZADD", "z", "1", "a");
        add("ZADD CH of the same score", zset, "z", "ZADD", "z", "CH", "1", "a");
        add("ZADD NX of an existing member", zset, "z", "ZADD", "z", "NX", "5", "a");
        add("ZADD XX of a new member", zset, "z", "ZADD", "z", "XX", "5", "c");
        add("ZADD XX INCR on a missing key", setup(), "z", "ZADD", "z", "XX", "INCR", "1", "a");
        add("ZADD GT of a lower score", zset, "z", "ZADD", "z", "GT", "0", "a");
        add("ZADD INCR by 0", zset, "z", "ZADD", "z", "INCR", "0", "a");
        add("ZINCRBY 0", zset, "z", "ZINCRBY", "z", "0", "a");
        add("ZINCRBY 1", zset, "z", "ZINCRBY", "z", "1", "a");
        add("ZADD of a new score", zset, "z", "ZADD", "z", "5", "a");
        add("GEOADD of the same place", setup("GEOADD g 13.361389 38.115556 p"), "g",
                "GEOADD", "g", "13.361389", "38.115556", "p");
        final String[][] stream = setup("XADD x 1-1 f v", "XGROUP CREATE x g 0");
        final String[][] read = setup("XADD x 1-1 f v", "XGROUP CREATE x g 0", "XREADGROUP GROUP g c STREAMS x >");
        add("XGROUP CREATE on a stream", setup("XADD x 1-1 f v"), "x", "XGROUP", "CREATE", "x", "g", "0");
        add("XGROUP CREATE MKSTREAM", setup(), "x", "XGROUP", "CREATE", "x", "g", "$", "MKSTREAM");
        add("XGROUP CREATECONSUMER", stream, "x", "XGROUP", "CREATECONSUMER", "x", "g", "c");
        add("XGROUP SETID", stream, "x", "XGROUP", "SETID", "x", "g", "$");
        add("XGROUP DESTROY", stream, "x", "XGROUP", "DESTROY", "x", "g");
        add("XGROUP DELCONSUMER", read, "x", "XGROUP", "DELCONSUMER", "x", "g", "c");
        add("XREADGROUP delivering", stream, "x", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "x", ">");
        add("XACK", read, "x", "XACK", "x", "g", "1-1");
        add("XCLAIM", read, "x", "XCLAIM", "x", "g", "d", "0", "1-1");
        add("XAUTOCLAIM", read, "x", "XAUTOCLAIM", "x", "g", "d", "0", "0");
        add("XSETID", stream, "x", "XSETID", "x", "5-5");
        add("XTRIM removing nothing", stream, "x", "XTRIM", "x", "MAXLEN", "10");
        add("XTRIM removing entries", stream, "x", "XTRIM", "x", "MAXLEN", "0");
        add("XADD", stream, "x", "XADD", "x", "2-1", "a", "b");
        for (final String[] keys : new String[][] {{"{t}s1", "{t}d1"}, {"s1", "d1"}}) {
            final String a = keys[0];
            final String b = keys[1];
            addTx("MULTI of a no-op SADD on " + a + " and a SET on " + b, setup("SADD " + a + " m"), a,
                    "SADD " + a + " m", "SET " + b + " v");
            addTx("MULTI of a no-op SADD on " + a + " and a SET on " + b + ", watching " + b, setup("SADD " + a + " m"),
                    b, "SADD " + a + " m", "SET " + b + " v");
            addTx("MULTI of ZADD of the same score on " + a + " and INCR on " + b, setup("ZADD " + a + " 1 m"), a,
                    "ZADD " + a + " 1 m", "INCR " + b);
            addTx("MULTI of SADD on " + a + " and GET on " + b, setup("SADD " + a + " m", "SET " + b + " v"), b,
                    "SADD " + a + " n", "GET " + b);
            addTx("MULTI of a failing SETNX on " + a + " then SADD on " + b, setup("SET " + a + " v"), a,
                    "SETNX " + a + " x", "SADD " + b + " n");
            addTx("MULTI changing " + a + " twice, back to its value", setup("SET " + a + " v"), a,
                    "SET " + a + " x", "SET " + a + " v", "GET " + b);
        }
        for (final String[] keys : new String[][] {{"{t}s1", "{t}d1"}, {"s1", "d1"}}) {
            final String a = keys[0];
            final String b = keys[1];
            addScript("script reading " + a + " and setting " + b, a, a, b, "SET " + a + " v",
                    "redis.call('get', KEYS[1]) return redis.call('set', KEYS[2], 'x')");
            addScript("script setting " + a + " and " + b, a, a, b, "SET " + a + " v",
                    "redis.call('set', KEYS[1], 'w') return redis.call('set', KEYS[2], 'x')");
            addScript("script of a no-op SADD on " + a + " and a SET on " + b, a, a, b, "SADD " + a + " m",
                    "redis.call('sadd', KEYS[1], 'm') return redis.call('set', KEYS[2], 'x')");
            addScript("script of a no-op SADD on " + a + " and a SET on " + b + ", watching " + b, b, a, b,
                    "SADD " + a + " m", "redis.call('sadd', KEYS[1], 'm') return redis.call('set', KEYS[2], 'x')");
            addScript("script deleting a missing " + a + " and setting " + b, a, a, b, "SET " + b + " v",
                    "redis.call('del', KEYS[1]) return redis.call('set', KEYS[2], 'x')");
            addScript("script setting " + a + " then failing on " + b, a, a, b, "SADD " + b + " m",
                    "redis.call('set', KEYS[1], 'w') return redis.call('incr', KEYS[2])");
            final String[] reads = {"EVAL", "redis.call('get', KEYS[1]) return redis.call('set', KEYS[2], 'x')", "2", a, b};
            final String[] sets = {"EVAL", "return redis.call('set', KEYS[1], 'x')", "1", a};
            CASES.add(new Case("MULTI of a script reading " + a + " and setting " + b, setup("SET " + a + " v"), a,
                    reads, new String[] {"SET", b, "y"}));
            CASES.add(new Case("MULTI of a script setting " + a + " and GET on " + b, setup("SET " + a + " v"), a,
                    sets, new String[] {"GET", b}));
        }
        add("DEL of a missing key", setup(), "s", "DEL", "s");
        add("EXPIRE GT failing", setup("SET s v EX 100"), "s", "EXPIRE", "s", "50", "GT");
        add("PERSIST without a TTL", str, "s", "PERSIST", "s");
    }

    /** Whether each case's EXEC ran ("ran") or was aborted ("aborted"), with the command's reply. */
    private static List<String> outcomes(final int port) throws Exception {
        final List<String> out = new ArrayList<>();
        try (RawClient writer = new RawClient(port); RawClient watcher = new RawClient(port)) {
            for (final Case c : CASES) {
                writer.run("FLUSHALL");
                for (final String[] s : c.setup) {
                    writer.run(s);
                }
                watcher.run("WATCH", c.watched);
                final Object reply;
                if (c.command.length == 1) {
                    reply = writer.run(c.command[0]);
                } else {
                    writer.run("MULTI");
                    for (final String[] q : c.command) {
                        writer.run(q);
                    }
                    reply = writer.run("EXEC");
                }
                watcher.run("MULTI");
                watcher.run("PING");
                final Object exec = watcher.run("EXEC");
                out.add(c.name + ": " + (exec == null ? "aborted" : "ran") + " (reply " + reply + ")");
            }
        }
        return out;
    }

    @Test
    void shouldFailAnExecExactlyWhenRedisDoes() throws Exception {
        final List<String> want = outcomes(redis.port);
        final List<String> got = outcomes(moon.port);
        assertTrue(want.stream().anyMatch(s -> s.contains(": aborted")) && want.stream().anyMatch(s -> s.contains(": ran")),
                "the cases cover both outcomes: " + want);
        final List<String> diff = new ArrayList<>();
        for (int i = 0; i < want.size(); i++) {
            if (!want.get(i).equals(got.get(i))) {
                diff.add("redis " + want.get(i) + " | moon " + got.get(i));
            }
        }
        assertEquals(List.of(), diff);
    }
}
