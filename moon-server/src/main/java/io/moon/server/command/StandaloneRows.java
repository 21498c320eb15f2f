package io.moon.server.command;

import io.moon.server.commands.StandaloneCommands;

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Command table rows for the Redis Cluster and module commands, which a standalone Moon answers
 * as a Redis without cluster support and without modules does (see {@link StandaloneCommands};
 * {@link CommandTable} for how to read a row). MODULE LOAD, LOADEX and UNLOAD are protected by
 * enable-module-command, as in Redis.
 */
final class StandaloneRows {
    private StandaloneRows() {
    }

    private static CommandSpec.Builder cluster(final String name, final int arity, final String flags) {
        return cmd(name, arity, flags).local(StandaloneCommands::clusterDisabled);
    }

    static CommandSpec.Builder[] rows() {
        final String admin = "admin stale no_async_loading";
        return new CommandSpec.Builder[] {
            cmd("cluster", -2, "").subcommands(
                    cluster("addslots", -3, admin),
                    cluster("addslotsrange", -4, admin),
                    cluster("bumpepoch", 2, admin).tips("nondeterministic_output"),
                    cluster("count-failure-reports", 3, "admin stale").tips("nondeterministic_output"),
                    cluster("countkeysinslot", 3, "stale"),
                    cluster("delslots", -3, admin),
                    cluster("delslotsrange", -4, admin),
                    cluster("failover", -2, admin),
                    cluster("flushslots", 2, admin),
                    cluster("forget", 3, admin),
                    cluster("getkeysinslot", 4, "stale").tips("nondeterministic_output"),
                    cluster("help", 2, "loading stale"),
                    cluster("info", 2, "stale").tips("nondeterministic_output"),
                    cluster("keyslot", 3, "stale"),
                    cluster("links", 2, "stale").tips("nondeterministic_output"),
                    cluster("meet", -4, admin),
                    cluster("myid", 2, "stale"),
                    cluster("nodes", 2, "stale").tips("nondeterministic_output"),
                    cluster("replicas", 3, "admin stale").tips("nondeterministic_output"),
                    cluster("replicate", 3, admin),
                    cluster("reset", -2, "admin noscript stale"),
                    cluster("saveconfig", 2, admin),
                    cluster("set-config-epoch", 3, admin),
                    cluster("setslot", -4, admin),
                    cluster("shards", 2, "stale").tips("nondeterministic_output"),
                    cluster("slaves", 3, "admin stale").tips("nondeterministic_output"),
                    cluster("slots", 2, "stale").tips("nondeterministic_output")),
            cmd("asking", 1, "fast").acl("@connection").local(StandaloneCommands::clusterDisabled),
            cmd("readonly", 1, "loading stale fast").acl("@connection").local(StandaloneCommands::clusterDisabled),
            cmd("readwrite", 1, "loading stale fast").acl("@connection").local(StandaloneCommands::clusterDisabled),
            cmd("module", -2, "").subcommands(
                    cmd("help", 2, "loading stale").local(StandaloneCommands::moduleHelp),
                    cmd("list", 2, "admin noscript").tips("nondeterministic_output_order")
                            .local(StandaloneCommands::moduleList),
                    cmd("load", -3, "admin noscript no_async_loading protected").local(StandaloneCommands::moduleLoad),
                    cmd("loadex", -3, "admin noscript no_async_loading protected")
                            .local(StandaloneCommands::moduleLoad),
                    cmd("unload", 3, "admin noscript no_async_loading protected")
                            .local(StandaloneCommands::moduleUnload)),
        };
    }
}
