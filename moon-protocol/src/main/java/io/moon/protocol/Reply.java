package io.moon.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Writes replies straight into an output buffer, in RESP2 or RESP3 as the connection negotiated.
 *
 * <p>One instance per place replies are produced (a connection's own output, a shard's reply
 * buffer for remote calls); {@link #bind} points it at the buffer and protocol for the command
 * being run. Common replies are pre-encoded constants; numbers are formatted in place. Nothing
 * here allocates, except the String-taking methods meant for cold paths.
 *
 * <p>Where the two protocols differ (null, map, set, double, boolean, verbatim, push) the method
 * writes the RESP3 type or its RESP2 equivalent, as Redis does.
 */
public final class Reply {
    public static final byte[] OK = ascii("+OK\r\n");
    public static final byte[] PONG = ascii("+PONG\r\n");
    public static final byte[] QUEUED = ascii("+QUEUED\r\n");
    public static final byte[] ZERO = ascii(":0\r\n");
    public static final byte[] ONE = ascii(":1\r\n");
    public static final byte[] MINUS_ONE = ascii(":-1\r\n");
    public static final byte[] MINUS_TWO = ascii(":-2\r\n");
    public static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
    public static final byte[] EMPTY_BULK = ascii("$0\r\n\r\n");
    private static final byte[] NULL_BULK2 = ascii("$-1\r\n");
    private static final byte[] NULL_ARRAY2 = ascii("*-1\r\n");
    private static final byte[] NULL3 = ascii("_\r\n");
    private static final byte[] TRUE3 = ascii("#t\r\n");
    private static final byte[] FALSE3 = ascii("#f\r\n");
    private static final byte[] CRLF = ascii("\r\n");

    private ByteBuf out;
    private int proto = 2;
    /** Scratch for formatting doubles; one per writer, reused. */
    private final byte[] scratch = new byte[64];

    public Reply bind(final ByteBuf out, final int proto) {
        this.out = out;
        this.proto = proto;
        return this;
    }

    public ByteBuf out() {
        return out;
    }

    public int proto() {
        return proto;
    }

    public boolean resp3() {
        return proto >= 3;
    }

    /** Writes pre-encoded bytes (a constant reply or an error). */
    public void raw(final byte[] encoded) {
        out.writeBytes(encoded);
    }

    public void raw(final ByteBuf encoded) {
        out.writeBytes(encoded, encoded.readerIndex(), encoded.readableBytes());
    }

    public void ok() {
        out.writeBytes(OK);
    }

    /** "+text\r\n"; text must hold no CR/LF. */
    public void simple(final byte[] text) {
        out.writeByte('+');
        out.writeBytes(text);
        out.writeBytes(CRLF);
    }

    /** Simple string from a String; cold path. */
    public void simple(final String text) {
        out.writeByte('+');
        out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
    }

    /**
     * An error from a String such as "ERR syntax error" (code first). CR and LF become spaces so
     * the reply stays one line, as Redis's addReplyError does. Cold path.
     */
    public void error(final String message) {
        out.writeByte('-');
        for (int i = 0; i < message.length(); i++) {
            final char c = message.charAt(i);
            out.writeByte(c == '\r' || c == '\n' ? ' ' : c);
        }
        out.writeBytes(CRLF);
    }

    public void integer(final long v) {
        if (v == 0) {
            out.writeBytes(ZERO);
        } else if (v == 1) {
            out.writeBytes(ONE);
        } else {
            out.writeByte(':');
            Numbers.writeLong(out, v);
            out.writeBytes(CRLF);
        }
    }

    public void bulk(final byte[] b) {
        bulk(b, 0, b.length);
    }

    public void bulk(final byte[] b, final int off, final int len) {
        out.ensureWritable(len + 16);
        out.writeByte('$');
        Numbers.writeLong(out, len);
        out.writeBytes(CRLF);
        out.writeBytes(b, off, len);
        out.writeBytes(CRLF);
    }

    /** Bulk string from a String (ISO-8859-1, one byte per char); cold path. */
    public void bulk(final String s) {
        out.writeByte('$');
        Numbers.writeLong(out, s.length());
        out.writeBytes(CRLF);
        out.writeCharSequence(s, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
    }

    /** A long as a bulk string ("$2\r\n42\r\n"), as GET of an int-encoded value replies. */
    public void bulkLong(final long v) {
        out.writeByte('$');
        Numbers.writeLong(out, Numbers.digits(v));
        out.writeBytes(CRLF);
        Numbers.writeLong(out, v);
        out.writeBytes(CRLF);
    }

    /** Header of a bulk string whose bytes the caller writes next, followed by {@link #crlf()}. */
    public void bulkHeader(final long len) {
        out.writeByte('$');
        Numbers.writeLong(out, len);
        out.writeBytes(CRLF);
    }

    public void crlf() {
        out.writeBytes(CRLF);
    }

    /** The null bulk string: "$-1" in RESP2, "_" in RESP3. */
    public void nullBulk() {
        out.writeBytes(proto >= 3 ? NULL3 : NULL_BULK2);
    }

    /** The null array: "*-1" in RESP2, "_" in RESP3. */
    public void nullArray() {
        out.writeBytes(proto >= 3 ? NULL3 : NULL_ARRAY2);
    }

    public void arrayHeader(final long n) {
        out.writeByte('*');
        Numbers.writeLong(out, n);
        out.writeBytes(CRLF);
    }

    /** A map of n pairs: "%n" in RESP3, a flat array of 2n elements in RESP2. */
    public void mapHeader(final long n) {
        if (proto >= 3) {
            out.writeByte('%');
            Numbers.writeLong(out, n);
        } else {
            out.writeByte('*');
            Numbers.writeLong(out, n * 2);
        }
        out.writeBytes(CRLF);
    }

    /** A set: "~n" in RESP3, an array in RESP2. */
    public void setHeader(final long n) {
        out.writeByte(proto >= 3 ? '~' : '*');
        Numbers.writeLong(out, n);
        out.writeBytes(CRLF);
    }

    /** A push message header: ">n" in RESP3, an array in RESP2. */
    public void pushHeader(final long n) {
        out.writeByte(proto >= 3 ? '>' : '*');
        Numbers.writeLong(out, n);
        out.writeBytes(CRLF);
    }

    /** A boolean: "#t"/"#f" in RESP3, ":1"/":0" in RESP2. */
    public void bool(final boolean v) {
        if (proto >= 3) {
            out.writeBytes(v ? TRUE3 : FALSE3);
        } else {
            out.writeBytes(v ? ONE : ZERO);
        }
    }

    /**
     * A double: "," in RESP3, a bulk string in RESP2, both printed as Redis's %.17g does
     * ("inf"/"-inf" for infinities).
     */
    public void doubleValue(final double d) {
        if (d == (long) d && Math.abs(d) < 0x1p53 && (d != 0 || Double.doubleToRawLongBits(d) == 0)) {
            // an integer below 2^53 prints as its digits in %.17g: no formatting, no allocation
            final long v = (long) d;
            if (proto >= 3) {
                out.writeByte(',');
                Numbers.writeLong(out, v);
                out.writeBytes(CRLF);
            } else {
                bulkLong(v);
            }
            return;
        }
        final int n = DoubleFormat.formatG17(d, scratch, 0);
        if (proto >= 3) {
            out.writeByte(',');
            out.writeBytes(scratch, 0, n);
            out.writeBytes(CRLF);
        } else {
            bulk(scratch, 0, n);
        }
    }

    /** Verbatim text ("=len\r\ntxt:..." in RESP3, a bulk string in RESP2); cold path. */
    public void verbatim(final String text) {
        if (proto >= 3) {
            final byte[] b = text.getBytes(StandardCharsets.UTF_8);
            out.writeByte('=');
            Numbers.writeLong(out, b.length + 4L);
            out.writeBytes(CRLF);
            out.writeBytes(ascii("txt:"));
            out.writeBytes(b);
            out.writeBytes(CRLF);
        } else {
            final byte[] b = text.getBytes(StandardCharsets.UTF_8);
            bulk(b, 0, b.length);
        }
    }

    public static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Pre-encodes an error reply: "-" + message + CRLF. */
    public static byte[] err(final String message) {
        return ascii("-" + message + "\r\n");
    }
}
