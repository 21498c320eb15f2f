package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;


/**
 * Error texts as Redis 7 formats them for scripts: the error, then " script: SHA, on
 * @user_script:LINE." naming the line the script was at.
 */
final class ScriptErrors {
    private ScriptErrors() {
    }

    /** An {err=...} table raised by redis.call, or by the script, with the line it came from. */
    static final class Raised extends LuaError {
        final int line;

        Raised(final LuaValue errTable, final int line) {
            super(errTable);
            this.line = line;
        }
    }

    /** An error Redis raises from C without a position (rawset, setmetatable on a readonly table). */
    static final class Unpositioned extends LuaError {
        Unpositioned(final String message) {
            super(message);
        }
    }

    /** LuaJ's message without its "@user_script:N " position and its stack traceback. */
    static String bare(final String m) {
        String s = m;
        final int tb = s.indexOf("\nstack traceback:");
        if (tb >= 0) {
            s = s.substring(0, tb);
        }
        if (s.startsWith("@user_script:")) {
            final int sp = s.indexOf(' ');
            s = sp < 0 ? s : s.substring(sp + 1);
        }
        return s;
    }

    static String runtime(final LuaError e, final String sha, final int line) {
        final LuaValue obj = e.getMessageObject();
        final String text;
        if (obj != null && obj.istable() && obj.get("err").isstring()) {
            text = obj.get("err").tojstring();
            return text + " script: " + sha + ", on @user_script:" + (e instanceof Raised r ? r.line : line) + ".";
        }
        final String m = bare(obj != null && obj.isstring() ? obj.tojstring() : String.valueOf(e.getMessage()));
        text = e instanceof Unpositioned ? "ERR " + m : "ERR user_script:" + line + ": " + m;
        return text + " script: " + sha + ", on @user_script:" + line + ".";
    }
}
