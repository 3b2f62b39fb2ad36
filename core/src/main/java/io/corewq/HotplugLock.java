// The hotplug read lock: striped reader counts (no shared CAS on the read path), reentrant readers, one writer (the controller).
package io.corewq;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A per-CPU-style reader/writer lock in the manner of the kernel's percpu-rwsem, guarding the set
 * of online CPUs.
 *
 * <h2>Implementation overview</h2>
 * Each thread that reads gets a {@link Guard} of its own, the first time it enters, holding its
 * stripe and how deeply it is inside. Stripes are handed out in turn, so the first
 * {@code stripes} threads never share one; stripes sit on separate cache lines, so readers on
 * different threads do not write the same line. The outermost entry increments the thread's
 * stripe and then reads {@link #writer}. The writer publishes itself in {@link #writer} and then
 * waits until the stripes sum to zero. Both sides write then read with sequentially consistent
 * accesses, so either the reader sees the writer (and backs out, waits, retries) or the writer
 * sees the reader (and waits for it).
 *
 * <p><b>Reentrancy.</b> A nested entry only counts one more level in the thread's guard: it does
 * not look at the writer. It must not: a writer waiting for the outer entry's stripe to drain
 * would wait forever for a reader that waits for it to finish (found by
 * {@code HotplugLockLincheckTest}). The outer entry already holds the writer off, so a nested one
 * needs nothing more. A guard is left on the thread that entered, as many times as it entered;
 * anything else throws {@link IllegalStateException}.
 *
 * <p>The controller holds the write side for the flip of a CPU's state (marking it online or
 * offline and re-targeting its pools), which runs no user code, and, on an offline, before the
 * flip, while it parks the CPU's per-CPU threads (as the kernel parks its smpboot threads under
 * {@code cpus_write_lock}): their {@link PerCpuThread} callbacks may run then, so they must not
 * take the read side. Hotplug state callbacks run outside the write side, so they may take the
 * read lock and may wait for work items that take it (seed 004). The controller may read while
 * it holds the write side; taking the write side from inside the read side would wait for itself,
 * and throws instead. Writers exclude each other (the controller, and the CPU watcher's re-pin).
 */
public final class HotplugLock {
    private static final int PAD = 16; // longs per stripe: 128 bytes apart
    private final int stripes;
    private final AtomicLongArray counts;
    /** Any thread: the next stripe to hand out, counted up forever (masked when used). */
    private final AtomicInteger nextStripe = new AtomicInteger();
    /** Each thread's guard, made on its first entry. */
    private final ThreadLocal<Guard> guards = ThreadLocal.withInitial(this::newGuard);
    /** The writer while it holds or waits for the write side, else null. CAS from null: one writer at a time. */
    private volatile Thread writer;
    private static final java.lang.invoke.VarHandle WRITER;

    static {
        try {
            WRITER = java.lang.invoke.MethodHandles.lookup().findVarHandle(HotplugLock.class, "writer", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    HotplugLock() {
        // More stripes than threads that read at once, so that readers rarely share a line.
        this(Math.max(64, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 8) * 2 - 1)));
    }

    /** A lock of {@code stripes} stripes, a power of two (tests: a few, so readers share some). */
    HotplugLock(int stripes) {
        if (stripes < 1 || Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes " + stripes + " must be a power of two");
        }
        this.stripes = stripes;
        // Stripe i is slot (i + 1) * PAD: 128 bytes clear of the array's header, which every
        // reader reads (the bounds check), and of whatever follows the array. Stripe 0 at slot 0
        // shared its line with the header: two readers on stripes 0 and 1 took 25 ns each, not 6.
        this.counts = new AtomicLongArray((stripes + 2) * PAD);
    }

    private static int slotOf(int stripe) {
        return (stripe + 1) * PAD;
    }

    private Guard newGuard() {
        return new Guard(counts, Thread.currentThread(), slotOf(nextStripe.getAndIncrement() & (stripes - 1)));
    }

    /** The read side: {@code try (var g = lock.enter()) { ... }}. Reentrant; allocation-free after a thread's first entry. */
    public Guard enter() {
        Guard g = guards.get();
        if (g.depth != 0) {
            g.depth++; // inside already: this thread's count holds the writer off
            return g;
        }
        final int slot = g.slot;
        for (;;) {
            counts.getAndIncrement(slot);
            Thread w = writer;
            if (w == null || w == g.owner) {
                g.depth = 1;
                return g;
            }
            counts.getAndDecrement(slot);
            LockSupport.unpark(w); // it may be waiting for this stripe to drop
            // A flip takes microseconds, but an offline also parks per-CPU threads under the
            // write side, which lasts as long as their current run: spin briefly, then poll.
            for (int spins = 0; writer != null; spins++) {
                if (spins < 64) {
                    Thread.onSpinWait();
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(this, 50_000);
                }
            }
        }
    }

    /**
     * Write side. Waits for another writer to finish, then until no reader is inside.
     *
     * @throws IllegalStateException if the calling thread is inside the read side (it would wait for itself)
     */
    void writeLock() {
        if (isHeldByCurrentThread()) {
            throw new IllegalStateException("thread " + Thread.currentThread().getName()
                    + " is inside the hotplug read side: it cannot take the write side, which waits for every reader to leave");
        }
        Thread me = Thread.currentThread();
        // One writer at a time: the CPU watcher's re-pin takes the write side outside the hotplug
        // controller's monitor, and a plain store let it in beside an offline (and its unlock
        // then let readers in while the offline still held the write side; found by review).
        while (!WRITER.compareAndSet(this, null, me)) {
            LockSupport.parkNanos(this, 50_000);
        }
        for (;;) {
            long sum = 0;
            for (int i = 0; i < stripes; i++) {
                sum += counts.get(slotOf(i));
            }
            if (sum == 0) {
                return;
            }
            LockSupport.parkNanos(this, 50_000);
        }
    }

    void writeUnlock() {
        writer = null;
    }

    /** Whether the calling thread is inside the read side. */
    boolean isHeldByCurrentThread() {
        return guards.get().depth != 0;
    }

    /** Whether any reader is inside (for tests and dumps). */
    boolean hasReaders() {
        for (int i = 0; i < stripes; i++) {
            if (counts.get(slotOf(i)) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Leaves the read side: one per reading thread; close it on that thread, once per entry.
     * Padded: each entry and exit writes its depth, so no other object may share its cache line.
     */
    public static final class Guard extends GuardFields implements AutoCloseable {
        @SuppressWarnings("unused")
        private long q00, q01, q02, q03, q04, q05, q06, q07;

        Guard(AtomicLongArray counts, Thread owner, int slot) {
            super(counts, owner, slot);
        }

        /**
         * Leaves one level of the read side; the outermost close lets a waiting writer in.
         *
         * @throws IllegalStateException on a thread other than the one that entered, or when
         *     closed more often than entered (nothing is changed then)
         */
        @Override
        public void close() {
            Thread me = Thread.currentThread();
            if (me != owner) {
                throw new IllegalStateException("hotplug read guard of thread " + owner.getName()
                        + " closed on thread " + me.getName() + ": leave the read side on the thread that entered it");
            }
            if (depth == 0) {
                throw new IllegalStateException("hotplug read guard of thread " + owner.getName() + " closed more often than entered");
            }
            if (--depth == 0) {
                counts.getAndDecrement(slot);
            }
        }
    }
}

/**
 * Padding before a {@link HotplugLock.Guard}'s fields. The int fills the gap after the object
 * header, where the JVM's field layout would otherwise put one of the guard's ints (next to the
 * previous object).
 */
@SuppressWarnings("unused")
abstract class GuardPad {
    int gap0;
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** A {@link HotplugLock.Guard}'s fields, between its paddings. */
abstract class GuardFields extends GuardPad {
    /**
     * Immutable: the lock's counts, not the lock. A thread's guard stays in its ThreadLocalMap; a
     * reference from it to the lock (which holds the ThreadLocal, the map's weak key) would keep
     * the key alive for as long as the thread lives, and with it the lock of every runtime the
     * thread ever read under.
     */
    final AtomicLongArray counts;
    /** Immutable: the thread this guard belongs to. */
    final Thread owner;
    /** Immutable: the index of the thread's stripe in the lock's counts. */
    final int slot;
    /** Owner thread only: entries not yet left. */
    int depth;

    GuardFields(AtomicLongArray counts, Thread owner, int slot) {
        this.counts = counts;
        this.owner = owner;
        this.slot = slot;
    }
}
