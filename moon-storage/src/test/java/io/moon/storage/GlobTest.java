package io.moon.storage;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
 * byte, so "\u00ff" is the byte 0xff.
 */
class GlobTest {
    private static RedisOracle redis;

    @BeforeContainer
    static void startRedis() {
        redis = RedisOracle.start();
        assertEquals("OK", redis.call("SELECT", "9"));
    }

    @AfterContainer
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

    @Example
    void shouldMatchLikeRedisKeysOnTheExampleTable() {
        for (final Object[] c : KEYS_CASES) {
            final String p = (String) c[0];
            final String k = (String) c[1];
            final boolean expected = (Boolean) c[2];
            assertEquals(expected, redisKeyMatches(p, k), () -> "Redis disagrees with the table: " + p + " ~ " + k);
            assertEquals(expected, glob(p, k, false), () -> "Glob: " + p + " ~ " + k);
        }
    }

    @Example
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

    @Example
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

    @Example
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

    @Example
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

    @Property(tries = 1500, seed = "1907414398446172345")
    void shouldAgreeWithRedisKeysOnRandomPatternsAndKeys(
            @ForAll("patterns") final byte[] pattern, @ForAll("keySets") final List<byte[]> keys) {
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
    }

    /** nocase cannot be asked of KEYS; the transcription, checked against Redis above, stands in. */
    @Property(tries = 5000, seed = "4350017751198390412")
    void shouldAgreeWithTheCTranscriptionWithAndWithoutNocase(
            @ForAll("widePatterns") final byte[] pattern, @ForAll("wideKeys") final byte[] key, @ForAll final boolean nocase) {
        assertEquals(StringMatchLen.matches(pattern, key, nocase), Glob.matches(pattern, 0, pattern.length, key, 0, key.length, nocase),
                () -> "pattern " + show(pattern) + " key " + show(key) + " nocase " + nocase);
    }

    @Provide
    Arbitrary<byte[]> wideKeys() {
        return bytesFrom("abAB-^[]\\*?zZ", "\u0000\u0080\u00ff\u00e9\u00c9`{@").array(byte[].class).ofMaxSize(8);
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

    @Provide
    Arbitrary<byte[]> patterns() {
        return patternsOver(bytesFrom("ab*?[]^-\\", "A\u0080\u00ff"));
    }

    @Provide
    Arbitrary<byte[]> widePatterns() {
        return patternsOver(bytesFrom("abAB*?[]^-\\zZ", "\u0000\u0080\u00ff\u00e9\u00c9`{@"));
    }

    private static Arbitrary<byte[]> patternsOver(final Arbitrary<Byte> any) {
        // raw soup finds the odd corners (stray ']', '-' and '\\'); tokens build real classes
        final Arbitrary<byte[]> soup = any.array(byte[].class).ofMaxSize(10);
        final Arbitrary<byte[]> tokens = token(any).list().ofMaxSize(5).map(GlobTest::concat);
        return Arbitraries.oneOf(soup, tokens);
    }

    /** One glob token: a byte, '?', '*', an escape, or a class with members, ranges and escapes. */
    private static Arbitrary<byte[]> token(final Arbitrary<Byte> any) {
        final Arbitrary<byte[]> member = Arbitraries.oneOf(
                any.map(x -> new byte[] {x}),
                any.tuple2().map(t -> new byte[] {t.get1(), '-', t.get2()}),
                any.map(x -> new byte[] {'\\', x}));
        final Arbitrary<byte[]> klass = Arbitraries.oneOf(
                        Arbitraries.just(new byte[] {'['}), Arbitraries.just(new byte[] {'[', '^'}))
                .flatMap(open -> member.list().ofMaxSize(3).flatMap(members -> Arbitraries.of(true, true, true, false)
                        .map(closed -> {
                            final List<byte[]> parts = new ArrayList<>();
                            parts.add(open);
                            parts.addAll(members);
                            if (closed) {
                                parts.add(new byte[] {']'});
                            }
                            return concat(parts);
                        })));
        return Arbitraries.oneOf(any.map(x -> new byte[] {x}), Arbitraries.just(new byte[] {'?'}),
                Arbitraries.just(new byte[] {'*'}), any.map(x -> new byte[] {'\\', x}), klass, klass);
    }

    private static byte[] concat(final List<byte[]> parts) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (final byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Provide
    Arbitrary<List<byte[]>> keySets() {
        return bytesFrom("ab-^[]\\*?", "A\u0080\u00ff").array(byte[].class).ofMaxSize(6)
                .list().ofMinSize(1).ofMaxSize(16)
                .map(GlobTest::distinct);
    }

    /** Mostly the common alphabet, sometimes one of the rarer bytes. */
    private static Arbitrary<Byte> bytesFrom(final String common, final String rare) {
        final byte[] c = b(common);
        final byte[] r = b(rare);
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, c.length - 1).map(i -> c[i])),
                Tuple.of(2, Arbitraries.integers().between(0, r.length - 1).map(i -> r[i])));
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
