package io.moon.server.pubsub;

import java.util.Arrays;

/** A channel or pattern name as a map key: its bytes, compared by content. Immutable. */
final class Name {
    final byte[] bytes;
    private final int hash;

    Name(final byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    static Name copyOf(final byte[] b, final int off, final int len) {
        return new Name(Arrays.copyOfRange(b, off, off + len));
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof Name n && n.hash == hash && Arrays.equals(n.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
