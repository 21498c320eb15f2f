package io.moon.protocol;

import io.moon.protocol.ParserDriver.Outcome;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.moon.protocol.ParserDriver.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every expectation here was checked against redis-server 7.0.15 over a raw socket (the table
 * in docs/protocol.md). Each input is parsed whole and byte by byte, and both must agree.
 */
class RespParserTest {
    private static final String TOO_BIG_MBULK = "Protocol error: too big mbulk count string";
    private static final String TOO_BIG_BULK = "Protocol error: too big bulk count string";
    private static final String TOO_BIG_INLINE = "Protocol error: too big inline request";
    private static final String INVALID_MBULK = "Protocol error: invalid multibulk length";
    private static final String INVALID_BULK = "Protocol error: invalid bulk length";
    private static final String UNBALANCED = "Protocol error: unbalanced quotes in request";

    private static Outcome parse(final String input) {
        final Outcome whole = ParserDriver.whole(input);
        final Outcome split = ParserDriver.byteByByte(bytes(input));
        assertEquals(whole.withoutArena(), split.withoutArena(), "byte-by-byte parse differs from whole parse");
        return whole;
    }

    private static List<List<String>> cmds(final String... commands) {
        final List<List<String>> out = new ArrayList<>();
        for (final String c : commands) {
            out.add(Arrays.asList(c.split(" ", -1)));
        }
        return out;
    }

    private static void assertWaits(final String input, final String... commands) {
        final Outcome o = parse(input);
        assertEquals(cmds(commands), o.commands());
        assertEquals(RespParser.NEED_MORE, o.last(), () -> "expected NEED_MORE, got error " + o.error());
    }

    private static void assertFails(final String input, final String error, final String... commandsBefore) {
        final Outcome o = parse(input);
        assertEquals(cmds(commandsBefore), o.commands());
        assertEquals(RespParser.ERROR, o.last(), "expected an error");
        assertEquals(error, o.error());
    }

    // ---- multibulk counts ----------------------------------------------------------------------

    @Test
    void shouldWaitForArgumentsOfAHugeButLegalCount() {
        assertWaits("*2000000\r\n");
        assertWaits("*2147483647\r\n");
    }

    @Test
    void shouldRejectCountsAboveIntMax() {
        assertFails("*2147483648\r\n", INVALID_MBULK);
        assertFails("*9223372036854775808\r\n", INVALID_MBULK);
    }

    @Test
    void shouldSkipEmptyAndNegativeCounts() {
        assertWaits("*-1\r\n*1\r\n$4\r\nPING\r\n", "PING");
        assertWaits("*0\r\n*1\r\n$4\r\nPING\r\n", "PING");
        assertWaits("*-5\r\n*1\r\n$4\r\nPING\r\n", "PING");
        assertWaits("*-9223372036854775808\r\nPING\r\n", "PING");
        assertFails("*-9223372036854775809\r\nPING\r\n", INVALID_MBULK);
    }

    @Test
    void shouldRejectCountsThatAreNotString2llNumbers() {
        assertFails("*abc\r\n", INVALID_MBULK);
        assertFails("*\r\n", INVALID_MBULK);
        assertFails("*+1\r\n$4\r\nPING\r\n", INVALID_MBULK);
        assertFails("*01\r\n$4\r\nPING\r\n", INVALID_MBULK);
        assertFails("* 1\r\n$4\r\nPING\r\n", INVALID_MBULK);
        // only '\r' ends a header line: here the line is "1\n$4"
        assertFails("*1\n$4\r\nPING\r\n", INVALID_MBULK);
    }

    @Test
    void shouldJudgeAHeaderLineOnlyOnceTheByteAfterItsCrArrived() {
        assertWaits("*abc\r");
        assertFails("*abc\rx", INVALID_MBULK);
        assertWaits("*1\r\n$abc\r");
        assertWaits("*1\r\nx\r");
        // the byte after '\r' is skipped whatever it is
        assertWaits("*1\rx$4\r\nPING\r\n", "PING");
        assertWaits("*1\r\u0000$4\r\u0000PING\r\n", "PING");
    }

    // ---- bulk headers --------------------------------------------------------------------------

    @Test
    void shouldRejectNegativeAndMalformedBulkLengths() {
        assertFails("*1\r\n$-1\r\n", INVALID_BULK);
        assertFails("*1\r\n$\r\n", INVALID_BULK);
        assertFails("*1\r\n$abc\r\n", INVALID_BULK);
        assertFails("*1\r\n$+4\r\nPING\r\n", INVALID_BULK);
        assertFails("*1\r\n$04\r\nPING\r\n", INVALID_BULK);
        assertFails("*1\r\n$4\nPING\r\n", INVALID_BULK);
    }

    @Test
    void shouldEnforceProtoMaxBulkLen() {
        assertWaits("*1\r\n$536870912\r\nabc");
        assertFails("*1\r\n$536870913\r\n", INVALID_BULK);
        assertFails("*1\r\n$2147483648\r\n", INVALID_BULK);
        assertFails("*1\r\n$9223372036854775808\r\n", INVALID_BULK);
    }

    @Test
    void shouldHonourAConfiguredProtoMaxBulkLen() {
        final RespParser p = new RespParser();
        p.maxBulkBytes(10);
        final Outcome o = ParserDriver.feed(p, bytes("*1\r\n$10\r\n0123456789\r\n*1\r\n$11\r\n"), new int[0]);
        assertEquals(cmds("0123456789"), o.commands());
        assertEquals(INVALID_BULK, o.error());
    }

    @Test
    void shouldNotReserveTheDeclaredBulkLength() {
        final Outcome o = parse("*1\r\n$536870912\r\nabc");
        assertTrue(o.maxArenaBytes() <= 1024, "arena grew to " + o.maxArenaBytes());
    }

    @Test
    void shouldReportTheByteFoundInsteadOfDollar() {
        assertFails("*1\r\nxyz\r\n", "Protocol error: expected '$', got 'x'");
        assertFails("*1\r\n:1\r\n", "Protocol error: expected '$', got ':'");
        // an empty line: Redis prints the '\r', which its error formatting turns into a space
        assertFails("*1\r\n\r\n", "Protocol error: expected '$', got ' '");
        assertFails("*1\r\n\u00ffabc\r\n", "Protocol error: expected '$', got '\u00ff'");
        assertFails("*2\r\n$4\r\nECHO\r\n*1\r\n", "Protocol error: expected '$', got '*'");
    }

    @Test
    void shouldSkipTheTwoBytesAfterABulkWithoutCheckingThem() {
        assertWaits("*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n", "PING", "PING");
        assertWaits("*1\r\n$4\r\nPING");
        assertWaits("*1\r\n$4\r\nPING\r");
        assertWaits("*3\r\n$3\r\nSET\r\n");
    }

    @Test
    void shouldKeepBinaryBulkContent() {
        assertWaits("*2\r\n$4\r\nECHO\r\n$3\r\na\u0000b\r\n", "ECHO a\u0000b");
        assertWaits("*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\r\n\r\n", "ECHO \r\n\r\n");
        assertWaits("*1\r\n$0\r\n\r\n", "");
    }

    @Test
    void shouldApplyThePreAuthLimits() {
        final RespParser p = new RespParser();
        p.authRequired(true);
        assertEquals("Protocol error: unauthenticated multibulk length",
                ParserDriver.feed(p, bytes("*11\r\n"), new int[0]).error());
        final RespParser q = new RespParser();
        q.authRequired(true);
        assertEquals(RespParser.NEED_MORE, ParserDriver.feed(q, bytes("*10\r\n$16384\r\n"), new int[0]).last());
        final RespParser s = new RespParser();
        s.authRequired(true);
        assertEquals("Protocol error: unauthenticated bulk length",
                ParserDriver.feed(s, bytes("*1\r\n$16385\r\n"), new int[0]).error());
    }

    // ---- line length limits --------------------------------------------------------------------

    @Test
    void shouldRejectAMultibulkCountLineOver64KbCountingTheStar() {
        assertWaits("*" + "1".repeat(65535));
        assertFails("*" + "1".repeat(65536), TOO_BIG_MBULK);
    }

    @Test
    void shouldRejectABulkCountLineOver64KbCountingTheDollar() {
        assertWaits("*1\r\n$" + "1".repeat(65535));
        assertFails("*1\r\n$" + "1".repeat(65536), TOO_BIG_BULK);
        assertFails("*1\r\n" + "x".repeat(70000), TOO_BIG_BULK);
    }

    @Test
    void shouldRejectAnInlineLineOver64Kb() {
        assertWaits("A".repeat(65536));
        assertFails("A".repeat(65537), TOO_BIG_INLINE);
        assertFails("PING\r\n" + "A".repeat(70000), TOO_BIG_INLINE, "PING");
    }

    @Test
    void shouldRejectAnOverlongLineEvenWhenItsEndIsInTheSameChunk() {
        // Redis accepts or rejects these depending on where its 16 KB reads fall (see
        // docs/protocol.md); Moon always rejects, so chunking cannot change the outcome.
        assertFails("ECHO " + "A".repeat(70000) + "\r\n", TOO_BIG_INLINE);
        assertFails("*" + "1".repeat(70000) + "\r\n", TOO_BIG_MBULK);
    }

    // ---- NUL bytes in lines --------------------------------------------------------------------

    @Test
    void shouldNeverFindTheEndOfALineThatHoldsANul() {
        final String more = "*1\r\n$4\r\nPING\r\n".repeat(5000);
        assertWaits("*1\u0000\r\n$4\r\nPING\r\n");
        assertFails("*1\u0000\r\n" + more, TOO_BIG_MBULK);
        assertWaits("*1\r\n$4\u0000\r\nPING\r\n");
        assertFails("*1\r\n$4\u0000\r\nPING\r\n" + "x".repeat(70000), TOO_BIG_BULK);
        assertWaits("PING\u0000\r\n");
        assertFails("PING\u0000\r\n" + "PING\r\n".repeat(12000), TOO_BIG_INLINE);
        assertWaits("PING\r\n\u0000PING\r\n", "PING");
    }

    // ---- inline commands -----------------------------------------------------------------------

    @Test
    void shouldSkipEmptyAndBlankLines() {
        assertWaits("\r\n\n\r\n   \r\nPING\r\n", "PING");
        assertWaits("\r\n");
    }

    @Test
    void shouldAcceptLfAndCrLfLineEnds() {
        assertWaits("PING\n", "PING");
        assertWaits("PING\r\r\n", "PING");
        assertWaits("\rPING\r\n", "PING");
        assertWaits("\u000bPING\r\n", "PING");
        assertWaits("\u000cPING\r\n", "PING");
        // a lone '\r' separates words; only '\n' ends the line
        assertWaits("PING\rx\n", "PING x");
        assertWaits("PING\r");
    }

    @Test
    void shouldParsePipelinedMixesOfInlineAndMultibulk() {
        final Outcome o = parse("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nECHO  'x y'\n*1\r\n$4\r\nPING\r\n");
        assertEquals(List.of(List.of("PING"), List.of("ECHO", "hi"), List.of("ECHO", "x y"), List.of("PING")),
                o.commands());
        // '*' starts multibulk only as the first byte of a command
        assertWaits(" *1\r\n$4\r\nPING\r\n", "*1", "$4", "PING");
        assertWaits("ECHO *1\r\n", "ECHO *1");
    }

    @Test
    void shouldHandBackCommandsParsedBeforeAnError() {
        assertFails("PING\r\n*1\r\n$4\r\nPING\r\n*abc\r\nPING\r\n", INVALID_MBULK, "PING", "PING");
        assertFails("SET k1 v1\r\n*1\r\nx\r\nGET k1\r\n", "Protocol error: expected '$', got 'x'", "SET k1 v1");
        assertFails("PING\r\nECHO \"abc\r\nPING\r\n", UNBALANCED, "PING");
    }

    @Test
    void shouldRejectUnbalancedQuotes() {
        for (final String line : new String[] {"\"abc", "'abc", "\"abc\\\"", "abc\"", "abc'", "\"a\\\"",
                "\"a\\", "a\\\"b", "a\"b c\"d", "\"a\"b", "'a'b"}) {
            assertFails("ECHO " + line + "\r\n", UNBALANCED);
        }
    }

    /** Lines typed after "RPUSH l " and read back with LRANGE from redis-server 7.0.15. */
    @Test
    void shouldSplitInlineArgumentsLikeSdssplitargs() {
        final String[][] cases = {
                {"a\\x41b", "a\\x41b"},
                {"\"a\\x41b\"", "aAb"},
                {"\"a\\x4\"", "ax4"},
                {"\"a\\x4g\"", "ax4g"},
                {"\"\\xff\\x00z\"", "\u00ff\u0000z"},
                {"\"\\x4A\\x4a\"", "JJ"},
                {"\"x\\X41\"", "xX41"},
                {"\"a\\nb\"", "a\nb"},
                {"\"\\r\\t\\b\\a\\q\\\\\\\"\"", "\r\t\b\u0007q\\\""},
                {"'a\\'b'", "a'b"},
                {"'a\\nb'", "a\\nb"},
                {"'a\\\\b'", "a\\\\b"},
                {"a\"b c\"", "ab c"},
                {"x'y z'", "xy z"},
                {"\"a\" b", "a", "b"},
                {"\"a\"\tb", "a", "b"},
                {"\"a\"\u000bb", "a", "b"},
                {"\"a\"\u000cb", "a", "b"},
                {"\"a\"\u000b", "a"},
                {"a\u000bb", "a\u000bb"},
                {"a\u000cb", "a\u000cb"},
                {"\"\"", ""},
                {"''", ""},
                {"\"\" \"\"", "", ""},
                {"  a   b  ", "a", "b"},
                {"a\tb", "a", "b"},
                {"a\rb", "a", "b"},
                {"\"\u00c3\u00a9\"", "\u00c3\u00a9"},
                {"\u00a0x", "\u00a0x"},
                {"\u0085x", "\u0085x"},
        };
        for (final String[] c : cases) {
            final Outcome o = parse("RPUSH l " + c[0] + "\r\n");
            final List<String> expected = new ArrayList<>(List.of("RPUSH", "l"));
            expected.addAll(Arrays.asList(c).subList(1, c.length));
            assertEquals(List.of(expected), o.commands(), () -> "line " + c[0]);
        }
    }

    @Test
    void shouldKeepAnInlineNulAsTheEndOfTheLineWhenSplitDirectly() {
        // The parser never hands a NUL to the splitter; called directly, it stops there as C does.
        final Request r = new Request();
        final byte[] line = bytes("a b\u0000c");
        assertTrue(InlineSplitter.split(line, line.length, r));
        assertEquals(2, r.argc());
        final Request q = new Request();
        final byte[] open = bytes("\"a\u0000\"");
        assertEquals(false, InlineSplitter.split(open, open.length, q));
    }

    @Test
    void shouldStayFailedAfterAnError() {
        final RespParser p = new RespParser();
        final Request r = new Request();
        assertEquals(RespParser.ERROR, p.parse(Unpooled.wrappedBuffer(bytes("*x\r\n")), r));
        assertEquals(RespParser.ERROR, p.parse(Unpooled.wrappedBuffer(bytes("*1\r\n$4\r\nPING\r\n")), r));
        assertEquals(INVALID_MBULK, p.error());
    }

    @Test
    void shouldReportIdleOnlyBetweenCommands() {
        final RespParser p = new RespParser();
        final Request r = new Request();
        assertTrue(p.idle());
        assertEquals(RespParser.NEED_MORE, p.parse(Unpooled.wrappedBuffer(bytes("*1\r\n$4\r\nPI")), r));
        assertEquals(false, p.idle());
        assertEquals(RespParser.COMPLETE, p.parse(Unpooled.wrappedBuffer(bytes("NG\r\n")), r));
        assertTrue(p.idle());
    }
}
