package io.moon.server;

import io.moon.server.DifferentialTest.Allowed;
import io.moon.server.DifferentialTest.Family;
import io.moon.server.DifferentialTest.Weighted;
import io.moon.server.testing.RawClient;
import io.moon.testkit.Props;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static io.moon.server.DifferentialTest.cmd;
import static io.moon.server.DifferentialTest.flag;
import static io.moon.server.DifferentialTest.is;
import static io.moon.server.DifferentialTest.key;
import static io.moon.server.DifferentialTest.mostly;
import static io.moon.server.DifferentialTest.optionsOrJunk;

/**
 * The hash family of the differential test: every Redis 7.0 hash command with valid and invalid
 * arguments over the shared keys (so hashes meet the other families' types). Fields mix integers
 * (a listpack stores them in integer form), short strings, values longer than
 * hash-max-listpack-value and batches past hash-max-listpack-entries (hash table). The 7.4 field
 * expiration commands are not generated: the 7.0 oracle does not have them.
 *
 * <p>Replies that legitimately differ: HGETALL, HKEYS, HVALS compared as maps / multisets (a table's
 * order is its own); HRANDFIELD by shape and membership; HSCAN from cursor 0 as a full iteration
 * compared as a map, from another cursor by shape.
 */
final class HashDiff {
    private HashDiff() {
    }

    private static final String[] FIELDS = {"0", "1", "-1", "42", "-300", "70000", "9223372036854775807",
            "-9223372036854775808", "01", "-0", "+1", " 1", "", "a", "b", "abc", "x".repeat(64), "y".repeat(65)};

    private static String field(final SplittableRandom r) {
        return Props.weighted(r, 2, 1) == 0 ? "f" + r.nextInt(12) : Props.choose(r, FIELDS);
    }

    private static String value(final SplittableRandom r) {
        return switch (Props.weighted(r, 6, 2, 1)) {
            case 0 -> Props.choose(r, "v", "1", "-7", "10.5", "abc", "", "9223372036854775807", "1e3", " 2");
            case 1 -> Integer.toString(r.nextInt(-1000, 1000));
            default -> Props.choose(r, "z".repeat(64), "w".repeat(65));
        };
    }

    /** One to three pairs, now and then a batch past the listpack limit (520 pairs). */
    private static List<String> pairs(final SplittableRandom r) {
        final List<String> out = new ArrayList<>();
        final int n = Props.weighted(r, 20, 1) == 0 ? 1 + r.nextInt(3) : 520;
        for (int i = 0; i < n; i++) {
            out.add(n > 3 ? "b" + r.nextInt(800) : field(r));
            out.add(value(r));
        }
        return out;
    }

    private static String count(final SplittableRandom r) {
        return mostly(r, new String[] {"0", "1", "2", "3", "5", "50", "-1", "-3", "-20"},
                "abc", "1.5", "-9223372036854775808", "9223372036854775807", "4611686018427387904");
    }

    private static final List<Weighted> COMMANDS = List.of(
            new Weighted(8, r -> cmd(Props.choose(r, "HSET", "hset", "HMSET"), key(r), pairs(r))),
            new Weighted(3, r -> cmd("HSETNX", key(r), field(r), value(r))),
            new Weighted(5, r -> cmd("HGET", key(r), field(r))),
            new Weighted(3, r -> cmd("HMGET", key(r), Props.listOf(r, 1, 4, HashDiff::field))),
            new Weighted(4, r -> cmd("HDEL", key(r), Props.listOf(r, 1, 4, HashDiff::field))),
            new Weighted(2, r -> cmd(Props.choose(r, "HLEN", "HGETALL", "HKEYS", "HVALS"), key(r))),
            new Weighted(2, r -> cmd(Props.choose(r, "HSTRLEN", "HEXISTS"), key(r), field(r))),
            new Weighted(4, r -> cmd("HINCRBY", key(r), field(r), DifferentialTest.integer(r))),
            new Weighted(3, r -> cmd("HINCRBYFLOAT", key(r), field(r), DifferentialTest.floating(r))),
            new Weighted(3, r -> cmd("HRANDFIELD", key(r), r.nextBoolean() ? List.of()
                    : r.nextBoolean() ? List.of(count(r)) : List.of(count(r), DifferentialTest.word(r, "WITHVALUES")))),
            new Weighted(2, r -> cmd("HSCAN", key(r), DifferentialTest.cursor(r), optionsOrJunk(r, 2,
                    flag("MATCH", c -> Props.choose(c, "*", "f*", "b1*", "?", "[ab]*", "nomatch")),
                    flag("COUNT", c -> mostly(c, new String[] {"1", "2", "5", "100"}, "0", "-1", "abc"))))),
            new Weighted(1, r -> cmd("OBJECT", "ENCODING", key(r))));

    /** True for the hash commands whose comparison needs round trips of its own: never pipelined. */
    static boolean alone(final List<String> cmd) {
        return is(cmd, "HRANDFIELD") || is(cmd, "HSCAN");
    }

    static final Family FAMILY = new Family("hashes", 6, COMMANDS, HashDiff::compare, List.of(
            new Allowed("OBJECT ENCODING: Redis 7.2's HSET converts a listpack to a hash table when one call brings"
                    + " more pairs than hash-max-listpack-entries, even when they repeat fields (commit a129a60);"
                    + " 7.0 added them one by one and could stay a listpack",
                    (cmd, r, m) -> is(cmd, "OBJECT", "ENCODING") && "listpack".equals(r) && "hashtable".equals(m))));

    private static String compare(final List<String> cmd, final Object r, final Object m, final RawClient redis,
                                  final RawClient moon) throws IOException {
        if (is(cmd, "HGETALL")) {
            return asMap(r).equals(asMap(m)) ? "" : "different fields or values";
        }
        if (is(cmd, "HKEYS") || is(cmd, "HVALS")) {
            return sorted(r).equals(sorted(m)) ? "" : "different elements";
        }
        if (is(cmd, "HRANDFIELD")) {
            return hrandfield(cmd, r, m, redis);
        }
        if (is(cmd, "HSCAN")) {
            return hscan(cmd, r, m, redis, moon);
        }
        return null;
    }

    private static Map<Object, Object> asMap(final Object reply) {
        final Map<Object, Object> out = new TreeMap<>();
        if (reply instanceof Map<?, ?> map) {
            out.putAll(map);
        } else if (reply instanceof List<?> l) {
            for (int i = 0; i + 1 < l.size(); i += 2) {
                out.put(l.get(i), l.get(i + 1));
            }
        }
        return out;
    }

    private static List<String> sorted(final Object reply) {
        final List<String> out = new ArrayList<>();
        if (reply instanceof Collection<?> c) {
            for (final Object o : c) {
                out.add(String.valueOf(o));
            }
        }
        out.sort(null);
        return out;
    }

    /** Same shape, and every field Moon picked exists in Redis's hash with that value. */
    private static String hrandfield(final List<String> cmd, final Object r, final Object m, final RawClient redis)
            throws IOException {
        if (r == null || m == null) {
            return r == m ? "" : "one server has the hash, the other not";
        }
        if (r instanceof String && m instanceof String s) {
            return Long.valueOf(1).equals(redis.run("HEXISTS", cmd.get(1), s)) ? "" : "Moon's field is not in Redis";
        }
        if (!(r instanceof List<?> rl) || !(m instanceof List<?> ml)) {
            return "reply shapes differ";
        }
        if (rl.size() != ml.size()) {
            return "different counts";
        }
        final boolean withValues = cmd.size() > 3;
        final Map<Object, Object> all = asMap(redis.run("HGETALL", cmd.get(1)));
        for (int i = 0; i < ml.size(); i += withValues ? 2 : 1) {
            final Object f = ml.get(i) instanceof List<?> pair ? pair.get(0) : ml.get(i);
            if (!all.containsKey(f)) {
                return "Moon's field " + f + " is not in Redis";
            }
            if (withValues && !(ml.get(i) instanceof List<?>) && !all.get(f).equals(ml.get(i + 1))) {
                return "Moon's value for " + f + " differs";
            }
        }
        return "";
    }

    /** From cursor 0: both full iterations as maps; from another cursor: the shape only. */
    private static String hscan(final List<String> cmd, final Object r, final Object m, final RawClient redis,
                                final RawClient moon) throws IOException {
        if (!(r instanceof List<?> rl) || !(m instanceof List<?> ml)) {
            return java.util.Objects.equals(r, m) ? "" : "reply shapes differ";
        }
        if (!cmd.get(2).equals("0")) {
            return rl.size() == ml.size() ? "" : "reply shapes differ";
        }
        return full(redis, cmd, rl).equals(full(moon, cmd, ml)) ? "" : "HSCAN iterations returned different fields";
    }

    private static Map<Object, Object> full(final RawClient c, final List<String> cmd, final List<?> first)
            throws IOException {
        final Map<Object, Object> out = new HashMap<>();
        List<?> reply = first;
        for (int calls = 0; calls < 100_000; calls++) {
            out.putAll(asMap(reply.get(1)));
            final String next = (String) reply.get(0);
            if (next.equals("0")) {
                return new TreeMap<>(out);
            }
            final String[] again = cmd.toArray(new String[0]);
            again[2] = next;
            reply = (List<?>) c.run(again);
        }
        return out;
    }
}
