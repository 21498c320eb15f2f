package io.moon.server.linear;

import java.util.function.UnaryOperator;

/**
 * One completed operation of a recorded history: when it was invoked and when its reply arrived
 * (System.nanoTime), what it was, and its meaning for the register model ({@code apply}: the state
 * after it, or null when its recorded output could not have been answered from that state).
 */
record Recorded(long invoke, long complete, String what, UnaryOperator<long[]> effect) implements Linearizability.Op {
    @Override
    public long[] apply(final long[] s) {
        return effect.apply(s);
    }

    @Override
    public String toString() {
        return what + " [" + invoke + ", " + complete + "]";
    }
}
