package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.pubsub.Notify;
import io.moon.storage.Db;
import io.moon.storage.ScoreRange;
import io.moon.storage.ZCursor;
import io.moon.storage.ZsetBuilder;
import io.moon.storage.ZsetScratch;
import io.moon.storage.Zsets;

import java.util.Arrays;

import static io.moon.protocol.Reply.ascii;
import static io.moon.protocol.Reply.err;

/**
 * The GEO searches: GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and GEOSEARCHSTORE,
 * one body as in Redis (its georadiusGeneric), so options, error precedence and replies agree.
 *
 * <p>A search covers its circle or box with nine cells of a {@link GeoHash} grid, reads each
 * cell's score range from the sorted set in order, keeps the members within the shape, then sorts
 * them by distance when asked (COUNT without ANY implies ASC) and replies or stores them. With
 * COUNT ... ANY the scan stops as soon as enough members were found.
 *
 * <p>The STORE forms write their destination with {@link Zsets#store}; when it lives on another
 * shard they run through {@code CrossShard.gather}, their rows declaring the destination with
 * Redis's key specs. Sorting everything is stable, which is what Redis's full sort (glibc's merge
 * sort) gives; with a COUNT smaller than the matches Redis sorts partially, and so does Moon, with
 * the same algorithm ({@link PartialSort}), so members at exactly the same distance come in
 * Redis's order either way.
 */
public final class GeoSearch {
    private GeoSearch() {
    }

    /** Search around coordinates (GEORADIUS). */
    private static final int COORDS = 1;
    /** Search around a member (GEORADIUSBYMEMBER). */
    private static final int MEMBER = 2;
    /** STORE and STOREDIST are not options (the _RO forms). */
    private static final int NO_STORE = 4;
    /** GEOSEARCH's options: FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX. */
    private static final int SEARCH = 8;
    /** GEOSEARCHSTORE: the destination is argument 1, STOREDIST a flag. */
    private static final int SEARCH_STORE = 16;

    private static final byte[] WITHDIST = ascii("WITHDIST");
    private static final byte[] WITHHASH = ascii("WITHHASH");
    private static final byte[] WITHCOORD = ascii("WITHCOORD");
    private static final byte[] ANY = ascii("ANY");
    private static final byte[] ASC = ascii("ASC");
    private static final byte[] DESC = ascii("DESC");
    private static final byte[] COUNT = ascii("COUNT");
    private static final byte[] STORE = ascii("STORE");
    private static final byte[] STOREDIST = ascii("STOREDIST");
    private static final byte[] FROMMEMBER = ascii("FROMMEMBER");
    private static final byte[] FROMLONLAT = ascii("FROMLONLAT");
    private static final byte[] BYRADIUS = ascii("BYRADIUS");
    private static final byte[] BYBOX = ascii("BYBOX");

    private static final byte[] ERR_RADIUS = err("ERR need numeric radius");
    private static final byte[] ERR_RADIUS_NEGATIVE = err("ERR radius cannot be negative");
    private static final byte[] ERR_WIDTH = err("ERR need numeric width");
    private static final byte[] ERR_HEIGHT = err("ERR need numeric height");
    private static final byte[] ERR_BOX_NEGATIVE = err("ERR height or width cannot be negative");
    private static final byte[] ERR_COUNT = err("ERR COUNT must be > 0");
    private static final byte[] ERR_ANY = err("ERR the ANY argument requires COUNT argument");
    private static final byte[] ERR_STORE_WITH = err(
            "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    private static final byte[] ERR_SEARCHSTORE_WITH = err(
            "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options");

    private static final int SORT_NONE = 0;
    private static final int SORT_ASC = 1;
    private static final int SORT_DESC = 2;

    // GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
    //   [COUNT count [ANY]] [ASC|DESC] [STORE key | STOREDIST key]
    public static void georadius(final Ctx c) {
        search(c, 1, COORDS);
    }

    // GEORADIUSBYMEMBER key member radius M|KM|FT|MI [options as GEORADIUS]
    public static void georadiusbymember(final Ctx c) {
        search(c, 1, MEMBER);
    }

    // GEORADIUS_RO key longitude latitude radius M|KM|FT|MI [options as GEORADIUS without STORE]
    public static void georadiusRo(final Ctx c) {
        search(c, 1, COORDS | NO_STORE);
    }

    // GEORADIUSBYMEMBER_RO key member radius M|KM|FT|MI [options as GEORADIUS without STORE]
    public static void georadiusbymemberRo(final Ctx c) {
        search(c, 1, MEMBER | NO_STORE);
    }

    // GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude BYRADIUS radius unit|BYBOX width
    //   height unit [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
    public static void geosearch(final Ctx c) {
        search(c, 1, SEARCH);
    }

    // GEOSEARCHSTORE destination source FROM... BY... [ASC|DESC] [COUNT count [ANY]] [STOREDIST]
    public static void geosearchstore(final Ctx c) {
        search(c, 2, SEARCH | SEARCH_STORE);
    }

    /** The shape searched: its centre, and a radius or a box, in the unit's meters. */
    private static final class Shape {
        final double[] xy = new double[2];
        boolean box;
        double radius;
        double width;
        double height;
        /** Meters per unit of the search. */
        double unit;

        double radiusMeters() {
            return box ? Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2)) * unit : radius * unit;
        }

        /** Distance from the centre when (lon, lat) is inside the shape, else -1. */
        double within(final double lon, final double lat) {
            if (!box) {
                final double d = GeoHash.distance(xy[0], xy[1], lon, lat);
                return d > radius * unit ? -1 : d;
            }
            if (GeoHash.latDistance(lat, xy[1]) > height * unit / 2) {
                return -1;
            }
            if (GeoHash.distance(lon, lat, xy[0], lat) > width * unit / 2) {
                return -1;
            }
            return GeoHash.distance(xy[0], xy[1], lon, lat);
        }
    }

    private static void search(final Ctx c, final int src, final int flags) {
        final Request r = c.req;
        final int argc = r.argc();
        final long a = c.findRead(src, c.keyHash(src));
        if (a != 0 && ZsetCommands.wrongType(c, a)) {
            return;
        }
        final Shape shape = new Shape();
        final int base;
        int store = -1;
        boolean storeDist = false;
        if ((flags & COORDS) != 0) {
            base = 6;
            if (!GeoCommands.lonLat(c, 2, shape.xy) || !radius(c, 4, shape)) {
                return;
            }
        } else if ((flags & MEMBER) != 0) {
            base = 5;
            // with no set the member is not looked for, nor the radius parsed: the reply is empty
            if (a != 0) {
                if (!GeoCommands.memberPosition(c, a, 2, shape.xy)) {
                    c.out.raw(GeoCommands.ERR_MEMBER);
                    return;
                }
                if (!radius(c, 3, shape)) {
                    return;
                }
            }
        } else {
            base = (flags & SEARCH_STORE) != 0 ? 3 : 2;
            if ((flags & SEARCH_STORE) != 0) {
                store = 1;
            }
        }
        boolean withDist = false;
        boolean withHash = false;
        boolean withCoord = false;
        boolean fromMember = false;
        boolean fromLonLat = false;
        boolean byRadius = false;
        boolean byBox = false;
        boolean any = false;
        int sort = SORT_NONE;
        long count = 0;
        final boolean storeOptions = (flags & (NO_STORE | SEARCH)) == 0;
        final boolean search = (flags & SEARCH) != 0;
        for (int i = base; i < argc; i++) {
            if (r.argIs(i, WITHDIST)) {
                withDist = true;
            } else if (r.argIs(i, WITHHASH)) {
                withHash = true;
            } else if (r.argIs(i, WITHCOORD)) {
                withCoord = true;
            } else if (r.argIs(i, ANY)) {
                any = true;
            } else if (r.argIs(i, ASC)) {
                sort = SORT_ASC;
            } else if (r.argIs(i, DESC)) {
                sort = SORT_DESC;
            } else if (r.argIs(i, COUNT) && i + 1 < argc) {
                if (!r.parseLong(i + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                count = r.longValue;
                if (count <= 0) {
                    c.out.raw(ERR_COUNT);
                    return;
                }
                i++;
            } else if (storeOptions && i + 1 < argc && (r.argIs(i, STORE) || r.argIs(i, STOREDIST))) {
                storeDist = r.argIs(i, STOREDIST);
                store = ++i;
            } else if ((flags & SEARCH_STORE) != 0 && r.argIs(i, STOREDIST)) {
                storeDist = true;
            } else if (search && !fromLonLat && i + 1 < argc && r.argIs(i, FROMMEMBER)) {
                // with no set the member is not looked for: the reply is empty
                if (a != 0 && !GeoCommands.memberPosition(c, a, i + 1, shape.xy)) {
                    c.out.raw(GeoCommands.ERR_MEMBER);
                    return;
                }
                fromMember = true;
                i++;
            } else if (search && !fromMember && i + 2 < argc && r.argIs(i, FROMLONLAT)) {
                if (!GeoCommands.lonLat(c, i + 1, shape.xy)) {
                    return;
                }
                fromLonLat = true;
                i += 2;
            } else if (search && !byBox && i + 2 < argc && r.argIs(i, BYRADIUS)) {
                if (!radius(c, i + 1, shape)) {
                    return;
                }
                byRadius = true;
                i += 2;
            } else if (search && !byRadius && i + 3 < argc && r.argIs(i, BYBOX)) {
                if (!box(c, i + 1, shape)) {
                    return;
                }
                byBox = true;
                i += 3;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        if (store >= 0 && (withDist || withHash || withCoord)) {
            c.out.raw((flags & SEARCH_STORE) != 0 ? ERR_SEARCHSTORE_WITH : ERR_STORE_WITH);
            return;
        }
        if (search && !fromMember && !fromLonLat) {
            c.out.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + r.argString(0));
            return;
        }
        if (search && !byRadius && !byBox) {
            c.out.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + r.argString(0));
            return;
        }
        if (any && count == 0) {
            c.out.raw(ERR_ANY);
            return;
        }
        if (a == 0) {
            if (store >= 0) {
                final long h = c.keyHash(store);
                if (c.db.delete(r.buf(), r.off(store), r.len(store), h, c.now)) {
                    Notify.event(c, Notify.GENERIC, "del", store);
                }
                c.out.raw(Reply.ZERO);
            } else {
                c.out.raw(Reply.EMPTY_ARRAY);
            }
            return;
        }
        if (count != 0 && sort == SORT_NONE && !any) {
            sort = SORT_ASC;
        }
        final Found found = scan(c, a, shape, any ? count : 0);
        if (found.n == 0 && store < 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        final int returned = count == 0 || found.n < count ? found.n : (int) count;
        final int[] order = found.order(sort, returned);
        if (store < 0) {
            reply(c.out, found, order, returned, shape.unit, withDist, withHash, withCoord);
        } else {
            store(c, found, order, returned, shape.unit, store, storeDist,
                    (flags & SEARCH) != 0 ? "geosearchstore" : "georadiusstore");
        }
    }

    /** Radius and unit at arguments i, i+1 into the shape (a circle); false after an error reply. */
    private static boolean radius(final Ctx c, final int i, final Shape shape) {
        final double radius = GeoCommands.nonNegative(c, i, ERR_RADIUS, ERR_RADIUS_NEGATIVE);
        if (radius < 0) {
            return false;
        }
        final double unit = GeoCommands.unit(c, i + 1);
        if (unit < 0) {
            return false;
        }
        shape.box = false;
        shape.radius = radius;
        shape.unit = unit;
        return true;
    }

    /** Width, height and unit at arguments i to i+2 into the shape (a box); false after an error reply. */
    private static boolean box(final Ctx c, final int i, final Shape shape) {
        final Request r = c.req;
        if (!r.parseDouble(i)) {
            c.out.raw(ERR_WIDTH);
            return false;
        }
        final double width = r.doubleValue;
        if (!r.parseDouble(i + 1)) {
            c.out.raw(ERR_HEIGHT);
            return false;
        }
        final double height = r.doubleValue;
        if (height < 0 || width < 0) {
            c.out.raw(ERR_BOX_NEGATIVE);
            return false;
        }
        final double unit = GeoCommands.unit(c, i + 2);
        if (unit < 0) {
            return false;
        }
        shape.box = true;
        shape.width = width;
        shape.height = height;
        shape.unit = unit;
        return true;
    }

    /** Members a search found, in the order found: copies of their names, scores, positions, distances. */
    private static final class Found {
        int n;
        byte[][] members = new byte[8][];
        double[] score = new double[8];
        double[] lon = new double[8];
        double[] lat = new double[8];
        double[] dist = new double[8];

        void add(final byte[] b, final int off, final int len, final double s, final double x, final double y,
                 final double d) {
            if (n == members.length) {
                final int cap = n * 2;
                members = Arrays.copyOf(members, cap);
                score = Arrays.copyOf(score, cap);
                lon = Arrays.copyOf(lon, cap);
                lat = Arrays.copyOf(lat, cap);
                dist = Arrays.copyOf(dist, cap);
            }
            members[n] = Arrays.copyOfRange(b, off, off + len);
            score[n] = s;
            lon[n] = x;
            lat[n] = y;
            dist[n] = d;
            n++;
        }

        /**
         * Indexes in reply order: as found, or sorted by distance; the first {@code returned} of
         * them are what the reply holds. All of them: a stable sort; fewer: Redis's partial sort.
         */
        int[] order(final int sort, final int returned) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            if (sort == SORT_NONE || n < 2) {
                return idx;
            }
            if (returned < n) {
                final boolean desc = sort == SORT_DESC;
                PartialSort.sort(idx, n, (x, y) -> compare(dist[x], dist[y], desc), 0, returned - 1);
                return idx;
            }
            // a stable merge sort with C's comparison (equal distances keep their order either way)
            int[] tmp = new int[n];
            final boolean desc = sort == SORT_DESC;
            for (int width = 1; width < n; width *= 2) {
                for (int lo = 0; lo < n; lo += 2 * width) {
                    final int mid = Math.min(lo + width, n);
                    final int hi = Math.min(lo + 2 * width, n);
                    int i = lo;
                    int j = mid;
                    int k = lo;
                    while (i < mid && j < hi) {
                        tmp[k++] = compare(dist[idx[j]], dist[idx[i]], desc) < 0 ? idx[j++] : idx[i++];
                    }
                    while (i < mid) {
                        tmp[k++] = idx[i++];
                    }
                    while (j < hi) {
                        tmp[k++] = idx[j++];
                    }
                }
                final int[] t = idx;
                idx = tmp;
                tmp = t;
            }
            return idx;
        }

        private static int compare(final double a, final double b, final boolean desc) {
            final int cmp = a > b ? 1 : a == b ? 0 : -1;
            return desc ? -cmp : cmp;
        }
    }

    /**
     * The members of the set at a inside the shape, visiting the nine cells of the shape's cover
     * in Redis's order (a cell equal to the one visited just before is skipped: on the coarsest
     * grids neighbours coincide); with a {@code limit}, the scan stops once that many were found.
     */
    private static Found scan(final Ctx c, final long a, final Shape shape, final long limit) {
        final double[] box = shape.box
                ? GeoHash.boundingBox(shape.xy[0], shape.xy[1], shape.width * shape.unit / 2,
                        shape.height * shape.unit / 2)
                : GeoHash.boundingBox(shape.xy[0], shape.xy[1], shape.radius * shape.unit, shape.radius * shape.unit);
        final long[] cells = GeoHash.areas(shape.xy[0], shape.xy[1], shape.radiusMeters(), box);
        final Found found = new Found();
        final ZsetScratch s = ZsetScratch.get();
        final ScoreRange range = s.range;
        final ZCursor cursor = s.cursor;
        final Db db = c.db;
        final double[] xy = new double[2];
        int last = -1;
        for (int i = 0; i < 9; i++) {
            final long bits = cells[2 * i];
            final int step = (int) cells[2 * i + 1];
            if (step == 0) {
                continue;
            }
            if (last >= 0 && bits == cells[2 * last] && step == cells[2 * last + 1]) {
                continue;
            }
            if (limit != 0 && found.n >= limit) {
                break;
            }
            final double min = GeoHash.rangeMin(bits, step);
            final double max = GeoHash.rangeMax(bits, step);
            range.set(min, false, max, true);
            Zsets.seek(db, a, range, false, cursor);
            while (cursor.valid()) {
                final double score = cursor.score();
                if (!(score < max)) {
                    break;
                }
                GeoHash.decode(score, xy);
                final double d = shape.within(xy[0], xy[1]);
                if (d >= 0) {
                    found.add(cursor.buf(), cursor.off(), cursor.len(), score, xy[0], xy[1], d);
                }
                if (limit != 0 && found.n >= limit) {
                    break;
                }
                cursor.next();
            }
            cursor.clear();
            last = i;
        }
        return found;
    }

    private static void reply(final Reply out, final Found f, final int[] order, final int returned, final double unit,
                              final boolean withDist, final boolean withHash, final boolean withCoord) {
        final int options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
        out.arrayHeader(returned);
        for (int k = 0; k < returned; k++) {
            final int i = order[k];
            if (options > 0) {
                out.arrayHeader(options + 1);
            }
            out.bulk(f.members[i]);
            if (withDist) {
                out.bulk(GeoCommands.distance(f.dist[i] / unit));
            }
            if (withHash) {
                out.integer((long) f.score[i]);
            }
            if (withCoord) {
                out.arrayHeader(2);
                GeoCommands.coordinate(out, f.lon[i]);
                GeoCommands.coordinate(out, f.lat[i]);
            }
        }
    }

    /**
     * Replaces the destination (argument {@code dest}) with the first {@code returned} members,
     * scored by their cell index or, with STOREDIST, by their distance in the search's unit;
     * notifies the command's event, or "del" when nothing was stored over an existing key.
     */
    private static void store(final Ctx c, final Found f, final int[] order, final int returned, final double unit,
                              final int dest, final boolean storeDist, final String event) {
        final Request r = c.req;
        final ZsetBuilder b = new ZsetBuilder(true);
        for (int k = 0; k < returned; k++) {
            final int i = order[k];
            final byte[] m = f.members[i];
            if (b.find(m, 0, m.length) < 0) {
                b.add(m, 0, m.length, storeDist ? f.dist[i] / unit : f.score[i]);
            }
        }
        final long h = c.keyHash(dest);
        final boolean existed = c.find(dest, h) != 0;
        final int stored = Zsets.store(c.db, r.buf(), r.off(dest), r.len(dest), h, b, b.sortedOrder(),
                ZsetCommands.maxEntries(c), ZsetCommands.maxValue(c), c.now);
        if (stored > 0) {
            Notify.event(c, Notify.ZSET, event, dest);
        } else if (existed) {
            Notify.event(c, Notify.GENERIC, "del", dest);
        }
        c.out.integer(stored);
    }
}
