package io.moon.server.command;

import io.moon.server.acl.AclCommands;

import static io.moon.server.command.CommandSpec.cmd;

/** Command table rows for ACL and its subcommands (see {@link CommandTable} for how to read a row). */
final class AclRows {
    private AclRows() {
    }

    static CommandSpec.Builder[] rows() {
        return new CommandSpec.Builder[] {
            cmd("acl", -2, "").subcommands(
                    cmd("cat", -2, "noscript loading stale").local(AclCommands::cat),
                    cmd("deluser", -3, "admin noscript loading stale").local(AclCommands::deluser),
                    cmd("dryrun", -4, "admin noscript loading stale").local(AclCommands::dryrun),
                    cmd("genpass", -2, "noscript loading stale").local(AclCommands::genpass),
                    cmd("getuser", 3, "admin noscript loading stale").local(AclCommands::getuser),
                    cmd("help", 2, "loading stale").local(AclCommands::help),
                    cmd("list", 2, "admin noscript loading stale").local(AclCommands::list),
                    cmd("load", 2, "admin noscript loading stale").local(AclCommands::load),
                    cmd("log", -2, "admin noscript loading stale").local(AclCommands::log),
                    cmd("save", 2, "admin noscript loading stale").local(AclCommands::save),
                    cmd("setuser", -3, "admin noscript loading stale").local(AclCommands::setuser),
                    cmd("users", 2, "admin noscript loading stale").local(AclCommands::users),
                    cmd("whoami", 2, "noscript loading stale").local(AclCommands::whoami)),
        };
    }
}
