package io.moon.server.commands;

import io.moon.storage.HllValue;
import io.moon.storage.HyperLogLog;

import java.util.SplittableRandom;

/**
 * PFSELFTEST: the checks Redis runs on its HLL code, run on Moon's. First, every dense register
 * keeps the value written to it without disturbing its neighbours (random values, many rounds);
 * second, ten million distinct elements go into a dense and a sparse HLL at once, and at 1, 10,
 * 100... elements the sparse one must still be sparse while small, both must count the same, and
 * the count must be within six standard errors. It runs on the calling thread for about a second,
 * as Redis's blocks its server.
 */
final class HllSelfTest {
    private static final int REGISTER_ROUNDS = 1000;
    private static final int ELEMENTS = 10_000_000;

    private HllSelfTest() {
    }

    /** Null when every check passed, else the error to reply (without the leading '-'). */
    static String run(final long sparseMaxBytes) {
        final SplittableRandom random = new SplittableRandom();
        final byte[] dense = new byte[HyperLogLog.DENSE_BYTES];
        final int regs = HyperLogLog.HEADER_BYTES;
        final byte[] expected = new byte[HyperLogLog.REGISTERS];
        for (int round = 0; round < REGISTER_ROUNDS; round++) {
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                final int v = random.nextInt(64);
                expected[i] = (byte) v;
                HyperLogLog.setRegister(dense, regs, i, v);
            }
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                final int v = HyperLogLog.getRegister(dense, regs, i);
                if (v != expected[i]) {
                    return "TESTFAILED Register " + i + " should be " + expected[i] + " but is " + v;
                }
            }
        }
        java.util.Arrays.fill(dense, (byte) 0);
        final HllValue sparse = HllValue.empty();
        final double relativeError = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        final long seed = random.nextLong();
        final byte[] element = new byte[8];
        long checkpoint = 1;
        for (long j = 1; j <= ELEMENTS; j++) {
            final long e = j ^ seed;
            for (int b = 0; b < 8; b++) {
                element[b] = (byte) (e >>> (8 * b));
            }
            HyperLogLog.denseAdd(dense, 0, element, 0, 8);
            sparse.add(element, 0, 8, sparseMaxBytes);
            if (j != checkpoint) {
                continue;
            }
            if (j < sparseMaxBytes / 2 && sparse.encoding() != HyperLogLog.SPARSE) {
                return "TESTFAILED sparse encoding not used";
            }
            final long count = HyperLogLog.count(dense, 0, HyperLogLog.DENSE_BYTES);
            if (count != HyperLogLog.count(sparse.bytes(), 0, sparse.length())) {
                return "TESTFAILED dense/sparse disagree";
            }
            final long maxError = (long) Math.ceil(relativeError * 6 * checkpoint);
            final long error = Math.abs(checkpoint - count);
            if (error > maxError) {
                return "TESTFAILED Too big error. card:" + checkpoint + " abserr:" + error;
            }
            checkpoint *= 10;
        }
        return null;
    }
}
