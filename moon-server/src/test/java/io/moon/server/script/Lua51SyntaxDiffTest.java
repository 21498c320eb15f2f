package io.moon.server.script;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import io.moon.testkit.Props;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.moon.server.script.ScriptDiff.printable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lua 5.1's grammar, lexer and compile errors ({@link Lua51Syntax}) compared with the real
 * redis-server 7.0, byte for byte: broken and tricky-but-valid scripts through EVAL and SCRIPT
 * LOAD, libraries through FUNCTION LOAD, chunks through loadstring (with their own chunk names),
 * and scripts mutated at random (tokens and characters deleted, inserted, duplicated, swapped).
 */
class Lua51SyntaxDiffTest {
    private static RedisServer redis;
    private static TestServer moon;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        moon = TestServer.start(2);
    }

    @AfterAll
    static void stop() {
        moon.close();
        redis.close();
    }

    private static String rep(final String s, final int n) {
        return s.repeat(n);
    }

    private static String names(final String prefix, final int n, final String sep) {
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : sep).append(prefix).append(i);
        }
        return s.toString();
    }

    /** Scripts run with EVAL (and compiled with SCRIPT LOAD): each either fails to compile or runs deterministically. */
    static final String[] SCRIPTS = {
        // the messages of the brief
        "return 1 +", "if x then", "x", "return 1 2", "return 0x", "return 1e", "break", "return \"a\\300\"",
        "return ::x::", "local a <const> = 1", "local goto = 1 return goto",
        // lexer: numbers
        "return 0x10", "return 0XA + 0xa", "return 0x1p4", "return 0x1P", "return 0x.8", "return 0x1.8", "return 1..2",
        "return 1.5.3", "return 3e", "return 3e+", "return 3e+2", "return .5 * 4", "return 5.", "return 1_000", "return 08",
        "return 1e5e5", "return 1e5..1", "return 0x10..1", "return tostring(0xffffffffffffffffff)", "return tostring(0x20000000000001)",
        "return 1e400 > 0", "return 0x1p99999 > 0", "return 1\0", "return 1\0e5", "return 2 .\0 3", "return 2 .\0\0 3",
        "return 1 \0", "return 3abc", "return 0xg", "return 1e-400",
        // lexer: strings and escapes
        "return \"a\\x41\\z  b\"", "return '\\q\\?\\'\\\"'", "return \"\\65\\066\\0677\"", "return #\"\\0\\00\\000\"",
        "return \"a\\256\"", "return \"a\\0b", "return \"a\\0b\nx\"", "return \"abc", "return \"abc\n\"", "return 'abc\\",
        "return \"a\\\nb\"", "return \"a\\\r\nb\"", "return #\"a\\\n\rb\"", "return 'a\\\rb'", "return \"\\a\\b\\f\\n\\r\\t\\v\"",
        "return 'tab\there'", "x = \"a\\tb\" 1", "x = 1 \"a\\0b\"", "return '\u00e9\u00ff'",
        // lexer: long strings and comments
        "return [[a [[b]]", "return [[a [[b]] c]]", "return [=[a [=[b]=]", "return [==[a [[ b]==]", "return [[x]=]]",
        "return [[ [[ ]=] ]]", "--[[ a [[ b ]]\nreturn 1", "return [=x", "return [==", "return [=[abc", "--[[abc", "--[==[ ]] ]==] return 2",
        "--[=x\nreturn 3", "return [[\nfirst newline skipped]]", "return [[\r\nx]]", "x = 1 [[a\nb]]", "x = 1 [[a\rb]]",
        "return #[[\n\n]]",
        // lexer: characters and operators
        "return \u0001", "return \u007f", "return \u00c3", "return @", "return $", "return `", "return \\", "return ?",
        "return !", "return a ~ b", "return ~1", "return ~= 1", "return 1 == = 2", "return 1 // 2", "return 1 & 2",
        "goto x", "::x::", "local x <close> = 1", "return a.1", "return 1 .. 2", "return - -1", "return 2^-2",
        "return not", "return not nil == true", "return tostring(1 + 2 * 3 ^ 2 ^ 0.5) .. 'x' .. 'y'",
        // grammar
        "f\n(g)", "local x = f\n(g)", "x = 1;;", ";", "return;", "return 1;", "break;", "return 1 end",
        "while 1 do break; end return 1", "while 1 do break x = 1 end", "while false do return end return 5",
        "do return 1 end return 2", "do return 1; end", "for i = 1, 2 do break end return 'b'",
        "return ...", "function f() return ... end", "local function f(...) return ... end return f(1, 2)",
        "x = function(a, 1) end", "local f = function(a, ...) return select('#', ...) end return f(1, 2, 3)",
        "function a.b:c() return self end", "function a:b.c() end", "function a.b.c:d(x, ...) end", "function (x) end",
        "for i = 1 do end", "for i in do end", "for i, 2 in x do end", "for i do end", "for 1 = 1, 2 do end",
        "for i = 1, 2, 3, 4 do end", "for a, b, c in pairs({}) do end return 0",
        "if x then elseif y then else end", "if x then else elseif y then end", "if 1 then return 'a' elseif 2 then end",
        "repeat until", "repeat x = 1", "repeat local y = 1 until y == 1 return 'r'", "local function 1() end",
        "local x, = 1", "local function f() end return type(f)", "local a, b, c = 1 return {a, b, c}",
        "return {a = 1, [2] = 3; 4,}", "return {a 1}", "return {[1] 2}", "return {,}", "return {a = }", "return {a = 1",
        "return {;}", "return {1;2;}", "return {f = function() end, 1}[1]", "return ({1, 2})[2]",
        "return a:b", "return a:b 1", "x.y", "(x)", "(x) = 1", "f() = 1", "x, f() = 1", "x, y", "a.b:c = 1",
        "x, (y) = 1, 2", "local t = {} t.a, t.b = 1, 2 return {t.a, t.b}", "return ('x'):rep(2)", "return #'abc' + 1",
        "return f{1}", "return type{}", "return tostring'x'", "return (\"a\"):upper()", "return function() end ~= nil",
        "local t = {} t[1] = 2 return t[1]", "return select('#', 1, 2)", "return", "return (...)",
        // goto and _ENV are names in Lua 5.1
        "local t = {goto = 1} return t.goto", "local t = {} function t.goto() return 2 end return t.goto()",
        "local t = {} function t:goto() return 3 end return t:goto()", "goto = 1", "return goto",
        "local function goto(goto) return goto end return goto(4)", "local _ENV = {} return x", "return _ENV",
        "_ENV = 1", "local _ENV = 5 return _ENV", "local function f(_ENV) return _ENV + 1 end return f(3)",
        "function _ENV.x() end", "function _ENV() end", "function _ENV:m() end", "local t = {_ENV = 1} return t._ENV",
        "local _ENV = {} local function f() return _ENV end return type(f())", "for _ENV = 1, 2 do end return _ENV_0",
        // Lua 5.1's implicit 'arg' in vararg functions
        "local function f(...) return arg.n end return f(1, nil, 3)",
        "local function f(...) local x = ... return type(arg) end return f(1)",
        "local function f(a, ...) return {a, arg[1], arg.n} end return f(1, 2, 3)",
        "local function f(arg, ...) return type(arg) end return f(1, 2)",
        "local function f(...) return (function() return arg.n end)() end return f(1, 2)",
        "local t = {} function t.f(...) return #arg end return t.f(4, 5, 6)",
        "local t = {} function t:f(...) return arg.n end return t:f(1)", "return type(arg)",
        // load reads its chunk from a function, piece by piece as the parser needs them
        "local i, p = 0, {'return ', '1 ', '+ 2'} return load(function() i = i + 1 return p[i] end)()",
        "local i, p = 0, {'return ', '1 ', '', '+ 2'} return load(function() i = i + 1 return p[i] end)()",
        "local n = 0 local f, e = load(function() n = n + 1 if n == 1 then return 'return 1 2 ' end return 'x' end)"
            + " return {e, n}",
        "local n = 0 local f, e = load(function() n = n + 1 if n < 4 then return 'x' end end) return {e, n}",
        "local n = 0 local f, e = load(function() n = n + 1 return string.char(27) end) return {e, n}",
        "local n = 0 return load(function() n = n + 1 if n == 1 then return 'return ' elseif n == 2 then return 7 end end)()",
        "return select(2, load(function() return nil end, '=' .. string.rep('z', 90)))",
        "local done = false return select(2, load(function() if done then return nil end done = true return 'x' end, 'nm'))",
        "return select(2, load(function() error('boom') end))", "return select(2, pcall(load, function() error('boom') end))",
        "return select(2, load(function() error({err = 'E'}) end))", "return load(function() return nil end)()",
        "Lua", "", "return select(2, loadstring(string.char(27) .. 'Lua'))",
        // multi-line scripts: line numbers and "(to close ... at line N)"
        "if x then\n  y = 1\n", "local t = {\n  1,\n  2\n", "f(\n1,\n2", "local function f()\n  return 1\n",
        "x = function()\n\n", "while true do\n\n", "for i = 1, 2 do\n", "repeat\n  x = 1\n", "do\n", "return (1\n+ 2\n",
        "local x = [[\nabc\n", "--[[\n\n", "return 'abc\ndef'", "return \"a\\\nb\" +", "x = 1\r\ny =\r\n", "x = 1\n\ry =\n\r",
        "x = 1\ry =", "return 1\n\n\n+", "local t = {\n  a = 1\n  b = 2\n}", "if a then\nelse\nelse\nend",
        "local x = 1\nlocal y = 2\nreturn x +\n\ny +", "return {\n[1\n}", "f(a,\n\nb", "\n\n\nreturn 1 2",
        "local function f()\nend\nend", "return f\n{1}", "return f\n'x'", "a = b\n(c)()", "local s = [[\n]] return #s",
        "#!lua\nreturn x +\n", "#!lua\nreturn 1", "# comment\nreturn 1", "return [==[\n]==] ..\n1 +",
        // limits
        "local " + names("a", 200, ",") + " return 1", "local " + names("a", 201, ",") + " return 1",
        "local function f()\n local " + names("a", 201, ",") + " return 1 end",
        "local " + names("a", 199, ",") + "\nfor i = 1, 2 do end",
        "local " + names("a", 60, ",") + "\nlocal function f() return " + names("a", 60, "+") + " end return f ~= nil",
        "local " + names("a", 61, ",") + "\nlocal function f() return " + names("a", 61, "+") + " end return 1",
        "local " + names("a", 61, ",") + "\nlocal function f()\n return function() return " + names("a", 61, "+")
            + " end end return 1",
        "local t = {} " + names("t.a", 200, ",") + " = 1 return 1", "local t = {} " + names("t.a", 201, ",") + " = 1",
        "do local t = {} " + names("t.a", 200, ",") + " = 1 end",
        "return " + rep("(", 198) + "1" + rep(")", 198), "return " + rep("(", 199) + "1" + rep(")", 199),
        "return " + rep("-", 198) + "1", "return " + rep("-", 199) + "1", rep("do ", 199) + rep("end ", 199),
        rep("do ", 200) + rep("end ", 200), "return " + rep("{", 198) + rep("}", 198), "x = " + rep("f(", 200),
    };

    /** Library bodies for FUNCTION LOAD (after a "#!lua name=lib" line). */
    static final String[] LIBRARIES = {
        "if(", "local", "return 1 +", "x", "redis.register_function('f', function() return 1 end) x",
        "redis.register_function('f', function()\n  return 1 +\nend)", "local goto = 1\nredis.register_function('g', function() return goto end)",
        "redis.register_function('f', function(keys, args) return 0x10 end", "x = 1 [[a\nb]]",
        "redis.register_function('f', function(...) return arg.n end)", "break", "return \"\\400\"",
        "return " + rep("(", 199) + "1" + rep(")", 199), "local _ENV = 1 redis.register_function('f', function() end)",
    };

    /** Chunks given to loadstring. */
    static final String[] CHUNKS = {
        "x", "x x", "return 1 +", "return 1 +\n 2 +", "return 1", "x\0y", "return 'x' ..", "return \"a\\300\"",
        "return " + rep("'aaaa'..", 20) + " +", "local s = [[\n" + rep("abcdefghij", 8) + "]] return s +",
        "return " + rep("(", 197) + "1" + rep(")", 197), "return " + rep("(", 198) + "1" + rep(")", 198),
        "break", "local goto = 2 return goto", "return 1\r\n+", "\n\n\nx", "[[", "--[[", "return ...",
    };

    private static final String LOADSTRING = "local f, e = loadstring(ARGV[1]) return e or 'ok'";

    /** Redis 7.0 sends a FUNCTION LOAD error's line breaks raw; Moon turns them into spaces (docs/differences.md). */
    private static String oneLine(final String redisReply) {
        if (!redisReply.startsWith("-")) {
            return redisReply;
        }
        final String body = redisReply.substring(0, redisReply.length() - 4);
        return body.replace("\\n", " ").replace("\\r", " ") + "\\r\\n";
    }

    private static void compare(final RawClient r, final RawClient m, final List<String> bad, final String... cmd)
            throws Exception {
        final String want = printable(r.runRaw(cmd));
        final String got = printable(m.runRaw(cmd));
        if (!want.equals(got)) {
            bad.add(printable(String.join(" ", cmd).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                    + "\n  redis: " + want + "\n  moon:  " + got);
        }
    }

    @Test
    void shouldCompileAndRunScriptsAsRedis() throws Exception {
        assertTrue(SCRIPTS.length + LIBRARIES.length + CHUNKS.length >= 120);
        final List<String> bad = new ArrayList<>();
        try (RawClient r = new RawClient(redis.port); RawClient m = new RawClient(moon.port)) {
            for (final String script : SCRIPTS) {
                compare(r, m, bad, "EVAL", script, "0");
                compare(r, m, bad, "SCRIPT", "LOAD", script);
            }
            assertEquals(printable(r.runRaw("PING")), printable(m.runRaw("PING")), "both still answer");
        }
        assertTrue(bad.isEmpty(), bad.size() + " differ:\n" + String.join("\n", bad));
    }

    @Test
    void shouldLoadLibrariesAsRedis() throws Exception {
        final List<String> bad = new ArrayList<>();
        try (RawClient r = new RawClient(redis.port); RawClient m = new RawClient(moon.port)) {
            for (final String body : LIBRARIES) {
                final String[] cmd = {"FUNCTION", "LOAD", "REPLACE", "#!lua name=lib\n" + body};
                final String want = oneLine(printable(r.runRaw(cmd)));
                final String got = printable(m.runRaw(cmd));
                if (!want.equals(got)) {
                    bad.add(printable(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                            + "\n  redis: " + want + "\n  moon:  " + got);
                }
                r.runRaw("FUNCTION", "FLUSH");
                m.runRaw("FUNCTION", "FLUSH");
            }
        }
        assertTrue(bad.isEmpty(), bad.size() + " differ:\n" + String.join("\n", bad));
    }

    @Test
    void shouldLoadStringsAsRedis() throws Exception {
        final List<String> bad = new ArrayList<>();
        try (RawClient r = new RawClient(redis.port); RawClient m = new RawClient(moon.port)) {
            for (final String chunk : CHUNKS) {
                compare(r, m, bad, "EVAL", LOADSTRING, "0", chunk);
                for (final String name : new String[] {"=x", "@file.lua", "name", "", "a\nb", "=" + rep("n", 90),
                    "@" + rep("p", 73), rep("s", 70), "12"}) {
                    compare(r, m, bad, "EVAL", "local f, e = loadstring(ARGV[1], ARGV[2]) return e or 'ok'", "0",
                            chunk, name);
                }
                compare(r, m, bad, "EVAL", "local ok, f, e = pcall(loadstring, ARGV[1]) return e or 'ok'", "0", chunk);
                compare(r, m, bad, "EVAL", "return select(2, pcall(function() local f, e = loadstring(ARGV[1])"
                        + " return e or 'ok' end))", "0", chunk);
            }
            compare(r, m, bad, "EVAL", "return loadstring('return 40 + 2')()", "0");
            compare(r, m, bad, "EVAL", "return loadstring('return ...', '=n')(7, 8)", "0");
            compare(r, m, bad, "EVAL", "return loadstring(12)()", "0");
        }
        assertTrue(bad.isEmpty(), bad.size() + " differ:\n" + String.join("\n", bad));
    }

    // ---- mutated scripts -----------------------------------------------------------------------

    private static final String[] SEEDS = {
        "local t = {1, 2, x = 'a', [3] = \"b\"}\nreturn t.x .. #t",
        "local function f(a, b, ...)\n  local s = select('#', ...)\n  return a + b * s\nend\nreturn f(1, 2, 3, 4)",
        "if KEYS[1] then\n  return redis.call('get', KEYS[1])\nelseif ARGV[1] then return ARGV[1] else return nil end",
        "local s = 0\nfor i = 1, 10 do s = s + i end\nreturn s",
        "local r = {}\nfor k, v in pairs({a = 1}) do r[#r + 1] = k .. '=' .. v end\nreturn r",
        "return [[long\nstring]] .. [==[x]==] -- comment\n--[[ long\ncomment ]]",
        "local x = 0x10 + 1e3 - .5 * 3.25e-2 / 2 ^ 3 % 7\nreturn tostring(x)",
        "local a, b = 1, 2\na, b = b, a\nreturn {a, b, not a, -b, a == b, a ~= b, a <= b, a >= b}",
        "local o = {v = 1}\nfunction o:get() return self.v end\nfunction o.set(x) o.v = x end\no.set(5)\nreturn o:get()",
        "repeat local y = 1 until y == 1\nwhile false do break end\ndo local z = 'q\\n\\065\\\\' end\nreturn 'ok'",
        "return (\"a\"):rep(3), #{...}, ... and 1 or 2",
        "local f = function(...) return arg end\nreturn type(f(1))",
        "local goto = {goto = 2, _ENV = 3} return goto.goto + #[[ [[ ]] - \"\\x41\\z\"",
    };

    private static final String[] PIECES = {
        "(", ")", "[", "]", "{", "}", ".", ",", ";", ":", "=", "+", "-", "*", "/", "%", "^", "#", "<", ">", "~", "'",
        "\"", "\\", " ", "\n", "\t", "0", "1", "9", "a", "b", "e", "x", "z", "_", "..", "...", "==", "~=", "[[", "]]",
        "--", "end", "local", "function", "goto", "return", "break", "0x", "\0", "\r", "\u00c3", "[=[", "]=]", "\\x",
        "\\z", "\\300", "::",
    };

    /** Tokens, roughly as Lua reads them: enough to delete, duplicate and swap whole ones. */
    private static List<String> tokens(final String s) {
        final List<String> out = new ArrayList<>();
        final java.util.regex.Matcher x = java.util.regex.Pattern.compile(
                "\\[=*\\[|\\]=*\\]|--|\\.\\.\\.|\\.\\.|==|~=|<=|>=|[A-Za-z_][A-Za-z_0-9]*"
                        + "|\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?|\\\\.|\\s+|.", java.util.regex.Pattern.DOTALL).matcher(s);
        while (x.find()) {
            out.add(x.group());
        }
        return out;
    }

    static String mutate(final SplittableRandom r, final String seed) {
        String s = seed;
        final int edits = r.nextInt(1, 4);
        for (int e = 0; e < edits; e++) {
            final int at = r.nextInt(s.length() + 1);
            switch (r.nextInt(7)) {
                case 0 -> s = s.substring(0, at) + s.substring(Math.min(s.length(), at + 1));
                case 1 -> s = s.substring(0, at) + Props.choose(r, PIECES) + s.substring(at);
                case 2 -> s = s.substring(0, at) + Props.choose(r, PIECES) + s.substring(Math.min(s.length(), at + 1));
                default -> {
                    final List<String> t = tokens(s);
                    if (t.isEmpty()) {
                        t.add("");
                    }
                    final int i = r.nextInt(t.size());
                    final int j = r.nextInt(t.size());
                    switch (r.nextInt(4)) {
                        case 0 -> t.remove(i);
                        case 1 -> t.add(i, t.get(j));
                        case 2 -> t.add(i, Props.choose(r, PIECES));
                        default -> {
                            final String x = t.get(i);
                            t.set(i, t.get(j));
                            t.set(j, x);
                        }
                    }
                    s = String.join("", t);
                }
            }
        }
        return s;
    }

    /**
     * Scripts mutated at random compile (SCRIPT LOAD) and load (loadstring, with its chunk name
     * and a given one) with Redis's reply, byte for byte: the same scripts refused with the same
     * message, the same accepted.
     */
    @Test
    void shouldTreatMutatedScriptsAsRedis() throws Exception {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        try (RawClient r = new RawClient(redis.port); RawClient m = new RawClient(moon.port)) {
            Props.forAll("mutated scripts compile as in Redis", 300, rnd -> mutate(rnd, Props.choose(rnd, SEEDS)), script -> {
                if (System.nanoTime() > deadline) {
                    return; // bounded in time on a slow machine; the count bounds it otherwise
                }
                for (final String[] cmd : new String[][] {
                    {"SCRIPT", "LOAD", script},
                    {"EVAL", LOADSTRING, "0", script},
                    {"EVAL", "local f, e = loadstring(ARGV[1], '=chunk') return e or 'ok'", "0", script},
                }) {
                    assertEquals(printable(r.runRaw(cmd)), printable(m.runRaw(cmd)), cmd[0]);
                }
            });
        }
    }
}
