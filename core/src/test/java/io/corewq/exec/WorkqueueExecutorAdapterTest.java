// Adapter-only behaviour: workqueue semantics kept (max_active, order), placement, clean workers, engine errors, factories.
package io.corewq.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.Bounded;
import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkqueueExecutorAdapterTest {
    private final Fixtures.Runtime runtime = new Fixtures.Runtime();
    private final List<ExecutorService> executors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        try {
            for (ExecutorService e : executors) {
                Executors2.stop(e);
            }
        } finally {
            runtime.close();
        }
    }

    private CpuRuntime rt() {
        return runtime.rt();
    }

    private <E extends ExecutorService> E track(E e) {
        executors.add(e);
        return e;
    }

    private static int maxConcurrency(ExecutorService e, int tasks) {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            fs.add(e.submit(() -> {
                int n = inside.incrementAndGet();
                max.accumulateAndGet(n, Math::max);
                for (int k = 0; k < 2000; k++) {
                    Thread.onSpinWait();
                }
                Thread.yield();
                inside.decrementAndGet();
            }));
        }
        for (Future<?> f : fs) {
            Bounded.get(f);
        }
        return max.get();
    }

    @Test
    void maxActiveOfTheWorkqueueBoundsConcurrency() {
        Workqueue one = rt().allocWorkqueue("one", EnumSet.of(WqFlag.UNBOUND), 1);
        assertEquals(1, maxConcurrency(track(WorkqueueExecutors.newExecutorService(one)), 300));
        assertEquals(1, maxConcurrency(track(WorkqueueExecutors.newScheduledExecutorService(one)), 300));
        Workqueue two = rt().allocWorkqueue("two", EnumSet.of(WqFlag.UNBOUND), 2);
        assertTrue(maxConcurrency(track(WorkqueueExecutors.newExecutorService(two)), 300) <= 2);
    }

    @Test
    void anOrderedWorkqueueRunsTasksInSubmissionOrder() {
        Workqueue wq = rt().allocOrderedWorkqueue("ordered", Set.of());
        for (ExecutorService e : List.of(track(WorkqueueExecutors.newExecutorService(wq)), track(WorkqueueExecutors.newScheduledExecutorService(wq)))) {
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            Future<?> last = null;
            for (int i = 0; i < 500; i++) {
                int id = i;
                last = e.submit(() -> order.add(id));
            }
            Bounded.get(last);
            for (int i = 0; i < 500; i++) {
                assertEquals(i, order.get(i));
            }
        }
    }

    @Test
    void perCpuPlacementSpreadsOverOnlineCpusFromOutsideAndStaysLocalFromAWorker() {
        Workqueue wq = rt().allocWorkqueue("percpu", Set.of(), 0);
        ExecutorService e = track(WorkqueueExecutors.newExecutorService(wq));
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 4 * rt().onlineCpus().size(); i++) {
            fs.add(e.submit(() -> seen.add(CpuRuntime.currentCpu())));
        }
        fs.forEach(Bounded::get);
        Set<Integer> online = new HashSet<>();
        rt().onlineCpus().forEach(online::add);
        assertEquals(online, seen);

        AtomicReference<Integer> innerCpu = new AtomicReference<>();
        AtomicReference<Integer> outerCpu = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        e.execute(() -> {
            outerCpu.set(CpuRuntime.currentCpu());
            e.execute(() -> {
                innerCpu.set(CpuRuntime.currentCpu());
                done.countDown();
            });
        });
        Bounded.await(done);
        assertEquals(outerCpu.get(), innerCpu.get(), "follow-up work stays on the submitting worker's CPU");
    }

    @Test
    void executorOnRunsEverythingOnThatCpuIncludingTimersAndPeriodicRuns() {
        for (int cpu : rt().cpus()) {
            WorkqueueScheduledExecutorService e = track(WorkqueueExecutors.executorOn(rt(), cpu));
            assertSame(rt().systemWq(), e.workqueue());
            assertEquals(cpu, Bounded.get(e.submit(CpuRuntime::currentCpu)));
            assertEquals(cpu, Bounded.get(e.schedule(CpuRuntime::currentCpu, 5, TimeUnit.MILLISECONDS)));
            Set<Integer> periodicCpus = ConcurrentHashMap.newKeySet();
            CountDownLatch three = new CountDownLatch(3);
            ScheduledFuture<?> p = e.scheduleAtFixedRate(() -> {
                periodicCpus.add(CpuRuntime.currentCpu());
                three.countDown();
            }, 0, 1, TimeUnit.MILLISECONDS);
            Bounded.await(three);
            p.cancel(false);
            assertEquals(Set.of(cpu), periodicCpus);
        }
    }

    @Test
    void aCorewqWorkerIsNeverLeftInterrupted() {
        int cpu = rt().cpus().first();
        WorkqueueScheduledExecutorService e = track(WorkqueueExecutors.executorOn(rt(), cpu));
        // cancel(true) of a running task
        Gate g1 = new Gate();
        Future<String> f = e.submit(g1.callable("x"));
        g1.awaitStarted();
        f.cancel(true);
        g1.awaitFinished();
        assertFalse(rawWorkSeesInterrupt(cpu));
        // a task interrupting its own thread
        e.execute(() -> Thread.currentThread().interrupt());
        assertFalse(rawWorkSeesInterrupt(cpu));
        // shutdownNow of a running task
        Gate g2 = new Gate();
        e.execute(g2.runnable());
        g2.awaitStarted();
        e.shutdownNow();
        g2.awaitFinished();
        assertTrue(g2.interrupted.get());
        assertTrue(Executors2.awaitTermination(e));
        assertFalse(rawWorkSeesInterrupt(cpu));
    }

    /** Queues a plain work item (not through the adapter) on the CPU and reports its thread's interrupt status. */
    private boolean rawWorkSeesInterrupt(int cpu) {
        AtomicBoolean interrupted = new AtomicBoolean(true);
        CountDownLatch ran = new CountDownLatch(1);
        rt().systemWq().queueOn(cpu, new Work("probe", () -> {
            interrupted.set(Thread.currentThread().isInterrupted());
            ran.countDown();
        }));
        Bounded.await(ran);
        return interrupted.get();
    }

    @Test
    void whatExecuteTasksThrowGoesToTheRuntimesExceptionHandler() {
        ExecutorService e = track(WorkqueueExecutors.newExecutorService(rt().systemUnboundWq()));
        IllegalStateException boom = new IllegalStateException("boom");
        e.execute(() -> {
            throw boom;
        });
        Bounded.until("exception reported", () -> runtime.workErrors.contains(boom));
        Exception kept = new Exception("kept");
        Future<?> f = e.submit(() -> {
            throw kept;
        });
        assertThrows(Exception.class, () -> f.get(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS));
        assertFalse(runtime.workErrors.contains(kept), "submitted tasks keep their exception in the future");
    }

    @Test
    void aDestroyedWorkqueueShutsTheAdapterDownAndRejects() {
        Workqueue wq = rt().allocWorkqueue("doomed", EnumSet.of(WqFlag.UNBOUND), 0);
        ExecutorService e = track(WorkqueueExecutors.newExecutorService(wq));
        assertEquals(1, Bounded.get(e.submit(() -> 1)));
        wq.destroy();
        assertThrows(RejectedExecutionException.class, () -> e.execute(() -> { }));
        assertTrue(e.isShutdown());
        assertTrue(Executors2.awaitTermination(e));
        assertThrows(IllegalArgumentException.class, () -> WorkqueueExecutors.newExecutorService(wq));
    }

    @Test
    void shuttingTheAdapterDownLeavesTheWorkqueueUsable() {
        Workqueue wq = rt().allocWorkqueue("kept", EnumSet.of(WqFlag.UNBOUND), 0);
        ExecutorService e = track(WorkqueueExecutors.newExecutorService(wq));
        e.shutdown();
        assertTrue(Executors2.awaitTermination(e));
        CountDownLatch ran = new CountDownLatch(1);
        assertTrue(wq.queue(new Work(ran::countDown)));
        Bounded.await(ran);
        ExecutorService again = track(WorkqueueExecutors.newExecutorService(wq));
        assertEquals(2, Bounded.get(again.submit(() -> 2)));
    }

    @Test
    void factoriesValidateTheirArguments() {
        assertThrows(NullPointerException.class, () -> WorkqueueExecutors.newExecutorService(null));
        assertThrows(NullPointerException.class, () -> WorkqueueExecutors.newScheduledExecutorService(null));
        assertThrows(NullPointerException.class, () -> WorkqueueExecutors.executorOn(null, 0));
        assertThrows(IllegalArgumentException.class, () -> WorkqueueExecutors.executorOn(rt(), -1));
        assertThrows(IllegalArgumentException.class, () -> WorkqueueExecutors.executorOn(rt(), rt().cpus().last() + 1));
        assertThrows(IllegalArgumentException.class, () -> WorkqueueExecutors.builder(rt().systemWq()).capacity(-1));
        assertThrows(NullPointerException.class, () -> WorkqueueExecutors.builder(rt().systemWq()).placement(null));
        assertThrows(NullPointerException.class, () -> WorkqueueExecutors.builder(rt().systemWq()).rejectedExecutionHandler(null));
        assertThrows(IllegalArgumentException.class, () -> Placement.onCpu(-1));
    }

    @Test
    void aDelayedTaskRejectedAtCapacityNeverRunsBeforeItsDelay() {
        // With a capacity the scheduled adapter rejects while running (the JDK's never does):
        // CallerRunsPolicy ran a task due in an hour at once, and DiscardOldestPolicy re-submitted
        // it with delay 0 (found by review, 2026-11-22).
        AtomicInteger ran = new AtomicInteger();
        WorkqueueScheduledExecutorService callerRuns = track(WorkqueueExecutors.builder(rt().systemWq())
                .rejectedExecutionHandler(new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy()).capacity(1).buildScheduled());
        ScheduledFuture<?> first = callerRuns.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS); // fills the capacity
        ScheduledFuture<?> rejected = callerRuns.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        assertTrue(rejected.isCancelled(), "a rejected delayed task was not cancelled");
        assertEquals(0, ran.get(), "a task due in an hour ran at once");
        assertFalse(first.isDone());

        WorkqueueScheduledExecutorService discardOldest = track(WorkqueueExecutors.builder(rt().systemWq())
                .rejectedExecutionHandler(new java.util.concurrent.ThreadPoolExecutor.DiscardOldestPolicy()).capacity(1).buildScheduled());
        ScheduledFuture<?> oldest = discardOldest.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        ScheduledFuture<?> kept = discardOldest.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        assertEquals(1, discardOldest.getLiveTaskCount());
        assertFalse(kept.isDone(), "the re-submitted task ran or was dropped");
        assertTrue(kept.getDelay(TimeUnit.MINUTES) > 50, "the re-submitted task lost its delay: " + kept.getDelay(TimeUnit.MINUTES) + " min");
        assertFalse(discardOldest.getQueue().contains(oldest));
        assertEquals(0, ran.get());
    }

    @Test
    void aPlacementThatReturnsABadCpuIsRejectedNamingIt() {
        for (int bad : new int[] {-5, Integer.MIN_VALUE, 99}) {
            WorkqueueExecutorService e = track(WorkqueueExecutors.builder(rt().systemWq()).placement(r -> bad).build());
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.execute(() -> { }));
            assertTrue(x.getMessage().contains(Integer.toString(bad)), x.getMessage());
            assertEquals(0, e.getLiveTaskCount(), "the refused task stayed live");
        }
    }

    @Test
    void aPeriodicTaskWhoseReArmThrowsCompletesItsFutureWithTheCause() {
        AtomicInteger calls = new AtomicInteger();
        WorkqueueScheduledExecutorService e = track(WorkqueueExecutors.builder(rt().systemWq()).placement(r -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalArgumentException("placement failed");
            }
            return 0;
        }).buildScheduled());
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> f = e.scheduleAtFixedRate(runs::incrementAndGet, 0, 1, TimeUnit.MILLISECONDS);
        java.util.concurrent.ExecutionException x = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> f.get(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS));
        assertEquals("placement failed", x.getCause().getMessage());
        assertEquals(1, runs.get());
        assertEquals(0, e.getLiveTaskCount());
    }

    @Test
    void scheduledTasksOfTwoAdaptersCompareConsistently() {
        // The tie-break on equal trigger times used a count per adapter: two tasks could each
        // compare greater than the other.
        WorkqueueScheduledExecutorService a = track(WorkqueueExecutors.newScheduledExecutorService(rt().systemWq()));
        WorkqueueScheduledExecutorService b = track(WorkqueueExecutors.newScheduledExecutorService(rt().systemWq()));
        long time = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        ScheduledTask<Integer> x = new ScheduledTask<>(a, () -> 1, time);
        ScheduledTask<Integer> y = new ScheduledTask<>(b, () -> 2, time);
        assertEquals(-Integer.signum(y.compareTo(x)), Integer.signum(x.compareTo(y)));
        assertTrue(x.compareTo(y) != 0);
    }

    @Test
    void worksAsTheExecutorOfCompletableFutures() {
        ExecutorService e = track(WorkqueueExecutors.newExecutorService(rt().systemWq()));
        CompletableFuture<Integer> cf = CompletableFuture.supplyAsync(() -> 20, e)
                .thenApplyAsync(x -> x + 1, e)
                .thenCombineAsync(CompletableFuture.supplyAsync(() -> 2, e), (a, b) -> a * b, e);
        assertEquals(42, Bounded.get(cf));
    }

    @Test
    void closeAsAutoCloseableWaitsForTasks() {
        AtomicInteger runs = new AtomicInteger();
        WorkqueueExecutorService kept;
        try (WorkqueueExecutorService e = WorkqueueExecutors.newExecutorService(rt().systemWq())) {
            kept = e;
            for (int i = 0; i < 100; i++) {
                e.execute(runs::incrementAndGet);
            }
        }
        assertTrue(kept.isTerminated());
        assertEquals(100, runs.get());
    }

    @Test
    void liveTaskCountAndToString() {
        WorkqueueExecutorService e = track(WorkqueueExecutors.newExecutorService(rt().allocWorkqueue("n", EnumSet.of(WqFlag.UNBOUND), 1)));
        Gate gate = new Gate();
        e.execute(gate.runnable());
        gate.awaitStarted();
        e.execute(() -> { });
        assertEquals(2, e.getLiveTaskCount());
        assertEquals(1, e.getQueue().size());
        assertTrue(e.toString().contains("Running"), e.toString());
        gate.open();
        e.shutdown();
        assertTrue(Executors2.awaitTermination(e));
        assertEquals(0, e.getLiveTaskCount());
        assertTrue(e.toString().contains("Terminated"), e.toString());
    }

    @Test
    void tasksRacingWithShutdownNowEitherRunOrAreReturnedExactlyOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            WorkqueueExecutorService e = WorkqueueExecutors.newExecutorService(rt().allocWorkqueue("race" + round, Set.of(), 0));
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            Thread submitter = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException ie) {
                    return;
                }
                for (int i = 0; i < 2000; i++) {
                    try {
                        e.execute(ran::incrementAndGet);
                        accepted.incrementAndGet();
                    } catch (RejectedExecutionException ree) {
                        rejected.incrementAndGet();
                    }
                }
            });
            submitter.start();
            go.countDown();
            Bounded.until("some accepted", () -> accepted.get() > 100 || !submitter.isAlive());
            List<Runnable> never = e.shutdownNow();
            submitter.join(TimeUnit.SECONDS.toMillis(Bounded.DEFAULT_SECONDS));
            assertTrue(Executors2.awaitTermination(e));
            assertEquals(accepted.get(), ran.get() + never.size(), "round " + round);
            assertEquals(2000, accepted.get() + rejected.get());
        }
    }
}
