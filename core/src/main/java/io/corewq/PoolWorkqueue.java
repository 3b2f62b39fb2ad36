// The link between one workqueue and one worker pool (the kernel's pool_workqueue): max_active, inactive list, flush colors.
package io.corewq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jctools.queues.MpmcUnboundedXaddArrayQueue;

/**
 * One workqueue's presence in one pool. It owns:
 * <ul>
 *   <li>the <b>active permits</b> ({@link #avail} = max_active - active): an instance that gets a
 *       permit is pushed onto the pool's worklist; otherwise it waits FIFO on {@link #inactive};</li>
 *   <li>the <b>flush colors</b> ({@link #colorWord}): the in-flight count of each of two colors, so
 *       that {@link Workqueue#flush()} waits for exactly the instances queued before it.</li>
 * </ul>
 *
 * <h2>Implementation overview</h2>
 * Lock-free. Enqueue: take a color ticket (CAS on colorWord), then take a permit only if nobody
 * waits inactive (so FIFO holds for ordered workqueues); a producer that parks its entry on the
 * inactive list re-checks for a permit afterwards ({@link #pump()}), which closes the race with a
 * retire that released a permit before the entry was visible. Retire: give back the permit and the
 * color ticket, then pump. {@code avail} may go negative when max_active is lowered or the
 * workqueue frozen; permits then come back as instances retire.
 */
final class PoolWorkqueue {
    private static final VarHandle AVAIL;
    private static final VarHandle COLOR_WORD;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            AVAIL = l.findVarHandle(PoolWorkqueue.class, "avail", int.class);
            COLOR_WORD = l.findVarHandle(PoolWorkqueue.class, "colorWord", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // colorWord: bit 0 = current color; bits 1..31 = in-flight of color 0; bits 32..62 = color 1
    private static final long COUNT_MASK = 0x7FFF_FFFFL;

    /** Immutable. */
    final Workqueue wq;
    /** Immutable. */
    final WorkerPool pool;
    /** Any thread, CAS: permits left (max_active - active). */
    private volatile int avail;
    /** Any thread, CAS: current flush color and per-color in-flight counts. */
    private volatile long colorWord;
    /** Any thread (MPMC): entries waiting for a permit, FIFO. */
    private final MpmcUnboundedXaddArrayQueue<Node> inactive = new MpmcUnboundedXaddArrayQueue<>(256, 2);

    PoolWorkqueue(Workqueue wq, WorkerPool pool, int maxActive) {
        this.wq = wq;
        this.pool = pool;
        this.avail = maxActive;
    }

    private static long unit(int color) {
        return color == 0 ? 1L << 1 : 1L << 32;
    }

    static long countOf(long word, int color) {
        return color == 0 ? (word >>> 1) & COUNT_MASK : (word >>> 32) & COUNT_MASK;
    }

    /**
     * Takes a queued instance: ticket, then activate or park inactive.
     *
     * <p>CONTEXT: caller owns the item's PENDING bit and filled in {@code n.pwq} and {@code n.seq}.
     */
    void enqueue(Node n) {
        long word;
        for (;;) {
            word = colorWord;
            int color = (int) (word & 1);
            if (countOf(word, color) == COUNT_MASK) {
                throw new IllegalStateException("workqueue " + wq.name() + ": more than " + COUNT_MASK + " items in flight on one pool");
            }
            if (COLOR_WORD.compareAndSet(this, word, word + unit(color))) {
                n.color = color;
                break;
            }
        }
        n.inQueue = true;
        if (inactive.isEmpty() && tryAcquire()) {
            pool.push(n);
        } else {
            inactive.offer(n);
            pump();
        }
    }

    private boolean tryAcquire() {
        for (;;) {
            int a = avail;
            if (a <= 0) {
                return false;
            }
            if (AVAIL.compareAndSet(this, a, a - 1)) {
                return true;
            }
        }
    }

    /** Activates inactive entries while permits are left. */
    void pump() {
        while (!inactive.isEmpty() && tryAcquire()) {
            Node n = inactive.poll();
            if (n == null) {
                AVAIL.getAndAdd(this, 1);
                continue;
            }
            pool.push(n);
        }
    }

    /**
     * An active instance is done (ran, or its stale entry was dropped): give back the permit and the
     * color ticket, activate the next inactive entry, wake a flusher.
     */
    void retire(int color) {
        AVAIL.getAndAdd(this, 1);
        COLOR_WORD.getAndAdd(this, -unit(color));
        if (!inactive.isEmpty()) {
            pump();
        }
        if (wq.flusher != null) {
            wq.wakeFlusher();
        }
    }

    /** Changes the number of permits by {@code delta} (max_active change, freeze, thaw). */
    void adjustPermits(int delta) {
        AVAIL.getAndAdd(this, delta);
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
            long word = colorWord;
            if (COLOR_WORD.compareAndSet(this, word, word ^ 1L)) {
                return (int) (word & 1);
            }
        }
    }

    long inFlight(int color) {
        return countOf(colorWord, color);
    }

    long inFlightTotal() {
        long w = colorWord;
        return countOf(w, 0) + countOf(w, 1);
    }

    /** Active instances: on the worklist, deferred, or running. Exact only when quiescent. */
    long activeCount(int maxActive) {
        return maxActive - avail;
    }

    int permits() {
        return avail;
    }

    int inactiveCount() {
        return inactive.size();
    }
}
