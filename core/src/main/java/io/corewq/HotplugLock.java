// The hotplug read lock: striped reader counts (no shared CAS on the read path), one writer (the controller).
package io.corewq;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A per-CPU-style reader/writer lock in the manner of the kernel's percpu-rwsem, guarding the set
 * of online CPUs.
 *
 * <h2>Implementation overview</h2>
 * A reader increments its own stripe (chosen from its thread id; stripes sit on separate cache
 * lines, so readers on different threads never write the same line) and then reads
 * {@link #writer}. The writer publishes itself in {@link #writer} and then waits until the stripes
 * sum to zero. Both sides write then read with sequentially consistent accesses, so either the
 * reader sees the writer (and backs out, waits, retries) or the writer sees the reader (and waits
 * for it). Readers are reentrant and allocation-free: {@link #enter()} returns the stripe's guard.
 *
 * <p>The controller holds the write side only for the flip of a CPU's state (marking it online or
 * offline and re-targeting its pools); it runs no user code while holding it. Hotplug callbacks
 * therefore may take the read lock and may wait for work items that take it (seed 004).
 */
public final class HotplugLock {
    private static final int PAD = 16; // longs per stripe: 128 bytes apart
    private final int stripes;
    private final AtomicLongArray counts;
    private final Guard[] guards;
    /** The controller thread while it holds or waits for the write side, else null. */
    private volatile Thread writer;

    HotplugLock() {
        // Many more stripes than threads that read at once, so two readers rarely share a line
        // (a thread's stripe comes from its id and never moves).
        int n = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 8) * 2 - 1);
        this.stripes = Math.max(64, n);
        this.counts = new AtomicLongArray(stripes * PAD);
        this.guards = new Guard[stripes];
        for (int i = 0; i < stripes; i++) {
            guards[i] = new Guard(this, i * PAD);
        }
    }

    /** The read side: {@code try (var g = lock.enter()) { ... }}. Allocation-free. */
    public Guard enter() {
        Thread me = Thread.currentThread();
        int slot = (int) (mix(me.getId()) & (stripes - 1)) * PAD;
        for (;;) {
            counts.getAndIncrement(slot);
            Thread w = writer;
            if (w == null || w == me) {
                return guards[slot / PAD];
            }
            counts.getAndDecrement(slot);
            LockSupport.unpark(w); // it may be waiting for this stripe to drop
            while (writer != null) {
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        return x ^ (x >>> 33);
    }

    /** Write side. CONTEXT: the hotplug controller (serialised). Waits until no reader is inside. */
    void writeLock() {
        writer = Thread.currentThread();
        for (;;) {
            long sum = 0;
            for (int i = 0; i < stripes; i++) {
                sum += counts.get(i * PAD);
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

    /** Whether any reader is inside (for tests and dumps). */
    boolean hasReaders() {
        for (int i = 0; i < stripes; i++) {
            if (counts.get(i * PAD) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Leaves the read side. One per stripe, shared by every thread on that stripe. */
    public static final class Guard implements AutoCloseable {
        private final HotplugLock lock;
        private final int slot;

        Guard(HotplugLock lock, int slot) {
            this.lock = lock;
            this.slot = slot;
        }

        @Override
        public void close() {
            lock.counts.getAndDecrement(slot);
        }
    }
}
