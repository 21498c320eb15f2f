package io.moon.server.admin;

import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics parsed strictly: names, types and labels as redis_exporter's, values in step with INFO. */
class MetricsTest {
    /** Every metric the endpoint promises, with its Prometheus type and label names. */
    private static final Object[][] EXPECTED = {
        {"redis_up", "gauge", Set.of()},
        {"redis_instance_info", "gauge", Set.of("redis_version", "redis_mode", "role", "run_id", "tcp_port",
                "process_id", "moon_version")},
        {"redis_pubsub_channels", "gauge", Set.of()},
        {"redis_number_of_cached_scripts", "gauge", Set.of()},
        {"redis_uptime_in_seconds", "gauge", Set.of()},
        {"redis_start_time_seconds", "gauge", Set.of()},
        {"redis_connected_clients", "gauge", Set.of()},
        {"redis_blocked_clients", "gauge", Set.of()},
        {"redis_config_maxclients", "gauge", Set.of()},
        {"redis_commands_processed_total", "counter", Set.of()},
        {"redis_connections_received_total", "counter", Set.of()},
        {"redis_rejected_connections_total", "counter", Set.of()},
        {"redis_net_input_bytes_total", "counter", Set.of()},
        {"redis_net_output_bytes_total", "counter", Set.of()},
        {"redis_keyspace_hits_total", "counter", Set.of()},
        {"redis_keyspace_misses_total", "counter", Set.of()},
        {"redis_expired_keys_total", "counter", Set.of()},
        {"redis_evicted_keys_total", "counter", Set.of()},
        {"redis_memory_used_bytes", "gauge", Set.of()},
        {"redis_memory_max_bytes", "gauge", Set.of()},
        {"redis_rdb_last_save_timestamp_seconds", "gauge", Set.of()},
        {"redis_rdb_last_bgsave_status", "gauge", Set.of()},
        {"redis_rdb_changes_since_last_save", "gauge", Set.of()},
        {"redis_commands_total", "counter", Set.of("cmd")},
        {"redis_commands_duration_seconds_total", "counter", Set.of("cmd")},
        {"redis_commands_failed_calls_total", "counter", Set.of("cmd")},
        {"redis_commands_rejected_calls_total", "counter", Set.of("cmd")},
        {"redis_db_keys", "gauge", Set.of("db")},
        {"redis_db_keys_expiring", "gauge", Set.of("db")},
        {"redis_errors_total", "counter", Set.of("err")},
        {"redis_latency_percentiles_usec", "summary", Set.of("cmd", "quantile")},
        {"moon_shards", "gauge", Set.of()},
        {"moon_ready", "gauge", Set.of()},
        {"moon_shard_keys", "gauge", Set.of("shard")},
        {"moon_shard_keyspace_bytes", "gauge", Set.of("shard")},
        {"moon_shard_connected_clients", "gauge", Set.of("shard")},
        {"moon_event_loop_lag_seconds", "gauge", Set.of("shard")},
        {"moon_event_loop_pending_tasks", "gauge", Set.of("shard")},
        {"moon_shard_commands_processed_total", "counter", Set.of("shard")},
        {"moon_remote_calls_total", "counter", Set.of("shard")},
        {"moon_cross_shard_ops_total", "counter", Set.of("shard")},
        {"moon_pipeline_batches_total", "counter", Set.of("shard")},
        {"moon_pipeline_batch_commands_total", "counter", Set.of("shard")},
    };

    private static Map<String, String> info(final Jedis j) {
        final Map<String, String> m = new HashMap<>();
        for (final String line : j.info("everything").split("\r\n")) {
            final int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, c), line.substring(c + 1));
            }
        }
        return m;
    }

    /** "calls=3,usec=12,..." -> the value of {@code key}. */
    private static long sub(final String fields, final String key) {
        for (final String kv : fields.split(",")) {
            if (kv.startsWith(key + "=")) {
                return Long.parseLong(kv.substring(key.length() + 1));
            }
        }
        throw new AssertionError(key + " in " + fields);
    }

    @Test
    void shouldExposeRedisExporterNamesTypesAndLabelsInStepWithInfo() throws Exception {
        final int shards = 3;
        try (TestServer t = TestServer.start(shards, "maxmemory", "64mb");
             Jedis j = new Jedis("127.0.0.1", t.port)) {
            final int port = AdminServer.start(t.server, "127.0.0.1", 0).port();
            final int n = 50;
            for (int i = 0; i < n; i++) {
                j.set("k" + i, "v" + i);
            }
            for (int i = 0; i < 7; i++) {
                j.get("k" + i); // hits
            }
            for (int i = 0; i < 4; i++) {
                j.get("missing" + i); // misses
            }
            j.select(2);
            j.setex("ttl-a", 3600, "x");
            j.setex("ttl-b", 3600, "x");
            j.set("plain", "x");
            for (int i = 0; i < 3; i++) {
                assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> j.incr("plain"));
            }
            assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> j.lpush("plain", "x"));
            j.select(0);
            final Map<String, String> info = info(j);
            final Map<String, PromText.Family> m = PromText.parse(Http.get(port, "/metrics").body());

            for (final Object[] e : EXPECTED) {
                final String name = (String) e[0];
                final PromText.Family f = m.get(name);
                assertTrue(f != null, "missing " + name);
                assertEquals(e[1], f.type, name);
                assertTrue(f.help != null && !f.help.isEmpty(), "HELP of " + name);
                assertTrue(!f.samples.isEmpty(), "samples of " + name);
                for (final PromText.Sample s : f.samples) {
                    final Set<String> labels = new java.util.HashSet<>((Set<?>) e[2]).stream().map(String::valueOf)
                            .collect(java.util.stream.Collectors.toSet());
                    if (!s.name().equals(name)) {
                        labels.remove("quantile"); // a summary's _sum and _count
                    }
                    assertEquals(labels, s.labels().keySet(), "labels of " + s.name());
                }
            }
            // one series per shard, labelled 0..n-1
            final Set<String> shardLabels = new TreeSet<>();
            m.get("moon_event_loop_lag_seconds").samples.forEach(s -> shardLabels.add(s.labels().get("shard")));
            assertEquals(Set.of("0", "1", "2"), shardLabels);

            // values track INFO (INFO itself counts as a command once it has run)
            assertEquals(Long.parseLong(info.get("total_commands_processed")) + 1,
                    (long) m.get("redis_commands_processed_total").value());
            assertEquals(Long.parseLong(info.get("keyspace_hits")), (long) m.get("redis_keyspace_hits_total").value());
            assertEquals(7, (long) m.get("redis_keyspace_hits_total").value());
            assertEquals(Long.parseLong(info.get("keyspace_misses")),
                    (long) m.get("redis_keyspace_misses_total").value());
            assertEquals(Long.parseLong(info.get("total_connections_received")),
                    (long) m.get("redis_connections_received_total").value());
            assertEquals(Long.parseLong(info.get("total_net_input_bytes")),
                    (long) m.get("redis_net_input_bytes_total").value(), "no input since INFO");
            assertTrue(m.get("redis_net_output_bytes_total").value() > Long.parseLong(info.get("total_net_output_bytes")),
                    "INFO's own reply went out after it counted");
            assertEquals(Long.parseLong(info.get("connected_clients")), (long) m.get("redis_connected_clients").value());
            assertEquals(1, (long) m.get("redis_connected_clients").value());
            assertEquals(64L << 20, (long) m.get("redis_memory_max_bytes").value());
            assertEquals(Long.parseLong(info.get("maxmemory")), (long) m.get("redis_memory_max_bytes").value());
            assertTrue(m.get("redis_memory_used_bytes").value() > 0);
            assertEquals(Long.parseLong(info.get("rdb_last_save_time")),
                    (long) m.get("redis_rdb_last_save_timestamp_seconds").value());
            assertEquals(shards, (long) m.get("moon_shards").value());
            assertEquals(1, (long) m.get("redis_up").value());
            final PromText.Sample id = m.get("redis_instance_info").samples.get(0);
            assertEquals(info.get("redis_version"), id.labels().get("redis_version"));
            assertEquals(info.get("run_id"), id.labels().get("run_id"));
            assertEquals(info.get("role"), id.labels().get("role"));

            assertEquals(n + 1, (long) m.get("redis_commands_total").value("cmd", "set"));
            assertEquals(sub(info.get("cmdstat_set"), "calls"), (long) m.get("redis_commands_total").value("cmd", "set"));
            assertEquals(11, (long) m.get("redis_commands_total").value("cmd", "get"));
            assertEquals(3, (long) m.get("redis_commands_failed_calls_total").value("cmd", "incr"));
            assertEquals(sub(info.get("cmdstat_incr"), "failed_calls"),
                    (long) m.get("redis_commands_failed_calls_total").value("cmd", "incr"));
            final double seconds = m.get("redis_commands_duration_seconds_total").value("cmd", "set");
            final long usec = sub(info.get("cmdstat_set"), "usec");
            assertTrue(seconds * 1e6 >= usec && seconds * 1e6 < usec + 1, seconds + " s against usec=" + usec);

            // latency percentiles: INFO latencystats's numbers, as a summary
            final String[] ls = info.get("latency_percentiles_usec_set").split(",");
            final PromText.Family lat = m.get("redis_latency_percentiles_usec");
            assertEquals(Double.parseDouble(ls[0].substring("p50=".length())), lat.value("cmd", "set", "quantile", "0.5"),
                    0.0011);
            assertEquals(Double.parseDouble(ls[2].substring("p99.9=".length())),
                    lat.value("cmd", "set", "quantile", "0.999"), 0.0011);
            double count = -1;
            for (final PromText.Sample s : lat.samples) {
                if (s.name().equals("redis_latency_percentiles_usec_count") && "set".equals(s.labels().get("cmd"))) {
                    count = s.value();
                }
            }
            assertEquals(n + 1, (long) count);

            assertEquals(n, (long) m.get("redis_db_keys").value("db", "db0"));
            assertEquals(3, (long) m.get("redis_db_keys").value("db", "db2"));
            assertEquals(0, (long) m.get("redis_db_keys_expiring").value("db", "db0"));
            assertEquals(2, (long) m.get("redis_db_keys_expiring").value("db", "db2"));
            assertEquals("keys=3,expires=2,avg_ttl=" + info.get("db2").split("avg_ttl=")[1], info.get("db2"));

            assertEquals(Long.parseLong(info.get("errorstat_ERR").substring("count=".length())),
                    (long) m.get("redis_errors_total").value("err", "ERR"));
            assertEquals(3, (long) m.get("redis_errors_total").value("err", "ERR"));
            assertEquals(1, (long) m.get("redis_errors_total").value("err", "WRONGTYPE"));

            long shardKeys = 0;
            for (int s = 0; s < shards; s++) {
                shardKeys += (long) m.get("moon_shard_keys").value("shard", Integer.toString(s));
            }
            assertEquals(n + 3, shardKeys, "the shards' keys add up to the databases'");
            long shardCommands = 0;
            for (int s = 0; s < shards; s++) {
                shardCommands += (long) m.get("moon_shard_commands_processed_total").value("shard", Integer.toString(s));
            }
            assertEquals((long) m.get("redis_commands_processed_total").value(), shardCommands);

            // a second scrape after more commands moves the counters by exactly that much
            for (int i = 0; i < 10; i++) {
                j.get("k1");
            }
            final Map<String, PromText.Family> m2 = PromText.parse(Http.get(port, "/metrics").body());
            assertEquals(21, (long) m2.get("redis_commands_total").value("cmd", "get"));
            assertEquals(17, (long) m2.get("redis_keyspace_hits_total").value());
            assertEquals((long) m.get("redis_commands_processed_total").value() + 10,
                    (long) m2.get("redis_commands_processed_total").value());
        }
    }

    @Test
    void shouldRejectMalformedText() {
        final List<String> bad = List.of(
                "a 1",                                                    // no final newline
                "a{b=\"c} 1\n",                                           // unterminated label value
                "a{b=\"\\x\"} 1\n",                                       // bad escape
                "a{b=\"1\",b=\"2\"} 1\n",                                 // label twice
                "a 1\na 2\n",                                             // duplicate series
                "a one\n",                                                // bad value
                "1a 1\n",                                                 // bad name
                "# TYPE a counter\n# TYPE a gauge\na 1\n",                // second TYPE
                "a 1\n# TYPE a counter\n",                                // TYPE after samples
                "# TYPE a counter\na 1\nb 1\na{x=\"1\"} 1\n",             // family not contiguous
                "# TYPE a histogram\na 1\n",                              // a histogram sample without its suffix
                "# TYPE a flubber\n");                                    // unknown type
        for (final String text : bad) {
            assertThrows(IllegalArgumentException.class, () -> PromText.parse(text), text);
        }
        final Map<String, PromText.Family> ok = PromText.parse("# HELP a some \\\\ help\n# TYPE a summary\n"
                + "a{quantile=\"0.5\"} 1.5e3\na_sum +Inf\na_count 3 1700000000000\nb{l=\"q\\\"\\n\"} NaN\n");
        assertEquals("summary", ok.get("a").type);
        assertEquals("some \\ help", ok.get("a").help);
        assertEquals(3, ok.get("a").samples.size());
        assertEquals("q\"\n", ok.get("b").samples.get(0).labels().get("l"));
    }
}
