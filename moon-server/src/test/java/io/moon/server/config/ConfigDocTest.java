package io.moon.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every directive as the code declares it. When a parameter changes,
 * regenerate the table: {@code ./mvnw -o -pl moon-server verify -Dtest=ConfigDocTest -Dmoon.writeDocs=true}.
 */
class ConfigDocTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void shouldListEveryDirectiveAsTheCodeDeclaresIt() throws Exception {
        final String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        final int begin = doc.indexOf(ConfigDoc.BEGIN);
        final int end = doc.indexOf(ConfigDoc.END);
        assertTrue(begin >= 0 && end > begin, "docs/configuration.md has lost its table markers");
        final String table = doc.substring(begin + ConfigDoc.BEGIN.length() + 1, end);
        final String expected = ConfigDoc.table();
        if (Boolean.getBoolean("moon.writeDocs") && !table.equals(expected)) {
            Files.writeString(DOC, doc.substring(0, begin + ConfigDoc.BEGIN.length() + 1) + expected
                    + doc.substring(end), StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, table, "docs/configuration.md is out of step with Params; regenerate it with"
                + " -Dtest=ConfigDocTest -Dmoon.writeDocs=true");
    }

    @Test
    void shouldHaveOneRowPerParameter() {
        final String table = ConfigDoc.table();
        for (final Param p : Params.ALL) {
            assertEquals(1, table.split("\n\\| `" + java.util.regex.Pattern.quote(p.name()) + "`", -1).length - 1,
                    p.name());
        }
        assertEquals(Params.ALL.length + 2, table.split("\n").length);
    }
}
