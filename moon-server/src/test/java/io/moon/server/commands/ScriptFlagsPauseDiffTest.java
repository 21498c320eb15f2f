package io.moon.server.commands;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.Oracle;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;


/**
 * Which scripts CLIENT PAUSE WRITE holds back and a MONITOR client may not run, against
 * redis-server: EVAL, EVALSHA and FCALL may replicate, unless a shebang (or a function's flags)
 * says no-writes; a shebang without no-writes makes even the _RO forms count as writes.
 */
class ScriptFlagsPauseDiffTest {
    private static final String LIB = "#!lua name=plib\n"
            + "redis.register_function('fw', function() return 1 end)\n"
            + "redis.register_function{function_name='fr', callback=function() return 2 end, flags={'no-writes'}}";
    private static final String NO_WRITES = "#!lua flags=no-writes\nreturn 3";
    private static final String PLAIN = "return 4";

    private static List<String[]> commands(final String shaNoWrites, final String shaPlain) {
        return List.of(
                new String[]{"EVAL", "return 1", "0"},
                new String[]{"EVAL", "#!lua flags=no-writes\nreturn 1", "0"},
                new String[]{"EVAL", "#!lua\nreturn 1", "0"},
                new String[]{"EVAL", "#!lua flags=allow-oom\nreturn 1", "0"},
                new String[]{"EVAL", "#!lua bad\nreturn 1", "0"},
                new String[]{"EVAL_RO", "#!lua\nreturn 1", "0"},
                new String[]{"EVAL_RO", "return 1", "0"},
                new String[]{"EVALSHA", shaNoWrites, "0"},
                new String[]{"EVALSHA", shaPlain, "0"},
                new String[]{"EVALSHA", "f".repeat(40), "0"},
                new String[]{"EVALSHA_RO", shaPlain, "0"},
                new String[]{"FCALL", "fw", "0"},
                new String[]{"FCALL", "fr", "0"},
                new String[]{"FCALL", "nope", "0"},
                new String[]{"FCALL_RO", "fw", "0"},
                new String[]{"FCALL_RO", "fr", "0"});
    }

    private static String text(final byte[] raw) {
        return raw == null ? "none" : new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", " ");
    }

    private static List<String> run(final int port) throws Exception {
        final List<String> out = new ArrayList<>();
        try (RawClient admin = new RawClient(port)) {
            admin.run("FUNCTION", "LOAD", "REPLACE", LIB);
            final String shaNoWrites = String.valueOf(admin.run("SCRIPT", "LOAD", NO_WRITES));
            final String shaPlain = String.valueOf(admin.run("SCRIPT", "LOAD", PLAIN));
            for (final String[] cmd : commands(shaNoWrites, shaPlain)) {
                try (RawClient c = new RawClient(port)) {
                    admin.run("CLIENT", "PAUSE", "5000", "WRITE");
                    c.send(Resp.command(cmd));
                    byte[] r = c.readRawWithin(300);
                    final boolean held = r == null;
                    admin.run("CLIENT", "UNPAUSE");
                    if (r == null) {
                        r = c.readRaw();
                    }
                    out.add(cmd[0] + " " + cmd[1] + (held ? " held: " : " ran: ") + text(r));
                }
            }
            for (final String[] queued : List.of(new String[]{"EVAL", "return 1", "0"},
                    new String[]{"EVAL", "#!lua flags=no-writes\nreturn 1", "0"}, new String[]{"FCALL", "fr", "0"})) {
                try (RawClient c = new RawClient(port)) {
                    c.run("MULTI");
                    c.run(queued);
                    admin.run("CLIENT", "PAUSE", "5000", "WRITE");
                    c.send(Resp.command("EXEC"));
                    byte[] r = c.readRawWithin(300);
                    final boolean held = r == null;
                    admin.run("CLIENT", "UNPAUSE");
                    if (r == null) {
                        r = c.readRaw();
                    }
                    out.add("EXEC of " + queued[1] + (held ? " held: " : " ran: ") + text(r));
                }
            }
            for (final String[] cmd : commands(shaNoWrites, shaPlain)) {
                try (RawClient m = new RawClient(port)) {
                    m.run("MONITOR");
                    // the reply, and its own line when it ran (before or after the reply)
                    final String r = text(m.runRaw(cmd));
                    out.add("monitor " + cmd[0] + " " + cmd[1] + " refused: " + r.contains("Replica can't"));
                }
            }
        }
        return out;
    }

    @Test
    void shouldJudgeScriptsByTheirFlagsAsRedisDoes() throws Exception {
        Oracle.assertSameAsRedis(ScriptFlagsPauseDiffTest::run);
    }
}
