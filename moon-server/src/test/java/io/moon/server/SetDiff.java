package io.moon.server;

import io.moon.server.DifferentialTest.Allowed;
import io.moon.server.DifferentialTest.Family;
import io.moon.server.DifferentialTest.Weighted;
import io.moon.server.testing.RawClient;
import io.moon.testkit.Props;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static io.moon.server.DifferentialTest.cmd;
import static io.moon.server.DifferentialTest.flag;
import static io.moon.server.DifferentialTest.is;
import static io.moon.server.DifferentialTest.key;
import static io.moon.server.DifferentialTest.mostly;
import static io.moon.server.DifferentialTest.optionsOrJunk;
import static io.moon.server.DifferentialTest.pattern;

/**
 * The set family of the differential test: every set command with valid and invalid arguments,
 * over the shared keys (so sets meet the other families' types, and multi-key commands cross
 * shards). Members mix integers (intset), short strings (listpack), strings longer than
 * set-max-listpack-value and batches past the intset and listpack limits (hash table).
 *
 * <p>Replies that are legitimately different are compared for what Redis promises:
 * <ul>
 *   <li>SMEMBERS, SINTER, SUNION, SDIFF: as sets. Redis 7.0 keeps every non-intset set in a hash
 *       table, so its order is the table's; 7.2 (Moon) walks a listpack in insertion order.</li>
 *   <li>SRANDMEMBER: the shape (how many, distinct or not) and that every member is in the set.</li>
 *   <li>SPOP: as many members popped on both; then the servers are brought back to the same set
 *       (Redis gets back what it popped and loses what Moon popped) and the sets compared.</li>
 *   <li>SSCAN from cursor 0: a full iteration on each, compared as sets; from another cursor,
 *       the shape.</li>
 * </ul>
 * These commands go alone, not pipelined (see {@link #alone}), because comparing them takes more
 * round trips. OBJECT ENCODING may differ where Redis 7.2 changed the set encodings (allowed below).
 */
final class SetDiff {
    private SetDiff() {
    }

    /** Members: integers, near-integers, short strings, long strings. */
    private static final String[] MEMBERS = {"0", "1", "-1", "2", "3", "42", "-300", "70000", "9223372036854775807",
            "-9223372036854775808", "01", "-0", "+1", " 1", "", "a", "b", "c", "abc", "hello", "x".repeat(64),
            "y".repeat(65), "a\u0000b"};

    private static String member(final SplittableRandom r) {
        return Props.weighted(r, 8, 1) == 0 ? Props.choose(r, MEMBERS) : "m" + r.nextInt(40);
    }

    /** One to four members, now and then a batch past the listpack (130) or intset (520) limit. */
    private static List<String> members(final SplittableRandom r) {
        final int kind = Props.weighted(r, 14, 1, 1);
        if (kind == 0) {
            return Props.listOf(r, 1, 4, SetDiff::member);
        }
        final List<String> out = new ArrayList<>();
        final boolean ints = kind == 2 || r.nextBoolean();
        for (int i = 0, n = kind == 1 ? 130 : 520; i < n; i++) {
            out.add(ints ? Integer.toString(r.nextInt(-1000, 1000)) : "s" + r.nextInt(1000));
        }
        return out;
    }

    private static List<String> keys(final SplittableRandom r) {
        return Props.listOf(r, 1, 3, DifferentialTest::key);
    }

    private static List<String> sintercard(final SplittableRandom r) {
        final List<String> keys = keys(r);
        final String numkeys = Props.weighted(r, 10, 1) == 0 ? String.valueOf(keys.size())
                : Props.choose(r, "0", "-1", "abc", String.valueOf(keys.size() + 1));
        return cmd("SINTERCARD", numkeys, keys, optionsOrJunk(r, 2, flag("LIMIT", c -> mostly(c,
                new String[] {"0", "1", "2", "5"}, "-1", "abc"))));
    }

    private static String count(final SplittableRandom r) {
        return mostly(r, new String[] {"0", "1", "2", "3", "5", "50", "200", "-1", "-3", "-20"},
                "abc", "1.5", "-9223372036854775808", "9223372036854775807");
    }

    private static final List<Weighted> COMMANDS = List.of(
            new Weighted(8, r -> cmd(Props.choose(r, "SADD", "sadd"), key(r), members(r))),
            new Weighted(4, r -> cmd("SREM", key(r), members(r))),
            new Weighted(2, r -> cmd("SCARD", key(r))),
            new Weighted(3, r -> cmd("SISMEMBER", key(r), member(r))),
            new Weighted(2, r -> cmd("SMISMEMBER", key(r), Props.listOf(r, 1, 4, SetDiff::member))),
            new Weighted(3, r -> cmd("SMEMBERS", key(r))),
            new Weighted(3, r -> cmd("SRANDMEMBER", key(r), r.nextBoolean() ? List.of() : List.of(count(r)))),
            new Weighted(3, r -> cmd("SPOP", key(r), r.nextBoolean() ? List.of() : List.of(count(r)))),
            new Weighted(3, r -> cmd("SMOVE", key(r), key(r), member(r))),
            new Weighted(2, r -> cmd(Props.choose(r, "SINTER", "SUNION", "SDIFF"), keys(r))),
            new Weighted(3, r -> cmd(Props.choose(r, "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), key(r), keys(r))),
            new Weighted(2, SetDiff::sintercard),
            new Weighted(2, r -> cmd("SSCAN", key(r), DifferentialTest.cursor(r), optionsOrJunk(r, 2,
                    flag("MATCH", c -> Props.weighted(c, 2, 1) == 0 ? pattern(c) : Props.choose(c, "m1*", "s?", "*a*")),
                    flag("COUNT", c -> mostly(c, new String[] {"1", "2", "5", "100"}, "0", "-1", "abc"))))),
            new Weighted(1, r -> cmd("OBJECT", "ENCODING", key(r))));

    /** True for the set commands whose comparison needs round trips of its own: never pipelined. */
    static boolean alone(final List<String> cmd) {
        return is(cmd, "SPOP") || is(cmd, "SRANDMEMBER") || is(cmd, "SSCAN");
    }

    static final Family FAMILY = new Family("sets", 6, COMMANDS, SetDiff::compare, List.of(
            new Allowed("OBJECT ENCODING: Redis 7.2 (Moon's target) keeps small non-integer sets in a listpack,"
                    + " where 7.0 uses a hash table (7.0 has no listpack sets)",
                    (cmd, r, m) -> is(cmd, "OBJECT", "ENCODING") && "hashtable".equals(r) && "listpack".equals(m)),
            new Allowed("OBJECT ENCODING: Redis 7.2's SADD sizes the set for its argument count first, so more"
                    + " arguments than set-max-intset-entries make a hash table even when most are duplicates;"
                    + " 7.0 added them one by one and could stay an intset",
                    (cmd, r, m) -> is(cmd, "OBJECT", "ENCODING") && "intset".equals(r) && "hashtable".equals(m))));

    private static String compare(final List<String> cmd, final Object r, final Object m, final RawClient redis,
                                  final RawClient moon) throws IOException {
        if (is(cmd, "SMEMBERS") || is(cmd, "SINTER") || is(cmd, "SUNION") || is(cmd, "SDIFF")) {
            return sameSet(r, m) ? "" : "different members";
        }
        if (is(cmd, "SRANDMEMBER")) {
            return srandmember(cmd, r, m, redis);
        }
        if (is(cmd, "SPOP")) {
            return spop(cmd, r, m, redis, moon);
        }
        if (is(cmd, "SSCAN")) {
            return sscan(cmd, r, m, redis, moon);
        }
        return null;
    }

    private static boolean sameSet(final Object r, final Object m) {
        if (r instanceof Collection<?> rc && m instanceof Collection<?> mc) {
            return rc.size() == mc.size() && new HashSet<>(rc).equals(new HashSet<>(mc));
        }
        return java.util.Objects.equals(r, m);
    }

    private static Set<Object> smembers(final RawClient c, final String key) throws IOException {
        final Object v = c.run("SMEMBERS", key);
        return v instanceof Collection<?> col ? new HashSet<>(col) : Set.of();
    }

    private static String srandmember(final List<String> cmd, final Object r, final Object m, final RawClient redis)
            throws IOException {
        if (cmd.size() != 3 || !(r instanceof Collection<?>)) {
            if (r == null || m == null || !(r instanceof String) || !(m instanceof String)) {
                return java.util.Objects.equals(r, m) ? "" : "one reply is null, the other not";
            }
            return smembers(redis, cmd.get(1)).contains(m) ? "" : "Moon's member is not in the set";
        }
        if (!(m instanceof Collection<?> mc)) {
            return "Moon did not reply an array";
        }
        final Collection<?> rc = (Collection<?>) r;
        if (rc.size() != mc.size()) {
            return "different counts";
        }
        final boolean unique = !cmd.get(2).startsWith("-");
        if (unique && new HashSet<>(mc).size() != mc.size()) {
            return "repeated members in a positive-count sample";
        }
        return smembers(redis, cmd.get(1)).containsAll(mc) ? "" : "Moon's members are not all in the set";
    }

    /** Both popped as many; Redis is then given Moon's state, and the sets must match. */
    private static String spop(final List<String> cmd, final Object r, final Object m, final RawClient redis,
                               final RawClient moon) throws IOException {
        final Collection<?> rc = r instanceof Collection<?> c ? c : r == null ? List.of() : List.of(r);
        final Collection<?> mc = m instanceof Collection<?> c ? c : m == null ? List.of() : List.of(m);
        if ((r == null) != (m == null) || (r instanceof Collection<?>) != (m instanceof Collection<?>)
                || rc.size() != mc.size() || new HashSet<>(mc).size() != mc.size()) {
            return "SPOP replies differ in shape";
        }
        final String key = cmd.get(1);
        if (!rc.isEmpty()) {
            final List<String> back = new ArrayList<>(List.of("SADD", key));
            rc.forEach(x -> back.add((String) x));
            redis.run(back.toArray(new String[0]));
            final List<String> gone = new ArrayList<>(List.of("SREM", key));
            mc.forEach(x -> gone.add((String) x));
            redis.run(gone.toArray(new String[0]));
        }
        return smembers(redis, key).equals(smembers(moon, key)) ? "" : "the sets differ after SPOP";
    }

    private static String sscan(final List<String> cmd, final Object r, final Object m, final RawClient redis,
                                final RawClient moon) throws IOException {
        if (!(r instanceof List<?> rl) || !(m instanceof List<?> ml) || rl.size() != 2 || ml.size() != 2) {
            return java.util.Objects.equals(r, m) ? "" : "SSCAN replies differ";
        }
        if (!cmd.get(2).equals("0")) {
            return "";
        }
        return scanAll(redis, cmd, rl).equals(scanAll(moon, cmd, ml)) ? "" : "SSCAN iterations returned different members";
    }

    private static Set<String> scanAll(final RawClient c, final List<String> cmd, final List<?> first)
            throws IOException {
        final Set<String> seen = new TreeSet<>();
        List<?> reply = first;
        for (int calls = 0; calls < 100_000; calls++) {
            for (final Object x : (Collection<?>) reply.get(1)) {
                seen.add((String) x);
            }
            final String next = (String) reply.get(0);
            if (next.equals("0")) {
                return seen;
            }
            final String[] again = cmd.toArray(new String[0]);
            again[2] = next;
            reply = (List<?>) c.run(again);
        }
        throw new AssertionError("SSCAN did not return to cursor 0");
    }
}
