package io.moon.server.tracking;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO against redis-server 7.0.15, byte for byte:
 * argument errors in Redis's order, mode switches, prefix overlaps, the TRACKINGINFO shape in
 * RESP2 and RESP3, and the invalidation messages of single-key writes, flushes and redirects.
 * Client ids differ between the servers, so replies show them as $ID (own) and $OTHER.
 */
class TrackingDiffTest {
    /** Each script runs on a fresh connection pair; "RESP3" switches the first with HELLO 3. */
    private static final String[][][] SCRIPTS = {
        {{"FLAGS"}, {"CLIENT", "TRACKING", "on"}, {"FLAGS"}, {"CLIENT", "TRACKING", "on", "redirect", "$OTHER"},
            {"FLAGS"}, {"CLIENT", "TRACKING", "off"}, {"CLIENT", "TRACKING", "on", "bcast"}, {"FLAGS"},
            {"CLIENT", "TRACKING", "off"}, {"FLAGS"}},
        {{"CLIENT", "TRACKING"}, {"CLIENT", "TRACKING", "foo"}, {"CLIENT", "TRACKING", "on", "foo"},
            {"CLIENT", "TRACKING", "on", "redirect"}, {"CLIENT", "TRACKING", "on", "redirect", "abc"},
            {"CLIENT", "TRACKING", "on", "redirect", "999999"}, {"CLIENT", "TRACKING", "on", "redirect", "0"},
            {"CLIENT", "TRACKING", "on", "redirect", "-1"}, {"CLIENT", "TRACKING", "on", "prefix", "a"},
            {"CLIENT", "TRACKING", "on", "bcast", "optin"}, {"CLIENT", "TRACKING", "on", "optin", "optout"},
            {"CLIENT", "TRACKING", "on", "bcast", "prefix", "ab", "prefix", "a"},
            {"CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "b", "prefix", "ab"},
            {"CLIENT", "TRACKING", "off", "bcast"}, {"CLIENT", "TRACKING", "off", "zzz"},
            {"CLIENT", "TRACKING", "ON", "REDIRECT", "$OTHER", "REDIRECT", "$OTHER"},
            {"CLIENT", "TRACKINGINFO"}, {"CLIENT", "GETREDIR"}, {"CLIENT", "CACHING", "yes"}, {"CLIENT", "CACHING"},
            {"CLIENT", "TRACKINGINFO", "x"}, {"CLIENT", "GETREDIR", "x"}},
        {{"RESP3"}, {"CLIENT", "TRACKING", "on", "bcast", "prefix", "x", "prefix", "a", "prefix", "ab"},
            {"CLIENT", "TRACKINGINFO"}, {"CLIENT", "TRACKING", "on", "bcast", "prefix", "abc"},
            {"CLIENT", "TRACKING", "on", "bcast", "prefix", "r"}, {"CLIENT", "TRACKING", "on", "bcast", "prefix", "r"},
            {"CLIENT", "TRACKING", "on", "bcast"}, {"CLIENT", "TRACKINGINFO"}, {"CLIENT", "TRACKING", "on"},
            {"CLIENT", "TRACKING", "off"}, {"CLIENT", "TRACKINGINFO"}, {"CLIENT", "GETREDIR"}},
        {{"RESP3"}, {"CLIENT", "TRACKING", "on", "redirect", "$ID"}, {"CLIENT", "TRACKINGINFO"},
            {"CLIENT", "GETREDIR"}, {"CLIENT", "TRACKING", "on", "bcast"}, {"CLIENT", "TRACKING", "on", "optin"},
            {"CLIENT", "GETREDIR"}, {"CLIENT", "TRACKING", "on", "optout"}, {"CLIENT", "CACHING", "no"},
            {"CLIENT", "CACHING", "yes"}, {"CLIENT", "CACHING", "maybe"}, {"CLIENT", "TRACKINGINFO"},
            {"GET", "k1"}, {"CLIENT", "TRACKINGINFO"}, {"CLIENT", "TRACKING", "off"},
            {"CLIENT", "TRACKING", "on", "optout", "noloop"}, {"CLIENT", "CACHING", "no"}, {"CLIENT", "TRACKINGINFO"}},
        {{"CLIENT", "TRACKING", "on", "bcast", "noloop", "prefix", "p", "prefix", "q"}, {"CLIENT", "TRACKINGINFO"},
            {"CLIENT", "GETREDIR"}, {"CLIENT", "TRACKING", "on", "redirect", "$OTHER", "bcast", "prefix", "t"},
            {"CLIENT", "TRACKINGINFO"}, {"CLIENT", "GETREDIR"}},
        // invalidation messages: the second connection writes
        {{"RESP3"}, {"CLIENT", "TRACKING", "on"}, {"GET", "m1"}, {"OTHER", "SET", "m1", "1"}, {"GET", "m1"},
            {"SET", "m1", "2"}, {"GET", "m1"}, {"OTHER", "FLUSHALL"}, {"GET", "m2"}, {"FLUSHDB"},
            {"MGET", "m3", "m4"}, {"OTHER", "DEL", "m3", "m4"}, {"OTHER", "SET", "m4", "1"}},
        {{"RESP3"}, {"CLIENT", "TRACKING", "on", "optin"}, {"GET", "n1"}, {"OTHER", "SET", "n1", "1"},
            {"CLIENT", "CACHING", "yes"}, {"CLIENT", "ID"}, {"GET", "n1"}, {"OTHER", "SET", "n1", "2"},
            {"CLIENT", "CACHING", "yes"}, {"PING"}, {"GET", "n1"}, {"OTHER", "SET", "n1", "3"}},
        {{"RESP3"}, {"CLIENT", "TRACKING", "on", "bcast", "prefix", "b:"}, {"OTHER", "SET", "b:1", "1"},
            {"OTHER", "SET", "c:1", "1"}, {"SET", "b:2", "1"}, {"OTHER", "DEL", "b:none"}},
        // RESP2 redirect: the second connection subscribes to __redis__:invalidate
        {{"OTHER", "SUBSCRIBE", "__redis__:invalidate"}, {"CLIENT", "TRACKING", "on", "redirect", "$OTHER"},
            {"GET", "r1"}, {"SET", "r1", "1"}, {"GET", "r1"}, {"FLUSHALL"}, {"CLIENT", "TRACKINGINFO"}},
    };

    @Test
    void shouldAnswerAsRedisDoes() throws Exception {
        final List<String> redis;
        try (RedisServer r = RedisServer.start()) {
            redis = runAll(r.port);
        }
        final List<String> moon;
        try (TestServer m = TestServer.start(3)) {
            moon = runAll(m.port);
        }
        assertEquals(String.join("\n", redis), String.join("\n", moon));
    }

    private static List<String> runAll(final int port) throws Exception {
        final List<String> out = new ArrayList<>();
        for (final String[][] script : SCRIPTS) {
            try (RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
                final String ida = String.valueOf(a.run("CLIENT", "ID"));
                final String idb = String.valueOf(b.run("CLIENT", "ID"));
                // the second connection hears of something only when it is a redirect target
                final boolean watchesB = java.util.Arrays.deepToString(script).contains("$OTHER");
                for (final String[] cmd : script) {
                    if (cmd[0].equals("RESP3")) {
                        a.run("HELLO", "3");
                        continue;
                    }
                    if (cmd[0].equals("FLAGS")) { // CLIENT INFO's flags and redir fields only
                        final String line = String.valueOf(a.run("CLIENT", "INFO")).trim();
                        final StringBuilder f = new StringBuilder("FLAGS ->");
                        for (final String kv : line.split(" ")) {
                            if (kv.startsWith("flags=") || kv.startsWith("redir=")) {
                                f.append(' ').append(kv.replace("=" + ida, "=$ID").replace("=" + idb, "=$OTHER"));
                            }
                        }
                        out.add(f.toString());
                        continue;
                    }
                    final boolean other = cmd[0].equals("OTHER");
                    final String[] args = java.util.Arrays.copyOfRange(cmd, other ? 1 : 0, cmd.length);
                    for (int i = 0; i < args.length; i++) {
                        args[i] = args[i].replace("$OTHER", idb).replace("$ID", ida);
                    }
                    final RawClient c = other ? b : a;
                    c.send(io.moon.server.testing.Resp.command(args));
                    final StringBuilder got = new StringBuilder(String.join(" ", cmd)).append(" -> ");
                    got.append(text(c.readRaw(), ida, idb));
                    // whatever else arrives (replies that follow an error, pushes, messages) on either side
                    for (final RawClient x : watchesB ? new RawClient[] {a, b} : new RawClient[] {a}) {
                        byte[] more;
                        while ((more = x.readRawWithin(40)) != null) {
                            got.append(x == a ? " | a: " : " | b: ").append(text(more, ida, idb));
                        }
                    }
                    out.add(got.toString());
                }
            }
        }
        return out;
    }

    private static String text(final byte[] b, final String ida, final String idb) {
        return new String(b, StandardCharsets.ISO_8859_1).replace(":" + ida + "\r\n", ":$ID\r\n")
                .replace(":" + idb + "\r\n", ":$OTHER\r\n").replace("\r\n", "\\r\\n");
    }
}
