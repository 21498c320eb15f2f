package io.moon.server;

import io.moon.server.config.Config;
import io.moon.server.net.Transport;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * What the log says at startup, in the order Redis says it: starting, the version and pid, where
 * the configuration came from, then the runtime (JVM, collector, heap), the listening port, the
 * shards and the io driver.
 */
final class Banner {
    private Banner() {
    }

    /** The lines logged before the server starts listening. */
    static List<String> starting(final Config config, final Transport transport) {
        final List<String> out = new ArrayList<>();
        final long pid = ProcessHandle.current().pid();
        out.add("oO0OoO0OoO0Oo Moon is starting oO0OoO0OoO0Oo");
        out.add("Moon version=" + Version.MOON + ", redis-compat=" + Version.REDIS_COMPAT + ", bits=64, pid=" + pid
                + ", just started");
        out.add(config.file() == null
                ? "No config file specified, using the default config. In order to specify a config file use"
                        + " moon /path/to/moon.conf"
                : "Configuration loaded from " + config.file());
        final Runtime rt = Runtime.getRuntime();
        out.add("JVM " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + "), garbage collector " + collector() + ", max heap "
                + (rt.maxMemory() >> 20) + " MB, " + rt.availableProcessors() + " processors");
        out.add("Running mode=standalone, port=" + config.port + ", shards=" + config.shards + ", io driver="
                + transport.label() + ".");
        return out;
    }

    /** The collector's name as an operator knows it (G1, ZGC, Parallel, Serial, Shenandoah, Epsilon). */
    static String collector() {
        final List<String> names = new ArrayList<>();
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
        }
        final String all = String.join(",", names);
        if (all.contains("G1")) {
            return "G1";
        }
        if (all.contains("ZGC")) {
            return "ZGC";
        }
        if (all.contains("Shenandoah")) {
            return "Shenandoah";
        }
        if (all.contains("PS ")) {
            return "Parallel";
        }
        if (all.contains("Copy") || all.contains("MarkSweepCompact")) {
            return "Serial";
        }
        return names.isEmpty() ? "Epsilon" : all;
    }
}
