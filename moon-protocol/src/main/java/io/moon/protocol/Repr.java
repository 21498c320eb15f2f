package io.moon.protocol;

/**
 * Redis's quoted form of a byte string (sdscatrepr), as MONITOR lines and CONFIG REWRITE write
 * it: in double quotes, printable ASCII as is, {@code \\ \" \n \r \t \a \b} escaped, every other
 * byte as {@code \xHH}. Redis's config reader and redis-cli turn it back into the same bytes.
 */
public final class Repr {
    private Repr() {
    }

    /** Appends the quoted form of b[off, off+len) to sb. */
    public static void append(final StringBuilder sb, final byte[] b, final int off, final int len) {
        sb.append('"');
        for (int i = off; i < off + len; i++) {
            final int c = b[i] & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    }
                }
            }
        }
        sb.append('"');
    }
}
