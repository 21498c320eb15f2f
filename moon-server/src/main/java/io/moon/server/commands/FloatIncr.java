package io.moon.server.commands;

import io.moon.server.Ctx;

/** INCRBYFLOAT (placeholder until LongDouble lands in this branch). */
final class FloatIncr {
    private FloatIncr() {
    }

    static void incrbyfloat(final Ctx c) {
        c.out.error("ERR INCRBYFLOAT pending");
    }
}
