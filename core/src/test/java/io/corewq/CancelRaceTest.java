// Stress test: queue, cancel and requeue of shared items from several threads; every instance accounted for exactly.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CancelRaceTest {
    @Test
    void queueCancelRequeueRacesLoseAndDuplicateNothing() {
        try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(4).build()) {
            Workqueue wq = rt.allocWorkqueue("race", Set.of(), 8);
            Workqueue ub = rt.allocWorkqueue("race-u", Set.of(WqFlag.UNBOUND), 4);
            int n = 16;
            AtomicLong[] owed = new AtomicLong[n];
            AtomicLong[] runs = new AtomicLong[n];
            Work[] items = new Work[n];
            for (int i = 0; i < n; i++) {
                owed[i] = new AtomicLong();
                runs[i] = new AtomicLong();
                final int k = i;
                items[i] = (i % 2 == 0) ? new Work(() -> runs[k].incrementAndGet())
                        : new DelayedWork(() -> runs[k].incrementAndGet());
            }
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int seed = t;
                threads.add(new Thread(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int op = 0; op < 200_000; op++) {
                        int k = r.nextInt(n);
                        Work w = items[k];
                        switch (r.nextInt(5)) {
                            case 0:
                            case 1:
                                if (wq.queueOn(r.nextInt(4), w)) {
                                    owed[k].incrementAndGet();
                                }
                                break;
                            case 2:
                                if (ub.queue(w)) {
                                    owed[k].incrementAndGet();
                                }
                                break;
                            case 3:
                                if (w instanceof DelayedWork && wq.queueDelayed((DelayedWork) w, r.nextInt(200), java.util.concurrent.TimeUnit.MICROSECONDS)) {
                                    owed[k].incrementAndGet();
                                }
                                break;
                            default:
                                if (w.cancel()) {
                                    owed[k].decrementAndGet();
                                }
                                break;
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            Bounded.join("racers", 120, threads);
            try {
                Bounded.run("drain", 20, () -> {
                    wq.drain();
                    ub.drain();
                });
            } catch (AssertionError e) {
                throw new AssertionError(rt.dump() + "\n" + wq.stats() + "\n" + ub.stats(), e);
            }
            for (int i = 0; i < n; i++) {
                assertEquals(owed[i].get(), runs[i].get(), "item " + i);
            }
            assertEquals(0, wq.stats().inFlight());
            assertEquals(0, ub.stats().inFlight());
        }
    }
}
