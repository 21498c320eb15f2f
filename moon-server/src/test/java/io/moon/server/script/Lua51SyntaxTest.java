package io.moon.server.script;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Lua51Syntax} on its own: Lua 5.1's messages (as redis-server 7.0 gives them; the
 * differential test asks it live), the limits, the chunk names, and the source handed to LuaJ.
 */
class Lua51SyntaxTest {
    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String error(final String src) {
        return error(src, 0);
    }

    private static String error(final String src, final int level) {
        return assertThrows(Lua51Syntax.Failure.class, () -> Lua51Syntax.check(bytes(src), "user_script", level),
                src).getMessage();
    }

    private static String luaj(final String src) {
        return new String(Lua51Syntax.check(bytes(src), "user_script", 0), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldWordErrorsAsLua51() {
        final String[][] cases = {
            {"return 1 +", "user_script:1: unexpected symbol near '<eof>'"},
            {"if x then", "user_script:1: 'end' expected near '<eof>'"},
            {"x", "user_script:1: '=' expected near '<eof>'"},
            {"return 1 2", "user_script:1: '<eof>' expected near '2'"},
            {"return 0x", "user_script:1: malformed number near '0x'"},
            {"return 1e", "user_script:1: malformed number near '1e'"},
            {"return 1..2", "user_script:1: malformed number near '1..2'"},
            {"return 0x1P", "user_script:1: malformed number near '0x1P'"},
            {"break", "user_script:1: no loop to break near '<eof>'"},
            {"break;", "user_script:1: no loop to break near ';'"},
            {"return \"a\\300\"", "user_script:1: escape sequence too large near '\"a'"},
            {"return ::x::", "user_script:1: unexpected symbol near ':'"},
            {"local a <const> = 1", "user_script:1: unexpected symbol near '<'"},
            {"return \"abc", "user_script:1: unfinished string near '<eof>'"},
            {"return \"abc\n\"", "user_script:1: unfinished string near '\"abc'"},
            {"return \"a\0b\nx\"", "user_script:1: unfinished string near '\"a'"},
            {"return [=[abc", "user_script:1: unfinished long string near '<eof>'"},
            {"--[[abc", "user_script:1: unfinished long comment near '<eof>'"},
            {"return [=x", "user_script:1: invalid long string delimiter near '[='"},
            {"x = 1 [[a\nb]]", "user_script:2: unexpected symbol near '[[a\nb]]'"},
            {"return \u0001", "user_script:1: unexpected symbol near 'char(1)'"},
            {"return \u007f", "user_script:1: unexpected symbol near 'char(127)'"},
            {"return \u00c3", "user_script:1: unexpected symbol near '\u00c3'"},
            {"return 1 \0", "user_script:1: '<eof>' expected"},
            {"f\n(g)", "user_script:2: ambiguous syntax (function call x new statement) near '('"},
            {";", "user_script:1: unexpected symbol near ';'"},
            {"while 1 do break x = 1 end", "user_script:1: 'end' expected near 'x'"},
            {"function f() return ... end", "user_script:1: cannot use '...' outside a vararg function near '...'"},
            {"x = function(a, 1) end", "user_script:1: <name> or '...' expected near '1'"},
            {"function a:b.c() end", "user_script:1: '(' expected near '.'"},
            {"for i do end", "user_script:1: '=' or 'in' expected near 'do'"},
            {"for i = 1 do end", "user_script:1: ',' expected near 'do'"},
            {"repeat x = 1", "user_script:1: 'until' expected near '<eof>'"},
            {"local x, = 1", "user_script:1: '<name>' expected near '='"},
            {"return {a 1}", "user_script:1: '}' expected near '1'"},
            {"return {[1] 2}", "user_script:1: '=' expected near '2'"},
            {"return a:b", "user_script:1: function arguments expected near '<eof>'"},
            {"(x)", "user_script:1: syntax error near '<eof>'"},
            {"x, f() = 1", "user_script:1: syntax error near '='"},
            {"f() = 1", "user_script:1: unexpected symbol near '='"},
            {"goto x", "user_script:1: '=' expected near 'x'"},
            {"if x then\n  y = 1\n", "user_script:3: 'end' expected (to close 'if' at line 1) near '<eof>'"},
            {"local t = {\n  1,\n  2\n", "user_script:4: '}' expected (to close '{' at line 1) near '<eof>'"},
            {"return (1\n+ 2\n", "user_script:3: ')' expected (to close '(' at line 1) near '<eof>'"},
            {"#!x\nreturn 1", "user_script:1: unexpected symbol near '#'"},
        };
        for (final String[] c : cases) {
            assertEquals(c[1], error(c[0]), c[0]);
        }
    }

    @Test
    void shouldCheckLua51Limits() {
        final StringBuilder locals = new StringBuilder("local a0");
        for (int i = 1; i < 201; i++) {
            locals.append(",a").append(i);
        }
        assertEquals("user_script:1: main function has more than 200 local variables", error(locals + " return 1"));
        assertEquals("user_script:2: function at line 1 has more than 200 local variables",
                error("local function f()\n " + locals + " end"));
        final StringBuilder ups = new StringBuilder("local u0");
        final StringBuilder sum = new StringBuilder("u0");
        for (int i = 1; i < 61; i++) {
            ups.append(",u").append(i);
            sum.append("+u").append(i);
        }
        assertEquals("user_script:2: function at line 2 has more than 60 upvalues",
                error(ups + "\nlocal function f() return " + sum + " end"));
        assertEquals("user_script:1: chunk has too many syntax levels",
                error("return " + "(".repeat(199) + "1" + ")".repeat(199)));
        luaj("return " + "(".repeat(198) + "1" + ")".repeat(198));
        // loadstring runs one C call deeper: one level fewer
        assertEquals("user_script:1: chunk has too many syntax levels",
                error("return " + "(".repeat(198) + "1" + ")".repeat(198), 1));
        final StringBuilder vars = new StringBuilder("t.a0");
        for (int i = 1; i < 201; i++) {
            vars.append(",t.a").append(i);
        }
        assertEquals("user_script:1: main function has more than 199 variables in assignment", error(vars + " = 1"));
    }

    /**
     * LuaJ counts the enclosing functions' locals against a function's 200 (Lua 5.1 does not) and
     * then fails inside its own error formatting: the failure is named as the limit it is.
     */
    @Test
    void shouldNameLuaJsLocalLimitAcrossNestedFunctions() {
        final StringBuilder s = new StringBuilder("local a0");
        for (int i = 1; i < 150; i++) {
            s.append(",a").append(i);
        }
        s.append("\nlocal function f()\n local b0");
        for (int i = 1; i < 60; i++) {
            s.append(",b").append(i);
        }
        final byte[] src = bytes(s + " return 1 end return f()");
        Lua51Syntax.check(src, "user_script", 0); // valid Lua 5.1
        assertEquals("user_script:3: function at line 2 has more than 200 local variables", assertThrows(
                Lua51Syntax.Failure.class, () -> Lua51Syntax.compile(src, "user_script", 0, "@user_script")).getMessage());
    }

    @Test
    void shouldReadLoadsPiecesAsTheLexerNeedsThem() {
        final String[] pieces = {"return 1 2 ", "x", "y"};
        final int[] calls = {0};
        assertEquals("x:1: '<eof>' expected near '2'", assertThrows(Lua51Syntax.Failure.class,
                () -> Lua51Syntax.compile(() -> calls[0] < pieces.length ? bytes(pieces[calls[0]++]) : null, "x", 0,
                        "=x")).getMessage());
        assertEquals(1, calls[0]);
        calls[0] = 0;
        final String[] split = {"ret", "urn 4", "2", ""};
        final org.luaj.vm2.Prototype p = Lua51Syntax.compile(() -> bytes(split[calls[0]++]), "x", 0, "=x");
        assertEquals(4, calls[0]);
        assertEquals(42, new org.luaj.vm2.LuaClosure(p, new org.luaj.vm2.Globals()).call().toint());
    }

    @Test
    void shouldHandLuaJTheSameBytesWhenNothingDiffers() {
        final byte[] src = bytes("local t = {1, 'a\\n', [[x]]} -- c\nreturn t[1] + 2.5e3 .. \"\\65\"");
        assertSame(src, Lua51Syntax.check(src, "user_script", 0));
    }

    @Test
    void shouldRewriteWhatLuaJReadsDifferently() {
        assertEquals("return 16", luaj("return 0x10"));
        assertEquals("return 16 ..1", luaj("return 0x10..1"));
        assertEquals("return 1e5 ..1", luaj("return 1e5..1"));
        assertEquals("return 1", luaj("return 1\0"));
        assertEquals("return 1", luaj("return 1\0e5"));
        assertEquals("return 2 .. 3", luaj("return 2 .\0 3"));
        assertEquals("return \"\\12041\\122\"", luaj("return \"\\x41\\z\""));
        assertEquals("return [=[a [[b]=]", luaj("return [[a [[b]]"));
        assertEquals("return [==[ [[ ]=] ]==]", luaj("return [[ [[ ]=] ]]"));
        assertEquals("--[=[ [[ ]=]\nreturn 1", luaj("--[[ [[ ]]\nreturn 1"));
        assertEquals("local _ENV_0 = {} return _ENV_0", luaj("local _ENV = {} return _ENV"));
        assertEquals("return _ENV[\"_ENV\"]", luaj("return _ENV"));
        assertEquals(" _ENV[\"_ENV\"].a.b = function(self) end", luaj("function _ENV.a:b() end"));
        assertEquals("local function f(...) local arg = {n = _ENV.select('#', ...), ...} return arg.n end",
                luaj("local function f(...) return arg.n end"));
        assertEquals("local function f(...) local arg local x = ... return arg end",
                luaj("local function f(...) local x = ... return arg end"));
        assertEquals("local goto = 1 return goto", luaj("local goto = 1 return goto"));
        assertEquals("return 4.722366482869645E21", luaj("return 0xffffffffffffffffff"));
        assertEquals("return 1e999", luaj("return 0x1p99999"));
    }

    @Test
    void shouldNameChunksAsLua51() {
        assertEquals("[string \"x\"]", Lua51Syntax.chunkid(bytes("x")));
        assertEquals("[string \"a...\"]", Lua51Syntax.chunkid(bytes("a\nb")));
        assertEquals("[string \"x\"]", Lua51Syntax.chunkid(bytes("x\0y")));
        assertEquals("[string \"" + "s".repeat(63) + "...\"]", Lua51Syntax.chunkid(bytes("s".repeat(70))));
        assertEquals("[string \"" + "s".repeat(63) + "\"]", Lua51Syntax.chunkid(bytes("s".repeat(63))));
        assertEquals("foo", Lua51Syntax.chunkid(bytes("=foo")));
        assertEquals("n".repeat(79), Lua51Syntax.chunkid(bytes("=" + "n".repeat(90))));
        assertEquals("file", Lua51Syntax.chunkid(bytes("@file")));
        assertEquals("..." + "p".repeat(72), Lua51Syntax.chunkid(bytes("@" + "p".repeat(80))));
    }

    @Test
    void shouldReadNumbersAsStrtod() {
        assertEquals(16.0, Lua51Syntax.strtod(bytes("0x10"), 4));
        assertEquals(16.0, Lua51Syntax.strtod(bytes("0x1p4"), 5));
        assertEquals(9007199254740992.0, Lua51Syntax.strtod(bytes("0x20000000000001"), 16));
        assertEquals(0.5, Lua51Syntax.strtod(bytes(".5"), 2));
        assertEquals(5.0, Lua51Syntax.strtod(bytes("5."), 2));
        assertEquals(Double.POSITIVE_INFINITY, Lua51Syntax.strtod(bytes("1e999"), 5));
        for (final String bad : new String[] {"0x", "0x1p", "1e", "1e+", "1.5.3", "1_0", "0xg", "1..2"}) {
            assertTrue(Double.isNaN(Lua51Syntax.strtod(bytes(bad), bad.length())), bad);
        }
        assertEquals("1e999", Lua51Syntax.canonical(Double.POSITIVE_INFINITY));
        assertEquals("42", Lua51Syntax.canonical(42));
        assertEquals("0.1", Lua51Syntax.canonical(0.1));
    }
}
