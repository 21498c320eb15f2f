package io.moon.server.tx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generation rules of WATCH: stale registrations never hide or fake a touch. */
class TxStateTest {
    @Test
    void shouldStayDirtyWhenAStaleRegistrationIsTouchedAfterACurrentOne() {
        final TxState tx = new TxState();
        final long old = tx.generation();
        tx.unwatch(); // EXEC: the old registrations' removal messages may still be queued on shards
        final long current = tx.generation();
        tx.touched(current); // a shard changes a key watched now
        tx.touched(old); // a lagging shard changes a key watched before, not yet unregistered there
        assertTrue(tx.dirty(), "the current generation's touch was lost");
    }

    @Test
    void shouldIgnoreTouchesOfAnEarlierGeneration() {
        final TxState tx = new TxState();
        final long old = tx.generation();
        tx.unwatch();
        tx.touched(old);
        assertFalse(tx.dirty());
    }
}
