package io.moon.server.commands;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The geohash arithmetic: encoding and decoding round-trip within a cell (a property over random
 * positions, the grid's edges included), bit interleaving, neighbours that wrap, and the exact
 * figures redis-server 7.0.15 gives for known positions.
 */
class GeoHashTest {
    /** A cell at step 26 is 360 / 2^26 degrees of longitude wide and 170.1 / 2^26 of latitude high. */
    private static final double CELL_LON = 360.0 / (1 << 26);
    private static final double CELL_LAT = (GeoHash.LAT_MAX - GeoHash.LAT_MIN) / (1 << 26);

    record Position(double lon, double lat) {
    }

    @Test
    void shouldDecodeEveryEncodedPositionWithinItsCell() {
        final List<Position> edges = List.of(new Position(-180, GeoHash.LAT_MIN), new Position(180, GeoHash.LAT_MAX),
                new Position(0, 0), new Position(-0.0, -0.0), new Position(179.99999999, -85.05),
                new Position(-179.99999999, 85.05), new Position(180, 0), new Position(0, GeoHash.LAT_MAX));
        Props.forAll("geohash round trip", 20_000, edges, r -> {
            final int kind = r.nextInt(4);
            final double lon = kind == 0 ? Props.choose(r, -180.0, 180.0, 0.0) : -180 + 360 * r.nextDouble();
            final double lat = kind == 1 ? Props.choose(r, GeoHash.LAT_MIN, GeoHash.LAT_MAX, 0.0)
                    : GeoHash.LAT_MIN + (GeoHash.LAT_MAX - GeoHash.LAT_MIN) * r.nextDouble();
            return new Position(lon, lat);
        }, p -> {
            final long score = GeoHash.score(p.lon(), p.lat());
            assertTrue(score >= 0, "valid positions encode");
            final double[] xy = new double[2];
            GeoHash.decode(score, xy);
            if (p.lon() == 180 || p.lat() == GeoHash.LAT_MAX) {
                // one cell past the grid: a 53- or 54-bit index that a double score rounds, as in
                // Redis; the position still decodes inside the GEO ranges
                assertTrue(GeoHash.valid(xy[0], xy[1]), xy[0] + "," + xy[1]);
                return;
            }
            // the centre of the cell: within half a cell of the position
            assertTrue(Math.abs(xy[0] - p.lon()) <= CELL_LON / 2 + 1e-9, "longitude " + xy[0]);
            assertTrue(Math.abs(xy[1] - p.lat()) <= CELL_LAT / 2 + 1e-9, "latitude " + xy[1]);
            // and the centre encodes to the same cell
            assertEquals(score, GeoHash.score(xy[0], xy[1]));
        });
    }

    @Test
    void shouldInterleaveLatitudeOnEvenBitsAndLongitudeOnOdd() {
        assertEquals(0b01, GeoHash.interleave(1, 0));
        assertEquals(0b10, GeoHash.interleave(0, 1));
        assertEquals(0xFFFFFFFFL, GeoHash.latCell(GeoHash.interleave(0xFFFFFFFFL, 0)));
        assertEquals(0x12345678L, GeoHash.lonCell(GeoHash.interleave(0x0BADCAFEL, 0x12345678L)));
        assertEquals(0x0BADCAFEL, GeoHash.latCell(GeoHash.interleave(0x0BADCAFEL, 0x12345678L)));
    }

    @Test
    void shouldWrapNeighboursAroundTheGrid() {
        final long corner = GeoHash.interleave(0, 0);
        assertEquals(GeoHash.interleave(0, 3), GeoHash.move(corner, 2, -1, 0));
        assertEquals(GeoHash.interleave(3, 0), GeoHash.move(corner, 2, 0, -1));
        assertEquals(GeoHash.interleave(1, 1), GeoHash.move(corner, 2, 1, 1));
        // one past the edge: only the coordinate that moves comes back into the grid
        final long past = GeoHash.interleave(1, 4);
        assertEquals(GeoHash.interleave(2, 4), GeoHash.move(past, 2, 0, 1));
        assertEquals(GeoHash.interleave(1, 1), GeoHash.move(past, 2, 1, 0));
    }

    @Test
    void shouldConvertScoresToUnsignedAsCOnX8664() {
        assertEquals(5, GeoHash.toUnsigned64(5.9));
        assertEquals(-1L, GeoHash.toUnsigned64(-1));
        assertEquals(0, GeoHash.toUnsigned64(Double.POSITIVE_INFINITY));
        assertEquals(Long.MIN_VALUE, GeoHash.toUnsigned64(Double.NEGATIVE_INFINITY));
        assertEquals(Long.MIN_VALUE, GeoHash.toUnsigned64(0x1p63));
        assertEquals(0, GeoHash.toUnsigned64(0x1p64));
        assertEquals(Long.MIN_VALUE | 4096, GeoHash.toUnsigned64(0x1p63 + 4096));
    }

    @Test
    void shouldGiveRedisScoresPositionsAndGeohashes() {
        // figures of redis-server 7.0.15 (GEOADD, ZSCORE, GEOPOS, GEOHASH)
        assertEquals(3479099956230698L, GeoHash.score(13.361389, 38.115556));
        assertEquals(3479447370796909L, GeoHash.score(15.087269, 37.502669));
        final double[] xy = new double[2];
        GeoHash.decode(3479447370796909L, xy);
        assertArrayEquals(new double[] {15.08726745843887329, 37.50266842333162032}, xy);
        assertEquals("sqc8b49rny0", new String(GeoHash.standardHash(3479099956230698L)));
        assertEquals("sqdtr74hyu0", new String(GeoHash.standardHash(3479447370796909L)));
        assertEquals("zzpgzgpfxz0", new String(GeoHash.standardHash(4503599627370495L)));
    }

    @Test
    void shouldMeasureDistancesAsRedis() {
        final double[] p = new double[2];
        final double[] q = new double[2];
        GeoHash.decode(3479099956230698L, p);
        GeoHash.decode(3479447370796909L, q);
        assertEquals("166274.1516", new String(GeoCommands.distance(GeoHash.distance(p[0], p[1], q[0], q[1]))));
        assertEquals("0.0000", new String(GeoCommands.distance(0)));
        assertEquals("0.0001", new String(GeoCommands.distance(0.00005000001)));
        assertEquals("12.3457", new String(GeoCommands.distance(12.34567)));
        assertTrue(CMath.isNative(), "the C library's sin/cos/asin are reachable (tests run with native access)");
    }

    @Test
    void shouldPrintCoordinatesAsCPercentF() {
        assertEquals("200.000000", GeoCommands.fixed6(200));
        assertEquals("-0.000000", GeoCommands.fixed6(-0.0000001));
        assertEquals("-0.000000", GeoCommands.fixed6(-0.0));
        assertEquals("inf", GeoCommands.fixed6(Double.POSITIVE_INFINITY));
        assertEquals("-inf", GeoCommands.fixed6(Double.NEGATIVE_INFINITY));
        assertEquals("0.000001", GeoCommands.fixed6(0.0000005000000001));
        assertEquals("1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371"
                + "375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830"
                + "233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115"
                + "669472196386865459400540160.000000", GeoCommands.fixed6(1e300));
    }
}
