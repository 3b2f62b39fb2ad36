// Flush-dependency deadlock detection: a wait from inside a work item on work that can only run after it throws.
package io.corewq;

/**
 * Checks made before a work item waits (flush, cancelSync, workqueue flush or drain) on other
 * work, as the kernel's lockdep annotations and check_flush_dependency() warn about; corewq throws
 * {@link IllegalStateException} naming both items and the workqueue instead of hanging:
 * <ul>
 *   <li>the target is pending, not yet activated, on the caller's own pool_workqueue, and every
 *       active slot of that pool_workqueue is held by the caller or by items that themselves wait
 *       for such items (ordered workqueues and max_active 1 are the simplest case): the target can
 *       only start after the caller finishes;</li>
 *   <li>on an ordered workqueue, the target is pending, not yet activated, on a pool_workqueue newer
 *       than the caller's (made by an attribute change): it stays plugged until the caller's
 *       pool_workqueue has emptied and died, so it too can only start after the caller finishes;</li>
 *   <li>the caller runs an item of a MEM_RECLAIM workqueue and would wait for work of a workqueue
 *       without MEM_RECLAIM (the rescuer's forward-progress guarantee would be lost).</li>
 * </ul>
 * Waits on other workqueues' items and on unrelated items of the same workqueue pass. The checks
 * read the pool's state without locks; they only throw when the dependency can not be resolved by
 * anything else running.
 */
final class FlushDependency {
    private FlushDependency() {
    }

    /** CONTEXT: before {@code op} waits for {@code target}. */
    static void check(Work target, String op) {
        Worker me = Worker.current();
        if (me == null || me.current == null || me.currentPwq == null) {
            return;
        }
        PoolWorkqueue mine = me.currentPwq;
        Node entry = target.liveEntry;
        PoolWorkqueue theirs = entry == null ? null : entry.pwq;
        if (mine.wq.flags().contains(WqFlag.MEM_RECLAIM) && theirs != null
                && !theirs.wq.flags().contains(WqFlag.MEM_RECLAIM) && target.isPending()) {
            throw new IllegalStateException("workqueue: WQ_MEM_RECLAIM " + mine.wq.name() + ":" + me.current.name()
                    + " is " + op + "ing !WQ_MEM_RECLAIM " + theirs.wq.name() + ":" + target.name()
                    + " (the rescuer could not guarantee progress)");
        }
        if (theirs != mine) {
            // An ordered workqueue runs only its oldest pwq; one made by applyAttrs stays plugged until
            // every older one has died, and the caller's cannot die before the caller finishes (found
            // by review: the flush hung, and close() with it).
            if (theirs != null && theirs.wq == mine.wq && mine.wq.ordered && !entry.activated
                    && isLive(target, entry) && isNewer(theirs, mine)) {
                throw new IllegalStateException(op + "() of work " + target.name() + " from inside work " + me.current.name()
                        + " would deadlock: on ordered workqueue " + mine.wq.name() + " " + target.name()
                        + " waits on a newer pool_workqueue (attributes changed), which can only start after "
                        + me.current.name() + " finishes");
            }
            return;
        }
        if (!target.isPending() || entry.activated || !isLive(target, entry)) {
            return;
        }
        // every active slot of our pwq held by a waiter on an inactive item of it?
        me.flushRetiresInItem(); // count only instances that have not finished
        long active = mine.activeCount();
        if (active < mine.limit()) {
            return;
        }
        int stuck = 0;
        for (Worker w : mine.pool.workersSnapshot()) {
            if (w.currentPwq != mine) {
                continue;
            }
            Work waited = w == me ? target : w.waitingOn;
            Node e = waited == null ? null : waited.liveEntry;
            if (e != null && e.pwq == mine && !e.activated && waited.isPending()) {
                stuck++;
            }
        }
        if (stuck >= active) {
            throw new IllegalStateException(op + "() of work " + target.name() + " from inside work " + me.current.name()
                    + " would deadlock: on workqueue " + mine.wq.name() + " (max_active " + mine.limit() + ") "
                    + target.name() + " can only start after " + me.current.name() + " finishes");
        }
    }

    /** Whether {@code p} comes after {@code q} in their workqueue's pwqs (oldest first, see {@code Workqueue.all}). */
    private static boolean isNewer(PoolWorkqueue p, PoolWorkqueue q) {
        PoolWorkqueue[] all = q.wq.all; // one snapshot
        int qi = -1;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == q) {
                qi = i;
            } else if (all[i] == p) {
                return qi >= 0;
            }
        }
        return false;
    }

    private static boolean isLive(Work w, Node entry) {
        long st = w.state;
        return (st & Work.PENDING) != 0 && (st & Work.TIMER) == 0 && Work.seqOf(st) == entry.seq;
    }

    /**
     * CONTEXT: before {@code op} of workqueue {@code wq} (flush, drain). Throws for the shapes that
     * never resolve: a MEM_RECLAIM item waiting on a workqueue without a rescuer, and an item
     * waiting on a workqueue it has queued itself onto again.
     */
    static void checkWorkqueue(Workqueue wq, String op) {
        Worker me = Worker.current();
        if (me == null || me.currentPwq == null || me.current == null) {
            return;
        }
        Work cur = me.current;
        Workqueue mine = me.currentPwq.wq;
        if (mine.flags().contains(WqFlag.MEM_RECLAIM) && !wq.flags().contains(WqFlag.MEM_RECLAIM)) {
            throw new IllegalStateException("workqueue: WQ_MEM_RECLAIM " + mine.name() + ":" + cur.name()
                    + " is " + op + "ing !WQ_MEM_RECLAIM " + wq.name() + " (the rescuer could not guarantee progress)");
        }
        // The caller's item queued itself onto wq again: that instance runs only after this run
        // returns (non-reentrancy), so waiting for it from here never ends (found by review,
        // 2026-11-22). Racy reads of the item's own fields, written by this thread's queue call.
        long st = cur.state;
        if ((st & Work.PENDING) != 0 && (st & Work.TIMER) == 0) {
            Node entry = cur.liveEntry;
            PoolWorkqueue p = (st & Work.DEFERRED) != 0 ? cur.deferPwq : entry == null ? null : entry.pwq;
            if (p != null && p.wq == wq) {
                throw new IllegalStateException(op + "() of workqueue " + wq.name() + " from work item " + cur
                        + ", which is queued on it again behind its own run, would wait for itself");
            }
        }
    }
}
