package io.moon.server.commands;

import java.util.Map;

/** CLIENT LIST line parsing for tests in other packages. */
public final class ClientCommandsTestAccess {
    private ClientCommandsTestAccess() {
    }

    public static Map<String, String> fields(final String line) {
        return ClientCommandsTest.fields(line);
    }
}
