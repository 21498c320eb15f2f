package io.moon.server.command;

import io.moon.server.script.FunctionCommands;
import io.moon.server.script.FunctionDump;
import io.moon.server.commands.CrossShard;

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Command table rows of Redis 7 functions: FCALL, FCALL_RO (routed by their declared keys, like
 * EVALSHA) and the FUNCTION subcommands, which act on the server-wide libraries from any shard.
 */
final class FunctionRows {
    private FunctionRows() {
    }

    static CommandSpec.Builder[] rows() {
        return new CommandSpec.Builder[] {
            cmd("fcall", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RW", "access", "update"))
                    .keyed(FunctionCommands::fcall, CrossShard::gather),
            cmd("fcall_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RO", "access"))
                    .keyed(FunctionCommands::fcallRo, CrossShard::gather),
            cmd("function", -2, "").subcommands(
                    cmd("delete", 3, "write noscript").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:all_succeeded").local(FunctionCommands::delete),
                    cmd("dump", 2, "noscript").acl("@scripting").local(FunctionDump::dump),
                    cmd("flush", -2, "write noscript").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:all_succeeded").local(FunctionCommands::flush),
                    cmd("help", 2, "loading stale").acl("@scripting").local(FunctionCommands::help),
                    cmd("kill", 2, "noscript allow_busy").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:one_succeeded").local(FunctionCommands::kill),
                    cmd("list", -2, "noscript").acl("@scripting").tips("nondeterministic_output_order")
                            .local(FunctionCommands::list),
                    cmd("load", -3, "write denyoom noscript").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:all_succeeded").local(FunctionCommands::load),
                    cmd("restore", -3, "write denyoom noscript").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:all_succeeded").local(FunctionDump::restore),
                    cmd("stats", 2, "noscript allow_busy").acl("@scripting")
                            .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                            .local(FunctionCommands::stats)),
        };
    }
}
