package io.moon.protocol;

/**
 * Splits an inline command line into arguments with the rules of Redis's {@code sdssplitargs}
 * (also what redis-cli uses for typed commands):
 * <ul>
 *   <li>words are separated by spaces, tabs, CR, LF (leading VT and FF are skipped too);</li>
 *   <li>"double quotes" allow \n \r \t \b \a escapes, \xHH hex bytes and \ before any other byte;</li>
 *   <li>'single quotes' allow only \' as an escape;</li>
 *   <li>a quote may open in the middle of a word; a closing quote must be followed by a space or
 *       the end of the line, and an unterminated quote is an error;</li>
 *   <li>a NUL byte ends the line, as it ends the C string Redis works on (RespParser never
 *       passes one: Redis never finds the end of a line that holds a NUL, and neither does it).</li>
 * </ul>
 */
final class InlineSplitter {
    private InlineSplitter() {
    }

    /** Appends the arguments of line[0, len) to r; returns false on unbalanced quotes. */
    static boolean split(final byte[] line, final int len, final Request r) {
        r.ensureRoom(len);
        int p = 0;
        while (true) {
            while (p < len && isSpace(line[p])) {
                p++;
            }
            if (p >= len || line[p] == 0) {
                return true;
            }
            r.beginArg();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                final byte c = p < len ? line[p] : 0;
                if (inDouble) {
                    if (c == '\\' && p + 3 < len && line[p + 1] == 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
                        r.appendByte((byte) ((hex(line[p + 2]) << 4) | hex(line[p + 3])));
                        p += 3;
                    } else if (c == '\\' && p + 1 < len && line[p + 1] != 0) {
                        p++;
                        final byte e = line[p];
                        r.appendByte(switch (e) {
                            case 'n' -> (byte) '\n';
                            case 'r' -> (byte) '\r';
                            case 't' -> (byte) '\t';
                            case 'b' -> (byte) '\b';
                            case 'a' -> (byte) 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (p + 1 < len && line[p + 1] != 0 && !isSpace(line[p + 1])) {
                            return false;
                        }
                        done = true;
                    } else if (c == 0) {
                        return false;
                    } else {
                        r.appendByte(c);
                    }
                } else if (inSingle) {
                    if (c == '\\' && p + 1 < len && line[p + 1] == '\'') {
                        p++;
                        r.appendByte((byte) '\'');
                    } else if (c == '\'') {
                        if (p + 1 < len && line[p + 1] != 0 && !isSpace(line[p + 1])) {
                            return false;
                        }
                        done = true;
                    } else if (c == 0) {
                        return false;
                    } else {
                        r.appendByte(c);
                    }
                } else {
                    switch (c) {
                        case ' ', '\n', '\r', '\t', 0 -> done = true;
                        case '"' -> inDouble = true;
                        case '\'' -> inSingle = true;
                        default -> r.appendByte(c);
                    }
                }
                if (p < len && line[p] != 0) {
                    p++;
                }
            }
        }
    }

    private static boolean isSpace(final byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(final byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(final byte c) {
        if (c <= '9') {
            return c - '0';
        }
        return (c | 0x20) - 'a' + 10;
    }
}
