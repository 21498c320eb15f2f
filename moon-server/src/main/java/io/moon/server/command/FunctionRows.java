package io.moon.server.command;

import io.moon.server.script.FunctionCommands;
import io.moon.server.script.FunctionDump;
import io.moon.server.commands.CrossShard;

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Command table rows of Redis 7 functions: FCALL, FCALL_RO (routed by their declared keys, like
 * EVALSHA) and the FUNCTION subcommands. Those that change the libraries (LOAD, DELETE, FLUSH,
 * RESTORE) all run on shard 0, whose thread thereby orders every change: they reach shard 0's
 * log in that order (a restart replays them in it), and shard 0's snapshot cut holds the
 * libraries exactly as its log stands at the cut. The others run where the client is.
 */
final class FunctionRows {
    private FunctionRows() {
    }

    /** The shard that runs every change to the libraries. */
    private static int first(final io.moon.protocol.Request r, final int shards) {
        return 0;
    }

    static CommandSpec.Builder[] rows() {
        return new CommandSpec.Builder[] {
            cmd("fcall", -3, "noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RW", "access", "update"))
                    .keyed(FunctionCommands::fcall, CrossShard::gather),
            cmd("fcall_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RO", "access"))
                    .keyed(FunctionCommands::fcallRo, CrossShard::gather),
            cmd("function", -2, "").subcommands(
                    cmd("delete", 3, "write noscript").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:all_succeeded").routed(FunctionRows::first, FunctionCommands::delete),
                    cmd("dump", 2, "noscript").acl("@scripting").local(FunctionDump::dump),
                    cmd("flush", -2, "write noscript").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:all_succeeded").routed(FunctionRows::first, FunctionCommands::flush),
                    cmd("help", 2, "loading stale").acl("@scripting").local(FunctionCommands::help),
                    cmd("kill", 2, "noscript allow_busy").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:one_succeeded").local(FunctionCommands::kill),
                    cmd("list", -2, "noscript").acl("@scripting").tips("nondeterministic_output_order")
                            .local(FunctionCommands::list),
                    cmd("load", -3, "write denyoom noscript").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:all_succeeded").routed(FunctionRows::first, FunctionCommands::load),
                    cmd("restore", -3, "write denyoom noscript").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:all_succeeded").routed(FunctionRows::first, FunctionDump::restore),
                    cmd("stats", 2, "noscript allow_busy").acl("@scripting")
                            .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                            .local(FunctionCommands::stats)),
        };
    }
}
