// One accepted task: the engine's work item that runs it, what to run, and the interrupt hand-shake.
package io.corewq.exec;

import io.corewq.DelayedWork;
import io.corewq.Work;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The function of one engine work item, standing for one task accepted by a {@link WorkqueueExecutor}.
 *
 * <p>The interrupt hand-shake ({@link #irq}):
 * <pre>
 *   runner:       IDLE ──(start: runner = me; irq = RUNNING)──> RUNNING
 *   interrupter:  RUNNING ──CAS──> INTERRUPTING ── runner.interrupt() ──> RUNNING
 *   runner:       (task returned) spin while INTERRUPTING; CAS RUNNING -> IDLE; clear interrupt status
 * </pre>
 * After the runner's final CAS nobody interrupts the thread on behalf of this job, so clearing the
 * interrupt status then leaves the corewq worker clean for the next item.
 */
final class Job implements Runnable {
    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int INTERRUPTING = 2;

    private static final VarHandle IRQ;
    private static final VarHandle CLAIMED;
    private static final VarHandle ROOM;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            IRQ = l.findVarHandle(Job.class, "irq", int.class);
            CLAIMED = l.findVarHandle(Job.class, "claimed", int.class);
            ROOM = l.findVarHandle(Job.class, "room", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Immutable. */
    final WorkqueueExecutor owner;
    /** Immutable: what execute() was given, or the task future; what shutdownNow returns. */
    final Runnable body;
    /** Immutable: the engine's item; its function is this job. */
    final Work work;
    /** Immutable: submission order, for shutdownNow's list and the queue view. */
    final long seq;

    /** Runner only (volatile: read by interrupters after they win the CAS on irq). */
    volatile Thread runner;
    /** Any thread, CAS: IDLE, RUNNING or INTERRUPTING (see the class comment). */
    private volatile int irq;
    /** Any thread, CAS once: whether execute() has taken this job (task futures create theirs early). */
    private volatile int claimed;
    /** Any thread, CAS once: 1 while the job holds room under the executor's capacity (bounded executors only). */
    private volatile int room;
    /** The registry's membership word: {@link JobRegistry#LIVE} while the executor counts this job live (see {@link JobRegistry}). */
    volatile int registered;
    /** Written under the stripe's monitor when registered: where the registry keeps this job. */
    JobRegistry.Stripe home;
    /** Written under {@link #home}'s monitor; read without it as a hint (see {@link JobRegistry#remove}). */
    int slot;

    Job(WorkqueueExecutor owner, Runnable body, boolean delayed) {
        this(owner, body, delayed, owner.workName, owner.nextSeq());
    }

    private Job(WorkqueueExecutor owner, Runnable body, boolean delayed, String workName, long seq) {
        this.owner = owner;
        this.body = body;
        this.work = delayed ? new DelayedWork(workName, this) : new Work(workName, this);
        this.seq = seq;
    }

    /** Tests of the registry alone (model checking): a job of no executor, never run. */
    static Job detached(String name) {
        return new Job(null, () -> { }, false, name, 0L);
    }

    /** The work function: the engine calls this on a corewq worker. */
    @Override
    public void run() {
        owner.runJob(this);
    }

    /** CONTEXT: admission, before the job is published. */
    void holdRoom() {
        ROOM.setRelease(this, 1);
    }

    /** True for exactly one caller after {@link #holdRoom()}. */
    boolean giveRoomBack() {
        return room == 1 && ROOM.compareAndSet(this, 1, 0);
    }

    /** CONTEXT: execute(); true the first time only. */
    boolean claim() {
        return claimed == 0 && CLAIMED.compareAndSet(this, 0, 1);
    }

    /** CONTEXT: the runner, before the task. Publishes the runner to interrupters. */
    void beginRun(Thread me) {
        Thread.interrupted(); // a stale interrupt left by unrelated work is not meant for this task
        runner = me;
        irq = RUNNING; // volatile write after runner: an interrupter that sees RUNNING sees runner
    }

    /** CONTEXT: the runner, after the task. After this no interrupt is sent for this job. */
    void endRun() {
        for (int spins = 0; !IRQ.compareAndSet(this, RUNNING, IDLE); spins++) {
            // an interrupter is between its CAS and interrupt(): a few instructions, unless it was
            // descheduled there, so spin briefly, then yield the CPU to it
            if (spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        runner = null;
        Thread.interrupted(); // never leave a corewq worker interrupted
    }

    /** Interrupts the runner if the task is running now; a no-op otherwise. CONTEXT: any thread. */
    void interruptIfRunning() {
        if (IRQ.compareAndSet(this, RUNNING, INTERRUPTING)) {
            try {
                runner.interrupt();
            } finally {
                irq = RUNNING;
            }
        }
    }

    @Override
    public String toString() {
        return "Job[" + seq + ": " + body + "]";
    }
}
