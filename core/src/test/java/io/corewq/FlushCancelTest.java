// Tests of flush (item and workqueue), drain, cancel, cancelSync and disable/enable.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlushCancelTest extends RuntimeTestBase {
    Workqueue wq;
    /** max_active 1: an item queued behind a running blocker stays pending (inactive) for sure. */
    Workqueue gated;
    int cpu;

    @BeforeEach
    void start() {
        wq = rt.allocWorkqueue("fc", Set.of(), 0);
        gated = rt.allocWorkqueue("gated", Set.of(), 1);
        cpu = rt.cpus().first();
    }

    /** Occupies the only active slot of {@code gated} on CPU {@code c} until the latch is released. */
    private CountDownLatch blockCpu(int c) {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        gated.queueOn(c, new Work("blocker", () -> {
            running.countDown();
            Bounded.await(gate);
        }));
        Bounded.await(running);
        return gate;
    }

    @Test
    void flushOfAnIdleItemReturnsFalseAndOfABusyOneWaitsAndReturnsTrue() {
        AtomicInteger runs = new AtomicInteger();
        Work w = new Work(runs::incrementAndGet);
        assertFalse(w.flush());
        CountDownLatch gate = blockCpu(cpu);
        gated.queueOn(cpu, w);
        AtomicBoolean flushed = new AtomicBoolean();
        Thread t = new Thread(() -> flushed.set(w.flush()));
        t.start();
        Bounded.until("flusher waiting", () -> t.getState() == Thread.State.WAITING);
        assertTrue(w.isPending());
        gate.countDown();
        Bounded.join("join", t);
        assertTrue(flushed.get());
        assertEquals(1, runs.get(), "flush returned before the instance ran");
        assertFalse(w.flush());
    }

    /**
     * Queues an item on the test CPU and returns once it runs; it returns when {@code go} is
     * counted down, after setting {@code finished}.
     */
    private Work startHeldItem(CountDownLatch go, AtomicBoolean finished) {
        CountDownLatch in = new CountDownLatch(1);
        Work w = new Work(() -> {
            in.countDown();
            Bounded.await(go);
            finished.set(true);
        });
        wq.queueOn(cpu, w);
        Bounded.await(in);
        return w;
    }

    @Test
    void flushWaitsForTheRunningInstance() {
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Work w = startHeldItem(go, finished);
        Thread flusher = Thread.currentThread();
        Thread releaser = new Thread(() -> {
            // release the item only once this thread waits in flush(), so flush() must wait for it
            Bounded.until("flusher waiting", () -> flusher.getState() == Thread.State.WAITING);
            go.countDown();
        });
        releaser.start();
        assertTrue(w.flush());
        assertTrue(finished.get());
    }

    @Test
    void workqueueFlushWaitsForEverythingQueuedBeforeItAndIsNotLivelocked() {
        int n = 2000;
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            wq.queueOn(rt.cpus().get(i % rt.cpus().size()), new Work(done::incrementAndGet));
        }
        // another thread keeps queueing new items the whole time
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger later = new AtomicInteger();
        Thread spammer = new Thread(() -> {
            Work[] ws = new Work[64];
            for (int i = 0; i < ws.length; i++) {
                ws[i] = new Work(later::incrementAndGet);
            }
            int i = 0;
            while (!stop.get()) {
                wq.queue(ws[i++ & 63]);
            }
        });
        spammer.start();
        Bounded.run("flush under load", wq::flush);
        assertEquals(n, done.get());
        stop.set(true);
        Bounded.join("join", spammer);
    }

    @Test
    void drainLetsOnlyChainedQueueingThrough() {
        AtomicInteger chain = new AtomicInteger();
        AtomicReference<Work> self = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        Work w = new Work(() -> {
            started.countDown();
            Bounded.await(go);
            if (chain.incrementAndGet() < 100) {
                wq.queue(self.get()); // chained: allowed while draining
            }
        });
        self.set(w);
        wq.queueOn(cpu, w);
        Bounded.await(started);
        Thread drainer = new Thread(wq::drain);
        drainer.start();
        Bounded.until("draining", () -> drainer.getState() == Thread.State.WAITING || drainer.getState() == Thread.State.TIMED_WAITING);
        Work outsider = new Work(() -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wq.queue(outsider));
        assertTrue(e.getMessage().contains("draining") && e.getMessage().contains("fc"), e.getMessage());
        go.countDown();
        Bounded.join("join drainer", drainer);
        assertEquals(100, chain.get());
        assertTrue(wq.queue(outsider), "queueing works again after drain");
        outsider.flush();
    }

    @Test
    void cancelRemovesAPendingInstanceAndReportsIt() {
        AtomicInteger runs = new AtomicInteger();
        Work w = new Work(runs::incrementAndGet);
        assertFalse(w.cancel());
        CountDownLatch gate = blockCpu(cpu);
        gated.queueOn(cpu, w);
        assertTrue(w.cancel());
        assertFalse(w.isPending());
        assertFalse(w.cancel());
        // requeue after a cancel while the stale entry still sits in the worklist, then cancel again
        assertTrue(gated.queueOn(cpu, w));
        assertTrue(w.cancel());
        assertTrue(gated.queueOn(cpu, w));
        gate.countDown();
        gated.flush();
        assertEquals(1, runs.get(), "exactly the one instance that was not cancelled runs");
        assertEquals(0, gated.stats().inFlight());
    }

    @Test
    void cancelSyncStopsASelfRequeueingItem() {
        AtomicReference<Work> self = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        Work w = new Work(() -> {
            runs.incrementAndGet();
            wq.queue(self.get());
        });
        self.set(w);
        wq.queueOn(cpu, w);
        Bounded.until("running a while", () -> runs.get() > 1000);
        Bounded.run("cancelSync", w::cancelSync);
        assertFalse(w.isPending());
        assertFalse(w.isRunning());
        int after = runs.get();
        wq.flush();
        assertEquals(after, runs.get(), "ran after cancelSync returned");
        assertTrue(wq.queue(w), "cancelSync must not leave the item disabled");
        w.cancelSync();
    }

    @Test
    void cancelSyncWaitsForTheRunningFunction() {
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Work w = startHeldItem(go, finished);
        new Thread(go::countDown).start();
        assertFalse(w.cancelSync(), "nothing was pending");
        assertTrue(finished.get());
    }

    /**
     * A waiter interrupted before and during {@code op} keeps its interrupt status and still waits
     * until the running instance has finished: the wait guarantees do not give way to interrupts.
     */
    private void interruptedWaiterStillWaits(String what, Workqueue q, java.util.function.Consumer<Work> op) {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Work w = new Work(what, () -> {
            running.countDown();
            Bounded.await(release);
            finished.set(true);
        });
        q.queue(w);
        Bounded.await(running);
        AtomicReference<String> out = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            Thread.currentThread().interrupt();
            op.accept(w);
            out.set("finished=" + finished.get() + " interrupted=" + Thread.currentThread().isInterrupted());
        }, what);
        waiter.start();
        Bounded.until(what + " waits", () -> waiter.getState() == Thread.State.WAITING || !waiter.isAlive());
        waiter.interrupt();
        Bounded.until(what + " waits again", () -> waiter.getState() == Thread.State.WAITING || !waiter.isAlive());
        assertTrue(waiter.isAlive(), what + " returned while the instance ran: " + out.get());
        release.countDown();
        Bounded.join(what, waiter);
        assertEquals("finished=true interrupted=true", out.get(), what);
    }

    @Test
    void waitersInterruptedBeforeAndDuringTheWaitKeepTheInterruptAndStillWait() {
        Workqueue unbound = rt.allocWorkqueue("fc-unbound", java.util.EnumSet.of(WqFlag.UNBOUND), 0);
        interruptedWaiterStillWaits("flush", unbound, Work::flush);
        interruptedWaiterStillWaits("cancelSync", unbound, Work::cancelSync);
        interruptedWaiterStillWaits("workqueue flush", unbound, w -> unbound.flush());
        interruptedWaiterStillWaits("drain", unbound, w -> unbound.drain());
    }

    @Test
    void anUnmatchedEnableDuringCancelSyncIsReportedByCancelSyncItself() {
        // A foreign enable() took cancelSync's temporary disable away; cancelSync then threw
        // "enable() of ... which is not disabled", naming the wrong call (found by review, 2026-11-22).
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        Work w = new Work("victim", () -> {
            running.countDown();
            Bounded.await(release);
        });
        wq.queueOn(cpu, w);
        Bounded.await(running);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread canceller = new Thread(() -> {
            try {
                w.cancelSync();
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, "canceller");
        canceller.start();
        Bounded.until("cancelSync waits for the running instance", () -> canceller.getState() == Thread.State.WAITING);
        assertTrue(w.enable(), "the unmatched enable() takes the temporary disable");
        release.countDown();
        Bounded.join("cancelSync", canceller);
        Throwable t = outcome.get();
        assertTrue(t instanceof IllegalStateException && t.getMessage().startsWith("cancelSync() of Work[victim]")
                && t.getMessage().contains("enable()"), String.valueOf(t));
        assertTrue(wq.queueOn(cpu, w), "the disable count stays balanced at 0");
        Bounded.run("flush", w::flush);
    }

    @Test
    void disableIsCountedAndRefusesQueueingUntilTheMatchingEnable() {
        AtomicInteger runs = new AtomicInteger();
        Work w = new Work(runs::incrementAndGet);
        CountDownLatch gate = blockCpu(cpu);
        gated.queueOn(cpu, w);
        assertTrue(w.disable(), "disable cancels the pending instance");
        assertFalse(w.disable());
        assertFalse(gated.queue(w));
        assertFalse(w.enable(), "still disabled once");
        assertFalse(gated.queue(w));
        assertTrue(w.enable());
        assertThrows(IllegalStateException.class, w::enable);
        gate.countDown();
        assertTrue(gated.queue(w));
        w.flush();
        assertEquals(1, runs.get());
    }

    @Test
    void flushingAWorkqueueThatTheCurrentItemRequeuedItselfOntoThrows() {
        // The new instance runs only after the current run returns, so the flush waited for ever;
        // it is documented to throw (found by review, 2026-11-22).
        Workqueue p = rt.allocWorkqueue("P", Set.of(), 4);
        Workqueue q = rt.allocWorkqueue("Q", Set.of(), 4);
        AtomicReference<Throwable> flushErr = new AtomicReference<>();
        AtomicReference<Throwable> drainErr = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        Work[] x = new Work[1];
        x[0] = new Work("X", () -> {
            if (runs.incrementAndGet() > 1) {
                return;
            }
            assertTrue(q.queueOn(rt.cpus().last(), x[0])); // deferred behind this run
            try {
                q.flush();
            } catch (Throwable t) {
                flushErr.set(t);
            }
            try {
                q.drain();
            } catch (Throwable t) {
                drainErr.set(t);
            }
        });
        p.queueOn(rt.cpus().first(), x[0]);
        Bounded.run("flush P", p::flush);
        Bounded.run("flush Q", q::flush);
        assertTrue(flushErr.get() instanceof IllegalStateException && flushErr.get().getMessage().contains("Q"), String.valueOf(flushErr.get()));
        assertTrue(drainErr.get() instanceof IllegalStateException, String.valueOf(drainErr.get()));
        assertEquals(2, runs.get(), "the requeued instance ran once after the first run");
    }
}
