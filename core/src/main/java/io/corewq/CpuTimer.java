// A per-CPU timer: a binary min-heap of armed delayed items, serviced by the CPU's carrier.
package io.corewq;

import java.util.Arrays;

/**
 * The timer of one CPU: an array-backed binary min-heap of {@link DelayedWork} ordered by
 * deadline, so arming and cancelling cost O(log n) and a million armed items take a few megabytes.
 *
 * <p>Arming and disarming happen on any thread under this object's monitor (they are not on the
 * queue -> run -> complete path). The carrier of the CPU peeks {@link #nextDeadline} without the
 * lock each loop and calls {@link #runExpired} when it has passed; expired items are taken out of
 * the heap under the lock and queued after it is released. Whoever arms an item that becomes the
 * earliest wakes the carrier if it is parked, so it re-computes its park time. The monitor fires
 * a timer left due for a whole period (a carrier busy in long items, or none); one thread at a
 * time fires ({@link #servicing}).
 *
 * <p>State changes of the TIMER bit happen only under the lock of the timer that holds (or is
 * about to hold) the item, and an item leaves the heap before its TIMER bit clears (after that,
 * another thread may take PENDING and arm it on another CPU's timer), so an item is in at most one
 * heap and its heap fields belong to that heap's lock.
 */
final class CpuTimer {
    /** Immutable. */
    final int cpu;
    /** Immutable: whom to wake when the earliest deadline moves earlier. */
    private final WorkerPool carrierPool;

    /** Under lock. */
    private DelayedWork[] heap = new DelayedWork[16];
    /** Under lock. */
    private int size;
    /** Written under lock, read lock-free by the carrier: the earliest deadline, MAX_VALUE if none. */
    private volatile long nextDeadline = Long.MAX_VALUE;
    /** CAS 0 -> 1 by the thread that fires due items, which alone uses the batch arrays below. */
    private volatile int servicing;
    private static final java.lang.invoke.VarHandle SERVICING;

    static {
        try {
            SERVICING = java.lang.invoke.MethodHandles.lookup().findVarHandle(CpuTimer.class, "servicing", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The {@link #servicing} thread only: scratch for expired items. */
    private final DelayedWork[] batch = new DelayedWork[256];
    private final int[] batchSeq = new int[256];
    private final Workqueue[] batchWq = new Workqueue[256];
    private final int[] batchCpu = new int[256];

    CpuTimer(int cpu, WorkerPool carrierPool) {
        this.cpu = cpu;
        this.carrierPool = carrierPool;
    }

    long nextDeadline() {
        return nextDeadline;
    }

    /** Whether an armed item is due at {@code now}. */
    boolean isDue(long now) {
        long next = nextDeadline;
        return next != Long.MAX_VALUE && now - next >= 0;
    }

    /** The longest delay armed as given; longer ones are capped (about 73 years) so deadlines never wrap. */
    static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;

    /** The deadline for a delay from now, saturating at {@link #MAX_DELAY_NANOS}. */
    static long deadlineAfter(long delayNanos) {
        return System.nanoTime() + Math.min(delayNanos, MAX_DELAY_NANOS);
    }

    synchronized int size() {
        return size;
    }

    /**
     * Claims PENDING for {@code dw} and arms it.
     *
     * @return false when the item was pending or disabled
     */
    boolean arm(DelayedWork dw, Workqueue wq, int targetCpu, long deadline) {
        boolean earliest;
        synchronized (this) {
            ensureCapacity(size + 1); // before the claim: an insert that failed (OutOfMemoryError) left TIMER|PENDING with no timer, and cancel/flush spun for ever
            long claimed = dw.tryClaim(Work.TIMER, false);
            if (claimed == -1L) {
                return false;
            }
            countArmedUnlessDestroyed(dw, (int) claimed, wq);
            earliest = insert(dw, wq, targetCpu, deadline);
        }
        if (earliest) {
            carrierPool.wakeForTimer();
        }
        return true;
    }

    /**
     * Arms an item whose PENDING the caller owns as {@code owned} (a re-arm by modDelayed).
     *
     * @return false when someone else took PENDING meanwhile (then nothing was armed)
     */
    boolean armOwned(DelayedWork dw, long owned, Workqueue wq, int targetCpu, long deadline) {
        boolean earliest;
        synchronized (this) {
            ensureCapacity(size + 1);
            long st = owned;
            for (;;) {
                if ((st & Work.PENDING) == 0 || Work.seqOf(st) != Work.seqOf(owned) || (st & Work.TIMER) != 0) {
                    return false;
                }
                if (Work.STATE.compareAndSet(dw, st, st | Work.TIMER)) {
                    break;
                }
                st = dw.state;
            }
            countArmedUnlessDestroyed(dw, Work.seqOf(owned), wq);
            earliest = insert(dw, wq, targetCpu, deadline);
        }
        // A flush that read the state between modDelayed's grab and this arm (PENDING without
        // TIMER) waits for the new instance; armed, it is not waited for, so let that flush look
        // again (it waited for the whole new delay before; found by review, 2026-11-22).
        dw.wakeWaiters();
        if (earliest) {
            carrierPool.wakeForTimer();
        }
        return true;
    }

    /**
     * Counts the arm of instance {@code seq} (TIMER|PENDING set, not yet in the heap), then reads
     * the workqueue's life: destroy sets DESTROYED, then reads the armed count, so one of them sees
     * the other. If the workqueue is destroyed the claim is given back (the item is left free) and
     * this throws. Arming takes no pool_workqueue ticket, so destroy's re-check of the tickets did
     * not see it: the arm returned true and the item fired into dead pool_workqueues, never to run
     * (found by review, 2026-11-22). Under the lock, so the instance cannot fire meanwhile.
     * CONTEXT: holds the monitor.
     */
    private static void countArmedUnlessDestroyed(DelayedWork dw, int seq, Workqueue wq) {
        wq.armedDelta(1);
        if (wq.isDestroyed()) {
            wq.armedDelta(-1);
            dw.releasePending(((long) seq << 32) | Work.PENDING); // TIMER with it: the item is left free
            throw new IllegalStateException("workqueue " + wq.name() + " is destroyed");
        }
    }

    /** CONTEXT: holds the monitor. Grows the heap to hold {@code n} items (may throw OutOfMemoryError). */
    private void ensureCapacity(int n) {
        if (n > heap.length) {
            heap = Arrays.copyOf(heap, Math.max(n, heap.length * 2));
        }
    }

    /** CONTEXT: holds the monitor. Returns whether dw became the earliest. */
    private boolean insert(DelayedWork dw, Workqueue wq, int targetCpu, long deadline) {
        dw.targetWq = wq;
        dw.targetCpu = targetCpu;
        dw.deadline = deadline;
        ensureCapacity(size + 1); // callers grow the heap before any state change; this only guards that rule
        int i = size++;
        heap[i] = dw;
        dw.heapIndex = i;
        siftUp(i);
        dw.timer = this;
        long old = nextDeadline;
        nextDeadline = heap[0].deadline;
        return heap[0] == dw && deadline < old;
    }

    /**
     * Disarms {@code dw} if it is armed here, bumping its sequence and keeping PENDING for the caller.
     *
     * @return the owned state, or -1 when it was not armed here
     */
    long disarm(DelayedWork dw) {
        Workqueue wq;
        long next;
        synchronized (this) {
            if (dw.timer != this) {
                return -1L;
            }
            wq = dw.targetWq;
            remove(dw); // out of the heap before TIMER clears: once it does, another thread may arm dw elsewhere
            for (;;) {
                long st = dw.state;
                next = (st & ~Work.TIMER) + Work.SEQ_UNIT;
                if (Work.STATE.compareAndSet(dw, st, next)) {
                    break;
                }
            }
        }
        wq.armedDelta(-1);
        return next;
    }

    /**
     * Fires {@code dw} now if it is armed here (flush_delayed_work).
     *
     * @return false when it was not armed here
     */
    boolean fireNow(DelayedWork dw) {
        int seq;
        Workqueue wq;
        int target;
        synchronized (this) {
            if (dw.timer != this) {
                return false;
            }
            wq = dw.targetWq;
            target = dw.targetCpu;
            remove(dw); // before TIMER clears (see disarm)
            seq = clearTimerBit(dw);
        }
        wq.insertFired(dw, seq, target, cpu); // queue before un-counting: drain never sees neither
        wq.armedDelta(-1);
        return true;
    }

    /**
     * {@link #runExpired(long)} at the current time, reading the clock only when an item is armed
     * (an idle carrier calls this on every spin round).
     */
    int runExpiredNow() {
        return nextDeadline == Long.MAX_VALUE ? 0 : runExpired(System.nanoTime());
    }

    /**
     * Queues every item whose deadline has passed (up to a batch; the rest on the next call).
     *
     * <p>CONTEXT: any thread: the CPU's carrier, a worker that held its slot, the monitor (a timer
     * left due for a period). One at a time services the timer
     * ({@link #servicing}); a caller that finds it taken returns 0, and the servicer, or the next
     * caller, fires what is left.
     *
     * @return how many items were fired
     */
    int runExpired(long now) {
        long next = nextDeadline;
        if (next == Long.MAX_VALUE || now - next < 0) {
            return 0;
        }
        // The batch arrays are filled under the lock and emptied outside it: two servicers at once
        // overwrote each other's entries, and the items lost were left PENDING with no timer, for
        // ever (found by review, 2026-11-22: a revoked carrier, the new one and the monitor).
        if (!SERVICING.compareAndSet(this, 0, 1)) {
            return 0;
        }
        try {
            return fireDue(now);
        } finally {
            SERVICING.setRelease(this, 0);
        }
    }

    /** CONTEXT: holds {@link #servicing}. */
    private int fireDue(long now) {
        int n = 0;
        synchronized (this) {
            while (size > 0 && heap[0].deadline - now <= 0 && n < batch.length) {
                DelayedWork dw = heap[0];
                batchWq[n] = dw.targetWq; // read under the lock: once TIMER is clear a re-arm may rewrite them
                batchCpu[n] = dw.targetCpu;
                remove(dw); // before TIMER clears (see disarm)
                batchSeq[n] = clearTimerBit(dw);
                batch[n++] = dw;
            }
        }
        for (int i = 0; i < n; i++) {
            DelayedWork dw = batch[i];
            Workqueue wq = batchWq[i];
            batch[i] = null;
            batchWq[i] = null;
            try {
                wq.insertFired(dw, batchSeq[i], batchCpu[i], cpu); // queue before un-counting (drain)
            } catch (RuntimeException e) {
                carrierPool.rt.log.error("corewq: could not queue expired {} on workqueue {}", dw, wq.name(), e);
            }
            wq.armedDelta(-1);
        }
        return n;
    }

    /** CONTEXT: holds the monitor. Clears TIMER keeping PENDING; returns the instance sequence. */
    private static int clearTimerBit(DelayedWork dw) {
        for (;;) {
            long st = dw.state;
            if (Work.STATE.compareAndSet(dw, st, st & ~Work.TIMER)) {
                return Work.seqOf(st);
            }
        }
    }

    /** CONTEXT: holds the monitor. */
    private void remove(DelayedWork dw) {
        int i = dw.heapIndex;
        int last = --size;
        DelayedWork moved = heap[last];
        heap[last] = null;
        if (i != last) {
            heap[i] = moved;
            moved.heapIndex = i;
            siftDown(i);
            if (heap[i] == moved) {
                siftUp(i);
            }
        }
        dw.heapIndex = -1;
        dw.timer = null;
        nextDeadline = size == 0 ? Long.MAX_VALUE : heap[0].deadline;
    }

    /**
     * Disarms every item armed for {@code wq}, releasing its PENDING bit (runtime close).
     *
     * @return how many were disarmed
     */
    int cancelAllFor(Workqueue wq) {
        int n = 0;
        synchronized (this) {
            // Collect first: a removal moves the heap's last item into the hole and sifts it, so a
            // scan that removed as it went skipped items (an item sifted below the cursor was never
            // looked at, and close() then waited for its deadline; found by review, 2026-11-22).
            java.util.List<DelayedWork> mine = new java.util.ArrayList<>();
            for (int i = 0; i < size; i++) {
                if (heap[i].targetWq == wq) {
                    mine.add(heap[i]);
                }
            }
            for (DelayedWork dw : mine) {
                remove(dw); // before the state change (see disarm)
                for (;;) {
                    long st = dw.state;
                    if (Work.STATE.compareAndSet(dw, st, (st & ~(Work.TIMER | Work.PENDING)) + Work.SEQ_UNIT)) {
                        break;
                    }
                }
                dw.wakeWaiters();
                n++;
            }
        }
        for (int i = 0; i < n; i++) {
            wq.armedDelta(-1);
        }
        return n;
    }

    /**
     * Moves every armed item to {@code to}, keeping deadlines (CPU hotplug).
     *
     * @return how many items moved
     */
    int moveAllTo(CpuTimer to) {
        DelayedWork[] items;
        int n;
        boolean earliest = false;
        synchronized (this) {
            // One hold of the target's lock from its growth to the last insert: with the growth in
            // a block of its own, an arm on the target in between took the room, and the inserts
            // ran past the array (leaving a counted null slot; found by CI, 2026-11-22).
            synchronized (to) {
                to.ensureCapacity(to.size + size); // before anything leaves this heap
                items = Arrays.copyOf(heap, size);
                n = size;
                Arrays.fill(heap, 0, size, null);
                size = 0;
                nextDeadline = Long.MAX_VALUE;
                for (DelayedWork dw : items) {
                    dw.heapIndex = -1;
                    dw.timer = null;
                }
                // Items stay TIMER|PENDING; a concurrent disarm sees timer == null and retries.
                for (DelayedWork dw : items) {
                    earliest |= to.insert(dw, dw.targetWq, dw.targetCpu, dw.deadline);
                }
            }
        }
        if (earliest) {
            to.carrierPool.wakeForTimer();
        }
        return n;
    }

    private void siftUp(int i) {
        DelayedWork x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            DelayedWork p = heap[parent];
            if (p.deadline - x.deadline <= 0) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = x;
        x.heapIndex = i;
    }

    private void siftDown(int i) {
        DelayedWork x = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            DelayedWork c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].deadline - c.deadline < 0) {
                child = right;
                c = heap[child];
            }
            if (x.deadline - c.deadline <= 0) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = x;
        x.heapIndex = i;
    }
}
