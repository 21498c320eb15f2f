package io.moon.server.script;

import io.moon.server.testing.Oracle;
import io.moon.server.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.moon.server.testing.Resp.printable;

/**
 * Lua 5.1's pattern matching (LuaPatterns, LuaMatcher) on random patterns and subjects, compared
 * with the real redis-server 7.0: string.find, string.match, string.gsub (string, table and
 * function replacements) and string.gmatch, each inside pcall so error texts are compared too.
 *
 * <p>Patterns are built from the items Lua 5.1 knows (classes, sets, frontiers, balances,
 * captures, back references, anchors, quantifiers) with unbalanced parentheses and stray '%' on
 * purpose; subjects from a small alphabet with NUL bytes, so items often match. Subjects stay
 * short and patterns have few quantified items: Redis's matcher backtracks in C, where nothing
 * can interrupt it, so the test keeps the work per match small.
 */
class LuaPatternsDiffTest {
    private static final int TRIES = 800;
    private static final String[] ITEMS = {
        "a", "b", ".", "%a", "%d", "%s", "%w", "%p", "%z", "%A", "%S", "%W", "[ab]", "[^a]", "[a-c]", "[%d,]",
        "[]]", "%f[%w]", "%f[%W]", "%f[%z]", "%b()", "(", ")", "()", "%1", "%2", "^", "$", "%", "%(", "\0", "[a",
        "1", " ", ",",
    };
    private static final String[] QUANTIFIERS = {"*", "+", "-", "?"};
    private static final String SUBJECT_CHARS = "ab1 (),\0.";
    private static final String[] REPLACEMENTS = {
        "'<%0>'", "'%1'", "'x%'", "'%%'", "'%a'", "{a='A', b=false, ['1']=1}", "function(x, y) return y end",
        "function(x) if x == 'a' then return {} end return nil end",
    };

    @Test
    void shouldMatchAsRedisForRandomPatterns() throws Exception {
        Oracle.assertSameAsRedis(port -> {
            final SplittableRandom rnd = new SplittableRandom(Long.getLong("moon.props.seed", 0x50617473L));
            final List<String> lines = new ArrayList<>();
            try (RawClient c = new RawClient(port)) {
                for (int t = 0; t < TRIES; t++) {
                    final String subject = subject(rnd);
                    final String pattern = pattern(rnd);
                    final String script = switch (rnd.nextInt(4)) {
                        case 0 -> "local r = {pcall(string.find, ARGV[1], ARGV[2], " + (rnd.nextInt(5) - 2) + ")}"
                                + " for i = 1, 6 do r[i] = tostring(r[i]) end return r";
                        case 1 -> "local r = {pcall(string.match, ARGV[1], ARGV[2])} for i = 1, 6 do r[i] = tostring(r[i]) end return r";
                        case 2 -> "local r = {pcall(string.gsub, ARGV[1], ARGV[2], "
                                + REPLACEMENTS[rnd.nextInt(REPLACEMENTS.length)] + ")} for i = 1, 3 do r[i] = tostring(r[i]) end return r";
                        default -> "local ok, r = pcall(function() local t = {} for x, y in string.gmatch(ARGV[1], ARGV[2]) do"
                                + " t[#t + 1] = tostring(x) .. '|' .. tostring(y) if #t > 20 then break end end"
                                + " return table.concat(t, ',') end) return {tostring(ok), r}";
                    };
                    lines.add(printable(bytes(subject)) + " ~ " + printable(bytes(pattern)) + " : " + script + " -> "
                            + printable(c.runRaw("EVAL", script, "0", subject, pattern)));
                }
            }
            return lines;
        });
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String subject(final SplittableRandom rnd) {
        final StringBuilder s = new StringBuilder();
        for (int i = rnd.nextInt(11); i > 0; i--) {
            s.append(SUBJECT_CHARS.charAt(rnd.nextInt(SUBJECT_CHARS.length())));
        }
        return s.toString();
    }

    /** Up to 6 items, at most 3 of them quantified (the backtracking stays small in C). */
    private static String pattern(final SplittableRandom rnd) {
        final StringBuilder p = new StringBuilder();
        int quantified = 0;
        for (int i = rnd.nextInt(7); i > 0; i--) {
            final String item = ITEMS[rnd.nextInt(ITEMS.length)];
            p.append(item);
            if (quantified < 3 && rnd.nextInt(3) == 0) {
                p.append(QUANTIFIERS[rnd.nextInt(QUANTIFIERS.length)]);
                quantified++;
            }
        }
        return p.toString();
    }
}
