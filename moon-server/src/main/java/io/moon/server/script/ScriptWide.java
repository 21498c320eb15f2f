package io.moon.server.script;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.xshard.BlockingSession;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.HeldSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A script run with every shard held, as standalone Redis runs every script: for scripts that
 * touch keys they did not declare on other shards, or run keyspace-wide commands (KEYS, DBSIZE,
 * FLUSHALL...). The first run of such a script starts in place and stops, having changed
 * nothing, at the first such command; the dispatcher then starts this, and the script's later
 * runs (its SHA1 is remembered in the script cache) start here at once.
 *
 * <p>Threads: {@link #start} runs on the connection's shard thread and returns the session (a
 * {@link Coordinated}, answered through Connection.onCoordinatedDone). The script itself runs on
 * a thread of its own, with a {@link BlockingSession}: each redis.call travels to the
 * shard owning its keys under the locks already held. No event loop waits for the script, so
 * every client gets BUSY past busy-reply-threshold and SCRIPT KILL and SHUTDOWN NOSAVE work from
 * any connection.
 */
public final class ScriptWide {
    private ScriptWide() {
    }

    /** Takes every shard, then runs the script bound in {@code c} (on its connection's thread). */
    public static Coordinated start(final Ctx c) {
        final Request copy = new Request();
        for (int i = 0; i < c.argc(); i++) {
            copy.add(java.util.Arrays.copyOfRange(c.buf(), c.off(i), c.off(i) + c.len(i)));
        }
        final HeldSession session = new HeldSession(c);
        session.localClient(null);
        session.holdAll();
        final BlockingSession held = new BlockingSession(session);
        final io.moon.server.Shard home = c.shard;
        final int db = c.dbIndex;
        final int proto = c.proto;
        final io.moon.server.command.CommandSpec spec = c.cmd;
        final boolean oom = ScriptRun.overMaxmemory(c); // on the connection's shard, as the script starts
        final io.moon.server.acl.AclUser user = c.client != null ? c.client.state().aclUser : c.scriptUser;
        // a platform thread with a deep stack: scripts recurse (nested tables, cjson), and this is
        // the slow path already (every shard is held), so its creation cost does not matter
        final Thread t = new Thread(null, () -> {
            final ByteBuf buf = Unpooled.buffer(64);
            try {
                held.open();
                final Reply out = new Reply();
                out.bind(buf, proto);
                final Ctx own = new Ctx(home, home.keyspace); // holds the request and the reply only
                own.bind(db, copy, out, spec);
                own.proto = proto;
                own.scriptUser = user;
                own.scriptOomAtStart = oom;
                final LuaShard engine = home.server.scripts.wideEngine(home);
                engine.wide = held;
                try {
                    if (spec.name().startsWith("fcall")) {
                        FunctionCommands.run(own, spec.name().endsWith("_ro"), engine);
                    } else {
                        ScriptCommands.run(own, spec.name().startsWith("evalsha"), spec.name().endsWith("_ro"), engine);
                    }
                } finally {
                    engine.wide = null;
                }
                final byte[] reply = new byte[buf.readableBytes()];
                buf.readBytes(reply);
                // the run is counted as the EVAL's own by its connection (Dispatcher.accountOperation)
                held.close(reply);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                held.close("-ERR the script was interrupted\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } catch (final RuntimeException | Error e) {
                // a bug below the script (a library function, LuaJ): the client gets an error and
                // every shard is let go; dying here would leave them all held
                java.util.logging.Logger.getLogger(ScriptWide.class.getName()).log(java.util.logging.Level.SEVERE,
                        "script run with every shard held failed", e);
                held.close(("-ERR internal error in '" + spec.name() + "': " + e.getClass().getSimpleName() + "\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } finally {
                buf.release();
            }
        }, "moon-script-wide", io.moon.server.net.Transport.SHARD_STACK_BYTES);
        t.setDaemon(true);
        t.start();
        return session;
    }
}
