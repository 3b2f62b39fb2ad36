// A reusable, caller-owned work item (the kernel's work_struct): PENDING claim, non-reentrancy, flush and cancel.
package io.corewq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A reusable work item: a function plus the state that makes queueing it allocation-free and its
 * execution non-reentrant. Create it once and queue it as often as you like.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link Workqueue#queue(Work)} returns {@code false} and does nothing while the item is pending
 *       or {@linkplain #disable() disabled}. Actions of a thread before a {@code true} return
 *       happen-before the function's run for that instance.</li>
 *   <li>PENDING is cleared, with a full fence, before the function runs: the function may requeue its
 *       own item.</li>
 *   <li>The function never runs on two threads at once. An instance queued while the item runs is
 *       executed after the running one, by the same worker.</li>
 *   <li>Completion of a run happens-before {@link #flush()} / {@link #cancelSync()} return for it.</li>
 * </ul>
 *
 * <h2>Implementation overview</h2>
 * All of the item's shared state is one 64-bit word, changed only by CAS:
 * <pre>
 *   63 ........ 32 | 31 .... 24 | 23 ........ 8 | 7 .. 0
 *   queue sequence |  (unused)  | disable count | flags: PENDING RUNNING DEFERRED TIMER QUEUED
 * </pre>
 * The winner of the PENDING bit bumps the sequence and writes a {@link Node} (the item itself when
 * free) that carries the sequence. QUEUED says the item's own entry sits in a queue (live or
 * stale); a plain queue takes it in the same CAS as PENDING, and the popper gives it back in the
 * same CAS that starts the run, so the common path needs no second atomic for the entry. A popped entry is live only if the word still has PENDING and the
 * same sequence; a cancel clears PENDING (or, when it re-arms, bumps the sequence), so the entry left
 * in the lock-free queue goes stale and is dropped when popped: nothing is ever removed from the
 * middle of a queue. RUNNING is set in the same CAS that clears PENDING; an entry popped while the
 * item still runs elsewhere is DEFERRED to the runner, which runs it after the current instance
 * (the kernel's collision/scheduled list). Waiters (flush, cancelSync) park on a Treiber stack and
 * are woken by whoever retires an instance.
 */
public class Work extends Node {
    // ---- the state word -------------------------------------------------------------------
    static final long PENDING = 1L;
    static final long RUNNING = 1L << 1;
    static final long DEFERRED = 1L << 2;
    static final long TIMER = 1L << 3;
    /** The item's own entry (the item as its primary {@link Node}) is in a worklist or inactive list. */
    static final long QUEUED = 1L << 4;
    /** In a {@link #tryClaim} result: the claim took the item's own entry too. */
    static final long OWN_ENTRY = 1L << 32;
    static final int DISABLE_SHIFT = 8;
    static final long DISABLE_UNIT = 1L << DISABLE_SHIFT;
    static final long DISABLE_MASK = 0xFFFFL << DISABLE_SHIFT;
    static final long SEQ_UNIT = 1L << 32;

    static final VarHandle STATE;
    static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Work.class, "state", long.class);
            WAITERS = l.findVarHandle(Work.class, "waiters", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Immutable: the function. */
    final Runnable fn;
    /** Immutable: a description for dumps and errors, or null (then the function's class). */
    final String name;

    /** Any thread, CAS only: the state word described above. */
    volatile long state;

    /** PENDING owner (plain; racy reads by deadlock checks and dumps): the entry of the pending instance. */
    Node liveEntry;

    /** Under this item's monitor (written), racy-free reads under it too: spare entries for instances queued while a stale entry is still queued. */
    private Node[] spares;

    /** Written by the consumer that sets DEFERRED (before the CAS); read by the runner after seeing it. */
    PoolWorkqueue deferPwq;
    int deferColor;
    int deferSeq;

    /** Runner only (plain; racy reads by dumps): the worker that ran the item last. */
    Worker runner;
    /** Runner only (release store, acquire load): sequence of the instance being run. */
    int runSeq;

    static final VarHandle RUN_SEQ;

    static {
        try {
            RUN_SEQ = MethodHandles.lookup().findVarHandle(Work.class, "runSeq", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Any thread, CAS: threads waiting in flush/cancelSync. */
    volatile Waiter waiters;

    /** Creates an item running {@code fn}. */
    public Work(Runnable fn) {
        this(null, fn);
    }

    /** Creates an item running {@code fn}, described as {@code name} in dumps and errors. */
    public Work(String name, Runnable fn) {
        super(null);
        this.fn = Objects.requireNonNull(fn, "work function is null");
        this.name = name;
    }

    /** The description given at construction, or the function's class name. */
    public String name() {
        return name != null ? name : fn.getClass().getName();
    }

    @Override
    public String toString() {
        return "Work[" + name() + "]";
    }

    // ---- queries -------------------------------------------------------------------------

    /** Whether an instance is queued, deferred behind the running one, or armed on a timer. */
    public boolean isPending() {
        return (state & PENDING) != 0;
    }

    /** Whether the function is running now. */
    public boolean isRunning() {
        return (state & RUNNING) != 0;
    }

    /** Pending or running (the kernel's work_busy() != 0). */
    public boolean isBusy() {
        return (state & (PENDING | RUNNING)) != 0;
    }

    /** Whether queue attempts are refused because of {@link #disable()}. */
    public boolean isDisabled() {
        return (state & DISABLE_MASK) != 0;
    }

    static int seqOf(long st) {
        return (int) (st >>> 32);
    }

    // ---- queueing (called by Workqueue) --------------------------------------------------

    /**
     * Claims PENDING for a new instance, with {@code extraFlags} (TIMER for an armed item). With
     * {@code takeOwnEntry} (queue, queueOn: the instance is inserted right away), the same CAS also
     * takes the item's own entry (QUEUED) when it is free.
     *
     * @return the new instance's sequence in the low 32 bits, plus {@link #OWN_ENTRY} when the
     *     item's own entry was taken; -1L when pending or disabled
     */
    final long tryClaim(long extraFlags, boolean takeOwnEntry) {
        for (;;) {
            long st = state;
            if ((st & (PENDING | DISABLE_MASK)) != 0) {
                return -1L;
            }
            long own = takeOwnEntry && (st & QUEUED) == 0 ? QUEUED : 0L;
            long next = (st + SEQ_UNIT) | PENDING | extraFlags | own;
            if (STATE.compareAndSet(this, st, next)) {
                return (seqOf(next) & 0xFFFF_FFFFL) | (own != 0 ? OWN_ENTRY : 0L);
            }
        }
    }

    /**
     * Claims a free entry for a new instance: the item itself unless its stale entry is still in
     * some queue, else a spare. The claim (an atomic: QUEUED for the item itself, the spare's own
     * flag otherwise) happens before the entry's fields are written. Usually one thread inserts at a
     * time (the owner of PENDING), but a timer fire or a re-arm can lose PENDING to a cancel and a
     * new queue while it still inserts its (by then stale) instance: both then claim here, and get
     * different entries.
     *
     * @param ownClaimed the caller's PENDING claim took the item's own entry already
     */
    final Node freeEntry(boolean ownClaimed) {
        if (ownClaimed) {
            return this;
        }
        if ((state & QUEUED) == 0 && ((long) STATE.getAndBitwiseOr(this, QUEUED) & QUEUED) == 0) {
            return this; // we set QUEUED (setting it when already set changes nothing)
        }
        synchronized (this) { // slow path: only after a cancel left a stale entry queued
            Node[] s = spares;
            if (s != null) {
                for (Node n : s) {
                    if (n.claim()) {
                        return n;
                    }
                }
            }
            Node n = new Node(this);
            n.claim();
            Node[] grown = new Node[s == null ? 1 : s.length + 1];
            if (s != null) {
                System.arraycopy(s, 0, grown, 0, s.length);
            }
            grown[grown.length - 1] = n;
            spares = grown;
            return n;
        }
    }

    /**
     * Takes the pending instance away from wherever it waits (worklist, inactive list, deferred
     * slot, timer), leaving the caller owner of PENDING with a fresh sequence that no entry carries.
     *
     * @return the owned state word, or -1 when the item was not pending
     */
    final long grabPending() {
        for (;;) {
            long st = state;
            if ((st & PENDING) == 0) {
                return -1L;
            }
            if ((st & TIMER) != 0) {
                long owned = ((DelayedWork) this).stopTimer();
                if (owned != -1L) {
                    wakeWaiters();
                    return owned;
                }
                continue;
            }
            if ((st & DEFERRED) != 0) {
                PoolWorkqueue dp = deferPwq;
                int dc = deferColor;
                long next = (st & ~DEFERRED) + SEQ_UNIT;
                if (STATE.compareAndSet(this, st, next)) {
                    dp.retire(dc);
                    wakeWaiters();
                    return next;
                }
                continue;
            }
            long next = st + SEQ_UNIT; // the queued entry goes stale; its popper retires it
            if (STATE.compareAndSet(this, st, next)) {
                wakeWaiters();
                return next;
            }
        }
    }

    /**
     * Releases PENDING that the caller owns as {@code owned}, with TIMER if set (an arm that gives
     * its claim back before its item entered a heap); false if someone else took it meanwhile.
     */
    final boolean releasePending(long owned) {
        long st = owned;
        for (;;) {
            if ((st & PENDING) == 0 || seqOf(st) != seqOf(owned)) {
                return false;
            }
            if (STATE.compareAndSet(this, st, st & ~(PENDING | TIMER))) {
                wakeWaiters();
                return true;
            }
            st = state;
        }
    }

    /**
     * Gives back a claim whose instance could not be queued (its workqueue was destroyed): frees
     * the entry taken for it and clears PENDING if the instance still holds it, waking waiters.
     * CONTEXT: the owner of PENDING for instance {@code seq}, which never offered {@code entry}.
     */
    final void abandonClaim(Node entry, int seq) {
        if (entry == this) {
            clearQueued();
        } else {
            entry.markPopped();
        }
        releasePending(((long) seq << 32) | PENDING);
    }

    /** CONTEXT: the popper of this item's own entry, after reading its fields: the entry is free again. */
    final void clearQueued() {
        STATE.getAndBitwiseAnd(this, ~QUEUED);
    }

    // ---- cancel, disable ------------------------------------------------------------------

    /**
     * Removes a pending instance (queued, deferred, or armed). The function may still be running
     * when this returns.
     *
     * @return whether a pending instance was removed
     */
    public boolean cancel() {
        for (;;) {
            long owned = grabPending();
            if (owned == -1L) {
                return false;
            }
            if (releasePending(owned)) {
                return true;
            }
        }
    }

    /**
     * Cancels a pending instance and waits until the function is not running anywhere. Queue
     * attempts fail while this runs, so an item that requeues itself is stopped too.
     *
     * @return whether a pending instance was removed
     * @throws IllegalStateException when called from the item's own function, or when an
     *     {@link #enable()} without its {@link #disable()} undid this call's temporary disable
     *     meanwhile (the item may then have been queued again while this ran)
     */
    public boolean cancelSync() {
        checkNotSelf("cancelSync");
        addDisable(+1);
        boolean was;
        try {
            was = cancel();
            awaitNotRunning();
        } finally {
            if (addDisable(-1) < 0) {
                // The kernel only warns here; a foreign enable() used to surface as
                // "enable() ... not disabled" from this call (found by review, 2026-11-22).
                throw new IllegalStateException("cancelSync() of " + this + ": an enable() without its disable() undid "
                        + "cancelSync's temporary disable while it ran, so the item may have been queued again");
            }
        }
        return was;
    }

    /**
     * Disables the item (counted): until the matching {@link #enable()}, every queue attempt returns
     * {@code false}. A pending instance is cancelled.
     *
     * @return whether a pending instance was cancelled
     */
    public boolean disable() {
        addDisable(+1);
        return cancel();
    }

    /** {@link #disable()} and wait until the function is not running. */
    public boolean disableSync() {
        checkNotSelf("disableSync");
        boolean was = disable();
        awaitNotRunning();
        return was;
    }

    /**
     * Undoes one {@link #disable()}.
     *
     * @return whether the item is enabled now (the count reached zero)
     * @throws IllegalStateException when the item is not disabled
     */
    public boolean enable() {
        int left = addDisable(-1);
        if (left < 0) {
            throw new IllegalStateException("enable() of " + this + " which is not disabled");
        }
        return left == 0;
    }

    /** Adds {@code delta} to the disable count; returns the new count, or -1 (nothing changed) if it would go below 0. */
    private int addDisable(int delta) {
        for (;;) {
            long st = state;
            long count = (st & DISABLE_MASK) >>> DISABLE_SHIFT;
            long next = count + delta;
            if (next < 0) {
                return -1;
            }
            if (next > 0xFFFF) {
                throw new IllegalStateException("disable count of " + this + " overflows (" + next + ")");
            }
            if (STATE.compareAndSet(this, st, (st & ~DISABLE_MASK) | (next << DISABLE_SHIFT))) {
                return (int) next;
            }
        }
    }

    // ---- flush ----------------------------------------------------------------------------

    /**
     * Waits until the last queued instance has finished running (an instance armed on a timer is
     * not waited for; see {@link DelayedWork#flush()}). Not livelocked by requeueing.
     *
     * @return whether it had to wait
     * @throws IllegalStateException when called from the item's own function
     */
    public boolean flush() {
        checkNotSelf("flush");
        long st = state;
        if ((st & (PENDING | RUNNING)) == 0) {
            return false;
        }
        int target = seqOf(st);
        if (!flushBusy(target)) {
            return false;
        }
        FlushDependency.check(this, "flush");
        Worker me = Worker.current();
        if (me != null) {
            me.waitingOn = this;
        }
        try {
            return awaitFlush(target);
        } finally {
            if (me != null) {
                me.waitingOn = null;
            }
        }
    }

    private boolean awaitFlush(int target) {
        boolean interrupted = false;
        while (flushBusy(target)) {
            pushWaiter();
            if (flushBusy(target)) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** Whether instance {@code target} (or an older one) is still queued or running. */
    private boolean flushBusy(int target) {
        long st = state;
        if ((st & PENDING) != 0 && (st & TIMER) == 0 && seqOf(st) == target) {
            return true;
        }
        return (st & RUNNING) != 0 && (int) RUN_SEQ.getAcquire(this) - target <= 0;
    }

    final void awaitNotRunning() {
        if ((state & RUNNING) == 0) {
            return;
        }
        boolean interrupted = false;
        while ((state & RUNNING) != 0) {
            pushWaiter();
            if ((state & RUNNING) != 0) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    final void checkNotSelf(String op) {
        Worker me = Worker.current();
        if (me != null && me.current == this) {
            throw new IllegalStateException(op + "() of " + this + " from inside its own function would wait forever");
        }
    }

    // ---- waiters: a Treiber stack, drained whole by the waker ------------------------------

    static final class Waiter {
        final Thread thread;
        Waiter next;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    /** Pushes a fresh node for the calling thread (slow path: only flush and cancelSync wait). */
    private void pushWaiter() {
        Waiter n = new Waiter(Thread.currentThread());
        for (;;) {
            Waiter head = waiters;
            n.next = head;
            if (WAITERS.compareAndSet(this, head, n)) {
                return;
            }
        }
    }

    /** Wakes every waiter; cheap (one volatile read) when there are none. */
    final void wakeWaiters() {
        if (waiters == null) {
            return;
        }
        Waiter w = (Waiter) WAITERS.getAndSet(this, (Waiter) null);
        while (w != null) {
            LockSupport.unpark(w.thread);
            w = w.next;
        }
    }
}
