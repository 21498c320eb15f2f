package io.moon.server.command;

import io.moon.protocol.Request;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeyFinderTest {
    private static Request req(final String... args) {
        final Request r = new Request();
        for (final String a : args) {
            final byte[] b = a.getBytes(StandardCharsets.UTF_8);
            r.add(b, 0, b.length);
        }
        return r;
    }

    private static List<Integer> keys(final KeyFinder f, final Request r) {
        final List<Integer> out = new ArrayList<>();
        for (int n = 0; n < f.keyCount(r); n++) {
            out.add(f.keyArg(r, n));
        }
        return out;
    }

    /** ZUNIONSTORE's specs: the destination, then numkeys sources counted by argument 2. */
    private static final KeyFinder ZUNIONSTORE = new KeyFinder.FromSpecs(new KeySpec[] {
        KeySpec.range(1, 0, 1, 0, "OW", "update"), KeySpec.keynum(2, 0, 1, 1, "RO", "access")});

    @Test
    void shouldFindDestinationAndNumkeysSources() {
        assertEquals(List.of(1, 3, 4), keys(ZUNIONSTORE, req("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2")));
    }

    @Test
    void shouldIgnoreAKeynumSpecWhoseCountIsMalformed() {
        assertEquals(List.of(1), keys(ZUNIONSTORE, req("ZUNIONSTORE", "d", "x", "a")));
        assertEquals(List.of(1), keys(ZUNIONSTORE, req("ZUNIONSTORE", "d", "0", "a")));
        assertEquals(List.of(1), keys(ZUNIONSTORE, req("ZUNIONSTORE", "d", "-1", "a")));
        // more keys announced than there are arguments
        assertEquals(List.of(1), keys(ZUNIONSTORE, req("ZUNIONSTORE", "d", "3", "a", "b")));
    }

    @Test
    void shouldFindKeysAfterATimeoutAndNumkeys() {
        // BLMPOP timeout numkeys key... LEFT|RIGHT
        final KeyFinder blmpop = new KeyFinder.FromSpecs(new KeySpec[] {KeySpec.keynum(2, 0, 1, 1, "RW", "access", "delete")});
        assertEquals(List.of(3, 4), keys(blmpop, req("BLMPOP", "0", "2", "a", "b", "LEFT")));
    }

    @Test
    void shouldReadRangesRelativeToTheEnd() {
        // BLPOP key... timeout: from 1 to the second-to-last argument
        final KeyFinder blpop = new KeyFinder.FromSpecs(new KeySpec[] {KeySpec.range(1, -2, 1, 0, "RW")});
        assertEquals(List.of(1, 2, 3), keys(blpop, req("BLPOP", "a", "b", "c", "0")));
        assertEquals(List.of(), keys(blpop, req("BLPOP", "0")));
    }

    @Test
    void shouldCountMoreKeysThanSixteenBitsHold() {
        final int n = 70_000;
        final String[] args = new String[n + 2];
        args[0] = "SINTERCARD";
        args[1] = Integer.toString(n);
        for (int i = 0; i < n; i++) {
            args[i + 2] = "k" + i;
        }
        final KeyFinder f = new KeyFinder.FromSpecs(new KeySpec[] {KeySpec.keynum(1, 0, 1, 1, "RO", "access")});
        final Request r = req(args);
        assertEquals(n, f.keyCount(r));
        assertEquals(n + 1, f.keyArg(r, n - 1));
    }
    /** GEORADIUS's specs: the source, then the key after STORE and after STOREDIST, searched from 6. */
    private static final KeyFinder GEORADIUS = new KeyFinder.FromSpecs(new KeySpec[] {
        KeySpec.range(1, 0, 1, 0, "RO", "access"), KeySpec.keyword("STORE", 6, 0, 1, 0, "OW", "update"),
        KeySpec.keyword("STOREDIST", 6, 0, 1, 0, "OW", "update")});

    @Test
    void shouldFindTheKeyAfterAKeywordAsRedisSearchesIt() {
        assertEquals(List.of(1, 9), keys(GEORADIUS, req("GEORADIUS", "s", "1", "2", "3", "km", "ASC", "WITHDIST",
                "store", "d")));
        assertEquals(List.of(1, 7, 9), keys(GEORADIUS,
                req("GEORADIUS", "s", "1", "2", "3", "km", "Store", "a", "StoreDist", "b")));
        // the first occurrence counts; one before the start index or in last position does not
        assertEquals(List.of(1, 7), keys(GEORADIUS, req("GEORADIUS", "s", "1", "2", "3", "km", "STORE", "a", "STORE",
                "b")));
        assertEquals(List.of(1), keys(GEORADIUS, req("GEORADIUS", "s", "STORE", "2", "3", "km", "ASC")));
        assertEquals(List.of(1), keys(GEORADIUS, req("GEORADIUS", "s", "1", "2", "3", "km", "STORE")));
    }
}
