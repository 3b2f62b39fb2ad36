// The shared half of the executor adapters: admission, placement, rejection, shutdown and the termination state machine.
package io.corewq.exec;

import io.corewq.CpuRuntime;
import io.corewq.DelayedWork;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link java.util.concurrent.ExecutorService} whose tasks run as work items of a corewq
 * {@link Workqueue}. The two concrete kinds are {@link WorkqueueExecutorService} (the counterpart of
 * {@link ThreadPoolExecutor}) and {@link WorkqueueScheduledExecutorService} (of
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor}); obtain them from
 * {@link WorkqueueExecutors}.
 *
 * <p><b>Run states</b>, as {@link ThreadPoolExecutor}'s:
 * <pre>
 *   RUNNING ──shutdown()──> SHUTDOWN ──(no live task)──> TERMINATED
 *      │                       │                            ▲
 *      └──shutdownNow()──> STOP <──shutdownNow()──┘         │
 *                            └───────(no live task)─────────┘
 * </pre>
 * A <em>live</em> task was accepted and has not finished: it is queued, armed on a timer, or running.
 *
 * <p><b>Workqueue.</b> The adapter neither owns nor destroys its workqueue: shutting the adapter down
 * leaves the workqueue usable, and several adapters may share one. Tasks are queued with the
 * workqueue's own {@code queue*} methods, so its max_active, ordering, freezing and hotplug rules
 * hold for them. If the workqueue refuses a task because it is draining, the task is rejected; if
 * it is destroyed, the adapter shuts itself down and rejects the task. Shut the adapter down (and
 * wait for it) before destroying the workqueue: periodic tasks re-arm themselves and would keep a
 * drain from finishing.
 *
 * <p><b>Memory consistency.</b> Actions in a thread prior to submitting a task happen-before the
 * task runs. Actions taken by a task happen-before its result is retrieved through its future, and
 * happen-before {@link #awaitTermination} returns {@code true} or {@link #isTerminated()} returns
 * {@code true} after the last task finished.
 *
 * <p><b>Interrupts.</b> {@link #shutdownNow()} and {@code Future.cancel(true)} interrupt the thread
 * running the task; a task that finishes leaves its corewq worker with the interrupt status clear,
 * whatever happened to it meanwhile.
 */
public abstract sealed class WorkqueueExecutor extends AbstractExecutorService implements AutoCloseable
        permits WorkqueueExecutorService, WorkqueueScheduledExecutorService {
    static final int RUNNING = 0;
    static final int SHUTDOWN = 1;
    static final int STOP = 2;
    static final int TERMINATED = 3;

    /** Immutable. */
    final Workqueue wq;
    /** Immutable. */
    final CpuRuntime rt;
    /** Immutable: null for unbound and ordered workqueues (they queue with {@code queue()}). */
    final Placement placement;
    /** Immutable: the name of every work item (one string for all, so tasks allocate none). */
    final String workName;
    /** Immutable: 0 for unbounded, else the most live tasks. */
    private final int capacity;
    /** Immutable. */
    private final RejectedExecutionHandler handler;
    /** Immutable: what handlers receive as their ThreadPoolExecutor. */
    private final RejectionView view;
    /** Immutable. */
    private final QueueView queueView;

    /** Any thread, CAS forward only: the run state. */
    final AtomicInteger ctl = new AtomicInteger(RUNNING);
    /** Any thread: live jobs (accepted, not retired). Incremented before the run state is read. */
    private final AtomicLong live = new AtomicLong();
    /**
     * Any thread, kept only when there is a capacity: jobs holding room. A submitted task gives its
     * room back just before its future completes ({@link #freeRoom}), so a caller woken by the
     * future can submit again at once, while it stays live (so the executor cannot terminate) until
     * its run has ended.
     */
    private final AtomicLong occupied = new AtomicLong();
    /** Any thread: the live jobs themselves, for shutdownNow, the shutdown policies and the queue view. */
    final JobRegistry jobs = new JobRegistry();
    /** Any thread: submission order, one count for every adapter (as the JDK's), so tasks of two adapters compare consistently. */
    private static final AtomicLong SEQUENCER = new AtomicLong();
    /** Guards the move to TERMINATED; its condition wakes awaitTermination. */
    private final ReentrantLock termLock = new ReentrantLock();
    private final Condition termination = termLock.newCondition();

    WorkqueueExecutor(WorkqueueExecutors.Builder b) {
        this.wq = b.wq;
        this.rt = b.wq.runtime();
        boolean unbound = wq.isOrdered() || wq.flags().contains(WqFlag.UNBOUND);
        this.placement = unbound ? null : (b.placement != null ? b.placement : Placement.localOrSpread());
        this.workName = "executor:" + wq.name();
        this.capacity = b.capacity;
        this.handler = b.handler != null ? b.handler : new ThreadPoolExecutor.AbortPolicy();
        this.queueView = new QueueView(this);
        this.view = new RejectionView(this, queueView);
    }

    /** The workqueue the tasks run on. */
    public Workqueue workqueue() {
        return wq;
    }

    /** The handler rejected tasks go to. */
    public RejectedExecutionHandler getRejectedExecutionHandler() {
        return handler;
    }

    final long nextSeq() {
        return SEQUENCER.getAndIncrement();
    }

    // ---- admission ----------------------------------------------------------------------------

    /** {@link #admitAgain}: the job is registered and counted. */
    static final int ADMITTED = 1;
    /** {@link #admitAgain}: refused (shut down, or at capacity); nothing stays registered. */
    static final int REFUSED = 0;
    /** {@link #admitAgain}: the job is live already (another thread admitted it); nothing changed. */
    static final int ALREADY_LIVE = -1;

    /**
     * Registers and counts {@code j}, a job never admitted before; false (nothing registered)
     * when the executor no longer accepts tasks or is at capacity.
     */
    final boolean admit(Job j) {
        jobs.add(j);
        return count(j);
    }

    /**
     * Admits {@code j} again after it was retired (a periodic task re-armed from a foreign thread,
     * a rejected task handed back): {@link #ADMITTED}, {@link #REFUSED}, or {@link #ALREADY_LIVE}
     * when it is registered now, so that two threads re-admitting one task count it once.
     */
    final int admitAgain(Job j) {
        if (!jobs.addAgain(j)) {
            return ALREADY_LIVE;
        }
        return count(j) ? ADMITTED : REFUSED;
    }

    /** Counts the just-registered {@code j} live; retires it and returns false if it must be refused. */
    private boolean count(Job j) {
        live.incrementAndGet(); // before the run-state read: see the package overview
        long n = 0;
        if (capacity > 0) {
            j.holdRoom();
            n = occupied.incrementAndGet();
        }
        if (ctl.get() != RUNNING || n > capacity) {
            retire(j);
            return false;
        }
        return true;
    }

    /**
     * Takes {@code j} out of the registry if it is still there; the last live job after shutdown
     * terminates the executor. Idempotent. CONTEXT: the owner of the job's end (see the overview).
     */
    final void retire(Job j) {
        if (jobs.remove(j)) {
            freeRoom(j);
            if (live.decrementAndGet() == 0 && ctl.get() != RUNNING) {
                tryTerminate();
            }
        }
    }

    /** Gives back the room {@code j} holds under the capacity, if it still holds it. Idempotent. */
    final void freeRoom(Job j) {
        if (capacity > 0 && j.giveRoomBack()) {
            occupied.decrementAndGet();
        }
    }

    /** The CPU for the next task of a per-CPU workqueue, or {@link Placement#ANY}. */
    final int placeCpu() {
        return placement == null ? Placement.ANY : placement.cpuFor(rt);
    }

    /**
     * Queues {@code j} on the workqueue after {@code delayNanos} (0: now).
     *
     * @return false if the workqueue refused it (draining or destroyed); then {@code j} is retired,
     *     and the executor shut down if the workqueue is destroyed
     */
    final boolean enqueue(Job j, long delayNanos) {
        try {
            int cpu = placeCpu(); // ANY, or a CPU that queueOn checks (naming a bad one)
            if (delayNanos <= 0) {
                if (cpu == Placement.ANY) {
                    wq.queue(j.work);
                } else {
                    wq.queueOn(cpu, j.work);
                }
            } else if (cpu == Placement.ANY) {
                wq.queueDelayed((DelayedWork) j.work, delayNanos, TimeUnit.NANOSECONDS);
            } else {
                wq.queueDelayedOn(cpu, (DelayedWork) j.work, delayNanos, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (IllegalStateException e) {
            retire(j);
            if (wq.isDestroyed()) {
                shutdown();
            }
            return false;
        } catch (RuntimeException | Error e) {
            retire(j); // e.g. a custom placement returned a CPU that is not the runtime's
            throw e;
        }
    }

    /** Hands {@code r} to the rejection handler. */
    final void reject(Runnable r) {
        handler.rejectedExecution(r, view);
    }

    // ---- running ------------------------------------------------------------------------------

    /** The work function of every job. CONTEXT: a corewq worker. */
    final void runJob(Job j) {
        Thread me = Thread.currentThread();
        j.beginRun(me);
        if (ctl.get() >= STOP) {
            me.interrupt(); // shutdownNow's sweep may have run before beginRun published us
        }
        boolean again = false;
        try {
            again = runBody(j);
        } finally {
            j.endRun();
            if (!again) {
                retire(j);
            }
        }
        if (again) {
            reschedule(j);
        }
    }

    /**
     * Runs the job's task. CONTEXT: the runner, inside the interrupt hand-shake.
     *
     * @return whether the job stays live to run again (a periodic task)
     */
    abstract boolean runBody(Job j);

    /** Re-arms a job for which {@link #runBody} returned true. CONTEXT: the runner, after the hand-shake. */
    void reschedule(Job j) {
        throw new AssertionError("not periodic: " + j);
    }

    // ---- shutdown -----------------------------------------------------------------------------

    private void advanceRunState(int target) {
        for (;;) {
            int s = ctl.get();
            if (s >= target || ctl.compareAndSet(s, target)) {
                return;
            }
        }
    }

    /**
     * Initiates an orderly shutdown: tasks already accepted run (subject, for the scheduled
     * executor, to its shutdown policies); new ones are rejected. Does not wait; see
     * {@link #awaitTermination}. Idempotent.
     */
    @Override
    public void shutdown() {
        advanceRunState(SHUTDOWN);
        onShutdown();
        tryTerminate();
    }

    /** Hook run by {@link #shutdown()} after the state change. */
    void onShutdown() {
    }

    /**
     * Stops: rejects new tasks, removes every task that has not started from the workqueue (queued
     * or armed) and returns them, in submission order, and interrupts the threads running tasks.
     * The returned {@code Runnable}s are what the executor was given: the command for
     * {@code execute}, the future for {@code submit}/{@code schedule}; their futures are not
     * cancelled, as with {@link ThreadPoolExecutor}. A task that a worker had taken but not yet
     * started when this runs starts with its thread interrupted (the scheduled executor cancels it
     * instead).
     */
    @Override
    public List<Runnable> shutdownNow() {
        advanceRunState(STOP);
        List<Job> taken = new ArrayList<>();
        List<Job> started = new ArrayList<>();
        // Take every pending task back first, then interrupt the running ones: interrupting first
        // could end a running task whose completion activates a pending one (max_active, ordered)
        // before it is taken back.
        for (Job j : jobs) {
            if (j.work.cancel()) {
                taken.add(j);
            } else {
                started.add(j);
            }
        }
        for (Job j : started) {
            j.interruptIfRunning();
        }
        taken.sort(Comparator.comparingLong(j -> j.seq));
        List<Runnable> out = new ArrayList<>(taken.size());
        for (Job j : taken) {
            out.add(j.body);
            retire(j);
        }
        tryTerminate();
        return out;
    }

    private void tryTerminate() {
        int s = ctl.get();
        if (s == RUNNING || s == TERMINATED || live.get() != 0) {
            return;
        }
        termLock.lock();
        try {
            s = ctl.get();
            if (s != RUNNING && s != TERMINATED && live.get() == 0) {
                ctl.set(TERMINATED);
                termination.signalAll();
            }
        } finally {
            termLock.unlock();
        }
    }

    @Override
    public boolean isShutdown() {
        return ctl.get() >= SHUTDOWN;
    }

    /** Whether shut down but not yet terminated. */
    public boolean isTerminating() {
        int s = ctl.get();
        return s == SHUTDOWN || s == STOP;
    }

    @Override
    public boolean isTerminated() {
        return ctl.get() == TERMINATED;
    }

    /**
     * Blocks until every task has finished after a shutdown, the timeout elapses, or the current
     * thread is interrupted, whichever happens first.
     *
     * @return {@code true} if terminated, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        termLock.lock();
        try {
            while (ctl.get() != TERMINATED) {
                if (nanos <= 0L) {
                    return false;
                }
                nanos = termination.awaitNanos(nanos);
            }
            return true;
        } finally {
            termLock.unlock();
        }
    }

    /**
     * Initiates an orderly shutdown and waits until it has terminated, as Java 19's
     * {@code ExecutorService.close()}: if interrupted while waiting it calls {@link #shutdownNow()},
     * keeps waiting, and returns with the interrupt status set. Does nothing if already terminated.
     * Called from one of this executor's own tasks it waits forever, like the JDK's.
     */
    @Override
    public void close() {
        boolean terminated = isTerminated();
        if (!terminated) {
            shutdown();
            boolean interrupted = false;
            while (!terminated) {
                try {
                    terminated = awaitTermination(1L, TimeUnit.DAYS);
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        shutdownNow();
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- monitoring ---------------------------------------------------------------------------

    /**
     * A view of the tasks accepted and not yet started (queued or armed), as
     * {@link ThreadPoolExecutor#getQueue()}: for monitoring and for rejection policies. Iteration
     * and {@code size} work on a snapshot; {@code poll} and {@code remove} take a task out of the
     * workqueue (it will never run, and its future is not completed); adding and the blocking
     * methods throw {@link UnsupportedOperationException}.
     */
    public BlockingQueue<Runnable> getQueue() {
        return queueView;
    }

    /**
     * Removes {@code task} (as given to, or returned by, this executor) if it has not started, as
     * {@link ThreadPoolExecutor#remove}.
     *
     * @return whether it was removed
     */
    public boolean remove(Runnable task) {
        return queueView.remove(task);
    }

    /** How many tasks are live now: queued, armed on a timer, or running. */
    public long getLiveTaskCount() {
        return live.get();
    }

    /** The order {@link #getQueue()} lists pending jobs in. */
    Comparator<Job> queueOrder() {
        return Comparator.comparingLong(j -> j.seq);
    }

    @Override
    public String toString() {
        int s = ctl.get();
        String state = s == RUNNING ? "Running" : s == TERMINATED ? "Terminated" : "Shutting down";
        return super.toString() + "[" + state + ", workqueue = " + wq.name() + ", live tasks = " + live.get() + "]";
    }
}
