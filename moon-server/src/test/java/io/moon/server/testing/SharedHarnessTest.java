package io.moon.server.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of family tests that share one 3-shard {@link Harness} per test class and start every test
 * from empty databases, connection state reset (database 0, active expiry on).
 */
public abstract class SharedHarnessTest {
    protected static Harness h;

    @BeforeAll
    static void startHarness() {
        h = Harness.start();
    }

    @AfterAll
    static void stopHarness() {
        h.close();
    }

    @BeforeEach
    void emptyDatabases() {
        Harness.assertOk(h.run("SELECT", "0"));
        Harness.assertOk(h.run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        Harness.assertOk(h.run("FLUSHALL"));
    }

    /** Runs one command on the shared connection. */
    protected static Object run(final String... args) {
        return h.run(args);
    }
}
