// Finished instances of one pool_workqueue whose retire is deferred and summed: a carrier's batch, an unbound worker's held retires.
package io.corewq;

/**
 * Retires of finished instances of one pwq, summed and applied with one atomic add on the pwq's
 * word (which every producer CASes) instead of one add per item. Owned by one thread at a time:
 * a per-CPU pool's run-slot holder ({@link WorkerPool#retireLater}) or an unbound worker
 * ({@code Worker}'s held retires); when, and who else may take it over, is the owner's rule.
 * Written on every item, so padded onto cache lines of its own.
 */
final class RetireBatch extends RetireBatchFields {
    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;

    /** Adds a finished instance of {@code p}: the batch is applied first if it is of another pwq, and once it is full. */
    void add(PoolWorkqueue p, int color) {
        if (pwq != p) {
            flush();
            pwq = p;
        }
        delta += PoolWorkqueue.retireDelta(color);
        if (++count >= WorkerPool.RETIRE_BATCH) {
            flush();
        }
    }

    /** Applies the batch now, if it holds anything (the owner goes back to polling next). */
    void flush() {
        final int n = count;
        if (n == 0) {
            return;
        }
        PoolWorkqueue p = pwq;
        long d = delta;
        clear();
        apply(p, d, n, true);
    }

    /** Forgets the batch: somebody else applied it. */
    void clear() {
        pwq = null;
        delta = 0;
        count = 0;
    }

    /** Retires {@code n} instances of {@code p} whose deltas sum to {@code d}: their completions first, then one add. */
    static void apply(PoolWorkqueue p, long d, int n, boolean pollsNext) {
        p.wq.completed.add(n); // before the retire: whoever sees the counts drop sees these completions
        p.retireBatch(d, pollsNext);
    }
}

/**
 * Padding before the batch fields (superclass fields are laid out first). The int fills the gap
 * after the object header, where the layout would otherwise put the subclass's {@code count}.
 */
@SuppressWarnings("unused")
class RetireBatchPad0 {
    private int gap;
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The batch fields, written by the owner on every item. */
class RetireBatchFields extends RetireBatchPad0 {
    /** The pool_workqueue whose finished instances are not retired yet, or null. */
    PoolWorkqueue pwq;
    /** Sum of their {@link PoolWorkqueue#retireDelta}s. */
    long delta;
    /** How many there are. */
    int count;
}
