package io.moon.server.wal;

/** {@link AofTest}'s tests with appendfsync always's fsync on the shard's sync thread. */
final class AofSyncThreadTest extends AofTest {
    @Override
    String fsyncPath() {
        return "thread";
    }
}
