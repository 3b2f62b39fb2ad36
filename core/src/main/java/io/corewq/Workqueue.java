// A named workqueue with flags and max_active (the kernel's workqueue_struct): queue, delayed queue, flush, drain, destroy.
package io.corewq;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * What users queue work onto. A per-CPU workqueue has one pool_workqueue per possible CPU, linked
 * to that CPU's normal or high-priority pool; an unbound one has a pool_workqueue on an unbound
 * pool shared by every unbound workqueue of equal attributes. An ordered workqueue is unbound with
 * a single pool_workqueue and max_active 1: one item at a time, in queueing order.
 *
 * <p>Thread-safe. Obtain one from {@link CpuRuntime#allocWorkqueue} or
 * {@link CpuRuntime#allocOrderedWorkqueue}.
 */
public final class Workqueue implements AutoCloseable {
    /** The largest max_active, as the kernel's WQ_MAX_ACTIVE. */
    public static final int MAX_ACTIVE = 2048;
    /** The max_active used when 0 is given, as the kernel's WQ_DFL_ACTIVE. */
    public static final int DEFAULT_ACTIVE = MAX_ACTIVE / 2;

    private static final int LIVE = 0;
    private static final int DRAINING = 1;
    private static final int DESTROYED = 2;

    /** Immutable. */
    final CpuRuntime rt;
    /** Immutable. */
    private final String name;
    /** Immutable. */
    private final Set<WqFlag> flags;
    /** Immutable. */
    final boolean ordered;
    /** Immutable. */
    final boolean unbound;
    /** Immutable. */
    final boolean freezable;
    /** Immutable: items do not hold their CPU's run slot. */
    final boolean cpuIntensive;
    /** Immutable: the rescuer of a MEM_RECLAIM workqueue, else null. */
    final Worker rescuer;
    /** Under this object's monitor. */
    private volatile int maxActive;
    /** Under this object's monitor: whether the runtime froze this workqueue. */
    private boolean frozen;

    /** Immutable: per-CPU pwqs indexed by CPU id (null for CPUs outside the runtime), or null. */
    final PoolWorkqueue[] percpu;
    /** Unbound: the current pod layout, replaced whole by {@link #applyAttrs} (under this object's monitor). */
    private volatile PodSet pods;
    /** Unbound: the current attributes. */
    private volatile WqAttrs attrs;
    /**
     * Every pwq: retired ones still draining, oldest first, then the current ones (an ordered
     * workqueue runs only {@code all[0]}). Replaced whole under this object's monitor.
     */
    volatile PoolWorkqueue[] all;

    /** An unbound workqueue's pwqs: one per pod, and the pod pwq of each CPU. Immutable. */
    static final class PodSet {
        final PoolWorkqueue[] pods;
        final PoolWorkqueue[] byCpu;
        /** The only pod's pwq (every CPU's), or null when there are several. */
        final PoolWorkqueue single;

        PodSet(PoolWorkqueue[] pods, PoolWorkqueue[] byCpu) {
            this.pods = pods;
            this.byCpu = byCpu;
            this.single = pods.length == 1 ? pods[0] : null;
        }
    }

    /** Under flushLock: the thread waiting in flush/drain/freeze, woken by retire. */
    volatile Thread flusher;
    /** CAS: {@link #flusher}'s field, for a freeze that waits beside a flush (see {@link #awaitQuiescent}). */
    private static final java.lang.invoke.VarHandle FLUSHER;

    static {
        try {
            FLUSHER = java.lang.invoke.MethodHandles.lookup().findVarHandle(Workqueue.class, "flusher", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object flushLock = new Object();
    /** Held for the whole of {@link #destroy()}: a second destroy waits for the first to finish. */
    private final Object destroyLock = new Object();
    /** LIVE, DRAINING or DESTROYED; changed under flushLock. */
    private volatile int life = LIVE;
    private int drainDepth;

    /** Counters (queryable through {@link #stats()}). */
    final LongAdder completed = new LongAdder();
    final LongAdder exceptions = new LongAdder();
    final LongAdder cmWakeups = new LongAdder();
    final LongAdder cpuHogs = new LongAdder();
    final LongAdder maydays = new LongAdder();
    final LongAdder rescued = new LongAdder();
    final LongAdder cpuTimeNanos = new LongAdder();
    /** Any thread: armed delayed items targeting this workqueue. */
    private final AtomicLong armed = new AtomicLong();

    Workqueue(CpuRuntime rt, String name, Set<WqFlag> flags, int maxActive, boolean ordered, WqAttrs attrs) {
        this.rt = rt;
        this.name = name;
        EnumSet<WqFlag> f = flags.isEmpty() ? EnumSet.noneOf(WqFlag.class) : EnumSet.copyOf(flags);
        if (ordered) {
            f.add(WqFlag.UNBOUND);
        }
        this.flags = Collections.unmodifiableSet(f);
        this.ordered = ordered;
        this.unbound = f.contains(WqFlag.UNBOUND);
        this.freezable = f.contains(WqFlag.FREEZABLE);
        this.cpuIntensive = f.contains(WqFlag.CPU_INTENSIVE);
        this.maxActive = maxActive;
        boolean highpri = f.contains(WqFlag.HIGHPRI);
        if (unbound) {
            percpu = null;
            WqAttrs a = attrs == null ? WqAttrs.defaults() : attrs;
            if (highpri) {
                a = a.highpri(true);
            }
            this.attrs = a;
            this.pods = rt.buildPods(this, a, maxActive);
            all = pods.pods.clone();
        } else {
            if (attrs != null) {
                throw new IllegalArgumentException("workqueue " + name + " is per-CPU: attributes " + attrs + " apply to UNBOUND workqueues only");
            }
            percpu = new PoolWorkqueue[rt.cpus().last() + 1];
            all = new PoolWorkqueue[rt.cpus().size()];
            int i = 0;
            for (int cpu : rt.cpus()) {
                percpu[cpu] = new PoolWorkqueue(this, rt.cpu(cpu).pool(highpri), maxActive);
                all[i++] = percpu[cpu];
            }
        }
        Worker r = null;
        if (f.contains(WqFlag.MEM_RECLAIM)) {
            try {
                r = rt.createRescuer(this);
            } catch (RuntimeException | Error e) {
                // Nobody will destroy a workqueue that was never made: give back the unbound pools
                // taken above (they kept their workers until close; found by review, 2026-11-22).
                releaseUnboundPools();
                throw e;
            }
        }
        this.rescuer = r;
    }

    public String name() {
        return name;
    }

    /**
     * A drop-in {@link java.util.concurrent.ExecutorService} over this workqueue (see
     * {@link io.corewq.exec.WorkqueueExecutors}): tasks keep this workqueue's max_active, ordering
     * and hotplug guarantees.
     */
    public io.corewq.exec.WorkqueueExecutorService asExecutorService() {
        return io.corewq.exec.WorkqueueExecutors.newExecutorService(this);
    }

    /** A drop-in {@link java.util.concurrent.ScheduledExecutorService} over this workqueue. */
    public io.corewq.exec.WorkqueueScheduledExecutorService asScheduledExecutorService() {
        return io.corewq.exec.WorkqueueExecutors.newScheduledExecutorService(this);
    }

    /** The runtime this workqueue belongs to. */
    public CpuRuntime runtime() {
        return rt;
    }

    public Set<WqFlag> flags() {
        return flags;
    }

    public boolean isOrdered() {
        return ordered;
    }

    public int maxActive() {
        return maxActive;
    }

    public boolean isDestroyed() {
        return life == DESTROYED;
    }

    @Override
    public String toString() {
        return "Workqueue[" + name + "]";
    }

    // ---- queueing ------------------------------------------------------------------------------

    /**
     * Queues {@code w}: on a per-CPU workqueue, on the caller's CPU when the caller is a corewq
     * worker, else on a CPU the runtime chooses (each thread sticks to one); on an unbound one, in
     * its pool.
     *
     * @return {@code true} if this call queued it; {@code false} if it was already pending or is
     *     disabled
     * @throws NullPointerException if {@code w} is null
     * @throws IllegalStateException if the workqueue is destroyed, or draining and the caller is not
     *     work of this workqueue
     */
    public boolean queue(Work w) {
        checkWork(w);
        checkLive();
        long claim = w.tryClaim(0, true);
        if (claim == -1L) {
            return false;
        }
        insertClaimed(w, claim, localPwq());
        return true;
    }

    /**
     * The pwq {@code queue()} puts the caller's item on: the local CPU's. An unbound workqueue with
     * a single pod (an ordered one always) has the same pwq for every CPU, so it skips the lookup
     * of the caller's CPU (two thread-local reads for a thread that is not a worker).
     */
    private PoolWorkqueue localPwq() {
        if (unbound) {
            PoolWorkqueue only = pods.single;
            if (only != null) {
                return only;
            }
        }
        return pwqFor(rt.localCpu());
    }

    /**
     * Queues {@code w} on CPU {@code cpu}'s pool: while {@code cpu} is online the function runs on
     * a thread of that CPU (pinned to it when a pinning binder is in use).
     *
     * @return as {@link #queue(Work)}
     * @throws IllegalArgumentException if {@code cpu} is not one of the runtime's CPUs
     */
    public boolean queueOn(int cpu, Work w) {
        checkWork(w);
        rt.checkCpu(cpu);
        checkLive();
        long claim = w.tryClaim(0, true);
        if (claim == -1L) {
            return false;
        }
        insertClaimed(w, claim, pwqFor(rt.placementCpu(cpu)));
        return true;
    }

    /** Queues {@code dw} after {@code delay} (0 queues at once). */
    public boolean queueDelayed(DelayedWork dw, Duration delay) {
        return queueDelayedImpl(-1, dw, toNanos(delay));
    }

    /** Queues {@code dw} after {@code delay} {@code unit}s (0 queues at once). */
    public boolean queueDelayed(DelayedWork dw, long delay, TimeUnit unit) {
        return queueDelayedImpl(-1, dw, toNanos(delay, unit));
    }

    /** Queues {@code dw} on {@code cpu} after {@code delay}; the timer is armed on that CPU. */
    public boolean queueDelayedOn(int cpu, DelayedWork dw, Duration delay) {
        rt.checkCpu(cpu);
        return queueDelayedImpl(cpu, dw, toNanos(delay));
    }

    /** Queues {@code dw} on {@code cpu} after {@code delay} {@code unit}s. */
    public boolean queueDelayedOn(int cpu, DelayedWork dw, long delay, TimeUnit unit) {
        rt.checkCpu(cpu);
        return queueDelayedImpl(cpu, dw, toNanos(delay, unit));
    }

    private boolean queueDelayedImpl(int cpu, DelayedWork dw, long nanos) {
        checkWork(dw);
        checkLive();
        if (nanos == 0) {
            return cpu < 0 ? queue(dw) : queueOn(cpu, dw);
        }
        int timerCpu = cpu < 0 ? rt.localCpu() : rt.placementCpu(cpu);
        return rt.cpu(timerCpu).timer.arm(dw, this, cpu, CpuTimer.deadlineAfter(nanos)); // throws if destroyed meanwhile
    }

    /**
     * Re-arms {@code dw} to expire after {@code delay} whether or not it is pending (the kernel's
     * mod_delayed_work). A queued instance is taken back and re-armed.
     *
     * @return {@code true} if it was pending (and is re-armed), {@code false} if it was idle (and is
     *     now armed, unless disabled)
     */
    public boolean modDelayed(DelayedWork dw, Duration delay) {
        return modDelayedImpl(-1, dw, toNanos(delay));
    }

    /** As {@link #modDelayed(DelayedWork, Duration)} with a unit. */
    public boolean modDelayed(DelayedWork dw, long delay, TimeUnit unit) {
        return modDelayedImpl(-1, dw, toNanos(delay, unit));
    }

    /** As {@link #modDelayed(DelayedWork, Duration)}, on {@code cpu}. */
    public boolean modDelayedOn(int cpu, DelayedWork dw, Duration delay) {
        rt.checkCpu(cpu);
        return modDelayedImpl(cpu, dw, toNanos(delay));
    }

    private boolean modDelayedImpl(int cpu, DelayedWork dw, long nanos) {
        checkWork(dw);
        checkLive();
        for (;;) {
            long owned = dw.grabPending();
            if (owned == -1L) {
                if (queueDelayedImpl(cpu, dw, nanos) || dw.isDisabled()) {
                    return false;
                }
                continue; // somebody queued it meanwhile: take theirs
            }
            if (nanos == 0) {
                int c = cpu < 0 ? rt.localCpu() : rt.placementCpu(cpu);
                insert(dw, Work.seqOf(owned), pwqFor(c));
            } else {
                int timerCpu = cpu < 0 ? rt.localCpu() : rt.placementCpu(cpu);
                rt.cpu(timerCpu).timer.armOwned(dw, owned, this, cpu, CpuTimer.deadlineAfter(nanos)); // throws if destroyed meanwhile
            }
            return true; // if a concurrent cancel took PENDING meanwhile, it wins
        }
    }

    private static long toNanos(Duration d) {
        if (d == null) {
            throw new NullPointerException("delay is null");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative delay " + d);
        }
        return CpuRuntime.cappedNanos(d); // as the TimeUnit variant, which saturates: the timer caps long delays anyway
    }

    private static long toNanos(long delay, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit is null");
        if (delay < 0) {
            throw new IllegalArgumentException("negative delay " + delay + " " + unit);
        }
        return unit.toNanos(delay);
    }

    /** Queues the instance the caller owns PENDING for. */
    final void insert(Work w, int seq, PoolWorkqueue pwq) {
        insertClaimed(w, seq & 0xFFFF_FFFFL, pwq);
    }

    /** As {@link #insert(Work, int, PoolWorkqueue)}, for a {@link Work#tryClaim} result (sequence, and whether it took the own entry). */
    private void insertClaimed(Work w, long claim, PoolWorkqueue pwq) {
        Node n = w.freeEntry((claim & Work.OWN_ENTRY) != 0);
        n.seq = (int) claim;
        w.liveEntry = n;
        for (;;) {
            n.pwq = pwq;
            boolean queued;
            try {
                queued = pwq.enqueue(n);
            } catch (IllegalStateException tooMany) {
                // the in-flight count of the pwq is full (it took no ticket): give the claim back, so
                // the refused item is free rather than pending for ever (found by review)
                w.abandonClaim(n, (int) claim);
                throw tooMany;
            }
            if (queued) {
                return;
            }
            if (life == DESTROYED) {
                // destroy() ran to the end between the caller's liveness check and its claim: the
                // pwqs are dead for good, so give the claim back rather than retry for ever
                w.abandonClaim(n, (int) claim);
                throw new IllegalStateException("workqueue " + name + " is destroyed");
            }
            pwq = localPwq(); // it retired meanwhile (applyAttrs): a current pod
        }
    }

    /** A timer expired: queue the instance (allowed while draining: it was queued before). */
    final void insertFired(DelayedWork dw, int seq, int targetCpu, int firingCpu) {
        int c = targetCpu >= 0 ? rt.placementCpu(targetCpu) : rt.placementCpu(firingCpu);
        try {
            insert(dw, seq, pwqFor(c));
        } catch (IllegalStateException e) {
            // armed by a call that raced with destroy(), or too many in flight; the item is not pending any more
            rt.log.error("corewq: {} fired but could not be queued ({}); it does not run", dw, e.getMessage());
        }
    }

    final PoolWorkqueue pwqFor(int cpu) {
        return unbound ? pods.byCpu[cpu] : percpu[cpu];
    }

    /** The attributes of an unbound workqueue (null for a per-CPU one). */
    public WqAttrs attrs() {
        return attrs;
    }

    /**
     * Applies new attributes to a live unbound workqueue (the kernel's apply_workqueue_attrs): new
     * items go to the pools of the new pods at once; items already queued finish in the old pools,
     * which retire when their work is done (and stop when no workqueue uses them). An ordered
     * workqueue keeps its order: its new pool_workqueue starts only once the old one is empty.
     *
     * @throws IllegalStateException for a per-CPU or destroyed workqueue
     * @throws IllegalArgumentException when the cpumask has none of the runtime's CPUs
     */
    public void applyAttrs(WqAttrs a) {
        Objects.requireNonNull(a, "attrs is null");
        if (!unbound) {
            throw new IllegalStateException("workqueue " + name + " is per-CPU: it has no unbound attributes to apply");
        }
        synchronized (this) {
            if (life == DESTROYED) {
                throw new IllegalStateException("workqueue " + name + " is destroyed");
            }
            PodSet old = pods;
            PodSet fresh = rt.buildPods(this, a, ordered ? 0 : frozen ? 0 : maxActive);
            java.util.List<PoolWorkqueue> next = new java.util.ArrayList<>(); // oldest first (see all)
            for (PoolWorkqueue p : all) {
                if (!p.dead) {
                    p.retired |= !java.util.Arrays.asList(fresh.pods).contains(p);
                    if (p.retired) {
                        next.add(p);
                    }
                }
            }
            next.addAll(java.util.Arrays.asList(fresh.pods));
            all = next.toArray(new PoolWorkqueue[0]);
            pods = fresh;
            attrs = a;
            for (PoolWorkqueue p : old.pods) {
                reapRetired(p);
            }
            if (ordered) {
                unplugOldest();
            }
        }
    }

    /** A retired pwq that is empty dies: out of {@link #all}, its pool released. */
    synchronized void reapRetired(PoolWorkqueue p) {
        if (!p.retired || p.dead) {
            return;
        }
        p.dead = true; // then re-check: an enqueue that took a ticket first is seen, a later one sees dead
        if (p.inFlightTotal() != 0) {
            p.dead = false;
            return;
        }
        java.util.List<PoolWorkqueue> next = new java.util.ArrayList<>(java.util.Arrays.asList(all));
        next.remove(p);
        all = next.toArray(new PoolWorkqueue[0]);
        rt.releaseUnboundPool(p.pool);
        if (ordered) {
            unplugOldest();
        }
    }

    /**
     * Ordered: lets the oldest pool_workqueue ({@code all[0]}) run, one item at a time, in order;
     * the younger ones wait with limit 0 until it has emptied and died, however many
     * {@link #applyAttrs} calls come before that (the kernel's unplug_oldest_pwq). CONTEXT: this
     * workqueue's monitor.
     */
    private void unplugOldest() {
        all[0].setLimit(frozen ? 0 : maxActive); // never empty: the current pwq stays until destroy
    }

    private static void checkWork(Work w) {
        if (w == null) {
            throw new NullPointerException("work item is null");
        }
    }

    private void checkLive() {
        if (life != LIVE) {
            checkLiveSlow();
        }
    }

    private void checkLiveSlow() {
        int l = life;
        if (l == DESTROYED) {
            throw new IllegalStateException("workqueue " + name + " is destroyed");
        }
        if (l == DRAINING && !isChained()) {
            throw new IllegalStateException("workqueue " + name + " is draining: only its own work may queue onto it");
        }
    }

    /** Whether the caller is running an item of this workqueue (chained queueing). */
    private boolean isChained() {
        Worker me = Worker.current(rt);
        return me != null && me.currentPwq != null && me.currentPwq.wq == this;
    }

    void armedDelta(int d) {
        if (armed.addAndGet(d) == 0 && flusher != null) {
            wakeFlusher();
        }
    }

    void wakeFlusher() {
        Thread f = flusher;
        if (f != null) {
            LockSupport.unpark(f);
        }
    }

    // ---- flush, drain, destroy -----------------------------------------------------------------

    /**
     * Waits until every item queued before this call has finished. Items queued after it (even
     * continuously, by other threads) do not delay it.
     *
     * @throws IllegalStateException when called from an item of this workqueue (it would wait for itself)
     */
    public void flush() {
        checkNotFromOwnWork("flush");
        FlushDependency.checkWorkqueue(this, "flush");
        synchronized (flushLock) {
            flushLocked();
        }
    }

    private void flushLocked() {
        flusher = Thread.currentThread();
        try {
            PoolWorkqueue[] pwqs = all; // one snapshot: applyAttrs may replace the array meanwhile
            int[] colors = new int[pwqs.length];
            for (int i = 0; i < pwqs.length; i++) {
                colors[i] = pwqs[i].flipColor();
            }
            for (int i = 0; i < pwqs.length; i++) {
                PoolWorkqueue p = pwqs[i];
                int color = colors[i];
                parkWhile(() -> p.inFlight(color) != 0);
            }
        } finally {
            flusher = null;
        }
    }

    /**
     * Parks until {@code busy} turns false; retirers wake {@link #flusher}. Uninterruptible, as the
     * kernel's flushes, but keeps the interrupt status. CONTEXT: flush lock held, flusher set.
     */
    private void parkWhile(java.util.function.BooleanSupplier busy) {
        parkWhile(busy, 0L);
    }

    /**
     * As {@link #parkWhile(java.util.function.BooleanSupplier)}, looking again at least every
     * {@code pollNanos} when positive: for a freeze, which holds no lock and may not hold the
     * flusher slot.
     */
    private void parkWhile(java.util.function.BooleanSupplier busy, long pollNanos) {
        boolean interrupted = false;
        while (busy.getAsBoolean()) {
            if (pollNanos > 0) {
                LockSupport.parkNanos(this, pollNanos);
            } else {
                LockSupport.park(this);
            }
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the workqueue is empty: queued items, items armed on timers, and whatever they
     * queue onto it (chained queueing); queueing from anywhere else fails meanwhile.
     */
    public void drain() {
        checkNotFromOwnWork("drain");
        FlushDependency.checkWorkqueue(this, "drain");
        synchronized (flushLock) {
            if (life == DESTROYED) {
                return;
            }
            life = DRAINING;
            drainDepth++;
            try {
                drainLocked();
            } finally {
                if (--drainDepth == 0 && life == DRAINING) {
                    life = LIVE;
                }
            }
        }
    }

    /** Flushes until nothing is queued, running or armed. CONTEXT: flush lock held, life DRAINING or DESTROYED. */
    private void drainLocked() {
        for (;;) {
            flushLocked();
            if (isIdle()) {
                return;
            }
            if (armed.get() > 0) {
                awaitTimersLocked();
            }
        }
    }

    private void awaitTimersLocked() {
        flusher = Thread.currentThread();
        try {
            parkWhile(() -> armed.get() > 0 && isQueuedEmpty());
        } finally {
            flusher = null;
        }
    }

    private boolean isQueuedEmpty() {
        for (PoolWorkqueue p : all) {
            if (p.inFlightTotal() != 0) {
                return false;
            }
        }
        return true;
    }

    /** Nothing queued, running or armed. */
    boolean isIdle() {
        return armed.get() == 0 && isQueuedEmpty();
    }

    /**
     * Drains, then releases the workqueue: later queue calls throw {@link IllegalStateException}.
     * A queue call that races with it either fails (the item is left free) or returns true, and
     * then the item has run when this returns. A second, concurrent call waits for the first and
     * returns after it.
     */
    public void destroy() {
        checkNotFromOwnWork("destroy");
        synchronized (destroyLock) { // a concurrent destroy returns only once this one is done
            if (life == DESTROYED) {
                return;
            }
            FlushDependency.checkWorkqueue(this, "destroy");
            synchronized (flushLock) {
                // One hold from DRAINING to DESTROYED: life never goes back to LIVE in between, where
                // a queue would pass its liveness check after the drain and be lost (found by review).
                life = DRAINING;
                drainDepth++;
                try {
                    drainLocked();
                    life = DESTROYED;
                    // A queue that passed its liveness check before DESTROYED may still take a ticket:
                    // each pwq dies only with nothing in flight, else it is drained again.
                    while (!killPwqs()) {
                        drainLocked();
                    }
                } finally {
                    if (--drainDepth == 0 && life == DRAINING) {
                        life = LIVE; // the drain threw: still usable
                    }
                }
            }
            rt.unregister(this);
            if (rescuer != null) {
                rt.stopRescuer(rescuer);
            }
            releaseUnboundPools(); // all dead, and all no longer changes (applyAttrs refuses, reaping skips dead ones)
        }
    }

    /** Gives back the unbound pools of every pwq, each marked dead. CONTEXT: the end of this workqueue (destroy, or a failed construction). */
    private void releaseUnboundPools() {
        if (unbound) {
            for (PoolWorkqueue p : all) {
                p.dead = true;
                rt.releaseUnboundPool(p.pool);
            }
        }
    }

    /**
     * Marks every pwq dead for good, or returns false when one has work in flight (or an item is
     * armed): the caller drains again. A producer takes its ticket and then reads {@code dead}; this
     * sets {@code dead} and then re-reads the counts (the Dekker pair of {@link #reapRetired}). So a
     * producer either sees {@code dead}, finds the workqueue DESTROYED and gives its claim back, or
     * its ticket is seen here and its item runs before destroy returns. Dead pwqs stay dead: their
     * late producers fail the same way. CONTEXT: flush lock held, life DESTROYED.
     */
    private boolean killPwqs() {
        if (!isIdle()) {
            return false;
        }
        synchronized (this) {
            for (PoolWorkqueue p : all) {
                if (p.dead) {
                    continue;
                }
                p.dead = true;
                if (p.inFlightTotal() != 0) {
                    p.dead = false;
                    return false;
                }
            }
            return true;
        }
    }

    /** Disarms every delayed item armed for this workqueue; returns how many. CONTEXT: runtime close. */
    int cancelArmed() {
        int n = 0;
        for (int c : rt.cpus()) {
            n += rt.cpu(c).timer.cancelAllFor(this);
        }
        return n;
    }

    /** Same as {@link #destroy()}. */
    @Override
    public void close() {
        destroy();
    }

    private void checkNotFromOwnWork(String op) {
        if (isChained()) {
            throw new IllegalStateException(op + "() of workqueue " + name + " from its own work item "
                    + Worker.current(rt).current + " would wait for itself");
        }
    }

    // ---- max_active, freezing ------------------------------------------------------------------

    /**
     * Sets max_active: how many items of one pool_workqueue may execute at once.
     *
     * @throws IllegalArgumentException if {@code n} is outside 1..{@link #MAX_ACTIVE}
     * @throws IllegalStateException for an ordered workqueue (its max_active is 1 by definition)
     */
    public void setMaxActive(int n) {
        if (n < 1 || n > MAX_ACTIVE) {
            throw new IllegalArgumentException("max_active " + n + " out of range 1.." + MAX_ACTIVE + " for workqueue " + name);
        }
        if (ordered) {
            throw new IllegalStateException("max_active of ordered workqueue " + name + " cannot change");
        }
        synchronized (this) {
            maxActive = n;
            if (!frozen) {
                for (PoolWorkqueue p : all) {
                    p.setLimit(n);
                }
            }
        }
    }

    /**
     * Plugs the workqueue: no item starts until {@link #thaw} (the kernel's freeze_workqueues_begin
     * setting max_active to 0). Waits for nothing. CONTEXT: the runtime's freeze lock.
     */
    synchronized void plug() {
        if (frozen) {
            return;
        }
        frozen = true;
        for (PoolWorkqueue p : all) {
            p.setLimit(0);
        }
    }

    /**
     * Waits until no item of this workqueue is active (a plugged workqueue stays so), or until
     * {@code giveUp} says the freeze ended; returns false in that case (items were active at the
     * last look). CONTEXT: runtime freeze, no lock held (a thaw must be able to run meanwhile).
     */
    boolean awaitQuiescent(java.util.function.BooleanSupplier giveUp) {
        // Not under the flush lock: a flush may hold it for as long as the freeze lasts (it waits
        // for items that cannot start while frozen), and the thaw that would end it must be able
        // to run. Retirers wake the flusher slot; a flush (or another freeze) may hold that slot,
        // and a thaw or a timeout wakes nobody, so the wait also polls.
        Thread me = Thread.currentThread();
        boolean registered = FLUSHER.compareAndSet(this, null, me);
        boolean[] seenBusy = new boolean[1];
        boolean[] gaveUp = new boolean[1];
        try {
            parkWhile(() -> {
                // Once items were seen active, the end of the freeze wins over their finishing:
                // a thaw lets them finish, and the freeze should still name this workqueue.
                if (seenBusy[0] && giveUp.getAsBoolean()) {
                    gaveUp[0] = true;
                    return false;
                }
                if (!hasActive()) {
                    return false;
                }
                seenBusy[0] = true;
                gaveUp[0] = giveUp.getAsBoolean();
                return !gaveUp[0];
            }, FREEZE_POLL_NANOS);
        } finally {
            if (registered) {
                FLUSHER.compareAndSet(this, me, null);
            }
        }
        return !gaveUp[0];
    }

    /** Whether an item of this workqueue is active (on a worklist or running). Reads {@link #all} afresh. */
    boolean hasActive() {
        for (PoolWorkqueue p : all) {
            if (p.activeCount() > 0) {
                return true;
            }
        }
        return false;
    }

    /** The longest a freeze sleeps between two looks at the active counts (and at thaw or timeout). */
    private static final long FREEZE_POLL_NANOS = 200_000;

    /** CONTEXT: runtime thaw. */
    synchronized void thaw() {
        if (!frozen) {
            return;
        }
        frozen = false;
        if (ordered) {
            unplugOldest(); // the younger pool_workqueues stay plugged behind it
            return;
        }
        for (PoolWorkqueue p : all) {
            p.setLimit(maxActive);
        }
    }

    // ---- statistics ----------------------------------------------------------------------------

    void count(Worker.Counter c) {
        switch (c) {
            case CM_WAKEUP:
                cmWakeups.increment();
                break;
            case CPU_HOG:
                cpuHogs.increment();
                break;
            case MAYDAY:
                maydays.increment();
                break;
            default:
                rescued.increment();
                break;
        }
    }

    /** Items of this workqueue whose function is running now (racy snapshot). */
    private long runningNow() {
        long n = 0;
        for (PoolWorkqueue p : all) {
            for (Worker w : p.pool.workersSnapshot()) {
                if (w.currentPwq == p) {
                    n++;
                }
            }
        }
        return n;
    }

    /** In-flight instances of this workqueue on {@code pool}. */
    long inFlightOn(WorkerPool pool) {
        long n = 0;
        for (PoolWorkqueue p : all) {
            if (p.pool == pool) {
                n += p.inFlightTotal();
            }
        }
        return n;
    }

    /** A snapshot of this workqueue's counters. */
    public Stats stats() {
        long inFlight = 0;
        for (PoolWorkqueue p : all) {
            inFlight += p.inFlightTotal();
        }
        long done = completed.sum();
        return new Stats(done + runningNow(), done, exceptions.sum(), inFlight, armed.get(),
                cpuTimeNanos.sum(), cpuHogs.sum(), cmWakeups.sum(), maydays.sum(), rescued.sum());
    }

    /**
     * Counters of a workqueue, in wq_monitor's terms. A busy CPU's carrier accounts its finished
     * items in batches (of at most 32, flushed before anyone waits on them: a flush, a cancel, an
     * idle carrier), so while it runs a stream of items {@code completed} and {@code inFlight} may
     * trail the items that have actually finished by that much.
     *
     * @param started items whose function began running
     * @param completed items whose function returned or threw ("total")
     * @param exceptions functions that threw
     * @param inFlight queued (active or inactive) or running instances ("infl")
     * @param armed delayed items armed on timers
     * @param cpuTimeNanos CPU time of its items, sampled by the monitor ("CPUtime")
     * @param cpuHogs items that ran longer than the hog threshold ("CPUhog")
     * @param cmWakeups concurrency-management wake-ups: another worker took the CPU because one
     *     of its items blocked ("CMW")
     * @param mayday calls for the rescuer ("mayday")
     * @param rescued items run by the rescuer ("rescued")
     */
    public record Stats(long started, long completed, long exceptions, long inFlight, long armed,
            long cpuTimeNanos, long cpuHogs, long cmWakeups, long mayday, long rescued) {
    }
}
