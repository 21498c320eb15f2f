package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * table.sort and table.concat as Lua 5.1 runs them, where LuaJ's differ in what a script sees.
 *
 * <p>sort: Lua 5.1's quicksort (median of three, then partition around it) is not stable and its
 * results for equal elements, or for a comparator that is not a strict order, depend on the exact
 * sequence of comparisons; LuaJ sorts with another sequence, so a table sorted by a field with ties
 * came out in another order than in Redis, and comparison errors named the operands the other
 * way. This follows Lua 5.1's comparison and swap sequence, so the same input gives the same
 * order. An order error raised by the comparison itself has no position (Lua raises it inside the
 * C function), as in Redis.
 *
 * <p>concat: a nil separator is the empty one (luaL_optlstring); LuaJ refused it. remove: the
 * position is converted as luaL_optint does, and one outside 1..#t removes nothing. unpack (the
 * global): its bounds likewise, a nil one being the default.
 */
final class LuaTables {
    private LuaTables() {
    }

    static void install(final LuaTable table) {
        table.rawset("sort", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final LuaTable t = a.checktable(1); // (LuaArgs checked the comparator)
                new Sorter(t, a.arg(2).isnil() ? null : a.arg(2)).sort(1, t.length());
                return LuaValue.NONE;
            }
        });
        table.rawset("remove", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                // tremove: pos is luaL_optint's (2^53 and NaN are 0); outside 1..#t nothing is removed
                final LuaTable t = a.checktable(1);
                final int e = t.length();
                int pos = a.isnoneornil(2) ? e : LuaNumbers.toInt(a.checkdouble(2));
                if (pos < 1 || pos > e) {
                    return LuaValue.NONE;
                }
                final LuaValue removed = t.rawget(pos);
                for (; pos < e; pos++) {
                    t.rawset(pos, t.rawget(pos + 1));
                }
                t.rawset(e, LuaValue.NIL);
                return removed;
            }
        });
        table.rawset("concat", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                // (LuaArgs checked the types and every element joined, and read i and j as luaL_checkint)
                final LuaTable t = a.checktable(1);
                final LuaString sep = a.isnoneornil(2) ? LuaValue.EMPTYSTRING : a.checkstring(2);
                final long i = a.isnoneornil(3) ? 1 : LuaNumbers.toInt(a.checkdouble(3));
                final long j = a.isnoneornil(4) ? t.length() : LuaNumbers.toInt(a.checkdouble(4));
                final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                for (long k = i; k <= j; k++) {
                    final LuaString s = t.rawget((int) k).checkstring();
                    out.write(s.m_bytes, s.m_offset, s.m_length);
                    if (k < j) {
                        out.write(sep.m_bytes, sep.m_offset, sep.m_length);
                    }
                }
                return LuaValue.valueOf(out.toByteArray());
            }
        });
    }

    /** The global unpack as luaB_unpack: i and e read as luaL_checkint does. */
    static VarArgFunction unpack() {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                // luaB_unpack: i and e are luaL_checkint's (nil means the default, as luaL_optint)
                final LuaTable t = a.checktable(1);
                final long i = a.isnoneornil(2) ? 1 : LuaNumbers.toInt(LuaNumbers.checkNumber(a, 2, "unpack"));
                final long e = a.isnoneornil(3) ? t.length() : LuaNumbers.toInt(LuaNumbers.checkNumber(a, 3, "unpack"));
                if (i > e) {
                    return LuaValue.NONE;
                }
                if (e - i >= 8_000_000) { // Lua's stack cannot take that many (LUAI_MAXCSTACK)
                    throw new LuaError("too many results to unpack");
                }
                final LuaValue[] out = new LuaValue[(int) (e - i + 1)];
                for (int k = 0; k < out.length; k++) {
                    out[k] = t.get((int) i + k);
                }
                return LuaValue.varargsOf(out);
            }
        };
    }

    /** Lua 5.1's auxsort over one table. */
    private static final class Sorter {
        private final LuaTable t;
        private final LuaValue comparator;

        Sorter(final LuaTable t, final LuaValue comparator) {
            this.t = t;
            this.comparator = comparator;
        }

        private boolean less(final LuaValue a, final LuaValue b) {
            if (comparator != null) {
                return comparator.call(a, b).toboolean();
            }
            try {
                return a.lt_b(b);
            } catch (final LuaError e) {
                final String m = e.getMessage();
                if (m != null && m.startsWith("attempt to compare")) {
                    throw new ScriptErrors.Unpositioned(m); // raised inside the C function: no position
                }
                throw e;
            }
        }

        private LuaValue get(final int i) {
            return t.rawget(i);
        }

        private void swap(final int i, final int j, final LuaValue atI, final LuaValue atJ) {
            t.rawset(i, atJ);
            t.rawset(j, atI);
        }

        void sort(int lo, int hi) {
            while (lo < hi) { // the larger part loops, the smaller one recurses
                LuaValue a = get(lo);
                LuaValue b = get(hi);
                if (less(b, a)) {
                    swap(lo, hi, a, b);
                }
                if (hi - lo == 1) {
                    return;
                }
                int i = (lo + hi) >>> 1;
                a = get(i);
                b = get(lo);
                if (less(a, b)) {
                    swap(i, lo, a, b);
                } else {
                    b = get(hi);
                    if (less(b, a)) {
                        swap(i, hi, a, b);
                    }
                }
                if (hi - lo == 2) {
                    return;
                }
                final LuaValue pivot = get(i);
                swap(i, hi - 1, pivot, get(hi - 1)); // the pivot waits at hi - 1
                i = lo;
                int j = hi - 1;
                while (true) {
                    LuaValue x;
                    while (less(x = get(++i), pivot)) {
                        if (i > hi) {
                            throw new LuaError("invalid order function for sorting");
                        }
                    }
                    LuaValue y;
                    while (less(pivot, y = get(--j))) {
                        if (j < lo) {
                            throw new LuaError("invalid order function for sorting");
                        }
                    }
                    if (j < i) {
                        break;
                    }
                    swap(i, j, x, y);
                }
                swap(hi - 1, i, get(hi - 1), get(i)); // the pivot to its place
                final int from;
                final int to;
                if (i - lo < hi - i) {
                    from = lo;
                    to = i - 1;
                    lo = i + 1;
                } else {
                    from = i + 1;
                    to = hi;
                    hi = i - 1;
                }
                sort(from, to);
            }
        }
    }
}
