// The link between one workqueue and one worker pool (the kernel's pool_workqueue): max_active, inactive list, flush colors.
package io.corewq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * One workqueue's presence in one pool. It owns:
 * <ul>
 *   <li>the <b>active</b> count (instances on the worklist, deferred or running) bounded by
 *       {@link #limit} (max_active, or 0 while frozen): an instance that fits is pushed onto the
 *       pool's worklist; otherwise it waits FIFO on {@link #inactive};</li>
 *   <li>the <b>flush colors</b>: the in-flight count of each of two colors, so that
 *       {@link Workqueue#flush()} waits for exactly the instances queued before it.</li>
 * </ul>
 *
 * <h2>Implementation overview</h2>
 * All three counts and the current color share one 64-bit word, so queueing costs one CAS and
 * retiring one atomic add on this pwq (the producer and the consumer of a per-CPU pwq run on
 * different CPUs; every extra shared write is a cache-line transfer per item):
 * <pre>
 *   63 ...... 51 | 50 ........ 26 | 25 ......... 1 | 0
 *   active (13)  | color 1 (25)   | color 0 (25)   | current color
 * </pre>
 * Enqueue: take a color ticket and, if nobody waits inactive and active &lt; limit, an active
 * slot, in the same CAS. An entry parked on the inactive list is followed by {@link #pump()},
 * which re-checks for a slot: that closes the race with a retire that freed one before the entry
 * was visible. Retire gives the ticket and the slot back in one add, then pumps if entries wait.
 * A worker of an unbound pool may instead pass a finished instance's slot straight to the oldest
 * inactive entry and run it itself, giving the color tickets back in batches
 * ({@link #takeNextInactive}, {@code Worker.retireTakingNext}).
 * {@code limit} lives on another cache line: it is read on every enqueue and written only by
 * setMaxActive and freeze/thaw.
 */
final class PoolWorkqueue {
    private static final VarHandle WORD;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WORD = l.findVarHandle(PoolWorkqueue.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int C0_SHIFT = 1;
    private static final int C1_SHIFT = 26;
    private static final int ACTIVE_SHIFT = 51;
    /** The most in-flight instances of one color (package-private for the overflow test). */
    static final long COUNT_MASK = (1L << 25) - 1;
    private static final long ACTIVE_MASK = (1L << 13) - 1;
    private static final long ACTIVE_UNIT = 1L << ACTIVE_SHIFT;

    /** Immutable. */
    final Workqueue wq;
    /** Immutable. */
    final WorkerPool pool;
    /** Written by setMaxActive/freeze/thaw (under the workqueue's monitor); read by producers. */
    private volatile int limit;
    /**
     * Bumped after every write of {@link #limit} (under the same monitor). Workers that checked the
     * active count against the limit once need not re-read the word while it stays the same: see
     * {@link #slotPassable}.
     */
    private volatile int limitVersion;
    /** Under the workqueue's monitor: replaced by applyAttrs; drains, then dies. */
    volatile boolean retired;
    /** Under the workqueue's monitor: retired and empty; enqueue backs out (see {@link #enqueue}). */
    volatile boolean dead;

    // keep the hot word off the line of the read-mostly fields above
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    /** Any thread, CAS / atomic add: active count, per-color in-flight counts, current color. */
    private volatile long word;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;

    /**
     * Entries waiting for an active slot, FIFO. Producers: any thread. Consumer: whoever holds
     * {@link #pumping} (so an MPSC queue suffices). Intrusive: parking an entry never allocates,
     * however long the backlog (ordered workqueues park nearly every entry).
     */
    final NodeQueue inactive = new NodeQueue();
    /**
     * The pump turn: {@link #TURN_FREE}; {@link #TURN_HELD} while a thread that looks for free
     * slots after letting go ({@link #pump}, and {@link #takeNextInactive} where a slot can be
     * free) consumes the inactive list; {@link #TURN_PASSING} while {@link #passSlotToInactive},
     * which does not look, does; {@link #TURN_RECHECK} when, meanwhile, a {@link #pump()} that
     * found it passing asked it to look once it lets go. Taken with a CAS; let go with a plain
     * store, or a swap that reads the request from {@code TURN_PASSING}. A pump that finds the
     * turn {@code TURN_HELD} just leaves, as before the passing existed: no extra write on this
     * line, which every retiring worker of a saturated pwq tries. On its own cache line: the worker
     * going down an ordered chain writes it twice per item, and producers read the fields above on
     * every queue.
     */
    private final PaddedInt pumping = new PaddedInt();
    private static final int TURN_FREE = 0;
    private static final int TURN_HELD = 1;
    private static final int TURN_PASSING = 2;
    private static final int TURN_RECHECK = 3;

    PoolWorkqueue(Workqueue wq, WorkerPool pool, int maxActive) {
        this.wq = wq;
        this.pool = pool;
        this.limit = maxActive;
    }

    private static long unit(int color) {
        return color == 0 ? 1L << C0_SHIFT : 1L << C1_SHIFT;
    }

    static long countOf(long word, int color) {
        return (word >>> (color == 0 ? C0_SHIFT : C1_SHIFT)) & COUNT_MASK;
    }

    private static long activeOf(long word) {
        return (word >>> ACTIVE_SHIFT) & ACTIVE_MASK;
    }

    /**
     * Takes a queued instance: ticket, then activate or park inactive.
     *
     * <p>CONTEXT: caller owns the item's PENDING bit and filled in {@code n.pwq} and {@code n.seq}.
     */
    boolean enqueue(Node n) {
        final int lim = limit;
        boolean activated;
        long w;
        for (;;) {
            w = word;
            int color = (int) (w & 1);
            if (countOf(w, color) == COUNT_MASK) {
                throw new IllegalStateException("workqueue " + wq.name() + ": more than " + COUNT_MASK + " items in flight on one pool");
            }
            // the inactive list (whose head the pumper writes) is looked at only when a slot is free
            activated = activeOf(w) < lim && inactive.isEmpty();
            long next = w + unit(color) + (activated ? ACTIVE_UNIT : 0);
            if (WORD.compareAndSet(this, w, next)) {
                n.color = color;
                break;
            }
        }
        // setMaxActive/freeze write limit, then read the word (freeze waits for active 0); we CASed the
        // word, then read limit. One of us sees the other: a lowered limit makes us give the slot back
        // and wait inactive (an item started after freeze() returned, or past a lowered max_active;
        // found by review, 2026-11-22).
        if (activated && activeOf(w) >= limit) {
            activated = false;
            wakeFlusherIfEmptied((long) WORD.getAndAdd(this, -ACTIVE_UNIT), ACTIVE_UNIT);
        }
        // A retired pwq dies once empty: it sets dead, then re-reads the counts; we took our ticket,
        // then read dead. One of us sees the other (both sequentially consistent).
        if (dead) {
            long undo = unit(n.color) + (activated ? ACTIVE_UNIT : 0);
            wakeFlusherIfEmptied((long) WORD.getAndAdd(this, -undo), undo); // a flush may have seen our ticket
            return false;
        }
        n.activated = activated;
        if (activated) {
            pool.push(n, false);
        } else {
            inactive.offer(n);
            pump();
        }
        return true;
    }

    /** Takes an active slot if one is free. */
    private boolean tryActivate() {
        for (;;) {
            long w = word;
            if (activeOf(w) >= limit) {
                return false;
            }
            if (WORD.compareAndSet(this, w, w + ACTIVE_UNIT)) {
                return true;
            }
        }
    }

    /**
     * Activates inactive entries while slots are free. One pumper at a time (it is the inactive
     * list's single consumer); a thread that finds the turn taken leaves it to the holder, which
     * looks for free slots again after letting go (asked to with {@link #TURN_RECHECK} if it is
     * passing a slot on), so no free slot is left unused while entries wait.
     */
    void pump() {
        pump(false);
    }

    /**
     * As {@link #pump()}; {@code fromRetire}: called by a worker that just finished an item, which
     * will poll its pool next (so activating onto its own pool need not wake an idle worker).
     */
    private void pump(boolean fromRetire) {
        while (activeOf(word) < limit && !inactive.isEmpty()) {
            if (!takeTurnOrLeaveRecheck()) {
                return;
            }
            try {
                while (!inactive.isEmpty() && tryActivate()) {
                    Node n = inactive.poll(); // non-null: only the pumper consumes, and it saw an entry
                    n.activated = true;
                    pool.push(n, fromRetire);
                }
            } finally {
                pumping.set(TURN_FREE); // the loop looks again
            }
        }
    }

    /**
     * Takes the pump turn, or leaves it to its holder: one that looks for free slots after letting
     * go anyway ({@link #TURN_HELD}), or one passing a slot on, asked to look with a
     * {@link #TURN_RECHECK} ({@link #releasePassingTurn}). Whatever slot the caller saw free is then
     * seen by the holder's look. Returns whether the caller holds the turn.
     */
    private boolean takeTurnOrLeaveRecheck() {
        for (;;) {
            int t = pumping.get();
            if (t == TURN_FREE) {
                if (pumping.compareAndSet(TURN_FREE, TURN_HELD)) {
                    return true;
                }
            } else if (t != TURN_PASSING || pumping.compareAndSet(TURN_PASSING, TURN_RECHECK)) {
                return false;
            }
        }
    }

    /** Lets a {@link #TURN_PASSING} turn go; returns whether a pump asked the holder to look for free slots again. */
    private boolean releasePassingTurn() {
        return pumping.getAndSet(TURN_FREE) == TURN_RECHECK;
    }

    /**
     * An active instance is done (ran, or its stale entry was dropped): give back its slot and its
     * color ticket in one add, activate the next inactive entry, wake a flusher.
     */
    void retire(int color) {
        retire(color, false);
    }

    /**
     * As {@link #retire(int)}; {@code pollsNext}: the caller is a worker that goes straight back to
     * polling its pool (so an entry it activates onto that pool needs no idle worker woken).
     */
    void retire(int color, boolean pollsNext) {
        retireBatch(retireDelta(color), pollsNext);
    }

    /**
     * For a worker of an unbound pool that just finished an instance of this pwq and would poll
     * its pool next: when entries wait inactive and nothing waits on the pool's worklist, the
     * entry the worklist would hand out next is the oldest inactive one, so the finished
     * instance's active slot passes straight to it and the caller runs it itself (no activation
     * CAS, no trip through the worklist, no poll turn). Order is unchanged (the oldest inactive
     * entry, as {@link #pump()} would activate it), and so is fairness: with anything on the
     * worklist the caller retires as usual and the entry goes behind it. The word is left alone:
     * the caller still owes the finished instance's color ticket ({@link #colorDelta}) and must
     * give it back with {@link #retireBatch} (see {@link Worker}'s chain).
     *
     * <p>Only an entry with a successor is taken: the last one is left to the usual retire, so
     * a worker that has caught up with its producers does not take each entry the moment it is
     * linked, moving the entry's cache lines between the producer's CPU and its own once per item
     * (the chase that {@link WorkerPool#gather()} avoids on the worklist).
     *
     * <p>CONTEXT: an unbound pool's worker (not a rescuer), between items; the caller has seen two
     * entries waiting ({@link NodeQueue#hasTwo}) and checked that this pwq's active count is
     * within {@link #limit()} (it holds one of those slots).
     *
     * @return the activated entry the caller must run next, or null (the caller retires as usual)
     */
    Node takeNextInactive() {
        if (!pool.worklist.isEmpty() || !pumping.compareAndSet(TURN_FREE, TURN_HELD)) {
            return null;
        }
        Node n = inactive.hasTwo() ? inactive.poll() : null; // re-checked: another pumper may have taken some
        pumping.set(TURN_FREE);
        // A retire on another worker that found the pump turn taken left its free slot to us. With
        // limit 1 there is none: the only slot is the one passed on (setLimit writes limit before
        // it tries the turn, so a raise is seen here).
        if (limit > 1 && !inactive.isEmpty()) {
            pump(true);
        }
        if (n != null) {
            n.activated = true;
        }
        return n;
    }

    /**
     * For a worker of an unbound pool that just finished an instance of this pwq while entries
     * wait inactive and {@link #takeNextInactive} declined (the worklist has entries, or only one
     * waits inactive): passes the finished instance's active slot to the oldest inactive entry and
     * queues that entry on the pool's worklist, as {@link #pump()} would right after a retire freed
     * the slot, but without giving the slot back and taking it again: two atomic operations fewer
     * on the word that every producer CASes. Order is the pump's (the entry is pushed while the
     * pump turn is held). The caller still owes the finished instance's color ticket, which it
     * holds back with the next ones ({@code Worker}'s held tickets): the word is not touched here. A slot that another
     * retire freed, or a limit raised, while this one held the turn is taken care of by the
     * {@link #TURN_RECHECK} that their pump left.
     *
     * <p>CONTEXT: an unbound pool's worker (not a rescuer), between items; the caller checked
     * {@link #slotPassable} (it holds one of the slots within the limit).
     *
     * @return whether the slot passed; false: the caller retires as usual
     */
    boolean passSlotToInactive() {
        if (!pumping.compareAndSet(TURN_FREE, TURN_PASSING)) {
            return false;
        }
        Node n;
        try {
            n = inactive.poll();
            if (n != null) {
                n.activated = true;
                pool.push(n, true);
            }
        } finally {
            if (releasePassingTurn()) {
                pump(true);
            }
        }
        return n != null;
    }

    /**
     * Whether an active slot held by the caller may pass to an inactive entry: active count within
     * the limit. Passing a slot leaves the active count as it is, and nothing else activates an
     * entry beyond the limit, so once this held for a limit it keeps holding until the limit is
     * written again ({@link #limitVersion}): a caller may remember it for a while (see
     * {@code Worker.slotPassable}), sparing a read of the word that every producer CASes. The
     * one exception, an enqueue that read the limit just before it was lowered (it holds the slot
     * until it re-reads the limit after its CAS and gives it back), is why the caller checks again
     * now and then.
     */
    boolean slotPassable(int lim) {
        return lim > 0 && activeOf(word) <= lim;
    }

    /** See {@link #limitVersion}; read it before {@link #limit()}. */
    int limitVersion() {
        return limitVersion;
    }

    /** What giving back one color ticket of {@code color}, and no active slot, takes off the word. */
    static long colorDelta(int color) {
        return unit(color);
    }

    /** What retiring one instance of {@code color} takes off the word; deltas of one pwq add up. */
    static long retireDelta(int color) {
        return ACTIVE_UNIT + unit(color);
    }

    /**
     * Whether somebody waits on the color counts (a flush or drain set the workqueue's flusher) or
     * the pwq is being retired (it dies when they reach zero): color tickets held back without an
     * active slot ({@code Worker}'s held tickets) must then go back. Rarely written fields only.
     */
    boolean wantsTicketsNow() {
        return wq.flusher != null || retired;
    }

    /**
     * Whether a finished instance must be retired now rather than batched by its carrier (see
     * {@link WorkerPool#retireLater}): somebody waits on the counts (a flush, drain or freeze sets
     * the workqueue's flusher), an entry waits for an active slot, or the pwq is being retired.
     * Reads only fields that are written rarely, so the check costs no cache miss per item.
     */
    boolean wantsPromptRetire() {
        return wq.flusher != null || !inactive.isEmpty() || retired;
    }

    /**
     * Retires one or more finished instances at once: {@code delta} is the sum of their
     * {@link #retireDelta}s, or of their {@link #colorDelta}s when their active slots passed on
     * ({@link #takeNextInactive}; the pump re-check then finds no slot freed by this add). One
     * atomic add, then the follow-ups of {@link #retire(int, boolean)}.
     */
    void retireBatch(long delta, boolean pollsNext) {
        long before = (long) WORD.getAndAdd(this, -delta);
        if (!inactive.isEmpty()) {
            pump(pollsNext);
        }
        wakeFlusherIfEmptied(before, delta);
        if (retired && inFlightTotal() == 0) {
            wq.reapRetired(this);
        }
    }

    /**
     * After {@code delta} was taken off the word, which read {@code before}: wakes the workqueue's
     * flusher if that took a count it can wait on (either color's in-flight count, or the active
     * count: flush, drain and freeze) from non-zero to zero. Only such a change can end a wait, so
     * a flush during a stream of items is not woken once per finished item.
     */
    private void wakeFlusherIfEmptied(long before, long delta) {
        if (wq.flusher == null) {
            return;
        }
        long after = before - delta;
        if (countOf(before, 0) != 0 && countOf(after, 0) == 0
                || countOf(before, 1) != 0 && countOf(after, 1) == 0
                || activeOf(before) != 0 && activeOf(after) == 0) {
            wq.wakeFlusher();
        }
    }

    /** Sets the active limit (max_active, or 0 while frozen). CONTEXT: the workqueue's monitor. */
    void setLimit(int n) {
        limit = n;
        limitVersion++; // after the limit: a reader that sees the new version sees the new limit
        pump();
    }

    /**
     * Starts a new flush color.
     *
     * <p>CONTEXT: the workqueue's flush lock is held (one flusher at a time).
     *
     * @return the color to wait on
     */
    int flipColor() {
        for (;;) {
            long w = word;
            if (WORD.compareAndSet(this, w, w ^ 1L)) {
                return (int) (w & 1);
            }
        }
    }

    /**
     * Tests only (nothing in the engine calls it): takes {@code n} color tickets of the current
     * color, or gives them back when negative, with no entry behind them, so a test reaches the
     * in-flight limit ({@link #COUNT_MASK}) without queueing 33 M items. Returns that color.
     * CONTEXT: no flush in progress (the color must not flip between taking and giving back).
     */
    int phantomTickets(long n) {
        for (;;) {
            long w = word;
            int color = (int) (w & 1);
            if (WORD.compareAndSet(this, w, w + n * unit(color))) {
                return color;
            }
        }
    }

    long inFlight(int color) {
        return countOf(word, color);
    }

    long inFlightTotal() {
        long w = word;
        return countOf(w, 0) + countOf(w, 1);
    }

    /** Instances on the worklist, deferred or running. */
    long activeCount() {
        return activeOf(word);
    }

    int limit() {
        return limit;
    }

    /** Entries on the inactive list (live or stale): in-flight instances without an active slot. */
    int inactiveCount() {
        long w = word;
        return (int) Math.max(0, countOf(w, 0) + countOf(w, 1) - activeOf(w));
    }

    /**
     * For dumps: the inactive entries, oldest first, at most {@code limit}; taken while holding the
     * pump turn (so none is activated meanwhile), or empty if the turn stays busy.
     */
    List<Node> inactiveSnapshot(int limit) {
        for (int tries = 0; !pumping.compareAndSet(TURN_FREE, TURN_HELD); tries++) {
            if (tries == 1000) {
                return List.of();
            }
            Thread.yield();
        }
        try {
            return inactive.snapshot(limit);
        } finally {
            pumping.set(TURN_FREE);
            pump(); // a retire that found the turn taken left the activation to us
        }
    }
}
