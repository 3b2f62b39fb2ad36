// Test helper: producer threads that each queue a number of reusable items, taken round a ring, then are joined (bounded).
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/** Streams reusable no-op items from several producer threads, as the retire-batching tests need. */
final class RingProducers {
    private RingProducers() {
    }

    /**
     * Starts {@code producers} threads; producer {@code p} queues {@code perProducer} items with
     * {@code queue.test(p, item)}, cycling through a ring of 256 reusable items that count
     * {@code ran} up when they run (a queue attempt that finds its item still pending moves on to
     * the next). Returns once every producer finished (bounded; a dump on timeout).
     */
    static void stream(int producers, int perProducer, AtomicLong ran, BiPredicate<Integer, Work> queue) {
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            final int index = p;
            threads[p] = new Thread(() -> {
                Work[] ring = new Work[256];
                for (int i = 0; i < ring.length; i++) {
                    ring[i] = new Work("ring-" + index + "-" + i, ran::incrementAndGet);
                }
                int queued = 0;
                for (int i = 0; queued < perProducer; i++) {
                    if (queue.test(index, ring[i & (ring.length - 1)])) {
                        queued++;
                    }
                }
            }, "producer-" + p);
            threads[p].start();
        }
        Bounded.join("producers", threads);
    }

    /**
     * Streams from two producers as {@link #stream}, flushes {@code wq} (bounded), and asserts
     * that the counts are exact afterwards: every item ran, none is counted in flight (none left
     * {@code deferred}, e.g. "batched" or "held", after the flush) and every one is completed.
     */
    static void streamThenFlushIsExact(CpuRuntime rt, Workqueue wq, int perProducer, String deferred,
            BiPredicate<Integer, Work> queue) {
        AtomicLong ran = new AtomicLong();
        stream(2, perProducer, ran, queue);
        Bounded.run("flush", wq::flush);
        assertEquals(2L * perProducer, ran.get(), () -> rt.dump());
        assertEquals(0, wq.stats().inFlight(), () -> "counts left " + deferred + " after a flush\n" + rt.dump());
        assertEquals(2L * perProducer, wq.stats().completed());
    }
}
