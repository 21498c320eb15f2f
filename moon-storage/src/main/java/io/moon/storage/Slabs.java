package io.moon.storage;

import java.util.Arrays;

/**
 * A size-class allocator of entry slots on on-heap pages ({@code byte[]}), one per database.
 *
 * <p>Why pages: a Java object per key costs a header, a length, padding and a reference, and a
 * collector that has to trace 100 million of them. Here a key and its value share one slot in a
 * page, a page holds thousands of slots, and the collector sees only the pages. An entry is named
 * by a 64-bit address: page id in the high 32 bits, byte offset in the low 32 (page id 0 is never
 * used, so address 0 means "none").
 *
 * <p>Slots come in size classes: 8-byte steps up to 256 bytes, then four classes per doubling up
 * to {@link #MAX_SLOT_BYTES}; waste per entry is at most 7 bytes for small entries and 20% for
 * large ones, like jemalloc's classes under Redis. A freed slot goes on its page's free list; a
 * page whose last slot is freed is given back to the collector (one empty page per class is kept
 * to avoid churn). Larger entries get a page of their own ("huge" pages). A class's first page is
 * small and later pages grow, so a database with ten keys does not cost 64 KB per class.
 *
 * <p>Owned by its shard thread; not thread-safe.
 */
public final class Slabs {
    /** Entries above this size get a page of their own. */
    public static final int MAX_SLOT_BYTES = 16384;
    static final int MIN_SLOT_BYTES = 16;
    private static final int HUGE = -1;
    private static final int FIRST_PAGE_BYTES = 4096;
    private static final int MAX_SMALL_PAGE_BYTES = 64 * 1024;
    private static final int MIN_SLOTS_PER_PAGE = 8;

    static final int[] CLASS_BYTES;
    /** Size class by ceil(size / 8), for every size up to MAX_SLOT_BYTES. */
    private static final byte[] CLASS_BY_SIZE8;

    static {
        final int[] sizes = new int[128];
        int n = 0;
        for (int s = MIN_SLOT_BYTES; s <= 256; s += 8) {
            sizes[n++] = s;
        }
        for (int base = 256; base < MAX_SLOT_BYTES; base <<= 1) {
            final int step = base / 4;
            for (int k = 1; k <= 4; k++) {
                sizes[n++] = base + k * step;
            }
        }
        CLASS_BYTES = Arrays.copyOf(sizes, n);
        CLASS_BY_SIZE8 = new byte[MAX_SLOT_BYTES / 8 + 1];
        int c = 0;
        for (int s8 = 0; s8 < CLASS_BY_SIZE8.length; s8++) {
            while (CLASS_BYTES[c] < s8 * 8) {
                c++;
            }
            CLASS_BY_SIZE8[s8] = (byte) c;
        }
    }

    private byte[][] pages = new byte[16][];
    private int[] pageClass = new int[16];
    private int[] pageLive = new int[16];
    private int[] pageFreeHead = new int[16];
    private int[] pageBump = new int[16];
    /** Doubly linked list of pages with a free slot, per class (0 = none). */
    private int[] pageNext = new int[16];
    private int[] pagePrev = new int[16];
    private boolean[] pageListed = new boolean[16];
    private final int[] classHead = new int[CLASS_BYTES.length];
    private final int[] classPages = new int[CLASS_BYTES.length];
    private final int[] classSpareEmpty = new int[CLASS_BYTES.length];
    private int pageCount = 1;
    private int[] freeIds = new int[16];
    private int freeIdCount;

    private long pageBytes;
    private long slotBytes;

    /** Bytes held in pages (what the keyspace costs the heap, minus table arrays). */
    public long pageBytes() {
        return pageBytes;
    }

    /** Bytes of slots in use. */
    public long slotBytes() {
        return slotBytes;
    }

    public static int classOf(final int size) {
        return CLASS_BY_SIZE8[(size + 7) >>> 3];
    }

    /** The slot size an entry of {@code size} bytes gets (its own page beyond MAX_SLOT_BYTES). */
    public static int slotSizeFor(final int size) {
        if (size > MAX_SLOT_BYTES) {
            return (size + 7) & ~7;
        }
        return CLASS_BYTES[classOf(Math.max(size, MIN_SLOT_BYTES))];
    }

    public byte[] page(final long addr) {
        return pages[(int) (addr >>> 32)];
    }

    public static int offset(final long addr) {
        return (int) addr;
    }

    /** Capacity of the slot at addr. */
    public int slotSize(final long addr) {
        final int pid = (int) (addr >>> 32);
        final int c = pageClass[pid];
        return c == HUGE ? pages[pid].length : CLASS_BYTES[c];
    }

    /** Allocates a slot of at least {@code size} bytes; its content is unspecified. */
    public long alloc(final int size) {
        if (size > MAX_SLOT_BYTES) {
            final int pid = newPageId();
            final int bytes = (size + 7) & ~7;
            pages[pid] = new byte[bytes];
            pageClass[pid] = HUGE;
            pageLive[pid] = 1;
            pageBytes += bytes;
            slotBytes += bytes;
            return (long) pid << 32;
        }
        final int c = classOf(Math.max(size, MIN_SLOT_BYTES));
        int pid = classHead[c];
        if (pid == 0) {
            pid = newSlabPage(c);
        }
        if (classSpareEmpty[c] == pid) {
            classSpareEmpty[c] = 0;
        }
        final int slot = CLASS_BYTES[c];
        final byte[] page = pages[pid];
        int off = pageFreeHead[pid];
        if (off >= 0) {
            pageFreeHead[pid] = Entry.getInt(page, off);
        } else {
            off = pageBump[pid];
            pageBump[pid] = off + slot;
        }
        pageLive[pid]++;
        slotBytes += slot;
        if (pageFreeHead[pid] < 0 && pageBump[pid] + slot > page.length) {
            unlist(c, pid);
        }
        return ((long) pid << 32) | off;
    }

    /** Returns the slot at addr to its page. */
    public void free(final long addr) {
        final int pid = (int) (addr >>> 32);
        final int c = pageClass[pid];
        if (c == HUGE) {
            pageBytes -= pages[pid].length;
            slotBytes -= pages[pid].length;
            releasePageId(pid);
            return;
        }
        final int off = (int) addr;
        final byte[] page = pages[pid];
        Entry.putInt(page, off, pageFreeHead[pid]);
        pageFreeHead[pid] = off;
        slotBytes -= CLASS_BYTES[c];
        if (--pageLive[pid] == 0) {
            if (classSpareEmpty[c] != 0 && classSpareEmpty[c] != pid) {
                unlist(c, pid);
                pageBytes -= page.length;
                classPages[c]--;
                releasePageId(pid);
                return;
            }
            classSpareEmpty[c] = pid;
        }
        if (!pageListed[pid]) {
            list(c, pid);
        }
    }

    private int newSlabPage(final int c) {
        final int slot = CLASS_BYTES[c];
        final int grown = FIRST_PAGE_BYTES << Math.min(classPages[c], 8);
        final int cap = Math.max(MAX_SMALL_PAGE_BYTES, slot * MIN_SLOTS_PER_PAGE * 2);
        final int bytes = Math.max(Math.min(grown, cap), slot * MIN_SLOTS_PER_PAGE);
        final int pid = newPageId();
        pages[pid] = new byte[bytes];
        pageClass[pid] = c;
        pageLive[pid] = 0;
        pageFreeHead[pid] = -1;
        pageBump[pid] = 0;
        classPages[c]++;
        pageBytes += bytes;
        list(c, pid);
        return pid;
    }

    private void list(final int c, final int pid) {
        final int head = classHead[c];
        pageNext[pid] = head;
        pagePrev[pid] = 0;
        if (head != 0) {
            pagePrev[head] = pid;
        }
        classHead[c] = pid;
        pageListed[pid] = true;
    }

    private void unlist(final int c, final int pid) {
        if (!pageListed[pid]) {
            return;
        }
        final int next = pageNext[pid];
        final int prev = pagePrev[pid];
        if (prev != 0) {
            pageNext[prev] = next;
        } else {
            classHead[c] = next;
        }
        if (next != 0) {
            pagePrev[next] = prev;
        }
        pageListed[pid] = false;
    }

    private int newPageId() {
        if (freeIdCount > 0) {
            return freeIds[--freeIdCount];
        }
        if (pageCount == pages.length) {
            final int n = pages.length << 1;
            pages = Arrays.copyOf(pages, n);
            pageClass = Arrays.copyOf(pageClass, n);
            pageLive = Arrays.copyOf(pageLive, n);
            pageFreeHead = Arrays.copyOf(pageFreeHead, n);
            pageBump = Arrays.copyOf(pageBump, n);
            pageNext = Arrays.copyOf(pageNext, n);
            pagePrev = Arrays.copyOf(pagePrev, n);
            pageListed = Arrays.copyOf(pageListed, n);
        }
        return pageCount++;
    }

    private void releasePageId(final int pid) {
        pages[pid] = null;
        pageListed[pid] = false;
        if (freeIdCount == freeIds.length) {
            freeIds = Arrays.copyOf(freeIds, freeIds.length << 1);
        }
        freeIds[freeIdCount++] = pid;
    }

    /** Bytes of the page-id bookkeeping arrays, for memory reports. */
    public long overheadBytes() {
        return (long) pages.length * (8 + 4 * 6 + 1) + freeIds.length * 4L;
    }
}
