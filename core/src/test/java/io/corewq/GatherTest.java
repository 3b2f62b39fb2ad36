// Tests of the gather after catching up with a stream (carriers and unbound workers): nothing queued meanwhile is lost or left waiting.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A carrier, or an unbound worker, that took two or more items in a row and then finds its
 * worklist empty waits a few microseconds before it polls again (WorkerPool.gather; the unbound
 * worker as one of the pool's spinners). These tests queue exactly into that moment, many times
 * over, on each kind of workqueue: a lone item, a flush and a stream from another thread must all
 * be served as if the gather were not there.
 */
class GatherTest extends RuntimeTestBase {
    private static final int BURSTS = 500;

    /** The kinds of workqueue whose workers gather. */
    enum Kind { PERCPU, UNBOUND, ORDERED }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aLoneItemQueuedRightAfterABurstRuns(Kind kind) {
        int cpu = rt.cpus().first();
        Workqueue wq = alloc(kind, "gather_lone");
        AtomicLong ran = new AtomicLong();
        Work[] burst = items("burst-", 4, ran);
        for (int b = 0; b < BURSTS; b++) {
            long before = ran.get();
            queueAll(kind, wq, cpu, burst);
            // The burst is done when the counter moved by its size; the carrier (or unbound worker)
            // has just found the worklist empty after a streak and gathers now (or soon): queue one
            // more into that.
            Bounded.until("burst " + b + " ran", () -> ran.get() == before + burst.length);
            CountDownLatch lone = new CountDownLatch(1);
            assertTrue(queue(kind, wq, cpu, new Work("lone-" + b, lone::countDown)));
            Bounded.await(lone);
        }
        Bounded.run("flush", wq::flush);
        assertEquals((long) BURSTS * burst.length, ran.get());
        assertEquals(0, wq.stats().inFlight(), () -> rt.dump());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFlushRightAfterABurstSeesEveryItemRetired(Kind kind) {
        int cpu = rt.cpus().first();
        Workqueue wq = alloc(kind, "gather_flush");
        AtomicLong ran = new AtomicLong();
        Work[] burst = items("burst-", 8, ran);
        for (int b = 0; b < BURSTS; b++) {
            queueAll(kind, wq, cpu, burst);
            // The retires of the burst may sit in a carrier's batch while it gathers: the flush
            // must still see all of them (it wants its counts now) and return.
            Bounded.run("flush after burst " + b, wq::flush);
            assertEquals((long) (b + 1) * burst.length, ran.get(), () -> rt.dump());
            assertEquals(0, wq.stats().inFlight(), () -> rt.dump());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStreamWithPausesLosesNothing(Kind kind) {
        int cpu = rt.cpus().first();
        Workqueue wq = alloc(kind, "gather_stream");
        AtomicLong ran = new AtomicLong();
        Work[] ring = items("stream-", 128, ran);
        int total = 200_000;
        Thread producer = new Thread(() -> {
            int queued = 0;
            for (int i = 0; queued < total; i++) {
                if (queue(kind, wq, cpu, ring[i & (ring.length - 1)])) {
                    queued++;
                    if ((queued & 1023) == 0) {
                        Thread.yield(); // gaps in the stream: the worker catches up and gathers
                    }
                }
            }
        }, "gather-producer");
        producer.start();
        Bounded.join("producer", producer);
        Bounded.run("flush", wq::flush);
        assertEquals(total, ran.get(), () -> rt.dump());
        assertEquals(total, wq.stats().completed());
        assertEquals(0, wq.stats().inFlight(), () -> rt.dump());
    }

    /** {@code n} reusable items that count their runs on {@code ran}. */
    private static Work[] items(String prefix, int n, AtomicLong ran) {
        Work[] items = new Work[n];
        for (int i = 0; i < n; i++) {
            items[i] = new Work(prefix + i, ran::incrementAndGet);
        }
        return items;
    }

    private Workqueue alloc(Kind kind, String name) {
        switch (kind) {
            case PERCPU:
                return rt.allocWorkqueue(name, EnumSet.noneOf(WqFlag.class), Workqueue.MAX_ACTIVE);
            case UNBOUND:
                return rt.allocWorkqueue(name, EnumSet.of(WqFlag.UNBOUND), 0);
            default:
                return rt.allocOrderedWorkqueue(name, EnumSet.noneOf(WqFlag.class));
        }
    }

    /** Per-CPU: onto {@code cpu}; unbound and ordered: wherever the workqueue puts it. */
    private static boolean queue(Kind kind, Workqueue wq, int cpu, Work w) {
        return kind == Kind.PERCPU ? wq.queueOn(cpu, w) : wq.queue(w);
    }

    /** Queues every item of {@code burst}; each must be idle, so each queue succeeds. */
    private static void queueAll(Kind kind, Workqueue wq, int cpu, Work[] burst) {
        for (Work w : burst) {
            assertTrue(queue(kind, wq, cpu, w), () -> w + " was still pending");
        }
    }
}
