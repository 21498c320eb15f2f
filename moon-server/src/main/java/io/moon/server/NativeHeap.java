package io.moon.server;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands freed native memory back to the OS (glibc's {@code malloc_trim}), for MEMORY PURGE.
 *
 * <p>Why: the JIT compiler, Netty's direct buffers and the JVM's own bookkeeping allocate native
 * memory in bursts (a mass insertion compiles many methods and reads large batches); glibc keeps
 * what they free in its arenas, so the process stays tens of megabytes above its needs. The JVM
 * also trims periodically (-XX:TrimNativeHeapInterval in the launcher); this does it at once, as
 * Redis's MEMORY PURGE asks jemalloc to. Where the symbol is missing (musl, macOS) it does nothing.
 */
public final class NativeHeap {
    private static final Logger LOG = Logger.getLogger(NativeHeap.class.getName());
    private static final MethodHandle MALLOC_TRIM = find();

    private NativeHeap() {
    }

    private static MethodHandle find() {
        try {
            final Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("malloc_trim")
                    .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)))
                    .orElse(null);
        } catch (final RuntimeException | LinkageError e) {
            LOG.log(Level.FINE, "malloc_trim unavailable", e);
            return null;
        }
    }

    /** Returns free native heap to the OS; true when it could ask. */
    public static boolean trim() {
        if (MALLOC_TRIM == null) {
            return false;
        }
        try {
            final int ignored = (int) MALLOC_TRIM.invokeExact(0L);
            return true;
        } catch (final Throwable t) {
            LOG.log(Level.FINE, "malloc_trim failed", t);
            return false;
        }
    }
}
