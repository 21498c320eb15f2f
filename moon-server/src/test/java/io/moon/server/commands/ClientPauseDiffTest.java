package io.moon.server.commands;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.Oracle;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;


/**
 * CLIENT PAUSE against redis-server: the dataset stays static while it lasts (expired keys read
 * as missing but stay counted until it ends; nothing is evicted, so nothing is refused for
 * memory: writes wait instead), and the refusals Redis makes before holding a command back (RESP2
 * subscribed mode, a MONITOR client) answer at once.
 */
class ClientPauseDiffTest {
    private static String text(final byte[] raw) {
        return raw == null ? "none" : new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", " ");
    }

    /** Sends a command under the pause: what answers at once, or "held" and what answers after UNPAUSE. */
    private static String held(final RawClient admin, final RawClient c, final String... cmd) throws Exception {
        c.send(Resp.command(cmd));
        final byte[] now = c.readRawWithin(300);
        if (now != null) {
            return String.join(" ", cmd) + " at once: " + text(now);
        }
        admin.run("CLIENT", "UNPAUSE");
        return String.join(" ", cmd) + " held, then: " + text(c.readRaw());
    }

    private static List<String> run(final int port) throws Exception {
        final List<String> out = new ArrayList<>();
        try (RawClient admin = new RawClient(port); RawClient c = new RawClient(port)) {
            // keys expiring during a pause: missing to readers, deleted only after it
            for (final String mode : List.of("WRITE", "ALL")) {
                admin.run("FLUSHALL");
                admin.run("SET", "keep", "v");
                for (int i = 0; i < 6; i++) {
                    admin.run("SET", "e" + i, "v", "PX", "150");
                }
                admin.run("CLIENT", "PAUSE", "3000", mode);
                Thread.sleep(400);
                if (mode.equals("WRITE")) {
                    out.add("dbsize " + c.run("DBSIZE"));
                    out.add("get " + c.run("GET", "e0"));
                    out.add("exists " + c.run("EXISTS", "e1", "e2", "keep"));
                    out.add("ttl " + c.run("TTL", "e3"));
                    out.add("dbsize " + c.run("DBSIZE"));
                } else {
                    // (not DBSIZE: whether the held one runs before the expiry cycle after the
                    // pause differs between 7.0 and 7.2, whose beforeSleep serves it first)
                    out.add(held(admin, c, "EXISTS", "e5", "keep"));
                }
                admin.run("CLIENT", "UNPAUSE");
                final long deadline = System.currentTimeMillis() + 3000;
                Object size = admin.run("DBSIZE");
                while (!size.equals(1L) && System.currentTimeMillis() < deadline) {
                    c.run("GET", "e4"); // lazy expiry, besides the active cycle
                    Thread.sleep(20);
                    size = admin.run("DBSIZE");
                }
                out.add("after " + mode + " dbsize " + size);
            }
            // over maxmemory during a pause: nothing is evicted nor refused, the write waits
            admin.run("FLUSHALL");
            admin.run("SET", "big", "x".repeat(1000));
            admin.run("CLIENT", "PAUSE", "3000", "WRITE");
            admin.run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            admin.run("CONFIG", "SET", "maxmemory", "1");
            out.add("read " + text(c.runRaw("EXISTS", "big")));
            admin.run("CONFIG", "SET", "maxmemory-policy", "noeviction");
            out.add(held(admin, c, "SET", "k", "v"));
            admin.run("CONFIG", "SET", "maxmemory", "0");
            // refusals made before a command is held back
            try (RawClient sub = new RawClient(port); RawClient mon = new RawClient(port)) {
                sub.run("SUBSCRIBE", "ch");
                mon.run("MONITOR");
                admin.run("CLIENT", "PAUSE", "3000", "WRITE");
                out.add(held(admin, sub, "SET", "k", "v"));
                admin.run("CLIENT", "PAUSE", "3000", "WRITE");
                out.add(held(admin, mon, "SET", "k", "v"));
                admin.run("CLIENT", "UNPAUSE");
            }
        }
        return out;
    }

    @Test
    void shouldKeepTheDatasetStaticAndRefuseAsRedisDoes() throws Exception {
        Oracle.assertSameAsRedis(ClientPauseDiffTest::run);
    }
}
