package io.moon.server.script;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.moon.server.script.ScriptDiff.printable;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FUNCTION and FCALL compared with the real redis-server 7.0, byte for byte, over RESP2 and RESP3:
 * the same libraries loaded in both, functions called with keys that Moon spreads over its three
 * shards, and every error text (metadata, names, the load-time sandbox, register_function's
 * arguments, numkeys, flags, runtime errors with the function's name and line). Replies whose
 * order is a hash table's in Redis (FUNCTION LIST of several libraries) are left to
 * FunctionRdbInteropTest, which compares them as sets.
 */
class FunctionDiffTest {
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

    private static final String LIB = "#!lua name=difflib\n"
            + "redis.register_function('set2', function(keys, args) redis.call('set', keys[1], args[1])"
            + " return redis.call('set', keys[2], args[2]) end)\n"
            + "redis.register_function{function_name='get2', callback=function(keys) return {redis.call('get', keys[1]),"
            + " redis.call('get', keys[2])} end, flags={'no-writes'}, description='two gets'}\n"
            + "redis.register_function{function_name='ro_write', callback=function(keys) return redis.call('del', keys[1]) end,"
            + " flags={'no-writes'}}\n"
            + "redis.register_function('types', function(keys, args) return {1, 'two', {3}, true, false, 3.9,"
            + " redis.status_reply('S')} end)\n"
            + "redis.register_function('resp3', function() redis.setresp(3) return redis.call('hgetall', 'nohash') end)\n"
            + "redis.register_function('map', function() return {map={a=1}} end)\n"
            + "redis.register_function('boom', function() error('boom') end)\n"
            + "redis.register_function('errtab', function() return redis.error_reply('MY custom') end)\n"
            + "redis.register_function('raise', function() return redis.call('nosuchcmd') end)\n"
            + "redis.register_function('pc', function() return redis.pcall('incr', KEYS) end)\n"
            + "redis.register_function('global', function() y = 1 end)\n"
            + "redis.register_function('args', function(keys, args) return {#keys, #args, keys[1], args[1]} end)\n"
            + "redis.register_function('late', function() return redis.register_function('z', function() end) end)\n"
            + "redis.register_function('str', function() return string.format('%d-%s', 7, 'x') .. cjson.encode({1}) end)\n";

    private static final String[][] COMMANDS = {
        {"FUNCTION", "LOAD", LIB},
        {"FUNCTION", "LOAD", LIB},
        {"FUNCTION", "LOAD", "REPLACE", LIB},
        {"FCALL", "set2", "2", "alpha", "beta", "1", "2"},
        {"FCALL", "get2", "2", "alpha", "beta"},
        {"FCALL_RO", "get2", "2", "alpha", "beta"},
        {"FCALL", "set2", "2", "gamma", "delta", "x", "y"},
        {"FCALL_RO", "get2", "2", "gamma", "delta"},
        {"FCALL_RO", "set2", "2", "alpha", "beta", "1", "2"},
        {"FCALL", "ro_write", "1", "alpha"},
        {"FCALL", "types", "0"},
        {"FCALL", "resp3", "0"},
        {"FCALL", "map", "0"},
        {"FCALL", "boom", "0"},
        {"FCALL", "errtab", "0"},
        {"FCALL", "raise", "0"},
        {"FCALL", "global", "0"},
        {"FCALL", "args", "1", "k1", "a1", "a2"},
        {"FCALL", "args", "0"},
        {"FCALL", "late", "0"},
        {"FCALL", "str", "0"},
        {"FCALL", "nosuch", "0"},
        {"MULTI"},
        {"FCALL", "set2", "2", "alpha", "gamma", "m1", "m2"},
        {"FCALL_RO", "get2", "2", "alpha", "gamma"},
        {"FCALL_RO", "set2", "2", "alpha", "gamma", "m1", "m2"},
        {"EXEC"},
        {"MULTI"},
        {"FUNCTION", "LOAD", "#!lua name=inmulti\nredis.register_function('im', function() return 'im' end)"},
        {"FCALL", "im", "0"},
        {"FUNCTION", "DELETE", "inmulti"},
        {"EXEC"},
        {"EVAL", "return redis.call('fcall', 'args', '0')", "0"},
        {"EVAL", "return redis.call('function', 'list')", "0"},
        {"EVAL", "return redis.pcall('function', 'flush')", "0"},
        {"FUNCTION", "LOAD", "#!lua name=x\nif("},
        {"FUNCTION", "LOAD", "#!lua name=x\nlocal"},
        {"FCALL", "args", "x"},
        {"FCALL", "args", "-1"},
        {"FCALL", "args", "3", "a"},
        {"FCALL", "args"},
        {"fcall_ro", "nosuch", "0"},
        {"FUNCTION", "LIST", "LIBRARYNAME", "nomatch*"},
        {"FUNCTION", "LIST", "LIBRARYNAME"},
        {"FUNCTION", "LIST", "bogus"},
        {"FUNCTION", "STATS"},
        {"FUNCTION", "KILL"},
        {"SCRIPT", "KILL"},
        {"FUNCTION", "DELETE", "nosuch"},
        {"FUNCTION", "FLUSH", "bogus"},
        {"FUNCTION", "RESTORE", "garbage"},
        {"FUNCTION", "RESTORE", "garbage", "bogus"},
        {"FUNCTION", "RESTORE", "a", "b", "c"},
        {"FUNCTION", "LOAD", "redis.register_function('f', function() end)"},
        {"FUNCTION", "LOAD", "#!js name=x\n"},
        {"FUNCTION", "LOAD", "#!lua\n"},
        {"FUNCTION", "LOAD", "#!lua name=x foo=bar\n"},
        {"FUNCTION", "LOAD", "#!lua name=x name=y\n"},
        {"FUNCTION", "LOAD", "#!lua name=bad-name\n"},
        {"FUNCTION", "LOAD", "#!lua name=x\n"},
        {"FUNCTION", "LOAD", "BOGUS", "#!lua name=x\n"},
        {"FUNCTION", "LOAD"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('set2', function() end)"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('bad-f', function() end)"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.call('ping')"},
        {"FUNCTION", "LOAD", "#!lua name=x\nlocal s = string.len('a')"},
        {"FUNCTION", "LOAD", "#!lua name=x\nx = 1"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.x = 1"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.log(redis.LOG_WARNING)"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('a', function() end)\nredis.register_function('a', function() end)"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('a', 1)"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function(1.5, function() end)"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function({}, function() end)"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function()"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('a')"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('a', function() end, 1)"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{function_name='a', callback=function() end, flags={'bogus'}}"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{function_name='a', callback=function() end, flags='no-writes'}"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{function_name='a', callback=function() end, other=1}"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{callback=function() end}"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{function_name='a'}"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{function_name='a', callback='no'}"},
        {"FUNCTION", "LOAD", "#!lua name=x\nwhile true do end"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('xf', function() return 'x' end)"},
        {"FCALL", "xf", "0"},
        {"FUNCTION", "DELETE", "x"},
        {"FCALL", "xf", "0"},
        {"FUNCTION", "STATS"},
        {"FUNCTION", "FLUSH", "SYNC"},
        {"FUNCTION", "STATS"},
        {"FUNCTION", "LIST"},
        {"FCALL", "get2", "2", "alpha", "beta"},
        // function names are unique in any case across libraries; library names are case-sensitive
        {"FUNCTION", "LOAD", "#!lua name=Abc\nredis.register_function('Fx', function() return 'Fx' end)"},
        {"FUNCTION", "LOAD", "#!lua name=abc\nredis.register_function('fy', function() return 'fy' end)"},
        {"FUNCTION", "LOAD", "#!lua name=q\nredis.register_function('FX', function() return 1 end)"},
        {"FCALL", "fX", "0"},
        {"FCALL", "FY", "0"},
        {"FUNCTION", "DELETE", "ABC"},
        {"FUNCTION", "DELETE", "Abc"},
        {"FUNCTION", "DELETE", "abc"},
        {"FUNCTION", "DELETE", "q"},
        // one function per library, so Redis's order (a hash table's) cannot differ
        {"FUNCTION", "LOAD", "#!lua name=one\nredis.register_function{function_name='f1', callback=function() return 1 end,"
                + " flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}, description='d'}"},
        {"FUNCTION", "LIST"},
        {"FUNCTION", "LIST", "WITHCODE"},
        {"FUNCTION", "LIST", "LIBRARYNAME", "O*"},
        {"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "one"},
        {"FUNCTION", "STATS"},
        {"FCALL_RO", "f1", "0"},
        {"FUNCTION", "DELETE", "one"},
        // keyless commands on a function's first run (every shard held, no connection) and later
        {"FUNCTION", "LOAD", "#!lua name=pub\nredis.register_function('pub', function(keys) redis.call('set', keys[1], 'x')"
                + " return redis.call('publish', 'chan', 'm') end)\n"
                + "redis.register_function{function_name='pubro', callback=function() return redis.call('publish', 'chan', 'm')"
                + " end, flags={'no-writes'}}\n"
                + "redis.register_function{function_name='keyless', callback=function() return {redis.call('pubsub', 'numpat'),"
                + " type(redis.call('command', 'count')), redis.call('spublish', 'c', 'm')} end}"},
        {"FCALL", "pub", "1", "alpha"},
        {"FCALL", "pub", "1", "beta"},
        {"FCALL_RO", "pubro", "0"},
        {"FCALL", "pubro", "0"},
        {"FCALL", "keyless", "0"},
        {"FCALL", "keyless", "0"},
        {"FUNCTION", "DELETE", "pub"},
        {"FUNCTION", "FLUSH"},
    };

    /** Commands whose replies differ on purpose, each with the reason (docs/differences.md); they must still differ. */
    static final java.util.Map<String, String> ALLOWED = java.util.Map.of();

    private static List<String> mismatches(final int proto) throws Exception {
        final List<String> bad = new ArrayList<>();
        // the functions' keys live on different shards in Moon (cross-shard runs are compared too)
        assertTrue(shard("alpha") != shard("beta") && shard("gamma") != shard("delta"));
        try (RawClient r = new RawClient(redis.port); RawClient m = new RawClient(moon.port)) {
            for (final RawClient c : new RawClient[] {r, m}) {
                c.run("FLUSHALL");
                c.run("FUNCTION", "FLUSH");
                if (proto == 3) {
                    c.run("HELLO", "3");
                }
            }
            for (final String[] cmd : COMMANDS) {
                final String want = printable(r.runRaw(cmd));
                final String got = printable(m.runRaw(cmd));
                if (ALLOWED.containsKey(String.join(" ", cmd))) {
                    if (want.equals(got)) {
                        bad.add("allowed but identical now: " + String.join(" ", cmd));
                    }
                } else if (!want.equals(got)) {
                    bad.add("RESP" + proto + " " + String.join(" ", cmd).replace('\n', ' ')
                            + "\n  redis: " + want + "\n  moon:  " + got);
                }
            }
        }
        return bad;
    }

    private static int shard(final String key) {
        return moon.server.shardOf(key.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, key.length());
    }

    @Test
    void shouldReplyAsRedisOverResp2() throws Exception {
        final List<String> bad = mismatches(2);
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }

    @Test
    void shouldReplyAsRedisOverResp3() throws Exception {
        final List<String> bad = mismatches(3);
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }
}
