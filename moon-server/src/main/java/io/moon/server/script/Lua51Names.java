package io.moon.server.script;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.UpValue;

/**
 * Lua 5.1's names for the value a VM error is about: "attempt to index local 't' (a nil value)",
 * "attempt to call field 'f' (a nil value)", "attempt to perform arithmetic on global 'x' (a nil
 * value)". LuaJ only says "a nil value"; Lua 5.1 (ldebug.c's typeerror) adds how the value was
 * reached when the culprit sits in a register: a local variable, a global, a table field (named by
 * its constant string key, else '?'), an upvalue or a method.
 *
 * <p>Moon's copy of LuaJ's LuaClosure calls {@link #named} when an instruction of a script fails,
 * before the error's position is added. The instruction tells which operand failed (for arithmetic
 * the first one that is not a number, as Lua 5.1's aritherror picks it); the bytecode before it
 * tells where that register's value came from (the last instruction that set it, as Lua's
 * symbolic execution finds it). LuaJ compiles Lua 5.2 bytecode: a global read is a table read
 * from the _ENV upvalue, and a string loaded as a constant has no name (Lua 5.1 gives none).
 *
 * <p>An error raised inside something the instruction called (a function, a metamethod) keeps its
 * text: the operand must be one the instruction itself cannot use.
 */
public final class Lua51Names {
    private Lua51Names() {
    }

    /** The error's text with the culprit named as Lua 5.1 names it, or null to keep LuaJ's. */
    public static String named(final org.luaj.vm2.LuaError error, final Prototype p, final int pc,
                               final LuaValue[] stack, final UpValue[] upvalues) {
        final String message = error.getMessage();
        if (message == null || p == null || pc < 0 || pc >= p.code.length) {
            return null;
        }
        final int i = p.code[pc];
        final int a = Lua.GETARG_A(i);
        final int b = Lua.GETARG_B(i);
        final int c = Lua.GETARG_C(i);
        final String op;
        final int reg;
        switch (Lua.GET_OPCODE(i)) {
            case Lua.OP_ADD, Lua.OP_SUB, Lua.OP_MUL, Lua.OP_DIV, Lua.OP_MOD, Lua.OP_POW -> {
                op = "perform arithmetic on";
                final int bad = isNumber(rk(p, stack, b)) ? c : b;
                if (Lua.ISK(bad) || isNumber(stack[bad])) {
                    return null;
                }
                reg = bad;
            }
            case Lua.OP_UNM -> {
                op = "perform arithmetic on";
                reg = isNumber(stack[b]) ? -1 : b;
            }
            case Lua.OP_LEN -> {
                op = "get length of";
                reg = b;
            }
            case Lua.OP_GETTABLE, Lua.OP_SELF -> {
                op = "index";
                reg = indexable(stack[b]) ? -1 : b;
            }
            case Lua.OP_SETTABLE -> {
                if (message.startsWith("table index expected")) { // LuaJ's words for a nil or NaN key
                    final LuaValue key = rk(p, stack, b);
                    return key.isnil() ? "table index is nil" : key.type() == LuaValue.TNUMBER
                            && Double.isNaN(key.todouble()) ? "table index is NaN" : null;
                }
                if (indexable(stack[a]) || !message.startsWith("index expected, got ") && !message.startsWith("attempt to index ")) {
                    return null;
                }
                // LuaJ says "index expected, got nil" here
                final String[] kindName = objectName(p, pc, a);
                return kindName == null ? "attempt to index a " + stack[a].typename() + " value"
                        : "attempt to index " + kindName[0] + " '" + kindName[1] + "' (a " + stack[a].typename() + " value)";
            }
            case Lua.OP_GETTABUP, Lua.OP_SETTABUP -> {
                // the table is an upvalue (Lua 5.1 read it into a register first: the same name)
                final int u = Lua.GET_OPCODE(i) == Lua.OP_GETTABUP ? b : a;
                if (upvalues == null || u >= upvalues.length || u >= p.upvalues.length || p.upvalues[u].name == null) {
                    return null;
                }
                final LuaValue t = upvalues[u].getValue();
                final String name = p.upvalues[u].name.tojstring();
                if (indexable(t) || "_ENV".equals(name)
                        || !message.startsWith("index expected, got ") && !message.startsWith("attempt to index ")) {
                    return null;
                }
                return "attempt to index upvalue '" + name + "' (a " + t.typename() + " value)";
            }
            case Lua.OP_CALL, Lua.OP_TAILCALL -> {
                if (message.startsWith("bad argument #")) {
                    // only an error of the function this instruction called (not of one it called in turn)
                    return error instanceof LuaArgs.ArgError e && e.by == stack[a] ? argumentError(message, p, pc, a, e.by) : null;
                }
                op = "call";
                reg = stack[a].isfunction() || !stack[a].metatag(LuaValue.CALL).isnil() ? -1 : a;
            }
            case Lua.OP_CONCAT -> {
                op = "concatenate";
                reg = concatCulprit(stack, b, c);
            }
            default -> {
                return null;
            }
        }
        // the error must be the instruction's own (arithmetic: "... arithmetic __add on nil and number")
        if (reg < 0 || !message.startsWith(op.equals("perform arithmetic on") ? "attempt to perform arithmetic "
                : "attempt to " + op + " ") || reg >= stack.length) {
            return null;
        }
        final String[] kindName = objectName(p, pc, reg);
        if (kindName == null) {
            return null;
        }
        return "attempt to " + op + " " + kindName[0] + " '" + kindName[1] + "' (a " + stack[reg].typename() + " value)";
    }

    private static final java.util.regex.Pattern BAD_ARGUMENT =
            java.util.regex.Pattern.compile("bad argument #(\\d+) to '([^']*)' \\((.*)\\)", java.util.regex.Pattern.DOTALL);

    /**
     * A library function's argument error seen from the call site, as Lua 5.1's luaL_argerror
     * words it: the function is named as the caller reached it ("bad argument #1 to 'r'" for a
     * local r holding string.rep), and a method call does not count its receiver ("s:rep()" is
     * missing argument #1; a bad receiver is "calling 'rep' on bad self").
     */
    private static String argumentError(final String message, final Prototype p, final int pc, final int reg,
                                        final LuaArgs.Checked called) {
        final java.util.regex.Matcher m = BAD_ARGUMENT.matcher(message);
        if (!m.matches()) {
            return null;
        }
        final String[] kindName = objectName(p, pc, reg);
        final String name = kindName == null ? "?" : kindName[1];
        int arg = Integer.parseInt(m.group(1));
        if (kindName != null && kindName[0].equals("method") && --arg == 0) {
            return "calling '" + name + "' on bad self (" + m.group(3) + ")";
        }
        return "bad argument #" + arg + " to '" + name + "' (" + m.group(3) + ")";
    }

    private static LuaValue rk(final Prototype p, final LuaValue[] stack, final int x) {
        return Lua.ISK(x) ? p.k[Lua.INDEXK(x)] : stack[x];
    }

    /** A number, or a string arithmetic converts to one. */
    private static boolean isNumber(final LuaValue v) {
        return v.type() == LuaValue.TNUMBER || v.type() == LuaValue.TSTRING && !v.tonumber().isnil();
    }

    private static boolean indexable(final LuaValue v) {
        return v.istable() || !v.metatag(LuaValue.INDEX).isnil();
    }

    /**
     * The operand Lua 5.1's concatenation fails on: it joins from the right, so the last two come
     * first (the left one of them is blamed when both are bad), then each further value leftwards.
     */
    private static int concatCulprit(final LuaValue[] stack, final int from, final int to) {
        if (!joinable(stack[to - 1])) {
            return to - 1;
        }
        if (!joinable(stack[to])) {
            return to;
        }
        for (int r = to - 2; r >= from; r--) {
            if (!joinable(stack[r])) {
                return r;
            }
        }
        return -1;
    }

    private static boolean joinable(final LuaValue v) {
        return v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER;
    }

    /** {kind, name} of the value in register {@code reg} at instruction {@code pc}, or null (ldebug.c's getobjname). */
    static String[] objectName(final Prototype p, final int pc, final int reg) {
        final LuaString local = p.getlocalname(reg + 1, pc);
        if (local != null) {
            return new String[] {"local", local.tojstring()};
        }
        final int set = lastSet(p, pc, reg);
        if (set < 0) {
            return null;
        }
        final int i = p.code[set];
        return switch (Lua.GET_OPCODE(i)) {
            case Lua.OP_MOVE -> Lua.GETARG_B(i) < Lua.GETARG_A(i) ? objectName(p, set, Lua.GETARG_B(i)) : null;
            case Lua.OP_GETTABUP -> {
                final int u = Lua.GETARG_B(i);
                final boolean env = u < p.upvalues.length && p.upvalues[u].name != null
                        && "_ENV".equals(p.upvalues[u].name.tojstring());
                yield new String[] {env ? "global" : "field", keyName(p, Lua.GETARG_C(i))};
            }
            case Lua.OP_GETTABLE -> new String[] {"field", keyName(p, Lua.GETARG_C(i))};
            case Lua.OP_GETUPVAL -> {
                final int u = Lua.GETARG_B(i);
                yield new String[] {"upvalue", u < p.upvalues.length && p.upvalues[u].name != null
                        ? p.upvalues[u].name.tojstring() : "?"};
            }
            case Lua.OP_SELF -> new String[] {"method", keyName(p, Lua.GETARG_C(i))};
            default -> null;
        };
    }

    /** A constant string key's text; any other key is '?' (Lua 5.1's kname). */
    private static String keyName(final Prototype p, final int c) {
        return Lua.ISK(c) && p.k[Lua.INDEXK(c)].type() == LuaValue.TSTRING ? p.k[Lua.INDEXK(c)].tojstring() : "?";
    }

    /**
     * The last instruction before {@code pc} that set register {@code reg}, following forward
     * jumps that do not pass {@code pc}; -1 when none did (a parameter, or a value set on a path
     * this cannot follow).
     */
    private static int lastSet(final Prototype p, final int pc, final int reg) {
        int found = -1;
        for (int at = 0; at < pc; at++) {
            final int i = p.code[at];
            final int op = Lua.GET_OPCODE(i);
            final int a = Lua.GETARG_A(i);
            switch (op) {
                case Lua.OP_LOADNIL -> {
                    if (a <= reg && reg <= a + Lua.GETARG_B(i)) {
                        found = at;
                    }
                }
                case Lua.OP_TFORCALL -> {
                    if (reg >= a + 2) {
                        found = at;
                    }
                }
                case Lua.OP_CALL, Lua.OP_TAILCALL -> {
                    if (reg >= a) {
                        found = at; // a call sets every register from its base up
                    }
                }
                case Lua.OP_JMP -> {
                    final int to = at + 1 + Lua.GETARG_sBx(i);
                    if (at < to && to <= pc) {
                        at = to - 1; // skip what the jump skips
                    }
                }
                case Lua.OP_TEST -> {
                    if (reg == a) {
                        found = at;
                    }
                }
                default -> {
                    if (Lua.testAMode(op) && reg == a) {
                        found = at;
                    }
                }
            }
        }
        return found;
    }
}
