// A queue entry for one queued instance of a work item: the item itself, or a spare entry after a cancel.
package io.corewq;

/**
 * One entry of a worklist or inactive list. A {@link Work} is its own primary entry, so the normal
 * queue -> run -> complete path allocates nothing. When a pending instance is cancelled or re-armed
 * while its entry still sits in a lock-free queue, that entry goes stale (its {@link #seq} no longer
 * matches the item's state) and is dropped when popped; if the item is queued again before then, the
 * new instance rides in a spare entry (see {@link Work#freeEntry(boolean)}).
 *
 * <p>Fields are written by the thread that owns the item's PENDING bit, before the entry is offered
 * to a queue (the offer publishes them), and read by the thread that pops it.
 */
class Node {
    /** Immutable: the item this entry stands for. */
    final Work work;
    /** PENDING owner: the pool_workqueue the instance was queued to. */
    PoolWorkqueue pwq;
    /** PENDING owner: the queueing sequence number of the instance (matches the item's state while live). */
    int seq;
    /** Set by the pwq when it takes the instance: the flush color the instance counts in. */
    int color;
    /** Set by the pwq (plain; racy reads by deadlock checks and dumps): on the worklist, not inactive. */
    boolean activated;
    /**
     * Spare entries only (a {@link Work}'s own entry uses {@link Work#QUEUED} in its state word):
     * true from claim until popped; written by the inserter (CAS) and the popper (false, release);
     * read with acquire by the next inserter's CAS.
     */
    private boolean inQueue;

    private static final java.lang.invoke.VarHandle IN_QUEUE;

    static {
        try {
            IN_QUEUE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Node.class, "inQueue", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The next entry of a {@link NodeQueue} (the inactive list); that queue's accesses only. */
    Node next;

    Node(Work work) {
        this.work = work == null ? (Work) this : work;
    }

    /** A {@link NodeQueue}'s stub: stands for no item and is never handed out. */
    Node() {
        this.work = null;
    }

    /**
     * Claims this entry for a new instance. Two threads may insert the same item at once (a timer
     * fire or re-arm whose PENDING was taken over by a cancel and then a new queue), so the claim is
     * a CAS: one entry, one filler.
     */
    final boolean claim() {
        return IN_QUEUE.compareAndSet(this, false, true);
    }

    final void markPopped() {
        IN_QUEUE.setRelease(this, false);
    }
}
