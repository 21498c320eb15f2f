package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET; error texts as Redis 7.2 writes them. */
class ConnectionCommandsTest {
    private static final String NOAUTH = "NOAUTH Authentication required.";
    private static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    private static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated,"
            + " otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and"
            + " select the RESP protocol version at the same time";

    @Test
    void shouldAnswerPingWithPongOrTheMessage() {
        try (Harness h = Harness.start()) {
            assertEquals(new Resp.Simple("PONG"), h.run("PING"));
            assertEquals("hello world", h.run("PING", "hello world"));
            assertErrorText("ERR wrong number of arguments for 'ping' command", h.run("PING", "a", "b"));
        }
    }

    @Test
    void shouldEchoItsArgumentBytes() {
        try (Harness h = Harness.start()) {
            assertEquals("x\u0000\u00ffy", h.run("ECHO", "x\u0000\u00ffy"));
            assertEquals("", h.run("ECHO", ""));
            assertErrorText("ERR wrong number of arguments for 'echo' command", h.run("ECHO"));
            assertErrorText("ERR wrong number of arguments for 'echo' command", h.run("ECHO", "a", "b"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldSwitchProtocolWithHello() {
        try (Harness h = Harness.start()) {
            final Harness.Client c = h.client();
            final long id = (Long) c.run("CLIENT", "ID");
            final List<Object> v2 = (List<Object>) c.run("HELLO");
            assertEquals(List.of("server", "redis", "version", "7.2.4", "proto", 2L, "id", id, "mode", "standalone",
                    "role", "master", "modules", List.of()), v2);
            final Map<Object, Object> v3 = (Map<Object, Object>) c.run("HELLO", "3");
            assertEquals(3L, v3.get("proto"));
            assertEquals(id, v3.get("id"));
            assertEquals(7, v3.size());
            // RESP3 replies from now on: a map for CONFIG GET, a null as "_"
            assertInstanceOf(Map.class, c.run("CONFIG", "GET", "databases"));
            assertNil(c.run("GET", "missing"));
            assertInstanceOf(List.class, c.run("HELLO", "2"));
            assertInstanceOf(List.class, c.run("CONFIG", "GET", "databases"));
        }
    }

    @Test
    void shouldRefuseBadHelloArguments() {
        try (Harness h = Harness.start()) {
            assertErrorText("NOPROTO unsupported protocol version", h.run("HELLO", "1"));
            assertErrorText("NOPROTO unsupported protocol version", h.run("HELLO", "4"));
            assertErrorText("ERR Protocol version is not an integer or out of range", h.run("HELLO", "x"));
            assertErrorText("ERR Syntax error in HELLO option 'FOO'", h.run("HELLO", "3", "FOO"));
            assertErrorText("ERR Syntax error in HELLO option 'AUTH'", h.run("HELLO", "3", "AUTH", "default"));
            assertErrorText("ERR Syntax error in HELLO option 'SETNAME'", h.run("HELLO", "3", "SETNAME"));
            assertErrorText("ERR Client names cannot contain spaces, newlines or special characters.",
                    h.run("HELLO", "3", "SETNAME", "a b"));
            // nothing changed: still RESP2
            assertInstanceOf(List.class, h.run("CONFIG", "GET", "databases"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldAuthenticateAndNameWithHello() {
        try (Harness h = Harness.start(3, "requirepass", "secret")) {
            final Harness.Client c = h.client();
            assertErrorText(HELLO_NOAUTH, c.run("HELLO"));
            assertErrorText(HELLO_NOAUTH, c.run("HELLO", "3", "SETNAME", "x"));
            assertErrorText(WRONGPASS, c.run("HELLO", "3", "AUTH", "default", "wrong"));
            assertErrorText(WRONGPASS, c.run("HELLO", "3", "AUTH", "nobody", "secret"));
            assertErrorText(NOAUTH, c.run("GET", "k"));
            final Map<Object, Object> m = (Map<Object, Object>) c.run("HELLO", "3", "AUTH", "default", "secret",
                    "SETNAME", "myname");
            assertEquals(3L, m.get("proto"));
            assertEquals("myname", c.run("CLIENT", "GETNAME"));
            assertOk(c.run("SET", "k", "v"));
        }
    }

    @Test
    void shouldAcceptAnyPasswordWithoutRequirepassOnlyInTheTwoArgumentForm() {
        try (Harness h = Harness.start()) {
            assertErrorText("ERR AUTH <password> called without any password configured for the default user."
                    + " Are you sure your configuration is correct?", h.run("AUTH", "whatever"));
            assertOk(h.run("AUTH", "default", "whatever"));
            assertErrorText(WRONGPASS, h.run("AUTH", "nobody", "whatever"));
            assertErrorText("ERR syntax error", h.run("AUTH", "a", "b", "c"));
            assertErrorText("ERR wrong number of arguments for 'auth' command", h.run("AUTH"));
        }
    }

    @Test
    void shouldRequireAuthWithRequirepass() {
        try (Harness h = Harness.start(3, "requirepass", "secret")) {
            final Harness.Client c = h.client();
            assertErrorText(NOAUTH, c.run("PING"));
            assertErrorText(NOAUTH, c.run("SELECT", "1"));
            assertErrorText(NOAUTH, c.run("CLIENT", "ID"));
            assertErrorText(NOAUTH, c.run("MGET", "a", "b", "c"));
            // unknown commands and wrong arity are reported before authentication, as in Redis
            assertErrorText("ERR unknown command 'NOPE', with args beginning with: ", c.run("NOPE"));
            assertErrorText("ERR wrong number of arguments for 'get' command", c.run("GET"));
            assertErrorText(WRONGPASS, c.run("AUTH", "wrong"));
            assertErrorText(WRONGPASS, c.run("AUTH", "default", "wrong"));
            assertErrorText(WRONGPASS, c.run("AUTH", "nobody", "secret"));
            assertErrorText(NOAUTH, c.run("GET", "k"));
            assertOk(c.run("AUTH", "secret"));
            assertEquals(new Resp.Simple("PONG"), c.run("PING"));
            assertNil(c.run("GET", "k"));
            final Harness.Client d = h.client();
            assertOk(d.run("AUTH", "default", "secret"));
            assertNil(d.run("GET", "k"));
        }
    }

    @Test
    void shouldAllowOnlyAuthHelloQuitAndResetBeforeAuth() {
        try (Harness h = Harness.start(3, "requirepass", "secret")) {
            final Harness.Client c = h.client();
            assertEquals(new Resp.Simple("RESET"), c.run("RESET"));
            assertErrorText(NOAUTH, c.run("ECHO", "x"));
            assertOk(c.run("QUIT"));
            assertSame(Harness.Client.CLOSED, c.read());
            final Harness.Client d = h.client();
            assertInstanceOf(List.class, d.run("HELLO", "2", "AUTH", "default", "secret"));
            assertOk(d.run("SET", "a", "1"));
            // RESET logs out again when a password is required
            assertEquals(new Resp.Simple("RESET"), d.run("RESET"));
            assertErrorText(NOAUTH, d.run("GET", "a"));
        }
    }

    @Test
    void shouldNotLogOutClientsWhenThePasswordChanges() {
        try (Harness h = Harness.start()) {
            final Harness.Client admin = h.client();
            assertOk(admin.run("CONFIG", "SET", "requirepass", "pw"));
            assertEquals(new Resp.Simple("PONG"), admin.run("PING"));
            final Harness.Client late = h.client();
            assertErrorText(NOAUTH, late.run("PING"));
            assertOk(late.run("AUTH", "pw"));
            assertOk(admin.run("CONFIG", "SET", "requirepass", ""));
            assertEquals(new Resp.Simple("PONG"), h.client().run("PING"));
        }
    }

    @Test
    void shouldSelectADatabaseOnEveryShard() {
        try (Harness h = Harness.start()) {
            final Harness.Client c = h.client();
            assertOk(c.run("MSET", "a", "0", "b", "0", "c", "0"));
            assertOk(c.run("SELECT", "5"));
            assertNil(c.run("GET", "a"));
            assertOk(c.run("MSET", "a", "5", "b", "5", "c", "5"));
            assertEquals(List.of("5", "5", "5"), c.run("MGET", "a", "b", "c"));
            assertInt(3, c.run("DBSIZE"));
            assertOk(c.run("SELECT", "0"));
            assertEquals(List.of("0", "0", "0"), c.run("MGET", "a", "b", "c"));
            // another connection starts in db 0
            assertEquals("0", h.client().run("GET", "b"));
        }
    }

    @Test
    void shouldRefuseBadDatabaseIndexes() {
        try (Harness h = Harness.start()) {
            assertErrorText("ERR value is not an integer or out of range", h.run("SELECT", "x"));
            assertErrorText("ERR value is not an integer or out of range", h.run("SELECT", "1.5"));
            assertErrorText("ERR DB index is out of range", h.run("SELECT", "-1"));
            assertErrorText("ERR DB index is out of range", h.run("SELECT", "16"));
            assertErrorText("ERR value is out of range, value must between -2147483648 and 2147483647",
                    h.run("SELECT", "99999999999999"));
            assertErrorText("ERR wrong number of arguments for 'select' command", h.run("SELECT"));
        }
        try (Harness h = Harness.start(3, "databases", "2")) {
            assertOk(h.run("SELECT", "1"));
            assertErrorText("ERR DB index is out of range", h.run("SELECT", "2"));
        }
    }

    @Test
    void shouldCloseAfterReplyingToQuit() throws Exception {
        try (Harness h = Harness.start()) {
            final Harness.Client c = h.client();
            // commands pipelined after QUIT are not run
            c.send(Resp.command("SET", "q", "1"));
            c.send(concat(Resp.command("QUIT"), Resp.command("SET", "q", "2")));
            assertOk(c.read());
            assertOk(c.read());
            assertSame(Harness.Client.CLOSED, c.read());
            assertEquals("1", h.run("GET", "q"));
        }
    }

    @Test
    void shouldResetConnectionState() {
        try (Harness h = Harness.start()) {
            final Harness.Client c = h.client();
            c.run("HELLO", "3");
            assertOk(c.run("SELECT", "3"));
            assertOk(c.run("CLIENT", "SETNAME", "n"));
            assertOk(c.run("CLIENT", "SETINFO", "lib-name", "mylib"));
            assertOk(c.run("CLIENT", "NO-EVICT", "on"));
            assertOk(c.run("CLIENT", "NO-TOUCH", "on"));
            assertOk(c.run("SET", "k", "db3"));
            assertEquals(new Resp.Simple("RESET"), c.run("RESET"));
            assertNil(c.run("GET", "k"));
            assertNil(c.run("CLIENT", "GETNAME"));
            final String info = ((String) c.run("CLIENT", "INFO"));
            assertTrue(info.contains(" db=0 "), info);
            assertTrue(info.contains(" flags=N "), info);
            assertTrue(info.contains(" resp=2 "), info);
            assertTrue(info.contains(" lib-name=mylib "), info); // the library stays, as in Redis
            assertInstanceOf(List.class, c.run("CONFIG", "GET", "databases"));
            assertErrorText("ERR wrong number of arguments for 'reset' command", c.run("RESET", "x"));
        }
    }

    @Test
    void shouldRefuseClientsBeyondMaxclients() {
        try (Harness h = Harness.start(3, "maxclients", "2")) {
            final Harness.Client a = h.client();
            final Harness.Client b = h.client();
            assertEquals(new Resp.Simple("PONG"), a.run("PING"));
            assertEquals(new Resp.Simple("PONG"), b.run("PING"));
            final Harness.Client c = h.client();
            assertErrorText("ERR max number of clients reached", c.read());
            assertSame(Harness.Client.CLOSED, c.read());
            assertEquals(new Resp.Simple("PONG"), a.run("PING"));
        }
    }

    @Test
    void shouldCloseIdleClientsAfterTheTimeout() throws Exception {
        try (Harness h = Harness.start(3, "timeout", "1")) {
            final Harness.Client idle = h.client();
            final Harness.Client busy = h.client();
            assertEquals(new Resp.Simple("PONG"), idle.run("PING"));
            for (int i = 0; i < 8; i++) {
                Thread.sleep(200);
                assertEquals(new Resp.Simple("PONG"), busy.run("PING"));
            }
            assertSame(Harness.Client.CLOSED, idle.read());
            assertEquals(new Resp.Simple("PONG"), busy.run("PING"));
        }
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
