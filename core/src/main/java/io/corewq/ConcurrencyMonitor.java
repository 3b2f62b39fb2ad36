// The runtime's monitor thread: blocked-carrier detection, CPU-hog detection, CPU-time sampling, vacancies, mayday, watchdog.
package io.corewq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM has no scheduler hook that tells a pool its worker went to sleep, so this thread looks.
 * Every period (configurable) it samples each per-CPU pool's carrier:
 * <ul>
 *   <li>in an item and {@code BLOCKED}/{@code WAITING}/{@code TIMED_WAITING} while the pool has
 *       work pending: the slot is revoked and handed to another worker of the pool (a
 *       concurrency-management wake-up);</li>
 *   <li>in the same item for longer than the hog threshold: counted as a CPU hog, reported at a
 *       rate-limited pace, and treated as CPU-intensive from then on (its slot is revoked as soon
 *       as work is pending);</li>
 *   <li>{@code RUNNABLE} in an item: the period is charged to the item's workqueue as CPU time
 *       (sampled accounting, like the kernel's tick-based accounting).</li>
 * </ul>
 * It also fills vacant slots (retrying worker creation after the cool-down, then calling the
 * rescuers), fires a CPU timer left due for a whole period (only the carrier services it, between
 * items), and runs the watchdog. When every carrier is parked and every unbound worker idle
 * it parks too, indefinitely: it costs nothing while the runtime is idle. For unbound pools it
 * also takes over the held retires of a worker seen in the same item for two passes
 * ({@link Worker#revokeHeld}). A carrier that wakes from its park kicks it
 * ({@link #kick()}: one volatile read when the monitor is awake).
 */
final class ConcurrencyMonitor implements Runnable {
    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(ConcurrencyMonitor.class, "sleeping", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Immutable. */
    private final CpuRuntime rt;
    /** Set once before start. */
    Thread thread;
    /** 1 while parked indefinitely; CAS by kickers. */
    private volatile int sleeping;
    /** Monitor thread only. */
    private long lastScan;
    /** For CPU-hog detection by CPU time, not wall time (null when the JVM cannot measure it). */
    private final java.lang.management.ThreadMXBean threads = cpuTimeBean();

    private static java.lang.management.ThreadMXBean cpuTimeBean() {
        try {
            java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
            return t.isThreadCpuTimeSupported() && t.isThreadCpuTimeEnabled() ? t : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** CPU time of {@code w}'s thread, or -1 when unknown. */
    private long cpuTime(Worker w) {
        if (threads == null) {
            return -1;
        }
        try {
            return threads.getThreadCpuTime(w.thread.getId());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    ConcurrencyMonitor(CpuRuntime rt) {
        this.rt = rt;
    }

    /** Something needs the monitor now (a vacant slot): wake it even from a timed park. */
    void wake() {
        sleeping = 0;
        LockSupport.unpark(thread);
    }

    /** A carrier woke from its park: make sure the monitor samples. CONTEXT: any thread. */
    void kick() {
        if (sleeping != 0 && SLEEPING.compareAndSet(this, 1, 0)) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run() {
        io.corewq.observe.jfr.JfrEvents.install(); // the one-time JFR listener cost lands here, not on a work item
        lastScan = System.nanoTime();
        while (!rt.isStopping()) {
            try {
                boolean busy = scan(System.nanoTime());
                if (busy) {
                    LockSupport.parkNanos(this, rt.monitorPeriodNanos);
                    continue;
                }
                sleeping = 1;
                if (anyAwake()) {
                    sleeping = 0;
                    LockSupport.parkNanos(this, rt.monitorPeriodNanos);
                } else {
                    LockSupport.park(this);
                    sleeping = 0;
                }
                lastScan = System.nanoTime();
            } catch (Throwable t) {
                rt.log.error("corewq: concurrency monitor error", t);
            }
        }
    }

    /** Passes without progress, work pending and nobody idle, after which an unbound pool gets a new worker. */
    static final int UNBOUND_STUCK_PERIODS = 5;

    private boolean anyAwake() {
        for (WorkerPool p : rt.boundPools()) {
            if (!p.isSleeping() || p.holder == null && !p.worklist.isEmpty()) {
                return true;
            }
        }
        for (WorkerPool p : rt.unboundPoolList()) {
            // A worker off the idle list may hold retires back in an item (revokeHeld); its first
            // such item after leaving the idle list kicks the monitor. The worker count is read
            // first: a reap between the two reads lowers both, and must not make busy look idle.
            int workers = p.workerCount();
            if (!p.worklist.isEmpty() || p.idleCount() < workers) {
                return true;
            }
        }
        return false;
    }

    /** One sampling pass. Returns whether any pool is busy (so sampling must go on). */
    private boolean scan(long now) {
        long elapsed = now - lastScan;
        lastScan = now;
        boolean busy = false;
        for (WorkerPool p : rt.boundPools()) {
            // Work waits on the worklist, a due timer, or inactive entries behind the slots of the
            // carrier's batched retires (only a hand-off flushes those while the carrier is in an item).
            boolean pending = !p.worklist.isEmpty() || p.timer != null && p.timer.isDue(now) || p.batchHoldsBackWork();
            // Only the carrier services its CPU's timer, between items (every 64 while it streams)
            // and when idle: behind a stream of items of a few ms, or one long item, a due item
            // was hundreds of ms late, even one aimed at an idle pool (found by review,
            // 2026-11-22). A timer left due for a whole period is fired here, as the kernel's
            // timers fire whatever its workers do.
            CpuTimer t = p.timer;
            if (t != null && t.isDue(now - rt.monitorPeriodNanos)) {
                t.runExpired(now);
            }
            Worker h = p.holder;
            if (h == null) {
                if (pending) {
                    busy = true;
                    p.fillVacancy(now);
                }
                watchdog(p, pending, carrierToken(null), now);
                continue;
            }
            if (!p.isSleeping()) {
                busy = true;
            }
            if (h.phase == Worker.IN_ITEM) {
                sampleCarrier(p, h, pending, now, elapsed);
            }
            watchdog(p, pending, carrierToken(h), now);
        }
        for (WorkerPool p : rt.unboundPoolList()) {
            boolean pending = !p.worklist.isEmpty();
            long progress = p.progressSum();
            if (pending) {
                busy = true;
                // Stuck: work waits, no worker is idle or spinning, and none finished an item for
                // UNBOUND_STUCK_PERIODS passes (every worker blocked in an item): add one. A pool
                // that makes progress gets its spares from ensureSpare, not from here; a shorter
                // stall is what an oversubscribed machine's scheduler does to any thread.
                if (progress != p.monProgress) {
                    p.monProgress = progress;
                    p.monStuckPasses = 0;
                    p.monStuckSince = 0;
                } else if (p.idleCount() == 0 && p.spinningCount() == 0) {
                    if (++p.monStuckPasses >= UNBOUND_STUCK_PERIODS) {
                        p.monStuckPasses = 0;
                        p.maybeCreateWorker();
                    }
                    // Still stuck a mayday delay later (no worker could be made, or the limit is
                    // reached): MEM_RECLAIM workqueues with work here call their rescuers, as a
                    // per-CPU pool's fillVacancy does. (Unbound pools were never rescued before;
                    // found by review, 2026-11-22.)
                    if (p.monStuckSince == 0) {
                        p.monStuckSince = now;
                    } else if (now - p.monStuckSince >= rt.maydayDelayNanos) {
                        rt.mayday(p);
                    }
                }
            } else {
                p.monProgress = progress;
                p.monStuckPasses = 0;
                p.monStuckSince = 0;
            }
            watchdog(p, pending, progress, now);
            p.revokeHeldRetires();
        }
        return busy;
    }

    private void sampleCarrier(WorkerPool p, Worker h, boolean pending, long now, long elapsed) {
        int seq = (int) Worker.ITEM_SEQ.getOpaque(h);
        PoolWorkqueue cp = h.currentPwq;
        if (seq != h.monSeq) {
            h.monSeq = seq;
            h.monSince = now;
            h.monCpuAtStart = cpuTime(h);
            h.monHog = false;
        } else if (!h.monHog && now - h.monSince >= rt.hogNanos && isHogging(h)) {
            h.monHog = true;
            if (cp != null) {
                cp.wq.count(Worker.Counter.CPU_HOG);
                rt.reportHog(cp.wq, h);
                Work cur = h.current;
                io.corewq.observe.jfr.JfrEvents.cpuHog(cp.wq.name(), cur == null ? "?" : cur.name(), p.cpu);
            }
        }
        Thread.State s = h.thread.getState();
        if (s == Thread.State.RUNNABLE && cp != null) {
            cp.wq.cpuTimeNanos.add(elapsed);
        }
        // Blocked means seen blocked in two samples in a row within the same item: a brief lock
        // handover or class-loading wait must not let a second CPU-bound item start beside it.
        // A hog is judged on CPU time (isHogging), so an item the OS merely descheduled is none.
        boolean blockedNow = s == Thread.State.BLOCKED || s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
        // A disassociated pool is not concurrency-managed: any item that holds the slot for a whole
        // period while work waits gives it up.
        boolean blocked = blockedNow && h.monBlockedSeq == seq || p.disassociated && h.monSince != now;
        h.monBlockedSeq = blockedNow ? seq : -1;
        if ((blocked || h.monHog) && pending && Worker.PHASE.compareAndSet(h, Worker.IN_ITEM, Worker.REVOKED)) {
            if (cp != null) {
                cp.wq.count(Worker.Counter.CM_WAKEUP);
            }
            p.handOff();
        }
    }

    /**
     * Whether the item has used the hog threshold in CPU time (as the kernel counts it), not just
     * wall time: an item descheduled by the OS, or waiting, is not a hog.
     */
    private boolean isHogging(Worker h) {
        if (h.monCpuAtStart < 0) {
            return true; // no thread CPU clock here: fall back to wall time
        }
        long cpu = cpuTime(h);
        return cpu < 0 || cpu - h.monCpuAtStart >= rt.hogNanos;
    }

    // ---- watchdog --------------------------------------------------------------------------

    /** Per-pool watchdog state, monitor thread only. */
    static final class Watch {
        long token = Long.MIN_VALUE;
        long since;
        boolean reported;
    }

    /**
     * {@code token}: the pool's progress, which changes whenever an item finishes
     * ({@link #carrierToken} for a per-CPU pool, {@link WorkerPool#progressSum()} for an unbound one).
     */
    private void watchdog(WorkerPool p, boolean pending, long token, long now) {
        long threshold = rt.watchdogNanos;
        if (threshold <= 0) {
            return;
        }
        Watch w = p.watch;
        if (!pending || token != w.token) {
            w.token = token;
            w.since = now;
            w.reported = false;
            return;
        }
        if (!w.reported && now - w.since >= threshold) {
            w.reported = true;
            rt.reportStall(p, (now - w.since) / 1_000_000_000L);
        }
    }

    /** A per-CPU pool's progress: its carrier and the carrier's item sequence (-1 while vacant). */
    private static long carrierToken(Worker h) {
        return h == null ? -1 : ((long) System.identityHashCode(h) << 32) | ((int) Worker.ITEM_SEQ.getOpaque(h) & 0xFFFF_FFFFL);
    }
}
