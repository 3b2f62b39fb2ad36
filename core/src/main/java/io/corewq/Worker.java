// A worker (kworker/N:M): the run loop of a carrier, surplus or unbound worker, or rescuer, and the per-item run/complete path.
package io.corewq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker of a {@link WorkerPool}, run by a platform thread (a {@link WorkerThread} unless the
 * user supplied a thread factory).
 *
 * <h2>Per-CPU pools: the run slot</h2>
 * Only the slot holder (the carrier) polls the worklist. Its {@link #phase} says where it is:
 * <pre>
 *            set IN_ITEM (release)             CAS IN_ITEM -> BETWEEN
 *   BETWEEN ───────────────────────> IN_ITEM ───────────────────────> BETWEEN   (next item)
 *                                       │
 *                                       │ CAS IN_ITEM -> REVOKED: the worker blocked (explicit
 *                                       │ hint or monitor), hogs the CPU, or runs CPU_INTENSIVE
 *                                       ▼
 *                                    REVOKED ── item ends ──> surplus: idle list ── handed the slot ──> BETWEEN
 * </pre>
 * The slot can only be taken from a worker inside an item (IN_ITEM), never while it polls, so two
 * workers never consume the MPSC worklist at once; the CAS at the end of each item is the one
 * atomic instruction the protocol costs per item.
 *
 * <p>The per-item path ({@link #process}) is the queue -> run -> complete path of {@link Work}:
 * <pre>
 *   pop entry n (seq s) ── stale? (no PENDING, or seq != s) ──> retire ticket, drop
 *        ├─ RUNNING elsewhere ──> CAS set DEFERRED (stays PENDING); the runner runs it next
 *        └─ CAS PENDING→RUNNING (full fence) ──> run fn ──> CAS clear RUNNING
 *                                                   ▲            │ DEFERRED set?
 *                                                   └── CAS clear DEFERRED|PENDING
 * </pre>
 */
final class Worker implements Runnable {
    static final int BETWEEN = 0;
    static final int IN_ITEM = 1;
    static final int REVOKED = 2;

    static final VarHandle PHASE;
    static final VarHandle ITEM_SEQ;
    static final VarHandle HELD;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PHASE = l.findVarHandle(Worker.class, "phase", int.class);
            ITEM_SEQ = l.findVarHandle(Worker.class, "itemSeq", int.class);
            HELD = l.findVarHandle(Worker.class, "held", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Workers whose thread came from a user factory find themselves here. */
    private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();
    /**
     * Set (for good) before the first worker runs on a thread of a user factory: until then no
     * thread has {@link #CURRENT} set, and {@link #current()} skips the thread-local lookup (a
     * miss, on every {@code queue()} from a thread that is not a worker).
     */
    private static volatile boolean foreignThreads;

    /** Immutable. */
    final WorkerPool pool;
    /** Immutable: the M of kworker/N:M. */
    final int workerId;
    /** Immutable: kernel-style thread name. */
    final String name;
    /** Immutable: the workqueue this rescuer serves, or null. */
    final Workqueue rescuerOf;
    /** Set once before start. */
    Thread thread;

    /** This thread only (plain: the hot path pays no fence; dumps and the monitor read racily): the item running now. */
    Work current;
    /** This thread only (as {@link #current}): pwq of the item running now. */
    PoolWorkqueue currentPwq;
    /** See the diagram. Written by this thread (release/CAS) and revokers (CAS). */
    volatile int phase;
    /** This thread only (opaque): items started, for the monitor's hog and stall detection. */
    int itemSeq;
    /** This thread only (racy reads by deadlock checks): the item this worker waits for in flush/cancelSync. */
    volatile Work waitingOn;
    /** Whether pinning was verified for the current binding. */
    volatile boolean pinned;
    /** This thread only: the pool's bind epoch this worker last bound itself for. */
    int boundEpoch = -1;
    /** This thread only: the bind epoch the current item started under (placement checks). */
    int itemEpoch = -1;
    /** This thread only: running a hotplug callback (reentrancy guard). */
    volatile boolean hotplugCallback;
    /** This thread only: when the carrier last checked which CPU it runs on. */
    private long lastCpuCheck;
    /** Under the pool's idle lock. */
    boolean idleWoken;
    /** This thread only: an unbound worker's waker counted it as a spinner ({@link WorkerPool#wakeIdle}). */
    boolean wokenSpinning;

    /** Monitor thread only. */
    int monSeq = -1;
    long monSince;
    boolean monHog;
    int monBlockedSeq = -1;
    long monCpuAtStart = -1;

    /** Rescuer only: pools that called for help. */
    final ConcurrentLinkedQueue<WorkerPool> maydays;
    /** This thread only: the pwq whose inactive list this worker is going down (a chain), or null. */
    private PoolWorkqueue chainPwq;
    /** This thread only: the sum of the {@link PoolWorkqueue#colorDelta}s the chain has not given back yet. */
    private long chainDelta;
    /** This thread only: how many color tickets that is. */
    private int chainCount;
    /**
     * This thread only: the pwq's limit when its active count was last checked against it. Not
     * folded into {@link #slotPassable}'s memo: with its re-read every 32 passes (and the chain's
     * tickets in an object of their own), ordered queues with one producer ran 10-20% slower in
     * interleaved runs (a review's attempt, not kept).
     */
    private int chainLimit;
    /** This thread only: the pwq whose color tickets this worker holds back after passing slots on (see {@link #holdTicket}), or null. */
    private PoolWorkqueue ticketPwq;
    /** This thread only: the sum of their {@link PoolWorkqueue#colorDelta}s. */
    private long ticketDelta;
    /** This thread only: how many tickets that is. */
    private int ticketCount;
    /** This thread only: the pwq whose active count was last found within its limit by {@link #slotPassable}, or null. */
    private PoolWorkqueue passPwq;
    /** This thread only: its {@link PoolWorkqueue#limitVersion} then. */
    private int passVersion;
    /** This thread only: slot passes left before {@link #slotPassable} reads the word again. */
    private int passCredit;

    /**
     * An unbound worker's held retires (see the section "held retires" below). Written by this
     * thread between items, or in an item after its CAS of {@link #held} to 0; read by the
     * monitor after it read {@link #held} (published by its release store).
     */
    private final RetireBatch heldRetires = new RetireBatch();
    /**
     * While this unbound worker runs an item holding retires: the item's stamp (positive, unique
     * per item), which the monitor CASes to {@link #HELD_REVOKED} to take the retires over; else 0.
     */
    private volatile long held;
    /** This thread only: the last stamp used. */
    private long holdStamp;
    /**
     * This thread only: the first item run with retires held since this worker started or left
     * the idle list kicks the monitor, which parks once every unbound worker is idle and must
     * sample while one may hold retires in an item. The kick comes after the idle count went
     * down (by this thread or its waker, under the idle lock), so it cannot be lost; a worker
     * serving sparse items (nothing held when each starts) never kicks.
     */
    private boolean kickOnHold = true;
    /** Monitor thread only: {@link #held} at its last pass. */
    long monHeld;

    /** {@link #held} once the monitor took the retires over. */
    static final long HELD_REVOKED = -1L;
    /** The least max_active for which an unbound worker holds retires back (twice a batch). */
    static final int HOLD_MIN_LIMIT = 2 * WorkerPool.RETIRE_BATCH;

    Worker(WorkerPool pool, int workerId) {
        this.pool = pool;
        this.workerId = workerId;
        this.rescuerOf = null;
        this.maydays = null;
        this.name = pool.isBound()
                ? "kworker/" + pool.cpu + ":" + workerId + (pool.highpri ? "H" : "")
                : "kworker/u" + pool.id + ":" + workerId + (pool.highpri ? "H" : "");
    }

    /** A rescuer for {@code wq}: {@code kworker/R-name}. */
    Worker(WorkerPool dummy, Workqueue wq) {
        this.pool = dummy;
        this.workerId = 0;
        this.rescuerOf = wq;
        this.maydays = new ConcurrentLinkedQueue<>();
        this.name = "kworker/R-" + wq.name();
    }

    /** The calling thread's worker (of any runtime), or null. */
    static Worker current() {
        Thread t = Thread.currentThread();
        if (t instanceof WorkerThread) {
            return ((WorkerThread) t).worker;
        }
        return foreignThreads ? CURRENT.get() : null;
    }

    /** The calling thread as a worker of {@code rt}, or null. */
    static Worker current(CpuRuntime rt) {
        Worker w = current();
        return w != null && w.pool.rt == rt ? w : null;
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public void run() {
        boolean ownThread = Thread.currentThread() instanceof WorkerThread;
        if (!ownThread) {
            foreignThreads = true; // before the set: a thread that reads false cannot be this one
            CURRENT.set(this);
        }
        try {
            if (rescuerOf != null) {
                runRescuer();
                return;
            }
            bind();
            if (pool.isBound()) {
                runCarrier();
            } else {
                boolean fresh = true;
                while (runUnbound(fresh)) { // a lap at a time: see UNBOUND_LAP
                    fresh = false;
                }
            }
        } catch (Throwable t) {
            pool.rt.log.error("corewq: worker {} died", name, t);
        } finally {
            if (!ownThread) {
                CURRENT.remove();
            }
            pool.detach(this);
        }
    }

    /** Binds this thread as its pool wants now: pinned to the CPU, or (disassociated) to the online CPUs. */
    private void bind() {
        int epoch = pool.bindEpoch;
        pinned = pool.bindHere();
        boundEpoch = epoch;
    }

    /** After a park: a pinned carrier that finds itself elsewhere reports it (rate-limited). */
    private void checkPlacement() {
        if (!pinned || pool.disassociated) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastCpuCheck < 50_000_000L) {
            return;
        }
        lastCpuCheck = now;
        int on = pool.rt.binder.currentCpu();
        if (on >= 0 && on != pool.cpu) {
            pinned = false;
            pool.rt.carrierDisplaced(this, on);
        }
    }

    // ---- per-CPU pools: the carrier loop ----------------------------------------------------

    /**
     * Items a carrier must have taken in a row before it treats an empty worklist as "caught up
     * with a stream" and {@linkplain WorkerPool#gather() gathers}. One item (a ping-pong, a lone
     * request) never does: its next poll is as prompt as ever.
     */
    static final int GATHER_MIN_STREAK = 2;

    /** The most idle rounds a worker other than a CPU's normal carrier spins, whatever {@code idleSpins} says (its default). */
    static final int SPIN_MODE_CAP = 256;

    private void runCarrier() {
        final WorkerPool p = pool;
        // Spin mode (a huge idleSpins) is for the CPU's normal carrier; the high-priority pool's
        // carrier, idle most of the time, must not take half the CPU from it.
        final int spins = p.highpri ? Math.min(p.rt.idleSpins, SPIN_MODE_CAP) : p.rt.idleSpins;
        int idleRounds = 0;
        int ops = 0;
        int streak = 0; // items taken since the worklist was last found empty
        while (!p.stopping) {
            if (boundEpoch != p.bindEpoch) {
                bind(); // hotplug: re-pin to the CPU, or run on the online CPUs while disassociated
            }
            if (phase == REVOKED || p.holder != this) {
                if (!p.waitForSlot(this)) {
                    return; // reaped, or the pool stops
                }
                idleRounds = 0;
                continue;
            }
            final CpuTimer timer = p.timer;
            Node n = p.worklist.relaxedPoll();
            if (n != null) {
                process(n);
                streak++;
                idleRounds = 0;
                if (timer != null && (++ops & 63) == 0) {
                    timer.runExpiredNow();
                }
                continue;
            }
            p.flushRetiresWhenIdle(idleRounds, spins); // nothing stays batched beyond a short idle spell
            if (streak >= GATHER_MIN_STREAK) {
                streak = 0; // idleRounds is 0 here: the flush above happened only if somebody waits on the counts
                p.gather();
                continue;
            }
            streak = 0;
            if (timer != null && timer.runExpiredNow() > 0) {
                continue;
            }
            if (idleRounds < spins) {
                idleRounds++;
                if (idleRounds > spins - 8) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
                continue;
            }
            if (p.prepareToSleep()) {
                Thread.interrupted(); // a stray interrupt from outside must not turn the park into a spin
                long next = timer == null ? Long.MAX_VALUE : timer.nextDeadline();
                if (next == Long.MAX_VALUE) {
                    LockSupport.park(p);
                } else {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(p, wait);
                    }
                }
                p.doneSleeping();
                p.rt.monitor.kick();
                checkPlacement();
            }
            idleRounds = 0;
        }
        if (p.holder == this && phase != REVOKED) {
            p.flushRetires();
        }
    }

    /**
     * Gives up the run slot from inside an item (explicit blocking, CPU_INTENSIVE): another worker
     * of the pool takes over the worklist. No-op unless this worker holds the slot in an item.
     */
    void releaseSlot(Counter cause) {
        if (!pool.isBound()) {
            giveHeldBackInItem(); // an unbound worker holds no slot; its held retires go back before it blocks
            return;
        }
        if (PHASE.compareAndSet(this, IN_ITEM, REVOKED)) {
            PoolWorkqueue pwq = currentPwq;
            if (pwq != null && cause != null) {
                pwq.wq.count(cause);
            }
            pool.handOff();
        }
    }

    // ---- unbound pools ------------------------------------------------------------------------

    /**
     * Entries an unbound worker takes in one call of {@link #runUnbound} before it returns to
     * {@link #run()} and calls it again. A worker that never went idle would otherwise spend its
     * life in one frame of this loop, running the on-stack-replacement code HotSpot compiled for
     * it, and that code was seen to keep calling {@code runChain} through the interpreter after
     * {@code runChain} was recompiled (JDK 17 and 25: up to 31% of the workers' CPU in the
     * interpreter, for the rest of the run). Entering the method afresh takes its current compiled code and call
     * sites. The lap is short so that the method is soon invoked often enough to get its regular
     * optimised compilation: with laps of 4 096 entries the re-entered loop ran slower (JMH, one
     * producer: 9.6-15.9 M items/s against 15-30 M). A lap ends where the loop's locals are at
     * rest (between items, not spinning, the chain ended; only the gather streak starts again);
     * held retires are fields and stay held across it.
     */
    static final int UNBOUND_LAP = 64;

    /**
     * The loop of an unbound pool's worker. {@code fresh}: the worker is new (it counts as one that
     * just left the idle list). Returns true after {@link #UNBOUND_LAP} entries, to be called
     * again; false when the worker is to end (reaped, or the pool stopped).
     */
    private boolean runUnbound(boolean fresh) {
        final WorkerPool p = pool;
        // Spin briefly, then park, whatever idleSpins says: spin mode is for the normal carriers,
        // and an idle unbound worker that never parked took a quarter of the CPU time from them
        // (perf, spin-mode ping-pong on 2 CPUs)
        final int spins = Math.max(1, Math.min(p.rt.idleSpins, SPIN_MODE_CAP));
        int idleRounds = 0;
        int taken = 0;
        boolean justWoke = fresh;
        boolean spinning = false;
        int streak = 0;
        while (!p.stopping) {
            Node n = p.pollUnbound();
            if (n != null) {
                streak++;
                if (spinning) {
                    spinning = false;
                    p.stopSpinning(true); // and fan out if more items wait
                } else if (justWoke) {
                    p.wakeIfMoreWork();
                }
                if (justWoke) {
                    p.ensureSpare(this); // as the kernel's may_start_working: once per wake, not per item
                    justWoke = false;
                }
                do {
                    n = process(n); // then an entry whose active slot the retire passed on (retireTakingNext)
                } while (n != null);
                endChain();
                idleRounds = 0;
                if (++taken == UNBOUND_LAP) {
                    return true; // locals at rest: see UNBOUND_LAP
                }
                continue;
            }
            final boolean caughtUp = streak >= GATHER_MIN_STREAK; // then idleRounds is 0 and spinning false
            streak = 0;
            giveHeldBackWhenIdle(idleRounds);
            if (!spinning && idleRounds == 0) {
                spinning = p.tryStartSpinning(); // else enough workers spin: go idle at once
                if (!spinning) {
                    idleRounds = spins;
                }
            }
            if (caughtUp && spinning) {
                p.gather(); // as a spinner: producers need not wake anybody meanwhile
                continue;
            }
            if (idleRounds++ < spins) {
                Thread.onSpinWait();
                continue;
            }
            if (spinning) {
                spinning = false;
                p.stopSpinning(false); // before registering idle: enterIdle's re-check covers the gap
            }
            giveHeldBack(); // an idle worker holds nothing back
            giveTicketsBack(true);
            if (p.enterIdle(this)) {
                if (p.idleWait(this)) {
                    return false; // reaped
                }
                justWoke = true;
            }
            kickOnHold = true; // off the idle list again: see kickOnHold
            if (wokenSpinning) {
                wokenSpinning = false;
                spinning = true; // the waker's count: stopSpinning(true) fans out from here
            }
            idleRounds = 0;
        }
        if (spinning) {
            p.stopSpinning(false);
        }
        giveHeldBack();
        giveTicketsBack(false);
        return false;
    }

    // ---- rescuer ----------------------------------------------------------------------------

    private void runRescuer() {
        final CpuRuntime rt = pool.rt;
        while (!rt.isStopping() && !pool.stopping) {
            WorkerPool p = maydays.poll();
            if (p == null) {
                Thread.interrupted(); // a stray interrupt from outside must not turn the park into a spin
                LockSupport.park(this);
                continue;
            }
            p.rescue(this);
        }
    }

    // ---- queue -> run -> complete ---------------------------------------------------------

    /**
     * Runs the instance carried by {@code n}, or drops it if stale, or defers it to its runner.
     *
     * @return an entry this (unbound) worker activated while retiring and must run next, else null
     */
    Node process(Node n) {
        final Work w = n.work;
        final PoolWorkqueue pwq = n.pwq;
        final int color = n.color;
        final int seq = n.seq;
        // From the release of the entry on, the next PENDING owner may reuse it. The item's own
        // entry is released by clearing QUEUED in the same CAS that settles the instance; a spare
        // by its own flag.
        final long popped = n == w ? Work.QUEUED : 0L;
        if (popped == 0L) {
            n.markPopped();
        }
        for (;;) {
            long st = w.state;
            if ((st & Work.PENDING) == 0 || Work.seqOf(st) != seq) {
                if (popped != 0L) {
                    w.clearQueued();
                }
                return retireNow(pwq, color); // cancelled or re-armed while queued
            }
            if ((st & Work.RUNNING) != 0) {
                w.deferPwq = pwq;
                w.deferColor = color;
                w.deferSeq = seq;
                if (Work.STATE.compareAndSet(w, st, (st | Work.DEFERRED) & ~popped)) {
                    return null; // the runner will run this instance after the current one
                }
            } else if (Work.STATE.compareAndSet(w, st, (st & ~(Work.PENDING | popped)) | Work.RUNNING)) {
                break;
            }
        }
        return runChain(w, pwq, color, seq);
    }

    /** Runs the instance, then any deferred ones; returns as {@link #process}. */
    private Node runChain(Work w, PoolWorkqueue pwq, int color, int seq) {
        final boolean managed = pool.isBound();
        final boolean holds = !managed && rescuerOf == null; // an unbound pool's worker: may hold retires back
        for (;;) {
            w.runner = this;
            Work.RUN_SEQ.setRelease(w, seq);
            current = w;
            currentPwq = pwq;
            Workqueue wq = pwq.wq;
            ITEM_SEQ.setOpaque(this, itemSeq + 1); // progress for the monitor and the watchdog
            if (managed) {
                if (boundEpoch != pool.bindEpoch) {
                    bind(); // a hotplug flip since this worker last bound itself: re-pin before the item
                }
                itemEpoch = boundEpoch;
                if (phase == BETWEEN) {
                    pool.beforeItem(pwq); // the slot holder: flush batched retires that must not wait for this item
                    PHASE.setRelease(this, IN_ITEM);
                    if (wq.cpuIntensive) {
                        releaseSlot(null); // CPU_INTENSIVE items do not hold the CPU's run slot
                    }
                }
            } else {
                beforeUnboundItem(pwq);
            }
            final boolean jfr = io.corewq.observe.jfr.JfrEvents.workEnabled(); // one volatile read when off
            final long t0 = jfr ? System.nanoTime() : 0L;
            // Each item starts with its thread's interrupt status clear, as ThreadPoolExecutor's
            // tasks do: one that an earlier item left (the "restore the interrupt" idiom), or that
            // came from outside between items, belongs to nobody here (it reached the next item;
            // found by review, 2026-11-22). The idle parks clear it too, or they would return at
            // once for ever. A read of a field when nothing is set.
            Thread.interrupted();
            try {
                w.fn.run();
            } catch (Throwable t) {
                wq.exceptions.increment();
                pool.rt.reportException(w, wq, t);
            }
            if (jfr) {
                io.corewq.observe.jfr.JfrEvents.work(wq.name(), w.name(), pool.cpu, t0, System.nanoTime());
            }
            boolean holdsSlot = false;
            if (managed && phase == IN_ITEM) {
                holdsSlot = PHASE.compareAndSet(this, IN_ITEM, BETWEEN); // fails only if the slot was revoked
            } else if (heldRetires.count != 0 && !HELD.compareAndSet(this, holdStamp, 0L)) {
                heldRetires.clear(); // the monitor took them over (and retired them)
                held = 0L;
            }
            current = null;
            currentPwq = null;
            for (;;) {
                long st = w.state;
                if ((st & Work.DEFERRED) != 0) {
                    PoolWorkqueue dp = w.deferPwq;
                    int dc = w.deferColor;
                    int ds = w.deferSeq;
                    if (Work.STATE.compareAndSet(w, st, st & ~(Work.DEFERRED | Work.PENDING))) {
                        wq.completed.increment();
                        pwq.retire(color);
                        w.wakeWaiters();
                        pwq = dp;
                        color = dc;
                        seq = ds;
                        break;
                    }
                } else if (Work.STATE.compareAndSet(w, st, st & ~Work.RUNNING)) {
                    Node next = null;
                    if (holdsSlot) {
                        pool.retireLater(pwq, color); // the carrier: batched (its completed count too), see WorkerPool.retireLater
                        if (w.waiters != null) {
                            pool.flushRetires(); // a waiter woken now sees the counts without this item
                        }
                    } else if (holds && pwq.limit() >= HOLD_MIN_LIMIT && !pwq.wantsPromptRetire()) {
                        heldRetires.add(pwq, color); // an unbound worker: held back, as a carrier batches (below)
                        if (w.waiters != null) {
                            giveHeldBack();
                        }
                    } else {
                        if (holds) {
                            giveHeldBack();
                        }
                        wq.completed.increment();
                        next = retireNow(pwq, color);
                    }
                    w.wakeWaiters();
                    return next;
                }
            }
        }
    }

    /**
     * Retires a finished or dropped instance at once (not in a carrier's batch). An unbound
     * pool's worker may get the next inactive entry to run back ({@link #retireTakingNext});
     * returns as {@link #process}.
     */
    private Node retireNow(PoolWorkqueue pwq, int color) {
        if (rescuerOf == null && !pool.isBound()) {
            return retireTakingNext(pwq, color);
        }
        pwq.retire(color, rescuerOf == null); // a pool worker polls next; a rescuer may not
        return null;
    }

    /**
     * An unbound pool's worker finished (or dropped) an instance of {@code pwq}: retires it, or,
     * when entries of {@code pwq} wait inactive and nothing waits on the worklist, passes its
     * active slot to the oldest of them and returns that entry to be run next
     * ({@link PoolWorkqueue#takeNextInactive}). An ordered workqueue under a stream of items is
     * then run by one worker going down the inactive list, each item's slot passing to the next.
     *
     * <p>Along such a chain the finished instances' color tickets are batched, as a carrier
     * batches its retires: the producers CAS the pwq's word on every queue, and one atomic add
     * per {@link WorkerPool#RETIRE_BATCH} items instead of per item keeps that cache line with
     * them. The batch is given back at the end of the chain, after {@code RETIRE_BATCH} items,
     * and before an item when the pwq has a flusher or is retiring. A flush therefore never waits
     * for it beyond the item running now, which it waits for anyway: that item was queued, and
     * took its color ticket, before this worker popped it and then saw no flusher, so before the
     * flusher set {@code flusher} and flipped the colors. The active slot is checked against the
     * limit when the chain starts and again whenever the limit changed (setMaxActive, freeze).
     */
    private Node retireTakingNext(PoolWorkqueue pwq, int color) {
        final boolean inChain = chainPwq == pwq;
        if (!inChain) {
            endChain();
        }
        final int version = pwq.limitVersion(); // before the limit: see slotPassable
        final int lim = pwq.limit();
        // The inactive list first: an unsaturated pwq's word is not read twice per retire. The slot
        // is checked once, for both ways of passing it (within a chain, an unchanged limit suffices).
        final boolean two = pwq.inactive.hasTwo();
        final boolean passable = (two || !pwq.inactive.isEmpty()) && ((inChain && lim == chainLimit) || slotPassable(pwq, version, lim));
        final Node n = passable && two ? pwq.takeNextInactive() : null;
        if (n == null) {
            endChain();
            if (passable && pwq.passSlotToInactive()) {
                holdTicket(pwq, color); // the slot went to the entry it queued
            } else {
                pwq.retire(color, true);
            }
            return null;
        }
        chainPwq = pwq;
        chainLimit = lim;
        chainDelta += PoolWorkqueue.colorDelta(color);
        if (++chainCount >= WorkerPool.RETIRE_BATCH || pwq.wq.flusher != null || pwq.retired) {
            flushChain();
        }
        return n;
    }

    /**
     * Whether this worker's finished instance of {@code pwq} may pass its active slot on
     * ({@link PoolWorkqueue#slotPassable}): the word is read once per {@link WorkerPool#RETIRE_BATCH}
     * passes while the limit stays the same ({@code version}, read before {@code lim}). Past
     * max_active every item's slot passes on; reading the word for each of them took its cache
     * line from the producers, whose next CAS took it back.
     */
    private boolean slotPassable(PoolWorkqueue pwq, int version, int lim) {
        if (passPwq == pwq && passVersion == version && --passCredit > 0) {
            return true;
        }
        if (!pwq.slotPassable(lim)) {
            passPwq = null;
            return false;
        }
        passPwq = pwq;
        passVersion = version;
        passCredit = WorkerPool.RETIRE_BATCH;
        return true;
    }

    /**
     * Holds back the color ticket of a finished instance of {@code pwq} whose slot passed to an
     * inactive entry ({@link PoolWorkqueue#passSlotToInactive}; its completion was counted
     * already). See "held tickets" below.
     */
    private void holdTicket(PoolWorkqueue pwq, int color) {
        if (ticketPwq != pwq) {
            giveTicketsBack(true);
            ticketPwq = pwq;
        }
        ticketDelta += PoolWorkqueue.colorDelta(color);
        if (++ticketCount >= WorkerPool.RETIRE_BATCH) {
            giveTicketsBack(true);
        }
    }

    /**
     * Gives the held tickets back: one atomic add on the word, and the pump re-check that follows
     * any retire. {@code pollsNext}: as {@link PoolWorkqueue#retireBatch}. CONTEXT: this worker.
     */
    private void giveTicketsBack(boolean pollsNext) {
        if (ticketCount != 0) {
            PoolWorkqueue p = ticketPwq;
            long d = ticketDelta;
            ticketPwq = null;
            ticketDelta = 0;
            ticketCount = 0;
            p.retireBatch(d, pollsNext);
        }
    }

    /** Gives back the current chain's batched color tickets (see {@link #retireTakingNext}). */
    private void flushChain() {
        if (chainCount != 0) {
            long d = chainDelta;
            chainDelta = 0;
            chainCount = 0;
            chainPwq.retireBatch(d, true); // color tickets only: no slot is freed
        }
    }

    /** Ends the current chain, if any: its tickets go back; the next retire starts afresh. */
    private void endChain() {
        if (chainPwq != null) {
            flushChain();
            chainPwq = null;
        }
    }

    /**
     * From inside an item: retires the pool's batched instances now (deadlock checks read the
     * counts). Briefly leaves IN_ITEM so no revoker flushes the batch at the same time.
     */
    void flushRetiresInItem() {
        if (pool.isBound() && PHASE.compareAndSet(this, IN_ITEM, BETWEEN)) { // a rescuer's pool is unbound
            pool.flushRetires();
            PHASE.setRelease(this, IN_ITEM);
        } else if (!pool.isBound()) {
            giveHeldBackInItem();
        }
    }

    // ---- held retires (unbound pools) ---------------------------------------------------------

    /*
     * An unbound worker that finished an instance of a pwq holds the retire back (heldRetires),
     * summed with its previous ones of the same pwq and given back with one atomic add, as a
     * carrier batches its retires (WorkerPool.retireLater): the pwq's word is CASed by every
     * producer, and an add per item would move its cache line to the worker and back.
     *
     * The held instances' active slots and color tickets are given back after RETIRE_BATCH of
     * them, before an item of another pwq, before an item when the pwq wants its counts now
     * (wantsPromptRetire: a flush, drain or freeze, entries waiting inactive, retiring), after a
     * few empty polls or before the worker goes idle, and when a finished item has waiters. Only
     * pwqs with a limit of at least HOLD_MIN_LIMIT are held back, so one worker holds at most
     * half of the slots (several workers may hold more between them, until their next step).
     *
     * A flush never waits for held retires beyond the item running now, which it waits for
     * anyway (the item was popped before the worker saw no flusher, so queued before the flush
     * flipped the colors). But an item may block while entries queued after it began wait
     * inactive for the slots held back (a barrier of max_active parties): the monitor revokes a
     * blocked carrier and flushes its batch, and an unbound worker is not concurrency-managed,
     * so its held retires are made revocable instead. While it runs an item holding retires,
     * its held word carries the item's stamp; the monitor, seeing the same stamp in two passes,
     * CASes it to HELD_REVOKED and gives them back (revokeHeld); the worker's CAS back to 0 at
     * the end of the item then fails, and it drops its copy. The stamps are unique, so the
     * monitor's CAS succeeds only if the fields it read were the ones held during that item.
     * Cost: a release store and a CAS on this worker's own line per item, against an atomic add
     * on the producers' line.
     */

    /*
     * Held tickets. Past max_active a finished instance's slot passes to an inactive entry
     * (PoolWorkqueue.passSlotToInactive), which leaves only its color ticket to give back. A
     * profile of the producer on that path put as many samples on its CAS of the word as on its
     * claim of the item: the passing worker took the word's line once per item, for the ticket
     * and for the slot check. So the tickets are held back (holdTicket) and the slot check is
     * remembered while the limit stays the same (slotPassable). Held tickets keep no entry
     * waiting; only a flush or drain counts them, and a retiring pwq's reaping. They go back
     * after RETIRE_BATCH of them, before an item of another pwq, before an item of this pwq when
     * it wantsTicketsNow (a flusher, or retiring), after a few empty polls or at once when wanted
     * while idle, before the worker parks or ends, and before it blocks in an item (or a deadlock
     * check reads the counts). A flush waits for them no longer than for held retires (above).
     * The monitor need not revoke them: no item can wait for a ticket. They are kept apart from
     * heldRetires so that the path with nothing inactive runs as before. The completion was
     * counted when the item finished.
     */

    /**
     * An unbound worker (or a rescuer, which holds nothing) is about to run an instance of
     * {@code pwq}: gives back the held tickets and retires that must not wait for it, and stamps
     * the held retires that stay, so that the monitor may take them over while the item runs.
     */
    private void beforeUnboundItem(PoolWorkqueue pwq) {
        if (ticketCount != 0 && (ticketPwq != pwq || pwq.wantsTicketsNow())) {
            giveTicketsBack(true);
        }
        if (heldRetires.count == 0) {
            return;
        }
        if (heldRetires.pwq != pwq || pwq.wantsPromptRetire()) {
            giveHeldBack();
        } else {
            HELD.setRelease(this, ++holdStamp);
            if (kickOnHold) {
                kickOnHold = false;
                pool.rt.monitor.kick();
            }
        }
    }

    /** Gives the held retires back now (their completions first). CONTEXT: this worker, between items. */
    void giveHeldBack() {
        heldRetires.flush();
    }

    /**
     * From inside an item (about to block, or a deadlock check reading the counts): gives the
     * held retires back unless the monitor took them over already. CONTEXT: this unbound worker.
     */
    private void giveHeldBackInItem() {
        if (heldRetires.count != 0 && HELD.compareAndSet(this, holdStamp, 0L)) {
            giveHeldBack();
        }
        giveTicketsBack(false); // never revoked: nobody else gives them back
    }

    /** The unbound worker's retire- and ticket-holding while idle: given back after a few empty polls, or at once when wanted. */
    private void giveHeldBackWhenIdle(int idleRounds) {
        if (heldRetires.count != 0 && (idleRounds >= WorkerPool.RETIRE_IDLE_ROUNDS || heldRetires.pwq.wantsPromptRetire())) {
            giveHeldBack();
        }
        if (ticketCount != 0 && (idleRounds >= WorkerPool.RETIRE_IDLE_ROUNDS || ticketPwq.wantsTicketsNow())) {
            giveTicketsBack(true);
        }
    }

    /** Tests: how many finished instances this unbound worker holds back now. CONTEXT: this worker. */
    int heldCount() {
        return heldRetires.count;
    }

    /** The monitor: the item stamp seen in {@link #held} now (0 or negative when nothing is revocable). */
    long heldStamp() {
        return held;
    }

    /**
     * The monitor saw this worker in the same item, holding retires, in two passes: takes them
     * over and gives them back (see the section "held retires" below). CONTEXT: the monitor thread.
     */
    void revokeHeld(long stamp) {
        final RetireBatch b = heldRetires;
        PoolWorkqueue p = b.pwq; // published by the release store of stamp; stable while it stays
        long d = b.delta;
        int n = b.count;
        if (p == null || n == 0 || !HELD.compareAndSet(this, stamp, HELD_REVOKED)) {
            return; // the item ended meanwhile: the worker gives them back itself
        }
        RetireBatch.apply(p, d, n, false);
    }

    /** The per-workqueue counters a worker or the monitor bumps. */
    enum Counter {
        CM_WAKEUP, CPU_HOG, MAYDAY, RESCUED
    }
}
