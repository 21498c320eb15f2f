package io.moon.server.script;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT on three shards: conversions both ways, Redis's
 * error texts, the script cache, and scripts whose keys live on one shard or on several.
 */
class ScriptingCommandsTest extends SharedHarnessTest {

    private static String sha(final String body) {
        return ScriptCache.sha1hex(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Object eval(final String body, final String... rest) {
        final List<String> a = new ArrayList<>(List.of("EVAL", body));
        a.addAll(List.of(rest));
        return run(a.toArray(String[]::new));
    }

    @Test
    void shouldConvertLuaValuesToReplies() {
        assertInt(3, eval("return 3.9", "0"));
        assertInt(-3, eval("return -3.9", "0"));
        assertEquals("x", eval("return 'x'", "0"));
        assertInt(1, eval("return true", "0"));
        assertNil(eval("return false", "0"));
        assertNil(eval("return nil", "0"));
        assertEquals(List.of(1L, 2L), eval("return {1,2,nil,3}", "0"));
        assertEquals(java.util.Arrays.asList(1L, "a", List.of(2L, 3L), 1L, null), eval("return {1,'a',{2,3},true,false}", "0"));
        assertErrorText("boom", eval("return {err='boom'}", "0"));
        assertEquals(new Resp.Simple("FINE"), eval("return redis.status_reply('FINE')", "0"));
        assertErrorText("My Error", eval("return redis.error_reply('My Error')", "0"));
        assertEquals(new Resp.Simple("OK"), eval("return {ok='OK'}", "0"));
        assertEquals(List.of(), eval("return {}", "0"));
    }

    @Test
    void shouldConvertRepliesToLuaValues() {
        assertOk(run("SET", "s", "x"));
        assertEquals("table", eval("return type(redis.call('set', KEYS[1], 'y'))", "1", "s"));
        assertEquals("OK", eval("return redis.call('set', KEYS[1], 'y').ok", "1", "s"));
        assertEquals("boolean", eval("return type(redis.call('get', 'nosuch'))", "0"));
        assertEquals("number", eval("return type(redis.call('incr', KEYS[1]))", "1", "n"));
        assertEquals(List.of("a", "b"), eval("redis.call('rpush', KEYS[1], 'a', 'b') return redis.call('lrange', KEYS[1], 0, -1)", "1", "l"));
        assertEquals("ERR value is not an integer or out of range",
                eval("return redis.pcall('incr', KEYS[1]).err", "1", "s"));
        assertEquals("table", eval("redis.setresp(3) return type(redis.call('hgetall', 'nosuch').map)", "0"));
        assertEquals("nil", eval("redis.setresp(3) return type(redis.call('get', 'nosuch'))", "0"));
    }

    @Test
    void shouldReplyWithRedisErrorTexts() {
        assertErrorText("ERR user_script:1: Script attempted to access nonexistent global variable 'y' script: "
                + sha("return y") + ", on @user_script:1.", eval("return y", "0"));
        assertErrorText("ERR user_script:1: Attempt to modify a readonly table script: " + sha("x=1")
                + ", on @user_script:1.", eval("x=1", "0"));
        assertErrorText("ERR Unknown Redis command called from script script: " + sha("local a = 1\nreturn redis.call('nope')")
                + ", on @user_script:2.", eval("local a = 1\nreturn redis.call('nope')", "0"));
        assertErrorText("ERR Wrong number of args calling Redis command from script script: "
                + sha("return redis.call('get')") + ", on @user_script:1.", eval("return redis.call('get')", "0"));
        assertErrorText("ERR Please specify at least one argument for this redis lib call script: "
                + sha("return redis.call()") + ", on @user_script:1.", eval("return redis.call()", "0"));
        assertErrorText("ERR Lua redis lib command arguments must be strings or integers script: "
                + sha("return redis.call('get', {})") + ", on @user_script:1.", eval("return redis.call('get', {})", "0"));
        assertErrorText("ERR This Redis command is not allowed from script script: "
                + sha("return redis.call('multi')") + ", on @user_script:1.", eval("return redis.call('multi')", "0"));
        assertOk(run("SET", "s", "x"));
        assertErrorText("ERR value is not an integer or out of range script: " + sha("return redis.call('incr', 's')")
                + ", on @user_script:1.", eval("return redis.call('incr', 's')", "1", "s"));
        assertErrorText("ERR user_script:1: x script: " + sha("return error('x')") + ", on @user_script:1.",
                eval("return error('x')", "0"));
        assertErrorText("boo script: " + sha("error({err='boo'})") + ", on @user_script:1.", eval("error({err='boo'})", "0"));
        assertErrorText("ERR value is not an integer or out of range", eval("return", "x"));
        assertErrorText("ERR Number of keys can't be negative", eval("return", "-1"));
        assertErrorText("ERR Number of keys can't be greater than number of args", eval("return 1", "2", "a"));
        // LuaJ's parser words the detail differently from Lua 5.1's (docs/differences.md)
        Harness.assertError("ERR Error compiling script (new function): user_script:1: ", eval("return 'x' .. ", "0"));
        assertErrorText("ERR RESP version must be 2 or 3. script: " + sha("redis.setresp(4)") + ", on @user_script:1.",
                eval("redis.setresp(4)", "0"));
    }

    @Test
    void shouldCacheScriptsAndCompileOnce() {
        final String body = "return KEYS[1] .. ARGV[1]";
        assertEquals(sha(body), run("SCRIPT", "LOAD", body));
        final long compiled = h.server.scripts.cache.compilations();
        for (int i = 0; i < 20; i++) {
            assertEquals("k" + i, run("EVALSHA", sha(body), "1", "k", String.valueOf(i)));
            assertEquals("k" + i, run("EVALSHA", sha(body).toUpperCase(), "1", "k", String.valueOf(i)));
            assertEquals("k" + i, run("EVALSHA_RO", sha(body), "1", "k", String.valueOf(i)));
            assertEquals("k" + i, eval(body, "1", "k", String.valueOf(i)));
        }
        assertEquals(compiled, h.server.scripts.cache.compilations(), "a cached script is never compiled again");
        assertEquals(List.of(1L, 0L), run("SCRIPT", "EXISTS", sha(body), "0000000000000000000000000000000000000000"));
        assertOk(run("SCRIPT", "FLUSH"));
        assertOk(run("SCRIPT", "FLUSH", "ASYNC"));
        assertErrorText("ERR SCRIPT FLUSH only support SYNC|ASYNC option", run("SCRIPT", "FLUSH", "foo"));
        assertErrorText("NOSCRIPT No matching script. Please use EVAL.", run("EVALSHA", sha(body), "0"));
        assertErrorText("NOSCRIPT No matching script. Please use EVAL.", run("EVALSHA", "aaaa", "0"));
        assertErrorText("NOTBUSY No scripts in execution right now.", run("SCRIPT", "KILL"));
        assertTrue(run("SCRIPT", "HELP") instanceof List<?>);
    }

    @Test
    void shouldRefuseWritesFromReadOnlyScripts() {
        assertErrorText("ERR Write commands are not allowed from read-only scripts. script: "
                + sha("return redis.call('set','a','b')") + ", on @user_script:1.",
                run("EVAL_RO", "return redis.call('set','a','b')", "1", "a"));
        final String noWrites = "#!lua flags=no-writes\nreturn redis.call('set','a','b')";
        assertErrorText("ERR Write commands are not allowed from read-only scripts. script: " + sha(noWrites)
                + ", on @user_script:2.", eval(noWrites, "1", "a"));
        assertErrorText("ERR Unexpected flag in script shebang: foo", eval("#!lua flags=foo\nreturn 1", "0"));
        assertErrorText("ERR Unexpected engine in script shebang: #!python", eval("#!python\nreturn 1", "0"));
        assertErrorText("ERR Unknown lua shebang option: x=1", eval("#!lua x=1\nreturn 1", "0"));
        assertOk(eval("#!lua\nreturn redis.call('set', KEYS[1], 'b')", "1", "a"));
    }

    @Test
    void shouldExposeRedisEnvironment() {
        assertEquals("da39a3ee5e6b4b0d3255bfef95601890afd80709", eval("return redis.sha1hex('')", "0"));
        assertEquals("7.2.4", eval("return redis.REDIS_VERSION", "0"));
        assertInt(0x070204, eval("return redis.REDIS_VERSION_NUM", "0"));
        assertEquals("Lua 5.1", eval("return _VERSION", "0"));
        assertInt(1, eval("return unpack({1,2})", "0"));
        assertInt(2, eval("return table.getn({1,2})", "0"));
        assertInt(1, eval("return math.mod(7,3)", "0"));
        assertInt(1, eval("return loadstring('return 1')()", "0"));
        assertInt(1, eval("return redis.replicate_commands() and 1", "0"));
        assertInt(3, eval("return redis.LOG_WARNING", "0"));
        assertInt(3, eval("return redis.REPL_ALL", "0"));
        assertInt(0, eval("redis.set_repl(redis.REPL_NONE) redis.log(redis.LOG_NOTICE, 'hello', 'log') return 0", "0"));
        assertInt(7, eval("return bit.bor(1, 2, 4)", "0"));
        assertInt(-1, eval("return bit.tobit(0xffffffff)", "0"));
        assertEquals("0000ff00", eval("return bit.tohex(65280)", "0"));
        assertInt(256, eval("return bit.lshift(1, 8)", "0"));
        assertInt(0x78563412, eval("return bit.bswap(0x12345678)", "0"));
        assertInt(0x7fffffff, eval("return bit.rshift(-1, 1)", "0"));
        assertInt(-1, eval("return bit.arshift(-1, 1)", "0"));
        assertInt(1, eval("return bit.rol(0x80000000, 1)", "0"));
    }

    @Test
    void shouldRunScriptsOverKeysOnSeveralShardsAtomically() {
        final String[] k = io.moon.server.testing.ShardKeys.onDistinctShards(h.server, "x", 3);
        assertOk(run("MSET", k[0], "10", k[1], "20", k[2], "30"));
        final String transfer = "local v = tonumber(redis.call('get', KEYS[1])) "
                + "redis.call('decrby', KEYS[1], ARGV[1]) redis.call('incrby', KEYS[2], ARGV[1]) "
                + "return {redis.call('get', KEYS[1]), redis.call('get', KEYS[2])}";
        assertEquals(List.of("5", "25"), eval(transfer, "2", k[0], k[1], "5"));
        assertEquals(List.of("0", "55"), eval(transfer, "2", k[2], k[1], "30"));
        assertEquals(List.of("5", "55", "0"), run("MGET", k[0], k[1], k[2]));
        // an undeclared key on another shard works as in standalone Redis (the script holds every shard)
        assertEquals("555", eval("return redis.call('get', KEYS[1] .. '') .. redis.call('get', ARGV[1])", "1", k[0], k[1]));
        // keys on one shard (hash tag): runs in place
        assertEquals(List.of("-1", "1"), eval(transfer, "2", "{t}a", "{t}b", "1"));
    }

    @Test
    void shouldSandboxScripts() {
        for (final String escape : List.of("return os.execute('ls')", "return io.open('/etc/passwd')",
                "return require('os')", "return dofile('/etc/passwd')", "return loadfile('/etc/passwd')",
                "return debug.getinfo(1)", "return getfenv(1)", "return setfenv(1, {})", "return package.loaded",
                "return luajava.bindClass('java.lang.System')", "return print('x')")) {
            final Object r = eval(escape, "0");
            assertTrue(r instanceof Resp.Err e && e.text().contains("nonexistent global variable"), escape + " -> " + r);
        }
        // string.dump works as in Redis, and what it makes cannot be loaded back
        assertNil(eval("return loadstring(string.dump(function() return 1 end))", "0"));
        assertNil(eval("local d = string.dump(function() return 1 end)"
                + " return load(function() local p = d d = nil return p end)", "0"));
        assertNil(eval("return loadstring(string.char(27) .. 'Lua')", "0"));
        assertNil(eval("local p = string.char(27) .. 'LuaR' return load(function() local x = p p = nil return x end)", "0"));
        for (final String modify : List.of("setmetatable(_G, nil)", "rawset(_G, 'x', 1)", "string.x = 1",
                "redis.call = nil", "table.insert(_G, 1)", "math.floor = nil", "setmetatable(string, {})")) {
            final Object r = eval(modify, "0");
            assertTrue(r instanceof Resp.Err e && e.text().contains("Attempt to modify a readonly table"),
                    modify + " -> " + r);
        }
        // (a count past 2^31 wraps to 0 as luaL_checkint converts it: that one is "" in Redis too)
        final Object bomb = eval("return string.rep('xxxx', 1024*1024*512)", "0");
        assertTrue(bomb instanceof Resp.Err e && e.text().contains("too large"), String.valueOf(bomb));
        assertEquals(new Resp.Simple("PONG"), run("PING"));
        assertInt(1, eval("return 1", "0")); // the server keeps answering
    }

    /**
     * The string metatable (shared by every string value) and the globals' metatable are
     * read-only: a script cannot change string methods or global lookups for later scripts, on
     * its own shard or any other.
     */
    @Test
    void shouldKeepTheStringAndGlobalMetatablesReadOnly() {
        for (final String modify : List.of("getmetatable('').__index.len = function() return 42 end",
                "getmetatable('').__index = {len = function() return 42 end}", "getmetatable('').x = 1",
                "rawset(getmetatable(''), '__index', {})", "rawset(getmetatable('').__index, 'len', 1)",
                "setmetatable(getmetatable(''), {})", "getmetatable(_G).__index = function() return 1 end",
                "rawset(getmetatable(_G), '__index', nil)", "setmetatable(getmetatable(_G), {})",
                "getmetatable('abc').__index.rep = nil", "local s = getmetatable('').__index s.upper = s.lower")) {
            // every shard's interpreter, and the interpreter of scripts that hold every shard
            for (final String key : new String[] {"{a}1", "{b}2", "{c}3", "{d}4"}) {
                for (int run = 0; run < 2; run++) {
                    final Object r = eval(modify, "1", key);
                    assertTrue(r instanceof Resp.Err e && e.text().contains("Attempt to modify a readonly table"),
                            modify + " -> " + r);
                }
            }
            final Object r0 = eval(modify, "0");
            assertTrue(r0 instanceof Resp.Err e && e.text().contains("Attempt to modify a readonly table"),
                    modify + " -> " + r0);
        }
        for (final String key : new String[] {"{a}1", "{b}2", "{c}3", "{d}4"}) {
            for (int run = 0; run < 2; run++) {
                assertInt(3, eval("return ('abc'):len()", "1", key));
                assertEquals("ABC", eval("return ('abc'):upper()", "1", key));
                assertInt(1, eval("return getmetatable('').__index == string", "1", key));
                final Object g = eval("return zz", "1", key);
                assertTrue(g instanceof Resp.Err e && e.text().contains("nonexistent global variable 'zz'"), String.valueOf(g));
            }
        }
    }
}
