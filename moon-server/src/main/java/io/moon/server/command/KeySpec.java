package io.moon.server.command;

/**
 * A Redis 7 key specification, as COMMAND INFO reports it: flags describing what the command
 * does with the keys, where the search for keys begins and how keys are found from there.
 * The forms this table needs are modelled: begin at an index, or after a keyword searched for
 * from an index on (GEORADIUS's STORE; {@code beginIndex} is then where the search starts), then
 * find a range (lastkey, keystep, limit) or a count given by an argument (keynum).
 *
 * @param keyword the begin-search keyword in upper case, or null for an index begin-search
 */
public record KeySpec(String[] flags, int beginIndex, boolean keynum, int lastKeyOrKeynumIdx, int keyStep,
                      int limitOrFirstKey, String keyword) {

    /** One spec covering keys first..last step (last relative to first; -1 = to the end). */
    static KeySpec[] range(final int first, final int last, final int step, final String... flags) {
        final int relLast = last < 0 ? last : last - first;
        return new KeySpec[] {new KeySpec(flags, first, false, relLast, step, 0, null)};
    }

    /** A range spec with explicit values, as {@code lastkey}, {@code keystep}, {@code limit}. */
    public static KeySpec range(final int begin, final int lastKey, final int keyStep, final int limit,
                                final String... flags) {
        return new KeySpec(flags, begin, false, lastKey, keyStep, limit, null);
    }

    /** A keynum spec: the number of keys is the argument at keynumIdx (relative to begin). */
    public static KeySpec keynum(final int begin, final int keynumIdx, final int firstKey, final int keyStep,
                                 final String... flags) {
        return new KeySpec(flags, begin, true, keynumIdx, keyStep, firstKey, null);
    }

    /**
     * A keyword spec: the key follows the first argument equal to {@code keyword} (any case)
     * searched from index {@code startFrom} on, then a range as in {@link #range(int, int, int, int, String...)}.
     */
    public static KeySpec keyword(final String keyword, final int startFrom, final int lastKey, final int keyStep,
                                  final int limit, final String... flags) {
        return new KeySpec(flags, startFrom, false, lastKey, keyStep, limit, keyword);
    }

    /**
     * A spec whose keys cannot be found from the arguments' positions (SORT's BY/GET patterns,
     * its STORE anywhere in the arguments): COMMAND INFO shows "unknown" for both searches.
     */
    public static KeySpec unknown(final String... flags) {
        return new KeySpec(flags, 0, false, 0, 0, 0, null);
    }

    /** True for an {@link #unknown} spec. */
    public boolean isUnknown() {
        return beginIndex == 0 && keyword == null;
    }
}
