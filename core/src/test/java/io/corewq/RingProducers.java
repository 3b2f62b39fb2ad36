// Test helper: producer threads that each queue a number of reusable items, taken round a ring, then are joined (bounded).
package io.corewq;

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
}
