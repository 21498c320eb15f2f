package io.moon.server.tracking;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import io.moon.server.testing.ShardKeys;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lettuce's client-side caching (ClientSideCaching over RESP3 pushes) against Moon with 3 shards:
 * values are served from the local cache until another client changes them on any shard, then
 * fetched again. (Jedis's cache needs a server announcing Redis 7.4 or later, so it is not used.)
 */
@Tag("sockets")
class TrackingClientsTest {
    @Test
    void shouldKeepLettucesCacheCoherentAcrossShards() throws Exception {
        try (TestServer server = TestServer.start(3)) {
            final RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1")
                    .withPort(server.port).withTimeout(Duration.ofSeconds(10)).build());
            try (StatefulRedisConnection<String, String> cached = client.connect();
                 StatefulRedisConnection<String, String> plain = client.connect()) {
                final Map<String, String> local = new ConcurrentHashMap<>();
                final CacheFrontend<String, String> frontend = ClientSideCaching.enable(CacheAccessor.forMap(local),
                        cached, TrackingArgs.Builder.enabled());
                final RedisCommands<String, String> other = plain.sync();
                final String[] keys = ShardKeys.onDistinctShards(server.server, "csc", 3);
                for (final String k : keys) {
                    other.set(k, "v1");
                    assertEquals("v1", frontend.get(k));
                    assertEquals("v1", local.get(k)); // cached
                }
                for (final String k : keys) {
                    other.set(k, "v2");
                    final long deadline = System.currentTimeMillis() + 5000;
                    while (local.containsKey(k) && System.currentTimeMillis() < deadline) {
                        Thread.sleep(5);
                    }
                    assertFalse(local.containsKey(k), "invalidated " + k);
                    assertEquals("v2", frontend.get(k));
                }
                final String tracking = String.valueOf(other.clientList());
                assertTrue(tracking.contains("flags=t "), tracking);
                frontend.close();
            } finally {
                client.shutdown();
            }
        }
    }
}
