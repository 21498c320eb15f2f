package io.moon.server.command;

import io.moon.server.commands.CrossShard;
import io.moon.server.commands.GeoCommands;
import io.moon.server.commands.GeoSearch;

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Command table rows of the GEO family (see {@link CommandTable} for how to read a row). A geo
 * set is a sorted set, so these rows carry @geo only, as Redis's do. GEORADIUS and
 * GEORADIUSBYMEMBER find their STORE/STOREDIST destination with Redis's keyword key specs; the
 * commands that store run through {@code CrossShard.gather} when the destination lives on
 * another shard than the source.
 */
final class GeoRows {
    private GeoRows() {
    }

    static CommandSpec.Builder[] rows() {
        return new CommandSpec.Builder[] {
            cmd("geoadd", -5, "write denyoom").acl("@geo").keys(1, 1, 1, "RW", "update").keyed(GeoCommands::geoadd),
            cmd("geodist", -4, "readonly").acl("@geo").keys(1, 1, 1, "RO", "access").keyed(GeoCommands::geodist),
            cmd("geohash", -2, "readonly").acl("@geo").keys(1, 1, 1, "RO", "access").keyed(GeoCommands::geohash),
            cmd("geopos", -2, "readonly").acl("@geo").keys(1, 1, 1, "RO", "access").keyed(GeoCommands::geopos),
            cmd("georadius", -6, "write denyoom movablekeys").acl("@geo").keys(1, 1, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RO", "access"),
                    KeySpec.keyword("STORE", 6, 0, 1, 0, "OW", "update"),
                    KeySpec.keyword("STOREDIST", 6, 0, 1, 0, "OW", "update"))
                    .keyed(GeoSearch::georadius, CrossShard::gather),
            cmd("georadius_ro", -6, "readonly").acl("@geo").keys(1, 1, 1, "RO", "access")
                    .keyed(GeoSearch::georadiusRo),
            cmd("georadiusbymember", -5, "write denyoom movablekeys").acl("@geo").keys(1, 1, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RO", "access"),
                    KeySpec.keyword("STORE", 5, 0, 1, 0, "OW", "update"),
                    KeySpec.keyword("STOREDIST", 5, 0, 1, 0, "OW", "update"))
                    .keyed(GeoSearch::georadiusbymember, CrossShard::gather),
            cmd("georadiusbymember_ro", -5, "readonly").acl("@geo").keys(1, 1, 1, "RO", "access")
                    .keyed(GeoSearch::georadiusbymemberRo),
            cmd("geosearch", -7, "readonly").acl("@geo").keys(1, 1, 1, "RO", "access").keyed(GeoSearch::geosearch),
            cmd("geosearchstore", -8, "write denyoom").acl("@geo").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "OW", "update"), KeySpec.range(2, 0, 1, 0, "RO", "access"))
                    .keyed(GeoSearch::geosearchstore, CrossShard::gather),
        };
    }
}
