package io.moon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.config.Config;
import io.moon.server.net.Transport;
import io.moon.server.testing.Harness;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log lines in Redis's layout, loglevel (also at run time), logfile, and the startup banner. */
class LoggingTest {
    private static final String LINE = "^" + ProcessHandle.current().pid()
        + ":M \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} ";
    private static final Logger LOG = Logger.getLogger("io.moon.server.LoggingTest");

    private Handler[] saved;
    private Level savedLevel;

    @BeforeEach
    void saveRoot() {
        saved = Logger.getLogger("").getHandlers();
        savedLevel = Logger.getLogger("").getLevel();
    }

    @AfterEach
    void restoreRoot() {
        final Logger root = Logger.getLogger("");
        for (final Handler h : root.getHandlers()) {
            root.removeHandler(h);
            h.close();
        }
        for (final Handler h : saved) {
            root.addHandler(h);
        }
        root.setLevel(savedLevel);
        Logging.uninstall();
    }

    @Test
    void shouldWriteRedisLinesWithTheLevelMark() {
        final java.util.logging.Formatter f = Logging.formatter(ProcessHandle.current().pid());
        for (final Object[] c : new Object[][] {{Level.FINE, '.'}, {Level.CONFIG, '-'}, {Level.INFO, '*'},
            {Level.WARNING, '#'}, {Level.SEVERE, '#'}}) {
            final String line = f.format(new LogRecord((Level) c[0], "hello {0}"));
            assertTrue(line.matches(LINE + "\\" + c[1] + " hello \\{0\\}\n"), line);
        }
        final LogRecord r = new LogRecord(Level.INFO, "ready on {0}");
        r.setParameters(new Object[] {"6379"});
        assertTrue(f.format(r).endsWith(" * ready on 6379\n"));
    }

    @Test
    void shouldShowOnlyWhatTheLoglevelAllowsAndFollowConfigSet() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.install(out, "warning");
        LOG.info("not shown");
        LOG.warning("shown");
        assertEquals(1, lines(out).size(), lines(out).toString());
        assertTrue(lines(out).getFirst().matches(LINE + "# shown"), lines(out).toString());
        try (Harness h = Harness.start()) {
            Harness.assertOk(h.run("CONFIG", "SET", "loglevel", "debug"));
            LOG.fine("debug now");
            LOG.config("verbose now");
            Harness.assertOk(h.run("CONFIG", "SET", "loglevel", "nothing"));
            LOG.severe("silenced");
            Harness.assertOk(h.run("CONFIG", "SET", "loglevel", "notice"));
            LOG.config("verbose hidden");
            LOG.info("notice shown");
        }
        // only this test's records (the harness's shutdown may log too)
        final List<String> mine = List.of(" shown", " debug now", " verbose now", " silenced", " verbose hidden",
            " notice shown", " not shown");
        final List<String> l = lines(out).stream().filter(s -> mine.stream().anyMatch(s::endsWith)).toList();
        assertEquals(4, l.size(), l.toString());
        assertTrue(l.get(1).matches(LINE + "\\. debug now"), l.get(1));
        assertTrue(l.get(2).matches(LINE + "- verbose now"), l.get(2));
        assertTrue(l.get(3).matches(LINE + "\\* notice shown"), l.get(3));
    }

    @Test
    void shouldAppendToTheLogfile(@TempDir final Path dir) throws Exception {
        final Path file = Files.writeString(dir.resolve("moon.log"), "earlier line\n");
        final Config c = new Config();
        c.set("logfile", file.toString(), true);
        c.set("loglevel", "verbose", true);
        Logging.setup(c);
        LOG.config("to the file");
        final List<String> l = Files.readAllLines(file);
        assertEquals("earlier line", l.getFirst());
        assertTrue(l.get(1).matches(LINE + "- to the file"), l.toString());
        final Config bad = new Config();
        bad.set("logfile", dir.resolve("no/such/dir/moon.log").toString(), true);
        assertThrows(java.io.IOException.class, () -> Logging.setup(bad));
    }

    @Test
    void shouldAnnounceVersionPidPortShardsDriverJvmAndCollector() throws Exception {
        final Config c = new Config();
        c.set("port", "7123", true);
        c.set("shards", "2", true);
        final List<String> lines = Banner.starting(c, Transport.NIO);
        final String all = String.join("\n", lines);
        assertTrue(lines.getFirst().contains("Moon is starting"), all);
        assertTrue(all.contains("Moon version=" + Version.MOON + ", redis-compat=" + Version.REDIS_COMPAT), all);
        assertTrue(all.contains("pid=" + ProcessHandle.current().pid() + ","), all);
        assertTrue(all.contains("No config file specified"), all);
        assertTrue(all.contains("JVM " + Runtime.version() + " ("), all);
        assertTrue(all.contains("garbage collector " + Banner.collector() + ","), all);
        assertTrue(List.of("G1", "ZGC", "Parallel", "Serial", "Shenandoah", "Epsilon").contains(Banner.collector()),
            Banner.collector());
        assertTrue(all.contains("Running mode=standalone, port=7123, shards=2, io driver=" + Transport.NIO.label() + "."),
            all);
        c.file(Path.of("/etc/moon.conf"));
        assertTrue(String.join("\n", Banner.starting(c, Transport.NIO)).contains("Configuration loaded from /etc/moon.conf"));
    }

    private static List<String> lines(final ByteArrayOutputStream out) {
        final String s = out.toString(StandardCharsets.UTF_8);
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }
}
