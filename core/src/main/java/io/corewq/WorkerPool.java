// A pool of worker threads fed by one lock-free worklist: a per-CPU pool (carrier, run slot) or an unbound pool.
package io.corewq;

import io.corewq.cpu.CpuSet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that execute work, and their worklist.
 *
 * <h2>Per-CPU pools: the carrier and the run slot</h2>
 * A per-CPU pool (normal or high priority) has one <b>run slot</b>. Its holder, the <b>carrier</b>,
 * is the only thread that polls the worklist (a {@link Worklist}, MPSC, so the consumer side needs
 * no atomic instruction) and runs the items one after another; the normal pool's carrier also
 * services the CPU's timer. Producers offer an entry and wake the carrier only if it announced
 * that it parks:
 * <pre>
 *   carrier:  sleeping = 1 (volatile) ; if (worklist.isEmpty()) park ; sleeping = 0
 *   producer: worklist.offer(n) (xadd) ; if (sleeping == 1 &amp;&amp; CAS(sleeping, 1, 0)) unpark(carrier)
 * </pre>
 * Both sides store then load through volatile accesses, so at least one sees the other: there is
 * no lost wake-up, and a producer whose carrier is awake makes no system call.
 *
 * <p>Concurrency management: when the carrier blocks inside an item (told by {@link Blocking},
 * seen by the {@link ConcurrencyMonitor}, or running a CPU hog or CPU_INTENSIVE item) its slot is
 * revoked and {@linkplain #handOff() handed} to an idle worker of the pool, pinned to the same CPU,
 * or to a new one. When the blocked worker returns it finishes its item and joins the idle list:
 * the number of runnable workers falls back to one. If no worker can be created the slot stays
 * vacant ({@code holder == null}) and the monitor retries after a cool-down and calls the
 * rescuers of MEM_RECLAIM workqueues for help.
 *
 * <h2>Unbound pools</h2>
 * Not concurrency-managed: every worker polls the worklist (taking turns as its consumer); an idle
 * worker waits on the idle list. As in the kernel, a worker that starts an item when no idle worker
 * is left first creates a spare (one manager at a time), so new work always finds a worker.
 *
 * <p>Wake-ups: a worker that finds the worklist empty <b>spins</b> for a short while before it
 * goes idle, and at most {@link #maxSpinners} do so at once. A producer wakes an idle worker only
 * when nobody spins, and the worker it wakes counts as a spinner until it has looked at the
 * worklist, so a stream wakes one worker at a time; a worker that finds an item after spinning or
 * waking wakes the next one if more items wait and nobody spins (so a burst fans out over the
 * workers one wake at a time, as in ForkJoinPool). A worker that took two or more items in a row
 * and then finds the worklist empty has caught up with a stream: as a spinner it first
 * {@linkplain #gather() gathers}, as a carrier does. A steady stream therefore costs its
 * producers no system call:
 * <pre>
 *   producer: worklist.offer(n) (CAS) ; if (spinning == 0 &amp;&amp; nrIdle &gt; 0) wake one idle worker
 *   spinner:  spinning-- (atomic)      ; register idle, nrIdle++ (atomic) ; if (!worklist.isEmpty()) leave idle
 * </pre>
 * Each side writes then reads with sequentially consistent accesses, so a spinner that gives up
 * either was seen by the producer (which then relies on it, and it sees the item in its re-check)
 * or sees the item itself.
 */
final class WorkerPool {
    private static final VarHandle SLEEPING;
    static final VarHandle HOLDER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SLEEPING = l.findVarHandle(WorkerPool.class, "sleeping", int.class);
            HOLDER = l.findVarHandle(WorkerPool.class, "holder", Worker.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Immutable. */
    final CpuRuntime rt;
    /** Immutable: the CPU for a per-CPU pool, -1 for an unbound pool. */
    final int cpu;
    /** Immutable. */
    final boolean highpri;
    /** Immutable: pool id (unbound pools are numbered, as the kernel's {@code u<id>}). */
    final int id;
    /** Immutable: the CPUs the pool's workers may run on. */
    final CpuSet cpumask;
    /** Immutable after construction: the per-CPU pool's timer (normal pool only), else null. */
    CpuTimer timer;

    /** Producers: any thread. Consumer: the slot holder (per-CPU) or any worker (unbound). */
    final Worklist worklist;

    /** Per-CPU: the carrier (run-slot holder); null while vacant. Set by hand-off or CAS. */
    volatile Worker holder;
    /** Per-CPU: 1 while the carrier is parking (see the protocol above). CAS by producers. */
    private volatile int sleeping;
    /** Unbound: 1 while a worker polls the (single-consumer) worklist. CAS, held only for the poll. */
    private final PaddedInt polling = new PaddedInt();
    /** Unbound: workers spinning on an empty worklist (see the class comment). CAS / atomic add. */
    private final PaddedInt nrSpinning = new PaddedInt();
    /** Immutable: unbound, the most workers that spin at once (one per CPU of the pool). */
    final int maxSpinners;

    /** Idle workers (unbound: waiting for work; per-CPU: surplus, waiting for the slot). */
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    private final Object idleLock = new Object();
    /** Any thread: number of idle workers (the lock-free check producers make). */
    final PaddedInt nrIdle = new PaddedInt();
    /** Any thread, CAS: one manager at a time creates workers. */
    private final AtomicInteger managing = new AtomicInteger();
    /** Manager only: when creation last failed (System.nanoTime), 0 if never. */
    private volatile long lastCreateFailure;
    /** Monitor only: the watchdog's view of this pool. */
    final ConcurrencyMonitor.Watch watch = new ConcurrencyMonitor.Watch();
    /** Monitor only: since when the pool has been vacant with work pending (0 = not). */
    long vacantSince;
    /** Monitor only, unbound: {@link #progressSum()} at its last pass. */
    long monProgress = Long.MIN_VALUE;
    /** Monitor only, unbound: passes in a row that saw work pending and no progress. */
    int monStuckPasses;
    /** Monitor only (unbound pools): when work last started waiting with every worker blocked, or 0. */
    long monStuckSince;
    /** Under {@link #workersLock}: every worker still attached. */
    private final List<Worker> workers = new ArrayList<>();
    private final Object workersLock = new Object();
    /** Under {@link #workersLock} (written), any thread (read): {@code workers.size()}. */
    private volatile int nrWorkers;
    private int nextWorkerId;

    /**
     * Per-CPU: finished instances whose retire is batched (see {@link #retireLater}). Owned by the
     * run-slot holder between items, and by whoever revoked the slot until it hands the slot on
     * ({@link #handOff()} flushes first): the slot's phase protocol orders the hand-overs.
     */
    private final RetireBatch batch = new RetireBatch();
    /** Most finished instances a carrier retires with one atomic add. */
    static final int RETIRE_BATCH = 32;

    /** Set once by close. */
    volatile boolean stopping;
    /** Unbound: its key in the runtime's pool map; under the runtime's unbound lock. */
    Object key;
    /** Unbound: pwqs using this pool; under the runtime's unbound lock. */
    int refs;

    /** Under the hotplug write lock: the pool's CPU is offline; its workers run unpinned. */
    volatile boolean disassociated;
    /** Under the hotplug write lock: where workers of a disassociated pool may run. */
    volatile CpuSet bindMask;
    /** Bumped under the hotplug write lock: workers re-bind when they see a new epoch. */
    volatile int bindEpoch;

    WorkerPool(CpuRuntime rt, int cpu, boolean highpri, int id, CpuSet cpumask) {
        this.rt = rt;
        this.cpu = cpu;
        this.highpri = highpri;
        this.id = id;
        this.cpumask = cpumask;
        // An MPSC array queue that recycles its arrays (no backlog makes it allocate) and can be
        // iterated (weakly consistent) for dumps. Unbound pools have several consumers: they take
        // turns through pollUnbound().
        this.worklist = new Worklist();
        this.maxSpinners = Math.max(1, cpumask.size());
    }

    boolean isBound() {
        return cpu >= 0;
    }

    /**
     * Re-targets the pool's workers (hotplug). CONTEXT: the hotplug write lock is held.
     *
     * @param associate whether the CPU is online (workers pinned to it) or not (run on {@code mask})
     */
    void setAssociation(boolean associate, CpuSet mask) {
        disassociated = !associate;
        bindMask = mask;
        bindEpoch++;
    }

    /** Revokes the slot of a holder that is inside an item when work is pending (disassociated pools). */
    boolean releaseBusyHolder() {
        Worker h = holder;
        if (h != null && pendingCount() > 0 && Worker.PHASE.compareAndSet(h, Worker.IN_ITEM, Worker.REVOKED)) {
            handOff();
            return true;
        }
        return false;
    }

    /** Wakes every worker so it notices a new binding epoch. */
    void kickWorkers() {
        for (Worker w : workersSnapshot()) {
            if (w.thread != null) {
                LockSupport.unpark(w.thread);
            }
        }
        wakeCarrier();
    }

    /** Items waiting on this pool: its worklist plus the inactive lists of its pool_workqueues. */
    long pendingCount() {
        long n = worklist.size();
        for (Workqueue wq : rt.workqueues()) {
            for (PoolWorkqueue p : wq.all) {
                if (p.pool == this) {
                    n += p.inactiveCount();
                }
            }
        }
        return n;
    }

    /** Kernel-style description: {@code cpus=3 flags=H}, {@code cpus=0-7 unbound id=0}. */
    String describe() {
        String flags = (highpri ? "H" : "") + (disassociated ? " DISASSOCIATED" : "");
        flags = flags.isEmpty() ? "" : " flags=" + flags.trim();
        return isBound() ? "cpus=" + cpu + flags : "cpus=" + cpumask + " unbound id=" + id + flags;
    }

    @Override
    public String toString() {
        return "pool(" + describe() + ")";
    }

    // ---- producer side ---------------------------------------------------------------------

    /**
     * Offers an activated entry and wakes a consumer if needed. CONTEXT: any thread.
     *
     * @param fromRetire the caller is a worker that finished an item and polls next: when it is
     *     one of this (unbound) pool's workers, no idle worker needs waking for this entry
     */
    void push(Node n, boolean fromRetire) {
        worklist.offer(n);
        if (isBound()) {
            if (sleeping != 0) {
                wakeCarrier();
            }
        } else {
            signalUnbound(fromRetire);
        }
    }

    /**
     * CONTEXT: entries wait on this unbound pool's worklist (the caller offered one, or saw it
     * non-empty after taking an item). Nobody is needed while a worker spins (it takes them, or,
     * giving up, sees them in its re-check); else an idle worker is woken, unless {@code
     * fromRetire} and the caller is one of this pool's workers about to poll; with nobody idle the
     * monitor is kicked, since every worker is busy and may block (spare, mayday, watchdog).
     */
    private void signalUnbound(boolean fromRetire) {
        if (nrSpinning.get() > 0) {
            return;
        }
        if (nrIdle.get() > 0) {
            Worker me = fromRetire ? Worker.current() : null;
            if (me == null || me.pool != this) {
                wakeIdle();
            }
        } else {
            if (workerCount() == 0) {
                maybeCreateWorker();
            }
            rt.monitor.kick();
        }
    }

    void wakeCarrier() {
        if (SLEEPING.compareAndSet(this, 1, 0)) {
            Worker h = holder;
            if (h != null) {
                LockSupport.unpark(h.thread);
            }
        }
    }

    /** A timer item became the earliest: make the carrier re-compute its park time. */
    void wakeForTimer() {
        Worker h = holder;
        if (h == null || h.thread != Thread.currentThread()) {
            wakeCarrier();
        }
    }

    boolean isSleeping() {
        return sleeping != 0;
    }

    // ---- carrier side (per-CPU) -------------------------------------------------------------

    /** CONTEXT: the carrier, about to park. Returns false when work arrived meanwhile (do not park). */
    boolean prepareToSleep() {
        sleeping = 1;
        if (!worklist.isEmpty() || stopping) {
            sleeping = 0;
            return false;
        }
        return true;
    }

    void doneSleeping() {
        sleeping = 0;
    }

    /** Most a carrier {@linkplain #gather() gathers}, in nanoseconds. */
    static final long GATHER_MAX_NANOS = 3_000;
    /** Queued items at which a gathering carrier stops waiting: a few cache lines of worklist slots. */
    static final int GATHER_ITEMS = 64;
    /** Nanoseconds between two looks at the worklist's size while gathering. */
    static final long GATHER_LOOK_NANOS = 200;

    /**
     * The carrier took several items in a row and found the worklist empty: it has caught up with
     * a producer that is probably still queueing. Polling again at once would take the slot, and
     * the item, the producer writes next while the producer writes the ones beside them: every
     * item would then move the same cache lines back and forth between the two CPUs, and the
     * producer would be held to the pace of those transfers for as long as the carrier keeps up
     * (measured on a 2-vCPU host: 10-13 M items/s for one producer, against 20-28 M with the
     * carrier a few cache lines behind). So the carrier lets the producer get ahead first: it
     * looks at the worklist's size (the producer's index line, not the slots) every
     * {@link #GATHER_LOOK_NANOS} and goes back to polling once {@link #GATHER_ITEMS} wait, or
     * the count stops growing with items waiting (the burst ended: no reason to wait), or after
     * {@link #GATHER_MAX_NANOS}. An item queued during a gather thus waits at most about two
     * looks when it is alone, and at most {@code GATHER_MAX_NANOS} inside a stream.
     *
     * <p>CONTEXT: the carrier (slot holder), between items; or an unbound worker counted as a
     * spinner, so that producers wake nobody for the items it is about to take.
     */
    void gather() {
        final long start = System.nanoTime();
        long lastLook = start;
        long seen = 0;
        for (;;) {
            Thread.onSpinWait();
            long now = System.nanoTime();
            if (now - lastLook < GATHER_LOOK_NANOS) {
                continue;
            }
            lastLook = now;
            long waiting = worklist.size();
            if (waiting >= GATHER_ITEMS || (waiting != 0 && waiting == seen) || now - start >= GATHER_MAX_NANOS || stopping) {
                return;
            }
            seen = waiting;
        }
    }

    // ---- retire batching (per-CPU) ---------------------------------------------------------------

    /**
     * A finished instance of {@code pwq}, run by the slot holder: retired now, or batched with the
     * holder's previous ones of the same pwq. Every retire is an atomic add on the pwq's word,
     * which the producers CAS on each queue: batching keeps that cache line with the producers,
     * saving two cross-CPU transfers per item. The workqueue's completed count rides in the same
     * batch (a counter bumped per item would be one more locked write per item on a line that
     * may sit beside the workqueue's fields, which every producer reads). The counts lag by at
     * most {@link #RETIRE_BATCH} finished items, and never where it could be seen: the batch is
     * flushed after a short idle spell ({@link #flushRetiresWhenIdle}), before an item of another
     * pwq, at the holder's next step once the pwq has a flusher, waiting entries or is retiring
     * ({@link PoolWorkqueue#wantsPromptRetire()}), and on every hand-off of the slot. An instance
     * queued after a flush started runs after the batch was flushed, so a flush never waits for
     * an item it does not cover.
     *
     * <p>CONTEXT: the run-slot holder, between items.
     */
    void retireLater(PoolWorkqueue pwq, int color) {
        batch.add(pwq, color);
        // A pwq that wants its counts now (wantsPromptRetire) is flushed by the holder's very next
        // step: beforeItem when it pops an item, flushRetiresWhenIdle when it finds none.
    }

    /** The holder is about to run an instance of {@code pwq}. CONTEXT: as {@link #retireLater}. */
    void beforeItem(PoolWorkqueue pwq) {
        final RetireBatch b = batch;
        if (b.count != 0 && (b.pwq != pwq || b.pwq.wantsPromptRetire())) {
            flushRetires();
        }
    }

    /**
     * The holder found the worklist empty for the {@code idleRounds}-th time in a row (of
     * {@code spins} before it parks): the batch is flushed after {@link #RETIRE_IDLE_ROUNDS} such
     * rounds, before the carrier yields or parks, or at once if somebody waits on the counts. An
     * item arriving within a few idle rounds (ping-pong) therefore does not put the retire's
     * cache-line transfer on its critical path. CONTEXT: as {@link #retireLater}.
     */
    void flushRetiresWhenIdle(int idleRounds, int spins) {
        final RetireBatch b = batch;
        if (b.count != 0 && (idleRounds >= RETIRE_IDLE_ROUNDS || idleRounds >= spins - 8 || b.pwq.wantsPromptRetire())) {
            flushRetires();
        }
    }

    /** Idle rounds of a carrier (empty polls) after which its batched retires are flushed. */
    static final int RETIRE_IDLE_ROUNDS = 32;

    /** Retires the batch. CONTEXT: as {@link #retireLater}, or the revoker of the slot. */
    void flushRetires() {
        batch.flush();
    }

    /**
     * Whether the batch keeps entries waiting for an active slot of its pwq: the monitor counts
     * that as pending work, so a carrier blocked in an item hands its slot (and flushes the batch).
     * CONTEXT: the monitor (racy reads; it samples again next period).
     */
    boolean batchHoldsBackWork() {
        final RetireBatch b = batch;
        PoolWorkqueue p = b.pwq;
        return p != null && b.count != 0 && !p.inactive.isEmpty();
    }

    /**
     * Hands the run slot, just revoked from its holder, to an idle worker or a new one; leaves it
     * vacant when no worker can be had (the monitor retries and calls for help). The revoked
     * holder's retire batch is flushed first.
     *
     * <p>CONTEXT: whoever revoked the slot (the blocking worker itself or the monitor).
     */
    void handOff() {
        flushRetires();
        Worker b;
        synchronized (idleLock) {
            b = idle.pollFirst();
            if (b != null) {
                nrIdle.decrementAndGet();
                b.idleWoken = true;
                b.phase = Worker.BETWEEN;
            }
        }
        if (b != null) {
            holder = b;
            LockSupport.unpark(b.thread);
            return;
        }
        holder = null;
        if (tryCreateWorker(true) == null) {
            rt.monitor.wake(); // vacant: the monitor retries after the cool-down and calls for help
        }
    }

    /**
     * A surplus worker waits until it is handed the slot, the pool stops, or it is reaped.
     *
     * <p>CONTEXT: the worker itself, after its item ended with the slot revoked.
     *
     * @return true when it holds the slot now; false when it must exit
     */
    boolean waitForSlot(Worker w) {
        synchronized (idleLock) {
            w.idleWoken = false;
            idle.addFirst(w);
            nrIdle.incrementAndGet();
        }
        long deadline = System.nanoTime() + rt.idleReapNanos;
        for (;;) {
            if (w.phase != Worker.REVOKED && holder == w) {
                return true; // handed over (handOff removed us from the idle list)
            }
            if (stopping) {
                removeIdle(w);
                return false;
            }
            if (holder == null && takeVacantSlot(w)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                synchronized (idleLock) {
                    if (!w.idleWoken && nrIdle.get() > 2 && idle.remove(w)) {
                        nrIdle.decrementAndGet();
                        return false; // reaped: idle beyond two for the reap timeout
                    }
                }
                deadline = System.nanoTime() + rt.idleReapNanos;
                continue;
            }
            Thread.interrupted(); // a stray interrupt from outside must not turn the park into a spin
            LockSupport.parkNanos(this, left);
        }
    }

    private boolean takeVacantSlot(Worker w) {
        synchronized (idleLock) {
            if (w.idleWoken || !HOLDER.compareAndSet(this, null, w)) {
                return false;
            }
            if (idle.remove(w)) {
                nrIdle.decrementAndGet();
            }
            w.phase = Worker.BETWEEN;
            return true;
        }
    }

    private void removeIdle(Worker w) {
        synchronized (idleLock) {
            dropIdle(w);
        }
    }

    /** Takes {@code w} off the idle list if it is on it. CONTEXT: {@link #idleLock} held. */
    private void dropIdle(Worker w) {
        if (idle.remove(w)) {
            nrIdle.decrementAndGet();
        }
    }

    /** Monitor: a vacant slot with work pending gets a worker, else the rescuers are called. */
    void fillVacancy(long now) {
        synchronized (idleLock) {
            Worker b = idle.pollFirst();
            if (b != null && HOLDER.compareAndSet(this, null, b)) {
                nrIdle.decrementAndGet();
                b.idleWoken = true;
                b.phase = Worker.BETWEEN;
                LockSupport.unpark(b.thread);
                vacantSince = 0;
                return;
            } else if (b != null) {
                idle.addFirst(b);
            }
        }
        if (tryCreateWorker(true) != null) {
            vacantSince = 0;
            return;
        }
        if (vacantSince == 0) {
            vacantSince = now;
        } else if (now - vacantSince >= rt.maydayDelayNanos) {
            // A MEM_RECLAIM workqueue's due delayed item of this CPU is on the worklist by now,
            // so the rescuer finds it: the monitor fires a timer left due for a period, carrier or not.
            rt.mayday(this);
        }
    }

    /**
     * A rescuer runs its workqueue's items of this pool. For a per-CPU pool it takes the vacant run
     * slot for one pass over the worklist (other workqueues' entries go back to its tail).
     */
    void rescue(Worker rescuer) {
        Workqueue mine = rescuer.rescuerOf;
        // As the kernel's worker_attach_to_pool: the pool's items run where its workers would (the
        // rescuer ran them unpinned before; found by review, 2026-11-22).
        bindHere();
        try {
            rescueRounds(rescuer, mine);
        } finally {
            rescuer.pool.bindHere(); // back where the rescuer's own pool runs (every CPU), until the next mayday
        }
    }

    /**
     * Binds the calling thread (a worker, or a rescuer come to help) where this pool's workers run
     * now: pinned to the CPU of an associated per-CPU pool; else, with pinning on, to
     * {@link #bindMask} (a strict pod, or the online CPUs while disassociated) or the cpumask.
     *
     * @return whether the thread is pinned as the pool wants (never for a disassociated per-CPU pool)
     */
    boolean bindHere() {
        if (isBound() && !disassociated) {
            return rt.pinThread(cpu);
        }
        if (!rt.pinningOn()) {
            return false;
        }
        boolean bound = rt.binder.bind(bindMask != null ? bindMask : cpumask);
        return bound && !isBound();
    }

    /**
     * Up to 64 passes over the worklist, running this rescuer's items. On a per-CPU pool the
     * rescuer holds the run slot only while it polls (the worklist's one consumer at a time), never
     * while an item runs: like the kernel's rescuer it takes no part in concurrency management, so
     * a rescued item that blocks leaves the slot vacant and the monitor fills it as soon as a worker
     * can be had (the rescuer held the slot for its whole pass, and nothing took it back from a
     * blocked rescuer; found by review, 2026-11-22).
     */
    private void rescueRounds(Worker rescuer, Workqueue mine) {
        final boolean bound = isBound();
        for (int round = 0; round < 64; round++) {
            int ran = 0;
            int batch = worklist.size();
            for (int i = 0; i < batch; i++) {
                if (bound && !HOLDER.compareAndSet(this, null, rescuer)) {
                    return; // a real worker holds the slot again: the rest is its work
                }
                Node n;
                try {
                    n = bound ? worklist.poll() : pollUnbound();
                } finally {
                    if (bound) {
                        holder = null;
                    }
                }
                if (n == null) {
                    break;
                }
                if (n.pwq.wq != mine) {
                    worklist.offer(n); // another workqueue's entry goes back to the tail (any thread may offer)
                    continue;
                }
                Work w = n.work;
                rescuer.process(n);
                mine.count(Worker.Counter.RESCUED);
                io.corewq.observe.jfr.JfrEvents.rescued(mine.name(), describe(), w.name());
                ran++;
            }
            if (bound) {
                fillVacancy(System.nanoTime());
            }
            if (ran == 0 || mine.inFlightOn(this) == 0) {
                return;
            }
        }
    }

    // ---- unbound side ----------------------------------------------------------------------

    /**
     * An unbound pool's workers take turns as the worklist's consumer, for the length of one poll
     * (the item then runs outside the turn): MPSC queues need one consumer at a time. The turn
     * comes first and emptiness is asked only when it is taken: {@code isEmpty()} reads the
     * producers' index line, which {@code poll()} reads only when it finds the slot empty.
     */
    Node pollUnbound() {
        for (int spins = 0; ; spins++) {
            if (polling.get() == 0 && polling.compareAndSet(0, 1)) {
                try {
                    return worklist.poll();
                } finally {
                    polling.set(0);
                }
            }
            if (worklist.isEmpty()) {
                return null;
            }
            if ((spins & 63) == 63) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * CONTEXT: an unbound worker that found the worklist empty. Becomes one of the spinners if
     * fewer than {@link #maxSpinners} spin; false: it should go idle at once.
     */
    boolean tryStartSpinning() {
        for (;;) {
            int n = nrSpinning.get();
            if (n >= maxSpinners) {
                return false;
            }
            if (nrSpinning.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * CONTEXT: a spinner that stops spinning. {@code found}: it found an item, which it runs next;
     * if more items wait and no other worker spins, it wakes an idle one to take them (the fan-out
     * of a burst). Otherwise it is about to go idle, whose re-check covers an item queued while it
     * was counted as a spinner.
     */
    void stopSpinning(boolean found) {
        int left = nrSpinning.decrementAndGet();
        if (found && left == 0) {
            wakeIfMoreWork();
        }
    }

    /**
     * CONTEXT: an unbound worker that just took an item after spinning or waking: if more items
     * wait, signals for them as a producer would (the kernel's need_more_worker/kick_pool, one
     * wake per worker that starts, so a burst fans out without a wake per item). Their producers
     * saw this worker counted as a spinner and signalled nobody; if it now blocks in its item,
     * the idle worker woken here, or with nobody idle the monitor kicked here, takes them.
     */
    void wakeIfMoreWork() {
        if (!worklist.isEmpty()) {
            signalUnbound(false);
        }
    }

    /** Unbound workers spinning now (the monitor: a pool with a spinner is not stuck). */
    int spinningCount() {
        return nrSpinning.get();
    }

    private void wakeIdle() {
        Worker w;
        synchronized (idleLock) {
            w = idle.pollFirst();
            if (w != null) {
                nrIdle.decrementAndGet();
                nrSpinning.incrementAndGet(); // counted as a spinner from now: no second wake while this one is on its way
                w.idleWoken = true;
            }
        }
        if (w != null) {
            LockSupport.unpark(w.thread);
        }
    }

    /**
     * CONTEXT: an unbound worker with nothing to do. Registers as idle; returns false (not
     * registered) when work arrived meanwhile.
     */
    boolean enterIdle(Worker w) {
        synchronized (idleLock) {
            w.idleWoken = false;
            idle.addFirst(w);
        }
        nrIdle.incrementAndGet(); // full fence before the re-check below
        if (!worklist.isEmpty() || stopping) {
            leaveIdle(w);
            return false;
        }
        return true;
    }

    /**
     * CONTEXT: an unbound worker registered idle by {@link #enterIdle}. Parks until a producer or
     * another worker wakes it (taking it off the idle list), work shows up, or the pool stops.
     * Returns true when the worker must exit instead: reaped, after a full {@code idleReapNanos}
     * idle with more than two idle workers and nothing to do. A spurious return from park (a stale
     * permit) parks again: only the reap deadline ends an idle spell without a wake, so workers are
     * not torn down and re-created under a steady load.
     */
    boolean idleWait(Worker w) {
        long deadline = System.nanoTime() + rt.idleReapNanos;
        for (;;) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                Thread.interrupted(); // a stray interrupt from outside must not turn the park into a spin
                LockSupport.parkNanos(this, left);
            }
            synchronized (idleLock) {
                if (w.idleWoken) {
                    w.idleWoken = false;
                    w.wokenSpinning = true;
                    return false; // woken: the waker took us off the list and counted us as a spinner
                }
                if (stopping || !worklist.isEmpty()) {
                    dropIdle(w);
                    return false;
                }
                if (System.nanoTime() - deadline >= 0) {
                    if (nrIdle.get() > 2 && workerCount() > 1) {
                        dropIdle(w);
                        return true; // reaped: idle beyond two for the reap timeout
                    }
                    deadline = System.nanoTime() + rt.idleReapNanos;
                }
            }
        }
    }

    /** CONTEXT: an unbound worker registered idle that found work in its re-check: leaves the list. */
    void leaveIdle(Worker w) {
        synchronized (idleLock) {
            if (!w.idleWoken) {
                dropIdle(w); // a waker that set idleWoken has taken it off already
            } else {
                w.wokenSpinning = true; // and counted it as a spinner
            }
            w.idleWoken = false;
        }
    }

    /**
     * As the kernel's may_start_working: a worker about to run an item makes sure an idle (or
     * spinning) worker remains unless another worker is between items, so work queued while every
     * worker is busy (or blocked) always finds one.
     */
    void ensureSpare(Worker self) {
        while (nrIdle.get() == 0 && nrSpinning.get() == 0 && !stopping && workerCount() < rt.maxUnboundWorkers
                && allOthersInItems(self)) {
            if (managing.get() == 0) {
                tryCreateWorker(false); // null after a failure: the monitor retries after the cool-down
                return;
            }
            Thread.yield(); // another manager is creating a worker; it may be the spare we need
        }
    }

    /**
     * Whether every worker but {@code self} is inside an item. One that is not (polling, waiting for
     * the poll turn, about to go idle) reaches the worklist before long, so no spare is needed for
     * it; if it then blocks in an item too, the monitor sees the pool stuck and adds one. Racy
     * reads of {@link Worker#current}: a heuristic, the monitor is the guarantee.
     */
    private boolean allOthersInItems(Worker self) {
        synchronized (workersLock) {
            for (int i = 0, n = workers.size(); i < n; i++) {
                Worker w = workers.get(i);
                if (w != self && w.current == null) {
                    return false;
                }
            }
        }
        return true;
    }

    // ---- workers ---------------------------------------------------------------------------

    /** Workers attached (lock-free read: producers of an unbound pool check it). */
    int workerCount() {
        return nrWorkers;
    }

    List<Worker> workersSnapshot() {
        synchronized (workersLock) {
            return new ArrayList<>(workers);
        }
    }

    /** Sum of the workers' item sequences (watchdog progress), without allocating. */
    long progressSum() {
        long sum = 0;
        synchronized (workersLock) {
            for (int i = 0, n = workers.size(); i < n; i++) {
                sum += (int) Worker.ITEM_SEQ.getOpaque(workers.get(i));
            }
        }
        return sum;
    }

    /**
     * Unbound: gives back the held retires of a worker seen running the same item, holding them,
     * in two passes ({@link Worker#revokeHeld}); one worker a pass, the rest at the next.
     * CONTEXT: the monitor thread.
     */
    void revokeHeldRetires() {
        Worker stuck = null;
        long stamp = 0;
        synchronized (workersLock) {
            for (int i = 0, n = workers.size(); i < n; i++) {
                Worker w = workers.get(i);
                long h = w.heldStamp();
                if (stuck == null && h > 0 && h == w.monHeld) {
                    stuck = w;
                    stamp = h;
                }
                w.monHeld = h;
            }
        }
        if (stuck != null) {
            stuck.revokeHeld(stamp); // outside the lock: the retire may pump, wake and create workers
        }
    }

    int idleCount() {
        return nrIdle.get();
    }

    /** Creates a worker unless another manager is at it or the pool is at its limit. */
    void maybeCreateWorker() {
        if (workerCount() < rt.maxUnboundWorkers) {
            tryCreateWorker(false);
        }
    }

    /**
     * Creates and starts a worker, one manager at a time, not within the cool-down after a failed
     * creation. With {@code asHolder} it holds the run slot from its first instruction.
     *
     * @return the worker, or null when another manager is at work, in cool-down, or creation failed
     */
    Worker tryCreateWorker(boolean asHolder) {
        while (!managing.compareAndSet(0, 1)) {
            if (stopping || !asHolder) {
                return null;
            }
            Thread.yield(); // another manager is creating a worker: a short wait, then our turn
        }
        try {
            if (stopping) {
                return null;
            }
            long failed = lastCreateFailure;
            if (failed != 0 && System.nanoTime() - failed < rt.createCooldownNanos) {
                return null;
            }
            if (asHolder && holder != null) {
                return null;
            }
            Worker w = createWorker(asHolder);
            if (w == null) {
                lastCreateFailure = System.nanoTime();
            }
            return w;
        } finally {
            managing.set(0);
        }
    }

    /** Creates and starts a worker; null (logged) when the thread factory fails. */
    Worker createWorker(boolean asHolder) {
        Worker w;
        synchronized (workersLock) {
            w = new Worker(this, nextWorkerId++);
        }
        Thread t = rt.newThread(w);
        if (t == null) {
            return null;
        }
        w.thread = t;
        synchronized (workersLock) {
            workers.add(w);
            nrWorkers = workers.size();
        }
        boolean holds = false;
        if (asHolder) {
            w.phase = Worker.BETWEEN;
            holds = HOLDER.compareAndSet(this, null, w); // else it starts as an idle surplus worker
        }
        try {
            t.start();
        } catch (Throwable e) {
            synchronized (workersLock) {
                workers.remove(w);
                nrWorkers = workers.size();
            }
            if (holds) {
                HOLDER.compareAndSet(this, w, null);
            }
            rt.creationFailed(this, e);
            return null;
        }
        return w;
    }

    /** CONTEXT: the worker on its way out (it detaches itself; nobody waits for it but teardown). */
    void detach(Worker w) {
        synchronized (workersLock) {
            workers.remove(w);
            nrWorkers = workers.size();
            workersLock.notifyAll();
        }
        if (holder == w) {
            HOLDER.compareAndSet(this, w, null);
        }
    }

    /** Stops every worker without waiting (an unbound pool nobody uses any more; its threads end by themselves). */
    void stopAsync() {
        stopping = true;
        for (Worker w : workersSnapshot()) {
            LockSupport.unpark(w.thread);
        }
    }

    /** Stops every worker and waits until all have detached. CONTEXT: runtime close. */
    void stop() {
        stopping = true;
        for (Worker w : workersSnapshot()) {
            LockSupport.unpark(w.thread);
        }
        synchronized (workersLock) {
            while (!workers.isEmpty()) {
                try {
                    workersLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (Worker w : workers) {
                    LockSupport.unpark(w.thread);
                }
            }
        }
    }
}
