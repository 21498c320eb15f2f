package io.moon.server.observe;

import io.moon.server.testing.Harness;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * INFO's field names against the golden list (redis-server 7.0's INFO everything and Redis 7.2's
 * documented additions), so redis_exporter, Datadog and RedisInsight find every field they read.
 * Moon's own fields carry a moon_, jvm_ or java_ prefix (or keyspace_bytes) and are the only extras.
 */
class InfoFieldsTest {
    private static final Pattern MOON_OWN = Pattern.compile("^(moon_|jvm_|java_).*|^keyspace_bytes$");

    static Set<String> golden() throws IOException {
        try (InputStream in = InfoFieldsTest.class.getResourceAsStream("info-fields.txt")) {
            final Set<String> s = new LinkedHashSet<>();
            for (final String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    s.add(l.trim());
                }
            }
            return s;
        }
    }

    static List<String> names(final String info) {
        final List<String> out = new ArrayList<>();
        for (final String l : info.split("\r\n")) {
            if (!l.isEmpty() && !l.startsWith("#")) {
                out.add(l.substring(0, l.indexOf(':')));
            }
        }
        return out;
    }

    @Test
    void shouldPrintExactlyRedisFieldNames() throws IOException {
        try (Harness h = Harness.start()) {
            h.run("SET", "k", "v");
            h.run("GET", "k");
            h.run("INCR", "k");
            final Set<String> moon = new TreeSet<>();
            for (final String n : names((String) h.run("INFO", "everything"))) {
                if (n.startsWith("cmdstat_") || n.startsWith("errorstat_") || n.startsWith("latency_percentiles_usec_")
                        || n.matches("db\\d+") || MOON_OWN.matcher(n).matches()) {
                    continue;
                }
                moon.add(n);
            }
            final Set<String> missing = new TreeSet<>(golden());
            missing.removeAll(moon);
            final Set<String> extra = new TreeSet<>(moon);
            extra.removeAll(golden());
            assertEquals(Set.of(), missing, "fields Redis prints and Moon does not");
            assertEquals(Set.of(), extra, "fields Moon prints that Redis does not");
        }
    }

    @Test
    void shouldFormatPerCommandSectionsAsRedis() {
        try (Harness h = Harness.start()) {
            h.run("SET", "k", "v");
            h.run("GET", "k");
            h.run("GET", "k");
            h.run("INCR", "k"); // fails: not an integer
            h.run("CONFIG", "GET", "maxmemory");
            final String cs = (String) h.run("INFO", "commandstats");
            assertTrue(cs.startsWith("# Commandstats\r\n"), cs);
            assertTrue(Pattern.compile("(?m)^cmdstat_get:calls=2,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=0\r\n")
                    .matcher(cs).find(), cs);
            assertTrue(cs.contains("cmdstat_incr:calls=1,"), cs);
            assertTrue(Pattern.compile("(?m)^cmdstat_incr:.*,failed_calls=1\r\n").matcher(cs).find(), cs);
            assertTrue(cs.contains("cmdstat_config|get:calls=1,"), cs);
            final String ls = (String) h.run("INFO", "latencystats");
            assertTrue(Pattern.compile("(?m)^latency_percentiles_usec_get:p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}\r\n")
                    .matcher(ls).find(), ls);
            assertTrue(ls.contains("latency_percentiles_usec_config|get:p50="), ls);
            final String es = (String) h.run("INFO", "errorstats");
            assertTrue(es.contains("errorstat_ERR:count=1\r\n"), es);
            assertEquals("", h.run("INFO", "nosuchsection"));
            final String two = (String) h.run("INFO", "commandstats", "cpu");
            assertTrue(two.startsWith("# CPU\r\n") && two.contains("\r\n\r\n# Commandstats\r\n"), two);
            h.run("CONFIG", "RESETSTAT");
            final String after = (String) h.run("INFO", "commandstats");
            assertTrue(!after.contains("cmdstat_get:"), after);
        }
    }
}
