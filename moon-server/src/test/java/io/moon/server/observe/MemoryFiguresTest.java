package io.moon.server.observe;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * INFO memory and MEMORY STATS add up and agree: startup within used, overhead + dataset = used,
 * percentages at most 100, the fragmentation ratios about 1 on a server that is idle or steady,
 * and clients' buffers counted in used_memory.
 */
class MemoryFiguresTest {
    private static Map<String, String> memory(final RawClient c) throws Exception {
        return InfoParityTest.sections(String.valueOf(c.run("INFO", "memory"))).get("Memory");
    }

    private static long num(final Map<String, String> m, final String f) {
        return Long.parseLong(m.get(f));
    }

    private static double pct(final Map<String, String> m, final String f) {
        return Double.parseDouble(m.get(f).replace("%", ""));
    }

    private static void assertConsistent(final Map<String, String> m) {
        final long used = num(m, "used_memory");
        final String all = m.toString();
        assertTrue(num(m, "used_memory_startup") <= used, all);
        assertTrue(num(m, "used_memory_startup") > 0, all);
        assertTrue(num(m, "used_memory_dataset") >= 0, all);
        assertEquals(used, num(m, "used_memory_overhead") + num(m, "used_memory_dataset"), all);
        assertTrue(num(m, "used_memory_overhead") >= num(m, "used_memory_startup"), all);
        assertTrue(pct(m, "used_memory_dataset_perc") <= 100.0, all);
        assertTrue(Double.parseDouble(m.get("allocator_frag_ratio")) >= 1.0, all);
        assertTrue(Double.parseDouble(m.get("mem_fragmentation_ratio")) < 1.5, all);
    }

    private static Map<String, Object> stats(final RawClient c) throws Exception {
        final List<?> l = (List<?>) c.run("MEMORY", "STATS");
        final Map<String, Object> out = new HashMap<>();
        for (int i = 0; i + 1 < l.size(); i += 2) {
            out.put(String.valueOf(l.get(i)), l.get(i + 1));
        }
        return out;
    }

    @Test
    void shouldAddUpIdleAndWithKeys() throws Exception {
        try (TestServer m = TestServer.start(3); RawClient c = new RawClient(m.port)) {
            final Map<String, String> idle = memory(c);
            assertConsistent(idle);
            assertTrue(Double.parseDouble(idle.get("allocator_frag_ratio")) < 1.5, idle.toString());
            c.run("DEBUG", "POPULATE", "20000", "key", "100");
            final Map<String, String> full = memory(c);
            assertConsistent(full);
            assertTrue(num(full, "used_memory_dataset") > 2_000_000, full.toString());
            assertEquals(idle.get("used_memory_startup"), full.get("used_memory_startup"));
            final Map<String, Object> st = stats(c);
            final long total = (Long) st.get("total.allocated");
            assertEquals(num(full, "used_memory_startup"), (long) (Long) st.get("startup.allocated"));
            assertTrue((Long) st.get("startup.allocated") <= total, st.toString());
            assertEquals(total, (Long) st.get("overhead.total") + (Long) st.get("dataset.bytes"), st.toString());
            assertTrue(Double.parseDouble(String.valueOf(st.get("dataset.percentage"))) <= 100.0, st.toString());
            assertTrue(Double.parseDouble(String.valueOf(st.get("fragmentation"))) < 1.5, st.toString());
            assertEquals(20000L, st.get("keys.count"));
            // INFO and MEMORY STATS read the same figures: nothing changed in between but this client
            final Map<String, String> again = memory(c);
            assertTrue(Math.abs(num(again, "used_memory") - total) < 64 * 1024, again + " / " + st);
        }
    }

    @Test
    void shouldCountClientBuffersInUsedMemory() throws Exception {
        try (TestServer m = TestServer.start(3); RawClient c = new RawClient(m.port); RawClient half = new RawClient(m.port)) {
            final long before = num(memory(c), "used_memory");
            // half a command: a 6 MB argument of which 3 MB have arrived
            half.send(("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6000000\r\n" + "x".repeat(3_000_000))
                    .getBytes(StandardCharsets.ISO_8859_1));
            long used = before;
            Map<String, String> mem = Map.of();
            final long deadline = System.currentTimeMillis() + 10_000;
            while (used < before + 3_000_000 && System.currentTimeMillis() < deadline) {
                mem = memory(c);
                used = num(mem, "used_memory");
            }
            assertTrue(used >= before + 3_000_000, "the client's buffers count: " + mem);
            assertTrue(num(mem, "mem_clients_normal") >= 3_000_000, mem.toString());
            assertConsistent(mem);
            assertTrue(num(mem, "used_memory_overhead") >= num(mem, "mem_clients_normal"), mem.toString());
        }
    }
}
