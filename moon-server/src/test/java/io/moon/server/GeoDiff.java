package io.moon.server;

import io.moon.server.testing.RawClient;
import io.moon.testkit.Props;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static io.moon.server.DifferentialTest.cmd;
import static io.moon.server.DifferentialTest.is;
import static io.moon.server.DifferentialTest.key;
import static io.moon.server.DifferentialTest.word;

/**
 * The GEO family of the differential test: GEOADD, GEOPOS, GEODIST, GEOHASH and every search
 * (GEORADIUS, GEORADIUSBYMEMBER and their _RO forms, GEOSEARCH, GEOSEARCHSTORE) with every option,
 * on keys of their own and the shared ones, on different shards, where they meet plain sorted sets
 * with arbitrary scores (which decode all the same), other types, and removals.
 *
 * <p>Positions cluster around a few anchors where the geohash grid has edges: the antimeridian,
 * both poles' limits (+-85.05112878), the equator and prime meridian, and an ordinary place, each
 * with jitter at several scales, so searches of every size find members in several cells. Radii
 * and boxes go from a meter to the whole planet; coordinates and numbers are sometimes invalid.
 *
 * <p>One difference is accepted by comparison rather than exactness: with COUNT below the number
 * of matches, Redis's partial sort orders members at exactly the same distance arbitrarily (see
 * docs/differences.md); {@link #compare} then checks that both replies give the same distances in
 * the same order. The STORE forms use COUNT only with ANY (whose sort is the stable full one).
 */
final class GeoDiff {
    private GeoDiff() {
    }

    private static final double[][] ANCHORS = {
        {13.361389, 38.115556}, {179.99, 0.5}, {-179.99, -0.5}, {0, 0}, {45, 85.05}, {-120, -85.05},
        {180, 85.05112878}, {-180, -85.05112878},
    };
    private static final String[] MEMBERS = {"p0", "p1", "p2", "p3", "p4", "p5", "a", "b"};
    private static final String[] UNITS = {"m", "km", "ft", "mi", "M", "KM", "Mi"};
    private static final String[] BAD_UNITS = {"yd", "", "kms"};
    private static final String[] BAD_NUMBERS = {"x", "nan", "", "1e400"};
    /** Scores GEOADD would not write: infinities, negatives, fractions, beyond 52 bits, and a real one. */
    private static final String[] ODD_SCORES = {"0", "-0", "1", "-1", "1.5", "inf", "-inf", "1e19", "1e30",
        "123456789012345678", "4503599627370495", "4503599627370496", "3479099956230698"};

    /** Keys only this family writes (on different shards, one sharing {t}'s), so most geo sets stay geo sets. */
    private static final String[] GEO_KEYS = {"g1", "g2", "{t}g"};

    /** Mostly a geo-only key, else one of the shared keys (other types, plain sorted sets). */
    private static String geoKey(final SplittableRandom r) {
        return Props.weighted(r, 3, 1) == 0 ? Props.choose(r, GEO_KEYS) : key(r);
    }

    private static String member(final SplittableRandom r) {
        return Props.choose(r, MEMBERS);
    }

    private static String number(final double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }

    /** A longitude and a latitude near an anchor, now and then outside the GEO ranges or not numbers. */
    private static List<String> position(final SplittableRandom r) {
        final int kind = Props.weighted(r, 30, 1, 1);
        if (kind == 1) {
            return List.of(Props.choose(r, "180.000001", "-181", "0", "inf"), Props.choose(r, "85.0511288", "-86", "0"));
        }
        if (kind == 2) {
            return List.of(Props.choose(r, BAD_NUMBERS), "1");
        }
        if (r.nextInt(12) == 0) {
            // exactly on the grid's edges (one cell past the last at 180 and 85.05112878)
            return List.of(Props.choose(r, "180", "-180", "0"), Props.choose(r, "85.05112878", "-85.05112878", "0"));
        }
        final double[] a = ANCHORS[r.nextInt(ANCHORS.length)];
        final double scale = Props.choose(r, 0.0001, 0.01, 0.5, 5.0);
        final double lon = Math.max(-180, Math.min(180, a[0] + (r.nextDouble() * 2 - 1) * scale));
        // six decimals: the GEO limit 85.05112878 itself would print as the invalid 85.051129
        final double lat = Math.max(-85.051128, Math.min(85.051128, a[1] + (r.nextDouble() * 2 - 1) * scale));
        return List.of(number(lon), number(lat));
    }

    /** A distance in the unit that follows: meters to the planet's size, sometimes negative or junk. */
    private static List<String> distance(final SplittableRandom r) {
        final String d = switch (Props.weighted(r, 20, 1, 1)) {
            case 0 -> Props.choose(r, "0", "1", "50", "500", "2000", "10000", "150", "0.5", "20000", "3000.5");
            case 1 -> Props.choose(r, "-1", "-0.001");
            default -> Props.choose(r, BAD_NUMBERS);
        };
        final String unit = Props.weighted(r, 20, 1) == 0 ? Props.choose(r, "km", "KM", "mi") : Props.choose(r, UNITS);
        return List.of(d, r.nextInt(25) == 0 ? Props.choose(r, BAD_UNITS) : unit);
    }

    private static List<String> geoadd(final SplittableRandom r) {
        final List<String> c = cmd("GEOADD", geoKey(r));
        for (final String opt : new String[] {"NX", "XX", "CH"}) {
            if (r.nextInt(8) == 0) {
                c.add(word(r, opt));
            }
        }
        final int n = r.nextInt(4) == 0 ? 6 : 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            c.addAll(position(r));
            c.add(member(r));
        }
        if (r.nextInt(30) == 0) {
            c.remove(c.size() - 1);
        }
        return c;
    }

    /** WITH* options, COUNT [ANY], ASC|DESC, in any order; with {@code store} COUNT comes with ANY. */
    private static List<String> options(final SplittableRandom r, final boolean with, final boolean store) {
        final List<List<String>> groups = new ArrayList<>();
        if (with) {
            for (final String w : new String[] {"WITHDIST", "WITHCOORD", "WITHHASH"}) {
                if (r.nextInt(3) == 0) {
                    groups.add(List.of(word(r, w)));
                }
            }
        }
        if (r.nextInt(3) == 0) {
            final String count = r.nextInt(12) == 0 ? Props.choose(r, "0", "-1", "x") : Props.choose(r, "1", "2", "3", "5");
            groups.add(store || r.nextInt(4) == 0 ? List.of(word(r, "COUNT"), count, word(r, "ANY"))
                    : List.of(word(r, "COUNT"), count));
        }
        if (r.nextInt(2) == 0) {
            groups.add(List.of(word(r, Props.choose(r, "ASC", "DESC"))));
        }
        if (r.nextInt(40) == 0) {
            groups.add(List.of(Props.choose(r, "ANY", "FOO", "COUNT")));
        }
        final List<String> out = new ArrayList<>();
        while (!groups.isEmpty()) {
            out.addAll(groups.remove(r.nextInt(groups.size())));
        }
        return out;
    }

    private static List<String> georadius(final SplittableRandom r) {
        final boolean byMember = r.nextBoolean();
        final boolean ro = r.nextInt(4) == 0;
        final String name = (byMember ? "GEORADIUSBYMEMBER" : "GEORADIUS") + (ro ? "_RO" : "");
        final List<String> c = cmd(name, geoKey(r));
        if (byMember) {
            c.add(member(r));
        } else {
            c.addAll(position(r));
        }
        c.addAll(distance(r));
        final boolean store = !ro && r.nextInt(3) == 0;
        c.addAll(options(r, !store || r.nextInt(10) == 0, store));
        if (store || r.nextInt(30) == 0) {
            c.add(word(r, Props.choose(r, "STORE", "STOREDIST")));
            c.add(geoKey(r));
        }
        return c;
    }

    private static List<String> search(final SplittableRandom r, final boolean store) {
        final List<String> c = store ? cmd("GEOSEARCHSTORE", geoKey(r), geoKey(r)) : cmd("GEOSEARCH", geoKey(r));
        final List<List<String>> parts = new ArrayList<>();
        if (r.nextInt(20) != 0) {
            parts.add(r.nextBoolean() ? List.of(word(r, "FROMMEMBER"), member(r))
                    : cmd(word(r, "FROMLONLAT"), position(r)));
        }
        if (r.nextInt(20) != 0) {
            if (r.nextBoolean()) {
                parts.add(cmd(word(r, "BYRADIUS"), distance(r)));
            } else {
                final List<String> d = distance(r);
                parts.add(cmd(word(r, "BYBOX"), d.get(0), r.nextBoolean() ? d.get(0)
                        : Props.choose(r, "1", "300", "4000", "-2", "x"), d.get(1)));
            }
        }
        parts.add(options(r, !store || r.nextInt(10) == 0, store));
        if (store && r.nextInt(2) == 0) {
            parts.add(List.of(word(r, "STOREDIST")));
        }
        if (!store && r.nextInt(40) == 0) {
            parts.add(List.of(word(r, "STOREDIST")));
        }
        if (r.nextInt(3) == 0) {
            java.util.Collections.swap(parts, 0, r.nextInt(parts.size()));
        }
        for (final List<String> p : parts) {
            c.addAll(p);
        }
        return c;
    }

    private static final List<DifferentialTest.Weighted> COMMANDS = List.of(
            new DifferentialTest.Weighted(10, GeoDiff::geoadd),
            new DifferentialTest.Weighted(2, r -> cmd("GEOPOS", geoKey(r), member(r), member(r))),
            new DifferentialTest.Weighted(2, r -> r.nextInt(4) == 0 ? cmd("GEODIST", geoKey(r), member(r), member(r))
                    : cmd("GEODIST", geoKey(r), member(r), member(r), distance(r).get(1))),
            new DifferentialTest.Weighted(2, r -> cmd("GEOHASH", geoKey(r), member(r), member(r))),
            new DifferentialTest.Weighted(8, GeoDiff::georadius),
            new DifferentialTest.Weighted(6, r -> search(r, false)),
            new DifferentialTest.Weighted(4, r -> search(r, true)),
            new DifferentialTest.Weighted(2, r -> cmd("ZRANGE", geoKey(r), "0", "-1", "WITHSCORES")),
            // plain sorted-set scores that geo commands decode anyway, other types, removals
            new DifferentialTest.Weighted(2, r -> cmd("ZADD", geoKey(r), Props.choose(r, ODD_SCORES), member(r))),
            new DifferentialTest.Weighted(1, r -> cmd("ZREM", geoKey(r), member(r))),
            new DifferentialTest.Weighted(1, r -> cmd(Props.choose(r, "SET", "SADD"), geoKey(r), "x")),
            new DifferentialTest.Weighted(1, r -> cmd("DEL", geoKey(r))));


    /** A search replying members (no STORE) with COUNT and no ANY: its ties may come in another order. */
    private static boolean countedSearch(final List<String> c) {
        if (!(is(c, "GEORADIUS") || is(c, "GEORADIUSBYMEMBER") || is(c, "GEORADIUS_RO")
                || is(c, "GEORADIUSBYMEMBER_RO") || is(c, "GEOSEARCH"))) {
            return false;
        }
        boolean count = false;
        for (final String a : c) {
            if (a.equalsIgnoreCase("ANY") || a.equalsIgnoreCase("STORE") || a.equalsIgnoreCase("STOREDIST")) {
                return false;
            }
            count |= a.equalsIgnoreCase("COUNT");
        }
        return count;
    }

    /** Searches whose comparison asks Redis again: not pipelined. */
    static boolean alone(final List<String> cmd) {
        return countedSearch(cmd);
    }

    /**
     * A COUNT-limited search whose replies differ: both must name members at the same distances in
     * the same order (Redis's partial sort orders ties arbitrarily). The distances come from the
     * same search without COUNT, WITHDIST, on Redis.
     */
    private static String compare(final List<String> c, final Object r, final Object m, final RawClient redis,
                                  final RawClient moon) throws IOException {
        if (!countedSearch(c) || java.util.Objects.equals(r, m) || !(r instanceof List<?> rl)
                || !(m instanceof List<?> ml) || rl.size() != ml.size()) {
            return null;
        }
        final List<String> all = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            if (c.get(i).equalsIgnoreCase("COUNT")) {
                i++;
            } else {
                all.add(c.get(i));
            }
        }
        all.add("WITHDIST");
        final Object full = redis.run(all.toArray(new String[0]));
        if (!(full instanceof List<?> fl)) {
            return null;
        }
        final Map<Object, Object> dist = new HashMap<>();
        for (final Object e : fl) {
            dist.put(((List<?>) e).get(0), ((List<?>) e).get(1));
        }
        for (int i = 0; i < rl.size(); i++) {
            final Object rm = rl.get(i) instanceof List<?> x ? x.get(0) : rl.get(i);
            final Object mm = ml.get(i) instanceof List<?> x ? x.get(0) : ml.get(i);
            if (!java.util.Objects.equals(dist.get(rm), dist.get(mm)) || dist.get(rm) == null) {
                return null;
            }
        }
        return "";
    }

    static final DifferentialTest.Family FAMILY = new DifferentialTest.Family("geo", 4, COMMANDS, GeoDiff::compare,
            List.of());
}
