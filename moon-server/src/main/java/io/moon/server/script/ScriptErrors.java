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

    private static final java.util.regex.Pattern ARITH =
            java.util.regex.Pattern.compile("attempt to perform arithmetic (?:__\\w+ )?on (\\w+)(?: and (\\w+))?");
    private static final java.util.regex.Pattern COMPARE =
            java.util.regex.Pattern.compile("attempt to compare (?:__\\w+ on )?(\\w+) (?:and|with) (\\w+)");
    private static final java.util.regex.Pattern CONCAT =
            java.util.regex.Pattern.compile("attempt to concatenate (\\w+) and (\\w+)");

    /**
     * LuaJ's message without its "@user_script:N " position and its stack traceback, with LuaJ's
     * wording of the VM's errors turned into Lua 5.1's where Lua 5.1 has no variable name to add
     * ("attempt to index a nil value", "attempt to perform arithmetic on a table value"); errors
     * that name one (Lua51Names) are already Lua 5.1's.
     */
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
        if (s.startsWith("attempt to index ? (a ")) {
            return "attempt to index a " + s.substring("attempt to index ? (a ".length(), s.length() - 1);
        }
        if (s.startsWith("attempt to get length of ") && !s.endsWith(" value") && s.indexOf(' ', 25) < 0) {
            return "attempt to get length of a " + s.substring("attempt to get length of ".length()) + " value";
        }
        if (s.startsWith("attempt to call ") && !s.endsWith(" value") && s.indexOf(' ', 16) < 0) {
            return "attempt to call a " + s.substring("attempt to call ".length()) + " value";
        }
        java.util.regex.Matcher x = ARITH.matcher(s);
        if (x.matches()) {
            final String bad = x.group(2) == null || !x.group(1).equals("number") ? x.group(1) : x.group(2);
            return "attempt to perform arithmetic on a " + bad + " value";
        }
        x = COMPARE.matcher(s);
        if (x.matches()) { // Lua 5.1's luaG_ordererror
            return x.group(1).equals(x.group(2)) ? "attempt to compare two " + x.group(1) + " values"
                    : "attempt to compare " + x.group(1) + " with " + x.group(2);
        }
        x = CONCAT.matcher(s);
        if (x.matches()) {
            final String bad = x.group(1).equals("string") || x.group(1).equals("number") ? x.group(2) : x.group(1);
            return "attempt to concatenate a " + bad + " value";
        }
        return s;
    }

    /**
     * The value pcall hands back for an error, as Redis's Lua 5.1 does: the text of an error
     * table ({err=...}, what redis.call raises), anything else as {@link #raised}.
     */
    static LuaValue caught(final LuaError e) {
        final LuaValue v = raised(e);
        if (v.istable()) {
            final LuaValue err = v.get("err");
            return err.isstring() ? err : v;
        }
        return v;
    }

    /**
     * The error value as Lua 5.1 raised it, what an xpcall handler and coroutine.resume see: a
     * message as "user_script:LINE: text" (no position for error(msg, 0)), in Lua 5.1's words and
     * without LuaJ's "@" and stack traceback; any other value (a table, error(42)) as it was.
     */
    static LuaValue raised(final LuaError e) {
        final LuaValue m = e.getMessageObject();
        if (m == null) {
            return LuaValue.NIL;
        }
        if (m.type() != LuaValue.TSTRING) {
            return m;
        }
        final String s = m.tojstring();
        final String text = bare(s.replace("@user_function:", "@user_script:"));
        if (e instanceof Unpositioned || !s.startsWith("@")) {
            return LuaValue.valueOf(text);
        }
        final int sp = s.indexOf(' ');
        final int nl = s.indexOf('\n');
        if (sp < 0 || nl >= 0 && nl < sp) {
            return LuaValue.valueOf(text);
        }
        return LuaValue.valueOf(s.substring(1, sp) + ": " + text); // "@user_script:1 x" -> "user_script:1: x"
    }

    static String runtime(final LuaError e, final String sha, final int line) {
        return runtime(e, sha, line, "user_script");
    }

    /** The error reply of a script ({@code chunk} user_script) or a function (user_function, its name for sha). */
    static String runtime(final LuaError e, final String sha, final int line, final String chunk) {
        final LuaValue obj = e.getMessageObject();
        final String text;
        if (obj != null && obj.istable() && obj.get("err").isstring()) {
            text = obj.get("err").tojstring();
            return text + " script: " + sha + ", on @" + chunk + ":" + (e instanceof Raised r ? r.line : line) + ".";
        }
        if (obj == null || obj.isnil()) {
            return "ERR nil script: " + sha + ", on @" + chunk + ":" + line + ".";
        }
        if (!obj.isstring()) {
            // error(true), error({1, 2}): Redis prefixes tostring() of the value, with no position
            return "ERR " + obj.tojstring() + " script: " + sha + ", on @" + chunk + ":" + line + ".";
        }
        final String m = bare(obj.tojstring().replace("@user_function:", "@user_script:"));
        text = e instanceof Unpositioned ? "ERR " + m : "ERR " + chunk + ":" + line + ": " + m;
        return text + " script: " + sha + ", on @" + chunk + ":" + line + ".";
    }
}
