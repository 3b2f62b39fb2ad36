// Tests of an unbound worker passing its active slot down a pwq's inactive list (ordered workqueues under a stream).
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A worker of an unbound pool that retires an instance while entries of the same pwq wait
 * inactive runs the oldest of them itself, its active slot passing on, and gives the color
 * tickets back in batches ({@code Worker.retireTakingNext}). These tests hold that to the
 * workqueue guarantees it must not bend: one at a time and in queueing order, flush waits for
 * exactly what was queued before it, cancelled entries are dropped with their counts, freeze and
 * a lowered max_active stop the passing.
 */
class SlotPassingTest extends RuntimeTestBase {
    /** Items each producer queues in the stream tests. */
    private static final int STREAM = 100_000;

    /**
     * Bodies for the items of an ordered workqueue that count any item overlapping another, and
     * any that ran out of its producer's queueing order: producer {@code p}'s item {@code seq}
     * must follow its item {@code seq - 1}.
     */
    private static final class OrderCheck {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger outOfOrder = new AtomicInteger();
        /** Per producer, the last item run; written by the items only: one runs at a time. */
        final long[] last;

        OrderCheck(int producers) {
            last = new long[producers];
            java.util.Arrays.fill(last, -1);
        }

        /** The body of producer {@code p}'s item {@code seq}, which also runs {@code then}. */
        Runnable item(int p, int seq, Runnable then) {
            return () -> {
                if (running.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                if (last[p] != seq - 1) {
                    outOfOrder.incrementAndGet();
                }
                last[p] = seq;
                then.run();
                running.decrementAndGet();
            };
        }
    }

    @Test
    void orderedStreamFromTwoProducersRunsOneAtATimeInEachProducersOrder() {
        Workqueue wq = rt.allocOrderedWorkqueue("stream", EnumSet.noneOf(WqFlag.class));
        OrderCheck check = new OrderCheck(2);
        Thread[] producers = new Thread[2];
        for (int p = 0; p < 2; p++) {
            final int producer = p;
            producers[p] = new Thread(() -> {
                for (int i = 0; i < STREAM; i++) {
                    assertTrue(wq.queue(new Work(check.item(producer, i, () -> { }))));
                }
            }, "producer-" + p);
        }
        for (Thread t : producers) {
            t.start();
        }
        Bounded.join("producers", producers);
        Bounded.run("flush", wq::flush);
        assertEquals(0, check.overlaps.get(), "items of an ordered workqueue ran at the same time");
        assertEquals(0, check.outOfOrder.get(), "items of one producer ran out of queueing order");
        assertEquals(STREAM - 1, check.last[0]);
        assertEquals(STREAM - 1, check.last[1]);
        Workqueue.Stats s = wq.stats();
        assertEquals(2L * STREAM, s.completed());
        assertEquals(0, s.inFlight(), "color tickets left behind: " + s);
    }

    @Test
    void flushDuringAStreamWaitsForExactlyTheItemsQueuedBeforeIt() {
        Workqueue wq = rt.allocOrderedWorkqueue("flushes", EnumSet.noneOf(WqFlag.class));
        AtomicLong queued = new AtomicLong(); // ids below this were queued
        AtomicLong ran = new AtomicLong(); // ids below this ran (in order: ordered workqueue)
        AtomicInteger stop = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (long id = 0; stop.get() == 0; id++) {
                while (id - ran.get() > 4096 && stop.get() == 0) {
                    Thread.yield(); // keep the backlog bounded: a flush waits for all of it
                }
                final long mine = id;
                wq.queue(new Work(() -> ran.set(mine + 1)));
                queued.set(id + 1);
            }
        }, "producer");
        producer.start();
        try {
            for (int round = 0; round < 200; round++) {
                long before = queued.get();
                Bounded.run("flush " + round, wq::flush);
                long done = ran.get();
                assertTrue(done >= before, "flush " + round + " returned with " + done + " of the " + before + " items queued before it run");
            }
        } finally {
            stop.set(1);
            Bounded.join("producer", producer);
        }
        Bounded.run("final flush", wq::flush);
        assertEquals(queued.get(), ran.get());
        assertEquals(0, wq.stats().inFlight());
    }

    @Test
    void cancelledEntriesInThePassedOnRunAreDroppedAndTheirCountsGoBack() {
        Workqueue wq = rt.allocOrderedWorkqueue("cancels", EnumSet.noneOf(WqFlag.class));
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        int n = 2_000;
        Work[] items = new Work[n];
        for (int i = 0; i < n; i++) {
            final int id = i;
            items[i] = new Work("item" + i, () -> {
                order.add(id);
                if (id == 0) {
                    Bounded.await(release); // the rest wait inactive behind it
                }
            });
        }
        for (Work w : items) {
            assertTrue(wq.queue(w));
        }
        Bounded.until("item 0 running", () -> !order.isEmpty());
        List<Integer> expected = new ArrayList<>();
        expected.add(0);
        for (int i = 1; i < n; i++) {
            if (i % 3 == 0) {
                assertTrue(items[i].cancel(), "item " + i + " was pending");
            } else {
                expected.add(i);
            }
        }
        release.countDown();
        Bounded.run("flush", wq::flush);
        assertEquals(expected, new ArrayList<>(order), "cancelled items must not run; the rest in queueing order");
        assertEquals(0, wq.stats().inFlight(), "a dropped entry kept its ticket");
        // the cancelled items' entries were dropped: they can be queued again and run
        order.clear();
        assertTrue(wq.queue(items[3]));
        assertTrue(wq.queue(items[6]));
        Bounded.run("flush again", wq::flush);
        assertEquals(List.of(3, 6), new ArrayList<>(order));
        assertEquals(0, wq.stats().inFlight());
    }

    @Test
    void freezeStopsThePassingAndThawResumesIt() {
        Workqueue wq = rt.allocOrderedWorkqueue("frozen", EnumSet.of(WqFlag.FREEZABLE));
        AtomicLong ran = new AtomicLong();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int n = 20_000;
        int held = n / 2;
        for (int i = 0; i < n; i++) {
            final int id = i;
            assertTrue(wq.queue(new Work(() -> {
                ran.incrementAndGet();
                if (id == held) {
                    holding.countDown();
                    Bounded.await(release); // the rest wait inactive; its worker passes its slot on next
                }
            })));
        }
        Bounded.await(holding);
        Thread freezer = new Thread(rt::freeze, "freezer");
        freezer.start();
        Bounded.until("freeze lowered the limit", () -> wq.all[0].limit() == 0);
        release.countDown(); // the worker finishes item `held` under a limit of 0
        Bounded.join("freeze", freezer);
        assertEquals(held + 1, ran.get(), "an item started after the freeze took the limit to 0");
        // nothing may start while frozen: flushes of another workqueue on the same pool let its
        // workers go round their loops without a clock
        Workqueue other = rt.allocWorkqueue("other", Set.of(WqFlag.UNBOUND), 0);
        for (int round = 0; round < 20; round++) {
            other.queue(new Work(() -> { }));
            Bounded.run("flush other", other::flush);
        }
        assertEquals(held + 1, ran.get(), "items started while the workqueue was frozen");
        assertEquals(0, wq.all[0].activeCount(), "an active slot survived the freeze");
        rt.thaw();
        Bounded.run("flush", wq::flush);
        assertEquals(n, ran.get());
        assertEquals(0, wq.stats().inFlight());
    }

    @Test
    void loweredMaxActiveStopsSlotsFromPassingBeyondIt() {
        Workqueue wq = rt.allocWorkqueue("lowered", Set.of(WqFlag.UNBOUND), 4);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstFour = new CountDownLatch(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peakAfter = new AtomicInteger();
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            final int id = i;
            assertTrue(wq.queue(new Work(() -> {
                int now = running.incrementAndGet();
                if (id < 4) {
                    firstFour.countDown();
                    Bounded.await(release); // four active: the rest wait inactive
                } else {
                    peakAfter.accumulateAndGet(now, Math::max);
                }
                running.decrementAndGet();
            })));
        }
        Bounded.await(firstFour);
        wq.setMaxActive(1);
        release.countDown(); // each of the four workers retires with entries waiting
        Bounded.run("flush", wq::flush);
        assertEquals(1, peakAfter.get(), "items queued behind a lowered max_active ran " + peakAfter.get() + " at a time");
        assertEquals(0, wq.stats().inFlight());
        assertFalse(wq.isDestroyed());
    }

    /**
     * With other workqueues' entries on the pool's worklist, a worker that retires an instance
     * while entries of its pwq wait inactive does not run the oldest itself: it passes its slot to
     * that entry and queues it on the worklist ({@code PoolWorkqueue.passSlotToInactive}), and
     * gives back only the color ticket. max_active still holds (2, and 1 for an ordered workqueue,
     * in queue order), every item runs once, and every count goes back.
     */
    @Test
    void slotsPassedOntoABusyWorklistKeepMaxActiveOrderAndCounts() {
        Workqueue limited = rt.allocWorkqueue("limited", Set.of(WqFlag.UNBOUND), 2);
        Workqueue ordered = rt.allocOrderedWorkqueue("ordered", EnumSet.noneOf(WqFlag.class));
        Workqueue busy = rt.allocWorkqueue("busy", Set.of(WqFlag.UNBOUND), 0);
        assertTrue(limited.pwqFor(0).pool == busy.pwqFor(0).pool && ordered.pwqFor(0).pool == busy.pwqFor(0).pool,
                "the three workqueues must share one pool for this test");
        final int n = 20_000;
        AtomicInteger limitedRunning = new AtomicInteger();
        AtomicInteger limitedPeak = new AtomicInteger();
        OrderCheck check = new OrderCheck(1);
        AtomicLong ran = new AtomicLong();
        Work[] items = new Work[3 * n];
        for (int i = 0; i < n; i++) {
            final int id = i;
            items[3 * i] = new Work(ran::incrementAndGet);
            items[3 * i + 1] = new Work(() -> {
                limitedPeak.accumulateAndGet(limitedRunning.incrementAndGet(), Math::max);
                ran.incrementAndGet();
                limitedRunning.decrementAndGet();
            });
            items[3 * i + 2] = new Work(check.item(0, id, ran::incrementAndGet));
        }
        Bounded.run("queue and flush " + 3 * n + " items on three workqueues of one pool", 60, () -> {
            for (int i = 0; i < n; i++) {
                assertTrue(busy.queue(items[3 * i]));
                assertTrue(limited.queue(items[3 * i + 1]));
                assertTrue(ordered.queue(items[3 * i + 2]));
            }
            busy.flush();
            limited.flush();
            ordered.flush();
        });
        assertEquals(3L * n, ran.get());
        assertTrue(limitedPeak.get() <= 2, "max_active 2, but " + limitedPeak.get() + " ran at once");
        assertEquals(0, check.overlaps.get(), "ordered items that overlapped another");
        assertEquals(0, check.outOfOrder.get(), "ordered items that ran out of queue order");
        assertEquals(0, limited.stats().inFlight());
        assertEquals(0, ordered.stats().inFlight());
        assertEquals(0, busy.stats().inFlight());
    }
    /**
     * Past max_active with a busy worklist, a retiring worker passes its slot to the oldest
     * inactive entry, queues it on the worklist and gives back only its color ticket
     * ({@code PoolWorkqueue.passSlotToInactive}). Flushes during the stream must still return and
     * cover every item queued before them, cancelled entries must be dropped without counting as
     * completed, max_active must hold, and once quiet the counts must be exact.
     */
    @Test
    void slotsPassedPastMaxActiveKeepFlushesCancelsAndCountsExact() {
        final int maxActive = 8;
        Workqueue wq = rt.allocWorkqueue("tickets", Set.of(WqFlag.UNBOUND), maxActive);
        final int n = 120_000;
        // per id: 1 ran, 2 cancelled while pending (set before the id counts as queued)
        java.util.concurrent.atomic.AtomicIntegerArray fate = new java.util.concurrent.atomic.AtomicIntegerArray(n);
        AtomicLong queued = new AtomicLong(); // ids below this were queued (and cancelled, if they were)
        AtomicLong finished = new AtomicLong();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int id = 0; id < n; id++) {
                while (id - finished.get() > 4096) {
                    Thread.yield(); // keep the backlog bounded: a flush waits for all of it
                }
                final int mine = id;
                Work w = new Work(() -> {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    fate.set(mine, 1);
                    running.decrementAndGet();
                    finished.incrementAndGet();
                });
                wq.queue(w);
                if (id % 7 == 3 && w.cancel()) {
                    fate.set(id, 2);
                    finished.incrementAndGet();
                }
                queued.set(id + 1);
            }
        }, "producer");
        producer.start();
        long checked = 0;
        try {
            for (int round = 0; round < 200 && producer.isAlive(); round++) {
                long before = queued.get();
                Bounded.run("flush " + round, wq::flush);
                for (; checked < before; checked++) {
                    assertTrue(fate.get((int) checked) != 0, "flush " + round + " returned before item " + checked + " (queued before it) ran");
                }
            }
        } finally {
            Bounded.join("producer", producer);
        }
        Bounded.run("final flush", wq::flush);
        long ran = 0;
        long cancelled = 0;
        for (int i = 0; i < n; i++) {
            int f = fate.get(i);
            assertTrue(f != 0, "item " + i + " neither ran nor was cancelled");
            ran += f == 1 ? 1 : 0;
            cancelled += f == 2 ? 1 : 0;
        }
        assertTrue(cancelled > 0, "no item was cancelled while pending: the test lost its point");
        assertTrue(peak.get() <= maxActive, "max_active " + maxActive + ", but " + peak.get() + " ran at once");
        Workqueue.Stats st = wq.stats();
        assertEquals(0, st.inFlight(), "a color ticket was not given back");
        assertEquals(ran, st.completed(), "completed must count every item that ran, and no dropped one");
    }
    /**
     * Every slot of max_active is used while entries wait, even when a retire frees one while
     * another worker holds the pump turn to pass its own slot on (the passing worker's ticket
     * retire pumps after letting the turn go). Items meet in pairs at a barrier, so each needs the
     * second slot taken while it runs: one slot left unused with entries waiting and nothing else
     * to pump (the queueing is over) would leave an item waiting at the barrier for good, and the
     * test fails at its bound.
     */
    @Test
    void everySlotIsUsedWhileEntriesWaitWhenSlotsPassAndFreeAtOnce() {
        Workqueue wq = rt.allocWorkqueue("pairs", Set.of(WqFlag.UNBOUND), 2);
        Workqueue busy = rt.allocWorkqueue("busy", Set.of(WqFlag.UNBOUND), 0);
        assertTrue(wq.pwqFor(0).pool == busy.pwqFor(0).pool, "the two workqueues must share one pool for this test");
        final int pairs = 3_000;
        java.util.concurrent.CyclicBarrier meet = new java.util.concurrent.CyclicBarrier(2);
        AtomicLong met = new AtomicLong();
        Work[] items = new Work[2 * pairs];
        for (int i = 0; i < items.length; i++) {
            items[i] = new Work(() -> {
                try {
                    meet.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    met.incrementAndGet();
                } catch (Exception e) {
                    throw new IllegalStateException("an item waited for its partner in vain: a slot was left unused", e);
                }
            });
        }
        // Another workqueue's stream keeps the pool's worklist busy, so a retiring pair item passes
        // its slot onto the worklist (passSlotToInactive) rather than running the next entry itself
        AtomicInteger stop = new AtomicInteger();
        Thread stream = new Thread(() -> {
            Work[] ring = new Work[64];
            for (int i = 0; i < ring.length; i++) {
                ring[i] = new Work(() -> { });
            }
            for (int i = 0; stop.get() == 0; i++) {
                if (!busy.queue(ring[i & 63])) {
                    Thread.onSpinWait();
                }
            }
        }, "stream");
        stream.start();
        try {
            Bounded.run("queue and flush " + items.length + " items meeting in pairs", 60, () -> {
                for (Work w : items) {
                    assertTrue(wq.queue(w));
                }
                wq.flush();
            });
        } finally {
            stop.set(1);
            Bounded.join("stream", stream);
        }
        Bounded.run("flush the stream", busy::flush);
        assertEquals(items.length, met.get(), "items that met their partner");
        assertEquals(0, wq.stats().exceptions());
        assertEquals(0, wq.stats().inFlight());
    }
}
