// One producer thread's side of a queue-throughput benchmark: a bounded in-flight window and a completion counter.
package io.corewq.bench.harness;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * What one benchmark thread submits, and how many of its submissions have run. The measured
 * operation, {@link #queueOne()}, is "one item successfully queued"; because at most
 * {@link #window()} items may be in flight (queued, not yet run) per producer, the rate of queued
 * items equals the rate of executed items to within {@code window} per iteration, and no queue
 * (corewq's worklists, the JDK executors' queues) grows without bound.
 *
 * <h2>Implementation overview</h2>
 * Two objects, so that the producer and the consumers never write the same cache line per item:
 * <ul>
 *   <li>this object: the producer thread alone writes its fields ({@link #submitted},
 *       {@link #completedSeen}, and a subclass's ring index), every item;</li>
 *   <li>{@link #task()}, a {@link Completions}: the items' function. Consumers (whatever threads
 *       run the items) increment its padded count; the producer reads it, and writes its
 *       {@code wakeAt}, only while its window is full. Consumers read nothing else, in
 *       particular nothing in this object (an item function that read a field of this object
 *       took a cache miss per item: the producer had just written the line).</li>
 * </ul>
 * The task is the same for every target, so its cost is the same harness overhead in every row.
 * The producer re-reads the count only when its cached value says the window is full. Once full,
 * it waits until half the window is free (so the consumers keep half a window of work while it
 * waits). It spins while the count moves (a consumer runs on another CPU and frees the room in
 * microseconds) and <b>parks</b> once the count stops moving (the consumer needs this CPU, or
 * sleeps); the consumer that completes the awaited item unparks it:
 * <pre>
 *   producer: wakeAt = target (volatile) ; if (count &lt; target) park ; wakeAt = NONE
 *   consumer: c = ++count (atomic)       ; if (c == wakeAt) unpark(producer)
 * </pre>
 * Each side writes, then reads the other's field with sequentially consistent accesses, so at
 * least one sees the other: no lost wake-up; exactly one increment yields {@code c == target}.
 * The producer blocks rather than yields: on a machine with as many CPUs as there are consumers
 * it shares a CPU with one, and whether {@code Thread.yield()} hands that CPU over depends on the
 * kernel's scheduler (under Linux's EEVDF a yielding thread often keeps the CPU for its whole
 * time slice: with a yield loop here, whole forks ran several times slower).
 */
public abstract class Producer {
    /** Reads of the completion count in a row that find it unchanged before the producer parks. */
    private static final int STALLED_READS_BEFORE_PARK = 4;
    /** Spin-wait hints between two reads of the completion count. */
    private static final int PAUSES_BETWEEN_READS = 16;

    /** Immutable: the most items of this producer that may be in flight. */
    private final int window;
    /** Immutable: the items' function and the consumers' side of the window. */
    private final Completions done = new Completions();
    /** Producer thread only: items successfully queued. */
    private long submitted;
    /** Producer thread only: the last value read from the completion count. */
    private long completedSeen;
    /** Producer thread only: queue attempts that returned false (the item was still pending). */
    private long rejected;

    protected Producer(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window " + window + " must be at least 1");
        }
        this.window = window;
    }

    /**
     * Queues exactly one item: waits while {@link #window()} items are in flight, then tries
     * {@link #tryQueue()} until one attempt succeeds.
     *
     * <p>CONTEXT: the producer thread.
     */
    public final void queueOne() {
        if (submitted - completedSeen >= window) {
            awaitRoom();
        }
        while (!tryQueue()) {
            rejected++;
        }
        submitted++;
    }

    private void awaitRoom() {
        // Reads are PAUSES_BETWEEN_READS spins apart: each takes the count's cache line away from
        // the consumers, whose next increment must fetch it back.
        final long resumeAt = submitted - window / 2;
        long last = completedSeen;
        int stalls = 0;
        while ((completedSeen = done.count()) < resumeAt) {
            if (completedSeen != last) {
                last = completedSeen;
                stalls = 0;
            } else if (++stalls > STALLED_READS_BEFORE_PARK) {
                completedSeen = done.awaitCount(resumeAt);
                return;
            }
            for (int i = 0; i < PAUSES_BETWEEN_READS; i++) {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * One attempt to queue the producer's next item.
     *
     * <p>CONTEXT: the producer thread. The item, when it runs, must run {@link #task()} once.
     *
     * @return whether this attempt queued an item; false only when the item tried is still
     *     pending (an implementation must then move on to another item, so that a retry can
     *     succeed once anything in flight has run)
     */
    protected abstract boolean tryQueue();

    /** The items' function, the same object on every call: counts one executed item (and wakes the producer when it waits for that count). */
    protected final Runnable task() {
        return done;
    }

    public final int window() {
        return window;
    }

    /** The CPU this producer's items run on, or -1 when the target does not fix one (the JDK executors, unbound workqueues). */
    public int targetCpu() {
        return -1;
    }

    /** Items that have run (any thread may read). */
    public final long executed() {
        return done.count();
    }

    /** Producer thread only: failed queue attempts so far. */
    public final long rejected() {
        return rejected;
    }

    // ---- the consumers' side, padded off everything else ------------------------------------

    @SuppressWarnings("unused")
    abstract static class PadBefore {
        long p00, p01, p02, p03, p04, p05, p06, p07;
    }

    abstract static class CompletionFields extends PadBefore {
        /** Consumers: atomic increment. Anyone: volatile read. */
        volatile long count;
        /** Producer: volatile write while it waits; consumers: volatile read. {@link Long#MIN_VALUE}: nobody waits. */
        volatile long wakeAt = Long.MIN_VALUE;
        /** Producer: written before its first wait (published by the wakeAt write). */
        Thread waiter;
    }

    /** The count of executed items and the producer's wake-up, on cache lines of their own. */
    static final class Completions extends CompletionFields implements Runnable {
        private static final VarHandle COUNT;

        static {
            try {
                COUNT = MethodHandles.lookup().findVarHandle(CompletionFields.class, "count", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused")
        long p10, p11, p12, p13, p14, p15, p16, p17;

        @Override
        public void run() {
            if ((long) COUNT.getAndAdd(this, 1L) + 1 == wakeAt) {
                LockSupport.unpark(waiter);
            }
        }

        long count() {
            return count;
        }

        /** CONTEXT: the producer. Parks until the count reaches {@code target}; returns the count. */
        long awaitCount(long target) {
            waiter = Thread.currentThread();
            wakeAt = target;
            long c;
            while ((c = count) < target) {
                LockSupport.park(this);
            }
            wakeAt = Long.MIN_VALUE;
            return c;
        }
    }
}
