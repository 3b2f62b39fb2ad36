// Tests of the unbound pool's worker management: spinning workers, bounded growth under a stream, woken workers' spinner count, no reaping on spurious wake-ups, spares behind blocked items, a worker's laps, no endless spinning in spin mode.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class UnboundPoolTest {
    static final Set<WqFlag> UNBOUND = EnumSet.of(WqFlag.UNBOUND);

    private static WorkerPool poolOf(Workqueue wq) {
        return wq.pwqFor(0).pool;
    }

    /**
     * A producer streaming no-op items (a window of 512 in flight, default max_active) is served by
     * about one worker per CPU. Before the spinning-worker protocol every push woke an idle worker,
     * every woken worker with no idle one left created a spare, and the monitor added a worker on
     * every 2 ms pass that saw work pending: 15 to 80 workers on two CPUs.
     */
    @Test
    void aStreamOfShortItemsDoesNotGrowThePoolBeyondItsCpus() {
        try (CpuRuntime rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).build()) {
            Workqueue wq = rt.allocWorkqueue("stream", UNBOUND, 0);
            AtomicLong done = new AtomicLong();
            Work[] ring = new Work[1024];
            for (int i = 0; i < ring.length; i++) {
                ring[i] = new Work("noop", done::incrementAndGet);
            }
            final long total = 300_000;
            Bounded.run("stream of " + total + " items", 60, () -> {
                long queued = 0;
                int next = 0;
                while (queued < total) {
                    if (queued - done.get() >= 512) {
                        Thread.yield();
                        continue;
                    }
                    if (wq.queue(ring[next])) {
                        queued++;
                    }
                    next = (next + 1) & (ring.length - 1);
                }
                wq.flush();
            });
            assertEquals(total, done.get());
            int cpus = rt.cpus().size();
            WorkerPool pool = poolOf(wq);
            assertTrue(pool.workerCount() <= 2 * cpus + 4,
                    "unbound pool grew to " + pool.workerCount() + " workers on " + cpus + " CPUs for a stream of no-op items");
        }
    }

    /**
     * An idle worker is reaped only after a full idle-reap timeout: a stale unpark permit (or any
     * spurious return from park) sends it back to sleep, it does not end the worker.
     */
    @Test
    void aSpuriousWakeUpDoesNotReapAnIdleWorker() {
        try (CpuRuntime rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO)
                .idleReapTimeout(Duration.ofHours(1)).build()) {
            Workqueue wq = rt.allocWorkqueue("reap", UNBOUND, 0);
            int blockers = 4;
            CountDownLatch started = new CountDownLatch(blockers);
            CountDownLatch release = new CountDownLatch(1);
            queueBlockers(wq, blockers, started, release);
            Bounded.await(started); // four workers (at least) are inside items at once
            release.countDown();
            wq.flush();
            WorkerPool pool = poolOf(wq);
            Bounded.until("every worker idle and parked", () -> allParkedIdle(pool));
            int workers = pool.workerCount();
            assertTrue(workers >= blockers, workers + " workers");
            for (int round = 0; round < 20; round++) {
                for (Worker w : pool.workersSnapshot()) {
                    LockSupport.unpark(w.thread);
                }
                Bounded.until("workers parked again after spurious wake-ups", () -> allParkedIdle(pool));
            }
            assertEquals(workers, pool.workerCount(), "spurious wake-ups reaped idle workers");
        }
    }

    /**
     * A woken worker counts as a spinner until it has looked at the worklist (so that producers
     * queueing meanwhile wake nobody else); it must take that count over whichever way it leaves
     * the idle list, or the pool would believe forever that somebody spins and stop waking its
     * idle workers. Two producers queue bursts with pauses long enough for the workers to go idle
     * between them (the pauses shape the load; nothing waits on them), so workers are woken
     * thousands of times, some while registering idle; at rest the count must be back to zero and
     * a lone item must still run.
     */
    @Test
    void wokenWorkersGiveTheirSpinnerCountBack() {
        try (CpuRuntime rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).build()) {
            Workqueue wq = rt.allocWorkqueue("bursts", UNBOUND, 0);
            AtomicLong done = new AtomicLong();
            Bounded.run("bursts from two producers", 60, () -> {
                Thread[] producers = new Thread[2];
                for (int t = 0; t < producers.length; t++) {
                    final long seed = t + 1;
                    producers[t] = new Thread(() -> {
                        SplittableRandom rnd = new SplittableRandom(seed);
                        for (int burst = 0; burst < 2_000; burst++) {
                            int n = 1 + rnd.nextInt(8);
                            for (int i = 0; i < n; i++) {
                                wq.queue(new Work("burst", done::incrementAndGet));
                            }
                            LockSupport.parkNanos(rnd.nextInt(5_000, 60_000)); // a gap: workers spin out and go idle
                        }
                    }, "producer-" + t);
                    producers[t].start();
                }
                for (Thread p : producers) {
                    try {
                        p.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                wq.flush();
            });
            assertTrue(done.get() >= 4_000, done.get() + " items ran");
            WorkerPool pool = poolOf(wq);
            Bounded.until("every worker idle and parked", () -> allParkedIdle(pool));
            assertEquals(0, pool.spinningCount(), "spinner count leaked at rest: " + rt.dump());
            CountDownLatch ran = new CountDownLatch(1);
            wq.queue(new Work("lone", ran::countDown));
            Bounded.await(ran);
        }
    }

    /** Queues {@code n} items that each count {@code started} down and block until {@code release}. */
    private static void queueBlockers(Workqueue wq, int n, CountDownLatch started, CountDownLatch release) {
        for (int i = 0; i < n; i++) {
            wq.queue(new Work("blocker", () -> {
                started.countDown();
                Bounded.await(release);
            }));
        }
    }

    private static boolean allParkedIdle(WorkerPool pool) {
        List<Worker> ws = pool.workersSnapshot();
        if (pool.idleCount() != ws.size()) {
            return false;
        }
        for (Worker w : ws) {
            if (w.thread.getState() != Thread.State.TIMED_WAITING || LockSupport.getBlocker(w.thread) != pool) {
                return false;
            }
        }
        return true;
    }

    /** Items queued while every worker is blocked in an item still run: a spare or the monitor adds a worker. */
    @Test
    void anItemBehindBlockedItemsGetsAWorker() {
        try (CpuRuntime rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).build()) {
            Workqueue wq = rt.allocWorkqueue("blocked", UNBOUND, 0);
            int blockers = rt.cpus().size() + 2;
            CountDownLatch started = new CountDownLatch(blockers);
            CountDownLatch release = new CountDownLatch(1);
            queueBlockers(wq, blockers, started, release);
            Bounded.await(started);
            CountDownLatch ran = new CountDownLatch(1);
            wq.queue(new Work("behind", ran::countDown));
            Bounded.await(ran); // while every earlier item is still blocked
            release.countDown();
            wq.flush();
        }
    }

    /**
     * An unbound worker returns from its loop every {@link Worker#UNBOUND_LAP} entries and enters
     * it again (so that HotSpot runs its current compiled code, not a stale on-stack-replacement
     * frame). Across those laps one worker keeps going: every item runs, in queue order (one
     * consumer of a FIFO worklist and inactive list), on the same thread, and a flush that needs
     * the worker's held retires back returns.
     */
    @Test
    void oneWorkerRunsItemsInOrderAcrossItsLaps() {
        try (CpuRuntime rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).maxUnboundWorkers(1).build()) {
            Workqueue wq = rt.allocWorkqueue("laps", UNBOUND, 0);
            final int n = 300 * Worker.UNBOUND_LAP + 17;
            int[] order = new int[n];
            Thread[] ranOn = new Thread[n];
            AtomicLong next = new AtomicLong();
            Work[] items = new Work[n];
            for (int i = 0; i < n; i++) {
                final int id = i;
                items[i] = new Work("lap-" + i, () -> {
                    int at = (int) next.getAndIncrement();
                    order[at] = id;
                    ranOn[at] = Thread.currentThread();
                });
            }
            Bounded.run("queue and flush " + n + " items on one unbound worker", 60, () -> {
                for (Work w : items) {
                    assertTrue(wq.queue(w));
                }
                wq.flush();
            });
            assertEquals(n, next.get());
            for (int i = 0; i < n; i++) {
                assertEquals(i, order[i], "item run at position " + i);
                assertTrue(ranOn[i] == ranOn[0], "item " + i + " ran on " + ranOn[i] + ", item 0 on " + ranOn[0]);
            }
            assertEquals(1, poolOf(wq).workerCount());
        }
    }

    /**
     * Spin mode ({@code idleSpins(Integer.MAX_VALUE)}) is for the CPUs' normal carriers: an
     * unbound worker still spins briefly and parks. One that spun forever with nothing to do took
     * a quarter of the CPU time from the carriers of a spin-mode ping-pong on two CPUs.
     */
    @Test
    void unboundWorkersParkInSpinMode() {
        try (CpuRuntime rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).idleSpins(Integer.MAX_VALUE).build()) {
            Workqueue wq = rt.allocWorkqueue("spin-mode", UNBOUND, 0);
            CountDownLatch ran = new CountDownLatch(1);
            assertTrue(wq.queue(new Work("one", ran::countDown)));
            Bounded.await(ran);
            wq.flush();
            WorkerPool pool = poolOf(wq);
            Bounded.until("every worker of the unbound pool parked with nothing to do", () -> {
                for (Worker w : pool.workersSnapshot()) {
                    Thread.State s = w.thread.getState();
                    if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
                        return false;
                    }
                }
                return true;
            });
        }
    }
}
