// The java.util.concurrent adapter: ExecutorService and ScheduledExecutorService over any corewq workqueue.
/**
 * Drop-in {@link java.util.concurrent.ExecutorService} and
 * {@link java.util.concurrent.ScheduledExecutorService} implementations over a corewq
 * {@link io.corewq.Workqueue}. Obtain them from {@link io.corewq.exec.WorkqueueExecutors}.
 *
 * <h2>Implementation overview</h2>
 *
 * <p><b>Objects.</b> Every accepted task becomes one {@link io.corewq.exec.Job}: the engine's
 * {@link io.corewq.Work} (a {@link io.corewq.DelayedWork} for the scheduled executor) whose function
 * is the job, the {@code Runnable} the caller handed in (the command itself for {@code execute}, a
 * {@link java.util.concurrent.FutureTask} subclass for {@code submit} and {@code schedule}), and the
 * interrupt hand-shake described below. The executor keeps a registry of its live jobs (accepted and
 * not finished: queued, armed on a timer, or running) and a counter of them. The registry exists for
 * {@code shutdownNow} (which must find the pending and the running ones), the queue view and the
 * shutdown policies of the scheduled executor; the counter drives termination. The registry
 * ({@code JobRegistry}) is striped by submitting thread: registering costs an
 * uncontended monitor and allocates nothing, and retiring is a CAS on the job's own membership word.
 *
 * <p><b>Exactly-once retirement.</b> A job leaves the registry exactly once, by whoever owns its end:
 * the worker that ran its last instance, or the thread whose {@link io.corewq.Work#cancel()}
 * returned {@code true} (shutdownNow, {@code Future.cancel} with remove-on-cancel, the shutdown
 * policies, the queue view's {@code poll}). {@code Work.cancel()} returns {@code true} for at most one
 * party per queued instance, and an instance it removed never runs, so the two never overlap.
 *
 * <p><b>Termination</b> ({@code RUNNING -> SHUTDOWN -> TERMINATED} or {@code -> STOP ->
 * TERMINATED}): a submitter increments the live counter <em>then</em> reads the run state; shutdown
 * writes the run state <em>then</em> reads the counter. Both are volatile accesses, so at least one
 * side sees the other: either the submission is refused, or shutdown sees it counted. The thread
 * that sees the counter at zero after shutdown moves to TERMINATED under the termination lock and
 * signals its condition; {@code awaitTermination} waits on that condition (no polling).
 *
 * <p><b>Interrupts.</b> corewq workers are shared by every workqueue of their pool, so an interrupt
 * meant for one task must never reach the next item the worker runs. A job's {@code irq} word is
 * {@code IDLE -> RUNNING} while its function runs; an interrupter (shutdownNow) must CAS it to
 * {@code INTERRUPTING}, interrupt, and set it back. The runner, when the task returns, waits for
 * {@code INTERRUPTING} to clear, CASes the word to {@code IDLE} (after which nobody interrupts it) and
 * clears the thread's interrupt status. {@code Future.cancel(true)} goes through
 * {@link java.util.concurrent.FutureTask}, whose {@code run} already waits until a cancelling
 * interrupt has been delivered before it returns, so the same final clear covers it. A stale
 * interrupt found when a task starts is cleared too, as {@link java.util.concurrent.ThreadPoolExecutor}
 * does.
 *
 * <p><b>What is not changed.</b> Every task reaches the engine through {@code queue}, {@code queueOn},
 * {@code queueDelayed} or {@code queueDelayedOn}, so the workqueue's max_active, ordering, freezing
 * and CPU-hotplug behaviour apply to it unchanged.
 *
 * <p><b>Rejected alternatives.</b> A task class extending {@code DelayedWork} would save one object
 * per task, but would put {@code Work}'s public methods ({@code cancel()}, {@code flush()}, ...) on the
 * futures handed to users; a task queue of our own in front of the workqueue would break max_active
 * and ordering guarantees. The JDK's {@link java.util.concurrent.RejectedExecutionHandler} takes a
 * {@code ThreadPoolExecutor}, so handlers receive a thin view ({@code RejectionView}) that delegates
 * to the adapter; the JDK's own policies work unchanged through it.
 */
package io.corewq.exec;
