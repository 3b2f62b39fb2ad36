// The future of a task submitted to WorkqueueExecutorService: a FutureTask whose cancel also takes it off the workqueue.
package io.corewq.exec;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/**
 * A {@link FutureTask} (so {@code get}, {@code cancel}, and on Java 19+ {@code state},
 * {@code resultNow} and {@code exceptionNow}, behave exactly as the JDK's) carrying the job that runs
 * it. A successful {@code cancel} of a task that has not started also removes its work item from the
 * workqueue, so the slot it held under max_active is free at once.
 */
final class TaskFuture<V> extends FutureTask<V> {
    /** Immutable. */
    final WorkqueueExecutorService owner;
    /** Immutable: created with the future; used if the future is handed to execute(). */
    final Job job;

    TaskFuture(WorkqueueExecutorService owner, Callable<V> callable) {
        super(callable);
        this.owner = owner;
        this.job = new Job(owner, this, false);
    }

    TaskFuture(WorkqueueExecutorService owner, Runnable runnable, V result) {
        super(runnable, result);
        this.owner = owner;
        this.job = new Job(owner, this, false);
    }

    /**
     * The task is finished: it gives its room under the capacity back before its result becomes
     * visible, so "room again once tasks finish" holds for whoever waited on this future (as a
     * ThreadPoolExecutor's queue has room once its worker took the task). It stays live until the
     * run path retires it after this, so the executor never terminates before the future is done
     * (an earlier version retired it here: {@code awaitTermination} could return true while
     * {@code get()} still blocked).
     */
    @Override
    protected void set(V v) {
        owner.freeRoom(job);
        super.set(v);
    }

    @Override
    protected void setException(Throwable t) {
        owner.freeRoom(job);
        super.setException(t);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled && job.work.cancel()) {
            owner.retire(job); // never queued (work.cancel() false) or running: the run path retires it
        }
        return cancelled;
    }
}
