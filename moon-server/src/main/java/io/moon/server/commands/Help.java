package io.moon.server.commands;

import io.moon.protocol.Reply;

/** Replies to the HELP subcommands: one status line per entry, then the HELP entry itself. */
public final class Help {
    private Help() {
    }

    public static void reply(final Reply out, final String header, final String... lines) {
        out.arrayHeader(lines.length + 3);
        out.simple(header);
        for (final String l : lines) {
            out.simple(l);
        }
        out.simple("HELP");
        out.simple("    Print this help.");
    }
}
