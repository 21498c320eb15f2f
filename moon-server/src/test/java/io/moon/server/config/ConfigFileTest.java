package io.moon.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** redis.conf syntax: quoting, units, yes/no, multi-word directives, include, and errors with file:line. */
class ConfigFileTest {
    @TempDir
    Path dir;

    private Path write(final String name, final String text) throws Exception {
        final Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    /** Loads a file; returns the problems (the config is in the holder). */
    private static List<ConfigFile.Problem> load(final Config cfg, final Path file, final String... args) {
        final List<ConfigFile.Directive> ds = new ArrayList<>(ConfigFile.parseFile(file));
        ds.addAll(ConfigFile.parseArgs(List.of(args)));
        final List<ConfigFile.Problem> problems = new ArrayList<>();
        ConfigFile.apply(cfg, ds, problems);
        return problems;
    }

    @Test
    void shouldReadQuotedValuesWithRedisEscapes() throws Exception {
        final Path f = write("q.conf", """
                requirepass "a b\\"c\\\\d\\x41\\n"
                masterauth 'it\\'s "here"'
                masteruser plain
                  # an indented comment
                notify-keyspace-events ""
                """);
        final Config cfg = new Config();
        assertEquals(List.of(), load(cfg, f));
        assertEquals("a b\"c\\dA\n", cfg.get("requirepass"));
        assertEquals("it's \"here\"", cfg.get("masterauth"));
        assertEquals("plain", cfg.get("masteruser"));
        assertEquals("", cfg.get("notify-keyspace-events"));
    }

    @Test
    void shouldReadUnitsAndYesNoInAnyCase() throws Exception {
        final Path f = write("u.conf", """
                maxmemory 1k
                proto-max-bulk-len 100MB
                client-query-buffer-limit 1Gb
                hash-max-listpack-value 1kb
                zset-max-listpack-value 2K
                auto-aof-rewrite-min-size 1g
                APPENDONLY YES
                rdbcompression No
                MaxMemory-Policy ALLKEYS-LRU
                """);
        final Config cfg = new Config();
        assertEquals(List.of(), load(cfg, f));
        assertEquals("1000", cfg.get("maxmemory"));
        assertEquals(Long.toString(100L << 20), cfg.get("proto-max-bulk-len"));
        assertEquals(Long.toString(1L << 30), cfg.get("client-query-buffer-limit"));
        assertEquals("1024", cfg.get("hash-max-listpack-value"));
        assertEquals("2000", cfg.get("zset-max-listpack-value"));
        assertEquals("1000000000", cfg.get("auto-aof-rewrite-min-size"));
        assertEquals("yes", cfg.get("appendonly"));
        assertEquals("no", cfg.get("rdbcompression"));
        assertEquals("allkeys-lru", cfg.get("maxmemory-policy"));
    }

    @Test
    void shouldReadMultiWordDirectivesAndThenCommandLineOverrides() throws Exception {
        final Path f = write("m.conf", """
                save 900 1
                save 300 10
                client-output-buffer-limit normal 0 0 0
                client-output-buffer-limit pubsub 32mb 8mb 60
                oom-score-adj-values 0 100 900
                port 7001
                shards 2
                io-driver nio
                """);
        final Config cfg = new Config();
        assertEquals(List.of(), load(cfg, f, "--port", "7002", "--save", "60", "100"));
        assertEquals("900 1 300 10 60 100", cfg.get("save")); // Redis appends the options to the file's text
        assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
                cfg.get("client-output-buffer-limit"));
        assertEquals("0 100 900", cfg.get("oom-score-adj-values"));
        assertEquals("7002", cfg.get("port"));
        assertEquals(2, cfg.shards);
        assertEquals("nio", cfg.ioDriver);
        final Config cleared = new Config();
        assertEquals(List.of(), load(cleared, f, "--save", ""));
        assertEquals("", cleared.get("save"));
    }

    @Test
    void shouldIncludeFilesRelativeToTheIncludingFile() throws Exception {
        write("conf.d/a.conf", "include more/b.conf\nhz 20\n");
        write("conf.d/more/b.conf", "hz 30\ntimeout 5\n");
        write("conf.d/x1.conf", "maxclients 100\n");
        write("conf.d/x2.conf", "maxclients 200\n");
        final Path main = write("main.conf", """
                port 7000
                include conf.d/a.conf
                include conf.d/x*.conf
                tcp-keepalive 60
                """);
        final Config cfg = new Config();
        assertEquals(List.of(), load(cfg, main));
        assertEquals("20", cfg.get("hz")); // b.conf's 30, then a.conf's 20: read in place
        assertEquals("5", cfg.get("timeout"));
        assertEquals("200", cfg.get("maxclients")); // a glob reads its matches in name order
        assertEquals("60", cfg.get("tcp-keepalive"));
        // the same file included twice (not in a cycle) is fine
        final Path twice = write("twice.conf", "include conf.d/x1.conf\ninclude conf.d/x1.conf\n");
        assertEquals(List.of(), load(new Config(), twice));
    }

    @Test
    void shouldReportAnIncludeCycleAndAMissingIncludeAtTheirLines() throws Exception {
        final Path a = write("a.conf", "port 7000\ninclude b.conf\n");
        final Path b = write("b.conf", "hz 11\n\ninclude a.conf\ninclude nope.conf\n");
        final List<ConfigFile.Problem> problems = load(new Config(), a);
        assertEquals(2, problems.size(), problems.toString());
        assertEquals(b + ":3", problems.get(0).origin());
        assertEquals("include a.conf", problems.get(0).line());
        assertEquals("include cycle: " + a.toRealPath() + " -> " + b.toRealPath() + " -> " + a.toRealPath(),
                problems.get(0).reason());
        assertEquals(b + ":4", problems.get(1).origin());
        assertEquals("can't open config file '" + dir.resolve("nope.conf") + "': No such file or directory",
                problems.get(1).reason());
        final Path self = write("self.conf", "include self.conf\n");
        assertTrue(load(new Config(), self).getFirst().reason().startsWith("include cycle: "));
    }

    @Test
    void shouldListEveryProblemWithItsFileAndLine() throws Exception {
        final Path f = write("bad.conf", """
                # comment
                port 7000
                no-such-directive 1
                port abc
                requirepass "unbalanced
                maxmemory 1xb
                appendonly maybe
                port 1 2
                save 1
                maxmemory-policy lru
                include
                """);
        final Config cfg = new Config();
        final List<ConfigFile.Problem> problems = load(cfg, f, "--hz", "x", "--nope", "1");
        final List<String> lines = problems.stream().map(ConfigFile.Problem::oneLine).toList();
        assertEquals(List.of(
                f + ":3: 'no-such-directive 1': Bad directive or wrong number of arguments",
                f + ":4: 'port abc': argument couldn't be parsed into an integer",
                f + ":5: 'requirepass \"unbalanced': Unbalanced quotes in configuration line",
                f + ":6: 'maxmemory 1xb': argument must be a memory value",
                f + ":7: 'appendonly maybe': argument must be 'yes' or 'no'",
                f + ":8: 'port 1 2': wrong number of arguments",
                f + ":9: 'save 1': Invalid save parameters",
                f + ":10: 'maxmemory-policy lru': argument(s) must be one of the following: volatile-lru,"
                        + " volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random,"
                        + " noeviction",
                f + ":11: 'include': wrong number of arguments",
                "--hz: '--hz x': argument couldn't be parsed into an integer",
                "--nope: '--nope 1': Bad directive or wrong number of arguments"), lines);
        assertEquals("7000", cfg.get("port")); // the good lines still applied
        assertEquals("3600 1 300 100 60 10000", cfg.get("save")); // a refused save line leaves the default
    }

    @Test
    void shouldThrowTheFirstProblemFromTheStrictForms() throws Exception {
        final Path f = write("s.conf", "hz 5\nport x\nhz y\n");
        final Config cfg = new Config();
        final ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigFile.apply(cfg, ConfigFile.parseFile(f)));
        assertEquals(f + ":2", e.param());
        assertEquals("argument couldn't be parsed into an integer", e.reason());
        final List<ConfigFile.Problem> missing = load(new Config(), dir.resolve("missing.conf"));
        assertEquals("can't open config file '" + dir.resolve("missing.conf") + "': No such file or directory",
                missing.getFirst().oneLine());
        assertNull(missing.getFirst().line().isEmpty() ? null : "a line");
    }

    @Test
    void shouldLoadTheStockRedisConf() {
        final Path stock = Path.of("/etc/redis/redis.conf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(stock), "no stock redis.conf here");
        final List<ConfigFile.Problem> problems = new ArrayList<>();
        ConfigFile.apply(new Config(), ConfigFile.parseFile(stock), problems);
        // dir and logfile point into the packaged server's folders, which may not exist on a build machine
        assertEquals(List.of(), problems.stream().filter(p -> !p.param().equals("dir")).toList());
    }
}
