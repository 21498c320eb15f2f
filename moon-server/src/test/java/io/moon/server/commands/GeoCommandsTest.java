package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The GEO commands on three shards: every command, option and error text, with the figures
 * redis-server 7.0.15 replies (positions as decoded cell centres, distances with four decimals,
 * geohash strings), stores on the source's shard and on others, keyspace events and WATCH.
 */
class GeoCommandsTest extends SharedHarnessTest {
    private static final String PALERMO_LON = "13.36138933897018433";
    private static final String PALERMO_LAT = "38.11555639549629859";
    private static final String CATANIA_LON = "15.08726745843887329";
    private static final String CATANIA_LAT = "37.50266842333162032";
    private static final String STORE_WITH =
            "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options";

    private static List<Object> list(final Object... items) {
        return ZsetCommandsTest.list(items);
    }

    private static void sicily() {
        assertInt(3, run("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania",
                "12.758489", "38.788135", "edge1"));
    }

    /** Three keys: one on the source's shard (hash tag), two that land elsewhere among three shards. */
    private static final String[] DESTINATIONS = {"{Sicily}dst", "dst-a", "dst-b", "dst-c"};

    // ---- GEOADD --------------------------------------------------------------------------------

    @Test
    void shouldAddPositionsAsSortedSetScores() {
        sicily();
        assertEquals(new Resp.Simple("zset"), run("TYPE", "Sicily"));
        assertEquals("3479099956230698", run("ZSCORE", "Sicily", "Palermo"));
        assertEquals("3479447370796909", run("ZSCORE", "Sicily", "Catania"));
        assertEquals(list("Palermo", "edge1", "Catania"), run("ZRANGE", "Sicily", "0", "-1"));
        assertInt(0, run("GEOADD", "Sicily", "13.5", "38", "Palermo"));
        assertInt(1, run("GEOADD", "Sicily", "CH", "13.361389", "38.115556", "Palermo"));
        assertInt(0, run("GEOADD", "Sicily", "NX", "CH", "1", "1", "Palermo"));
        assertInt(1, run("GEOADD", "Sicily", "nx", "1", "1", "new"));
        assertInt(0, run("GEOADD", "Sicily", "XX", "2", "2", "other"));
        assertInt(1, run("GEOADD", "Sicily", "xx", "ch", "2", "2", "new"));
        assertInt(0, run("GEOADD", "missing", "XX", "2", "2", "a"));
        assertInt(0, run("EXISTS", "missing"));
        assertInt(1, run("ZREM", "Sicily", "new"));
        assertInt(3, run("ZCARD", "Sicily"));
    }

    @Test
    void shouldRejectBadGeoaddArgumentsWithRedisTexts() {
        assertErrorText("ERR invalid longitude,latitude pair 200.000000,100.000000",
                run("GEOADD", "g", "200", "100", "x"));
        assertErrorText("ERR invalid longitude,latitude pair inf,1.000000", run("GEOADD", "g", "inf", "1", "x"));
        assertErrorText("ERR invalid longitude,latitude pair -0.000000,100.000000",
                run("GEOADD", "g", "-0.0000001", "100", "x"));
        assertErrorText("ERR invalid longitude,latitude pair 10.000000,85.051129",
                run("GEOADD", "g", "1", "1", "ok", "10", "85.0511288", "x"));
        assertInt(0, run("EXISTS", "g"));
        assertErrorText(ZsetCommandsTest.NOT_FLOAT, run("GEOADD", "g", "abc", "2", "x"));
        assertErrorText(ZsetCommandsTest.SYNTAX, run("GEOADD", "g", "nx", "xx", "1", "2", "x"));
        assertErrorText(ZsetCommandsTest.SYNTAX, run("GEOADD", "g", "ch", "1", "2", "x", "3", "4"));
        assertErrorText(ZsetCommandsTest.SYNTAX, run("GEOADD", "g", "gt", "1", "2", "x"));
        assertErrorText(ZsetCommandsTest.SYNTAX, run("GEOADD", "g", "ch", "ch", "ch", "ch"));
        assertErrorText("ERR wrong number of arguments for 'geoadd' command", run("GEOADD", "g", "1", "2"));
        assertOk(run("SET", "s", "x"));
        assertErrorText(ZsetCommandsTest.WRONGTYPE, run("GEOADD", "s", "1", "1", "a"));
        // coordinates are checked before the key's type, as Redis's GEOADD does before its ZADD
        assertErrorText("ERR invalid longitude,latitude pair 500.000000,1.000000", run("GEOADD", "s", "500", "1", "a"));
    }

    // ---- GEOPOS, GEODIST, GEOHASH ----------------------------------------------------------------

    @Test
    void shouldReturnPositionsAsCellCentres() {
        sicily();
        assertEquals(list(list(PALERMO_LON, PALERMO_LAT), null, list(CATANIA_LON, CATANIA_LAT)),
                run("GEOPOS", "Sicily", "Palermo", "nope", "Catania"));
        assertEquals(list(), run("GEOPOS", "Sicily"));
        assertEquals(list(null, null), run("GEOPOS", "missing", "a", "b"));
        // any score decodes, as Redis converts it (C's double to unsigned cast), clamped to the grid
        assertInt(4, run("ZADD", "z", "inf", "a", "-inf", "b", "-1", "d", "1e19", "g"));
        assertEquals(list(list("-179.99999731779098511", "-85.05112751263942528"),
                list("180", "-85.05112751263942528"), list("180", "85.0511287799999991"),
                list("180", "85.0511287799999991")),
                run("GEOPOS", "z", "a", "b", "d", "g"));
        // the grid's corners
        assertInt(2, run("GEOADD", "pole", "180", "85.05112878", "top", "-180", "-85.05112878", "bottom"));
        assertEquals(list(list("180", "85.0511287799999991"), list("-179.99999731779098511", "-85.05112751263942528")),
                run("GEOPOS", "pole", "top", "bottom"));
        assertOk(run("SET", "s", "x"));
        assertErrorText(ZsetCommandsTest.WRONGTYPE, run("GEOPOS", "s", "a"));
    }

    @Test
    void shouldReplyPositionsAsDoublesInResp3() {
        sicily();
        final Harness.Client c = h.client();
        try {
            c.run("HELLO", "3");
            assertEquals(list(list(Double.parseDouble(PALERMO_LON), Double.parseDouble(PALERMO_LAT)), null),
                    c.run("GEOPOS", "Sicily", "Palermo", "x"));
            assertEquals(list(list("Catania", "56.4413", list(Double.parseDouble(CATANIA_LON),
                            Double.parseDouble(CATANIA_LAT)))),
                    c.run("GEORADIUS", "Sicily", "15", "37", "100", "km", "WITHDIST", "WITHCOORD"));
            assertNil(c.run("GEODIST", "Sicily", "Palermo", "x"));
        } finally {
            c.close();
        }
    }

    @Test
    void shouldMeasureDistancesInEveryUnit() {
        sicily();
        assertEquals("166274.1516", run("GEODIST", "Sicily", "Palermo", "Catania"));
        assertEquals("166.2742", run("GEODIST", "Sicily", "Palermo", "Catania", "km"));
        assertEquals("166.2742", run("GEODIST", "Sicily", "Palermo", "Catania", "KM"));
        assertEquals("56.7939", run("GEODIST", "Sicily", "Palermo", "edge1", "mi"));
        assertEquals("299870.9272", run("GEODIST", "Sicily", "Palermo", "edge1", "ft"));
        assertEquals("0.0000", run("GEODIST", "Sicily", "Palermo", "Palermo", "m"));
        assertNil(run("GEODIST", "Sicily", "Palermo", "nope"));
        assertNil(run("GEODIST", "Sicily", "nope", "Palermo"));
        assertNil(run("GEODIST", "missing", "a", "b"));
        assertErrorText("ERR unsupported unit provided. please use M, KM, FT, MI",
                run("GEODIST", "missing", "a", "b", "yd"));
        assertErrorText(ZsetCommandsTest.SYNTAX, run("GEODIST", "Sicily", "a", "b", "km", "x"));
        assertOk(run("SET", "s", "x"));
        assertErrorText(ZsetCommandsTest.WRONGTYPE, run("GEODIST", "s", "a", "b"));
    }

    @Test
    void shouldGiveStandardGeohashStrings() {
        sicily();
        assertEquals(list("sqc8b49rny0", "sqdtr74hyu0", null, "sqchdm4mq20"),
                run("GEOHASH", "Sicily", "Palermo", "Catania", "nope", "edge1"));
        assertEquals(list((Object) null), run("GEOHASH", "missing", "a"));
        assertOk(run("SET", "s", "x"));
        assertErrorText(ZsetCommandsTest.WRONGTYPE, run("GEOHASH", "s", "a"));
    }

    // ---- GEORADIUS and GEORADIUSBYMEMBER ----------------------------------------------------------

    @Test
    void shouldSearchARadiusWithEveryOption() {
        sicily();
        assertEquals(list("Catania"), run("GEORADIUS", "Sicily", "15", "37", "100", "km"));
        assertEquals(list(list("Catania", "56.4413", 3479447370796909L, list(CATANIA_LON, CATANIA_LAT)),
                list("Palermo", "190.4424", 3479099956230698L, list(PALERMO_LON, PALERMO_LAT))),
                run("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC"));
        assertEquals(list(list("Palermo", "190.4424"), list("Catania", "56.4413")),
                run("GEORADIUS", "Sicily", "15", "37", "200", "km", "count", "2", "desc", "withdist"));
        assertEquals(list(list("Catania", "35.0711"), list("Palermo", "118.3357"), list("edge1", "173.8231")),
                run("GEORADIUS", "Sicily", "15", "37", "300", "mi", "WITHDIST", "ASC"));
        // COUNT alone sorts ascending; COUNT ... ANY stops at the first found, in cell order
        assertEquals(list("Catania"), run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1"));
        assertEquals(list("Palermo"), run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1", "ANY"));
        assertEquals(list(list("Palermo", "0.0000"), list("edge1", "91.4007")),
                run("GEORADIUSBYMEMBER", "Sicily", "Palermo", "100", "km", "WITHDIST"));
        assertEquals(list("Palermo", "edge1"), run("GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "100", "km", "ASC"));
        assertEquals(list("Catania"), run("GEORADIUS_RO", "Sicily", "15", "37", "100", "km"));
        assertEquals(list(), run("GEORADIUS", "Sicily", "0", "0", "1", "m"));
        assertEquals(list(), run("GEORADIUS", "missing", "0", "0", "1", "m"));
        assertEquals(list(), run("GEORADIUSBYMEMBER", "missing", "nope", "x", "km"));
    }

    @Test
    void shouldFindMembersOnTheGridsEdges() {
        assertInt(3, run("GEOADD", "edge", "180", "84.99999965", "top", "179.99", "0", "east", "-180", "0", "west"));
        assertEquals(list(list("top", 10508398856570128L)),
                run("GEOSEARCH", "edge", "FROMMEMBER", "top", "BYRADIUS", "1000", "mi", "WITHHASH"));
        assertEquals(list("top"), run("GEORADIUS", "edge", "180", "84.99999965", "1", "km"));
        assertEquals(list("east", "west"), run("GEORADIUS", "edge", "-180", "0", "10", "km", "DESC"));
    }

    @Test
    void shouldRejectBadRadiusArgumentsWithRedisTexts() {
        sicily();
        assertErrorText("ERR could not decode requested zset member",
                run("GEORADIUSBYMEMBER", "Sicily", "nope", "100", "km"));
        assertErrorText("ERR radius cannot be negative", run("GEORADIUS", "Sicily", "15", "37", "-1", "km"));
        assertErrorText("ERR need numeric radius", run("GEORADIUS", "Sicily", "15", "37", "x", "km"));
        assertErrorText("ERR unsupported unit provided. please use M, KM, FT, MI",
                run("GEORADIUS", "Sicily", "15", "37", "1", "yd"));
        assertErrorText("ERR invalid longitude,latitude pair 15.000000,86.000000",
                run("GEORADIUS", "Sicily", "15", "86", "1", "km"));
        assertErrorText(ZsetCommandsTest.NOT_FLOAT, run("GEORADIUS", "Sicily", "x", "86", "1", "km"));
        assertErrorText("ERR the ANY argument requires COUNT argument",
                run("GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY"));
        assertErrorText("ERR COUNT must be > 0", run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0"));
        assertErrorText(ZsetCommandsTest.NOT_INTEGER,
                run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "x"));
        assertErrorText(ZsetCommandsTest.SYNTAX, run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT"));
        assertErrorText(ZsetCommandsTest.SYNTAX, run("GEORADIUS", "Sicily", "15", "37", "200", "km", "FOO"));
        assertErrorText(ZsetCommandsTest.SYNTAX, run("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "d"));
        assertErrorText(ZsetCommandsTest.SYNTAX,
                run("GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "200", "km", "STOREDIST", "d"));
        assertErrorText(STORE_WITH, run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d", "WITHDIST"));
        assertErrorText(STORE_WITH, run("GEORADIUSBYMEMBER", "Sicily", "Palermo", "2", "km", "WITHHASH", "STOREDIST", "d"));
        assertErrorText("ERR wrong number of arguments for 'georadius' command",
                run("GEORADIUS", "Sicily", "15", "37", "200"));
        assertOk(run("SET", "s", "x"));
        assertErrorText(ZsetCommandsTest.WRONGTYPE, run("GEORADIUS", "s", "15", "37", "200", "km"));
        assertErrorText(ZsetCommandsTest.WRONGTYPE, run("GEORADIUSBYMEMBER", "s", "nope", "x", "km"));
    }

    @Test
    void shouldStoreRadiusResultsOnAnyShard() {
        sicily();
        for (final String d : DESTINATIONS) {
            assertOk(run("SET", d, "old"));
            assertInt(1, run("EXPIRE", d, "100"));
            assertInt(2, run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", d));
            assertEquals(list("Palermo", "3479099956230698", "Catania", "3479447370796909"),
                    run("ZRANGE", d, "0", "-1", "WITHSCORES"));
            assertInt(-1, run("TTL", d));
            assertInt(1, run("GEORADIUS", "Sicily", "15", "37", "300", "km", "COUNT", "1", "STOREDIST", d));
            assertEquals(list("Catania", "56.441257870158204"), run("ZRANGE", d, "0", "-1", "WITHSCORES"));
            assertInt(3, run("GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "STORE", "ignored", "STOREDIST", d));
            assertEquals(list("Palermo", "0", "edge1", "91.400658605814272", "Catania", "166.27415156960032"),
                    run("ZRANGE", d, "0", "-1", "WITHSCORES"));
            assertInt(0, run("EXISTS", "ignored"));
            // nothing found: the destination goes
            assertInt(0, run("GEORADIUS", "Sicily", "0", "0", "1", "km", "STORE", d));
            assertInt(0, run("EXISTS", d));
            assertOk(run("SET", d, "old"));
            assertInt(0, run("GEORADIUSBYMEMBER", "missing", "nope", "x", "km", "STORE", d));
            assertInt(0, run("EXISTS", d));
        }
    }

    @Test
    void shouldNameTheStoreDestinationAsAKey() {
        assertEquals(list("Sicily", "a", "b"),
                run("COMMAND", "GETKEYS", "GEORADIUS", "Sicily", "15", "37", "300", "mi", "STORE", "a", "STOREDIST", "b"));
        assertEquals(list("Sicily", "d"),
                run("COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "Sicily", "m", "3", "mi", "storedist", "d"));
        assertEquals(list("Sicily"), run("COMMAND", "GETKEYS", "GEORADIUS", "Sicily", "15", "37", "300", "mi", "STORE"));
        assertEquals(list(list("Sicily", list("RO", "access")), list("d", list("OW", "update"))), h.run("COMMAND",
                "GETKEYSANDFLAGS", "GEORADIUS", "Sicily", "15", "37", "300", "mi", "STORE", "d")
                instanceof List<?> l ? flagsAsLists(l) : null);
    }

    private static List<Object> flagsAsLists(final List<?> reply) {
        final List<Object> out = new ArrayList<>();
        for (final Object e : reply) {
            final List<?> pair = (List<?>) e;
            final List<Object> flags = new ArrayList<>();
            for (final Object f : (Iterable<?>) pair.get(1)) {
                flags.add(((Resp.Simple) f).text());
            }
            out.add(list(pair.get(0), flags));
        }
        return out;
    }

    // ---- GEOSEARCH and GEOSEARCHSTORE ----------------------------------------------------------

    @Test
    void shouldSearchCirclesAndBoxesFromMembersOrPoints() {
        sicily();
        assertEquals(list("Palermo", "edge1", "Catania"),
                run("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km", "ASC"));
        assertEquals(list(list("Catania", "166.2742"), list("edge1", "91.4007"), list("Palermo", "0.0000")),
                run("GEOSEARCH", "Sicily", "frommember", "Palermo", "bybox", "400", "300", "km", "desc", "withdist"));
        assertInt(0, run("GEOADD", "Sicily", "13.5", "38", "Palermo"));
        assertEquals(list(list("Catania", "56.4413", list(CATANIA_LON, CATANIA_LAT)),
                list("Palermo", "172.8860", list("13.50000053644180298", "38.0000009925631943")),
                list("edge1", "279.7405", list("12.7584877610206604", "38.78813451624225195"))),
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHCOORD",
                        "WITHDIST"));
        assertEquals(list(list("Catania", "56.4413")),
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHDIST", "COUNT", "1"));
        assertEquals(list(), run("GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYBOX", "1", "1", "m"));
        assertEquals(list(), run("GEOSEARCH", "missing", "FROMMEMBER", "x", "BYRADIUS", "1", "m"));
    }

    @Test
    void shouldRejectBadSearchArgumentsWithRedisTexts() {
        sicily();
        assertErrorText(ZsetCommandsTest.SYNTAX,
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "4", "4", "km", "FROMMEMBER", "Palermo"));
        assertErrorText(ZsetCommandsTest.SYNTAX,
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"));
        assertErrorText(ZsetCommandsTest.SYNTAX,
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STOREDIST"));
        assertErrorText(ZsetCommandsTest.SYNTAX,
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE", "d"));
        assertErrorText("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch",
                run("geosearch", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST"));
        assertErrorText("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearch",
                run("GeoSearch", "missing", "BYRADIUS", "1", "km", "ASC", "WITHDIST"));
        assertErrorText("ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH",
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "ASC", "WITHDIST"));
        assertErrorText("ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCHSTORE",
                run("GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "Palermo", "COUNT", "1", "STOREDIST"));
        assertErrorText("ERR could not decode requested zset member",
                run("GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "1", "km"));
        assertErrorText("ERR height or width cannot be negative",
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"));
        assertErrorText("ERR need numeric width",
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km"));
        assertErrorText("ERR need numeric height",
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"));
        assertErrorText("ERR unsupported unit provided. please use M, KM, FT, MI",
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1", "xx"));
        assertErrorText("ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
                run("GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "WITHCOORD"));
        assertErrorText("ERR the ANY argument requires COUNT argument",
                run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "ANY"));
        assertErrorText("ERR wrong number of arguments for 'geosearch' command",
                run("GEOSEARCH", "Sicily", "BYBOX", "400", "400", "km"));
        assertOk(run("SET", "s", "x"));
        assertErrorText(ZsetCommandsTest.WRONGTYPE,
                run("GEOSEARCH", "s", "FROMMEMBER", "nope", "BYRADIUS", "1", "km"));
    }

    @Test
    void shouldStoreSearchResultsOnAnyShard() {
        sicily();
        for (final String d : DESTINATIONS) {
            assertInt(3, run("GEOSEARCHSTORE", d, "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1000", "km",
                    "STOREDIST"));
            assertEquals(list("Catania", "56.441257870158204", "Palermo", "190.44242984775784", "edge1",
                    "279.74045213563431"),
                    run("ZRANGE", d, "0", "-1", "WITHSCORES"));
            assertInt(1, run("GEOSEARCHSTORE", d, "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "200", "200", "km",
                    "COUNT", "1", "DESC"));
            assertEquals(list("edge1", "3479273021651468"), run("ZRANGE", d, "0", "-1", "WITHSCORES"));
            assertInt(0, run("GEOSEARCHSTORE", d, "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"));
            assertInt(0, run("EXISTS", d));
            assertInt(0, run("GEOSEARCHSTORE", d, "missing", "FROMMEMBER", "x", "BYRADIUS", "1", "km"));
        }
        // the source itself as destination
        assertInt(1, run("GEOSEARCHSTORE", "Sicily", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"));
        assertEquals(list("Palermo"), run("ZRANGE", "Sicily", "0", "-1"));
    }

    // ---- events and WATCH ----------------------------------------------------------------------

    @Test
    void shouldNotifyAsRedis() {
        sicily();
        assertOk(run("CONFIG", "SET", "notify-keyspace-events", "KEA"));
        final Harness.Client sub = h.client();
        try {
            assertEquals(list("psubscribe", "__keyevent@0__:*", 1L), sub.run("PSUBSCRIBE", "__keyevent@0__:*"));
            run("GEOADD", "g", "1", "1", "a");
            run("GEOADD", "g", "1", "1", "a");
            run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst-a");
            run("GEOSEARCHSTORE", "dst-b", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km");
            run("GEOSEARCHSTORE", "dst-a", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km");
            run("GEOSEARCHSTORE", "dst-b", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km");
            run("GEORADIUSBYMEMBER", "missing", "x", "1", "km", "STORE", "dst-b");
            run("PUBLISH", "__keyevent@0__:end", "x");
            final List<String> events = new ArrayList<>();
            while (true) {
                final List<?> m = (List<?>) sub.read();
                if (m.get(2).equals("__keyevent@0__:end")) {
                    break;
                }
                events.add(m.get(2) + " " + m.get(3));
            }
            assertEquals(List.of("__keyevent@0__:zadd g", "__keyevent@0__:georadiusstore dst-a",
                    "__keyevent@0__:del dst-a", "__keyevent@0__:geosearchstore dst-b", "__keyevent@0__:del dst-b"),
                    events);
        } finally {
            sub.close();
            assertOk(run("CONFIG", "SET", "notify-keyspace-events", ""));
        }
    }

    @Test
    void shouldFailExecWhenAStoreWritesAWatchedKeyButNotWhenASearchReadsOne() {
        sicily();
        final Harness.Client watcher = h.client();
        try {
            for (final String d : DESTINATIONS) {
                assertOk(watcher.run("WATCH", d));
                assertInt(2, run("GEOSEARCHSTORE", d, "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"));
                assertOk(watcher.run("MULTI"));
                watcher.run("PING");
                assertNil(watcher.run("EXEC"));
                assertOk(watcher.run("WATCH", d));
                assertInt(2, run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", d));
                assertOk(watcher.run("MULTI"));
                watcher.run("PING");
                assertNil(watcher.run("EXEC"));
            }
            // searching reads the source: a watch on it holds, as in Redis
            assertOk(watcher.run("WATCH", "Sicily"));
            assertEquals(list("Catania"), run("GEORADIUS", "Sicily", "15", "37", "100", "km"));
            assertInt(1, run("GEORADIUS", "Sicily", "15", "37", "100", "km", "STORE", "dst-a"));
            assertInt(1, run("GEOSEARCHSTORE", "{Sicily}d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "100", "km"));
            assertOk(watcher.run("MULTI"));
            watcher.run("PING");
            assertEquals(list(new Resp.Simple("PONG")), watcher.run("EXEC"));
        } finally {
            watcher.close();
        }
    }
}
