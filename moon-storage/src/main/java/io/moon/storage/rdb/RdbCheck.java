package io.moon.storage.rdb;

import io.moon.storage.ValueType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code moon --check-rdb FILE}: reads the whole file without loading it anywhere and prints what
 * it holds (version, aux fields, function libraries, keys per database and per type, keys with a TTL, hash fields
 * with a TTL when there are any), or the first
 * error with its offset. Exit code 0 when the file is valid, 1 otherwise.
 */
public final class RdbCheck {
    private RdbCheck() {
    }

    /** The name in a library's "#!lua name=NAME" first line, or "?". */
    static String libraryName(final byte[] code) {
        final String s = new String(code, 0, Math.min(code.length, 256), StandardCharsets.UTF_8);
        final int nl = s.indexOf('\n');
        final String first = nl < 0 ? s : s.substring(0, nl);
        for (final String part : first.split("[ \t\r]+")) {
            if (part.startsWith("name=")) {
                return part.substring(5);
            }
        }
        return "?";
    }

    public static int run(final Path file, final PrintStream out, final PrintStream err) {
        final Map<Integer, long[]> perDb = new TreeMap<>();
        final Map<String, String> aux = new TreeMap<>();
        final java.util.List<String> libraries = new java.util.ArrayList<>();
        final long size;
        final RdbReader reader;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            size = Files.size(file);
            reader = new RdbReader(in, size);
            reader.read(new RdbReader.Sink() {
                @Override
                public void aux(final byte[] key, final byte[] value) {
                    aux.put(new String(key, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
                }

                @Override
                public void function(final byte[] code) {
                    libraries.add(libraryName(code));
                }

                @Override
                public void entry(final int db, final byte[] key, final RdbObject value, final long expireAt,
                                  final long idle, final int freq) {
                    final long[] c = perDb.computeIfAbsent(db, d -> new long[9]);
                    c[value.type()]++;
                    c[6]++;
                    if (expireAt >= 0) {
                        c[7]++;
                    }
                    if (value.fieldTtls() != null) {
                        for (final long at : value.fieldTtls()) {
                            c[8] += at != 0 ? 1 : 0;
                        }
                    }
                }
            });
        } catch (final RdbException e) {
            err.println("moon: " + file + ": " + e.getMessage());
            return 1;
        } catch (final IOException | java.io.UncheckedIOException e) {
            err.println("moon: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        out.println("RDB file " + file + ": version " + reader.version() + ", " + size + " bytes, OK");
        aux.forEach((k, v) -> out.println("aux " + k + " = " + v));
        for (final String lib : libraries) {
            out.println("function library " + lib);
        }
        perDb.forEach((db, c) -> {
            final StringBuilder sb = new StringBuilder("db" + db + ": keys=" + c[6] + " expires=" + c[7]);
            for (int t = 0; t <= ValueType.STREAM; t++) {
                if (c[t] > 0) {
                    sb.append(' ').append(ValueType.name(t)).append('=').append(c[t]);
                }
            }
            if (c[8] > 0) {
                sb.append(" hash-field-ttls=").append(c[8]);
            }
            out.println(sb);
        });
        return 0;
    }
}
