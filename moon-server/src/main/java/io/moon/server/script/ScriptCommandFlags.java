package io.moon.server.script;

import io.moon.protocol.Request;
import io.moon.server.Server;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.Flags;

/**
 * The flags a script command has for the checks made before it runs (CLIENT PAUSE WRITE, a
 * MONITOR client's refusal, a transaction's EXEC under a pause), as Redis's getCommandFlags gives
 * them: a script with a shebang, or a function, trades the command's WRITE and MAY_REPLICATE for
 * WRITE unless it declares no-writes; a script without a shebang, a sha nobody loaded or a
 * function nobody registered keeps the command's own (EVAL, EVALSHA and FCALL may replicate).
 * Any shard thread.
 */
public final class ScriptCommandFlags {
    private ScriptCommandFlags() {
    }

    public static long of(final Server server, final CommandSpec spec, final Request req) {
        final long own = spec.flags();
        if (!spec.isScript() || req.argc() < 2) {
            return own;
        }
        final int scriptFlags;
        final String name = spec.name();
        if (name.startsWith("fcall")) {
            final Libraries.Function f = server.scripts.libraries.state().function(req.argString(1));
            if (f == null) {
                return own;
            }
            scriptFlags = f.flags() | Shebang.HAS_SHEBANG;
        } else if (name.startsWith("evalsha")) {
            final String sha = req.argString(1).toLowerCase(java.util.Locale.ROOT);
            final ScriptCache.Compiled compiled = sha.length() == 40 ? server.scripts.cache.get(sha) : null;
            if (compiled == null) {
                return own;
            }
            scriptFlags = compiled.flags();
        } else {
            final byte[] body = req.argBytes(1); // the body's shebang, as the cached script's
            try {
                scriptFlags = Shebang.flags(body);
            } catch (final Shebang.Invalid e) {
                return own; // the script's run answers the error
            }
        }
        if ((scriptFlags & Shebang.HAS_SHEBANG) == 0) {
            return own; // Redis's compatibility mode: the command's flags
        }
        long f = own & ~(Flags.WRITE | Flags.MAY_REPLICATE | Flags.DENYOOM);
        if ((scriptFlags & Shebang.NO_WRITES) == 0) {
            f |= Flags.WRITE;
            if ((scriptFlags & Shebang.ALLOW_OOM) == 0) {
                f |= Flags.DENYOOM;
            }
        }
        return f;
    }
}
