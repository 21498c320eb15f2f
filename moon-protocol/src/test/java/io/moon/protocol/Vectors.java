package io.moon.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the glibc test vectors under src/test/resources/io/moon/protocol/vectors, produced by
 * src/test/c/gen_vectors.py: '#' lines are comments, fields are tab-separated, strings escape
 * every byte outside 0x21..0x7e (and '\') as \xHH.
 */
final class Vectors {
    private Vectors() {
    }

    static List<String[]> read(final String name) {
        final InputStream in = Vectors.class.getResourceAsStream("vectors/" + name);
        if (in == null) {
            throw new IllegalStateException("missing vector file " + name);
        }
        final List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("#")) {
                    rows.add(line.split("\t", -1));
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        if (rows.size() < 1000) {
            throw new IllegalStateException(name + " has only " + rows.size() + " vectors");
        }
        return rows;
    }

    static byte[] unescape(final String s) {
        final byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '\\') {
                out[n++] = (byte) Integer.parseInt(s.substring(i + 2, i + 4), 16);
                i += 3;
            } else {
                out[n++] = (byte) c;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    static String escape(final byte[] b) {
        final StringBuilder sb = new StringBuilder(b.length);
        for (final byte x : b) {
            if (x >= 0x21 && x <= 0x7e && x != '\\') {
                sb.append((char) x);
            } else {
                sb.append(String.format("\\x%02x", x & 0xff));
            }
        }
        return sb.toString();
    }

    /** True when {@code actual} is {@code expected}, or has the length and SHA-256 it names. */
    static boolean textMatches(final String expected, final String actual) {
        if (!expected.startsWith("len=")) {
            return expected.equals(actual);
        }
        final int comma = expected.indexOf(",sha256=");
        final int len = Integer.parseInt(expected.substring(4, comma));
        return actual.length() == len && expected.substring(comma + 8).equals(sha256(actual));
    }

    private static String sha256(final String s) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects mismatches and fails once, with a count and the first few. */
    static final class Mismatches {
        private final String what;
        private final List<String> items = new ArrayList<>();
        private int checked;

        Mismatches(final String what) {
            this.what = what;
        }

        void checked() {
            checked++;
        }

        void add(final String description) {
            items.add(description);
        }

        void assertNone() {
            if (!items.isEmpty()) {
                throw new AssertionError(items.size() + " of " + checked + " " + what + " vectors disagree with glibc; first ones:\n  "
                        + String.join("\n  ", items.subList(0, Math.min(25, items.size()))));
            }
            if (checked < 1000) {
                throw new AssertionError("only " + checked + " " + what + " vectors checked");
            }
        }
    }
}
