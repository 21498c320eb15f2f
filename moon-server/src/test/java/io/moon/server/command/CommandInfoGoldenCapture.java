package io.moon.server.command;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rewrites the golden COMMAND INFO file from the real redis-server on this machine. It is not
 * part of the build (the build reads the committed file and needs no redis); run it by hand when
 * the oracle changes, and review the diff:
 *
 * <pre>
 *   ./mvnw -q -pl moon-server -am test -Dtest=CommandInfoGoldenCapture \
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dmoon.golden.regenerate=true
 * </pre>
 * Every command Redis has is captured, not only Moon's, so a command added to the table later is
 * checked without a new capture.
 */
class CommandInfoGoldenCapture {
    private static final Path TARGET = Path.of("src/test/resources" + CommandInfoLines.GOLDEN_RESOURCE);

    @Test
    @EnabledIfSystemProperty(named = "moon.golden.regenerate", matches = "true")
    void shouldCaptureCommandInfoFromRealRedis() throws Exception {
        try (RedisServer redis = RedisServer.start(); RawClient c = new RawClient(redis.port)) {
            final String info = (String) c.run("INFO", "server");
            final String version = info.lines().filter(l -> l.startsWith("redis_version:"))
                    .findFirst().orElseThrow().substring("redis_version:".length()).trim();
            final Map<String, String> lines = CommandInfoLines.fromReply(c.run("COMMAND"));
            final StringBuilder sb = new StringBuilder();
            sb.append("# COMMAND INFO of redis-server ").append(version)
                    .append(", captured by CommandInfoGoldenCapture; CommandTableTest compares the table with it.\n");
            sb.append("# One line per command, subcommands as parent|sub; see CommandInfoLines for the format.\n");
            sb.append("# oracle-version ").append(version).append('\n');
            for (final String l : lines.values()) {
                sb.append(l).append('\n');
            }
            assertTrue(Files.isDirectory(Path.of("src/test")), "run from the moon-server module directory");
            Files.createDirectories(TARGET.getParent());
            Files.writeString(TARGET, sb, StandardCharsets.UTF_8);
        }
    }
}
