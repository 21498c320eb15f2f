package io.moon.server.pubsub;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pub/Sub with Jedis (RESP2) and Lettuce (RESP3 pushes), channels and patterns, over 4 shards. */
class PubSubClientsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(4);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void shouldDeliverToJedisSubscribers() throws Exception {
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        final CountDownLatch ready = new CountDownLatch(2);
        final JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(final String channel, final String message) {
                got.add("message " + channel + " " + message);
            }

            @Override
            public void onPMessage(final String pattern, final String channel, final String message) {
                got.add("pmessage " + pattern + " " + channel + " " + message);
            }

            @Override
            public void onSubscribe(final String channel, final int count) {
                ready.countDown();
            }

            @Override
            public void onPSubscribe(final String pattern, final int count) {
                ready.countDown();
            }
        };
        final Thread t = new Thread(() -> {
            try (Jedis sub = new Jedis("127.0.0.1", server.port)) {
                sub.subscribe(listener, "orders");
            }
        });
        t.start();
        try (Jedis pub = new Jedis("127.0.0.1", server.port)) {
            for (int i = 0; i < 500 && listener.getSubscribedChannels() == 0; i++) {
                Thread.sleep(10);
            }
            listener.psubscribe("ord*");
            assertTrue(ready.await(10, TimeUnit.SECONDS));
            assertEquals(2, pub.publish("orders", "1"));
            assertEquals("message orders 1", got.poll(10, TimeUnit.SECONDS));
            assertEquals("pmessage ord* orders 1", got.poll(10, TimeUnit.SECONDS));
            assertEquals(List.of("orders"), pub.pubsubChannels());
            assertEquals(1L, pub.pubsubNumPat());
            listener.unsubscribe();
            listener.punsubscribe();
        }
        t.join(10_000);
        assertTrue(!t.isAlive());
    }

    @Test
    void shouldPushToLettuceOverResp3() throws Exception {
        final RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port)
                .withTimeout(Duration.ofSeconds(10)).build());
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
             var pub = client.connect()) {
            final BlockingQueue<String> got = new LinkedBlockingQueue<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(final String channel, final String message) {
                    got.add(channel + " " + message);
                }

                @Override
                public void message(final String pattern, final String channel, final String message) {
                    got.add(pattern + " " + channel + " " + message);
                }
            });
            sub.sync().subscribe("events");
            sub.sync().psubscribe("ev*");
            // RESP3: ordinary commands still work on the subscribed connection
            assertEquals("PONG", sub.sync().ping());
            for (int i = 0; i < 100; i++) {
                assertEquals(2L, pub.sync().publish("events", Integer.toString(i)));
            }
            for (int i = 0; i < 100; i++) {
                assertEquals("events " + i, got.poll(10, TimeUnit.SECONDS));
                assertEquals("ev* events " + i, got.poll(10, TimeUnit.SECONDS));
            }
            sub.sync().unsubscribe("events");
            sub.sync().punsubscribe("ev*");
            assertEquals(0L, pub.sync().publish("events", "x"));
        } finally {
            client.shutdown();
        }
    }
}
