// Tests of concurrency management: blocked carriers, the three detection paths, CPU_INTENSIVE, reaping, rescuers, stalls.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.cpu.CpuSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConcurrencyManagementTest {
    static final Duration NEVER = Duration.ofHours(1);

    private static CpuRuntime.Builder oneCpu() {
        return CpuRuntime.builder().cpus(CpuSet.of(0));
    }

    /** One CPU whose workers come from {@code factory}, with a 1 ms monitor and a 20 ms mayday delay: rescuers step in quickly. */
    private static CpuRuntime rescuable(java.util.concurrent.ThreadFactory factory) {
        return oneCpu().threadFactory(factory).monitorPeriod(Duration.ofMillis(1)).maydayDelay(Duration.ofMillis(20)).build();
    }

    /** Items that count how many of them run at once (CPU-bound: they never block). */
    static final class OverlapProbe {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();

        Runnable cpuBound(CountDownLatch done) {
            return () -> {
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                for (int i = 0; i < 2000; i++) {
                    Thread.onSpinWait();
                }
                inside.decrementAndGet();
                done.countDown();
            };
        }
    }

    @Test
    void aBlockedItemDoesNotStopItsCpuAndCpuBoundItemsNeverOverlap() {
        try (CpuRuntime rt = oneCpu().monitorPeriod(Duration.ofMillis(1)).build()) {
            Workqueue wq = rt.allocWorkqueue("cm", Set.of(), 8);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blockedIn = new CountDownLatch(1);
            wq.queueOn(0, new Work("blocker", () -> {
                blockedIn.countDown();
                Bounded.await(release);
            }));
            Bounded.await(blockedIn);
            OverlapProbe probe = new OverlapProbe();
            int n = 500;
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                wq.queueOn(0, new Work(probe.cpuBound(done)));
            }
            Bounded.await(done); // would hang without concurrency management
            assertEquals(0, probe.overlaps.get(), "CPU-bound items on one CPU ran two at a time");
            assertTrue(wq.stats().cmWakeups() >= 1);
            release.countDown();
            wq.flush();
            WorkerPool pool = rt.cpu(0).normal;
            Bounded.until("runnable workers back to one", () -> runnable(pool) == 1);
            assertTrue(pool.workerCount() >= 2, "a second worker took over");
            for (Worker w : pool.workersSnapshot()) {
                assertTrue(w.name.startsWith("kworker/0:"), w.name);
            }
        }
    }

    /** Workers of the pool that are not waiting for the slot: the holder (+ any still finishing). */
    private static int runnable(WorkerPool p) {
        return p.workerCount() - p.idleCount();
    }

    @Test
    void explicitBlockingHandsTheCpuOverWithoutTheMonitor() {
        try (CpuRuntime rt = oneCpu().monitorPeriod(NEVER).build()) {
            Workqueue wq = rt.allocWorkqueue("explicit", Set.of(), 8);
            CountDownLatch release = new CountDownLatch(1);
            wq.queueOn(0, new Work(() -> {
                try {
                    Blocking.run(() -> Bounded.await(release));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
            CountDownLatch other = new CountDownLatch(1);
            wq.queueOn(0, new Work(other::countDown));
            Bounded.await(other);
            release.countDown();
            wq.flush();
            assertTrue(wq.stats().cmWakeups() >= 1);
        }
    }

    @Test
    void managedBlockerIsAcceptedToo() {
        try (CpuRuntime rt = oneCpu().monitorPeriod(NEVER).build()) {
            Workqueue wq = rt.allocWorkqueue("mb", Set.of(), 8);
            CountDownLatch release = new CountDownLatch(1);
            wq.queueOn(0, new Work(() -> {
                try {
                    Blocking.managedBlock(new ForkJoinPool.ManagedBlocker() {
                        @Override
                        public boolean block() throws InterruptedException {
                            release.await();
                            return true;
                        }

                        @Override
                        public boolean isReleasable() {
                            return release.getCount() == 0;
                        }
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            CountDownLatch other = new CountDownLatch(1);
            wq.queueOn(0, new Work(other::countDown));
            Bounded.await(other);
            release.countDown();
            wq.flush();
        }
    }

    @Test
    void theMonitorNoticesABlockedCarrier() {
        // no hint: only the monitor can see the carrier WAITING on the latch
        try (CpuRuntime rt = oneCpu().monitorPeriod(Duration.ofMillis(1)).hogThreshold(NEVER).build()) {
            Workqueue wq = rt.allocWorkqueue("mon", Set.of(), 8);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch in = new CountDownLatch(1);
            wq.queueOn(0, new Work(() -> {
                in.countDown();
                Bounded.await(release, 60);
            }));
            Bounded.await(in);
            CountDownLatch other = new CountDownLatch(1);
            wq.queueOn(0, new Work(other::countDown));
            Bounded.await(other);
            assertEquals(1, wq.stats().cmWakeups());
            release.countDown();
            wq.flush();
        }
    }

    @Test
    void aCpuHogIsDetectedCountedAndStopsHoldingTheCpu() {
        try (CpuRuntime rt = oneCpu().monitorPeriod(Duration.ofMillis(1)).hogThreshold(Duration.ofMillis(20)).build()) {
            Workqueue wq = rt.allocWorkqueue("hog", Set.of(), 8);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch in = new CountDownLatch(1);
            wq.queueOn(0, new Work("spinner", () -> {
                in.countDown();
                while (!stop.get()) {
                    Thread.onSpinWait(); // RUNNABLE the whole time: only hog detection helps
                }
            }));
            Bounded.await(in);
            wq.queueOn(0, new Work(() -> stop.set(true)));
            Bounded.until("the hog is stopped by the item queued behind it", stop::get);
            wq.flush();
            assertEquals(1, wq.stats().cpuHogs());
            assertTrue(wq.stats().cpuTimeNanos() > 0, "sampled CPU time");
        }
    }

    @Test
    void cpuIntensiveItemsDoNotHoldTheRunSlot() {
        try (CpuRuntime rt = oneCpu().monitorPeriod(NEVER).hogThreshold(NEVER).build()) {
            Workqueue intensive = rt.allocWorkqueue("ci", EnumSet.of(WqFlag.CPU_INTENSIVE), 8);
            Workqueue normal = rt.allocWorkqueue("n", Set.of(), 8);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch in = new CountDownLatch(1);
            intensive.queueOn(0, new Work(() -> {
                in.countDown();
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            }));
            Bounded.await(in);
            normal.queueOn(0, new Work(() -> stop.set(true)));
            Bounded.until("normal item ran beside the CPU_INTENSIVE one", stop::get);
            intensive.flush();
        }
    }

    @Test
    void idleWorkersBeyondTwoAreReapedAndThreadsAreGoneAfterClose() {
        Set<Thread> baseline = Bounded.corewqThreadSet();
        CpuRuntime rt = oneCpu().monitorPeriod(NEVER).idleReapTimeout(Duration.ofMillis(50)).build();
        Workqueue wq = rt.allocWorkqueue("reap", Set.of(), 16);
        int blockers = 6;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch allIn = new CountDownLatch(blockers);
        for (int i = 0; i < blockers; i++) {
            wq.queueOn(0, new Work(() -> {
                allIn.countDown();
                try {
                    Blocking.run(() -> Bounded.await(release));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        Bounded.await(allIn); // every blocker got its own worker
        WorkerPool pool = rt.cpu(0).normal;
        Bounded.until("a worker per blocker plus the holder", () -> pool.workerCount() >= blockers + 1);
        List<String> names = new ArrayList<>();
        pool.workersSnapshot().forEach(w -> names.add(w.name));
        assertTrue(names.contains("kworker/0:1"), names.toString());
        release.countDown();
        wq.flush();
        Bounded.until("reaped to the holder + two idle", () -> pool.workerCount() <= 3);
        rt.close();
        assertEquals(List.of(), Bounded.corewqThreadsSince(baseline), Bounded.threadDump());
    }

    private static final class SwitchableFactory implements java.util.concurrent.ThreadFactory {
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger refused = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            if (failing.get()) {
                if (refused.incrementAndGet() % 2 == 0) {
                    return null;
                }
                throw new OutOfMemoryError("unable to create native thread: simulated");
            }
            return new Thread(r);
        }
    }

    @Test
    void aMemReclaimWorkqueueKeepsGoingThroughItsRescuerWhenWorkersCannotBeCreated() {
        SwitchableFactory factory = new SwitchableFactory();
        try (CpuRuntime rt = oneCpu().threadFactory(factory).monitorPeriod(Duration.ofMillis(1)).build()) {
            Workqueue wq = rt.allocWorkqueue("reclaim", EnumSet.of(WqFlag.MEM_RECLAIM), 32);
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("kworker/R-reclaim")));
            factory.failing.set(true);
            int n = 20;
            CountDownLatch others = new CountDownLatch(n);
            CountDownLatch release = new CountDownLatch(1);
            wq.queueOn(0, new Work("blocker", () -> Bounded.await(release, 60)));
            for (int i = 0; i < n; i++) {
                wq.queueOn(0, new Work(others::countDown));
            }
            Bounded.await(others); // only the rescuer can run them
            Bounded.until("rescued counted", () -> wq.stats().rescued() >= n); // counted after each item returns
            assertTrue(wq.stats().mayday() >= 1);
            assertTrue(factory.refused.get() >= 1);
            release.countDown();
            factory.failing.set(false);
            wq.flush();
        }
    }

    @Test
    void aMemReclaimWorkqueueWhoseRescuerCannotBeCreatedGivesBackTheUnboundPoolsItTook() {
        // The workqueue took its unbound pools before creating the rescuer; when that failed, the
        // pools (and their workers) were kept until close (found by review, 2026-11-22).
        SwitchableFactory factory = new SwitchableFactory();
        try (CpuRuntime rt = CpuRuntime.builder().cpus(CpuSet.range(0, 2)).threadFactory(factory).build()) {
            int poolsBefore = rt.unboundPoolList().size();
            factory.failing.set(true);
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> rt.allocWorkqueue("no-rescuer", EnumSet.of(WqFlag.UNBOUND, WqFlag.MEM_RECLAIM), 0,
                            WqAttrs.defaults().cpumask(CpuSet.of(1))));
            assertTrue(e.getMessage().contains("no-rescuer"), e.getMessage());
            assertEquals(poolsBefore, rt.unboundPoolList().size(), "the refused workqueue's pool is still held");
            factory.failing.set(false);
        }
    }

    /**
     * Queues {@code n} items with {@code queue}, each blocked until the returned latch is released,
     * and returns once all of them run.
     */
    private static CountDownLatch blockers(int n, java.util.function.Consumer<Work> queue) {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            queue.accept(new Work("blocker" + i, () -> {
                running.countDown();
                Bounded.await(release, 60);
            }));
        }
        Bounded.await(running);
        return release;
    }

    /** A binder that pins nothing but records, per thread, the mask it was asked for. */
    static final class RecordingBinder implements io.corewq.cpu.CpuBinder {
        static final ThreadLocal<CpuSet> MASK = new ThreadLocal<>();

        public String name() {
            return "recording";
        }

        public boolean isPinning() {
            return true;
        }

        public boolean bind(CpuSet cpus) {
            MASK.set(cpus);
            return true;
        }

        public int currentCpu() {
            CpuSet m = MASK.get();
            return m != null && m.size() == 1 ? m.toArray()[0] : -1;
        }

        public CpuSet currentAffinity() {
            return MASK.get();
        }

        public CpuSet processAllowedCpus() {
            return CpuSet.range(0, 2);
        }
    }

    @Test
    void aRescuedItemRunsBoundToTheCpuItWasQueuedOn() {
        // The rescuer ran a per-CPU pool's items without binding itself: an item queued on CPU 1
        // could run on any CPU while CPU 1 was online (found by review, 2026-11-22).
        SwitchableFactory factory = new SwitchableFactory();
        try (CpuRuntime rt = CpuRuntime.builder().cpus(CpuSet.range(0, 2)).binder(new RecordingBinder()).threadFactory(factory)
                .followOsCpus(Duration.ZERO).monitorPeriod(Duration.ofMillis(1)).maydayDelay(Duration.ofMillis(20)).build()) {
            Workqueue wq = rt.allocWorkqueue("reclaim", EnumSet.of(WqFlag.MEM_RECLAIM), 32);
            factory.failing.set(true);
            CountDownLatch release = blockers(1, w -> wq.queueOn(1, w));
            AtomicReference<String> where = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            wq.queueOn(1, new Work("rescued", () -> {
                where.set(Thread.currentThread().getName() + " bound to " + RecordingBinder.MASK.get());
                ran.countDown();
            }));
            Bounded.await(ran); // no worker can be created: only the rescuer runs it
            assertTrue(where.get().startsWith("kworker/R-reclaim"), where.get());
            assertEquals("kworker/R-reclaim bound to " + CpuSet.of(1), where.get());
            release.countDown();
            factory.failing.set(false);
            Bounded.run("flush", wq::flush);
        }
    }

    @Test
    void aRescuedItemThatBlocksLeavesTheRunSlotToTheWorkersOnceOneCanBeMade() {
        // The rescuer held a per-CPU pool's run slot for its whole pass; the monitor takes the
        // slot only from a worker inside an item, so a rescued item that blocked stopped the CPU's
        // other workqueues until it returned (found by review, 2026-11-22).
        SwitchableFactory factory = new SwitchableFactory();
        try (CpuRuntime rt = rescuable(factory)) {
            Workqueue normal = rt.allocWorkqueue("normal", Set.of(), 32);
            Workqueue reclaim = rt.allocWorkqueue("reclaim", EnumSet.of(WqFlag.MEM_RECLAIM), 32);
            factory.failing.set(true);
            CountDownLatch releaseCarrier = blockers(1, w -> normal.queueOn(0, w));
            CountDownLatch releaseRescued = new CountDownLatch(1);
            CountDownLatch rescuedIn = new CountDownLatch(1);
            AtomicReference<String> rescuer = new AtomicReference<>();
            reclaim.queueOn(0, new Work("rescued-blocker", () -> {
                rescuer.set(Thread.currentThread().getName());
                rescuedIn.countDown();
                Bounded.await(releaseRescued, 60);
            }));
            Bounded.await(rescuedIn); // no worker can be made: the rescuer runs it
            assertEquals("kworker/R-reclaim", rescuer.get());
            factory.failing.set(false);
            CountDownLatch ran = new CountDownLatch(1);
            normal.queueOn(0, new Work("after", ran::countDown));
            Bounded.await(ran); // a new worker takes the vacant slot while the rescued item still blocks
            assertEquals(1, releaseRescued.getCount(), "the rescued item is still blocked");
            releaseRescued.countDown();
            releaseCarrier.countDown();
            Bounded.run("flush reclaim", reclaim::flush);
            Bounded.run("flush normal", normal::flush);
        }
    }

    @Test
    void anUnboundMemReclaimWorkqueueIsRescuedWhenItsPoolCannotGetAWorker() {
        // Only per-CPU pools called for rescuers; an unbound pool whose workers were all blocked,
        // with no new one to be had, left a MEM_RECLAIM workqueue's items waiting (found by
        // review, 2026-11-22).
        SwitchableFactory factory = new SwitchableFactory();
        try (CpuRuntime rt = rescuable(factory)) {
            Workqueue wq = rt.allocWorkqueue("ureclaim", EnumSet.of(WqFlag.UNBOUND, WqFlag.MEM_RECLAIM), 32);
            Work warm = new Work(() -> { });
            wq.queue(warm);
            Bounded.run("warm-up", warm::flush);
            WorkerPool pool = wq.pwqFor(0).pool;
            factory.failing.set(true);
            CountDownLatch release = blockers(pool.workerCount(), wq::queue);
            CountDownLatch ran = new CountDownLatch(1);
            wq.queue(new Work("needs-rescue", ran::countDown));
            Bounded.await(ran); // no worker can be made and every worker is blocked: only the rescuer can run it
            assertTrue(wq.stats().mayday() >= 1);
            Bounded.until("rescued counted", () -> wq.stats().rescued() >= 1);
            release.countDown();
            factory.failing.set(false);
            Bounded.run("flush", wq::flush);
        }
    }

    @Test
    void aDelayedItemOfAMemReclaimWorkqueueFiresWhileItsCarrierIsBlockedAndNoWorkerCanBeMade() {
        // Only the carrier services its CPU's timer; with the carrier blocked in another
        // workqueue's item and no worker to be had, a MEM_RECLAIM workqueue's due delayed item
        // waited for the carrier (found by review, 2026-11-22).
        SwitchableFactory factory = new SwitchableFactory();
        try (CpuRuntime rt = rescuable(factory)) {
            Workqueue normal = rt.allocWorkqueue("normal", Set.of(), 32);
            Workqueue reclaim = rt.allocWorkqueue("reclaim", EnumSet.of(WqFlag.MEM_RECLAIM), 32);
            factory.failing.set(true);
            CountDownLatch release = blockers(1, w -> normal.queueOn(0, w));
            CountDownLatch fired = new CountDownLatch(1);
            reclaim.queueDelayedOn(0, new DelayedWork("delayed", fired::countDown), Duration.ofMillis(20));
            Bounded.await(fired); // only the rescuer can run it, once the monitor has queued it
            assertTrue(reclaim.stats().mayday() >= 1);
            release.countDown();
            factory.failing.set(false);
            Bounded.run("flush", reclaim::flush);
        }
    }

    @Test
    void withoutARescuerTheStallIsReportedOnceInsteadOfHanging() {
        SwitchableFactory factory = new SwitchableFactory();
        AtomicInteger reports = new AtomicInteger();
        AtomicReference<String> dump = new AtomicReference<>();
        CountDownLatch reported = new CountDownLatch(1);
        try (CpuRuntime rt = oneCpu().threadFactory(factory).monitorPeriod(Duration.ofMillis(1))
                .watchdogThreshold(Duration.ofSeconds(1))
                .stallListener((pool, secs, d) -> {
                    if (pool.startsWith("cpus=0") && !pool.contains("H")) {
                        reports.incrementAndGet();
                        dump.set(d);
                        reported.countDown();
                    }
                }).build()) {
            Workqueue wq = rt.allocWorkqueue("plain", Set.of(), 32);
            factory.failing.set(true);
            CountDownLatch release = new CountDownLatch(1);
            wq.queueOn(0, new Work("stuck-item", () -> Bounded.await(release, 60)));
            CountDownLatch other = new CountDownLatch(1);
            wq.queueOn(0, new Work(other::countDown));
            Bounded.await(reported);
            assertTrue(dump.get().contains("stuck-item"), dump.get());
            assertTrue(dump.get().contains("Bounded.await"), "the dump carries the stuck worker's stack");
            factory.failing.set(false);
            release.countDown();
            Bounded.await(other);
            wq.flush();
            assertEquals(1, reports.get(), "one report per stall");
            WorkerPool pool = rt.cpu(0).normal;
            Bounded.until("releasing the item clears the stall", () -> !pool.watch.reported);
        }
    }
}
