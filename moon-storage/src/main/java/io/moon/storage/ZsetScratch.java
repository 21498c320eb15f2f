package io.moon.storage;

/**
 * Per-thread scratch for sorted-set operations, so a command allocates nothing on its way: the
 * results a mutation hands back besides its return value (the entry's new address, the new
 * score), a cursor, parsed ranges and room to format a score.
 *
 * <p>One per thread ({@link #get()}); an operation must not hold it across another's use.
 */
public final class ZsetScratch {
    private static final ThreadLocal<ZsetScratch> LOCAL = ThreadLocal.withInitial(ZsetScratch::new);

    /** The entry's address after a mutation, 0 when the mutation deleted the key. */
    public long addr;
    /** The member's score after {@link Zsets#add} or {@link Zsets#rank}. */
    public double score;
    public final ZCursor cursor = new ZCursor();
    public final ScoreRange range = new ScoreRange();
    public final LexRange lex = new LexRange();
    /** Room for one score's text. */
    final byte[] text = new byte[ZsetPacked.MAX_SCORE_CHARS];

    private ZsetScratch() {
    }

    /** This thread's scratch. */
    public static ZsetScratch get() {
        return LOCAL.get();
    }
}
