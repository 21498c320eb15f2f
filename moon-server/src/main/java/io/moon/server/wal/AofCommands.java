package io.moon.server.wal;

import io.moon.server.Ctx;

/** BGREWRITEAOF. */
public final class AofCommands {
    private AofCommands() {
    }

    // BGREWRITEAOF
    public static void bgrewriteaof(final Ctx c) {
        final String err = c.server.aof.rewrite.request(c.inTransaction);
        if (err == null) {
            c.out.simple("Background append only file rewriting started");
        } else if (err.isEmpty()) {
            c.out.simple("Background append only file rewriting scheduled");
        } else {
            c.out.error(err);
        }
    }
}
