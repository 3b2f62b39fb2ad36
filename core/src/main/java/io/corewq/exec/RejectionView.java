// The ThreadPoolExecutor that rejection handlers receive: a thin view delegating to an executor adapter.
package io.corewq.exec;

import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link java.util.concurrent.RejectedExecutionHandler} takes a {@link ThreadPoolExecutor}; this is
 * the one an adapter passes. The methods the JDK's policies use, and the life-cycle methods,
 * delegate to the adapter: {@code execute}, {@code getQueue} (its {@code poll} removes the oldest
 * task that has not started, for {@code DiscardOldestPolicy}), {@code isShutdown},
 * {@code isTerminating}, {@code isTerminated}, {@code shutdown}, {@code shutdownNow},
 * {@code awaitTermination}, {@code toString}. The pool-size and statistics getters describe an idle
 * pool of no threads; the view never starts a thread.
 */
final class RejectionView extends ThreadPoolExecutor {
    /** Immutable. */
    private final WorkqueueExecutor owner;

    RejectionView(WorkqueueExecutor owner, QueueView queue) {
        super(0, 1, 0L, TimeUnit.NANOSECONDS, queue);
        this.owner = owner;
    }

    @Override
    public void execute(Runnable command) {
        owner.execute(command);
    }

    @Override
    public void shutdown() {
        owner.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return owner.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return owner.isShutdown();
    }

    @Override
    public boolean isTerminating() {
        return owner.isTerminating();
    }

    @Override
    public boolean isTerminated() {
        return owner.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return owner.awaitTermination(timeout, unit);
    }

    @Override
    public boolean remove(Runnable task) {
        return owner.remove(task);
    }

    @Override
    public String toString() {
        return owner.toString();
    }
}
