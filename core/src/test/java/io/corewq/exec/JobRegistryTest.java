// The executor adapter's registry of live jobs: exactly-once removal, snapshots against a model, no retention, concurrent use.
package io.corewq.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.corewq.Bounded;
import io.corewq.CpuRuntime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobRegistryTest {
    private CpuRuntime rt;
    private WorkqueueExecutorService owner;

    @BeforeEach
    void setUp() {
        rt = CpuRuntime.builder().build();
        owner = WorkqueueExecutors.newExecutorService(rt.systemWq());
    }

    @AfterEach
    void tearDown() {
        owner.shutdownNow();
        rt.close();
    }

    private Job job() {
        return new Job(owner, () -> { }, false);
    }

    private static Set<Job> identitySet(List<Job> jobs) {
        Set<Job> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(jobs);
        assertEquals(jobs.size(), s.size(), "a snapshot listed a job twice");
        return s;
    }

    @Test
    void removeSucceedsOncePerRegistration() {
        JobRegistry r = new JobRegistry();
        Job j = job();
        assertFalse(r.remove(j), "never registered");
        r.add(j);
        assertTrue(r.contains(j));
        assertTrue(r.remove(j));
        assertFalse(r.remove(j), "second remove of one registration");
        assertFalse(r.contains(j));
        r.add(j); // a periodic task re-armed from a foreign thread registers its job again
        assertEquals(List.of(j), r.snapshot());
        assertTrue(r.remove(j));
        assertFalse(r.remove(j));
        assertEquals(0, r.occupiedSlots(), "a removed job is still referenced");
    }

    @Test
    void addAgainRegistersARetiredJobOnceAndRefusesALiveOne() {
        JobRegistry r = new JobRegistry();
        Job j = job();
        r.add(j);
        assertFalse(r.addAgain(j), "registered now");
        assertTrue(r.remove(j));
        assertTrue(r.addAgain(j));
        assertFalse(r.addAgain(j), "a second re-admission of one retirement");
        assertTrue(r.contains(j));
        assertEquals(List.of(j), r.snapshot());
        assertTrue(r.remove(j));
        assertEquals(0, r.occupiedSlots(), "a removed job is still referenced");
    }

    /** Random adds and removes from one thread, compared with a model after every step; compaction and growth included. */
    @Test
    void snapshotsMatchAModelThroughCompactionAndGrowth() {
        JobRegistry r = new JobRegistry();
        Random rnd = new Random(42);
        List<Job> live = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            // phases: grow to a few hundred live jobs, shrink, grow again (compactions with and without doubling)
            boolean growing = (step / 2_500) % 2 == 0;
            if (live.isEmpty() || rnd.nextInt(100) < (growing ? 70 : 30)) {
                Job j = job();
                r.add(j);
                live.add(j);
            } else {
                Job j = live.remove(rnd.nextInt(live.size()));
                assertTrue(r.remove(j), "step " + step);
            }
            if (step % 97 == 0) {
                assertEquals(identitySet(live), identitySet(r.snapshot()), "step " + step);
            }
        }
        for (Job j : live) {
            assertTrue(r.remove(j));
        }
        assertTrue(r.snapshot().isEmpty());
        assertEquals(0, r.occupiedSlots(), "finished jobs are retained");
    }

    /**
     * Threads churn through their own jobs while another takes snapshots: every removal is won
     * once, a job registered for the whole run is in every snapshot (what shutdownNow relies on),
     * no snapshot lists a job twice, and the registry ends empty.
     */
    @Test
    void concurrentChurnKeepsLongLivedJobsVisible() {
        JobRegistry r = new JobRegistry();
        List<Job> pinned = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Job j = job();
            r.add(j);
            pinned.add(j);
        }
        int threads = 4;
        int perThread = 50_000;
        AtomicLong wins = new AtomicLong();
        AtomicBoolean churning = new AtomicBoolean(true);
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int seed = t;
            all.add(new Thread(() -> {
                Bounded.await(start);
                Random rnd = new Random(seed);
                List<Job> mine = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    Job j = job();
                    r.add(j);
                    mine.add(j);
                    if (mine.size() > 32 || rnd.nextBoolean()) {
                        Job victim = mine.remove(rnd.nextInt(mine.size()));
                        if (r.remove(victim)) {
                            wins.incrementAndGet();
                        }
                        if (r.remove(victim)) {
                            failure.compareAndSet(null, "a job was removed twice");
                        }
                    }
                }
                for (Job j : mine) {
                    if (r.remove(j)) {
                        wins.incrementAndGet();
                    }
                }
            }, "churn-" + t));
        }
        Thread snapshots = new Thread(() -> {
            Bounded.await(start);
            while (churning.get()) {
                List<Job> snap = r.snapshot();
                Set<Job> s = Collections.newSetFromMap(new IdentityHashMap<>());
                s.addAll(snap);
                if (s.size() != snap.size()) {
                    failure.compareAndSet(null, "a snapshot listed a job twice");
                }
                if (!s.containsAll(pinned)) {
                    failure.compareAndSet(null, "a snapshot missed a job registered all along");
                }
            }
        }, "snapshots");
        for (Thread t : all) {
            t.start();
        }
        snapshots.start();
        start.countDown();
        Bounded.join("churning threads", 60, all);
        churning.set(false);
        Bounded.join("snapshot thread", snapshots);
        if (failure.get() != null) {
            fail(failure.get());
        }
        assertEquals((long) threads * perThread, wins.get(), "removals won");
        assertEquals(identitySet(pinned), identitySet(r.snapshot()));
        for (Job j : pinned) {
            assertTrue(r.remove(j));
        }
        assertTrue(r.snapshot().isEmpty());
    }
}
