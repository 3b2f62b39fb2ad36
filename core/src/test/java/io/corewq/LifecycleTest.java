// Tests of freeze/thaw, a million items from two producers, and thread teardown on close.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    @Test
    void freezableWorkqueuesStartNothingWhileFrozenAndFreezeWaitsForInFlightItems() {
        try (CpuRuntime rt = CpuRuntime.builder().build()) {
            Workqueue fz = rt.allocWorkqueue("fz", EnumSet.of(WqFlag.FREEZABLE, WqFlag.UNBOUND), 0);
            Workqueue normal = rt.allocWorkqueue("nf", Set.of(), 0);
            CountDownLatch in = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean longDone = new AtomicBoolean();
            fz.queue(new Work(() -> {
                in.countDown();
                Bounded.await(go);
                longDone.set(true);
            }));
            Bounded.await(in);
            new Thread(go::countDown).start();
            Bounded.run("freeze", rt::freeze);
            assertTrue(longDone.get(), "freeze() returned before the in-flight item finished");
            assertTrue(rt.isFrozen());
            AtomicInteger frozenRuns = new AtomicInteger();
            Work w = new Work(frozenRuns::incrementAndGet);
            assertTrue(fz.queue(w));
            AtomicInteger normalRuns = new AtomicInteger();
            Work n = new Work(normalRuns::incrementAndGet);
            normal.queue(n);
            n.flush();
            assertEquals(1, normalRuns.get(), "non-freezable workqueues keep running");
            // the frozen item stays pending: prove it by a flush of everything else and a check
            rt.systemWq().flush();
            assertEquals(0, frozenRuns.get());
            assertTrue(w.isPending());
            rt.thaw();
            w.flush();
            assertEquals(1, frozenRuns.get());
        }
    }

    @Test
    void freezeWhileAFlushWaitsReturnsAndThawEndsTheFlush() {
        // freeze() used to wait for its items under the flush lock, which the flush held while it
        // waited for an item that cannot start while frozen; thaw() then waited for freeze():
        // all three hung (found by review, 2026-11-22).
        try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build()) {
            Workqueue wq = rt.allocOrderedWorkqueue("frz-flush", EnumSet.of(WqFlag.FREEZABLE));
            CountDownLatch firstStarted = new CountDownLatch(1);
            CountDownLatch releaseFirst = new CountDownLatch(1);
            AtomicBoolean secondRan = new AtomicBoolean();
            wq.queue(new Work("first", () -> {
                firstStarted.countDown();
                Bounded.await(releaseFirst);
            }));
            wq.queue(new Work("second", () -> secondRan.set(true))); // inactive behind "first"
            Bounded.await(firstStarted);
            CountDownLatch flushed = new CountDownLatch(1);
            Thread flusher = new Thread(() -> {
                wq.flush();
                flushed.countDown();
            }, "flusher");
            flusher.start();
            Bounded.until("the flush waits", () -> flusher.getState() == Thread.State.WAITING);
            Thread freezer = new Thread(rt::freeze, "freezer");
            freezer.start();
            Bounded.until("freeze waits for the running item", () -> freezer.getState() == Thread.State.TIMED_WAITING
                    || freezer.getState() == Thread.State.WAITING);
            releaseFirst.countDown();
            Bounded.join("freeze beside a waiting flush", freezer);
            assertFalse(secondRan.get(), "an item started while frozen");
            assertEquals(1, flushed.getCount(), "the flush returned while an item it waits for cannot start");
            Bounded.run("thaw", rt::thaw);
            Bounded.await(flushed);
            assertTrue(secondRan.get());
            Bounded.join("flusher", flusher);
        }
    }

    @Test
    void allocatingAfterCloseThrowsNamingTheWorkqueueAndStartsNoThread() {
        // The workqueue used to take its unbound pool (starting a worker) before the closed check,
        // and that worker outlived the refused allocation (found by review, 2026-11-22).
        CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build();
        rt.close();
        java.util.Set<Thread> threadsBefore = Bounded.corewqThreadSet();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> rt.allocWorkqueue("late", EnumSet.of(WqFlag.UNBOUND, WqFlag.MEM_RECLAIM), 0));
        assertTrue(e.getMessage().contains("late"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> rt.allocOrderedWorkqueue("late-ordered", Set.of()));
        assertEquals(java.util.List.of(), Bounded.corewqThreadsSince(threadsBefore), "a refused allocation left a worker running");
        assertEquals(0, rt.workqueues().size(), "refused workqueues were registered: " + rt.workqueues());
    }

    @Test
    void aQueueThatRacesDestroyThrowsAndLeavesTheItemFree() {
        // queue() passed its liveness check, then destroy() ran to the end: the queue retried on
        // dead pool_workqueues for ever at 100% CPU, holding PENDING (found by review, 2026-11-22).
        // The race is forced: after a cancel the item's own entry is still (stale) in another
        // queue, so the claim takes a spare entry under the item's monitor, which the test holds.
        try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build()) {
            Workqueue other = rt.allocOrderedWorkqueue("other", Set.of());
            CountDownLatch release = new CountDownLatch(1);
            other.queue(new Work("blocker", () -> Bounded.await(release)));
            AtomicInteger ran = new AtomicInteger();
            Work w = new Work("w", ran::incrementAndGet);
            other.queue(w); // inactive behind the blocker
            assertTrue(w.cancel()); // its own entry stays queued there, stale
            Workqueue victim = rt.allocWorkqueue("victim", EnumSet.of(WqFlag.UNBOUND), 0);
            java.util.concurrent.atomic.AtomicReference<Throwable> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            Thread queuer;
            synchronized (w) {
                queuer = new Thread(() -> {
                    try {
                        victim.queue(w);
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                }, "queuer");
                queuer.start();
                Bounded.until("the queue waits for the item's monitor", () -> queuer.getState() == Thread.State.BLOCKED);
                Bounded.run("destroy", victim::destroy);
            }
            Bounded.join("a queue racing destroy", queuer);
            assertTrue(outcome.get() instanceof IllegalStateException && outcome.get().getMessage().contains("victim"),
                    String.valueOf(outcome.get()));
            assertFalse(w.isPending(), "the failed queue left the item pending");
            release.countDown();
            Bounded.run("flush other", other::flush);
            assertTrue(other.queue(w), "the item cannot be queued again");
            Bounded.run("flush other", other::flush);
            assertEquals(1, ran.get());
        }
    }

    @Test
    void aMillionDistinctItemsFromTwoProducersRunExactlyOnceAndThreadsAreGoneAfterClose() {
        java.util.Set<Thread> before = Bounded.corewqThreadSet();
        int n = 1_000_000;
        AtomicIntegerArray counts = new AtomicIntegerArray(n);
        CpuRuntime rt = CpuRuntime.builder().build();
        Workqueue wq = rt.allocWorkqueue("million", Set.of(), 0);
        Workqueue ub = rt.allocWorkqueue("million-u", Set.of(WqFlag.UNBOUND), 0);
        Thread[] producers = new Thread[2];
        for (int p = 0; p < 2; p++) {
            final int id = p;
            producers[p] = new Thread(() -> {
                for (int i = id; i < n; i += 2) {
                    final int k = i;
                    Work w = new Work(() -> counts.incrementAndGet(k));
                    boolean ok = (k % 5 == 0) ? ub.queue(w) : wq.queue(w);
                    if (!ok) {
                        throw new AssertionError("fresh item refused");
                    }
                }
            });
            producers[p].start();
        }
        Bounded.run("producers", 120, () -> {
            for (Thread t : producers) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }
        });
        Bounded.run("close", 120, rt::close);
        for (int i = 0; i < n; i++) {
            if (counts.get(i) != 1) {
                throw new AssertionError("item " + i + " ran " + counts.get(i) + " times");
            }
        }
        assertTrue(rt.isClosed());
        assertTrue(rt.liveThreads().isEmpty(), "threads of the runtime alive after close(): " + rt.liveThreads());
        assertEquals(java.util.List.of(), Bounded.corewqThreadsSince(before), "corewq threads left after close():\n" + Bounded.threadDump());
    }
}
