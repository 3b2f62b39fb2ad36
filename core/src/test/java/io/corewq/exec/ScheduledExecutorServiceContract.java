// The ScheduledExecutorService contract: the same cases against ScheduledThreadPoolExecutor and each scheduled adapter.
package io.corewq.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.Bounded;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Cases every {@link ScheduledExecutorService} here must pass identically, on top of the ExecutorService ones. */
abstract class ScheduledExecutorServiceContract extends ExecutorServiceContract {
    /** A fresh scheduled executor running exactly {@code parallelism} tasks at once, or null. */
    abstract ScheduledExecutorService createScheduled(int parallelism, RejectedExecutionHandler handler);

    abstract void setRemoveOnCancel(ScheduledExecutorService e, boolean value);

    abstract boolean getRemoveOnCancel(ScheduledExecutorService e);

    abstract void setContinuePeriodic(ScheduledExecutorService e, boolean value);

    abstract boolean getContinuePeriodic(ScheduledExecutorService e);

    abstract void setExecuteDelayed(ScheduledExecutorService e, boolean value);

    abstract boolean getExecuteDelayed(ScheduledExecutorService e);

    abstract BlockingQueue<Runnable> queueOf(ScheduledExecutorService e);

    @Override
    final ExecutorService create(int parallelism, RejectedExecutionHandler handler, int capacity) {
        return capacity > 0 ? null : createScheduled(parallelism, handler);
    }

    @Override
    final boolean executeWraps() {
        return true;
    }

    final ScheduledExecutorService sched() {
        return (ScheduledExecutorService) single();
    }

    // ---- schedule -----------------------------------------------------------------------------

    @Test
    void scheduleRunsNoEarlierThanTheDelay() {
        ScheduledExecutorService e = sched();
        long t0 = System.nanoTime();
        ScheduledFuture<Long> f = e.schedule(System::nanoTime, 50, TimeUnit.MILLISECONDS);
        long d = f.getDelay(TimeUnit.MILLISECONDS);
        assertTrue(d > 0 && d <= 50, "delay " + d);
        long ranAt = get(f);
        assertTrue(ranAt - t0 >= TimeUnit.MILLISECONDS.toNanos(50), "ran after " + (ranAt - t0) + " ns");
        assertTrue(f.getDelay(TimeUnit.NANOSECONDS) <= 0);
        assertTrue(f.isDone());
    }

    @Test
    void scheduleRunnableCompletesWithNull() {
        ScheduledExecutorService e = sched();
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> f = e.schedule((Runnable) runs::incrementAndGet, 1, TimeUnit.MILLISECONDS);
        assertNull(get(f));
        assertEquals(1, runs.get());
    }

    @Test
    void zeroAndNegativeDelaysRunAtOnce() {
        ScheduledExecutorService e = sched();
        assertEquals(1, get(e.schedule(() -> 1, 0, TimeUnit.SECONDS)));
        assertEquals(2, get(e.schedule(() -> 2, -5, TimeUnit.SECONDS)));
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        ScheduledFuture<?> p = e.scheduleAtFixedRate(() -> {
            runs.incrementAndGet();
            three.countDown();
        }, -1, 1, TimeUnit.MILLISECONDS);
        Bounded.await(three);
        p.cancel(false);
    }

    @Test
    void nullArgumentsThrowNullPointerException() {
        ScheduledExecutorService e = sched();
        Runnable r = () -> { };
        assertThrows(NullPointerException.class, () -> e.schedule((Runnable) null, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> e.schedule(r, 1, null));
        assertThrows(NullPointerException.class, () -> e.schedule((java.util.concurrent.Callable<String>) null, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> e.schedule(() -> "x", 1, null));
        assertThrows(NullPointerException.class, () -> e.scheduleAtFixedRate(null, 1, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> e.scheduleAtFixedRate(r, 1, 1, null));
        assertThrows(NullPointerException.class, () -> e.scheduleWithFixedDelay(null, 1, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> e.scheduleWithFixedDelay(r, 1, 1, null));
        assertThrows(NullPointerException.class, () -> e.scheduleAtFixedRate(null, 1, 0, TimeUnit.SECONDS), "null checked before period");
    }

    @Test
    void nonPositivePeriodsThrowIllegalArgumentException() {
        ScheduledExecutorService e = sched();
        Runnable r = () -> { };
        assertThrows(IllegalArgumentException.class, () -> e.scheduleAtFixedRate(r, 1, 0, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> e.scheduleAtFixedRate(r, 1, -1, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> e.scheduleWithFixedDelay(r, 1, 0, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> e.scheduleWithFixedDelay(r, 1, -1, TimeUnit.SECONDS));
    }

    @Test
    void everyTaskIsARunnableScheduledFuture() {
        ScheduledExecutorService e = sched();
        assertInstanceOf(ScheduledFuture.class, e.submit(() -> 1));
        assertInstanceOf(ScheduledFuture.class, e.submit(() -> { }));
        RunnableScheduledFuture<?> once = (RunnableScheduledFuture<?>) e.schedule(() -> { }, 1, TimeUnit.HOURS);
        RunnableScheduledFuture<?> rate = (RunnableScheduledFuture<?>) e.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
        RunnableScheduledFuture<?> delay = (RunnableScheduledFuture<?>) e.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.HOURS);
        assertFalse(once.isPeriodic());
        assertTrue(rate.isPeriodic());
        assertTrue(delay.isPeriodic());
        once.cancel(false);
        rate.cancel(false);
        delay.cancel(false);
    }

    @Test
    void getDelayAndCompareToOrderByTriggerTime() {
        ScheduledExecutorService e = sched();
        ScheduledFuture<?> f1 = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        ScheduledFuture<?> f2 = e.schedule(() -> { }, 2, TimeUnit.HOURS);
        ScheduledFuture<?> f3 = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        long m = f1.getDelay(TimeUnit.MINUTES);
        assertTrue(m >= 59 && m <= 60, "minutes " + m);
        assertTrue(f1.compareTo(f2) < 0);
        assertTrue(f2.compareTo(f1) > 0);
        assertEquals(0, f1.compareTo(f1));
        assertTrue(f1.compareTo(f3) < 0, "same delay: submission order (or earlier trigger time) first");
        Delayed foreign = new Delayed() {
            @Override
            public long getDelay(TimeUnit unit) {
                return unit.convert(90, TimeUnit.MINUTES);
            }

            @Override
            public int compareTo(Delayed o) {
                return 0;
            }
        };
        assertTrue(f1.compareTo(foreign) < 0);
        assertTrue(f2.compareTo(foreign) > 0);
        List<ScheduledFuture<?>> sorted = new ArrayList<>(List.of(f2, f3, f1));
        Collections.sort(sorted);
        assertEquals(List.of(f1, f3, f2), sorted);
        for (ScheduledFuture<?> f : sorted) {
            f.cancel(false);
        }
    }

    @Test
    void delayedTasksRunInTheOrderOfTheirDelays() {
        ScheduledExecutorService e = sched();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        ScheduledFuture<?> c = e.schedule(() -> order.add(90), 90, TimeUnit.MILLISECONDS);
        e.schedule(() -> order.add(60), 60, TimeUnit.MILLISECONDS);
        e.schedule(() -> order.add(30), 30, TimeUnit.MILLISECONDS);
        get(c);
        assertEquals(List.of(30, 60, 90), order);
    }

    // ---- periodic -----------------------------------------------------------------------------

    private void periodicRunsUntilCancelled(boolean fixedRate) {
        ScheduledExecutorService e = sched();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        Runnable r = () -> {
            runs.incrementAndGet();
            three.countDown();
        };
        ScheduledFuture<?> f = fixedRate
                ? e.scheduleAtFixedRate(r, 1, 5, TimeUnit.MILLISECONDS)
                : e.scheduleWithFixedDelay(r, 1, 5, TimeUnit.MILLISECONDS);
        Bounded.await(three);
        assertFalse(f.isDone());
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        assertTrue(f.isDone());
        assertThrows(CancellationException.class, () -> f.get());
        int atCancel = runs.get();
        get(e.schedule(() -> { }, 40, TimeUnit.MILLISECONDS));
        assertTrue(runs.get() <= atCancel + 1, "ran " + (runs.get() - atCancel) + " times after cancel");
    }

    @Test
    void fixedRateRunsUntilCancelled() {
        periodicRunsUntilCancelled(true);
    }

    @Test
    void fixedDelayRunsUntilCancelled() {
        periodicRunsUntilCancelled(false);
    }

    @Test
    void aPeriodicTaskStopsAfterItThrows() {
        ScheduledExecutorService e = sched();
        AtomicInteger runs = new AtomicInteger();
        RuntimeException boom = new RuntimeException("third run fails");
        ScheduledFuture<?> f = e.scheduleAtFixedRate(() -> {
            if (runs.incrementAndGet() == 3) {
                throw boom;
            }
        }, 0, 2, TimeUnit.MILLISECONDS);
        assertSame(boom, causeOf(f));
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        get(e.schedule(() -> { }, 30, TimeUnit.MILLISECONDS));
        assertEquals(3, runs.get());
        ScheduledFuture<?> g = e.scheduleWithFixedDelay(() -> {
            throw boom;
        }, 0, 1, TimeUnit.MILLISECONDS);
        assertSame(boom, causeOf(g));
    }

    @Test
    void runsOfAPeriodicTaskNeverOverlap() {
        ScheduledExecutorService e = (ScheduledExecutorService) executor(2, new ThreadPoolExecutor.AbortPolicy(), 0);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch twenty = new CountDownLatch(20);
        ScheduledFuture<?> f = e.scheduleAtFixedRate(() -> {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            for (int i = 0; i < 1000; i++) {
                Thread.onSpinWait();
            }
            inside.decrementAndGet();
            twenty.countDown();
        }, 0, 1, TimeUnit.NANOSECONDS);
        Bounded.await(twenty);
        f.cancel(false);
        assertEquals(0, overlaps.get());
    }

    @Test
    void cancelTrueInterruptsARunningPeriodicTaskAndEndsIt() {
        ScheduledExecutorService e = sched();
        Gate gate = new Gate();
        AtomicInteger runs = new AtomicInteger();
        Runnable block = gate.runnable();
        ScheduledFuture<?> f = e.scheduleAtFixedRate(() -> {
            runs.incrementAndGet();
            block.run();
        }, 0, 1, TimeUnit.MILLISECONDS);
        gate.awaitStarted();
        assertTrue(f.cancel(true));
        gate.awaitFinished();
        assertTrue(gate.interrupted.get());
        get(e.schedule(() -> { }, 20, TimeUnit.MILLISECONDS));
        assertEquals(1, runs.get());
        assertEquals(Boolean.FALSE, get(e.submit(() -> Thread.currentThread().isInterrupted())));
    }

    // ---- shutdown policies --------------------------------------------------------------------

    @Test
    void policyDefaultsAndSetters() {
        ScheduledExecutorService e = sched();
        assertFalse(getContinuePeriodic(e));
        assertTrue(getExecuteDelayed(e));
        assertFalse(getRemoveOnCancel(e));
        setContinuePeriodic(e, true);
        setExecuteDelayed(e, false);
        setRemoveOnCancel(e, true);
        assertTrue(getContinuePeriodic(e));
        assertFalse(getExecuteDelayed(e));
        assertTrue(getRemoveOnCancel(e));
    }

    @Test
    void byDefaultShutdownRunsDelayedTasksAndCancelsPeriodicOnes() {
        ScheduledExecutorService e = sched();
        ScheduledFuture<Integer> later = e.schedule(() -> 5, 50, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> periodic = e.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
        e.shutdown();
        assertTrue(periodic.isCancelled());
        assertFalse(later.isDone());
        assertFalse(e.isTerminated());
        assertTrue(Executors2.awaitTermination(e));
        assertEquals(5, get(later));
    }

    @Test
    void withoutExecuteExistingDelayedShutdownCancelsDelayedTasks() {
        ScheduledExecutorService e = sched();
        setExecuteDelayed(e, false);
        ScheduledFuture<?> later = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        e.shutdown();
        assertTrue(later.isCancelled());
        assertTrue(Executors2.awaitTermination(e));
    }

    @Test
    void turningExecuteExistingDelayedOffAfterShutdownCancelsThem() {
        ScheduledExecutorService e = sched();
        ScheduledFuture<?> later = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        e.shutdown();
        assertFalse(later.isDone());
        assertFalse(e.isTerminated());
        setExecuteDelayed(e, false);
        assertTrue(later.isCancelled());
        assertTrue(Executors2.awaitTermination(e));
    }

    @Test
    void continueExistingPeriodicKeepsThemRunningAfterShutdown() {
        ScheduledExecutorService e = sched();
        setContinuePeriodic(e, true);
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> f = e.scheduleAtFixedRate(runs::incrementAndGet, 0, 2, TimeUnit.MILLISECONDS);
        e.shutdown();
        int atShutdown = runs.get();
        Bounded.until("periodic task runs after shutdown", () -> runs.get() >= atShutdown + 3);
        assertFalse(f.isDone());
        assertFalse(e.isTerminated());
        setContinuePeriodic(e, false);
        assertTrue(Executors2.awaitTermination(e));
        assertTrue(f.isCancelled());
        assertThrows(RejectedExecutionException.class, () -> e.schedule(() -> { }, 1, TimeUnit.SECONDS));
    }

    @Test
    void continueExistingPeriodicStillStopsAtShutdownNow() {
        ScheduledExecutorService e = sched();
        setContinuePeriodic(e, true);
        e.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
        e.shutdown();
        assertFalse(e.isTerminated());
        assertEquals(1, e.shutdownNow().size());
        assertTrue(Executors2.awaitTermination(e));
    }

    @Test
    void removeOnCancelTakesTheTaskOutOfTheQueue() {
        ScheduledExecutorService e = sched();
        setRemoveOnCancel(e, true);
        ScheduledFuture<?> f = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertTrue(queueOf(e).contains(f));
        assertTrue(f.cancel(false));
        assertFalse(queueOf(e).contains(f));
        assertEquals(0, queueOf(e).size());
    }

    @Test
    void withoutRemoveOnCancelACancelledTaskStaysQueuedAndDelaysTermination() throws Exception {
        ScheduledExecutorService e = sched();
        ScheduledFuture<?> f = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        e.shutdown(); // the delayed task is kept (default policy)
        assertTrue(f.cancel(false));
        assertTrue(queueOf(e).contains(f));
        assertFalse(e.awaitTermination(50, TimeUnit.MILLISECONDS));
        List<Runnable> never = e.shutdownNow();
        assertEquals(List.of(f), never);
        assertTrue(Executors2.awaitTermination(e));
    }

    @Test
    void removeOnCancelLetsAShutDownExecutorTerminate() {
        ScheduledExecutorService e = sched();
        setRemoveOnCancel(e, true);
        ScheduledFuture<?> f = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        e.shutdown();
        assertFalse(e.isTerminated());
        assertTrue(f.cancel(false));
        assertTrue(Executors2.awaitTermination(e));
    }

    @Test
    void shutdownCancelsWhatWasCancelledBefore() {
        ScheduledExecutorService e = sched();
        ScheduledFuture<?> f = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertTrue(f.cancel(false));
        assertTrue(queueOf(e).contains(f));
        e.shutdown();
        assertTrue(Executors2.awaitTermination(e));
    }

    @Test
    void shutdownNowReturnsDelayedAndPeriodicTasks() {
        ScheduledExecutorService e = sched();
        ScheduledFuture<?> once = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        ScheduledFuture<?> rate = e.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
        ScheduledFuture<?> delay = e.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.HOURS);
        List<Runnable> never = e.shutdownNow();
        assertEquals(3, never.size());
        assertTrue(never.containsAll(List.of(once, rate, delay)));
        assertTrue(Executors2.awaitTermination(e));
        assertFalse(once.isDone());
    }

    @Test
    void everySchedulingMethodRejectsAfterShutdown() {
        ScheduledExecutorService e = sched();
        e.shutdown();
        assertThrows(RejectedExecutionException.class, () -> e.schedule(() -> { }, 1, TimeUnit.SECONDS));
        assertThrows(RejectedExecutionException.class, () -> e.schedule(() -> 1, 1, TimeUnit.SECONDS));
        assertThrows(RejectedExecutionException.class, () -> e.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.SECONDS));
        assertThrows(RejectedExecutionException.class, () -> e.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.SECONDS));
    }

    @Test
    void theQueueListsTasksThatHaveNotStarted() {
        ScheduledExecutorService e = sched();
        ScheduledFuture<?> f2 = e.schedule(() -> { }, 2, TimeUnit.HOURS);
        ScheduledFuture<?> f1 = e.schedule(() -> { }, 1, TimeUnit.HOURS);
        BlockingQueue<Runnable> q = queueOf(e);
        assertEquals(2, q.size());
        assertTrue(q.contains(f1) && q.contains(f2));
        assertTrue(q.remove(f2));
        assertFalse(f2.isDone(), "removal from the queue does not cancel the future");
        assertEquals(1, q.size());
        f1.cancel(false);
    }
}
