// The future of a task of WorkqueueScheduledExecutorService: one-shot or periodic, ordered by trigger time like the JDK's.
package io.corewq.exec;

import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The counterpart of {@code ScheduledThreadPoolExecutor.ScheduledFutureTask}: a {@link FutureTask}
 * with a trigger time ({@link System#nanoTime()} base), a period (positive: fixed rate; negative:
 * fixed delay; zero: one-shot) and a sequence number that breaks ties in {@link #compareTo}. Its job
 * runs on a {@link io.corewq.DelayedWork}; a periodic task re-arms that same item from inside its
 * run.
 */
final class ScheduledTask<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
    /** Immutable. */
    final WorkqueueScheduledExecutorService owner;
    /** Immutable. */
    final Job job;
    /** Immutable: 0 one-shot, &gt; 0 fixed rate, &lt; 0 fixed delay (nanoseconds). */
    private final long period;
    /**
     * The trigger time. Written at construction and by the runner between runs (the next run is
     * queued after the write, so it sees it); volatile so getDelay/compareTo on other threads see it.
     */
    volatile long time;

    ScheduledTask(WorkqueueScheduledExecutorService owner, Runnable r, V result, long time, long period) {
        super(r, result);
        this.owner = owner;
        this.time = time;
        this.period = period;
        this.job = new Job(owner, this, true);
    }

    ScheduledTask(WorkqueueScheduledExecutorService owner, Callable<V> c, long time) {
        super(c);
        this.owner = owner;
        this.time = time;
        this.period = 0;
        this.job = new Job(owner, this, true);
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(time - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** As the JDK's: by trigger time, then by submission order; other Delayed by getDelay. */
    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        if (other instanceof ScheduledTask<?> x) {
            long diff = time - x.time; // difference, not comparison: times may wrap
            if (diff < 0) {
                return -1;
            } else if (diff > 0) {
                return 1;
            } else if (job.seq < x.job.seq) {
                return -1;
            } else {
                return 1;
            }
        }
        long diff = getDelay(TimeUnit.NANOSECONDS) - other.getDelay(TimeUnit.NANOSECONDS);
        return (diff < 0) ? -1 : (diff > 0) ? 1 : 0;
    }

    @Override
    public boolean isPeriodic() {
        return period != 0;
    }

    /** CONTEXT: the runner, after a successful periodic run. */
    void setNextRunTime() {
        long p = period;
        if (p > 0) {
            time += p;
        } else {
            time = owner.triggerTime(-p);
        }
    }

    /**
     * Cancels as {@link FutureTask#cancel}; with the remove-on-cancel policy a task that has not
     * started also leaves the workqueue (its timer is disarmed) at once.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled && owner.getRemoveOnCancelPolicy() && job.work.cancel()) {
            owner.retire(job);
        }
        return cancelled;
    }

    /**
     * Runs the task on the calling thread, as the JDK's {@code ScheduledFutureTask.run} (used by
     * {@code CallerRunsPolicy}, or by callers of the {@code RunnableScheduledFuture}): cancelled if
     * the executor's state forbids running it, or if it is not due yet (the JDK's runs it early;
     * this executor never runs a task before its delay); a periodic task is re-armed after a
     * successful run.
     */
    @Override
    public void run() {
        if (!owner.canRunInCurrentRunState(this) || getDelay(TimeUnit.NANOSECONDS) > 0) {
            cancel(false); // never before its delay: a rejection handler ran it early (see the executor's class comment)
        } else if (!isPeriodic()) {
            super.run();
        } else if (super.runAndReset()) {
            setNextRunTime();
            owner.reExecuteDirect(this);
        }
    }

    /** A periodic task that cannot be re-armed stops for good, its future keeping {@code cause}. */
    void fail(Throwable cause) {
        setException(cause);
    }

    /** CONTEXT: the job's runner. One-shot body. */
    void runOnce() {
        super.run();
    }

    /** CONTEXT: the job's runner. Periodic body: whether it ran and may run again. */
    boolean runPeriodic() {
        return super.runAndReset();
    }
}
