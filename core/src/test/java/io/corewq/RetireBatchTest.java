// Tests of the carrier's batched retires: counts exact for flushes, max_active slots never held back by a batch.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A carrier retires finished instances in batches (WorkerPool.retireLater): the pool_workqueue's
 * counts lag the finished items until the batch is flushed. These tests pin down where the lag
 * must never show: a flush, a waiting inactive entry, a blocked carrier.
 */
class RetireBatchTest extends RuntimeTestBase {
    @Test
    void aFlushLeavesNothingCountedInFlight() {
        Workqueue wq = rt.allocWorkqueue("batch_flush", EnumSet.noneOf(WqFlag.class), Workqueue.MAX_ACTIVE);
        int[] cpus = rt.cpus().toArray();
        RingProducers.streamThenFlushIsExact(rt, wq, 20_000, "batched", (p, item) -> wq.queueOn(cpus[p % cpus.length], item));
    }

    @Test
    void anInactiveEntryIsNotHeldBackByTheBatchOfABlockedCarrier() {
        int cpu = rt.cpus().first();
        Workqueue wq = rt.allocWorkqueue("batch_ma", EnumSet.noneOf(WqFlag.class), 2);
        CountDownLatch secondStarted = new CountDownLatch(1);
        CountDownLatch thirdRan = new CountDownLatch(1);
        AtomicInteger firstRan = new AtomicInteger();
        Work first = new Work("first", firstRan::incrementAndGet);
        // Blocks without telling corewq: only the monitor sees it, revokes the slot and hands it on.
        Work second = new Work("second", () -> {
            secondStarted.countDown();
            Bounded.await(thirdRan);
        });
        Work third = new Work("third", thirdRan::countDown);
        assertTrue(wq.queueOn(cpu, first));
        assertTrue(wq.queueOn(cpu, second));
        Bounded.await(secondStarted);
        assertEquals(1, firstRan.get());
        // first's slot may still sit in the carrier's batch: third waits inactive until the hand-off
        // of the blocked carrier flushes it (without that flush, this would hang).
        assertTrue(wq.queueOn(cpu, third));
        Bounded.await(thirdRan);
        Bounded.run("flush", wq::flush);
        assertEquals(0, wq.stats().inFlight(), () -> rt.dump());
    }

    @Test
    void maxActiveHoldsWhileItemsBlockAndRetiresAreBatched() {
        int cpu = rt.cpus().first();
        int max = 2;
        Workqueue wq = rt.allocWorkqueue("batch_peak", EnumSet.noneOf(WqFlag.class), max);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicLong ran = new AtomicLong();
        Work[] ring = new Work[64];
        for (int i = 0; i < ring.length; i++) {
            final boolean blocks = (i & 7) == 0;
            ring[i] = new Work("peak-" + i, () -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                if (blocks) {
                    try {
                        Blocking.run(Thread::yield); // a hand-off: another worker of the CPU runs items meanwhile
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                running.decrementAndGet();
                ran.incrementAndGet();
            });
        }
        int total = 4_000;
        int queued = 0;
        for (int i = 0; queued < total; i++) {
            if (wq.queueOn(cpu, ring[i & (ring.length - 1)])) {
                queued++;
            }
        }
        Bounded.run("flush", wq::flush);
        assertEquals(total, ran.get());
        assertTrue(peak.get() <= max, () -> "max_active " + max + " exceeded: " + peak.get());
        assertEquals(0, wq.stats().inFlight(), () -> rt.dump());
    }
}
