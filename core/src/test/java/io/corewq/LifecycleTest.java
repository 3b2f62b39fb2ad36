// Tests of freeze/thaw (and what may run beside a waiting freeze), a million items from two producers, and thread teardown on close.
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
import java.util.concurrent.atomic.AtomicReference;
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

    // freeze() used to wait for in-flight items under the runtime's freeze lock, one workqueue
    // at a time: thaw(), allocWorkqueue and close() waited behind it, a freezable item that
    // flushed an item of another freezable workqueue froze it for ever, a freeze from inside a
    // freezable item waited for itself, and workqueues later in the list still started items
    // while it waited on an earlier one (found by review, 2026-11-22). These tests build their
    // runtime outside try-with-resources: on the old code close() would hang behind the freeze
    // after the failure, so a failing test leaves its runtime behind instead.

    /** Whether {@code t} is parked (a freeze waiting for in-flight items). */
    private static boolean parked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    private static long active(Workqueue wq) {
        long n = 0;
        for (PoolWorkqueue p : wq.all) {
            n += p.activeCount();
        }
        return n;
    }

    private static boolean plugged(Workqueue wq) {
        for (PoolWorkqueue p : wq.all) {
            if (p.limit() != 0) {
                return false;
            }
        }
        return true;
    }

    /** Starts {@code rt.freeze()} on a thread; what it threw (or null) lands in {@code outcome}. */
    private static Thread startFreeze(CpuRuntime rt, AtomicReference<Throwable> outcome, CountDownLatch ended) {
        Thread t = new Thread(() -> {
            try {
                rt.freeze();
            } catch (Throwable e) {
                outcome.set(e);
            } finally {
                ended.countDown();
            }
        }, "freezer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aThawEndsAFreezeThatWaitsForAnItemFlushingAnItemOfAnotherFreezableWorkqueue() {
        CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).jmx(false).build();
        Workqueue f = rt.allocWorkqueue("frz-f", EnumSet.of(WqFlag.FREEZABLE, WqFlag.UNBOUND), 0);
        Workqueue g = rt.allocWorkqueue("frz-g", EnumSet.of(WqFlag.FREEZABLE, WqFlag.UNBOUND), 0);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch aDone = new CountDownLatch(1);
        AtomicReference<Object> flushed = new AtomicReference<>();
        Work b = new Work("B", () -> { });
        g.queue(new Work("A", () -> { // on g, flushing B on f: f is plugged before g is waited on
            running.countDown();
            Bounded.await(go);
            try {
                f.queue(b);
                flushed.set(b.flush());
            } catch (Throwable t) {
                flushed.set(t);
            } finally {
                aDone.countDown();
            }
        }));
        Bounded.await(running);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        CountDownLatch freezeEnded = new CountDownLatch(1);
        Thread freezer = startFreeze(rt, outcome, freezeEnded);
        Bounded.until("the freeze waits for A", () -> plugged(f) && plugged(g) && parked(freezer));
        go.countDown();
        Bounded.until("B is held by the freeze", b::isPending);
        Bounded.run("thaw beside a waiting freeze", 10, rt::thaw);
        Bounded.await(aDone);
        assertEquals(Boolean.TRUE, flushed.get(), "A's flush of B");
        Bounded.await(freezeEnded);
        assertTrue(outcome.get() instanceof FreezeException, "freeze() ended by thaw(): " + outcome.get());
        assertTrue(outcome.get().getMessage().contains("thaw"), outcome.get().getMessage());
        assertTrue(outcome.get().getMessage().contains("frz-g"), outcome.get().getMessage());
        assertFalse(rt.isFrozen());
        Bounded.run("close", rt::close);
    }

    /** Calls {@code rt.freeze()} from an item of {@code wq}; returns what it threw, or null. */
    private static Throwable freezeFromAnItemOf(CpuRuntime rt, Workqueue wq) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        wq.queue(new Work("freezer", () -> {
            try {
                rt.freeze();
            } catch (Throwable t) {
                thrown.set(t);
            } finally {
                done.countDown();
            }
        }));
        Bounded.await(done, 10);
        return thrown.get();
    }

    @Test
    void freezeFromAnItemOfAFreezableWorkqueueThrowsNamingIt() {
        CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).jmx(false).build();
        Throwable fromFreezable = freezeFromAnItemOf(rt, rt.systemFreezableWq());
        assertTrue(fromFreezable instanceof IllegalStateException, "freeze() from a freezable item: " + fromFreezable);
        assertTrue(fromFreezable.getMessage().contains("events_freezable"), fromFreezable.getMessage());
        assertFalse(rt.isFrozen(), "the refused freeze left the runtime frozen");
        // From an item of a non-freezable workqueue it waits for nothing of its own: allowed.
        assertEquals(null, freezeFromAnItemOf(rt, rt.systemWq()));
        assertTrue(rt.isFrozen());
        rt.thaw();
        Bounded.run("close", rt::close);
    }

    @Test
    void aWaitingFreezeHasPluggedEveryFreezableWorkqueueAndBlocksNeitherAllocationNorThaw() {
        CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).jmx(false).build();
        Workqueue early = rt.allocWorkqueue("frz-early", EnumSet.of(WqFlag.FREEZABLE, WqFlag.UNBOUND), 0);
        Workqueue later = rt.allocWorkqueue("frz-later", EnumSet.of(WqFlag.FREEZABLE), 0);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch lateRan = new CountDownLatch(2);
        try {
            early.queue(new Work("long", () -> {
                running.countDown();
                Bounded.await(release);
            }));
            Bounded.await(running);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            CountDownLatch freezeEnded = new CountDownLatch(1);
            Thread freezer = startFreeze(rt, outcome, freezeEnded);
            Bounded.until("the freeze waits for the long item", () -> plugged(early) && parked(freezer));
            assertTrue(rt.isFrozen());
            assertTrue(plugged(later), "a workqueue after the one the freeze waits on is not plugged");
            // queue() returns with the item inactive when the limit is 0; one it let start would
            // hold an active slot until it returned (it waits for the release).
            later.queue(new Work("queued-while-freezing", () -> {
                lateRan.countDown();
                Bounded.await(release);
            }));
            assertEquals(0, active(later), "an item started while the runtime was freezing");
            Workqueue[] made = new Workqueue[1];
            Bounded.run("allocWorkqueue beside a waiting freeze", 10,
                    () -> made[0] = rt.allocWorkqueue("frz-new", EnumSet.of(WqFlag.FREEZABLE, WqFlag.UNBOUND), 0));
            assertTrue(plugged(made[0]), "a workqueue allocated during a freeze starts thawed");
            made[0].queue(new Work("on-new", lateRan::countDown));
            assertEquals(0, active(made[0]));
            assertEquals(1, freezeEnded.getCount(), "freeze() returned with an item in flight");
            release.countDown();
            Bounded.await(freezeEnded);
            assertEquals(null, outcome.get(), "freeze() once the in-flight item finished");
            assertEquals(2, lateRan.getCount(), "an item ran while frozen");
            rt.thaw();
            Bounded.await(lateRan);
        } finally {
            release.countDown();
        }
        Bounded.run("close", rt::close);
    }

    @Test
    void closeEndsAWaitingFreeze() {
        CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).jmx(false).build();
        Workqueue wq = rt.allocWorkqueue("frz-close", EnumSet.of(WqFlag.FREEZABLE, WqFlag.UNBOUND), 0);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        wq.queue(new Work("long", () -> {
            running.countDown();
            Bounded.await(release);
        }));
        Bounded.await(running);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        CountDownLatch freezeEnded = new CountDownLatch(1);
        Thread freezer = startFreeze(rt, outcome, freezeEnded);
        Bounded.until("the freeze waits for the long item", () -> plugged(wq) && parked(freezer));
        Thread closer = new Thread(rt::close, "closer");
        closer.setDaemon(true);
        closer.start();
        try {
            Bounded.await(freezeEnded, 10); // close() thaws first, then drains (waiting for the long item)
        } finally {
            release.countDown();
        }
        assertTrue(outcome.get() instanceof FreezeException, "freeze() ended by close(): " + outcome.get());
        Bounded.join("close", closer);
    }

    @Test
    void aFreezeWithATimeoutThawsAndThrowsNamingTheBusyWorkqueue() {
        CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).jmx(false).build();
        Workqueue wq = rt.allocWorkqueue("frz-busy", EnumSet.of(WqFlag.FREEZABLE, WqFlag.UNBOUND), 0);
        Workqueue other = rt.allocWorkqueue("frz-other", EnumSet.of(WqFlag.FREEZABLE), 0);
        Bounded.run("freeze of an idle runtime with no time to wait", () -> rt.freeze(java.time.Duration.ZERO));
        assertTrue(rt.isFrozen());
        rt.thaw();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            wq.queue(new Work("long", () -> {
                running.countDown();
                Bounded.await(release);
            }));
            Bounded.await(running);
            FreezeException e = assertThrows(FreezeException.class, () -> rt.freeze(java.time.Duration.ofMillis(20)));
            assertTrue(e.getMessage().contains("frz-busy") && !e.getMessage().contains("frz-other"), e.getMessage());
            assertFalse(rt.isFrozen(), "a timed-out freeze left the runtime frozen");
            assertFalse(plugged(other), "a timed-out freeze left a workqueue plugged");
            CountDownLatch ran = new CountDownLatch(1);
            other.queue(new Work("after", ran::countDown));
            Bounded.await(ran);
        } finally {
            release.countDown();
        }
        Bounded.run("close", rt::close);
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
    void aFreezeAfterCloseHasBegunIsRefusedSoCloseCanDrainTheFreezableWorkqueues() {
        // close() thawed, then destroyed the workqueues one by one; a freeze in between plugged
        // the freezable ones not yet destroyed, and close waited for ever to drain their items
        // (found by review, 2026-11-22). Here close is held in the drain of a later workqueue.
        CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build();
        Workqueue freezable = rt.allocWorkqueue("freezable", EnumSet.of(WqFlag.FREEZABLE), 0);
        Workqueue busy = rt.allocWorkqueue("busy", Set.of(), 0); // destroyed first: close reverses the order
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        busy.queue(new Work("holds-close", () -> {
            running.countDown();
            Bounded.await(release);
        }));
        Bounded.await(running);
        Thread closer = new Thread(rt::close, "closer");
        closer.start();
        Bounded.until("close drains the busy workqueue", () -> busy.isDestroyed() || java.util.Arrays.stream(closer.getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("destroy")));
        IllegalStateException e = assertThrows(IllegalStateException.class, rt::freeze);
        assertTrue(e.getMessage().contains("clos"), e.getMessage());
        CountDownLatch ran = new CountDownLatch(1);
        freezable.queue(new Work("late", ran::countDown)); // not plugged: it runs
        release.countDown();
        Bounded.await(ran);
        Bounded.join("close", closer);
        assertTrue(rt.isClosed());
    }

    @Test
    void aDelayedQueueThatRacesDestroyThrowsAndLeavesTheItemFree() {
        // Arming takes no pool_workqueue ticket, so destroy's re-check did not see it: a
        // queueDelayed that passed its liveness check before destroy() returned true, and its
        // item fired into dead pool_workqueues and never ran (found by review, 2026-11-22). The
        // queuer is held on the CPU's timer monitor, past its liveness check, while destroy runs.
        try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build()) {
            Workqueue victim = rt.allocWorkqueue("victim", Set.of(), 0);
            AtomicBoolean ran = new AtomicBoolean();
            DelayedWork dw = new DelayedWork("late", () -> ran.set(true));
            java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            CpuTimer timer = rt.cpu(0).timer;
            Thread queuer;
            synchronized (timer) {
                queuer = new Thread(() -> {
                    try {
                        outcome.set(victim.queueDelayedOn(0, dw, 1, java.util.concurrent.TimeUnit.MILLISECONDS));
                    } catch (RuntimeException e) {
                        outcome.set(e);
                    }
                }, "queuer");
                queuer.start();
                Bounded.until("the queuer waits for the timer", () -> queuer.getState() == Thread.State.BLOCKED);
                Bounded.run("destroy", victim::destroy);
            }
            Bounded.join("queuer", queuer);
            Object o = outcome.get();
            assertTrue(o instanceof IllegalStateException && ((Exception) o).getMessage().contains("victim"), String.valueOf(o));
            assertFalse(dw.isPending(), "the refused item is left free");
            assertFalse(ran.get());
            assertEquals(0, victim.stats().armed());
        }
    }

    /** A listener that holds the destroy of {@code victim} in its call until {@link #finish} is released. */
    static final class HoldsRemoval implements io.corewq.observe.WorkqueueListener {
        final Workqueue victim;
        final AtomicInteger removed = new AtomicInteger();
        final CountDownLatch removing = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);

        HoldsRemoval(Workqueue victim) {
            this.victim = victim;
        }

        @Override
        public void workqueueAdded(Workqueue wq) {
        }

        @Override
        public void workqueueRemoved(Workqueue wq) {
            if (wq == victim) {
                removed.incrementAndGet();
                removing.countDown();
                Bounded.await(finish);
            }
        }
    }

    /**
     * Leaves {@code w}'s own entry queued, stale, on a new ordered workqueue (queued inactive
     * behind a blocker held until {@code release}, then cancelled), so that its next claim takes a
     * spare entry under {@code w}'s monitor, which a test can hold. Returns that workqueue.
     */
    private static Workqueue leaveOwnEntryStale(CpuRuntime rt, Work w, CountDownLatch release) {
        Workqueue other = rt.allocOrderedWorkqueue("other", Set.of());
        other.queue(new Work("blocker", () -> Bounded.await(release)));
        other.queue(w); // inactive behind the blocker
        assertTrue(w.cancel()); // its own entry stays queued there, stale
        return other;
    }

    @Test
    void aQueueThatRacesDestroyThrowsAndLeavesTheItemFree() {
        // queue() passed its liveness check, then destroy() ran to the end: the queue retried on
        // dead pool_workqueues for ever at 100% CPU, holding PENDING (found by review, 2026-11-22).
        // The race is forced: after a cancel the item's own entry is still (stale) in another
        // queue, so the claim takes a spare entry under the item's monitor, which the test holds.
        try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build()) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            Work w = new Work("w", ran::incrementAndGet);
            Workqueue other = leaveOwnEntryStale(rt, w, release);
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
    void aQueueThatRacesDestroyOfAnUnboundWorkqueueFailsOrRunsBeforeDestroyReturns() {
        // destroy() let go of the flush lock between its drain (which set the workqueue LIVE again)
        // and DESTROYED, then marked the pool_workqueues dead without looking at their counts and
        // stopped the pool: a queue() that got through returned true and its item stayed pending
        // on the stopped pool for ever (found by review). Forced here: the queue waits for the
        // item's monitor (its claim takes a spare entry, as above) until destroy() is telling the
        // listeners; the runtime is frozen, so an item queued in time cannot run before the
        // pool is stopped. Either outcome is allowed; losing the item is not.
        try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build()) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            AtomicBoolean destroyReturned = new AtomicBoolean();
            AtomicBoolean ranLate = new AtomicBoolean();
            Work w = new Work("w", () -> {
                ranLate.compareAndSet(false, destroyReturned.get());
                ran.incrementAndGet();
            });
            Workqueue other = leaveOwnEntryStale(rt, w, release);
            Workqueue victim = rt.allocWorkqueue("victim", EnumSet.of(WqFlag.UNBOUND, WqFlag.FREEZABLE), 0);
            HoldsRemoval held = new HoldsRemoval(victim);
            rt.addWorkqueueListener(held);
            Bounded.run("freeze", rt::freeze);
            java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            Thread queuer;
            Thread destroyer = new Thread(() -> {
                victim.destroy();
                destroyReturned.set(true);
            }, "destroyer");
            synchronized (w) {
                queuer = new Thread(() -> {
                    try {
                        outcome.set(victim.queue(w));
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                }, "queuer");
                queuer.start();
                Bounded.until("the queue waits for the item's monitor", () -> queuer.getState() == Thread.State.BLOCKED);
                destroyer.start();
                Bounded.await(held.removing);
            }
            try {
                Bounded.join("a queue racing destroy", queuer);
                held.finish.countDown();
                rt.thaw(); // an item queued in time may need it to run
                Bounded.join("destroy", destroyer);
                Object o = outcome.get();
                if (Boolean.TRUE.equals(o)) {
                    assertEquals(1, ran.get(), "queue() returned true but its item had not run when destroy() returned: " + w + " pending=" + w.isPending());
                    assertFalse(ranLate.get(), "the item ran after destroy() returned");
                } else {
                    assertTrue(o instanceof IllegalStateException && ((Throwable) o).getMessage().contains("victim"), String.valueOf(o));
                    assertFalse(w.isPending(), "the failed queue left the item pending");
                    release.countDown();
                    Bounded.run("flush other", other::flush);
                    assertTrue(other.queue(w), "the item cannot be queued again");
                    Bounded.run("flush other", other::flush);
                    assertEquals(1, ran.get());
                }
            } finally {
                held.finish.countDown();
                release.countDown(); // close() drains "other"
            }
        }
    }

    @Test
    void aSecondConcurrentDestroyWaitsForTheFirstAndListenersHearOfItOnce() {
        // A destroy() that came while another drained drained again and told the listeners a
        // second time; one that came after the other set DESTROYED returned while the other was
        // still telling listeners and releasing pools (found by review). Either shows here:
        // a second workqueueRemoved, or the second call ending while the first is held in it.
        try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build()) {
            Workqueue victim = rt.allocWorkqueue("victim", EnumSet.of(WqFlag.UNBOUND), 0);
            HoldsRemoval held = new HoldsRemoval(victim);
            rt.addWorkqueueListener(held);
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            victim.queue(new Work("long", () -> {
                running.countDown();
                Bounded.await(go);
            }));
            Bounded.await(running);
            Thread first = new Thread(victim::destroy, "first-destroy");
            first.start();
            Bounded.until("the first destroy drains", () -> first.getState() == Thread.State.WAITING);
            Thread second = new Thread(victim::destroy, "second-destroy");
            second.start();
            Bounded.until("the second destroy waits", () -> second.getState() == Thread.State.BLOCKED);
            go.countDown();
            try {
                Bounded.await(held.removing); // one of them tells the listeners, and is held there
                Bounded.until("the other destroy waits, has returned, or tells the listeners too",
                        () -> held.removed.get() > 1 || !first.isAlive() || !second.isAlive()
                                || first.getState() == Thread.State.BLOCKED || second.getState() == Thread.State.BLOCKED);
                assertTrue(first.isAlive() && second.isAlive(), "a destroy() returned while the other was still telling the listeners");
            } finally {
                held.finish.countDown();
            }
            Bounded.join("both destroys", first, second);
            assertEquals(1, held.removed.get(), "listeners were told of the destroy more than once");
            assertTrue(victim.isDestroyed());
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
