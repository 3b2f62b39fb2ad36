// The getQueue() of an executor adapter: a snapshot view of the tasks that have not started, with poll/remove.
package io.corewq.exec;

import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The tasks of an adapter that are accepted and not started (their work item is pending: queued or
 * armed). There is no queue of our own behind it, only the registry of live jobs, so reads build a
 * snapshot (O(live tasks)); this is for monitoring and rejection policies, not a hot path.
 */
final class QueueView extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {
    /** Immutable. */
    private final WorkqueueExecutor owner;

    QueueView(WorkqueueExecutor owner) {
        this.owner = owner;
    }

    /** Pending jobs, in the executor's queue order. */
    private List<Job> pendingJobs() {
        List<Job> out = new ArrayList<>();
        for (Job j : owner.jobs) {
            if (j.work.isPending()) {
                out.add(j);
            }
        }
        out.sort(owner.queueOrder());
        return out;
    }

    /** Takes {@code j} out of the workqueue if it has not started; true if this call did. */
    private boolean take(Job j) {
        if (j.work.cancel()) {
            owner.retire(j);
            return true;
        }
        return false;
    }

    @Override
    public Iterator<Runnable> iterator() {
        List<Job> snap = pendingJobs();
        Iterator<Job> it = snap.iterator();
        return new Iterator<>() {
            private Job last;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Runnable next() {
                last = it.next();
                return last.body;
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException();
                }
                take(last);
                last = null;
            }
        };
    }

    @Override
    public int size() {
        int n = 0;
        for (Job j : owner.jobs) {
            if (j.work.isPending()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Runnable peek() {
        List<Job> p = pendingJobs();
        return p.isEmpty() ? null : p.get(0).body;
    }

    /**
     * Removes and returns the first task that has not started, or null. On a scheduled executor
     * that may be a task not yet due (the JDK's delay queue returns only a due one): with a
     * capacity, {@code DiscardOldestPolicy} must find a task to drop, or it would re-submit for ever.
     */
    @Override
    public Runnable poll() {
        for (Job j : pendingJobs()) {
            if (take(j)) {
                return j.body;
            }
        }
        return null;
    }

    @Override
    public boolean remove(Object o) {
        if (o == null) {
            return false;
        }
        for (Job j : owner.jobs) {
            if (j.body == o && take(j)) {
                return true; // else that copy is running: a queued copy of the same task may follow
            }
        }
        return false;
    }

    @Override
    public boolean contains(Object o) {
        if (o == null) {
            return false;
        }
        for (Job j : owner.jobs) {
            if (j.body == o && j.work.isPending()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean offer(Runnable r) {
        throw new UnsupportedOperationException("submit tasks through the executor");
    }

    @Override
    public void put(Runnable r) {
        throw new UnsupportedOperationException("submit tasks through the executor");
    }

    @Override
    public boolean offer(Runnable r, long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException("submit tasks through the executor");
    }

    @Override
    public Runnable take() {
        throw new UnsupportedOperationException("tasks are taken by corewq workers");
    }

    @Override
    public Runnable poll(long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException("tasks are taken by corewq workers; use poll()");
    }

    @Override
    public int remainingCapacity() {
        return Integer.MAX_VALUE;
    }

    @Override
    public int drainTo(Collection<? super Runnable> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Runnable> c, int maxElements) {
        Objects.requireNonNull(c);
        if (c == this) {
            throw new IllegalArgumentException("drain to self");
        }
        int n = 0;
        for (Job j : pendingJobs()) {
            if (n >= maxElements) {
                break;
            }
            if (take(j)) {
                c.add(j.body);
                n++;
            }
        }
        return n;
    }
}
