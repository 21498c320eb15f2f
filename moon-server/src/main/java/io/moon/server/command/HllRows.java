package io.moon.server.command;

import io.moon.server.commands.CrossShard;
import io.moon.server.commands.HllCommands;

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Command table rows for the HyperLogLog commands (see {@link CommandTable} for how to read a
 * row). PFCOUNT is read-only with RW key specs, as in Redis: counting one key may store the count
 * in the value.
 */
final class HllRows {
    private HllRows() {
    }

    static CommandSpec.Builder[] rows() {
        return new CommandSpec.Builder[] {
            cmd("pfadd", -2, "write denyoom fast").acl("@hyperloglog").keys(1, 1, 1, "RW", "insert")
                    .keyed(HllCommands::pfadd),
            cmd("pfcount", -2, "readonly may_replicate").acl("@hyperloglog").keys(1, -1, 1, "RW", "access")
                    .keyed(HllCommands::pfcount, HllCommands::pfcountAcross),
            cmd("pfmerge", -2, "write denyoom").acl("@hyperloglog").keys(1, -1, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RW", "access", "insert"), KeySpec.range(2, -1, 1, 0, "RO", "access"))
                    .keyed(HllCommands::pfmerge, CrossShard::gather),
            cmd("pfdebug", 3, "write denyoom admin").acl("@hyperloglog").keys(2, 2, 1, "RW", "access")
                    .keyed(HllCommands::pfdebug),
            cmd("pfselftest", 1, "admin").acl("@hyperloglog").local(HllCommands::pfselftest),
        };
    }
}
