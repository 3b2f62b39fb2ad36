// Tests of the benchmark harness's producer window: it bounds the items in flight, parks when full and is never left parked.
package io.corewq.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ProducerTest {
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** A producer whose items go to a queue that the test (or a consumer thread) runs by hand. */
    private static final class QueueProducer extends Producer {
        final BlockingQueue<Runnable> queued;

        QueueProducer(int window) {
            super(window);
            queued = new ArrayBlockingQueue<>(window);
        }

        @Override
        protected boolean tryQueue() {
            // The window guarantees room: a full queue here means the window leaked.
            if (!queued.offer(task())) {
                throw new AssertionError("more than window " + window() + " items in flight");
            }
            return true;
        }
    }

    private static String threadDump() {
        StringBuilder sb = new StringBuilder("\n--- thread dump ---\n");
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            sb.append(t);
        }
        return sb.toString();
    }

    /** Waits for {@code cond} (re-checked between yields), failing with {@code what} and a thread dump after the bound. */
    private static void awaitUntil(BooleanSupplier cond, String what) {
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what + threadDump());
            }
            Thread.yield();
        }
    }

    private static void join(Thread t, AtomicReference<Throwable> failure) throws InterruptedException {
        t.join(TimeUnit.NANOSECONDS.toMillis(BOUND_NANOS));
        if (t.isAlive()) {
            throw new AssertionError(t.getName() + " did not finish" + threadDump());
        }
        if (failure.get() != null) {
            throw new AssertionError(t.getName() + " failed", failure.get());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFullWindowParksTheProducerUntilHalfOfItHasRun() throws Exception {
        final int window = 8;
        final int total = 3 * window;
        QueueProducer p = new QueueProducer(window);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    p.queueOne();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "window-producer");
        producer.start();

        awaitUntil(() -> p.queued.size() == window && producer.getState() == Thread.State.WAITING,
                "the producer parks with a full window of " + window);
        // Running fewer than half the window must not release it.
        for (int i = 0; i < window / 2 - 1; i++) {
            p.queued.poll().run();
        }
        // (its state may flicker on a spurious wake-up; what must hold is that it queued nothing)
        assertEquals(window / 2 + 1, p.queued.size(), "released before half the window ran");
        assertTrue(producer.isAlive());
        p.queued.poll().run(); // the (window/2)-th: this completion wakes it
        awaitUntil(() -> p.queued.size() == window && producer.getState() == Thread.State.WAITING,
                "the woken producer refills the window and parks again");

        // Drain the rest; every item queued runs once.
        long ran = window / 2;
        while (ran < total) {
            Runnable r = p.queued.poll(BOUND_NANOS, TimeUnit.NANOSECONDS);
            assertTrue(r != null, "no item after " + ran + " of " + total + threadDump());
            r.run();
            ran++;
        }
        join(producer, failure);
        assertEquals(total, p.executed());
        assertEquals(0, p.rejected());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aProducerRacingItsConsumerIsNeverLeftParked() throws Exception {
        // A small window makes the producer wait (and often park) every few items, while the
        // consumer runs items in bursts of random length with random gaps: a lost wake-up leaves
        // the producer parked for good, and the join below fails with a dump.
        final int window = 4;
        final int total = 300_000;
        QueueProducer p = new QueueProducer(window);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int ran = 0; ran < total; ran++) {
                    Runnable r = p.queued.poll(BOUND_NANOS, TimeUnit.NANOSECONDS);
                    if (r == null) {
                        throw new AssertionError("consumer starved after " + ran + " items" + threadDump());
                    }
                    r.run();
                    for (int spin = rnd.nextInt(64); spin > 0; spin--) {
                        Thread.onSpinWait();
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "window-consumer");
        consumer.start();
        for (int i = 0; i < total; i++) {
            p.queueOne();
        }
        join(consumer, failure);
        assertEquals(total, p.executed());
    }
}
