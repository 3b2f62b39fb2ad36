// The ExecutorService contract: the same cases run against ThreadPoolExecutor and each adapter, so differences fail.
package io.corewq.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corewq.Bounded;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cases every {@link ExecutorService} here must pass identically. Subclasses supply executors; a
 * case whose executor kind cannot be built (e.g. two-at-once on an ordered workqueue) is skipped.
 */
abstract class ExecutorServiceContract {
    private final List<ExecutorService> created = new ArrayList<>();

    /**
     * A fresh executor that runs exactly {@code parallelism} tasks at once (1 or 2), sending rejected
     * tasks to {@code handler}, accepting at most {@code capacity} live (running + queued) tasks
     * when {@code capacity > 0}; or null when this kind cannot provide it.
     */
    abstract ExecutorService create(int parallelism, RejectedExecutionHandler handler, int capacity);

    /** Whether execute() wraps the command (scheduled executors): then handlers and shutdownNow see the wrapper. */
    boolean executeWraps() {
        return false;
    }

    /** Releases what the fixture holds (runtimes); after every executor has terminated. */
    void closeFixture() {
    }

    final ExecutorService executor(int parallelism, RejectedExecutionHandler handler, int capacity) {
        ExecutorService e = create(parallelism, handler, capacity);
        assumeTrue(e != null, "this executor kind cannot provide parallelism " + parallelism + " / capacity " + capacity);
        created.add(e);
        return e;
    }

    final ExecutorService single() {
        return executor(1, new ThreadPoolExecutor.AbortPolicy(), 0);
    }

    @AfterEach
    final void tearDown() {
        try {
            Thread.interrupted();
            for (ExecutorService e : created) {
                Executors2.stop(e);
            }
        } finally {
            closeFixture();
        }
    }

    static <T> T get(Future<T> f) {
        return Bounded.get(f);
    }

    static Throwable causeOf(Future<?> f) {
        ExecutionException ee = assertThrows(ExecutionException.class, () -> f.get(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS));
        return ee.getCause();
    }

    // ---- execute / submit ---------------------------------------------------------------------

    @Test
    void executeRunsTheCommand() {
        ExecutorService e = single();
        CountDownLatch ran = new CountDownLatch(1);
        e.execute(ran::countDown);
        Bounded.await(ran);
    }

    @Test
    void executeNullThrowsNullPointerException() {
        ExecutorService e = single();
        assertThrows(NullPointerException.class, () -> e.execute(null));
    }

    @Test
    void submitRunnableCompletesWithNull() {
        ExecutorService e = single();
        AtomicInteger runs = new AtomicInteger();
        Future<?> f = e.submit((Runnable) runs::incrementAndGet);
        assertNull(get(f));
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        assertEquals(1, runs.get());
    }

    @Test
    void submitRunnableWithResultCompletesWithTheResult() {
        ExecutorService e = single();
        assertEquals("r", get(e.submit(() -> { }, "r")));
    }

    @Test
    void submitCallableCompletesWithItsValue() {
        ExecutorService e = single();
        assertEquals(42, get(e.submit(() -> 42)));
    }

    @Test
    void submitNullThrowsNullPointerException() {
        ExecutorService e = single();
        assertThrows(NullPointerException.class, () -> e.submit((Runnable) null));
        assertThrows(NullPointerException.class, () -> e.submit((Runnable) null, "x"));
        assertThrows(NullPointerException.class, () -> e.submit((Callable<String>) null));
    }

    @Test
    void exceptionOfACallableIsWrappedInExecutionException() {
        ExecutorService e = single();
        Exception boom = new Exception("boom");
        Future<Object> f = e.submit(() -> {
            throw boom;
        });
        assertSame(boom, causeOf(f));
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
    }

    @Test
    void errorOfARunnableIsWrappedInExecutionException() {
        ExecutorService e = single();
        Error boom = new Error("boom");
        Future<?> f = e.submit((Runnable) () -> {
            throw boom;
        });
        assertSame(boom, causeOf(f));
    }

    @Test
    void writesBeforeSubmitAreSeenByTheTaskAndItsWritesByGet() {
        ExecutorService e = single();
        for (int i = 0; i < 200; i++) {
            int[] box = {i};
            int expect = i;
            Future<Integer> f = e.submit(() -> {
                int seen = box[0];
                box[0] = -seen;
                return seen;
            });
            assertEquals(expect, get(f));
            assertEquals(-expect, box[0]);
        }
    }

    @Test
    void aTaskThatThrowsFromExecuteDoesNotStopTheExecutor() {
        ExecutorService e = single();
        e.execute(() -> {
            throw new IllegalStateException("expected by the test");
        });
        assertEquals(7, get(e.submit(() -> 7)));
    }

    @Test
    void aTaskMaySubmitToItsOwnExecutor() throws Exception {
        ExecutorService e = single();
        Future<Future<Integer>> outer = e.submit(() -> e.submit(() -> 5));
        assertEquals(5, get(get(outer)));
    }

    @Test
    void tasksFromManyThreadsEachRunExactlyOnce() throws Exception {
        ExecutorService e = single();
        int threads = 4;
        int perThread = 500;
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads * perThread);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            Thread th = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    int id = base + i;
                    e.execute(() -> {
                        seen.add(id);
                        runs.incrementAndGet();
                        done.countDown();
                    });
                }
            });
            ts.add(th);
            th.start();
        }
        Bounded.await(done);
        for (Thread th : ts) {
            th.join(TimeUnit.SECONDS.toMillis(Bounded.DEFAULT_SECONDS));
        }
        assertEquals(threads * perThread, runs.get());
        assertEquals(threads * perThread, seen.size());
    }

    @Test
    void twoTasksRunAtOnceWhenParallelismIsTwo() {
        ExecutorService e = executor(2, new ThreadPoolExecutor.AbortPolicy(), 0);
        CountDownLatch both = new CountDownLatch(2);
        Callable<Boolean> meet = () -> {
            both.countDown();
            return both.await(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS);
        };
        Future<Boolean> a = e.submit(meet);
        Future<Boolean> b = e.submit(meet);
        assertTrue(get(a));
        assertTrue(get(b));
    }

    // ---- invokeAll ----------------------------------------------------------------------------

    @Test
    void invokeAllNullOrNullElementThrowsNullPointerException() {
        ExecutorService e = single();
        assertThrows(NullPointerException.class, () -> e.invokeAll(null));
        assertThrows(NullPointerException.class, () -> e.invokeAll(null, 1, TimeUnit.SECONDS));
        List<Callable<String>> withNull = new ArrayList<>();
        withNull.add(() -> "a");
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> e.invokeAll(withNull));
        assertThrows(NullPointerException.class, () -> e.invokeAll(withNull, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> e.invokeAll(List.of(() -> "a"), 1, null));
    }

    @Test
    void invokeAllOfNothingReturnsAnEmptyList() throws Exception {
        ExecutorService e = single();
        assertTrue(e.invokeAll(Collections.emptyList()).isEmpty());
        assertTrue(e.invokeAll(Collections.emptyList(), 1, TimeUnit.SECONDS).isEmpty());
    }

    @Test
    void invokeAllReturnsDoneFuturesInTaskOrder() throws Exception {
        ExecutorService e = single();
        Exception boom = new Exception("boom");
        List<Callable<String>> tasks = List.of(() -> "a", () -> {
            throw boom;
        }, () -> "c");
        for (List<Future<String>> fs : List.of(e.invokeAll(tasks), e.invokeAll(tasks, Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS))) {
            assertEquals(3, fs.size());
            for (Future<String> f : fs) {
                assertTrue(f.isDone());
            }
            assertEquals("a", fs.get(0).get());
            assertSame(boom, causeOf(fs.get(1)));
            assertEquals("c", fs.get(2).get());
        }
    }

    @Test
    void timedInvokeAllCancelsWhatDidNotFinish() throws Exception {
        ExecutorService e = single();
        Gate gate = new Gate();
        List<Future<String>> fs = e.invokeAll(List.of(() -> "fast", gate.callable("slow")), 200, TimeUnit.MILLISECONDS);
        assertEquals(2, fs.size());
        assertEquals("fast", fs.get(0).get());
        assertTrue(fs.get(1).isCancelled());
        assertTrue(fs.get(1).isDone());
        if (gate.started.getCount() == 0) {
            gate.awaitFinished();
            assertTrue(gate.interrupted.get(), "the running task was cancelled with an interrupt");
        }
        assertEquals(1, get(e.submit(() -> 1)), "the executor is free again");
    }

    // ---- invokeAny ----------------------------------------------------------------------------

    @Test
    void invokeAnyNullEmptyOrNullElement() {
        ExecutorService e = single();
        assertThrows(NullPointerException.class, () -> e.invokeAny(null));
        assertThrows(NullPointerException.class, () -> e.invokeAny(null, 1, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> e.invokeAny(Collections.emptyList()));
        assertThrows(IllegalArgumentException.class, () -> e.invokeAny(Collections.emptyList(), 1, TimeUnit.SECONDS));
        List<Callable<String>> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> e.invokeAny(withNull));
        assertThrows(NullPointerException.class, () -> e.invokeAny(withNull, 1, TimeUnit.SECONDS));
    }

    @Test
    void invokeAnyWhenAllThrowThrowsExecutionException() {
        ExecutorService e = single();
        Collection<Callable<String>> tasks = List.of(() -> {
            throw new Exception("one");
        }, () -> {
            throw new Exception("two");
        });
        assertThrows(ExecutionException.class, () -> e.invokeAny(tasks));
        assertThrows(ExecutionException.class, () -> e.invokeAny(tasks, Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void invokeAnyReturnsASuccessfulResultAndCancelsTheRest() throws Exception {
        ExecutorService e = single();
        Gate gate = new Gate();
        assertEquals("fast", e.invokeAny(List.of(() -> "fast", gate.callable("slow"))));
        Gate gate2 = new Gate();
        assertEquals("fast", e.invokeAny(List.of(() -> {
            throw new Exception("first fails");
        }, () -> "fast", gate2.callable("slow")), Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, get(e.submit(() -> 1)), "the slow tasks were cancelled (else a single thread would be stuck)");
    }

    @Test
    void timedInvokeAnyTimesOutAndCancels() {
        ExecutorService e = single();
        Gate a = new Gate();
        Gate b = new Gate();
        assertThrows(TimeoutException.class, () -> e.invokeAny(List.of(a.callable("a"), b.callable("b")), 100, TimeUnit.MILLISECONDS));
        assertEquals(1, get(e.submit(() -> 1)), "the blocked tasks were cancelled");
        assertThrows(NullPointerException.class, () -> e.invokeAny(List.of(() -> "x"), 1, null));
    }

    // ---- shutdown, termination ------------------------------------------------------------------

    @Test
    void shutdownRejectsNewTasksAndRunsQueuedOnes() {
        ExecutorService e = single();
        Gate gate = new Gate();
        e.execute(gate.runnable());
        gate.awaitStarted();
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            e.execute(runs::incrementAndGet);
        }
        Future<Integer> f = e.submit(() -> 9);
        e.shutdown();
        assertTrue(e.isShutdown());
        assertFalse(e.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> e.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> e.submit(() -> 1));
        e.shutdown(); // idempotent
        assertFalse(e.isTerminated());
        gate.open();
        assertTrue(Executors2.awaitTermination(e));
        assertTrue(e.isTerminated());
        assertEquals(3, runs.get());
        assertEquals(9, get(f));
        assertFalse(gate.interrupted.get());
    }

    @Test
    void shutdownOfAnIdleExecutorTerminatesIt() throws Exception {
        ExecutorService e = single();
        assertEquals(1, get(e.submit(() -> 1)));
        assertFalse(e.isShutdown());
        e.shutdown();
        assertTrue(e.awaitTermination(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS));
        assertTrue(e.isShutdown());
        assertTrue(e.isTerminated());
        assertTrue(e.awaitTermination(0, TimeUnit.NANOSECONDS));
    }

    @Test
    void removeTakesAQueuedCopyOfATaskWhileAnotherCopyRuns() {
        // The adapters' remove() stopped at the first copy it met, the running one, and returned
        // false with the queued copy still there (found by review, 2026-11-22).
        assumeFalse(executeWraps(), "execute() wraps the task: remove() cannot find the command");
        for (int round = 0; round < 10; round++) { // the old code missed when it met the running copy first: half the time
            ExecutorService e = single();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            Runnable r = () -> {
                runs.incrementAndGet();
                inside.countDown();
                Bounded.await(release);
            };
            e.execute(r);
            Bounded.await(inside);
            e.execute(r); // queued behind the running copy
            boolean removed = remove(e, r);
            release.countDown();
            assertTrue(removed, "round " + round + ": remove() missed the queued copy");
            e.shutdown();
            Bounded.run("termination", () -> {
                try {
                    assertTrue(e.awaitTermination(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS));
                } catch (InterruptedException x) {
                    throw new AssertionError(x);
                }
            });
            assertEquals(1, runs.get());
        }
    }

    private static boolean remove(ExecutorService e, Runnable r) {
        if (e instanceof ThreadPoolExecutor tpe) {
            return tpe.remove(r);
        }
        return ((WorkqueueExecutor) e).remove(r);
    }

    @Test
    void everyFutureIsDoneOnceTheExecutorHasTerminated() throws Exception {
        // The adapters used to stop counting a task as live just before its future completed:
        // awaitTermination could return true while get() still blocked (found by review,
        // 2026-11-22: 5 in 6 317 trials with isTerminated, 3 in 13 with awaitTermination).
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (int trial = 0; trial < 3_000 && System.nanoTime() < end; trial++) {
            ExecutorService e = single();
            Future<Integer> f = e.submit(() -> 42);
            e.shutdown();
            if (trial % 2 == 0) {
                assertTrue(e.awaitTermination(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS), "no termination");
            } else {
                Bounded.until("terminated", e::isTerminated);
            }
            assertTrue(f.isDone(), "trial " + trial + ": terminated while a submitted future was not done");
            assertEquals(42, f.get(0, TimeUnit.NANOSECONDS));
        }
    }

    @Test
    void shutdownNowReturnsNeverStartedTasksAndInterruptsTheRunningOne() {
        ExecutorService e = single();
        Gate gate = new Gate();
        e.execute(gate.runnable());
        gate.awaitStarted();
        AtomicInteger runs = new AtomicInteger();
        Runnable r1 = runs::incrementAndGet;
        Runnable r2 = runs::incrementAndGet;
        e.execute(r1);
        e.execute(r2);
        Future<?> f3 = e.submit((Runnable) runs::incrementAndGet);
        List<Runnable> never = e.shutdownNow();
        assertTrue(e.isShutdown());
        assertEquals(3, never.size());
        if (!executeWraps()) {
            assertSame(r1, never.get(0));
            assertSame(r2, never.get(1));
        }
        assertTrue(never.contains(f3), "the submitted task's future is what is returned");
        gate.awaitFinished();
        assertTrue(gate.interrupted.get());
        assertTrue(Executors2.awaitTermination(e));
        assertEquals(0, runs.get());
        assertFalse(f3.isDone(), "shutdownNow does not complete the returned tasks' futures");
        assertThrows(RejectedExecutionException.class, () -> e.execute(() -> { }));
        assertTrue(e.shutdownNow().isEmpty());
    }

    @Test
    void shutdownNowAfterShutdownReturnsWhatIsStillQueued() {
        ExecutorService e = single();
        Gate gate = new Gate();
        e.execute(gate.runnable());
        gate.awaitStarted();
        Future<?> queued = e.submit(() -> { });
        e.shutdown();
        List<Runnable> never = e.shutdownNow();
        assertEquals(List.of(queued), never);
        assertTrue(Executors2.awaitTermination(e));
        assertTrue(gate.interrupted.get());
    }

    @Test
    void awaitTerminationTimesOutWhileRunningAndThrowsWhenInterrupted() throws Exception {
        ExecutorService e = single();
        assertFalse(e.awaitTermination(20, TimeUnit.MILLISECONDS));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> e.awaitTermination(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS));
        assertFalse(Thread.interrupted());
        assertThrows(NullPointerException.class, () -> e.awaitTermination(1, null));
    }

    @Test
    void closeWaitsForQueuedTasks() {
        ExecutorService e = single();
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            e.execute(runs::incrementAndGet);
        }
        Executors2.close(e);
        assertTrue(e.isTerminated());
        assertEquals(5, runs.get());
        Executors2.close(e); // no-op when terminated
    }

    @Test
    void closeInterruptedStopsTheExecutorAndKeepsTheInterrupt() throws Exception {
        ExecutorService e = single();
        Gate gate = new Gate();
        e.execute(gate.runnable());
        gate.awaitStarted();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            Executors2.close(e);
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        closer.start();
        closer.interrupt();
        closer.join(TimeUnit.SECONDS.toMillis(Bounded.DEFAULT_SECONDS));
        assertFalse(closer.isAlive(), Bounded.threadDump());
        assertTrue(interruptedAfter.get());
        assertTrue(gate.interrupted.get());
        assertTrue(e.isTerminated());
    }

    // ---- rejection ----------------------------------------------------------------------------

    @Test
    void theDefaultHandlerAborts() {
        ExecutorService e = single();
        e.shutdown();
        assertThrows(RejectedExecutionException.class, () -> e.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> e.submit(() -> 1));
        assertThrows(RejectedExecutionException.class, () -> e.invokeAll(List.of(() -> 1)));
        assertThrows(RejectedExecutionException.class, () -> e.invokeAny(List.of(() -> 1)));
    }

    @Test
    void aCustomHandlerReceivesTheRejectedTaskAndAShutDownExecutorView() {
        List<Runnable> rejected = Collections.synchronizedList(new ArrayList<>());
        List<Boolean> shutdownSeen = Collections.synchronizedList(new ArrayList<>());
        ExecutorService e = executor(1, (r, ex) -> {
            rejected.add(r);
            shutdownSeen.add(ex.isShutdown());
        }, 0);
        e.shutdown();
        Runnable r = () -> { };
        e.execute(r);
        Future<Integer> f = e.submit(() -> 1);
        assertEquals(2, rejected.size());
        if (executeWraps()) {
            assertNotSame(r, rejected.get(0));
            assertInstanceOf(Future.class, rejected.get(0));
        } else {
            assertSame(r, rejected.get(0));
        }
        assertSame(f, rejected.get(1));
        assertEquals(List.of(true, true), shutdownSeen);
        assertFalse(f.isDone());
    }

    @Test
    void discardPolicyDropsSilently() {
        ExecutorService e = executor(1, new ThreadPoolExecutor.DiscardPolicy(), 0);
        e.shutdown();
        e.execute(() -> { });
        Future<Integer> f = e.submit(() -> 1);
        assertFalse(f.isDone());
    }

    @Test
    void callerRunsPolicyDiscardsOnceShutDown() {
        ExecutorService e = executor(1, new ThreadPoolExecutor.CallerRunsPolicy(), 0);
        e.shutdown();
        AtomicInteger runs = new AtomicInteger();
        e.execute(runs::incrementAndGet);
        assertEquals(0, runs.get());
    }

    @Test
    void callerRunsPolicyRunsInTheCallerWhenFull() {
        ExecutorService e = executor(1, new ThreadPoolExecutor.CallerRunsPolicy(), 2);
        Gate gate = new Gate();
        e.execute(gate.runnable());
        gate.awaitStarted();
        AtomicReference<Thread> queuedOn = new AtomicReference<>();
        e.execute(() -> queuedOn.set(Thread.currentThread()));
        AtomicReference<Thread> overflowOn = new AtomicReference<>();
        e.execute(() -> overflowOn.set(Thread.currentThread()));
        assertSame(Thread.currentThread(), overflowOn.get());
        gate.open();
        e.shutdown();
        assertTrue(Executors2.awaitTermination(e));
        assertNotSame(Thread.currentThread(), queuedOn.get());
    }

    @Test
    void abortWhenFull() {
        ExecutorService e = executor(1, new ThreadPoolExecutor.AbortPolicy(), 2);
        Gate gate = new Gate();
        e.execute(gate.runnable());
        gate.awaitStarted();
        Future<Integer> queued = e.submit(() -> 2);
        assertThrows(RejectedExecutionException.class, () -> e.submit(() -> 3));
        gate.open();
        assertEquals(2, get(queued));
        assertEquals(4, get(e.submit(() -> 4)), "room again once tasks finish");
    }

    @Test
    void discardOldestPolicyDropsTheOldestQueuedTask() {
        ExecutorService e = executor(1, new ThreadPoolExecutor.DiscardOldestPolicy(), 2);
        Gate gate = new Gate();
        e.execute(gate.runnable());
        gate.awaitStarted();
        AtomicInteger oldest = new AtomicInteger();
        AtomicInteger newest = new AtomicInteger();
        e.execute(oldest::incrementAndGet);
        e.execute(newest::incrementAndGet);
        gate.open();
        e.shutdown();
        assertTrue(Executors2.awaitTermination(e));
        assertEquals(0, oldest.get());
        assertEquals(1, newest.get());
    }

    // ---- cancellation, interrupts ---------------------------------------------------------------

    @Test
    void cancelTrueInterruptsTheRunningTask() {
        ExecutorService e = single();
        Gate gate = new Gate();
        Future<String> f = e.submit(gate.callable("x"));
        gate.awaitStarted();
        assertTrue(f.cancel(true));
        assertTrue(f.isCancelled());
        assertTrue(f.isDone());
        assertThrows(CancellationException.class, () -> f.get());
        assertFalse(f.cancel(true));
        gate.awaitFinished();
        assertTrue(gate.interrupted.get());
        assertEquals(Boolean.FALSE, get(e.submit(() -> Thread.currentThread().isInterrupted())),
                "the next task does not inherit the interrupt");
    }

    @Test
    void cancelFalseLetsTheRunningTaskFinishUninterrupted() {
        ExecutorService e = single();
        Gate gate = new Gate();
        Future<String> f = e.submit(gate.callable("x"));
        gate.awaitStarted();
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        gate.open();
        gate.awaitFinished();
        assertFalse(gate.interrupted.get());
        assertThrows(CancellationException.class, () -> f.get());
    }

    @Test
    void aCancelledQueuedTaskNeverRuns() {
        ExecutorService e = single();
        Gate gate = new Gate();
        e.execute(gate.runnable());
        gate.awaitStarted();
        AtomicInteger runs = new AtomicInteger();
        Future<?> f = e.submit((Runnable) runs::incrementAndGet);
        assertTrue(f.cancel(false));
        gate.open();
        e.shutdown();
        assertTrue(Executors2.awaitTermination(e));
        assertEquals(0, runs.get());
        assertTrue(f.isCancelled());
    }

    @Test
    void aTaskThatInterruptsItselfDoesNotLeakTheInterrupt() {
        ExecutorService e = single();
        e.execute(() -> Thread.currentThread().interrupt());
        assertEquals(Boolean.FALSE, get(e.submit(() -> Thread.currentThread().isInterrupted())));
    }

    @Test
    void aTaskIgnoringTheInterruptStillLetsShutdownNowTerminateOnceItEnds() {
        ExecutorService e = single();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupts = new AtomicInteger();
        e.execute(() -> {
            started.countDown();
            while (true) {
                try {
                    if (release.await(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS)) {
                        return;
                    }
                    throw new AssertionError("never released");
                } catch (InterruptedException ie) {
                    interrupts.incrementAndGet(); // ignored on purpose
                }
            }
        });
        Bounded.await(started);
        e.shutdownNow();
        Bounded.until("interrupt delivered", () -> interrupts.get() > 0);
        assertFalse(e.isTerminated());
        release.countDown();
        assertTrue(Executors2.awaitTermination(e));
    }
}
