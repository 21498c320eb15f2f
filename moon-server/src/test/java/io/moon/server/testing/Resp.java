package io.moon.server.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small RESP2/RESP3 decoder and encoder for tests. Decoded values: {@link Simple} for status
 * replies, {@link Err} for errors, Long for integers, String (ISO-8859-1, byte per char) for bulk
 * strings, null, List for arrays, Map for maps, Set for sets, Double for doubles, Boolean.
 */
public final class Resp {
    private Resp() {
    }

    /** A status reply ("+OK"). */
    public record Simple(String text) {
        @Override
        public String toString() {
            return "+" + text;
        }
    }

    /** An error reply ("-ERR ..."). */
    public record Err(String text) {
        @Override
        public String toString() {
            return "-" + text;
        }
    }

    /** Verbatim string (RESP3 "="). */
    public record Verbatim(String format, String text) {
    }

    /** Bytes as text with everything outside printable ASCII escaped, for readable failures. */
    public static String printable(final byte[] b) {
        if (b == null) {
            return "<closed>";
        }
        final StringBuilder s = new StringBuilder();
        for (final byte x : b) {
            final int c = x & 0xff;
            if (c >= 32 && c < 127) {
                s.append((char) c);
            } else if (c == '\r') {
                s.append("\\r");
            } else if (c == '\n') {
                s.append("\\n");
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }

    /** Encodes a command as a RESP array of bulk strings. */
    public static byte[] command(final String... args) {
        final StringBuilder sb = new StringBuilder();
        sb.append('*').append(args.length).append("\r\n");
        for (final String a : args) {
            final byte[] b = a.getBytes(StandardCharsets.ISO_8859_1);
            sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Decodes one reply from b starting at pos[0]; returns null and leaves pos when incomplete. */
    public static final class Decoder {
        private final byte[] b;
        private final int end;
        private int p;

        public Decoder(final byte[] b, final int start, final int end) {
            this.b = b;
            this.p = start;
            this.end = end;
        }

        public int position() {
            return p;
        }

        /** Thrown when the input ends before the reply does. */
        public static final class Incomplete extends RuntimeException {
            Incomplete() {
                super(null, null, false, false);
            }
        }

        private String line() {
            final int start = p;
            while (true) {
                if (p + 1 >= end) {
                    throw new Incomplete();
                }
                if (b[p] == '\r' && b[p + 1] == '\n') {
                    final String s = new String(b, start, p - start, StandardCharsets.ISO_8859_1);
                    p += 2;
                    return s;
                }
                p++;
            }
        }

        public Object next() {
            if (p >= end) {
                throw new Incomplete();
            }
            final byte t = b[p++];
            switch (t) {
                case '+':
                    return new Simple(line());
                case '-':
                    return new Err(line());
                case ':':
                    return Long.parseLong(line());
                case '$':
                case '=':
                case '!': {
                    final int n = Integer.parseInt(line());
                    if (n < 0) {
                        return null;
                    }
                    if (p + n + 2 > end) {
                        throw new Incomplete();
                    }
                    final String s = new String(b, p, n, StandardCharsets.ISO_8859_1);
                    p += n + 2;
                    if (t == '=') {
                        return new Verbatim(s.substring(0, 3), s.substring(4));
                    }
                    if (t == '!') {
                        return new Err(s);
                    }
                    return s;
                }
                case '*':
                case '>': {
                    final int n = Integer.parseInt(line());
                    if (n < 0) {
                        return null;
                    }
                    final List<Object> l = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        l.add(next());
                    }
                    return l;
                }
                case '~': {
                    final int n = Integer.parseInt(line());
                    final Set<Object> s = new LinkedHashSet<>();
                    for (int i = 0; i < n; i++) {
                        s.add(next());
                    }
                    return s;
                }
                case '%': {
                    final int n = Integer.parseInt(line());
                    final Map<Object, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        final Object k = next();
                        m.put(k, next());
                    }
                    return m;
                }
                case '_':
                    line();
                    return null;
                case ',': {
                    final String s = line();
                    return switch (s) {
                        case "inf" -> Double.POSITIVE_INFINITY;
                        case "-inf" -> Double.NEGATIVE_INFINITY;
                        default -> Double.parseDouble(s);
                    };
                }
                case '#':
                    return line().equals("t");
                case '(':
                    return new java.math.BigInteger(line());
                default:
                    throw new IllegalStateException("bad RESP type byte " + (char) t + " at " + (p - 1));
            }
        }
    }
}
