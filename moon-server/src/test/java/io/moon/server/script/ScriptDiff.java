package io.moon.server.script;

import io.moon.server.testing.RawClient;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs the same command on Moon and on the real redis-server and requires byte-identical replies
 * (raw RESP, so a status differs from a bulk and an integer from a double).
 */
final class ScriptDiff {
    private ScriptDiff() {
    }

    /** Bytes as text with everything outside printable ASCII escaped, for readable failures. */
    static String printable(final byte[] b) {
        return io.moon.server.testing.Resp.printable(b);
    }

    static void same(final RawClient redis, final RawClient moon, final String... cmd) throws Exception {
        final byte[] want = redis.runRaw(cmd);
        final byte[] got = moon.runRaw(cmd);
        assertEquals(printable(want), printable(got), String.join(" ", cmd));
    }

    static String[] eval(final String script, final String... rest) {
        final String[] a = new String[2 + Math.max(1, rest.length)];
        a[0] = "EVAL";
        a[1] = script;
        if (rest.length == 0) {
            a[2] = "0";
        } else {
            System.arraycopy(rest, 0, a, 2, rest.length);
        }
        return a;
    }

    static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
