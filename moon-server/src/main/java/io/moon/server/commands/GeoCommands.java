package io.moon.server.commands;

import io.moon.protocol.LongDouble;
import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.pubsub.Notify;
import io.moon.storage.Db;
import io.moon.storage.ZsetScratch;
import io.moon.storage.Zsets;

import java.math.BigDecimal;
import java.math.RoundingMode;

import static io.moon.protocol.Reply.ascii;
import static io.moon.protocol.Reply.err;

/**
 * The GEO commands that add and read positions: GEOADD, GEOPOS, GEODIST, GEOHASH, and the
 * argument parsing and number printing the searches ({@link GeoSearch}) share, with Redis's
 * replies and error texts.
 *
 * <p>A geo set is a sorted set whose scores are {@link GeoHash} cell indexes: GEOADD is ZADD with
 * the score computed from the coordinates (so ZRANGE, ZREM, TYPE, DUMP and the RDB see an ordinary
 * sorted set, as in Redis), and the readers decode whatever scores the set holds. Positions print
 * as Redis's human long double format ("%.17Lf", trailing zeros dropped); distances with four
 * decimals. These commands are not on the hot path: printing allocates.
 */
public final class GeoCommands {
    private GeoCommands() {
    }

    static final byte[] ERR_UNIT = err("ERR unsupported unit provided. please use M, KM, FT, MI");
    static final byte[] ERR_MEMBER = err("ERR could not decode requested zset member");

    // GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
    public static void geoadd(final Ctx c) {
        final Request r = c.req;
        final int argc = r.argc();
        int flags = 0;
        boolean ch = false;
        int first = 2;
        for (; first < argc; first++) {
            if (r.argIs(first, ZsetCommands.NX)) {
                flags |= Zsets.NX;
            } else if (r.argIs(first, ZsetCommands.XX)) {
                flags |= Zsets.XX;
            } else if (r.argIs(first, ZsetCommands.CH)) {
                ch = true;
            } else {
                break;
            }
        }
        if ((argc - first) % 3 != 0 || (flags & (Zsets.NX | Zsets.XX)) == (Zsets.NX | Zsets.XX)) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final int elements = (argc - first) / 3;
        final double[] xy = new double[2];
        final long[] scores = new long[elements];
        for (int j = 0; j < elements; j++) {
            if (!lonLat(c, first + 3 * j, xy)) {
                return;
            }
            scores[j] = GeoHash.score(xy[0], xy[1]);
        }
        if (elements == 0) {
            c.out.raw(Errors.SYNTAX); // what ZADD answers when GEOADD leaves it no pairs
            return;
        }
        final Db db = c.db;
        final long h = c.keyHash(1);
        long a = c.find(1, h);
        if (a != 0 && ZsetCommands.wrongType(c, a)) {
            return;
        }
        final long maxEntries = ZsetCommands.maxEntries(c);
        final long maxValue = ZsetCommands.maxValue(c);
        if (a == 0) {
            if ((flags & Zsets.XX) != 0) {
                c.out.raw(Reply.ZERO);
                return;
            }
            a = Zsets.create(db, r.buf(), r.off(1), r.len(1), h, elements, r.len(first + 2), maxEntries, maxValue);
        } else {
            a = Zsets.maybeConvert(db, a, h, elements, maxEntries);
        }
        final ZsetScratch s = ZsetScratch.get();
        long added = 0;
        long updated = 0;
        for (int j = 0; j < elements; j++) {
            final int m = first + 3 * j + 2;
            final int out = Zsets.add(db, a, h, r.buf(), r.off(m), r.len(m), scores[j], flags, maxEntries, maxValue, s);
            a = s.addr;
            if (out == Zsets.ADDED) {
                added++;
            } else if (out == Zsets.UPDATED) {
                updated++;
            }
        }
        if (a != 0 && Zsets.card(db, a) == 0) {
            db.unlinkAndFree(a, h);
        }
        if (added + updated > 0) {
            Notify.event(c, Notify.ZSET, "zadd", 1);
        } else {
            c.keysUnchanged();
        }
        c.out.integer(ch ? added + updated : added);
    }

    // GEOPOS key [member ...]
    public static void geopos(final Ctx c) {
        final Request r = c.req;
        final long a = c.findRead(1, c.keyHash(1));
        if (a != 0 && ZsetCommands.wrongType(c, a)) {
            return;
        }
        final double[] xy = new double[2];
        c.out.arrayHeader(r.argc() - 2);
        for (int i = 2; i < r.argc(); i++) {
            final double score = a == 0 ? Double.NaN : Zsets.score(c.db, a, r.buf(), r.off(i), r.len(i));
            if (Double.isNaN(score)) {
                c.out.nullArray();
                continue;
            }
            GeoHash.decode(score, xy);
            c.out.arrayHeader(2);
            coordinate(c.out, xy[0]);
            coordinate(c.out, xy[1]);
        }
    }

    // GEODIST key member1 member2 [M|KM|FT|MI]
    public static void geodist(final Ctx c) {
        final Request r = c.req;
        double toMeters = 1;
        if (r.argc() == 5) {
            toMeters = unit(c, 4);
            if (toMeters < 0) {
                return;
            }
        } else if (r.argc() > 5) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.nullBulk();
            return;
        }
        if (ZsetCommands.wrongType(c, a)) {
            return;
        }
        final double s1 = Zsets.score(c.db, a, r.buf(), r.off(2), r.len(2));
        final double s2 = Double.isNaN(s1) ? Double.NaN : Zsets.score(c.db, a, r.buf(), r.off(3), r.len(3));
        if (Double.isNaN(s2)) {
            c.out.nullBulk();
            return;
        }
        final double[] p1 = new double[2];
        final double[] p2 = new double[2];
        GeoHash.decode(s1, p1);
        GeoHash.decode(s2, p2);
        c.out.bulk(distance(GeoHash.distance(p1[0], p1[1], p2[0], p2[1]) / toMeters));
    }

    // GEOHASH key [member ...]
    public static void geohash(final Ctx c) {
        final Request r = c.req;
        final long a = c.findRead(1, c.keyHash(1));
        if (a != 0 && ZsetCommands.wrongType(c, a)) {
            return;
        }
        c.out.arrayHeader(r.argc() - 2);
        for (int i = 2; i < r.argc(); i++) {
            final double score = a == 0 ? Double.NaN : Zsets.score(c.db, a, r.buf(), r.off(i), r.len(i));
            if (Double.isNaN(score)) {
                c.out.nullBulk();
            } else {
                c.out.bulk(GeoHash.standardHash(score));
            }
        }
    }

    // ---- arguments ------------------------------------------------------------------------------

    /**
     * Arguments i and i+1 as a longitude and a latitude into xy; false after replying the error
     * (not a float, or outside the GEO ranges: "invalid longitude,latitude pair" with both as C's %f).
     */
    static boolean lonLat(final Ctx c, final int i, final double[] xy) {
        final Request r = c.req;
        for (int k = 0; k < 2; k++) {
            if (!r.parseDouble(i + k)) {
                c.out.raw(Errors.NOT_FLOAT);
                return false;
            }
            xy[k] = r.doubleValue;
        }
        if (!GeoHash.valid(xy[0], xy[1])) {
            c.out.error("ERR invalid longitude,latitude pair " + fixed6(xy[0]) + "," + fixed6(xy[1]));
            return false;
        }
        return true;
    }

    private static final byte[] M = ascii("M");
    private static final byte[] KM = ascii("KM");
    private static final byte[] FT = ascii("FT");
    private static final byte[] MI = ascii("MI");

    /** Meters per unit named by argument i, or -1 after replying the unit error. */
    static double unit(final Ctx c, final int i) {
        final Request r = c.req;
        if (r.argIs(i, M)) {
            return 1;
        } else if (r.argIs(i, KM)) {
            return 1000;
        } else if (r.argIs(i, FT)) {
            return 0.3048;
        } else if (r.argIs(i, MI)) {
            return 1609.34;
        }
        c.out.raw(ERR_UNIT);
        return -1;
    }

    /**
     * A non-negative number at argument i, or -1 after replying {@code notNumber} or
     * {@code negative}.
     */
    static double nonNegative(final Ctx c, final int i, final byte[] notNumber, final byte[] negative) {
        if (!c.req.parseDouble(i)) {
            c.out.raw(notNumber);
            return -1;
        }
        if (c.req.doubleValue < 0) {
            c.out.raw(negative);
            return -1;
        }
        return c.req.doubleValue;
    }

    /** The member's position in the geo set at a into xy; false when it is not there. */
    static boolean memberPosition(final Ctx c, final long a, final int i, final double[] xy) {
        final double score = Zsets.score(c.db, a, c.buf(), c.off(i), c.len(i));
        if (Double.isNaN(score)) {
            return false;
        }
        GeoHash.decode(score, xy);
        return true;
    }

    // ---- printing -------------------------------------------------------------------------------

    /**
     * A coordinate as Redis's addReplyHumanLongDouble writes it: "%.17Lf" of the exact value with
     * trailing zeros removed, a bulk string in RESP2 and a double in RESP3.
     */
    static void coordinate(final Reply out, final double d) {
        final byte[] text = LongDouble.valueOf(d).toHumanString();
        if (out.resp3()) {
            out.out().writeByte(',');
            out.out().writeBytes(text);
            out.crlf();
        } else {
            out.bulk(text);
        }
    }

    /**
     * A distance with exactly four decimals, as Redis's fixedpoint_d2string: the value times 10^4
     * rounded to an integer (ties to even, llrint), then the point put back.
     */
    static byte[] distance(final double d) {
        final long v = (long) Math.rint(d * 10000.0);
        final String digits = Long.toString(Math.abs(v));
        final StringBuilder sb = new StringBuilder(digits.length() + 6);
        if (v < 0) {
            sb.append('-');
        }
        if (digits.length() <= 4) {
            sb.append("0.").append("0".repeat(4 - digits.length())).append(digits);
        } else {
            sb.append(digits, 0, digits.length() - 4).append('.').append(digits, digits.length() - 4, digits.length());
        }
        return ascii(sb.toString());
    }

    /** C's printf("%f"): six decimals of the exact value, ties to even; "inf", "-inf", "nan". */
    static String fixed6(final double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        final String digits = new BigDecimal(Math.abs(d)).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        return (d < 0 || (d == 0 && 1 / d < 0)) ? "-" + digits : digits;
    }
}
