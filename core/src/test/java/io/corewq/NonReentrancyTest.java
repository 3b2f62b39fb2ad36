// Stress tests: non-reentrancy under concurrent queueing from many threads, and no lost wake-up of parked carriers.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NonReentrancyTest {

    @Test
    void anItemNeverRunsOnTwoThreadsAtOnceAndNoQueuedInstanceIsLost() {
        try (CpuRuntime rt = CpuRuntime.builder().build()) {
            Workqueue percpu = rt.allocWorkqueue("nr-percpu", Set.of(), 0);
            Workqueue unbound = rt.allocWorkqueue("nr-unbound", Set.of(WqFlag.UNBOUND), 0);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicLong runs = new AtomicLong();
            Work w = new Work("shared", () -> {
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                for (int i = 0; i < 50; i++) {
                    Thread.onSpinWait();
                }
                runs.incrementAndGet();
                inside.decrementAndGet();
            });
            int producers = 4;
            int perProducer = 100_000;
            AtomicLong queued = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            int[] cpus = rt.cpus().toArray();
            for (int p = 0; p < producers; p++) {
                final int id = p;
                Thread t = new Thread(() -> {
                    Bounded.await(start);
                    long mine = 0;
                    for (int i = 0; i < perProducer; i++) {
                        boolean ok;
                        switch ((i + id) % 3) {
                            case 0:
                                ok = percpu.queueOn(cpus[(i + id) % cpus.length], w);
                                break;
                            case 1:
                                ok = unbound.queue(w);
                                break;
                            default:
                                ok = percpu.queue(w);
                                break;
                        }
                        if (ok) {
                            mine++;
                        }
                    }
                    queued.addAndGet(mine);
                }, "producer-" + p);
                threads.add(t);
                t.start();
            }
            start.countDown();
            Bounded.run("join producers", () -> {
                for (Thread t : threads) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            Bounded.run("flush", w::flush);
            assertEquals(0, overlaps.get(), "item ran on two threads at once");
            assertEquals(queued.get(), runs.get(), "every true return must run exactly once");
        }
    }

    /**
     * A producer hands items one at a time to a carrier that parks as soon as it is idle
     * (idleSpins 0). A lost wake-up leaves an item pending forever and the bounded wait fails with
     * a thread dump.
     */
    @Test
    void aProducerAlwaysWakesAParkedCarrier() {
        try (CpuRuntime rt = CpuRuntime.builder().idleSpins(0).build()) {
            Workqueue wq = rt.allocWorkqueue("wake", Set.of(), 0);
            for (int cpu : rt.cpus()) {
                AtomicInteger ran = new AtomicInteger();
                Work w = new Work(ran::incrementAndGet);
                int rounds = 20_000;
                Bounded.run("ping cpu " + cpu, 60, () -> {
                    for (int i = 1; i <= rounds; i++) {
                        wq.queueOn(cpu, w);
                        // wait for the run without flush() (whose own wake-up would mask a lost one)
                        int want = i;
                        long spins = 0;
                        while (ran.get() < want) {
                            if ((++spins & 1023) == 0) {
                                Thread.yield();
                            }
                        }
                        // give the carrier a chance to go to sleep before the next item
                        if ((i & 7) == 0) {
                            Thread.yield();
                        }
                    }
                });
                assertEquals(rounds, ran.get());
            }
        }
    }

    @Test
    void concurrentProducersWakeAParkedCarrierForEveryBurst() {
        try (CpuRuntime rt = CpuRuntime.builder().idleSpins(0).build()) {
            Workqueue wq = rt.allocWorkqueue("wake2", Set.of(), 0);
            int cpu = rt.cpus().last();
            int bursts = 5_000;
            for (int b = 0; b < bursts; b++) {
                CountDownLatch done = new CountDownLatch(2);
                Work a = new Work(done::countDown);
                Work c = new Work(done::countDown);
                Thread t = new Thread(() -> wq.queueOn(cpu, a));
                t.start();
                wq.queueOn(cpu, c);
                Bounded.await(done, 20);
                Bounded.join("join", t);
            }
        }
    }
}
