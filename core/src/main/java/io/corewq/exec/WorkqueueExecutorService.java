// ExecutorService over a corewq workqueue: the drop-in counterpart of ThreadPoolExecutor / Executors.newFixedThreadPool.
package io.corewq.exec;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;

/**
 * An {@link java.util.concurrent.ExecutorService} whose tasks run as work items of a corewq
 * workqueue. The workqueue decides how many run at once (its max_active, per CPU for a per-CPU
 * workqueue), in what order (an ordered workqueue runs one at a time in submission order), and on
 * which threads; the adapter adds the {@code ExecutorService} contract on top: futures, bulk
 * invocation (inherited from {@link java.util.concurrent.AbstractExecutorService}, as
 * {@link java.util.concurrent.ThreadPoolExecutor}'s), rejection, shutdown and termination (see
 * {@link WorkqueueExecutor}).
 *
 * <p>An exception thrown by a task given to {@link #execute} goes to the runtime's
 * {@code WorkExceptionHandler} (where {@code ThreadPoolExecutor} would let it reach the worker's
 * uncaught-exception handler); one thrown by a submitted task is kept in its future, as the JDK
 * does.
 *
 * <p>Thread-safe. Obtain one from {@link WorkqueueExecutors}.
 */
public final class WorkqueueExecutorService extends WorkqueueExecutor {
    WorkqueueExecutorService(WorkqueueExecutors.Builder b) {
        super(b);
    }

    /**
     * Runs {@code command} as a work item of the workqueue. On a per-CPU workqueue the placement
     * chooses the CPU (by default: the caller's when it is a per-CPU corewq worker, else
     * round-robin over the online CPUs).
     *
     * @throws RejectedExecutionException from the default handler, when shut down, at capacity, or
     *     when the workqueue refuses work (draining or destroyed)
     * @throws NullPointerException if {@code command} is null
     */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command is null");
        Job j = command instanceof TaskFuture<?> tf && tf.owner == this && tf.job.claim()
                ? tf.job
                : new Job(this, command, false);
        if (!admit(j) || !enqueue(j, 0L)) {
            reject(command);
            return;
        }
        // As ThreadPoolExecutor: a task that raced with shutdown is taken back and rejected.
        if (ctl.get() != RUNNING && j.work.cancel()) {
            retire(j);
            reject(command);
        }
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new TaskFuture<>(this, runnable, value);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new TaskFuture<>(this, callable);
    }

    @Override
    boolean runBody(Job j) {
        j.body.run(); // what execute() was given throws to the engine's exception handler
        return false;
    }
}
