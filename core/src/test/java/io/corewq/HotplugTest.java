// Tests of the hotplug controller: offline/online, states with rollback, per-CPU threads, the read lock, moved work.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.cpu.CpuSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HotplugTest {
    CpuRuntime rt;
    Hotplug hp;
    Workqueue wq;

    @BeforeEach
    void start() {
        rt = CpuRuntime.builder().logicalCpus(4).build();
        hp = rt.hotplug();
        wq = rt.allocWorkqueue("hp", Set.of(), 0);
    }

    @AfterEach
    void stop() {
        rt.close();
    }

    private int runOn(int cpu) {
        AtomicInteger ran = new AtomicInteger(-7);
        Work w = new Work(() -> ran.set(CpuRuntime.currentCpu()));
        wq.queueOn(cpu, w);
        Bounded.run("flush", w::flush);
        return ran.get();
    }

    @Test
    void offlineAndOnlineChangeTheOnlineSetAndBadCpusAreRefused() {
        assertEquals(CpuSet.range(0, 4), rt.onlineCpus());
        assertTrue(hp.offline(2));
        assertFalse(rt.isOnline(2));
        assertEquals(CpuSet.parse("0-1,3"), rt.onlineCpus());
        assertFalse(hp.offline(2), "already offline");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hp.offline(9));
        assertTrue(e.getMessage().contains("9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> hp.online(-3));
        hp.offline(0);
        hp.offline(1);
        IllegalStateException last = assertThrows(IllegalStateException.class, () -> hp.offline(3));
        assertTrue(last.getMessage().contains("last online CPU") && last.getMessage().contains("3"), last.getMessage());
        assertTrue(rt.isOnline(3));
        for (int c = 0; c < 3; c++) {
            assertTrue(hp.online(c));
        }
        assertEquals(CpuSet.range(0, 4), rt.onlineCpus());
        assertEquals(3, hp.offlineOps());
        assertEquals(3, hp.onlineOps());
    }

    @Test
    void queueOnAnOfflineCpuRunsPromptlyOnAnOnlineCpuAndComesBackWhenItReturns() {
        hp.offline(1);
        int ran = runOn(1);
        assertTrue(rt.isOnline(ran), "ran in the pool of CPU " + ran);
        assertNotEquals(1, ran);
        hp.online(1);
        assertEquals(1, runOn(1), "new queueOn runs on the CPU again");
    }

    @Test
    void queueOnACpuThatWasNeverOnlineRunsPromptly() {
        rt.close();
        rt = CpuRuntime.builder().logicalCpus(3).startOffline(CpuSet.of(2)).build();
        hp = rt.hotplug();
        wq = rt.allocWorkqueue("never", Set.of(), 0);
        assertFalse(rt.isOnline(2));
        int ran = runOn(2);
        assertTrue(ran == 0 || ran == 1, "ran on " + ran);
        hp.online(2);
        assertEquals(2, runOn(2));
    }

    @Test
    void queueFromAThreadWhoseCpuWentOfflineAvoidsIt() throws Exception {
        AtomicInteger sticky = new AtomicInteger();
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Work probe = new Work(() -> sticky.set(CpuRuntime.currentCpu()));
                wq.queue(probe);
                probe.flush();
                int mine = sticky.get();
                hp.offline(mine);
                Work again = new Work(() -> sticky.set(CpuRuntime.currentCpu()));
                wq.queue(again);
                again.flush();
                if (sticky.get() == mine) {
                    throw new AssertionError("queue() used offline CPU " + mine);
                }
            } catch (Throwable e) {
                err.set(e);
            }
        });
        t.start();
        Bounded.join("join", t);
        assertEquals(null, err.get());
    }

    @Test
    void offlineDoesNotWaitForPendingWorkWhichRunsElsewhereWithoutWaitingForTheCpu() {
        rt.close(); // no concurrency management: only going down lets the pending items past the blocker
        rt = CpuRuntime.builder().logicalCpus(4).monitorPeriod(Duration.ofHours(1)).hogThreshold(Duration.ofHours(1)).build();
        hp = rt.hotplug();
        wq = rt.allocWorkqueue("hp", Set.of(), 0);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch in = new CountDownLatch(1);
        // CPU 2's carrier is stuck in an item; 1000 items wait behind it
        wq.queueOn(2, new Work(() -> {
            in.countDown();
            Bounded.await(release, 60);
        }));
        Bounded.await(in);
        int n = 1000;
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            wq.queueOn(2, new Work(done::countDown));
        }
        AtomicLong moved = new AtomicLong(-1);
        hp.addListener(e -> {
            if (!e.online()) {
                moved.set(e.pendingMoved());
            }
        });
        Bounded.run("offline", () -> hp.offline(2));
        assertTrue(moved.get() > 0, "pending moved: " + moved.get());
        Bounded.await(done); // they run while the blocker still blocks and CPU 2 is down
        assertEquals(1, release.getCount());
        release.countDown();
        wq.flush();
        hp.online(2);
        assertEquals(2, runOn(2));
    }

    @Test
    void delayedItemsArmedOnACpuThatGoesDownFireOnTimeElsewhere() {
        long delay = Duration.ofMillis(80).toNanos();
        AtomicInteger ranOn = new AtomicInteger(-7);
        AtomicLong ranAt = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        DelayedWork dw = new DelayedWork(() -> {
            ranOn.set(CpuRuntime.currentCpu());
            ranAt.set(System.nanoTime());
            done.countDown();
        });
        long t0 = System.nanoTime();
        wq.queueDelayedOn(3, dw, Duration.ofNanos(delay));
        hp.offline(3);
        Bounded.await(done);
        assertTrue(ranAt.get() - t0 >= delay, "fired early");
        assertTrue(ranAt.get() - t0 < Duration.ofSeconds(5).toNanos(), "fired late: the CPU never came back");
        assertNotEquals(3, ranOn.get());
        assertTrue(rt.isOnline(ranOn.get()));
    }

    @Test
    void aMillionPendingItemsSurviveOfflineOnlineCyclesExactlyOnce() {
        int n = 1_000_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch in = new CountDownLatch(1);
        wq.queueOn(1, new Work(() -> {
            in.countDown();
            Bounded.await(gate, 60);
        }));
        Bounded.await(in);
        Workqueue gated = rt.allocWorkqueue("gated", Set.of(), 1);
        Work[] items = new Work[n];
        for (int i = 0; i < n; i++) {
            final int k = i;
            items[i] = new Work(() -> runs.incrementAndGet(k));
        }
        // queue all on CPU 1; CPU 1's carrier is stuck, so they are pending when it goes down
        gated.queueOn(1, new Work(() -> Bounded.await(gate, 60)));
        for (int i = 0; i < n; i++) {
            wq.queueOn(1, items[i]);
        }
        long t0 = System.nanoTime();
        Bounded.run("offline with a million pending", 30, () -> hp.offline(1));
        long offlineNanos = System.nanoTime() - t0;
        assertTrue(wq.stats().inFlight() > 0, "offline waited for the pending work");
        for (int cycle = 0; cycle < 3; cycle++) {
            hp.online(1);
            hp.offline(1);
        }
        hp.online(1);
        gate.countDown();
        Bounded.run("flush", 120, wq::flush);
        gated.flush();
        for (int i = 0; i < n; i++) {
            if (runs.get(i) != 1) {
                throw new AssertionError("item " + i + " ran " + runs.get(i) + " times");
            }
        }
        assertTrue(offlineNanos < Duration.ofSeconds(5).toNanos(), "offline took " + offlineNanos + " ns");
    }

    @Test
    void statesRunOnEveryOnlineCpuInOrderAndRollBack() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Hotplug.HotplugState a = hp.registerState("a",
                cpu -> log.add("up a " + cpu + " on " + CpuRuntime.currentCpu()),
                cpu -> log.add("down a " + cpu + " on " + CpuRuntime.currentCpu()));
        assertEquals(List.of("up a 0 on 0", "up a 1 on 1", "up a 2 on 2", "up a 3 on 3"), log);
        hp.registerState("b", cpu -> log.add("up b " + cpu), cpu -> log.add("down b " + cpu));
        log.clear();
        hp.offline(1);
        assertEquals(List.of("down b 1", "down a 1 on 1"), log, "teardowns in reverse order, on the CPU");
        log.clear();
        hp.online(1);
        assertEquals(List.of("up a 1 on 1", "up b 1"), log, "startups in order, on the CPU");

        // a registration whose startup fails on CPU 2 rolls back on 0 and 1
        log.clear();
        HotplugException e = assertThrows(HotplugException.class, () -> hp.registerState("bad",
                cpu -> {
                    if (cpu == 2) {
                        throw new IllegalStateException("no luck on 2");
                    }
                    log.add("up bad " + cpu);
                },
                cpu -> log.add("down bad " + cpu)));
        assertEquals("no luck on 2", e.getCause().getMessage());
        assertEquals(List.of("up bad 0", "up bad 1", "down bad 1", "down bad 0"), log);

        // a failing teardown leaves the CPU online with every state up
        AtomicBoolean failDown = new AtomicBoolean(true);
        hp.registerState("c", cpu -> log.add("up c " + cpu), cpu -> {
            if (failDown.get()) {
                throw new IllegalStateException("c refuses");
            }
        });
        log.clear();
        HotplugException down = assertThrows(HotplugException.class, () -> hp.offline(3));
        assertEquals("c refuses", down.getCause().getMessage());
        assertTrue(rt.isOnline(3));
        assertEquals(List.of(), log, "nothing was torn down before c failed, so nothing to restore");
        failDown.set(false);

        // a failing startup on online leaves the CPU offline, earlier states torn down again
        hp.offline(3);
        AtomicBoolean failUp = new AtomicBoolean(true);
        hp.registerState("d", cpu -> {
            if (cpu == 3 && failUp.get()) {
                throw new IllegalStateException("d refuses");
            }
        }, null);
        log.clear();
        HotplugException up = assertThrows(HotplugException.class, () -> hp.online(3));
        assertEquals("d refuses", up.getCause().getMessage());
        assertFalse(rt.isOnline(3));
        assertEquals(List.of("up a 3 on 3", "up b 3", "up c 3", "down b 3", "down a 3 on 3"), log); // c tears down silently
        failUp.set(false);
        assertTrue(hp.online(3));
        hp.removeState(a);
    }

    @Test
    void maxActiveOneAndQueueOrderHoldAcrossAnOfflineOfTheCpu() {
        // [beyond]: the items of a max_active 1 per-CPU workqueue, adopted by the online CPUs when
        // their CPU goes offline, still run one at a time and in queueing order.
        Workqueue one = rt.allocWorkqueue("one-at-a-time", Set.of(), 1);
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch in = new CountDownLatch(1);
        one.queueOn(1, new Work("gate", () -> {
            in.countDown();
            Bounded.await(gate);
        }));
        Bounded.await(in);
        int n = 2000;
        for (int i = 0; i < n; i++) {
            final int k = i;
            one.queueOn(1, new Work(() -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                for (int s = 0; s < 200; s++) {
                    Thread.onSpinWait(); // long enough for a second runner to overlap, if one existed
                }
                order.add(k);
                active.decrementAndGet();
            }));
        }
        assertTrue(hp.offline(1));
        gate.countDown();
        Bounded.run("flush", one::flush);
        assertEquals(1, maxActive.get(), "two items of a max_active 1 workqueue ran at once");
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertEquals(expected, order);
        assertTrue(hp.online(1));
    }

    @Test
    void theCpuWatcherBringsBackOnlyACpuThatNobodyElseOnlinedOrOfflinedSinceItTookItAway() {
        // The watcher brought back a CPU that the user had onlined and offlined again meanwhile
        // (found by review, 2026-11-22). apply() is the watcher's pass over what the OS allows.
        try (CpuRuntime r = CpuRuntime.builder().logicalCpus(2).followOsCpus(Duration.ZERO).build()) {
            CpuWatcher watcher = new CpuWatcher(r, 1); // never started: the test makes its passes
            watcher.apply(null, null, CpuSet.of(0)); // the OS takes CPU 1 (an affinity change)
            assertFalse(r.isOnline(1));
            watcher.apply(null, null, CpuSet.range(0, 2)); // and gives it back
            assertTrue(r.isOnline(1), "the watcher brings back a CPU it took away");
            watcher.apply(null, null, CpuSet.of(0));
            assertFalse(r.isOnline(1));
            r.hotplug().online(1); // the user's own changes in between
            r.hotplug().offline(1);
            watcher.apply(null, null, CpuSet.range(0, 2));
            assertFalse(r.isOnline(1), "the user's last word was offline(1)");
        }
    }

    @Test
    void aFirstOnlineWhoseCarriersCannotBeStartedFailsCleanlyAndTheNextOneStartsThem() {
        // Cpu.start() marked the CPU started before creating its carriers: a failed first online
        // threw a bare IllegalStateException, and the next online brought the CPU up with no
        // carrier at all (found by review, 2026-11-22).
        AtomicBoolean refuse = new AtomicBoolean();
        try (CpuRuntime r = CpuRuntime.builder().logicalCpus(2).startOffline(CpuSet.of(1))
                .threadFactory(task -> refuse.get() ? null : new Thread(task)).build()) {
            refuse.set(true);
            HotplugException e = assertThrows(HotplugException.class, () -> r.hotplug().online(1));
            assertTrue(e.getMessage().contains("CPU 1"), e.getMessage());
            assertFalse(r.isOnline(1));
            assertTrue(r.cpu(1).normal.disassociated, "the offline CPU's pools follow the online CPUs again");
            refuse.set(false);
            assertTrue(r.hotplug().online(1));
            assertEquals(1, r.cpu(1).normal.workerCount(), "the normal pool's carrier");
            assertEquals(1, r.cpu(1).highpri.workerCount(), "the high-priority pool's carrier");
            AtomicInteger ranOn = new AtomicInteger(-1);
            Work w = new Work("on-1", () -> ranOn.set(CpuRuntime.currentCpu()));
            r.systemWq().queueOn(1, w);
            Bounded.run("flush", w::flush);
            assertEquals(1, ranOn.get());
        }
    }

    /** Per-CPU threads whose CPU 1 thread serves one request: set {@link #request}, wake it, await {@link #ack}. */
    static final class ServesCpu1 implements PerCpuThread {
        final AtomicBoolean request = new AtomicBoolean();
        final CountDownLatch ack = new CountDownLatch(1);

        @Override
        public String name() {
            return "served";
        }

        @Override
        public boolean shouldRun(int cpu) {
            return cpu == 1 && request.get();
        }

        @Override
        public void run(int cpu) {
            request.set(false);
            ack.countDown();
        }
    }

    /** Waits until {@code op} waits for a hotplug operation's lock (the controller's monitor or the write lock), or has finished. */
    private static void awaitHotplugWaitingOrDone(Thread op) {
        Bounded.until(op.getName() + " waits for the hotplug controller or the write lock, or has finished",
                () -> !op.isAlive() || op.getState() == Thread.State.BLOCKED || java.util.Arrays.stream(op.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals(HotplugLock.class.getName()) && f.getMethodName().equals("writeLock")));
    }

    @Test
    void scheduleOnEachCpuWhoseFnWaitsForItsCpusPerCpuThreadCompletesBesideAnOffline() {
        // An offline parked CPU 1's per-CPU thread and then waited for the write lock, which
        // scheduleOnEachCpu held as a reader while fn on CPU 1 waited for that thread: a deadlock
        // that stopped every later hotplug operation (found by review, 2026-11-22). The offline
        // now parks the threads under the write lock.
        ServesCpu1 served = new ServesCpu1();
        try (PerCpuThreads pt = hp.registerPerCpuThreads(served)) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean acked = new AtomicBoolean();
            Thread each = new Thread(() -> rt.scheduleOnEachCpu(() -> {
                if (CpuRuntime.currentCpu() != 1) {
                    return;
                }
                entered.countDown();
                Bounded.await(go);
                served.request.set(true);
                pt.wake(1); // hand work to CPU 1's per-CPU thread and wait for it
                try {
                    acked.set(served.ack.await(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }), "each");
            each.start();
            Bounded.await(entered);
            Thread offliner = new Thread(() -> hp.offline(1), "offliner");
            offliner.start();
            awaitHotplugWaitingOrDone(offliner);
            go.countDown();
            Bounded.join("scheduleOnEachCpu and offline", each, offliner);
            assertTrue(acked.get(), "fn's hand-off to CPU 1's per-CPU thread was never served");
            assertFalse(rt.isOnline(1));
        }
    }

    @Test
    void aReadLockHolderWaitingForAPerCpuThreadCompletesBesideAnOffline() {
        // The same deadlock for any reader: parked before the offline took the write lock, the
        // thread could not serve a reader the offline was waiting for (found by review, 2026-11-22).
        ServesCpu1 served = new ServesCpu1();
        try (PerCpuThreads pt = hp.registerPerCpuThreads(served)) {
            Thread offliner;
            try (HotplugLock.Guard g = rt.cpusReadLock()) {
                offliner = new Thread(() -> hp.offline(1), "offliner");
                offliner.start();
                awaitHotplugWaitingOrDone(offliner);
                served.request.set(true);
                pt.wake(1);
                Bounded.await(served.ack); // CPU 1's thread is not parked while a reader is inside
                assertTrue(rt.isOnline(1));
            }
            Bounded.join("offline", offliner);
            assertFalse(rt.isOnline(1));
        }
    }

    @Test
    void aSecondWriterWaitsForTheFirst() {
        // The write side was a plain store: the CPU watcher's re-pin (outside the controller's
        // monitor) took it beside an offline that was parking per-CPU threads under it, and its
        // unlock let readers in while the offline went on (found by review, 2026-11-22).
        CountDownLatch parking = new CountDownLatch(1);
        CountDownLatch finishPark = new CountDownLatch(1);
        try (PerCpuThreads pt = hp.registerPerCpuThreads(new PerCpuThread() {
            @Override
            public String name() {
                return "slowpark";
            }

            @Override
            public boolean shouldRun(int cpu) {
                return false;
            }

            @Override
            public void run(int cpu) {
            }

            @Override
            public void park(int cpu) {
                if (cpu == 1) {
                    parking.countDown();
                    Bounded.await(finishPark); // the offline holds the write side meanwhile
                }
            }
        })) {
            Thread offliner = new Thread(() -> hp.offline(1), "offliner");
            offliner.start();
            Bounded.await(parking);
            Thread repinner = new Thread(rt::repinAll, "repinner");
            repinner.start();
            awaitHotplugWaitingOrDone(repinner);
            assertTrue(repinner.isAlive(), "a second writer took the write side beside the offline");
            finishPark.countDown();
            Bounded.join("offline and re-pin", offliner, repinner);
            assertFalse(rt.isOnline(1));
            try (HotplugLock.Guard g = rt.cpusReadLock()) {
                assertFalse(rt.isOnline(1));
            }
        }
    }

    @Test
    void scheduleOnEachCpuMayBeCalledFromItsOwnFn() {
        Set<Integer> inner = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger outer = new AtomicInteger();
        Bounded.run("nested scheduleOnEachCpu", () -> rt.scheduleOnEachCpu(() -> {
            if (outer.getAndIncrement() == 0) {
                rt.scheduleOnEachCpu(() -> inner.add(CpuRuntime.currentCpu()));
            }
        }));
        assertEquals(4, outer.get());
        assertEquals(Set.of(0, 1, 2, 3), inner);
    }

    @Test
    void noCpuComesOrGoesWhileScheduleOnEachCpuRuns() {
        // It took a snapshot of the online CPUs and held no lock: a CPU onlined meanwhile was
        // missed, and one offlined ran fn unpinned after its teardown (found by review, 2026-11-22).
        hp.offline(1);
        CountDownLatch entered = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        Set<Integer> ranOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread each = new Thread(() -> rt.scheduleOnEachCpu(() -> {
            ranOn.add(CpuRuntime.currentCpu());
            entered.countDown();
            Bounded.await(release);
        }), "each");
        each.start();
        Bounded.await(entered); // fn runs on CPUs 0, 2 and 3
        Thread onliner = new Thread(() -> hp.online(1), "onliner");
        onliner.start();
        awaitHotplugWaitingOrDone(onliner);
        assertFalse(rt.isOnline(1), "CPU 1 came online while scheduleOnEachCpu ran");
        release.countDown();
        Bounded.join("scheduleOnEachCpu and online", each, onliner);
        assertEquals(Set.of(0, 2, 3), ranOn);
        assertTrue(rt.isOnline(1));
    }

    @Test
    void aPerCpuThreadsFunctionNeverRunsWhileItsCpuIsMarkedOffline() {
        // The threads were parked after the flip: a function could start on a CPU already marked
        // offline, its pools disassociated (found by review, 2026-11-22: about 2% of cycles).
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger sawOffline = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        try (PerCpuThreads pt = hp.registerPerCpuThreads(new PerCpuThread() {
            @Override
            public String name() {
                return "busy";
            }

            @Override
            public boolean shouldRun(int cpu) {
                return cpu == 1; // always has work on CPU 1
            }

            @Override
            public void run(int cpu) {
                if (!rt.isOnline(cpu)) {
                    sawOffline.incrementAndGet();
                }
                runs.incrementAndGet();
                running.countDown();
                Thread.yield();
            }
        })) {
            Bounded.await(running);
            for (int i = 0; i < 2000; i++) {
                assertTrue(hp.offline(1));
                assertTrue(hp.online(1));
            }
            assertEquals(0, sawOffline.get(), "runs that saw their CPU offline, of " + runs.get());
        }
    }

    @Test
    void perCpuThreadsAreParkedNotDestroyedAndComeBack() {
        ConcurrentHashMap<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicIntegerArray want = new AtomicIntegerArray(4);
        PerCpuThreads pt = hp.registerPerCpuThreads(new PerCpuThread() {
            @Override
            public String name() {
                return "ksoftirqd";
            }

            @Override
            public boolean shouldRun(int cpu) {
                return want.get(cpu) > 0;
            }

            @Override
            public void run(int cpu) {
                want.decrementAndGet(cpu);
                runs.computeIfAbsent(cpu, c -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void setup(int cpu) {
                events.add("setup " + cpu);
            }

            @Override
            public void park(int cpu) {
                events.add("park " + cpu);
            }

            @Override
            public void unpark(int cpu) {
                events.add("unpark " + cpu);
            }

            @Override
            public void cleanup(int cpu, boolean online) {
                events.add("cleanup " + cpu + " " + online);
            }
        });
        for (int c = 0; c < 4; c++) {
            assertEquals("ksoftirqd/" + c, pt.thread(c).getName());
        }
        want.incrementAndGet(2);
        pt.wake(2);
        Bounded.until("ran on 2", () -> runs.containsKey(2));
        Thread before = pt.thread(2);
        hp.offline(2);
        assertTrue(pt.isParked(2));
        assertTrue(before.isAlive(), "parked, not destroyed");
        assertTrue(events.contains("park 2"));
        hp.online(2);
        assertSame(before, pt.thread(2), "the same thread comes back");
        want.incrementAndGet(2);
        pt.wake(2);
        Bounded.until("ran again on 2", () -> runs.get(2).get() == 2);
        assertTrue(events.contains("unpark 2"));
        pt.close();
        assertFalse(before.isAlive());
        assertTrue(events.contains("cleanup 2 true"), events.toString());
    }

    @Test
    void carriersAreTheSameThreadsAfterOfflineAndOnline() {
        Thread[] before = new Thread[1];
        Work w = new Work(() -> before[0] = Thread.currentThread());
        wq.queueOn(3, w);
        w.flush();
        hp.offline(3);
        hp.online(3);
        Thread[] after = new Thread[1];
        Work w2 = new Work(() -> after[0] = Thread.currentThread());
        wq.queueOn(3, w2);
        w2.flush();
        assertSame(before[0], after[0]);
    }

    @Test
    void theReadLockKeepsACpuFromGoingDown() {
        CountDownLatch offlineStarted = new CountDownLatch(1);
        AtomicBoolean offlineDone = new AtomicBoolean();
        Thread controller;
        try (HotplugLock.Guard g = rt.cpusReadLock()) {
            controller = new Thread(() -> {
                offlineStarted.countDown();
                hp.offline(1);
                offlineDone.set(true);
            });
            controller.start();
            Bounded.await(offlineStarted);
            Bounded.until("controller waits for the reader", () -> controller.getState() == Thread.State.TIMED_WAITING
                    && rt.hotplugLock.hasReaders());
            assertTrue(rt.isOnline(1), "CPU went down while a reader held the lock");
            AtomicInteger ran = new AtomicInteger(-1);
            Work w = new Work(() -> ran.set(CpuRuntime.currentCpu()));
            if (rt.isOnline(1)) {
                wq.queueOn(1, w);
            }
            w.flush();
            assertEquals(1, ran.get());
            assertFalse(offlineDone.get());
        }
        Bounded.join("join", controller);
        assertTrue(offlineDone.get());
    }

    @Test
    void aPerCpuThreadStaysParkedWhenItsCpuGoesDownRightAfterComingUp() throws Exception {
        // park() returned at once on a "parked" flag left from the previous offline when the
        // thread had not yet run after the online in between: the thread then ran on the offline
        // CPU (found by review, 2026-11-22).
        try (CpuRuntime r = CpuRuntime.builder().logicalCpus(2).build()) {
            Hotplug h = r.hotplug();
            AtomicBoolean want = new AtomicBoolean();
            AtomicInteger ranOffline = new AtomicInteger();
            CountDownLatch[] ranNow = {new CountDownLatch(1)};
            PerCpuThreads pt = h.registerPerCpuThreads(new PerCpuThread() {
                public String name() {
                    return "park-probe";
                }

                public boolean shouldRun(int cpu) {
                    return cpu == 1 && want.get(); // CPU 0's thread, still starting in round 0, must not take CPU 1's turn
                }

                public void run(int cpu) {
                    want.set(false);
                    if (!r.isOnline(cpu)) {
                        ranOffline.incrementAndGet();
                    }
                    ranNow[0].countDown();
                }
            });
            for (int round = 0; round < 40; round++) {
                h.offline(1);
                h.online(1);
                h.offline(1); // at once: the thread may not have run since the online
                assertTrue(pt.isParked(1), "round " + round + ": offline returned before the thread parked");
                ranNow[0] = new CountDownLatch(1);
                want.set(true);
                pt.wake(1);
                // Negative check: a parked thread does not run, so this wait runs out.
                assertFalse(ranNow[0].await(20, TimeUnit.MILLISECONDS), "round " + round + ": the thread ran on its offline CPU");
                want.set(false);
                h.online(1);
            }
            assertEquals(0, ranOffline.get());
        }
    }

    @Test
    void aReaderMayEnterAgainWhileAnOfflineWaitsForIt() {
        // Before the fix the nested entry backed out for the waiting writer, which waited for the
        // outer entry: both waited for ever (found by HotplugLockLincheckTest).
        AtomicBoolean offlineDone = new AtomicBoolean();
        Thread[] controller = new Thread[1];
        Bounded.run("a nested read section while offline(1) waits for the outer one", 20, () -> {
            try (HotplugLock.Guard outer = rt.cpusReadLock()) {
                controller[0] = new Thread(() -> {
                    hp.offline(1);
                    offlineDone.set(true);
                }, "offline-1");
                controller[0].start();
                Bounded.until("offline waits for the reader", () -> controller[0].getState() == Thread.State.TIMED_WAITING
                        && rt.hotplugLock.hasReaders());
                try (HotplugLock.Guard inner = rt.cpusReadLock()) {
                    assertSame(outer, inner);
                    assertTrue(rt.isOnline(1), "CPU 1 went down under a reader");
                }
                assertTrue(rt.hotplugLock.hasReaders(), "the inner close let the writer in");
                assertFalse(offlineDone.get());
            }
        });
        Bounded.join("offline after the reader left", controller[0]);
        assertTrue(offlineDone.get());
        assertFalse(rt.isOnline(1));
    }

    @Test
    void aThreadThatReadOnceDoesNotKeepAClosedRuntimesLockAlive() {
        // Each reading thread keeps a guard in a ThreadLocal; a guard that referenced its lock kept
        // the lock (which holds the ThreadLocal key) alive for the thread's lifetime.
        java.lang.ref.WeakReference<HotplugLock> lock;
        try (CpuRuntime r = CpuRuntime.builder().logicalCpus(2).build()) {
            lock = new java.lang.ref.WeakReference<>(r.hotplugLock);
            try (HotplugLock.Guard g = r.cpusReadLock()) {
                assertTrue(r.isOnline(0));
            }
        }
        for (int i = 0; i < 50 && lock.get() != null; i++) {
            System.gc();
            Thread.yield();
        }
        assertTrue(lock.get() == null, "the test thread's guard keeps a closed runtime's hotplug lock reachable");
    }

    @Test
    void aReadGuardIsLeftOnItsOwnThreadOncePerEntry() throws Exception {
        HotplugLock.Guard g = rt.cpusReadLock();
        AtomicReference<Throwable> elsewhere = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                g.close();
            } catch (Throwable t) {
                elsewhere.set(t);
            }
        }, "not-the-reader");
        other.start();
        Bounded.join("close on another thread", other);
        assertTrue(elsewhere.get() instanceof IllegalStateException, String.valueOf(elsewhere.get()));
        assertTrue(elsewhere.get().getMessage().contains(Thread.currentThread().getName())
                && elsewhere.get().getMessage().contains("not-the-reader"), elsewhere.get().getMessage());
        assertTrue(rt.hotplugLock.hasReaders(), "a refused close must leave the reader inside");
        g.close();
        assertFalse(rt.hotplugLock.hasReaders());
        IllegalStateException twice = assertThrows(IllegalStateException.class, g::close);
        assertTrue(twice.getMessage().contains("more often than entered"), twice.getMessage());
        assertFalse(rt.hotplugLock.hasReaders());
        Bounded.run("offline after the guard misuse", 20, () -> assertTrue(hp.offline(1)));
    }

    @Test
    void offlineFromInsideTheReadLockThrowsInsteadOfWaitingForItself() {
        Bounded.run("offline and online inside the read lock", 20, () -> {
            try (HotplugLock.Guard g = rt.cpusReadLock()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> hp.offline(1));
                assertTrue(e.getMessage().contains("read lock"), e.getMessage());
                assertTrue(rt.isOnline(1));
            }
            assertTrue(hp.offline(1));
            try (HotplugLock.Guard g = rt.cpusReadLock()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> hp.online(1));
                assertTrue(e.getMessage().contains("read lock"), e.getMessage());
                assertFalse(rt.isOnline(1));
            }
            assertTrue(hp.online(1));
        });
    }

    @Test
    void callbacksMayTakeTheReadLockAndWaitOnWorkThatTakesIt() {
        AtomicInteger inside = new AtomicInteger();
        hp.registerState("reader", cpu -> {
            try (HotplugLock.Guard g = rt.cpusReadLock()) {
                inside.incrementAndGet();
            }
        }, cpu -> {
            // waits on a work item that itself takes the read lock (seed 004's deadlock shape)
            Work w = new Work(() -> {
                try (HotplugLock.Guard g = rt.cpusReadLock()) {
                    inside.incrementAndGet();
                }
            });
            rt.systemUnboundWq().queue(w);
            w.flush();
        });
        Bounded.run("offline with lock-taking callbacks", 20, () -> hp.offline(2));
        Bounded.run("online with lock-taking callbacks", 20, () -> hp.online(2));
        assertTrue(inside.get() >= 4 + 1 + 1);
        HotplugException e = assertThrows(HotplugException.class, () -> {
            AtomicReference<Throwable> err = new AtomicReference<>();
            hp.registerState("reentrant", cpu -> {
                try {
                    hp.offline(cpu == 0 ? 1 : 0);
                } catch (Throwable t) {
                    err.set(t);
                }
                if (err.get() != null) {
                    throw (RuntimeException) err.get();
                }
            }, null);
        });
        assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("deadlock"), String.valueOf(e.getCause()));
    }
}
