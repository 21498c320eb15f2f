package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLIENT subcommands over several connections spread across the 3 shards. */
class ClientCommandsTest {
    private static final String SYNTAX = "ERR syntax error";

    /** Fields of a CLIENT LIST / CLIENT INFO line. */
    static Map<String, String> fields(final String line) {
        final Map<String, String> m = new HashMap<>();
        for (final String kv : line.trim().split(" ")) {
            final int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    static List<Map<String, String>> list(final Object reply) {
        final List<Map<String, String>> out = new ArrayList<>();
        for (final String line : ((String) reply).split("\n")) {
            if (!line.isEmpty()) {
                out.add(fields(line));
            }
        }
        return out;
    }

    @Test
    void shouldGiveEachConnectionItsOwnIncreasingId() {
        try (Harness h = Harness.start()) {
            final long a = (Long) h.client().run("CLIENT", "ID");
            final long b = (Long) h.client().run("CLIENT", "ID");
            final Harness.Client c = h.client();
            final long id = (Long) c.run("CLIENT", "ID");
            assertTrue(a < b && b < id);
            assertEquals(id, c.run("CLIENT", "ID"));
            assertErrorText("ERR wrong number of arguments for 'client|id' command", c.run("CLIENT", "ID", "x"));
        }
    }

    @Test
    void shouldSetAndGetNames() {
        try (Harness h = Harness.start()) {
            assertNil(h.run("CLIENT", "GETNAME"));
            assertOk(h.run("CLIENT", "SETNAME", "worker-1"));
            assertEquals("worker-1", h.run("CLIENT", "GETNAME"));
            assertOk(h.run("CLIENT", "SETNAME", ""));
            assertNil(h.run("CLIENT", "GETNAME"));
            final String bad = "ERR Client names cannot contain spaces, newlines or special characters.";
            assertErrorText(bad, h.run("CLIENT", "SETNAME", "a b"));
            assertErrorText(bad, h.run("CLIENT", "SETNAME", "a\nb"));
            assertErrorText(bad, h.run("CLIENT", "SETNAME", "caf\u00e9"));
            assertErrorText("ERR wrong number of arguments for 'client|setname' command", h.run("CLIENT", "SETNAME"));
            assertErrorText("ERR unknown subcommand 'NOPE'. Try CLIENT HELP.", h.run("CLIENT", "NOPE"));
            assertErrorText("ERR wrong number of arguments for 'client' command", h.run("CLIENT"));
        }
    }

    @Test
    void shouldListClientsOfEveryShard() {
        try (Harness h = Harness.start()) {
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                final Harness.Client c = h.client();
                assertOk(c.run("CLIENT", "SETNAME", "c" + i));
                ids.add((Long) c.run("CLIENT", "ID"));
            }
            final Harness.Client me = h.client();
            final long myId = (Long) me.run("CLIENT", "ID");
            final List<Map<String, String>> all = list(me.run("CLIENT", "LIST"));
            assertEquals(7, all.size());
            for (final Map<String, String> f : all) {
                final long id = Long.parseLong(f.get("id"));
                assertTrue(ids.contains(id) || id == myId);
                assertEquals(id == myId ? "client|list" : "client|id", f.get("cmd"));
                assertEquals("N", f.get("flags"));
                assertEquals("0", f.get("db"));
                assertEquals("default", f.get("user"));
                assertEquals("2", f.get("resp"));
            }
            assertEquals(7, list(me.run("CLIENT", "LIST", "TYPE", "normal")).size());
            assertEquals("", me.run("CLIENT", "LIST", "TYPE", "pubsub"));
            assertEquals("", me.run("CLIENT", "LIST", "TYPE", "replica"));
            // the ids in the order asked, unknown ones skipped
            final List<Map<String, String>> two = list(me.run("CLIENT", "LIST", "ID",
                    ids.get(4).toString(), "999999", ids.get(1).toString(), "0", "-1"));
            assertEquals(List.of("c4", "c1"), two.stream().map(f -> f.get("name")).toList());
            // everyone by age, as Redis lists them
            final List<Long> listed = all.stream().map(f -> Long.parseLong(f.get("id"))).toList();
            assertEquals(listed.stream().sorted().toList(), listed);
        }
    }

    @Test
    void shouldRefuseBadListArguments() {
        try (Harness h = Harness.start()) {
            assertErrorText("ERR Unknown client type 'foo'", h.run("CLIENT", "LIST", "TYPE", "foo"));
            assertErrorText("ERR Invalid client ID", h.run("CLIENT", "LIST", "ID", "1", "x"));
            assertErrorText(SYNTAX, h.run("CLIENT", "LIST", "TYPE"));
            assertErrorText(SYNTAX, h.run("CLIENT", "LIST", "ID"));
            assertErrorText(SYNTAX, h.run("CLIENT", "LIST", "FOO", "bar"));
            assertErrorText(SYNTAX, h.run("CLIENT", "LIST", "TYPE", "normal", "x"));
        }
    }

    @Test
    void shouldDescribeTheCallerWithClientInfo() {
        try (Harness h = Harness.start()) {
            final Harness.Client c = h.client();
            c.run("HELLO", "3", "SETNAME", "me");
            assertOk(c.run("SELECT", "2"));
            final Object reply = c.run("CLIENT", "INFO");
            final Resp.Verbatim v = (Resp.Verbatim) reply; // RESP3 verbatim "txt"
            assertEquals("txt", v.format());
            assertTrue(v.text().endsWith("\n"));
            final Map<String, String> f = fields(v.text());
            assertEquals(c.run("CLIENT", "ID").toString(), f.get("id"));
            assertEquals("me", f.get("name"));
            assertEquals("2", f.get("db"));
            assertEquals("3", f.get("resp"));
            assertEquals("client|info", f.get("cmd"));
            assertEquals(List.of("id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
                    "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
                    "tot-mem", "events", "cmd", "user", "redir", "resp", "lib-name", "lib-ver"),
                    java.util.Arrays.stream(v.text().trim().split(" ")).map(kv -> kv.substring(0, kv.indexOf('=')))
                            .toList());
        }
    }

    @Test
    void shouldKillClientsHomedOnOtherShardsById() {
        try (Harness h = Harness.start()) {
            final Harness.Client me = h.client();
            final List<Harness.Client> victims = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                victims.add(h.client());
            }
            for (final Harness.Client v : victims) {
                final Object id = v.run("CLIENT", "ID");
                assertInt(1, me.run("CLIENT", "KILL", "ID", id.toString()));
                assertSame(Harness.Client.CLOSED, v.read());
            }
            assertEquals(1, list(me.run("CLIENT", "LIST")).size());
            assertInt(0, me.run("CLIENT", "KILL", "ID", "999999"));
            assertEquals(new Resp.Simple("PONG"), me.run("PING"));
        }
    }

    @Test
    void shouldKillByAddressInTheOldAndNewForms() {
        try (Harness h = Harness.start()) {
            final Harness.Client me = h.client();
            final Harness.Client a = h.client();
            final Harness.Client b = h.client();
            final String addrA = fields((String) a.run("CLIENT", "INFO")).get("addr");
            final String addrB = fields((String) b.run("CLIENT", "INFO")).get("addr");
            assertOk(me.run("CLIENT", "KILL", addrA));
            assertSame(Harness.Client.CLOSED, a.read());
            assertErrorText("ERR No such client", me.run("CLIENT", "KILL", addrA));
            assertInt(1, me.run("CLIENT", "KILL", "ADDR", addrB, "SKIPME", "yes"));
            assertSame(Harness.Client.CLOSED, b.read());
            assertInt(0, me.run("CLIENT", "KILL", "ADDR", "1.2.3.4:5"));
            assertInt(0, me.run("CLIENT", "KILL", "LADDR", "1.2.3.4:5"));
        }
    }

    @Test
    void shouldKillEveryoneButTheCallerByUserOrType() {
        try (Harness h = Harness.start()) {
            final Harness.Client me = h.client();
            final List<Harness.Client> others = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                others.add(h.client());
                others.get(i).run("PING");
            }
            assertInt(0, me.run("CLIENT", "KILL", "TYPE", "pubsub"));
            assertInt(0, me.run("CLIENT", "KILL", "TYPE", "master"));
            assertInt(5, me.run("CLIENT", "KILL", "USER", "default"));
            for (final Harness.Client o : others) {
                assertSame(Harness.Client.CLOSED, o.read());
            }
            assertEquals(new Resp.Simple("PONG"), me.run("PING"));
            final Harness.Client x = h.client();
            x.run("PING");
            assertInt(1, me.run("CLIENT", "KILL", "TYPE", "normal"));
            assertSame(Harness.Client.CLOSED, x.read());
        }
    }

    /** The INFO clients field's value. */
    private static long infoClients(final Object info, final String field) {
        for (final String line : ((String) info).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " missing");
    }

    @Test
    void shouldNotCountAKilledClientRightAfterTheKill() throws Exception {
        // Redis frees the client before CLIENT KILL answers: INFO pipelined after it no longer
        // counts it (real sockets: their close completes after the kill's reply)
        try (io.moon.server.testing.TestServer s = io.moon.server.testing.TestServer.start(3);
             io.moon.server.testing.RawClient me = new io.moon.server.testing.RawClient(s.port)) {
            for (int round = 0; round < 10; round++) {
                final List<io.moon.server.testing.RawClient> others = new ArrayList<>();
                final List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    final io.moon.server.testing.RawClient o = new io.moon.server.testing.RawClient(s.port);
                    ids.add((Long) o.run("CLIENT", "ID"));
                    o.run("CLIENT", "TRACKING", "on");
                    others.add(o);
                }
                final java.io.ByteArrayOutputStream pipeline = new java.io.ByteArrayOutputStream();
                pipeline.writeBytes(Resp.command("CLIENT", "KILL", "ID", ids.get(0).toString()));
                pipeline.writeBytes(Resp.command("INFO", "clients"));
                me.send(pipeline.toByteArray());
                assertEquals(1L, me.read());
                final Object info = me.read();
                assertEquals(3, infoClients(info, "connected_clients"), (String) info);
                assertEquals(2, infoClients(info, "tracking_clients"), (String) info);
                for (final io.moon.server.testing.RawClient o : others) {
                    o.close();
                }
                for (int i = 0; i < 500 && infoClients(me.run("INFO", "clients"), "connected_clients") != 1; i++) {
                    Thread.sleep(2);
                }
            }
        }
    }

    @Test
    void shouldKillTheCallerAfterItsReplyWhenAsked() {
        try (Harness h = Harness.start()) {
            final Harness.Client me = h.client();
            final String addr = fields((String) me.run("CLIENT", "INFO")).get("addr");
            assertInt(1, me.run("CLIENT", "KILL", "ADDR", addr, "SKIPME", "no"));
            assertSame(Harness.Client.CLOSED, me.read());
            final Harness.Client old = h.client();
            final String addr2 = fields((String) old.run("CLIENT", "INFO")).get("addr");
            assertOk(old.run("CLIENT", "KILL", addr2)); // the old form may kill the caller
            assertSame(Harness.Client.CLOSED, old.read());
        }
    }

    @Test
    void shouldRefuseBadKillArguments() {
        try (Harness h = Harness.start()) {
            assertErrorText("ERR client-id should be greater than 0", h.run("CLIENT", "KILL", "ID", "0"));
            assertErrorText("ERR client-id should be greater than 0", h.run("CLIENT", "KILL", "ID", "x"));
            assertErrorText("ERR Unknown client type 'foo'", h.run("CLIENT", "KILL", "TYPE", "foo"));
            assertErrorText("ERR No such user 'nobody'", h.run("CLIENT", "KILL", "USER", "nobody"));
            assertErrorText(SYNTAX, h.run("CLIENT", "KILL", "SKIPME", "maybe"));
            assertErrorText(SYNTAX, h.run("CLIENT", "KILL", "MAXAGE", "10"));
            assertErrorText(SYNTAX, h.run("CLIENT", "KILL", "FOO", "bar"));
            assertErrorText(SYNTAX, h.run("CLIENT", "KILL", "ID", "1", "TYPE"));
            assertErrorText("ERR wrong number of arguments for 'client|kill' command", h.run("CLIENT", "KILL"));
        }
    }

    @Test
    void shouldRecordLibraryNameAndVersion() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("CLIENT", "SETINFO", "LIB-NAME", "redis-py"));
            assertOk(h.run("CLIENT", "SETINFO", "lib-ver", "5.0.1"));
            final Map<String, String> f = fields((String) h.run("CLIENT", "INFO"));
            assertEquals("redis-py", f.get("lib-name"));
            assertEquals("5.0.1", f.get("lib-ver"));
            assertOk(h.run("CLIENT", "SETINFO", "lib-ver", ""));
            assertEquals("", fields((String) h.run("CLIENT", "INFO")).get("lib-ver"));
            assertErrorText("ERR Unrecognized option 'foo'", h.run("CLIENT", "SETINFO", "foo", "x"));
            assertErrorText("ERR lib-name cannot contain spaces, newlines or special characters.",
                    h.run("CLIENT", "SETINFO", "lib-name", "a b"));
            assertErrorText("ERR LIB-VER cannot contain spaces, newlines or special characters.",
                    h.run("CLIENT", "SETINFO", "LIB-VER", "1\n2"));
            assertErrorText("ERR wrong number of arguments for 'client|setinfo' command",
                    h.run("CLIENT", "SETINFO", "lib-name"));
        }
    }

    @Test
    void shouldControlRepliesWithClientReply() throws Exception {
        try (Harness h = Harness.start()) {
            final Harness.Client c = h.client();
            c.send(Resp.command("CLIENT", "REPLY", "OFF"));
            c.send(Resp.command("SET", "a", "1"));
            c.send(Resp.command("MSET", "a", "2", "b", "2", "c", "2")); // a cross-shard reply is dropped too
            c.send(Resp.command("GET", "nope", "extra")); // and an error
            c.send(Resp.command("CLIENT", "REPLY", "SKIP")); // SKIP while OFF does nothing
            assertTrue(c.silentFor(200));
            assertOk(c.run("CLIENT", "REPLY", "ON"));
            assertEquals(List.of("2", "2", "2"), c.run("MGET", "a", "b", "c"));
            c.send(Resp.command("CLIENT", "REPLY", "SKIP"));
            c.send(Resp.command("MGET", "a", "b", "c")); // skipped
            c.send(Resp.command("GET", "a"));
            assertEquals("2", c.read());
            assertTrue(c.silentFor(100));
            assertErrorText(SYNTAX, c.run("CLIENT", "REPLY", "MAYBE"));
        }
    }

    @Test
    void shouldHoldWritesUnderPauseWriteUntilUnpause() throws Exception {
        try (Harness h = Harness.start()) {
            final Harness.Client admin = h.client();
            final Harness.Client writer = h.client();
            final Harness.Client reader = h.client();
            assertOk(writer.run("MSET", "a", "1", "b", "1", "c", "1"));
            assertOk(admin.run("CLIENT", "PAUSE", "100000", "WRITE"));
            writer.send(Resp.command("SET", "a", "2"));
            writer.send(Resp.command("GET", "a")); // behind the held write, so held too
            assertTrue(writer.silentFor(300));
            // reads pass, on every shard
            assertEquals(List.of("1", "1", "1"), reader.run("MGET", "a", "b", "c"));
            assertEquals(new Resp.Simple("PONG"), reader.run("PING"));
            assertOk(admin.run("CLIENT", "UNPAUSE"));
            assertOk(writer.read());
            assertEquals("2", writer.read());
        }
    }

    @Test
    void shouldHoldAnExecOfQueuedWritesUnderPauseWrite() throws Exception {
        try (Harness h = Harness.start()) {
            final Harness.Client admin = h.client();
            final Harness.Client tx = h.client();
            assertOk(tx.run("MULTI"));
            assertEquals(new Resp.Simple("QUEUED"), tx.run("SET", "a", "2"));
            assertOk(admin.run("CLIENT", "PAUSE", "100000", "WRITE"));
            tx.send(Resp.command("EXEC"));
            assertTrue(tx.silentFor(300), "the transaction's write must wait for the pause to end");
            assertNil(admin.run("GET", "a"));
            assertOk(admin.run("CLIENT", "UNPAUSE"));
            assertEquals(List.of(new Resp.Simple("OK")), tx.read());
            assertEquals("2", admin.run("GET", "a"));
        }
    }

    @Test
    void shouldHoldEverythingUnderPauseAllUntilItEnds() throws Exception {
        try (Harness h = Harness.start()) {
            final Harness.Client admin = h.client();
            final Harness.Client other = h.client();
            assertOk(other.run("SET", "k", "v"));
            final long start = System.nanoTime();
            assertOk(admin.run("CLIENT", "PAUSE", "400"));
            other.send(Resp.command("GET", "k"));
            assertTrue(other.silentFor(150));
            assertEquals("v", other.read()); // released when the pause ends
            assertTrue(System.nanoTime() - start >= 350_000_000L, "held until the pause ended");
            assertOk(admin.run("CLIENT", "PAUSE", "200", "WRITE"));
            assertOk(admin.run("CLIENT", "PAUSE", "100", "ALL")); // the stricter mode and the later end win
            other.send(Resp.command("GET", "k"));
            assertTrue(other.silentFor(100));
            assertEquals("v", other.read());
        }
    }

    @Test
    void shouldRefuseBadPauseArguments() {
        try (Harness h = Harness.start()) {
            assertErrorText("ERR timeout is not an integer or out of range", h.run("CLIENT", "PAUSE", "x"));
            assertErrorText("ERR timeout is negative", h.run("CLIENT", "PAUSE", "-1"));
            assertErrorText("ERR CLIENT PAUSE mode must be WRITE or ALL", h.run("CLIENT", "PAUSE", "10", "foo"));
            assertErrorText("ERR CLIENT PAUSE mode must be WRITE or ALL", h.run("CLIENT", "PAUSE", "x", "foo"));
            assertErrorText("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.",
                    h.run("CLIENT", "pause", "10", "write", "x"));
            assertErrorText("ERR wrong number of arguments for 'client|unpause' command",
                    h.run("CLIENT", "UNPAUSE", "x"));
            assertOk(h.run("CLIENT", "PAUSE", "0"));
            assertOk(h.run("SET", "k", "v"));
        }
    }

    @Test
    void shouldFlagNoEvictAndNoTouchClients() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("CLIENT", "NO-EVICT", "on"));
            assertEquals("e", fields((String) h.run("CLIENT", "INFO")).get("flags"));
            assertOk(h.run("CLIENT", "NO-TOUCH", "ON"));
            assertEquals("eT", fields((String) h.run("CLIENT", "INFO")).get("flags"));
            assertOk(h.run("CLIENT", "NO-EVICT", "off"));
            assertOk(h.run("CLIENT", "NO-TOUCH", "off"));
            assertEquals("N", fields((String) h.run("CLIENT", "INFO")).get("flags"));
            assertErrorText(SYNTAX, h.run("CLIENT", "NO-EVICT", "maybe"));
            assertErrorText(SYNTAX, h.run("CLIENT", "NO-TOUCH", "maybe"));
        }
    }

    @Test
    void shouldNotTouchKeysFromANoTouchClient() throws Exception {
        try (Harness h = Harness.start()) {
            final Harness.Client quiet = h.client();
            final Harness.Client loud = h.client();
            final String[] keys = {"a", "b", "c"}; // on the three shards
            for (final String k : keys) {
                assertOk(loud.run("SET", k, "v"));
            }
            Thread.sleep(2100);
            assertOk(quiet.run("CLIENT", "NO-TOUCH", "on"));
            for (final String k : keys) {
                assertEquals("v", quiet.run("GET", k));
                assertTrue((Long) quiet.run("OBJECT", "IDLETIME", k) >= 2, "idle time kept for " + k);
            }
            assertEquals(List.of("v", "v", "v"), quiet.run("MGET", "a", "b", "c"));
            assertTrue((Long) loud.run("OBJECT", "IDLETIME", "b") >= 2);
            // TOUCH queued in MULTI or called by a script spares them too (the command is EXEC, EVAL)
            assertOk(quiet.run("MULTI"));
            quiet.run("TOUCH", "a");
            assertEquals(List.of(1L), quiet.run("EXEC"));
            assertInt(1, quiet.run("EVAL", "return redis.call('touch', KEYS[1])", "1", "b"));
            assertTrue((Long) loud.run("OBJECT", "IDLETIME", "a") >= 2);
            assertTrue((Long) loud.run("OBJECT", "IDLETIME", "b") >= 2);
            // but TOUCH sent by the client touches, as Redis 7.2 (on every shard, and on one)
            assertInt(2, quiet.run("TOUCH", "a", "b"));
            assertInt(1, quiet.run("TOUCH", "c"));
            for (final String k : keys) {
                assertInt(0, loud.run("OBJECT", "IDLETIME", k));
            }
            Thread.sleep(1100);
            for (final String k : keys) {
                assertEquals("v", loud.run("GET", k));
                assertInt(0, loud.run("OBJECT", "IDLETIME", k));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPrintHelp() {
        try (Harness h = Harness.start()) {
            final List<Object> help = (List<Object>) h.run("CLIENT", "HELP");
            assertEquals(new Resp.Simple("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
                    help.get(0));
            assertEquals(new Resp.Simple("HELP"), help.get(help.size() - 2));
            assertEquals(new Resp.Simple("    Print this help."), help.get(help.size() - 1));
            assertTrue(help.contains(new Resp.Simple("KILL <ip:port>")));
            assertFalse(help.contains(new Resp.Simple("TRACKINGINFO")));
            assertErrorText("ERR wrong number of arguments for 'client|help' command", h.run("CLIENT", "HELP", "x"));
        }
    }
}
