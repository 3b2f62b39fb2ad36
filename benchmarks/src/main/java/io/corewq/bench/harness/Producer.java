// One producer thread's side of a queue-throughput benchmark: a bounded in-flight window and a completion counter.
package io.corewq.bench.harness;

import org.jctools.util.PaddedAtomicLong;

/**
 * What one benchmark thread submits, and how many of its submissions have run. The measured
 * operation, {@link #queueOne()}, is "one item successfully queued"; because at most
 * {@link #window()} items may be in flight (queued, not yet run) per producer, the rate of queued
 * items equals the rate of executed items to within {@code window} per iteration, and no queue
 * (corewq's worklists, the JDK executors' queues) grows without bound.
 *
 * <h2>Implementation overview</h2>
 * The producer thread alone writes {@link #submitted} and {@link #completedSeen} (plain fields).
 * Consumers (whatever threads run the items) increment {@link #completed}, a padded atomic
 * counter: the items are shared by every target, so its cost is the same harness overhead in
 * every row. The producer re-reads {@code completed} only when its cached value says the window
 * is full, so in the common case the check costs no cache miss. Once the window is full it waits
 * until half of it is free (so the consumers keep half a window of work while it waits), reading
 * the counter only every few spins, and yields between rounds of reads: on a machine with as many
 * CPUs as there are consumers the producer shares a CPU with one, and spinning would only steal
 * that CPU's time, while every read takes the counter's line away from the consumers.
 */
public abstract class Producer {
    /** Reads of the completion counter before each yield while the window is full. */
    private static final int READS_BEFORE_YIELD = 16;
    /** Spin-wait hints between two reads of the completion counter. */
    private static final int PAUSES_BETWEEN_READS = 16;

    /** Immutable: the most items of this producer that may be in flight. */
    private final int window;
    /** Consumers (any thread), atomic increment: items of this producer that have run. */
    protected final PaddedAtomicLong completed = new PaddedAtomicLong();
    /** Producer thread only: items successfully queued. */
    private long submitted;
    /** Producer thread only: the last value read from {@link #completed}. */
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
        // Resume only once half the window is free, and re-read the counter only every
        // PAUSES_BETWEEN_READS spins: each read takes the counter's cache line away from the
        // consumers, whose next increment must fetch it back.
        final long resumeAt = submitted - window / 2;
        int reads = 0;
        while ((completedSeen = completed.get()) < resumeAt) {
            if (++reads < READS_BEFORE_YIELD) {
                for (int i = 0; i < PAUSES_BETWEEN_READS; i++) {
                    Thread.onSpinWait();
                }
            } else {
                reads = 0;
                Thread.yield();
            }
        }
    }

    /**
     * One attempt to queue the producer's next item.
     *
     * <p>CONTEXT: the producer thread. The item, when it runs, must call {@link #onRun()} once.
     *
     * @return whether this attempt queued an item; false only when the item tried is still
     *     pending (an implementation must then move on to another item, so that a retry can
     *     succeed once anything in flight has run)
     */
    protected abstract boolean tryQueue();

    /** The items' function: counts one executed item. CONTEXT: any consumer thread. */
    protected final void onRun() {
        completed.getAndIncrement();
    }

    public final int window() {
        return window;
    }

    /** Items that have run (any thread may read). */
    public final long executed() {
        return completed.get();
    }

    /** Producer thread only: failed queue attempts so far. */
    public final long rejected() {
        return rejected;
    }
}
