package io.moon.server.command;

import io.moon.server.commands.Bitfield;
import io.moon.server.commands.BitmapCommands;
import io.moon.server.commands.CrossShard;

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Command table rows of the bitmap family (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD,
 * BITFIELD_RO); see {@link CommandTable} for how to read a row. BITOP's keys may span shards: it
 * then runs over gathered copies ({@link CrossShard#gather}).
 */
final class BitmapRows {
    private BitmapRows() {
    }

    /** Rows of the bitmap family. */
    static CommandSpec.Builder[] rows() {
        return new CommandSpec.Builder[] {
            cmd("setbit", 4, "write denyoom").acl("@bitmap").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(BitmapCommands::setbit),
            cmd("getbit", 3, "readonly fast").acl("@bitmap").keys(1, 1, 1, "RO", "access")
                    .keyed(BitmapCommands::getbit),
            cmd("bitcount", -2, "readonly").acl("@bitmap").keys(1, 1, 1, "RO", "access")
                    .keyed(BitmapCommands::bitcount),
            cmd("bitpos", -3, "readonly").acl("@bitmap").keys(1, 1, 1, "RO", "access")
                    .keyed(BitmapCommands::bitpos),
            cmd("bitop", -4, "write denyoom").acl("@bitmap").keys(2, -1, 1).keySpecs(
                    KeySpec.range(2, 0, 1, 0, "OW", "update"), KeySpec.range(3, -1, 1, 0, "RO", "access"))
                    .keyed(BitmapCommands::bitop, CrossShard::gather),
            cmd("bitfield", -2, "write denyoom").acl("@bitmap")
                    .keys(1, 1, 1, "RW", "access", "update", "variable_flags").keyed(Bitfield::bitfield),
            cmd("bitfield_ro", -2, "readonly fast").acl("@bitmap").keys(1, 1, 1, "RO", "access")
                    .keyed(Bitfield::bitfieldRo),
        };
    }
}
