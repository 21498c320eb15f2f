package io.moon.server.commands;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The C library's {@code sin}, {@code cos} and {@code asin}, called through the foreign function
 * API, for the GEO distances.
 *
 * <p>Why: Redis computes distances with the C library of its platform, and STOREDIST stores them
 * as scores that print with 17 significant digits, so a result one unit in the last place off
 * shows. Neither Java's Math nor StrictMath rounds as glibc does (on random arguments about 0.2%
 * and 3% of sin results differ, and 6% of asin results); glibc's own functions agree on every
 * one. Where a symbol cannot be found (no native access, another C library) the StrictMath
 * function serves, and results may then differ from Redis's in the last digit.
 *
 * <p>Each call is a downcall of a few tens of nanoseconds that touches no Java heap; stateless and
 * thread-safe.
 */
final class CMath {
    private static final Logger LOG = Logger.getLogger(CMath.class.getName());
    private static final MethodHandle SIN = find("sin");
    private static final MethodHandle COS = find("cos");
    private static final MethodHandle ASIN = find("asin");

    private CMath() {
    }

    private static MethodHandle find(final String name) {
        try {
            final Linker linker = Linker.nativeLinker();
            final FunctionDescriptor d = FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_DOUBLE);
            return linker.defaultLookup().find(name)
                    .map(s -> linker.downcallHandle(s, d, Linker.Option.critical(false)))
                    .orElse(null);
        } catch (final RuntimeException | LinkageError e) {
            LOG.log(Level.FINE, name + " of the C library unavailable; StrictMath serves", e);
            return null;
        }
    }

    /** True when the C library's functions are in use (false: StrictMath's). */
    static boolean isNative() {
        return SIN != null && COS != null && ASIN != null;
    }

    static double sin(final double x) {
        if (SIN == null) {
            return StrictMath.sin(x);
        }
        try {
            return (double) SIN.invokeExact(x);
        } catch (final Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static double cos(final double x) {
        if (COS == null) {
            return StrictMath.cos(x);
        }
        try {
            return (double) COS.invokeExact(x);
        } catch (final Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static double asin(final double x) {
        if (ASIN == null) {
            return StrictMath.asin(x);
        }
        try {
            return (double) ASIN.invokeExact(x);
        } catch (final Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
