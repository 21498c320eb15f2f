package io.moon.storage;

import io.moon.testkit.Props;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Glob} against Redis's stringmatchlen. The oracle is a redis-server this test starts on a
 * free port: every expectation, the example tables included, is also asked of it (KEYS for
 * case-sensitive matching, CONFIG GET for nocase, which is how Redis itself uses nocase), so a
 * wrong expectation fails here instead of hiding a bug. Strings are ISO-8859-1, one char per
 * byte, so "\u00ff" is the byte 0xff. Random patterns are generated and run by {@link Props}.
 */
class GlobTest {
    private static RedisOracle redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisOracle.start();
        assertEquals("OK", redis.call("SELECT", "9"));
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean glob(final String pattern, final String s, final boolean nocase) {
        final byte[] p = b(pattern);
        final byte[] k = b(s);
        return Glob.matches(p, 0, p.length, k, 0, k.length, nocase);
    }

    /** What KEYS answers: "*" alone matches every key, the empty key too (KEYS skips matching). */
    private static boolean keysWouldMatch(final byte[] p, final byte[] k) {
        return Glob.isMatchAll(p, 0, p.length) || Glob.matches(p, 0, p.length, k, 0, k.length, false);
    }

    /** Redis's KEYS pattern over exactly these keys (in the scratch db 9). */
    @SuppressWarnings("unchecked")
    private static Set<String> redisKeys(final byte[] pattern, final Iterable<byte[]> keys) {
        assertEquals("OK", redis.call("FLUSHDB"));
        final List<byte[]> mset = new ArrayList<>();
        mset.add(b("MSET"));
        for (final byte[] k : keys) {
            mset.add(k);
            mset.add(b("v"));
        }
        if (mset.size() > 1) {
            assertEquals("OK", redis.call(mset.toArray(new byte[0][])));
        }
        final Set<String> out = new TreeSet<>();
        for (final Object o : (List<Object>) redis.call(b("KEYS"), pattern)) {
            out.add(new String((byte[]) o, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static boolean redisKeyMatches(final String pattern, final String key) {
        return redisKeys(b(pattern), List.of(b(key))).contains(key);
    }

    // ---- examples, each confirmed by Redis -----------------------------------------------------

    private static final Object[][] KEYS_CASES = {
            // empty pattern and empty string: an empty string matches only the empty pattern
            {"", "", true}, {"", "a", false}, {"a", "", false}, {"?", "", false}, {"**", "", false},
            {"[a]", "", false},
            // * and ?
            {"h?llo", "hello", true}, {"h?llo", "hllo", false}, {"h*llo", "hllo", true},
            {"h*llo", "heeeello", true}, {"a*", "a", true}, {"*a", "a", true}, {"*a*", "bab", true},
            {"a*b", "ab", true}, {"a**", "a", true}, {"?*", "a", true}, {"*?*?", "ab", true}, {"*?*?", "a", false},
            // classes
            {"h[ae]llo", "hallo", true}, {"h[ae]llo", "hillo", false}, {"h[^e]llo", "hallo", true},
            {"h[^e]llo", "hello", false}, {"h[a-b]llo", "hbllo", true}, {"h[a-b]llo", "hcllo", false},
            {"[z-a]", "m", true}, {"[z-a]", "A", false}, {"[a-a]", "a", true}, {"[*]", "*", true},
            {"[*]", "a", false}, {"[?]", "?", true}, {"[]", "x", false}, {"[]a]", "a", false},
            {"[^]", "x", true}, {"[a^]", "^", true}, {"[-a]", "-", true},
            // "[a-]" reads as the range a..']' and then runs off the end of the pattern
            {"[a-]", "^", true}, {"[a-]", "b", false}, {"[a-]", "-", false},
            // unterminated classes end at the end of the pattern
            {"[abc", "b", true}, {"[abc", "d", false}, {"[", "[", false}, {"a[", "a", false},
            {"a[", "ab", false}, {"[^", "x", true}, {"[^", "^", true}, {"[a-", "a", true}, {"[a-", "-", true},
            // escapes outside and inside classes
            {"\\*", "*", true}, {"\\*", "a", false}, {"\\?", "?", true}, {"\\?", "x", false},
            {"\\[a]", "[a]", true}, {"\\[a]", "a", false}, {"\\a", "a", true}, {"[\\]]", "]", true},
            {"[\\]a]", "a", true}, {"[\\^a]", "^", true}, {"[\\-]", "-", true}, {"[a\\-z]", "b", false},
            {"[a\\-z]", "-", true}, {"[\\a-z]", "z", true}, {"[\\a-z]", "-", true},
            // a trailing backslash is a literal backslash, in a class too
            {"a\\", "a\\", true}, {"\\", "\\", true}, {"[\\", "\\", true}, {"a\\", "a", false},
            // bytes >= 0x80 are negative C chars: [a-\xff] is the range -1..97
            {"[a-\u00ff]", "\u00ff", true}, {"[a-\u00ff]", "b", false}, {"[a-\u00ff]", "\u0080", false},
            {"[a-\u00ff]", "A", true}, {"[\u0080-\u00ff]", "\u0090", true}, {"[\u0080-\u00ff]", "a", false},
            {"[\u0001-\u00ff]", "a", false}, {"[\u0001-\u00ff]", "\u0000", true}, {"[\u00ff-\u0001]", "\u0001", true},
            {"\u00e9*", "\u00e9t\u00e9", true}, {"?", "\u00ff", true},
            // case matters without nocase
            {"A", "a", false}, {"[A-Z]", "a", false},
    };

    @Test
    void shouldMatchLikeRedisKeysOnTheExampleTable() {
        for (final Object[] c : KEYS_CASES) {
            final String p = (String) c[0];
            final String k = (String) c[1];
            final boolean expected = (Boolean) c[2];
            assertEquals(expected, redisKeyMatches(p, k), () -> "Redis disagrees with the table: " + p + " ~ " + k);
            assertEquals(expected, glob(p, k, false), () -> "Glob: " + p + " ~ " + k);
        }
    }

    @Test
    void shouldLeaveTheEmptyKeyToTheStarShortcut() {
        // stringmatchlen("*", "") is false; KEYS * lists the empty key only because it skips matching
        assertFalse(glob("*", "", false));
        assertTrue(keysWouldMatch(b("*"), b("")));
        assertEquals(Set.of("", "a"), redisKeys(b("*"), List.of(b(""), b("a"))));
        assertEquals(Set.of("a"), redisKeys(b("**"), List.of(b(""), b("a"))));
    }

    /** (pattern, config name, matches?) checked with CONFIG GET, which matches with nocase. */
    private static final Object[][] NOCASE_CASES = {
            {"MAXMEMOR?", "maxmemory", true},
            {"MaXmEmOrY-*", "maxmemory-policy", true},
            {"[L-N]axmemory", "maxmemory", true},
            {"[l-n]AXMEMORY", "maxmemory", true},
            {"[M]axmemory", "maxmemory", true},
            {"[^M]axmemory", "maxmemory", false},
            // the range is swapped first and lowered after: [a-Z] becomes 'z'..'a', which is empty
            {"[a-Z]axmemory", "maxmemory", false},
            {"[Z-a]axmemory", "maxmemory", false},
            // an escaped byte in a class compares case-sensitively, an escape outside does not
            {"[\\M]axmemory", "maxmemory", false},
            {"[\\m]axmemory", "maxmemory", true},
            {"\\Maxmemor?", "maxmemory", true},
            {"maxmemory", "maxmemory-policy", false},
    };

    @Test
    @SuppressWarnings("unchecked")
    void shouldFoldCaseLikeRedisConfigGet() {
        for (final Object[] c : NOCASE_CASES) {
            final String p = (String) c[0];
            final String name = (String) c[1];
            final boolean expected = (Boolean) c[2];
            if (p.indexOf('*') >= 0 || p.indexOf('?') >= 0 || p.indexOf('[') >= 0) {
                // without [*? CONFIG GET looks the name up instead of matching
                final List<Object> reply = (List<Object>) redis.call("CONFIG", "GET", p);
                final Set<String> names = new TreeSet<>();
                for (int i = 0; i < reply.size(); i += 2) {
                    names.add(new String((byte[]) reply.get(i), StandardCharsets.ISO_8859_1));
                }
                assertEquals(expected, names.contains(name), () -> "Redis disagrees with the table: " + p);
            }
            assertEquals(expected, glob(p, name, true), () -> "Glob nocase: " + p + " ~ " + name);
        }
        // nocase folds ASCII letters only
        assertFalse(glob("\u00e9", "\u00c9", true));
        assertTrue(glob("[A-C]", "b", true));
    }

    @Test
    void shouldGiveUpFastOnPathologicalStars() {
        final String key = "a".repeat(100_000);
        final String pattern = "a*a*a*a*a*a*a*a*a*a*b";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertFalse(glob(pattern, key, false)));
        assertTrue(redisKeys(b(pattern), List.of(b(key))).isEmpty());
        final String matching = "a*a*a*a*a*a*a*a*a*a*a";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertTrue(glob(matching, key, false)));
        assertEquals(1, redisKeys(b(matching), List.of(b(key))).size());
    }

    /** (pattern, matches a 3000-byte run of 'a'?) around Redis's limit of 1000 nested stars. */
    private static final Object[][] STAR_LIMIT_CASES = {
            {"a*".repeat(1000), true},
            {"a*".repeat(1000) + "a", true},
            {"a*".repeat(1001), true}, // the 1001st star is the last byte: no recursion for it
            {"a*".repeat(1001) + "a", false},
            {"a*".repeat(1002), false},
            {"*a".repeat(1000), true},
            {"*a".repeat(1001), false},
            {"*" + "a**".repeat(999) + "a", true}, // consecutive stars are one level
            {"*" + "a**".repeat(1000) + "a", false},
            {"*?".repeat(1000), true},
            {"*?".repeat(1001), false},
            {"a*".repeat(30_000), false},
    };

    @Test
    void shouldStopAtRedisStarNestingLimitWithoutOverflowingTheStack() {
        final String key = "a".repeat(3000);
        for (final Object[] c : STAR_LIMIT_CASES) {
            final String p = (String) c[0];
            final boolean expected = (Boolean) c[1];
            final String what = "pattern of " + p.length() + " bytes starting " + p.substring(0, 6)
                    + " ending " + p.substring(p.length() - 4);
            assertEquals(expected, redisKeys(b(p), List.of(b(key))).size() == 1, () -> "Redis disagrees: " + what);
            assertEquals(expected, glob(p, key, false), () -> "Glob: " + what);
        }
    }

    // ---- random patterns against Redis ---------------------------------------------------------

    /** Short patterns and keys every run tries first, before the generated ones. */
    private static final String[] EDGE_PATTERNS = {"", "*", "?", "[", "[^", "[a-", "\\", "a\\", "[]", "[\\", "A"};
    private static final String[] EDGE_KEYS = {"", "a", "A", "\\"};

    record PatternAndKeys(byte[] pattern, List<byte[]> keys) {
        @Override
        public String toString() {
            final StringBuilder sb = new StringBuilder("pattern ").append(show(pattern)).append(" keys [");
            for (int i = 0; i < keys.size(); i++) {
                sb.append(i > 0 ? ", \"" : "\"").append(show(keys.get(i))).append('"');
            }
            return sb.append(']').toString();
        }
    }

    @Test
    void shouldAgreeWithRedisKeysOnRandomPatternsAndKeys() {
        final List<PatternAndKeys> edges = new ArrayList<>();
        final List<byte[]> edgeKeys = new ArrayList<>();
        for (final String k : EDGE_KEYS) {
            edgeKeys.add(b(k));
        }
        for (final String p : EDGE_PATTERNS) {
            edges.add(new PatternAndKeys(b(p), edgeKeys));
        }
        Props.forAll("KEYS patterns", 1907414398446172345L, 1500, edges,
                r -> new PatternAndKeys(patternsOver(r, PATTERN_BYTES), keySet(r)), in -> {
                    final byte[] pattern = in.pattern();
                    final List<byte[]> keys = in.keys();
                    final Set<String> expected = new TreeSet<>();
                    for (final String k : redisKeys(pattern, keys)) {
                        expected.add(show(b(k)));
                    }
                    final Set<String> actual = new TreeSet<>();
                    final Set<String> port = new TreeSet<>();
                    for (final byte[] k : keys) {
                        if (keysWouldMatch(pattern, k)) {
                            actual.add(show(k));
                        }
                        if (Glob.isMatchAll(pattern, 0, pattern.length) || StringMatchLen.matches(pattern, k, false)) {
                            port.add(show(k));
                        }
                    }
                    assertEquals(expected, port, () -> "the C transcription is wrong for pattern " + show(pattern));
                    assertEquals(expected, actual, () -> "pattern " + show(pattern));
                });
    }

    record PatternKeyCase(byte[] pattern, byte[] key, boolean nocase) {
        @Override
        public String toString() {
            return "pattern " + show(pattern) + " key " + show(key) + " nocase " + nocase;
        }
    }

    /** nocase cannot be asked of KEYS; the transcription, checked against Redis above, stands in. */
    @Test
    void shouldAgreeWithTheCTranscriptionWithAndWithoutNocase() {
        final List<PatternKeyCase> edges = new ArrayList<>();
        for (final String p : EDGE_PATTERNS) {
            for (final String k : EDGE_KEYS) {
                edges.add(new PatternKeyCase(b(p), b(k), false));
                edges.add(new PatternKeyCase(b(p), b(k), true));
            }
        }
        Props.forAll("nocase patterns", 4350017751198390412L, 5000, edges,
                r -> new PatternKeyCase(patternsOver(r, WIDE_PATTERN_BYTES), Props.bytes(r, 0, 8, WIDE_KEY_BYTES),
                        r.nextBoolean()),
                c -> assertEquals(StringMatchLen.matches(c.pattern(), c.key(), c.nocase()),
                        Glob.matches(c.pattern(), 0, c.pattern().length, c.key(), 0, c.key().length, c.nocase()),
                        c::toString));
    }

    /** Printable ASCII as is, everything else as \\xHH, so failures show every byte. */
    private static String show(final byte[] bytes) {
        final StringBuilder sb = new StringBuilder();
        for (final byte x : bytes) {
            final int c = x & 0xff;
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }

    private static final Props.ByteGen PATTERN_BYTES = bytesFrom("ab*?[]^-\\", "A\u0080\u00ff");
    private static final Props.ByteGen WIDE_PATTERN_BYTES = bytesFrom("abAB*?[]^-\\zZ", "\u0000\u0080\u00ff\u00e9\u00c9`{@");
    private static final Props.ByteGen WIDE_KEY_BYTES = bytesFrom("abAB-^[]\\*?zZ", "\u0000\u0080\u00ff\u00e9\u00c9`{@");
    private static final Props.ByteGen KEY_BYTES = bytesFrom("ab-^[]\\*?", "A\u0080\u00ff");

    private static byte[] patternsOver(final SplittableRandom r, final Props.ByteGen any) {
        // raw soup finds the odd corners (stray ']', '-' and '\\'); tokens build real classes
        if (r.nextBoolean()) {
            return Props.bytes(r, 0, 10, any);
        }
        return concat(Props.listOf(r, 0, 5, t -> token(t, any)));
    }

    /** One glob token: a byte, '?', '*', an escape, or a class (twice as likely) with members, ranges and escapes. */
    private static byte[] token(final SplittableRandom r, final Props.ByteGen any) {
        return switch (r.nextInt(6)) {
            case 0 -> new byte[] {any.next(r)};
            case 1 -> new byte[] {'?'};
            case 2 -> new byte[] {'*'};
            case 3 -> new byte[] {'\\', any.next(r)};
            default -> klass(r, any);
        };
    }

    /** '[' or "[^", up to 3 members, and a closing ']' 3 times in 4. */
    private static byte[] klass(final SplittableRandom r, final Props.ByteGen any) {
        final List<byte[]> parts = new ArrayList<>();
        parts.add(r.nextBoolean() ? new byte[] {'['} : new byte[] {'[', '^'});
        parts.addAll(Props.listOf(r, 0, 3, m -> member(m, any)));
        if (Props.choose(r, true, true, true, false)) {
            parts.add(new byte[] {']'});
        }
        return concat(parts);
    }

    /** A byte, a range or an escape. */
    private static byte[] member(final SplittableRandom r, final Props.ByteGen any) {
        return switch (r.nextInt(3)) {
            case 0 -> new byte[] {any.next(r)};
            case 1 -> new byte[] {any.next(r), '-', any.next(r)};
            default -> new byte[] {'\\', any.next(r)};
        };
    }

    private static byte[] concat(final List<byte[]> parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** 1..16 keys of up to 6 bytes, duplicates dropped. */
    private static List<byte[]> keySet(final SplittableRandom r) {
        return distinct(Props.listOf(r, 1, 16, k -> Props.bytes(k, 0, 6, KEY_BYTES)));
    }

    /** Mostly the common alphabet (3 in 4), sometimes one of the rarer bytes. */
    private static Props.ByteGen bytesFrom(final String common, final String rare) {
        final byte[] c = b(common);
        final byte[] x = b(rare);
        return r -> Props.weighted(r, 6, 2) == 0 ? Props.chooseByte(r, c) : Props.chooseByte(r, x);
    }

    private static List<byte[]> distinct(final List<byte[]> keys) {
        final Set<String> seen = new LinkedHashSet<>();
        final List<byte[]> out = new ArrayList<>();
        for (final byte[] k : keys) {
            if (seen.add(new String(k, StandardCharsets.ISO_8859_1))) {
                out.add(k);
            }
        }
        return out;
    }
}
