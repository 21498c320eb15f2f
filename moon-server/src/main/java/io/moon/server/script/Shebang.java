package io.moon.server.script;

import java.nio.charset.StandardCharsets;

/**
 * Redis 7's script shebang: a first line "#!lua flags=f1,f2". A script with a shebang runs with
 * exactly the flags listed (no-writes makes it read-only); one without runs as a legacy script.
 */
final class Shebang {
    static final int HAS_SHEBANG = 1;
    static final int NO_WRITES = 2;
    static final int ALLOW_OOM = 4;
    static final int ALLOW_STALE = 8;
    static final int NO_CLUSTER = 16;
    static final int ALLOW_CROSS_SLOT = 32;

    private Shebang() {
    }

    /** A malformed shebang: the whole error reply text. */
    static final class Invalid extends RuntimeException {
        Invalid(final String reply) {
            super(reply, null, false, false);
        }
    }

    static int flags(final byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return 0;
        }
        int end = 0;
        while (end < body.length && body[end] != '\n') {
            end++;
        }
        final String line = new String(body, 2, end - 2, StandardCharsets.ISO_8859_1).trim();
        final String[] parts = line.split(" +");
        if (!parts[0].equals("lua")) {
            throw new Invalid("ERR Unexpected engine in script shebang: #!" + parts[0]);
        }
        int flags = HAS_SHEBANG;
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("flags=")) {
                throw new Invalid("ERR Unknown lua shebang option: " + parts[i]);
            }
            for (final String f : parts[i].substring(6).split(",")) {
                flags |= switch (f) {
                    case "" -> 0;
                    case "no-writes" -> NO_WRITES;
                    case "allow-oom" -> ALLOW_OOM;
                    case "allow-stale" -> ALLOW_STALE;
                    case "no-cluster" -> NO_CLUSTER;
                    case "allow-cross-slot-keys" -> ALLOW_CROSS_SLOT;
                    default -> throw new Invalid("ERR Unexpected flag in script shebang: " + f);
                };
            }
        }
        return flags;
    }

    /** The body with its shebang turned into a comment, so line numbers stay as written. */
    static byte[] strip(final byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return body;
        }
        final byte[] b = body.clone();
        b[0] = '-';
        b[1] = '-';
        return b;
    }
}
