package io.moon.server.commands;

/**
 * The geohash arithmetic of the GEO commands, with Redis's numbers so that scores, positions,
 * distances and the cells a search visits are the same as Redis's.
 *
 * <p>A position is a cell of a 2^26 x 2^26 grid over longitudes [-180, 180] and latitudes
 * [-85.05112878, 85.05112878] (the Web Mercator limits). Its score in the sorted set is the cell's
 * 52-bit index with the bits of both coordinates interleaved: latitude bits at even positions,
 * longitude bits at odd ones, most significant first, so that nearby cells have nearby scores and
 * a cell of a coarser grid (fewer steps) is one contiguous score range. Decoding gives the cell's
 * centre, which is why GEOPOS does not return exactly the coordinates GEOADD was given.
 *
 * <p>A search covers its shape with the cell of a grid coarse enough to hold it plus that cell's
 * eight neighbours ({@link #areas}), then filters the members found in those cells by the exact
 * distance (a haversine on a sphere of Redis's radius). Stateless; every method is pure.
 */
final class GeoHash {
    static final double LON_MIN = -180;
    static final double LON_MAX = 180;
    static final double LAT_MIN = -85.05112878;
    static final double LAT_MAX = 85.05112878;
    /** 26 steps of one bit per coordinate: 52 bits, exactly representable in a double score. */
    static final int STEP_MAX = 26;
    /** Redis's earth radius: the quadratic mean radius of WGS-84, in meters. */
    static final double EARTH_RADIUS_M = 6372797.560856;
    /** Half the circumference of the Mercator projection's earth, in meters. */
    private static final double MERCATOR_MAX = 20037726.37;
    /** Degrees to radians, computed as Redis computes it (M_PI / 180.0). */
    private static final double RADIANS_PER_DEGREE = Math.PI / 180.0;
    private static final byte[] BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private GeoHash() {
    }

    // ---- bits -----------------------------------------------------------------------------------

    /** The low 32 bits of v spread to the even bit positions of a long. */
    static long spread(final long v) {
        long x = v & 0xFFFFFFFFL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        x = (x | (x << 1)) & 0x5555555555555555L;
        return x;
    }

    /** The inverse of {@link #spread}: the even bits of v gathered into 32 bits. */
    static long squash(final long v) {
        long x = v & 0x5555555555555555L;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        return x;
    }

    /** The cell index of latitude cell {@code lat} and longitude cell {@code lon}. */
    static long interleave(final long lat, final long lon) {
        return spread(lat) | (spread(lon) << 1);
    }

    /** Latitude cell of an index (its even bits). */
    static long latCell(final long bits) {
        return squash(bits);
    }

    /** Longitude cell of an index (its odd bits). */
    static long lonCell(final long bits) {
        return squash(bits >>> 1);
    }

    // ---- encoding -------------------------------------------------------------------------------

    /** True when Redis accepts the pair as a position (GEOADD, FROMLONLAT, GEORADIUS's centre). */
    static boolean valid(final double lon, final double lat) {
        return !(lon < LON_MIN || lon > LON_MAX || lat < LAT_MIN || lat > LAT_MAX);
    }

    /**
     * The cell index of (lon, lat) in a grid of {@code step} bits per coordinate over the given
     * ranges, or -1 outside them. The offsets are truncated to cells as C's cast to an unsigned
     * 32-bit integer truncates (a coordinate on the upper edge falls one past the last cell).
     */
    static long encode(final double lonMin, final double lonMax, final double latMin, final double latMax,
                       final double lon, final double lat, final int step) {
        if (!valid(lon, lat) || lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) {
            return -1;
        }
        final double cells = 1L << step;
        final double latOffset = (lat - latMin) / (latMax - latMin) * cells;
        final double lonOffset = (lon - lonMin) / (lonMax - lonMin) * cells;
        return interleave((long) latOffset, (long) lonOffset);
    }

    /** The cell index of (lon, lat) at {@code step} over the GEO ranges, or -1 for an invalid pair. */
    static long encode(final double lon, final double lat, final int step) {
        return encode(LON_MIN, LON_MAX, LAT_MIN, LAT_MAX, lon, lat, step);
    }

    /** The sorted-set score of a valid (lon, lat): its 52-bit cell index. */
    static long score(final double lon, final double lat) {
        return encode(lon, lat, STEP_MAX);
    }

    // ---- decoding -------------------------------------------------------------------------------

    /**
     * The bounds of cell {@code bits} at {@code step}: {lonMin, lonMax, latMin, latMax} into
     * {@code area}. Any 64-bit value decodes (cells past the grid give coordinates past its edges).
     */
    static void cellBounds(final long bits, final int step, final double[] area) {
        final double cells = 1L << step;
        final long lat = latCell(bits);
        final long lon = lonCell(bits);
        final double latScale = LAT_MAX - LAT_MIN;
        final double lonScale = LON_MAX - LON_MIN;
        area[0] = LON_MIN + (lon * 1.0 / cells) * lonScale;
        // the next cell's index is a 32-bit unsigned sum in Redis: past the last value it wraps to 0
        area[1] = LON_MIN + (((lon + 1) & 0xFFFFFFFFL) * 1.0 / cells) * lonScale;
        area[2] = LAT_MIN + (lat * 1.0 / cells) * latScale;
        area[3] = LAT_MIN + (((lat + 1) & 0xFFFFFFFFL) * 1.0 / cells) * latScale;
    }

    /**
     * The position a score stands for: the centre of its cell, held within the GEO ranges, into
     * {@code xy} as {lon, lat}. Every score decodes, even one GEOADD did not write (ZADD can put
     * any score in the set): it is first converted to a 64-bit unsigned integer as C converts a
     * double on x86-64, then read as a cell index, as Redis reads it.
     */
    static void decode(final double score, final double[] xy) {
        final double[] area = new double[4];
        cellBounds(toUnsigned64(score), STEP_MAX, area);
        xy[0] = clamp((area[0] + area[1]) / 2, LON_MIN, LON_MAX);
        xy[1] = clamp((area[2] + area[3]) / 2, LAT_MIN, LAT_MAX);
    }

    private static double clamp(final double v, final double min, final double max) {
        return v > max ? max : v < min ? min : v;
    }

    /**
     * C's {@code (uint64_t) d} as gcc compiles it for x86-64 (SSE2): below 2^63 a truncating
     * signed conversion (negative values wrap, out-of-range ones give 2^63); from 2^63 on, the
     * conversion of d - 2^63 with the top bit flipped (so 2^64 and beyond, infinity included, give 0).
     */
    static long toUnsigned64(final double d) {
        if (!(d >= 0x1p63)) {
            return Double.isNaN(d) || d <= -0x1p63 ? Long.MIN_VALUE : (long) d;
        }
        final double low = d - 0x1p63;
        return (low >= 0x1p63 ? Long.MIN_VALUE : (long) low) ^ Long.MIN_VALUE;
    }

    /**
     * The 11-character standard geohash of a score: its position re-encoded over latitudes
     * [-90, 90] (the GEO grid stops at +-85.05), 52 bits as ten base-32 characters and a last '0'.
     */
    static byte[] standardHash(final double score) {
        final double[] xy = new double[2];
        decode(score, xy);
        final long bits = encode(-180, 180, -90, 90, xy[0], xy[1], STEP_MAX);
        final byte[] out = new byte[11];
        for (int i = 0; i < 10; i++) {
            out[i] = BASE32[(int) (bits >>> (52 - (i + 1) * 5)) & 0x1f];
        }
        out[10] = '0';
        return out;
    }

    // ---- neighbours and search areas ------------------------------------------------------------

    /**
     * The cell dx, dy cells away from {@code bits} at {@code step}, wrapping around the grid. Only
     * a coordinate that moves is brought back into the grid: a centre on the upper edge (longitude
     * 180, or latitude 85.05112878, one cell past the last) keeps its other coordinate past the
     * edge, as in Redis, so the members stored there are found.
     */
    static long move(final long bits, final int step, final int dx, final int dy) {
        final long mask = (1L << step) - 1;
        final long lat = dy == 0 ? latCell(bits) : (latCell(bits) + dy) & mask;
        final long lon = dx == 0 ? lonCell(bits) : (lonCell(bits) + dx) & mask;
        return interleave(lat, lon);
    }

    /**
     * Redis's grid coarseness for a search of this radius at this latitude: the finest step whose
     * cells are still wider than the radius, one step coarser (two near the poles, where
     * meridians converge), between 1 and 26.
     */
    static int stepsForRadius(double rangeMeters, final double lat) {
        if (rangeMeters == 0) {
            return STEP_MAX;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(STEP_MAX, step));
    }

    private static double radians(final double degrees) {
        return degrees * RADIANS_PER_DEGREE;
    }

    private static double degrees(final double radians) {
        return radians / RADIANS_PER_DEGREE;
    }

    /**
     * The shape's bounding box {minLon, minLat, maxLon, maxLat}: half-height and half-width (in
     * meters, for a circle both its radius) as degrees at the centre, the longitude span taken at
     * the box's edge nearer the pole (a circle reaches further in longitude there).
     */
    static double[] boundingBox(final double lon, final double lat, final double halfWidthM,
                                final double halfHeightM) {
        final double latDelta = degrees(halfHeightM / EARTH_RADIUS_M);
        final double lonDeltaTop = degrees(halfWidthM / EARTH_RADIUS_M / CMath.cos(radians(lat + latDelta)));
        final double lonDeltaBottom = degrees(halfWidthM / EARTH_RADIUS_M / CMath.cos(radians(lat - latDelta)));
        final double lonDelta = lat < 0 ? lonDeltaBottom : lonDeltaTop;
        return new double[] {lon - lonDelta, lat - latDelta, lon + lonDelta, lat + latDelta};
    }

    /** Order in which a search visits its cells: the centre, then N, S, E, W, NE, NW, SE, SW. */
    private static final int[] DX = {0, 0, 0, 1, -1, 1, -1, 1, -1};
    private static final int[] DY = {0, 1, -1, 0, 0, 1, 1, -1, -1};

    /**
     * The cells a search visits, in order: index {@code 2i} holds cell i's bits and {@code 2i+1}
     * its step, or -1 and 0 for a neighbour the search skips because the shape's bounding box
     * does not reach it. {@code radiusM} is the circle's radius, or the half-diagonal of a box.
     * The grid starts at {@link #stepsForRadius} and is made one step coarser when a neighbour
     * does not reach as far as the bounding box.
     */
    static long[] areas(final double lon, final double lat, final double radiusM, final double[] box) {
        int step = stepsForRadius(radiusM, lat);
        long centre = encode(lon, lat, step);
        final double[] a = new double[4];
        boolean coarser = false;
        cellBounds(move(centre, step, 0, 1), step, a);
        coarser |= a[3] < box[3];
        cellBounds(move(centre, step, 0, -1), step, a);
        coarser |= a[2] > box[1];
        cellBounds(move(centre, step, 1, 0), step, a);
        coarser |= a[1] < box[2];
        cellBounds(move(centre, step, -1, 0), step, a);
        coarser |= a[0] > box[0];
        if (step > 1 && coarser) {
            step--;
            centre = encode(lon, lat, step);
        }
        final long[] out = new long[18];
        for (int i = 0; i < 9; i++) {
            out[2 * i] = move(centre, step, DX[i], DY[i]);
            out[2 * i + 1] = step;
        }
        if (step >= 2) {
            cellBounds(centre, step, a);
            final boolean south = a[2] < box[1];
            final boolean north = a[3] > box[3];
            final boolean west = a[0] < box[0];
            final boolean east = a[1] > box[2];
            for (int i = 1; i < 9; i++) {
                if ((south && DY[i] == -1) || (north && DY[i] == 1) || (west && DX[i] == -1) || (east && DX[i] == 1)) {
                    out[2 * i] = -1;
                    out[2 * i + 1] = 0;
                }
            }
        }
        return out;
    }

    /** The scores of cell {@code bits} at {@code step}: [min, max) as 52-bit values. */
    static long rangeMin(final long bits, final int step) {
        return bits << (52 - 2 * step);
    }

    static long rangeMax(final long bits, final int step) {
        return (bits + 1) << (52 - 2 * step);
    }

    // ---- distances ------------------------------------------------------------------------------

    /** Distance in meters along a meridian between two latitudes. */
    static double latDistance(final double lat1, final double lat2) {
        return EARTH_RADIUS_M * Math.abs(radians(lat2) - radians(lat1));
    }

    /** Great-circle distance in meters (haversine), as Redis computes it. */
    static double distance(final double lon1, final double lat1, final double lon2, final double lat2) {
        final double v = CMath.sin((radians(lon2) - radians(lon1)) / 2);
        if (v == 0.0) {
            return latDistance(lat1, lat2);
        }
        final double lat1r = radians(lat1);
        final double lat2r = radians(lat2);
        final double u = CMath.sin((lat2r - lat1r) / 2);
        final double a = u * u + CMath.cos(lat1r) * CMath.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_M * CMath.asin(Math.sqrt(a));
    }
}
