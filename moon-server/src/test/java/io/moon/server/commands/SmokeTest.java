package io.moon.server.commands;

import io.moon.server.testing.Harness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SmokeTest {
    @Test
    void shouldRunCommandsAcrossThreeShards() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("MSET", "a", "1", "b", "2", "c", "3", "d", "4"));
            assertEquals(List.of("1", "2", "3", "4"), h.run("MGET", "a", "b", "c", "d"));
            assertInt(4, h.run("DBSIZE"));
            assertInt(2, h.run("INCR", "a"));
            assertInt(4, h.run("DEL", "a", "b", "c", "d", "e"));
        }
    }
}
