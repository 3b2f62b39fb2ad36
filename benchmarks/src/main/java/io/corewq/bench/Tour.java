// The "tour" command: a short, self-checking walk through corewq's core semantics, printed as plain lines.
package io.corewq.bench;

import io.corewq.CpuRuntime;
import io.corewq.DelayedWork;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuSet;
import io.corewq.cpu.PinningStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code tour}: starts a runtime on every CPU the process may use and shows, one plain line per
 * fact, that the core does what the kernel's workqueues do: per-CPU placement, ordered execution,
 * delayed work, flush and cancelSync. Every line that states a fact has been checked first; a
 * check that fails prints {@code tour: FAILED: ...} and the command exits 1. The last line of a
 * successful tour is exactly {@code tour: ok}.
 *
 * <h2>Implementation overview</h2>
 * Nothing here sleeps to synchronise: the tour waits with latches (always with a deadline),
 * {@link Work#flush()}, {@link Workqueue#flush()} and, for the flush step, by watching the
 * flushing thread's park blocker. Each step runs on the single "tour" thread while the calling
 * thread waits for it with a deadline ({@link #STEP_TIMEOUT_SECONDS}), so a step that hangs (a
 * lost wake-up, a flush that never returns) fails the tour with the corewq threads' stacks
 * instead of hanging it.
 */
public final class Tour {
    /** The longest any one step may take before the tour fails. */
    static final long STEP_TIMEOUT_SECONDS = 20;
    /** The delay asked for in the delayed-work step. */
    static final Duration DELAY = Duration.ofMillis(200);
    /** Items in the ordered-workqueue step. */
    static final int ORDERED_ITEMS = 5;
    /** How often the self-requeueing item runs before the tour cancels it. */
    static final int REQUEUES = 1000;

    /** Thrown by {@link #check} when a fact the tour is about to print does not hold. */
    static final class CheckFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckFailed(String message) {
            super(message);
        }
    }

    /** One step of the tour. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private final PrintStream out;
    /** Tour thread only (set by the first step). */
    private CpuRuntime rt;
    /** Tour thread only: the per-CPU workqueue most steps use. */
    private Workqueue wq;
    /** Any corewq worker: what work functions threw (the runtime's exception handler). */
    private final List<String> workErrors = Collections.synchronizedList(new ArrayList<>());

    private Tour(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the tour, printing to {@code out}.
     *
     * @return 0 after {@code tour: ok}; 1 when a check failed or a step timed out; 2 on arguments
     */
    public static int run(String[] args, PrintStream out) {
        if (args.length != 0) {
            out.println("usage: tour   (no arguments; -Dcorewq.cpus=LIST narrows the CPUs)");
            return Main.USAGE;
        }
        ExecutorService tourThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tour");
            t.setDaemon(true);
            return t;
        });
        try {
            return new Tour(out).runSteps(tourThread);
        } finally {
            tourThread.shutdownNow();
            out.flush();
        }
    }

    private int runSteps(ExecutorService tourThread) {
        Map<String, Step> steps = new LinkedHashMap<>();
        steps.put("cpus", this::cpus);
        steps.put("each cpu", this::eachCpu);
        steps.put("ordered", this::ordered);
        steps.put("delayed", this::delayed);
        steps.put("flush", this::flush);
        steps.put("cancelSync", this::cancelSync);
        steps.put("hotplug", this::hotplug);
        steps.put("close", this::close);
        for (Map.Entry<String, Step> s : steps.entrySet()) {
            Future<?> f = tourThread.submit(() -> {
                s.getValue().run();
                return null;
            });
            try {
                f.get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                out.println("tour: FAILED: step '" + s.getKey() + "' did not finish within " + STEP_TIMEOUT_SECONDS + " s");
                dumpThreads();
                return 1;
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof CheckFailed) {
                    out.println("tour: FAILED: " + s.getKey() + ": " + c.getMessage());
                } else {
                    out.println("tour: FAILED: step '" + s.getKey() + "' threw " + c);
                    c.printStackTrace(out);
                }
                closeQuietly();
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.println("tour: FAILED: interrupted");
                return 1;
            }
        }
        out.println("tour: ok");
        return 0;
    }

    // ---- steps ----------------------------------------------------------------------------

    /** Starts the runtime and says which CPUs and binder it uses. */
    private void cpus() {
        rt = CpuRuntime.builder()
                .exceptionHandler((w, q, t) -> workErrors.add(w.name() + " on " + q.name() + " threw " + t))
                .build();
        wq = rt.allocWorkqueue("tour", EnumSet.noneOf(WqFlag.class), 0);
        CpuBinder b = rt.binder();
        check(!rt.cpus().isEmpty(), "the runtime has no CPUs");
        say("cpus: %s in use (%d), online %s; java %s, %d processors visible to the JVM",
                rt.cpus(), rt.cpus().size(), rt.onlineCpus(), Runtime.version(), Runtime.getRuntime().availableProcessors());
        say("binder: %s (%s)", b.name(), b.isPinning() ? "pins carriers to their CPU" : "does not pin; carriers run where the OS puts them");
    }

    /**
     * One item queued on each CPU with {@code queueOn}: it runs in that CPU's pool, and a
     * {@code queue()} from inside it stays on that CPU. With a pinning binder the OS agrees.
     */
    private void eachCpu() throws InterruptedException {
        CpuBinder b = rt.binder();
        for (int cpu : rt.cpus()) {
            int[] where = {-2, -2, -2};   // corewq CPU, OS CPU, corewq CPU of the chained item
            String[] thread = new String[1];
            CountDownLatch done = new CountDownLatch(1);
            Work chained = new Work("tour-chained", () -> {
                where[2] = CpuRuntime.currentCpu();
                done.countDown();
            });
            Work w = new Work("tour-on-cpu-" + cpu, () -> {
                where[0] = CpuRuntime.currentCpu();
                where[1] = b.currentCpu();
                thread[0] = Thread.currentThread().getName();
                wq.queue(chained);
            });
            check(wq.queueOn(cpu, w), "queueOn(" + cpu + ") of an idle item returned false");
            await(done, "the item queued on cpu " + cpu);
            check(where[0] == cpu, "item queued on cpu " + cpu + " ran in cpu " + where[0] + "'s pool");
            check(where[2] == cpu, "queue() from cpu " + cpu + "'s carrier ran on cpu " + where[2]);
            PinningStatus.State pin = rt.pinningStatus().state(cpu);
            String os;
            if (pin == PinningStatus.State.PINNED) {
                check(where[1] == cpu, "carrier of cpu " + cpu + " is pinned but the OS ran the item on cpu " + where[1]);
                os = "OS cpu " + where[1] + " (pinned, verified)";
            } else {
                os = "OS cpu " + (where[1] < 0 ? "unknown" : where[1]) + " (" + pin + ", not checked)";
            }
            say("each cpu: item queued on cpu %d ran on %s: CpuRuntime.currentCpu()=%d, %s; queue() from it stayed on cpu %d",
                    cpu, thread[0], where[0], os, where[2]);
        }
        PinningStatus p = rt.pinningStatus();
        say("pinning: verified on %s, unverified on %s", show(p.pinned()), show(p.unverified()));
    }

    /**
     * Five items queued one after another on an ordered workqueue, each from a different thread
     * (this thread, each CPU's carrier, a plain helper thread). The first one holds the queue until
     * all five are in, so they pile up; they must then run in queueing order, one at a time.
     */
    private void ordered() throws Exception {
        Workqueue ord = rt.allocOrderedWorkqueue("tour_ordered", EnumSet.noneOf(WqFlag.class));
        CountDownLatch allQueued = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        List<String> ranOn = Collections.synchronizedList(new ArrayList<>());
        Work[] items = new Work[ORDERED_ITEMS];
        for (int i = 0; i < items.length; i++) {
            int index = i;
            items[i] = new Work("tour-ordered-" + i, () -> {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                if (index == 0) {
                    awaitUnchecked(allQueued);   // hold the queue until all items are in
                }
                ran.add(index);
                ranOn.add(Thread.currentThread().getName());
                running.decrementAndGet();
            });
        }
        int[] cpus = rt.cpus().toArray();
        List<String> queuedBy = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            Work w = items[i];
            boolean queued;
            String by;
            int slot = i % (cpus.length + 2);
            if (slot == 0) {
                by = Thread.currentThread().getName();
                queued = ord.queue(w);
            } else if (slot <= cpus.length) {
                int cpu = cpus[slot - 1];
                String[] name = new String[1];
                queued = rt.workOnCpu(cpu, () -> {
                    name[0] = Thread.currentThread().getName();
                    return ord.queue(w);
                });
                by = name[0];
            } else {
                boolean[] r = new boolean[1];
                Thread helper = new Thread(() -> r[0] = ord.queue(w), "tour-helper");
                helper.start();
                helper.join(TimeUnit.SECONDS.toMillis(STEP_TIMEOUT_SECONDS));
                check(!helper.isAlive(), "tour-helper did not finish queueing");
                by = helper.getName();
                queued = r[0];
            }
            check(queued, "queue() of idle ordered item #" + i + " by " + by + " returned false");
            queuedBy.add("#" + i + " by " + by);
        }
        check(ran.isEmpty(), "items ran while #0 held the ordered workqueue: " + ran);
        allQueued.countDown();
        ord.flush();
        say("ordered: queued %s; #0 held the queue until all %d were in, none ran before", String.join(", ", queuedBy), items.length);
        List<Integer> want = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            want.add(i);
        }
        check(ran.equals(want), "ordered workqueue ran " + ran + ", queued " + want);
        check(maxRunning.get() == 1, "ordered workqueue ran " + maxRunning.get() + " items at once");
        say("ordered: ran %s in queueing order, at most %d at a time, on %s",
                show(ran), maxRunning.get(), String.join(" ", new TreeSet<>(ranOn)));
        ord.destroy();
    }

    /** A delayed item never runs before its delay; while armed it is pending and a second queue is refused. */
    private void delayed() throws InterruptedException {
        AtomicLong ranAt = new AtomicLong();
        int[] ranCpu = {-2};
        CountDownLatch done = new CountDownLatch(1);
        DelayedWork dw = new DelayedWork("tour-delayed", () -> {
            ranAt.set(System.nanoTime());
            ranCpu[0] = CpuRuntime.currentCpu();
            done.countDown();
        });
        long start = System.nanoTime();
        check(wq.queueDelayed(dw, DELAY), "queueDelayed of an idle item returned false");
        boolean pendingWhileArmed = dw.isPending();
        boolean secondQueue = wq.queue(dw);
        await(done, "the delayed item");
        long observed = ranAt.get() - start;
        check(pendingWhileArmed, "the item was not pending right after queueDelayed()");
        check(!secondQueue, "queue() of an armed delayed item returned true");
        check(observed >= DELAY.toNanos(), "delayed item ran after " + ms(observed) + ", before its delay of " + ms(DELAY.toNanos()));
        say("delayed: requested %s, ran after %s on cpu %d (pending while armed: %s; queue() while armed returned %s)",
                ms(DELAY.toNanos()), ms(observed), ranCpu[0], pendingWhileArmed, secondQueue);
    }

    /**
     * {@link Work#flush()} waits for the running instance: the item keeps running until it sees the
     * flushing thread parked in {@code flush()} on it, and only then finishes.
     */
    private void flush() {
        Thread flusher = Thread.currentThread();
        int cpu = rt.cpus().last();
        long[] finishedAt = new long[1];
        boolean[] sawFlusherWaiting = new boolean[1];
        Work[] self = new Work[1];
        self[0] = new Work("tour-flush", () -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_SECONDS / 2);
            while (LockSupport.getBlocker(flusher) != self[0] && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            sawFlusherWaiting[0] = LockSupport.getBlocker(flusher) == self[0];
            finishedAt[0] = System.nanoTime();
        });
        check(wq.queueOn(cpu, self[0]), "queueOn(" + cpu + ") of an idle item returned false");
        long start = System.nanoTime();
        boolean waited = self[0].flush();
        long returned = System.nanoTime();
        check(waited, "flush() of a queued item returned false (did not wait)");
        check(sawFlusherWaiting[0], "the item never saw the flushing thread waiting in flush()");
        check(finishedAt[0] != 0 && returned >= finishedAt[0], "flush() returned before the item finished");
        check(!self[0].isBusy(), "item still pending or running after flush()");
        say("flush: item on cpu %d ran until it saw flush() waiting for it; flush() returned %s after %s, once the item had finished",
                cpu, waited, ms(returned - start));
    }

    /**
     * cancelSync stops an item that requeues itself from its own function: afterwards it is
     * neither pending nor running, and it does not run again.
     */
    private void cancelSync() throws InterruptedException {
        AtomicLong runs = new AtomicLong();
        CountDownLatch enough = new CountDownLatch(1);
        Work[] self = new Work[1];
        self[0] = new Work("tour-self-requeue", () -> {
            if (runs.incrementAndGet() == REQUEUES) {
                enough.countDown();
            }
            wq.queue(self[0]);
        });
        int cpu = rt.cpus().first();
        check(wq.queueOn(cpu, self[0]), "queueOn(" + cpu + ") of an idle item returned false");
        await(enough, "the self-requeueing item's first " + REQUEUES + " runs");
        boolean removed = self[0].cancelSync();
        long runsAtCancel = runs.get();
        check(!self[0].isPending(), "item still pending after cancelSync()");
        check(!self[0].isRunning(), "item still running after cancelSync()");
        wq.flush();
        check(!self[0].flush(), "flush() after cancelSync() had to wait: the item was queued again");
        long after = runs.get() - runsAtCancel;
        check(after == 0, "item ran " + after + " more times after cancelSync()");
        say("cancelSync: item on cpu %d requeued itself %d times; cancelSync() returned %s (%s); then pending=%s running=%s,"
                + " and 0 runs after a flush of its workqueue",
                cpu, runsAtCancel, removed, removed ? "it was queued" : "it was running; its requeue was refused",
                self[0].isPending(), self[0].isRunning());
    }

    /**
     * Hotplug: a CPU goes offline with items pending on it; they run elsewhere without waiting for
     * it, work aimed at it meanwhile goes to an online CPU, and after it comes back queueOn runs
     * there again.
     */
    private void hotplug() throws InterruptedException {
        CpuSet on = rt.onlineCpus();
        if (on.size() < 2) {
            say("hotplug: skipped: it needs two online CPUs, this runtime has %s", on);
            return;
        }
        int victim = on.last();
        Workqueue hw = rt.allocWorkqueue("tour-hotplug", java.util.Set.of(), 1); // max_active 1: items queue up
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blockerIn = new CountDownLatch(1);
        hw.queueOn(victim, new Work("tour-blocker", () -> {
            blockerIn.countDown();
            awaitUnchecked(release);
        }));
        await(blockerIn, "the blocker on cpu " + victim);
        int n = 100;
        CountDownLatch done = new CountDownLatch(n);
        java.util.Set<Integer> osCpus = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<Integer> pools = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int i = 0; i < n; i++) {
            hw.queueOn(victim, new Work("tour-pending", () -> {
                pools.add(CpuRuntime.currentCpu());
                osCpus.add(rt.binder().currentCpu());
                done.countDown();
            }));
        }
        long[] moved = {-1};
        rt.hotplug().addListener(e -> {
            if (!e.online() && e.cpu() == victim) {
                moved[0] = e.pendingMoved();
            }
        });
        long t0 = System.nanoTime();
        rt.hotplug().offline(victim);
        long offNanos = System.nanoTime() - t0;
        check(!rt.isOnline(victim), "cpu " + victim + " still online after offline()");
        check(moved[0] >= n, "only " + moved[0] + " of " + n + " items were pending at offline");
        check(done.getCount() == n, "pending items ran before the blocker let them");
        release.countDown();
        await(done, "the pending items of offline cpu " + victim);
        check(!rt.isOnline(victim), "the items waited for cpu " + victim + " to come back");
        boolean pinning = rt.binder().isPinning();
        if (pinning) {
            check(!osCpus.contains(victim), "pending items ran on the offline cpu " + victim + ": " + osCpus);
        }
        say("hotplug: cpu %d went offline in %s with %d items pending (moved whole, not one by one);"
                + " they ran in its disassociated pool on %s while it stayed offline",
                victim, ms(offNanos), moved[0], pinning ? "OS cpu(s) " + osCpus : "the online CPUs");
        AtomicInteger redirected = new AtomicInteger(-1);
        Work probe = new Work("tour-probe", () -> redirected.set(CpuRuntime.currentCpu()));
        hw.queueOn(victim, probe);
        probe.flush();
        check(redirected.get() != victim && rt.isOnline(redirected.get()),
                "queueOn(" + victim + ") while offline ran in the pool of cpu " + redirected.get());
        rt.hotplug().online(victim);
        AtomicInteger back = new AtomicInteger(-1);
        AtomicInteger backOs = new AtomicInteger(-1);
        Work again = new Work("tour-probe-2", () -> {
            back.set(CpuRuntime.currentCpu());
            backOs.set(rt.binder().currentCpu());
        });
        hw.queueOn(victim, again);
        again.flush();
        check(back.get() == victim, "after online(" + victim + ") queueOn ran in the pool of cpu " + back.get());
        if (pinning && rt.pinningStatus().pinned().contains(victim)) {
            check(backOs.get() == victim, "after online(" + victim + ") the carrier ran on OS cpu " + backOs.get());
        }
        say("hotplug: queueOn(%d) while it was offline ran in cpu %d's pool; after online(%d) it runs on cpu %d again%s",
                victim, redirected.get(), victim, back.get(), pinning ? " (OS cpu " + backOs.get() + ")" : "");
        hw.destroy();
    }

    /** Closes the runtime; no work function threw during the tour. */
    private void close() {
        rt.close();
        check(workErrors.isEmpty(), "work functions threw: " + workErrors);
        say("close: runtime closed; no work function threw");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void say(String format, Object... args) {
        out.println(String.format(format, args));
    }

    static void check(boolean ok, String whatWentWrong) {
        if (!ok) {
            throw new CheckFailed(whatWentWrong);
        }
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        check(latch.await(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS), what + " did not run within " + STEP_TIMEOUT_SECONDS + " s");
    }

    /** For use inside work functions (which must not throw checked exceptions). */
    private static void awaitUnchecked(CountDownLatch latch) {
        try {
            latch.await(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String ms(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }

    private static String show(CpuSet s) {
        return s.isEmpty() ? "none" : s.toString();
    }

    private static String show(List<Integer> order) {
        StringBuilder sb = new StringBuilder();
        for (int i : order) {
            sb.append(sb.length() == 0 ? "#" : " #").append(i);
        }
        return sb.toString();
    }

    private void closeQuietly() {
        try {
            if (rt != null) {
                rt.close();
            }
        } catch (RuntimeException e) {
            out.println("tour: closing the runtime after the failure threw " + e);
        }
    }

    private void dumpThreads() {
        out.println("threads of the tour and of corewq:");
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            String n = e.getKey().getName();
            if (n.startsWith("kworker") || n.startsWith("tour")) {
                out.println("  \"" + n + "\" " + e.getKey().getState());
                for (StackTraceElement s : e.getValue()) {
                    out.println("      at " + s);
                }
            }
        }
    }
}
