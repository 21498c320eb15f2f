package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.server.Ctx;

/**
 * What a standalone server answers to the Redis Cluster and module commands: every CLUSTER
 * subcommand, ASKING, READONLY and READWRITE say that cluster support is disabled (as a Redis
 * started without cluster-enabled does, so cluster-aware tools can tell), and MODULE lists no
 * module and loads none (Moon does not run Redis's C modules).
 */
public final class StandaloneCommands {
    private static final byte[] CLUSTER_DISABLED = Reply.err("ERR This instance has cluster support disabled");
    private static final byte[] LOAD_FAILED = Reply.err("ERR Error loading the extension. Please check the server logs.");
    private static final byte[] NO_SUCH_MODULE = Reply.err("ERR Error unloading module: no such module with that name");

    private StandaloneCommands() {
    }

    // CLUSTER <any subcommand>, ASKING, READONLY, READWRITE
    public static void clusterDisabled(final Ctx c) {
        c.out.raw(CLUSTER_DISABLED);
    }

    // MODULE LIST
    public static void moduleList(final Ctx c) {
        c.out.raw(Reply.EMPTY_ARRAY);
    }

    // MODULE LOAD path [arg ...], MODULE LOADEX path [CONFIG name value ...] [ARGS arg ...]
    public static void moduleLoad(final Ctx c) {
        c.out.raw(LOAD_FAILED); // no shared library is ever loaded: Moon has no module API
    }

    // MODULE UNLOAD name
    public static void moduleUnload(final Ctx c) {
        c.out.raw(NO_SUCH_MODULE);
    }

    // MODULE HELP
    public static void moduleHelp(final Ctx c) {
        Help.reply(c.out, "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "LIST", "    Reply with the loaded modules (Moon loads none: an empty list).",
                "LOAD <path> [<arg> ...]", "    Load a module from a shared library (refused: Moon has no module API).",
                "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
                "    Load a module with configurations and arguments (refused as LOAD).",
                "UNLOAD <name>", "    Unload a module.");
    }
}
