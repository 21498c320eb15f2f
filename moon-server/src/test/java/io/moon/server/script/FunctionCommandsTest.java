package io.moon.server.script;

import io.moon.server.testing.Harness;
import io.moon.server.testing.ShardKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.moon.server.testing.Resp;

import java.util.Arrays;
import java.util.stream.Stream;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FCALL, FCALL_RO and every FUNCTION subcommand on three shards: library and function name rules,
 * Redis's error texts, the load-time sandbox, flags and their effects, functions whose keys live on
 * one shard or several, inside MULTI, and DUMP/RESTORE round trips.
 */
class FunctionCommandsTest {
    private static Harness h;

    static final String LIB = "#!lua name=mylib\n"
            + "redis.register_function('setter', function(keys, args) return redis.call('set', keys[1], args[1]) end)\n"
            + "redis.register_function{function_name='getter', callback=function(keys, args) return redis.call('get', keys[1]) end,"
            + " flags={'no-writes'}, description='reads a key'}\n"
            + "redis.register_function{function_name='badwriter', callback=function(keys) return redis.call('set', keys[1], 'x') end,"
            + " flags={'no-writes'}}\n"
            + "redis.register_function('copy', function(keys) local v = redis.call('get', keys[1]) "
            + "redis.call('set', keys[2], v) redis.call('set', keys[3], v) return v end)\n"
            + "redis.register_function('count', function(keys, args) return {#keys, #args} end)\n"
            + "redis.register_function('boom', function() error('boom') end)\n"
            + "redis.register_function('setglobal', function() x = 1 end)\n";

    @BeforeAll
    static void start() {
        h = Harness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void empty() {
        assertOk(h.run("FLUSHALL"));
        assertOk(h.run("FUNCTION", "FLUSH"));
    }

    private static Object load(final String body) {
        return h.run("FUNCTION", "LOAD", body);
    }

    private static String lib(final String name, final String body) {
        return "#!lua name=" + name + "\n" + body;
    }

    @Test
    void shouldLoadAndCallFunctions() {
        assertEquals("mylib", load(LIB));
        assertOk(h.run("FCALL", "setter", "1", "k", "v"));
        assertEquals("v", h.run("FCALL", "getter", "1", "k"));
        assertEquals("v", h.run("FCALL_RO", "getter", "1", "k"));
        assertEquals(List.of(2L, 1L), h.run("FCALL", "count", "2", "a", "b", "c"));
        assertEquals(List.of(0L, 0L), h.run("fcall", "count", "0"));
    }

    @Test
    void shouldRunOnEveryShardAndAcrossShards() {
        load(LIB);
        final String[] k = ShardKeys.onDistinctShards(h.server, "fk", 3);
        for (final String key : k) {
            assertOk(h.run("FCALL", "setter", "1", key, "val-" + key));
            assertEquals("val-" + key, h.run("FCALL_RO", "getter", "1", key));
        }
        // the first run holds every shard; once seen touching only its keys, it runs over copies
        // of its keys on several shards (the gather form)
        assertEquals("val-" + k[0], h.run("FCALL", "copy", "3", k[0], k[1], k[2]));
        assertEquals("val-" + k[0], h.run("GET", k[1]));
        assertEquals("val-" + k[0], h.run("GET", k[2]));
        assertOk(h.run("SET", k[1], "new"));
        assertEquals("new", h.run("FCALL", "copy", "3", k[1], k[0], k[2]));
        assertEquals("new", h.run("GET", k[0]));
        assertEquals("new", h.run("GET", k[2]));
    }

    @Test
    void shouldRunFunctionsThatTouchUndeclaredKeysWithEveryShardHeld() {
        load(lib("wide", "redis.register_function('count', function() return #redis.call('keys', '*') end)\n"
                + "redis.register_function('spread', function(keys, args) for i = 1, #args do"
                + " redis.call('set', args[i], i) end return #args end)"));
        final String[] k = ShardKeys.onDistinctShards(h.server, "wk", 3);
        for (int run = 0; run < 3; run++) { // the first run learns; later ones start held
            assertInt(3, h.run("FCALL", "spread", "0", k[0], k[1], k[2]));
            assertInt(3, h.run("FCALL", "count", "0"));
            assertEquals("2", h.run("GET", k[1]));
        }
    }

    @Test
    void shouldReplyRedisErrorsForFcall() {
        load(LIB);
        assertErrorText("ERR Function not found", h.run("FCALL", "nope", "0"));
        assertErrorText("ERR Function not found", h.run("FCALL", "nope", "x"));
        assertErrorText("ERR Bad number of keys provided", h.run("FCALL", "setter", "x"));
        assertErrorText("ERR Number of keys can't be negative", h.run("FCALL", "setter", "-1"));
        assertErrorText("ERR Number of keys can't be greater than number of args", h.run("FCALL", "setter", "5", "a"));
        assertErrorText("ERR Can not execute a script with write flag using *_ro command.",
                h.run("FCALL_RO", "setter", "1", "k", "v"));
        assertErrorText("ERR Write commands are not allowed from read-only scripts. script: badwriter, on @user_function:4.",
                h.run("FCALL", "badwriter", "1", "k"));
        assertErrorText("ERR user_function:7: boom script: boom, on @user_function:7.", h.run("FCALL", "boom", "0"));
        assertErrorText("ERR user_function:8: Attempt to modify a readonly table script: setglobal, on @user_function:8.",
                h.run("FCALL", "setglobal", "0"));
        assertErrorText("ERR wrong number of arguments for 'fcall' command", h.run("FCALL", "setter"));
    }

    @Test
    void shouldCheckLibraryMetadataAndNames() {
        assertErrorText("ERR Missing library metadata", load("redis.register_function('f', function() end)"));
        assertErrorText("ERR Engine 'js' not found", load("#!js name=x\n"));
        assertErrorText("ERR Library name was not given", load("#!lua\n"));
        assertErrorText("ERR Invalid metadata value given: foo=bar", load("#!lua name=x foo=bar\n"));
        assertErrorText("ERR Invalid metadata value, name argument was given multiple times", load("#!lua name=x name=y\n"));
        assertErrorText(Libraries.NAME_RULE, load("#!lua name=1x-y\n"));
        assertErrorText(Libraries.NAME_RULE, load("#!lua name=\n"));
        assertErrorText("ERR No functions registered", load("#!lua name=x\n"));
        assertErrorText("ERR Error registering functions: " + Libraries.NAME_RULE,
                load(lib("x", "redis.register_function('f-1', function() return 1 end)")));
        assertEquals("t", load("#!LUA  name=t\nredis.register_function('t1', function() end)"));
        assertErrorText("ERR Unknown option given: foo", h.run("FUNCTION", "LOAD", "foo", lib("x", "")));
        assertErrorText("ERR Missing library metadata", h.run("FUNCTION", "LOAD", "REPLACE"));
    }

    @Test
    void shouldRefuseDuplicatesUnlessReplaced() {
        assertEquals("mylib", load(LIB));
        assertErrorText("ERR Library 'mylib' already exists", load(LIB));
        assertErrorText("ERR Function setter already exists",
                load(lib("other", "redis.register_function('setter', function() return 1 end)")));
        assertEquals("mylib", h.run("FUNCTION", "LOAD", "REPLACE", lib("mylib", "redis.register_function('only', function() return 7 end)")));
        assertInt(7, h.run("FCALL", "only", "0"));
        assertErrorText("ERR Function not found", h.run("FCALL", "setter", "1", "k", "v"));
        assertErrorText("ERR Error registering functions: ERR Function already exists in the library",
                load(lib("dup", "redis.register_function('a', function() end)\nredis.register_function('a', function() end)")));
    }

    @Test
    void shouldSandboxTheLoad() {
        assertErrorText("ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'",
                load(lib("x", "redis.call('ping')")));
        assertErrorText("ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'string'",
                load(lib("x", "return string.format('%d', 1)")));
        assertErrorText("ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'pcall'",
                load(lib("x", "pcall(redis.register_function, 'a', 1)")));
        assertErrorText("ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table",
                load(lib("x", "x = 1")));
        assertErrorText("ERR Error registering functions: ERR redis.log() requires two arguments or more.",
                load(lib("x", "redis.log(redis.LOG_WARNING)")));
        assertErrorText("ERR Error registering functions: ERR FUNCTION LOAD timeout", load(lib("x", "while true do end")));
        assertInstanceOf(io.moon.server.testing.Resp.Err.class, load(lib("x", "if(")));
        assertTrue(h.run("FUNCTION", "LOAD", lib("x", "if(")).toString().contains("ERR Error compiling function: "));
    }

    @Test
    void shouldKeepTheFunctionEnvironmentSealed() {
        load(lib("esc", "redis.register_function('rawenv', function() rawset(_ENV, 'redis', 1) end)\n"
                + "redis.register_function('setmt', function() setmetatable(_ENV, nil) end)\n"
                + "redis.register_function('getmt', function() getmetatable(_ENV).__index = function() return 1 end end)\n"
                + "redis.register_function('rawg', function() rawset(_G, 'redis', 1) end)\n"
                + "redis.register_function('os', function() return os.execute('true') end)\n"
                + "redis.register_function('check', function() return redis.call('ping') end)\n"
                + "redis.register_function('ghost', function() return nosuch end)"));
        final String[] k = ShardKeys.onDistinctShards(h.server, "esc", 3);
        for (final String key : k) { // every shard's interpreter (a function runs where its key lives)
            for (final String f : new String[] {"rawenv", "setmt", "getmt", "rawg", "os"}) {
                assertInstanceOf(io.moon.server.testing.Resp.Err.class, h.run("FCALL", f, "1", key), f);
            }
            assertEquals(new Resp.Simple("PONG"), h.run("FCALL", "check", "1", key));
            assertErrorText("ERR user_function:8: Script attempted to access nonexistent global variable 'nosuch'"
                    + " script: ghost, on @user_function:8.", h.run("FCALL", "ghost", "1", key));
        }
        assertErrorText("ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent"
                + " global variable 'nosuch'", load(lib("after", "local x = nosuch")));
    }

    @Test
    void shouldCheckRegisterFunctionArguments() {
        final String p = "ERR Error registering functions: ";
        assertErrorText(p + "ERR wrong number of arguments to redis.register_function",
                load(lib("u", "redis.register_function('a', function() end, 3)")));
        assertErrorText(p + "ERR wrong number of arguments to redis.register_function", load(lib("u", "redis.register_function()")));
        assertErrorText(p + "ERR second argument to redis.register_function must be a function",
                load(lib("u", "redis.register_function('a', 1)")));
        assertErrorText(p + "ERR first argument to redis.register_function must be a string",
                load(lib("u", "redis.register_function({}, function() end)")));
        assertErrorText(p + "ERR calling redis.register_function with a single argument is only applicable to Lua table"
                + " (representing named arguments).", load(lib("u", "redis.register_function('a')")));
        assertErrorText(p + "ERR unknown flag given",
                load(lib("u", "redis.register_function{function_name='a', callback=function() end, flags={'bad'}}")));
        assertErrorText(p + "ERR unknown argument given to redis.register_function",
                load(lib("u", "redis.register_function{function_name='a', callback=function() end, foo=1}")));
        assertErrorText(p + "ERR redis.register_function must get a function name argument",
                load(lib("u", "redis.register_function{callback=function() end}")));
        assertErrorText(p + "ERR redis.register_function must get a callback argument",
                load(lib("u", "redis.register_function{function_name='a'}")));
        assertErrorText(p + "ERR callback argument given to redis.register_function must be a function",
                load(lib("u", "redis.register_function{function_name='x', callback=1}")));
        assertErrorText(p + "ERR flags argument to redis.register_function must be a table representing function flags",
                load(lib("u", "redis.register_function{function_name='a', callback=function() end, flags='no-writes'}")));
        assertEquals("u", load(lib("u", "redis.register_function(1, function() return 2 end)")));
        assertInt(2, h.run("FCALL", "1", "0"));
    }

    @Test
    void shouldRefuseRegisteringOutsideTheLoad() {
        load(lib("x", "local r = redis\nredis.register_function('late', function() return r.register_function('z', function() end) end)"));
        assertErrorText("ERR redis.register_function can only be called on FUNCTION LOAD command script: late, on @user_function:3.",
                h.run("FCALL", "late", "0"));
    }

    @Test
    void shouldListLibraries() {
        load(LIB);
        load(lib("other", "redis.register_function{function_name='o', callback=function() return 1 end,"
                + " flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}}"));
        final List<?> all = (List<?>) h.run("FUNCTION", "LIST");
        assertEquals(2, all.size());
        final List<?> only = (List<?>) h.run("FUNCTION", "LIST", "LIBRARYNAME", "OTH*");
        assertEquals(List.of(List.of("library_name", "other", "engine", "LUA", "functions",
                List.of(Arrays.asList("name", "o", "description", null, "flags",
                        Stream.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys").map(Resp.Simple::new).toList())))), only);
        final List<?> code = (List<?>) ((List<?>) h.run("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "mylib")).getFirst();
        assertEquals("library_code", code.get(6));
        assertEquals(LIB, code.get(7));
        final List<?> fns = (List<?>) code.get(5);
        assertEquals(List.of("name", "getter", "description", "reads a key", "flags", List.of(new Resp.Simple("no-writes"))), fns.get(1));
        assertErrorText("ERR library name argument was not given", h.run("FUNCTION", "LIST", "LIBRARYNAME"));
        assertErrorText("ERR Unknown argument foo", h.run("FUNCTION", "LIST", "foo"));
        assertErrorText("ERR Unknown argument withcode", h.run("FUNCTION", "LIST", "withcode", "withcode"));
    }

    @Test
    void shouldDeleteAndFlush() {
        load(LIB);
        assertErrorText("ERR Library not found", h.run("FUNCTION", "DELETE", "nope"));
        assertOk(h.run("FUNCTION", "DELETE", "mylib"));
        assertErrorText("ERR Function not found", h.run("FCALL", "getter", "1", "k"));
        load(LIB);
        assertErrorText("ERR FUNCTION FLUSH only supports SYNC|ASYNC option", h.run("FUNCTION", "FLUSH", "foo"));
        assertOk(h.run("FUNCTION", "FLUSH", "ASYNC"));
        assertEquals(List.of(), h.run("FUNCTION", "LIST"));
        load(LIB);
        assertOk(h.run("FLUSHALL")); // FLUSHALL keeps the functions, as in Redis
        assertEquals("x", load(lib("x", "redis.register_function('y', function() return 1 end)")));
        assertEquals(2, ((List<?>) h.run("FUNCTION", "LIST")).size());
    }

    @Test
    void shouldRunInsideMulti() {
        load(LIB);
        final String[] k = ShardKeys.onDistinctShards(h.server, "mk", 2);
        final Harness.Client c = h.client();
        try {
            assertOk(c.run("MULTI"));
            c.run("FCALL", "setter", "1", k[0], "a");
            c.run("FCALL", "copy", "3", k[0], k[1], k[0]);
            c.run("FCALL_RO", "getter", "1", k[1]);
            assertEquals(List.of(new io.moon.server.testing.Resp.Simple("OK"), "a", "a"), c.run("EXEC"));
        } finally {
            c.close();
        }
    }

    /**
     * A pipelined script or function that waits for its keys runs as a queued call holding their
     * locks: its own declared keys are not "in use by another operation" (found by
     * DifferentialTest's functions family; over sockets, where the pipeline is read in one batch).
     */
    @Test
    void shouldRunPipelinedScriptsThatWaitedForTheirKeys() throws Exception {
        final String[][] cmds = {
            {"SET", "{t}a", "9223372036854775807", "keepttl"}, {"HDEL", "a", "f9"},
            {"ZRANGE", "b", "a", "-", "BYLEX", "LIMIT", "1", "10", "WITHSCORES"}, {"LPOS", "a", "x", "RANK", "-2"},
            {"ZCOUNT", "d", "(", "("}, {"ZINCRBY", "b", "0x10", "10"}, {"hset", "c", "f6", ""},
            {"FCALL", "setter", "1", "num", "zz"}, {"FCALL", "setter", "1", "b", "hallo"},
            {"EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "num", "zz"},
            {"EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "b", "again"}, {"TOUCH", "{t}b", "a"},
        };
        try (io.moon.server.testing.TestServer m = io.moon.server.testing.TestServer.start(3);
             io.moon.server.testing.RawClient c = new io.moon.server.testing.RawClient(m.port)) {
            c.run("FUNCTION", "LOAD", LIB);
            final java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
            for (final String[] x : cmds) {
                o.writeBytes(Resp.command(x));
            }
            c.send(o.toByteArray());
            final List<String> replies = new java.util.ArrayList<>();
            for (int i = 0; i < cmds.length; i++) {
                replies.add(new String(c.readRaw(), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            assertEquals(List.of("+OK\r\n", "+OK\r\n", "+OK\r\n", "+OK\r\n"), replies.subList(7, 11));
            assertEquals("again", c.run("GET", "b"));
        }
    }

    @Test
    void shouldReportStatsAndHelp() {
        load(LIB);
        assertEquals(Arrays.asList("running_script", null, "engines",
                List.of("LUA", List.of("libraries_count", 1L, "functions_count", 7L))), h.run("FUNCTION", "STATS"));
        assertErrorText("NOTBUSY No scripts in execution right now.", h.run("FUNCTION", "KILL"));
        final List<?> help = (List<?>) h.run("FUNCTION", "HELP");
        assertTrue(((io.moon.server.testing.Resp.Simple) help.getFirst()).text().startsWith("FUNCTION <subcommand>"));
    }

    @Test
    void shouldDumpAndRestore() {
        load(LIB);
        final Object dump = h.run("FUNCTION", "DUMP");
        assertInstanceOf(String.class, dump);
        final byte[] payload = ((String) dump).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertErrorText("ERR Library mylib already exists", restore(payload));
        assertOk(restore(payload, "REPLACE"));
        assertOk(h.run("FUNCTION", "FLUSH"));
        assertOk(restore(payload));
        assertEquals("mylib", ((List<?>) ((List<?>) h.run("FUNCTION", "LIST")).getFirst()).get(1));
        load(lib("x", "redis.register_function('y', function() return 1 end)"));
        assertOk(restore(payload, "FLUSH"));
        assertEquals(1, ((List<?>) h.run("FUNCTION", "LIST")).size());
        final byte[] bad = payload.clone();
        bad[bad.length - 1] ^= 1;
        assertErrorText("ERR DUMP payload version or checksum are wrong", restore(bad));
        assertErrorText("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
                restore(payload, "foo"));
        assertErrorText("ERR unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP.",
                h.run("FUNCTION", "restore", "a", "b", "c"));
    }

    private static Object restore(final byte[] payload, final String... policy) {
        final Harness.Client c = h.client();
        try {
            final java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
            final int n = 3 + policy.length;
            o.writeBytes(("*" + n + "\r\n$8\r\nFUNCTION\r\n$7\r\nRESTORE\r\n$" + payload.length + "\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            o.writeBytes(payload);
            o.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (final String p : policy) {
                o.writeBytes(("$" + p.length() + "\r\n" + p + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            c.send(o.toByteArray());
            return c.read();
        } finally {
            c.close();
        }
    }

    @Test
    void shouldApplyAllowOomOverMaxmemory() {
        load(lib("oom", "redis.register_function('w', function(k) return redis.call('set', k[1], 'v') end)\n"
                + "redis.register_function{function_name='wo', callback=function(k) return redis.call('set', k[1], 'v') end,"
                + " flags={'allow-oom'}}\n"
                + "redis.register_function{function_name='r', callback=function(k) return redis.call('get', k[1]) end,"
                + " flags={'no-writes'}}"));
        final String[] k = ShardKeys.onDistinctShards(h.server, "oom", 3);
        try {
            assertOk(h.run("CONFIG", "SET", "maxmemory", "1"));
            for (final String key : k) {
                assertErrorText("OOM command not allowed when used memory > 'maxmemory'.", h.run("FCALL", "w", "1", key));
                assertOk(h.run("FCALL", "wo", "1", key));
                assertEquals("v", h.run("FCALL", "r", "1", key));
            }
        } finally {
            assertOk(h.run("CONFIG", "SET", "maxmemory", "0"));
        }
    }

    @Test
    void shouldNotWriteFromNoWritesFunctionsEvenWithPcall() {
        load(lib("x", "redis.register_function{function_name='w2', callback=function(k) return redis.pcall('set', k[1], 'v') end,"
                + " flags={'no-writes'}}"));
        assertErrorText("ERR Write commands are not allowed from read-only scripts.", h.run("FCALL", "w2", "1", "a"));
        assertNil(h.run("GET", "a"));
    }

    /** INFO memory counts the libraries and functions, and estimates their and the cached scripts' memory. */
    @Test
    void shouldReportFunctionsAndScriptsInInfoMemory() {
        assertOk(h.run("SCRIPT", "FLUSH"));
        assertEquals(0L, infoField("number_of_libraries"));
        assertEquals(0L, infoField("used_memory_functions"));
        assertEquals(0L, infoField("used_memory_scripts_eval"));
        load(LIB);
        assertEquals(1L, infoField("number_of_libraries"));
        assertEquals(7L, infoField("number_of_functions"));
        final long functions = infoField("used_memory_functions");
        assertTrue(functions > LIB.length(), "at least the library's code: " + functions);
        final String script = "return 'a script of some length, to be counted'";
        h.run("EVAL", script, "0");
        final long eval = infoField("used_memory_scripts_eval");
        assertTrue(eval > script.length(), "at least the script's source: " + eval);
        assertEquals(functions + eval, infoField("used_memory_scripts"));
        assertOk(h.run("SCRIPT", "FLUSH"));
        assertOk(h.run("FUNCTION", "FLUSH"));
        assertEquals(0L, infoField("used_memory_scripts"));
        assertEquals(0L, infoField("number_of_functions"));
    }

    private static long infoField(final String name) {
        for (final String line : ((String) h.run("INFO", "memory")).split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in INFO memory");
    }
}
