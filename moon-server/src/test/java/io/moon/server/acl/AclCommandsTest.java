package io.moon.server.acl;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.moon.server.testing.Harness.assertError;
import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ACL users: every ACL subcommand and its errors, AUTH, and permission checks in admission, MULTI and scripts. */
class AclCommandsTest {
    private static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    private static final String P1_HASH = "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a";

    @Test
    void shouldStartWithTheDefaultUserAllowedEverything() {
        try (Harness h = Harness.start()) {
            assertEquals(List.of("user default on nopass ~* &* +@all"), h.run("ACL", "LIST"));
            assertEquals(List.of("default"), h.run("ACL", "USERS"));
            assertEquals("default", h.run("ACL", "WHOAMI"));
            assertEquals(List.of("flags", List.of("on", "nopass"), "passwords", List.of(), "commands", "+@all",
                    "keys", "~*", "channels", "&*", "selectors", List.of()), h.run("ACL", "GETUSER", "default"));
            assertNil(h.run("ACL", "GETUSER", "nosuch"));
        }
    }

    @Test
    void shouldCreateAndDescribeUsers() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("ACL", "SETUSER", "u1", "on", ">p1", "~k*", "+get"));
            assertEquals(List.of("flags", List.of("on"), "passwords", List.of(P1_HASH), "commands", "-@all +get",
                    "keys", "~k*", "channels", "", "selectors", List.of()), h.run("ACL", "GETUSER", "u1"));
            assertOk(h.run("ACL", "SETUSER", "u2", "+get|x", "+select|0", "+config|get"));
            assertOk(h.run("ACL", "SETUSER", "u4", "+@all", "-@dangerous"));
            assertOk(h.run("ACL", "SETUSER", "u5", "-@all", "+get", "+set", "+get"));
            assertOk(h.run("ACL", "SETUSER", "u6", "%R~r*", "%W~w*", "%RW~b*", "resetchannels", "&ch*", "(+set", "~s*)"));
            assertOk(h.run("ACL", "SETUSER", "u7", "%R~k", "%W~k", "+@read", "-get", "+get"));
            assertEquals(List.of("user default on nopass ~* &* +@all",
                    "user u1 on #" + P1_HASH + " ~k* resetchannels -@all +get",
                    "user u2 off resetchannels -@all +get|x +select|0 +config|get",
                    "user u4 off resetchannels +@all -@dangerous",
                    "user u5 off resetchannels -@all +set +get", // 7.2: a repeated rule moves to the end
                    "user u6 off %R~r* %W~w* ~b* resetchannels &ch* -@all (~s* resetchannels -@all +set)",
                    "user u7 off ~k resetchannels -@all +@read +get"), h.run("ACL", "LIST"));
            assertEquals(List.of("default", "u1", "u2", "u4", "u5", "u6", "u7"), h.run("ACL", "USERS"));
            assertOk(h.run("ACL", "SETUSER", "u1", "reset"));
            assertEquals(List.of("user default on nopass ~* &* +@all", "user u1 off sanitize-payload resetchannels -@all"),
                    ((List<?>) h.run("ACL", "LIST")).subList(0, 2));
        }
    }

    @Test
    void shouldRefuseBadRulesWithRedisTexts() {
        try (Harness h = Harness.start()) {
            final String pre = "ERR Error in ACL SETUSER modifier ";
            assertErrorText(pre + "'foo': Syntax error", h.run("ACL", "SETUSER", "x", "foo"));
            assertErrorText(pre + "'+nosuch': Unknown command or category name in ACL",
                    h.run("ACL", "SETUSER", "x", "+nosuch"));
            assertErrorText(pre + "'#abc': The password hash must be exactly 64 characters and contain only lowercase"
                    + " hexadecimal characters", h.run("ACL", "SETUSER", "x", "#abc"));
            assertErrorText(pre + "'<nopw': The password you are trying to remove from the user does not exist",
                    h.run("ACL", "SETUSER", "x", "<nopw"));
            assertError(pre + "'~x': Adding a pattern after the * pattern (or the 'allkeys' flag)",
                    h.run("ACL", "SETUSER", "x", "allkeys", "~x"));
            assertError(pre + "'&x': Adding a pattern after the * pattern (or the 'allchannels' flag)",
                    h.run("ACL", "SETUSER", "x", "allchannels", "&x"));
            assertErrorText(pre + "'%~k': Syntax error", h.run("ACL", "SETUSER", "x", "%~k"));
            assertErrorText(pre + "'+config|get|x': Allowing first-arg of a subcommand is not supported",
                    h.run("ACL", "SETUSER", "x", "+config|get|x"));
            assertErrorText(pre + "'+get|': Syntax error", h.run("ACL", "SETUSER", "x", "+get|"));
            assertErrorText(pre + "'+config|nosuch': Unknown command or category name in ACL",
                    h.run("ACL", "SETUSER", "x", "-config|get", "+config|nosuch"));
            assertErrorText("ERR Unmatched parenthesis in acl selector starting at '(+get'.",
                    h.run("ACL", "SETUSER", "x", "(+get"));
            assertErrorText("ERR Usernames can't contain spaces or null characters", h.run("ACL", "SETUSER", "a b"));
            // a refused rule leaves the user as it was: here, not created
            assertEquals(List.of("default"), h.run("ACL", "USERS"));
        }
    }

    @Test
    void shouldDeleteUsersButNotTheDefaultOne() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("ACL", "SETUSER", "a"));
            assertOk(h.run("ACL", "SETUSER", "b"));
            assertErrorText("ERR The 'default' user cannot be removed", h.run("ACL", "DELUSER", "a", "default"));
            assertInt(2, h.run("ACL", "DELUSER", "a", "b", "nosuch"));
            assertEquals(List.of("default"), h.run("ACL", "USERS"));
        }
    }

    @Test
    void shouldAuthenticateAndCheckCommandKeyAndChannelPermissions() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("ACL", "SETUSER", "u1", "on", ">p1", "~k*", "+get", "+publish", "&news*", "+subscribe",
                    "+psubscribe", "+acl|whoami", "+multi", "+exec", "+eval"));
            final Harness.Client c = h.client();
            assertErrorText(WRONGPASS, c.run("AUTH", "u1", "wrong"));
            assertErrorText(WRONGPASS, c.run("AUTH", "nosuch", "x"));
            assertOk(c.run("AUTH", "u1", "p1"));
            assertEquals("u1", c.run("ACL", "WHOAMI"));
            assertNil(c.run("GET", "k1"));
            assertErrorText("NOPERM User u1 has no permissions to run the 'set' command", c.run("SET", "k1", "v"));
            assertErrorText("NOPERM No permissions to access a key", c.run("GET", "x"));
            assertErrorText("NOPERM User u1 has no permissions to run the 'acl|list' command", c.run("ACL", "LIST"));
            assertInt(0, c.run("PUBLISH", "news.1", "m"));
            assertErrorText("NOPERM No permissions to access a channel", c.run("PUBLISH", "other", "m"));
            // MULTI: refused at queue time, the transaction is aborted
            assertOk(c.run("MULTI"));
            assertErrorText("NOPERM User u1 has no permissions to run the 'set' command", c.run("SET", "k1", "v"));
            assertError("EXECABORT", c.run("EXEC"));
            // scripts: redis.call of a forbidden command
            assertErrorText("ERR ACL failure in script: User u1 has no permissions to run the 'set' command script: "
                            + "2b6b1a1c0a4b5ac4b1b7ed2ef0e5b3d1b1c6d2a3, on @user_script:1.",
                    normalizeSha(c.run("EVAL", "return redis.call('set','k1','v')", "0")));
            final List<?> log = (List<?>) h.run("ACL", "LOG");
            final Map<String, Object> newest = entry(log.get(0));
            assertEquals("command", newest.get("reason"));
            assertEquals("lua", newest.get("context"));
            assertEquals("set", newest.get("object"));
            assertEquals("u1", newest.get("username"));
            final Map<String, Object> multi = entry(log.get(1));
            assertEquals("multi", multi.get("context"));
            assertEquals("channel", entry(log.get(2)).get("reason"));
            assertEquals("other", entry(log.get(2)).get("object"));
            assertEquals("key", entry(log.get(4)).get("reason"));
            assertEquals("x", entry(log.get(4)).get("object"));
            assertEquals("toplevel", entry(log.get(4)).get("context"));
            assertEquals("auth", entry(log.get(6)).get("reason"));
            assertEquals("nosuch", entry(log.get(6)).get("username"));
            assertEquals(1L, entry(log.get(6)).get("count"));
            assertTrue(((String) entry(log.get(4)).get("client-info")).contains(" user=u1 "));
            final String info = (String) h.run("INFO", "stats");
            assertTrue(info.contains("acl_access_denied_auth:2\r\n"), info);
            assertTrue(info.contains("acl_access_denied_cmd:4\r\n"), info);
            assertTrue(info.contains("acl_access_denied_key:1\r\n"), info);
            assertTrue(info.contains("acl_access_denied_channel:1\r\n"), info);
            assertOk(h.run("ACL", "LOG", "RESET"));
            assertEquals(List.of(), h.run("ACL", "LOG"));
        }
    }

    private static Object normalizeSha(final Object reply) {
        if (reply instanceof Resp.Err e) {
            return new Resp.Err(e.text().replaceAll("script: [0-9a-f]{40}", "script: 2b6b1a1c0a4b5ac4b1b7ed2ef0e5b3d1b1c6d2a3"));
        }
        return reply;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(final Object e) {
        final List<Object> l = (List<Object>) e;
        final java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < l.size(); i += 2) {
            m.put((String) l.get(i), l.get(i + 1));
        }
        return m;
    }

    @Test
    void shouldListCategoriesAndGeneratePasswords() {
        try (Harness h = Harness.start()) {
            final List<?> cats = (List<?>) h.run("ACL", "CAT");
            assertEquals(21, cats.size());
            assertEquals("keyspace", cats.get(0));
            final List<?> read = (List<?>) h.run("ACL", "CAT", "read");
            assertTrue(read.contains("get") && !read.contains("set"));
            assertErrorText("ERR Unknown category 'nosuch'", h.run("ACL", "CAT", "nosuch"));
            assertErrorText("ERR unknown subcommand or wrong number of arguments for 'cat'. Try ACL HELP.",
                    h.run("ACL", "CAT", "a", "b"));
            assertEquals(64, ((String) h.run("ACL", "GENPASS")).length());
            assertEquals(2, ((String) h.run("ACL", "GENPASS", "5")).length());
            assertErrorText("ERR ACL GENPASS argument must be the number of bits for the output password, a positive"
                    + " number up to 4096", h.run("ACL", "GENPASS", "0"));
            assertErrorText("ERR value is not an integer or out of range", h.run("ACL", "GENPASS", "x"));
            final List<?> help = (List<?>) h.run("ACL", "HELP");
            assertEquals(new Resp.Simple("ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"), help.get(0));
            assertErrorText("ERR unknown subcommand 'foo'. Try ACL HELP.", h.run("ACL", "foo"));
        }
    }

    @Test
    void shouldDryRunWithVerboseReasons() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("ACL", "SETUSER", "u1", "~k*", "+get", "&ch", "+publish", "%R~r*", "+set"));
            assertOk(h.run("ACL", "DRYRUN", "u1", "get", "k1"));
            assertEquals("User u1 has no permissions to access the 'x' key", h.run("ACL", "DRYRUN", "u1", "get", "x"));
            assertEquals("User u1 has no permissions to run the 'del' command", h.run("ACL", "DRYRUN", "u1", "del", "k"));
            assertEquals("User u1 has no permissions to access the 'r1' key", h.run("ACL", "DRYRUN", "u1", "set", "r1", "v"));
            assertOk(h.run("ACL", "DRYRUN", "u1", "get", "r1"));
            assertEquals("User u1 has no permissions to access the 'x' channel",
                    h.run("ACL", "DRYRUN", "u1", "publish", "x", "m"));
            assertErrorText("ERR User 'nosuch' not found", h.run("ACL", "DRYRUN", "nosuch", "get", "x"));
            assertErrorText("ERR Command 'nosuchcmd' not found", h.run("ACL", "DRYRUN", "u1", "nosuchcmd", "x"));
            assertErrorText("ERR wrong number of arguments for 'get' command", h.run("ACL", "DRYRUN", "u1", "get"));
            // a selector allows what the root refuses
            assertOk(h.run("ACL", "SETUSER", "u1", "(+del ~d*)"));
            assertOk(h.run("ACL", "DRYRUN", "u1", "del", "d1"));
            assertEquals("User u1 has no permissions to access the 'x' key", h.run("ACL", "DRYRUN", "u1", "del", "x"));
        }
    }

    @Test
    void shouldTieTheDefaultUserToRequirepass() {
        try (Harness h = Harness.start(3, "requirepass", "secret")) {
            final Harness.Client c = h.client();
            assertErrorText("NOAUTH Authentication required.", c.run("GET", "x"));
            assertErrorText(WRONGPASS, c.run("AUTH", "bad"));
            assertOk(c.run("AUTH", "secret"));
            assertOk(c.run("AUTH", "default", "secret"));
            assertEquals("user default on #" + Perms.hash("secret") + " ~* &* +@all",
                    ((List<?>) c.run("ACL", "LIST")).get(0));
            assertOk(c.run("CONFIG", "SET", "requirepass", ""));
            assertEquals("user default on nopass ~* &* +@all", ((List<?>) c.run("ACL", "LIST")).get(0));
            assertErrorText("ERR AUTH <password> called without any password configured for the default user. Are you"
                    + " sure your configuration is correct?", c.run("AUTH", "x"));
        }
    }

    @Test
    void shouldCloseConnectionsOfDeletedUsersAndKillByUser() throws Exception {
        try (Harness h = Harness.start()) {
            assertOk(h.run("ACL", "SETUSER", "u1", "on", "nopass", "+@all", "~*"));
            final Harness.Client a = h.client();
            final Harness.Client b = h.client();
            assertOk(a.run("AUTH", "u1", "any"));
            assertOk(b.run("AUTH", "u1", "any"));
            assertTrue(((String) h.run("CLIENT", "LIST")).contains(" user=u1 "));
            assertInt(1, h.run("CLIENT", "KILL", "USER", "u1", "ID", String.valueOf(b.run("CLIENT", "ID"))));
            assertErrorText("ERR No such user 'nosuch'", h.run("CLIENT", "KILL", "USER", "nosuch"));
            assertInt(1, h.run("ACL", "DELUSER", "u1"));
            final long deadline = System.currentTimeMillis() + 5000;
            while (!a.isClosed() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(a.isClosed());
        }
    }

    @Test
    void shouldSaveAndLoadTheAclFile(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("users.acl");
        Files.writeString(file, "user alice on #" + P1_HASH + " ~a* resetchannels -@all +get\n");
        try (Harness h = Harness.start(3, "aclfile", file.toString())) {
            assertEquals(List.of("alice", "default"), h.run("ACL", "USERS")); // sorted, as Redis
            final Harness.Client c = h.client();
            assertOk(c.run("AUTH", "alice", "p1"));
            assertOk(h.run("ACL", "SETUSER", "bob", "on", ">pw", "(+set ~b*)"));
            assertOk(h.run("ACL", "SAVE"));
            final List<?> before = (List<?>) h.run("ACL", "LIST");
            assertEquals(before, List.of(Files.readString(file).split("\n")));
            assertOk(h.run("ACL", "SETUSER", "carol"));
            assertOk(h.run("ACL", "LOAD"));
            assertEquals(before, h.run("ACL", "LIST"));
            assertNil(c.run("GET", "a1")); // alice kept her connection and her rights
            assertErrorText("NOPERM User alice has no permissions to run the 'set' command", c.run("SET", "a1", "v"));
            Files.writeString(file, "user x on +nosuch\n");
            assertErrorText("ERR " + file + ":1: Error in applying operation '+nosuch': Unknown command or category"
                    + " name in ACL. WARNING: ACL errors detected, no change to the previously active ACL rules was"
                    + " performed", h.run("ACL", "LOAD"));
            assertEquals(before, h.run("ACL", "LIST"));
            Files.writeString(file, "user c on (+get ~x\n");
            assertErrorText("ERR " + file + ":1: Unmatched parenthesis in acl selector starting at '(+get'. WARNING:"
                    + " ACL errors detected, no change to the previously active ACL rules was performed",
                    h.run("ACL", "LOAD"));
        }
        try (Harness h = Harness.start()) {
            assertError("ERR This Redis instance is not configured to use an ACL file.", h.run("ACL", "LOAD"));
            assertError("ERR This Redis instance is not configured to use an ACL file.", h.run("ACL", "SAVE"));
        }
    }

    @Test
    void shouldRestrictTheDefaultUserToo() {
        try (Harness h = Harness.start()) {
            assertTrue(h.server.acl.defaultUser().unrestricted());
            final Harness.Client c = h.client();
            assertOk(c.run("ACL", "SETUSER", "default", "-keys"));
            assertFalse(h.server.acl.defaultUser().unrestricted());
            assertErrorText("NOPERM User default has no permissions to run the 'keys' command", c.run("KEYS", "*"));
            assertOk(c.run("ACL", "SETUSER", "default", "+@all"));
            assertTrue(h.server.acl.defaultUser().unrestricted());
            assertEquals(List.of(), c.run("KEYS", "*"));
        }
    }

    @Test
    void shouldAuthenticateWithHelloAndLogAuthFailuresInMulti() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("ACL", "SETUSER", "u1", "on", ">p1", "+@all", "~*"));
            assertOk(h.run("ACL", "SETUSER", "off1", "off", ">p1", "+@all", "~*"));
            final Harness.Client c = h.client();
            assertErrorText(WRONGPASS, c.run("HELLO", "3", "AUTH", "u1", "bad"));
            assertErrorText(WRONGPASS, c.run("HELLO", "3", "AUTH", "off1", "p1")); // a disabled user
            assertEquals(3L, ((Map<?, ?>) c.run("HELLO", "3", "AUTH", "u1", "p1")).get("proto"));
            assertEquals("u1", c.run("ACL", "WHOAMI"));
            assertOk(c.run("MULTI"));
            assertEquals(new Resp.Simple("QUEUED"), c.run("AUTH", "u1", "bad"));
            assertEquals(List.of(new Resp.Err(WRONGPASS)), c.run("EXEC"));
            final Map<String, Object> e = entry(((List<?>) h.run("ACL", "LOG", "1")).get(0));
            assertEquals("auth", e.get("reason"));
            assertEquals("multi", e.get("context"));
            assertEquals("auth", e.get("object"));
            final Map<String, Object> hello = entry(((List<?>) h.run("ACL", "LOG", "3")).get(1));
            assertEquals("hello", hello.get("object"));
            assertEquals("off1", hello.get("username"));
            assertEquals(1L, entry(((List<?>) h.run("ACL", "LOG")).get(2)).get("count"));
            // a similar refusal within 60 seconds is counted into the same entry
            assertErrorText(WRONGPASS, h.run("AUTH", "nosuch", "x"));
            assertErrorText(WRONGPASS, h.run("AUTH", "nosuch", "y"));
            assertEquals(2L, entry(((List<?>) h.run("ACL", "LOG", "1")).get(0)).get("count"));
            // RESET goes back to the default user
            assertEquals(new Resp.Simple("RESET"), c.run("RESET"));
            assertEquals("default", c.run("ACL", "WHOAMI"));
        }
    }

    @Test
    void shouldCloseTheCallerAfterItsReplyWhenItDeletesItsOwnUser() throws Exception {
        try (Harness h = Harness.start()) {
            assertOk(h.run("ACL", "SETUSER", "admin", "on", "nopass", "+@all", "~*", "&*"));
            final Harness.Client c = h.client();
            assertOk(c.run("AUTH", "admin", "x"));
            assertInt(1, c.run("ACL", "DELUSER", "admin"));
            assertTrue(closedWithin(c, 5000));
            assertErrorText(WRONGPASS, h.run("AUTH", "admin", "x"));
        }
    }

    @Test
    void shouldCheckQueuedCommandsAgainAtExec() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("ACL", "SETUSER", "u1", "on", "nopass", "~*", "+@all"));
            final Harness.Client c = h.client();
            assertOk(c.run("AUTH", "u1", "x"));
            assertOk(c.run("MULTI"));
            assertEquals(new Resp.Simple("QUEUED"), c.run("SET", "k", "v"));
            assertEquals(new Resp.Simple("QUEUED"), c.run("GET", "k"));
            assertEquals(new Resp.Simple("QUEUED"), c.run("GET", "{k}other"));
            assertOk(h.run("ACL", "SETUSER", "u1", "-set", "resetkeys", "~k"));
            final List<?> replies = (List<?>) c.run("EXEC");
            assertEquals(new Resp.Err("NOPERM ACLs rules changed between the moment the transaction was accumulated"
                    + " and the EXEC call. This command is no longer allowed for the following reason: no permission to"
                    + " execute the command or subcommand"), replies.get(0));
            assertNil(replies.get(1));
            assertEquals(new Resp.Err("NOPERM ACLs rules changed between the moment the transaction was accumulated"
                    + " and the EXEC call. This command is no longer allowed for the following reason: no permission to"
                    + " touch the specified keys"), replies.get(2));
            assertEquals("multi", entry(((List<?>) h.run("ACL", "LOG")).get(0)).get("context"));
        }
    }

    @Test
    void shouldCheckSubscriptionsAndAllowedFirstArguments() throws Exception {
        try (Harness h = Harness.start()) {
            assertOk(h.run("ACL", "SETUSER", "u1", "on", "nopass", "+subscribe", "+psubscribe", "+ssubscribe",
                    "&news.*", "+select|0", "+ping"));
            final Harness.Client c = h.client();
            assertOk(c.run("AUTH", "u1", "x"));
            assertOk(c.run("SELECT", "0"));
            assertErrorText("NOPERM User u1 has no permissions to run the 'select' command", c.run("SELECT", "1"));
            assertErrorText("NOPERM No permissions to access a channel", c.run("SUBSCRIBE", "news.1", "other"));
            // a pattern must be one of the user's patterns, written the same
            assertErrorText("NOPERM No permissions to access a channel", c.run("PSUBSCRIBE", "news.1*"));
            assertErrorText("NOPERM No permissions to access a channel", c.run("SSUBSCRIBE", "other"));
            assertEquals(List.of("psubscribe", "news.*", 1L), c.run("PSUBSCRIBE", "news.*"));
            // taking the channel away closes the subscriber, as Redis 7.2
            assertOk(h.run("ACL", "SETUSER", "u1", "resetchannels", "&sports"));
            assertTrue(closedWithin(c, 5000));
        }
    }

    @Test
    void shouldDescribeUsersInResp3AndLetNewUsersListenWhenConfigured() {
        try (Harness h = Harness.start(3, "acl-pubsub-default", "allchannels")) {
            final Harness.Client c = h.client();
            c.run("HELLO", "3");
            assertOk(c.run("ACL", "SETUSER", "u1", "(+get ~g*)"));
            final Map<?, ?> u = (Map<?, ?>) c.run("ACL", "GETUSER", "u1");
            assertEquals("&*", u.get("channels"));
            assertEquals(java.util.Set.of("off"), u.get("flags"));
            assertEquals(List.of(Map.of("commands", "-@all +get", "keys", "~g*", "channels", "&*")), u.get("selectors"));
            assertEquals("user u1 off &* -@all (~g* &* -@all +get)", ((List<?>) c.run("ACL", "LIST")).get(1));
        }
    }

    @Test
    void shouldReadUsersFromTheConfigFile(@TempDir final Path dir) throws Exception {
        final Path conf = dir.resolve("moon.conf");
        Files.writeString(conf, "user worker on >pw ~jobs:* +@list\nuser default on nopass ~* &* +@all\n");
        // as Redis, the config file's default user is reset first (sanitize-payload)
        final io.moon.server.config.Config cfg = io.moon.server.testing.TestServer.testConfig(3);
        io.moon.server.config.ConfigFile.apply(cfg, io.moon.server.config.ConfigFile.parseFile(conf));
        try (Harness h = Harness.start(cfg)) {
            assertEquals(List.of("user default on nopass sanitize-payload ~* &* +@all",
                    "user worker on #" + Perms.hash("pw") + " ~jobs:* resetchannels -@all +@list"), h.run("ACL", "LIST"));
            final Harness.Client c = h.client();
            assertOk(c.run("AUTH", "worker", "pw"));
            assertInt(1, c.run("LPUSH", "jobs:1", "x"));
            assertErrorText("NOPERM No permissions to access a key", c.run("LPUSH", "other", "x"));
        }
    }

    private static boolean closedWithin(final Harness.Client c, final long millis) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + millis;
        while (!c.isClosed() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        return c.isClosed();
    }
}
