// ScheduledExecutorService over a corewq workqueue: the drop-in counterpart of ScheduledThreadPoolExecutor.
package io.corewq.exec;

import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} whose tasks run as work items of a corewq workqueue, with the
 * semantics of {@link java.util.concurrent.ScheduledThreadPoolExecutor}: every task, including those
 * given to {@code execute} and {@code submit}, is a {@link java.util.concurrent.RunnableScheduledFuture};
 * a delayed task is a {@link io.corewq.DelayedWork} armed on a corewq per-CPU timer and queued on the
 * workqueue when it expires, never before its delay has elapsed; a periodic task re-arms its item
 * from inside its run, so two runs of one task never overlap, and stops for good when a run throws
 * (the exception is kept in its future) or it is cancelled.
 *
 * <p>Shutdown policies, as the JDK's: {@link #setExecuteExistingDelayedTasksAfterShutdownPolicy}
 * (default {@code true}), {@link #setContinueExistingPeriodicTasksAfterShutdownPolicy} (default
 * {@code false}), {@link #setRemoveOnCancelPolicy} (default {@code false}). Tasks the policies drop
 * at shutdown are cancelled.
 *
 * <p>Tasks due at the same time are not guaranteed to start in submission order (the JDK's
 * single-threaded pool guarantees it): they may be armed on different CPUs' timers.
 *
 * <p>With a capacity, a task can be rejected while the executor runs (the JDK's never rejects
 * then). A handler that runs a rejected task before its time ({@code CallerRunsPolicy}) cancels
 * it instead, so no task runs before its delay; {@code DiscardOldestPolicy} drops the first task in
 * trigger order (due or not: {@link #getQueue()}'s {@code poll} takes it) and re-submits the
 * rejected one with its own trigger time.
 *
 * <p>Thread-safe. Obtain one from {@link WorkqueueExecutors}.
 */
public final class WorkqueueScheduledExecutorService extends WorkqueueExecutor implements ScheduledExecutorService {
    /** The longest delay armed on an engine timer (~73 years): deadlines must not overflow. */
    private static final long MAX_ARM_NANOS = Long.MAX_VALUE >> 2;

    /** Any thread. */
    private volatile boolean continueExistingPeriodicTasksAfterShutdown;
    /** Any thread. */
    private volatile boolean executeExistingDelayedTasksAfterShutdown = true;
    /** Any thread. */
    private volatile boolean removeOnCancel;

    WorkqueueScheduledExecutorService(WorkqueueExecutors.Builder b) {
        super(b);
        this.continueExistingPeriodicTasksAfterShutdown = b.continuePeriodic;
        this.executeExistingDelayedTasksAfterShutdown = b.executeDelayed;
        this.removeOnCancel = b.removeOnCancel;
    }

    // ---- time, as ScheduledThreadPoolExecutor ------------------------------------------------

    private long triggerTime(long delay, TimeUnit unit) {
        return triggerTime(unit.toNanos((delay < 0) ? 0 : delay));
    }

    /** The trigger time of a delay; huge delays are kept comparable with overdue tasks, as the JDK does. */
    long triggerTime(long delay) {
        return System.nanoTime() + ((delay < (Long.MAX_VALUE >> 1)) ? delay : overflowFree(delay));
    }

    private long overflowFree(long delay) {
        long headDelay = Long.MAX_VALUE;
        for (Job j : jobs) {
            headDelay = Math.min(headDelay, ((ScheduledTask<?>) j.body).getDelay(TimeUnit.NANOSECONDS));
        }
        if (headDelay < 0 && (delay - headDelay < 0)) {
            delay = Long.MAX_VALUE + headDelay;
        }
        return delay;
    }

    // ---- scheduling ---------------------------------------------------------------------------

    /** @throws RejectedExecutionException from the default handler when shut down or at capacity */
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (command == null || unit == null) {
            throw new NullPointerException();
        }
        ScheduledTask<Void> t = new ScheduledTask<>(this, command, null, triggerTime(delay, unit), 0);
        delayedExecute(t);
        return t;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        if (callable == null || unit == null) {
            throw new NullPointerException();
        }
        ScheduledTask<V> t = new ScheduledTask<>(this, callable, triggerTime(delay, unit));
        delayedExecute(t);
        return t;
    }

    /**
     * As the JDK's: runs after {@code initialDelay}, then every {@code period} measured from the
     * previous trigger time (a late run is followed by the next at once, never concurrently).
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (command == null || unit == null) {
            throw new NullPointerException();
        }
        if (period <= 0L) {
            throw new IllegalArgumentException("period " + period + " is not positive");
        }
        ScheduledTask<Void> t = new ScheduledTask<>(this, command, null, triggerTime(initialDelay, unit), unit.toNanos(period));
        delayedExecute(t);
        return t;
    }

    /**
     * As the JDK's: runs after {@code initialDelay}, then {@code delay} after each run ends.
     *
     * @throws IllegalArgumentException if {@code delay} is not positive
     */
    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        if (command == null || unit == null) {
            throw new NullPointerException();
        }
        if (delay <= 0L) {
            throw new IllegalArgumentException("delay " + delay + " is not positive");
        }
        ScheduledTask<Void> t = new ScheduledTask<>(this, command, null, triggerTime(initialDelay, unit), -unit.toNanos(delay));
        delayedExecute(t);
        return t;
    }

    /**
     * As {@code schedule(command, 0, NANOSECONDS)}; the rejection handler receives the task's
     * future. One of this executor's own tasks that is not live (a rejected task that a handler
     * such as {@code DiscardOldestPolicy} hands back) is submitted again with its own trigger time.
     */
    @Override
    public void execute(Runnable command) {
        if (command instanceof ScheduledTask<?> t && t.owner == this && !t.isDone() && !jobs.contains(t.job)
                && delayedExecute(t, true)) {
            return;
        }
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return schedule(Executors.callable(task, result), 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    /** As the JDK's delayedExecute, for a new task. */
    private void delayedExecute(ScheduledTask<?> t) {
        delayedExecute(t, false);
    }

    /**
     * As the JDK's delayedExecute: reject if shut down, else arm; take it back if shutdown raced.
     * {@code again}: the task was admitted before (a rejected task handed back); returns false,
     * doing nothing, if it is live now.
     */
    private boolean delayedExecute(ScheduledTask<?> t, boolean again) {
        Job j = t.job;
        int admitted = isShutdown() ? REFUSED : again ? admitAgain(j) : admit(j) ? ADMITTED : REFUSED;
        if (admitted == ALREADY_LIVE) {
            return false;
        }
        if (admitted == REFUSED || !arm(j, t.time)) {
            reject(t);
            return true;
        }
        if (!canRunInCurrentRunState(t) && j.work.cancel()) {
            retire(j);
            t.cancel(false);
        }
        return true;
    }

    /** Arms the job's item to fire at {@code time}; false (and retired) if the workqueue refused. */
    private boolean arm(Job j, long time) {
        long delay = time - System.nanoTime(); // a difference: time may have wrapped
        return enqueue(j, delay <= 0 ? 0 : Math.min(delay, MAX_ARM_NANOS));
    }

    // ---- running ------------------------------------------------------------------------------

    boolean canRunInCurrentRunState(ScheduledTask<?> t) {
        int s = ctl.get();
        if (s == RUNNING) {
            return true;
        }
        if (s >= STOP) {
            return false;
        }
        return t.isPeriodic()
                ? continueExistingPeriodicTasksAfterShutdown
                : (executeExistingDelayedTasksAfterShutdown || t.getDelay(TimeUnit.NANOSECONDS) <= 0);
    }

    @Override
    boolean runBody(Job j) {
        ScheduledTask<?> t = (ScheduledTask<?>) j.body;
        if (!canRunInCurrentRunState(t)) {
            t.cancel(false);
            return false;
        }
        if (!t.isPeriodic()) {
            t.runOnce();
            return false;
        }
        if (t.runPeriodic()) {
            t.setNextRunTime();
            return true;
        }
        return false; // threw, or was cancelled
    }

    /** As the JDK's reExecutePeriodic, for the job's own item. */
    @Override
    void reschedule(Job j) {
        ScheduledTask<?> t = (ScheduledTask<?>) j.body;
        if (canRunInCurrentRunState(t)) {
            boolean armed;
            try {
                armed = arm(j, t.time);
            } catch (RuntimeException | Error e) {
                t.fail(e); // e.g. a custom placement threw: arm() retired the job; the future keeps the cause
                return;
            }
            if (!armed) {
                t.cancel(false); // the workqueue refused (destroyed): arm() retired the job
                return;
            }
            if (canRunInCurrentRunState(t) || !j.work.cancel()) {
                return;
            }
        }
        t.cancel(false);
        retire(j);
    }

    /** After a periodic run on a foreign thread ({@link ScheduledTask#run()}): re-arm unless live already. */
    void reExecuteDirect(ScheduledTask<?> t) {
        Job j = t.job;
        if (jobs.contains(j)) {
            return; // the executor still owns the job: its item is armed, queued or running
        }
        try {
            if (!canRunInCurrentRunState(t)) {
                t.cancel(false);
                return;
            }
            int admitted = admitAgain(j); // two foreign runners may race here: one admits
            if (admitted == REFUSED || admitted == ADMITTED && !arm(j, t.time)) {
                t.cancel(false);
            }
        } catch (RuntimeException | Error e) {
            t.fail(e);
            throw e;
        }
    }

    /** As the JDK's onShutdown: drop what the policies say must not run after shutdown, and cancelled tasks. */
    @Override
    void onShutdown() {
        boolean keepDelayed = executeExistingDelayedTasksAfterShutdown;
        boolean keepPeriodic = continueExistingPeriodicTasksAfterShutdown;
        for (Job j : jobs) {
            ScheduledTask<?> t = (ScheduledTask<?>) j.body;
            boolean drop = t.isPeriodic() ? !keepPeriodic : (!keepDelayed && t.getDelay(TimeUnit.NANOSECONDS) > 0);
            if ((drop || t.isCancelled()) && j.work.cancel()) {
                retire(j);
                t.cancel(false);
            }
        }
    }

    @Override
    Comparator<Job> queueOrder() {
        return (a, b) -> ((ScheduledTask<?>) a.body).compareTo((ScheduledTask<?>) b.body);
    }

    // ---- policies -----------------------------------------------------------------------------

    /**
     * Whether periodic tasks keep running after {@link #shutdown()} (they stop at
     * {@link #shutdownNow()} either way). Setting {@code false} after shutdown cancels them.
     */
    public void setContinueExistingPeriodicTasksAfterShutdownPolicy(boolean value) {
        continueExistingPeriodicTasksAfterShutdown = value;
        if (!value && isShutdown()) {
            onShutdown(); // retire() terminates the executor if that was the last live task
        }
    }

    public boolean getContinueExistingPeriodicTasksAfterShutdownPolicy() {
        return continueExistingPeriodicTasksAfterShutdown;
    }

    /**
     * Whether delayed one-shot tasks still run after {@link #shutdown()}. Setting {@code false}
     * after shutdown cancels those not yet due.
     */
    public void setExecuteExistingDelayedTasksAfterShutdownPolicy(boolean value) {
        executeExistingDelayedTasksAfterShutdown = value;
        if (!value && isShutdown()) {
            onShutdown(); // retire() terminates the executor if that was the last live task
        }
    }

    public boolean getExecuteExistingDelayedTasksAfterShutdownPolicy() {
        return executeExistingDelayedTasksAfterShutdown;
    }

    /** Whether a successful {@code cancel} of a task that has not started removes it from the workqueue at once. */
    public void setRemoveOnCancelPolicy(boolean value) {
        removeOnCancel = value;
    }

    public boolean getRemoveOnCancelPolicy() {
        return removeOnCancel;
    }
}
