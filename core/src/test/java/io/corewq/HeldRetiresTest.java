// Tests of an unbound worker's held-back retires: exact counts for flushes, held slots taken over when the worker blocks.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An unbound worker holds the retires of up to {@link WorkerPool#RETIRE_BATCH} finished items
 * back (Worker.heldRetires) while the pwq's limit is at least {@link Worker#HOLD_MIN_LIMIT}. The
 * held instances keep their active slots and color tickets until given back. These tests pin
 * down where that must never show: a flush, and entries waiting inactive for a slot held by a
 * worker that is blocked in an item (a barrier of max_active parties).
 */
class HeldRetiresTest {
    static final Set<WqFlag> UNBOUND = EnumSet.of(WqFlag.UNBOUND);
    /** The limit at which a worker holds retires back; the barrier below needs every slot. */
    static final int LIMIT = Worker.HOLD_MIN_LIMIT;

    @Test
    void aFlushLeavesNothingCountedInFlight() {
        try (CpuRuntime rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).build()) {
            Workqueue wq = rt.allocWorkqueue("held_flush", UNBOUND, 0);
            RingProducers.streamThenFlushIsExact(rt, wq, 50_000, "held", (p, item) -> wq.queue(item));
        }
    }

    /**
     * A worker runs a streak of no-op items, holding some of their retires, and then an item that
     * blocks, without telling corewq, until every other slot of the pwq is taken by a party of a
     * barrier (the parties wait for each other). The held slots keep parties inactive: only the
     * monitor's take-over (revokeHeld) lets them run. With it disabled this test fails every
     * attempt that reaches the barrier holding retires (the bounded flush times out with a dump).
     */
    @Test
    void slotsHeldByABlockedWorkerAreTakenOverByTheMonitor() {
        barrier("held_barrier", false);
    }

    /**
     * The same barrier with every blocking item declared ({@link Blocking}): a worker gives its
     * held retires back at the hint, before it blocks, not a monitor pass later. (The monitor
     * cannot be switched off here: it adds the workers that the blocked parties need once the
     * pool's spares run out.)
     */
    @Test
    void aBlockingHintGivesHeldRetiresBackAtOnce() {
        barrier("held_hint", true);
    }

    /** Runs {@link #barrierRounds} on a fresh runtime and workqueue {@code name} of limit LIMIT; nothing is left in flight. */
    private static void barrier(String name, boolean hint) {
        try (CpuRuntime rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).build()) {
            Workqueue wq = rt.allocWorkqueue(name, UNBOUND, LIMIT);
            int exercised = barrierRounds(wq, hint);
            assertTrue(exercised > 0, "no round reached the blocking item with retires held: the test proved nothing");
            assertEquals(0, wq.stats().inFlight(), () -> rt.dump());
        }
    }

    /**
     * Rounds of: 40 no-op items, then an item that waits for a barrier of LIMIT - 1 parties queued
     * after it started (so the barrier and that item need every slot at once). Returns how many rounds had the blocking item start with retires held.
     */
    private static int barrierRounds(Workqueue wq, boolean hint) {
        int exercised = 0;
        for (int round = 0; round < 20 && exercised < 3; round++) {
            AtomicInteger heldAtStart = new AtomicInteger(-1);
            AtomicInteger heldAfterHint = new AtomicInteger(-1);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch parties = new CountDownLatch(LIMIT - 1);
            for (int i = 0; i < 40; i++) {
                wq.queue(new Work("noop-" + i, () -> { }));
            }
            wq.queue(new Work("barrier", () -> {
                Worker me = Worker.current();
                heldAtStart.set(me.heldCount());
                started.countDown();
                if (hint) {
                    Blocking.aboutToBlock();
                    // given back by the hint (count 0), or, if this worker was preempted for two
                    // monitor passes before it, taken over by the monitor (stamp revoked)
                    heldAfterHint.set(me.heldStamp() == Worker.HELD_REVOKED ? 0 : me.heldCount());
                }
                blockOn(parties, hint);
            }));
            Bounded.await(started);
            for (int i = 0; i < LIMIT - 1; i++) {
                wq.queue(new Work("party-" + i, () -> {
                    parties.countDown();
                    blockOn(parties, hint); // every party holds its slot until all of them run at once
                }));
            }
            Bounded.run("barrier round " + round + " (retires held at its start: " + heldAtStart.get() + ")", 30, wq::flush);
            if (heldAtStart.get() > 0) {
                exercised++;
                if (hint) {
                    assertEquals(0, heldAfterHint.get(), "retires still held after the blocking hint");
                }
            }
        }
        return exercised;
    }

    /** Waits for {@code latch}, declared to corewq ({@link Blocking#run}) when {@code hint}. */
    private static void blockOn(CountDownLatch latch, boolean hint) {
        if (!hint) {
            Bounded.await(latch);
            return;
        }
        try {
            Blocking.run(() -> Bounded.await(latch));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
