// A pool of worker threads fed by one lock-free worklist: a per-CPU pool (carrier model) or an unbound pool.
package io.corewq;

import io.corewq.cpu.CpuSet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpmcUnboundedXaddArrayQueue;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * The threads that execute work, and their worklist.
 *
 * <h2>Per-CPU pools: the carrier model</h2>
 * A per-CPU pool (normal or high priority) has one <b>run slot</b>. Its holder, the <b>carrier</b>,
 * is the only thread that polls the worklist (a JCTools MPSC queue, so the consumer side needs no
 * atomic instruction) and runs the items one after another; it also services the CPU's timer.
 * Producers offer an entry and wake the carrier only if it announced that it parks:
 * <pre>
 *   carrier:  sleeping = 1 (volatile) ; if (worklist.isEmpty()) park ; sleeping = 0
 *   producer: worklist.offer(n) (xadd) ; if (sleeping == 1 &amp;&amp; CAS(sleeping, 1, 0)) unpark(carrier)
 * </pre>
 * Both sides store then load through volatile accesses, so at least one sees the other: there is
 * no lost wake-up, and a producer whose carrier is awake makes no system call.
 *
 * <h2>Unbound pools</h2>
 * Not concurrency-managed: every worker polls the MPMC worklist; an idle worker waits on the idle
 * list and producers wake one. As in the kernel, a worker that leaves the idle list when it was the
 * last idle one first makes sure a spare exists (one manager at a time), so new work always finds a
 * worker even when all the others block.
 */
final class WorkerPool {
    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(WorkerPool.class, "sleeping", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Immutable. */
    final CpuRuntime rt;
    /** Immutable: the CPU for a per-CPU pool, -1 for an unbound pool. */
    final int cpu;
    /** Immutable. */
    final boolean highpri;
    /** Immutable: pool id (unbound pools are numbered, as the kernel's {@code u<id>}). */
    final int id;
    /** Immutable: the CPUs the pool's workers may run on. */
    final CpuSet cpumask;
    /** Immutable: per-CPU pool's timer (normal pool only), else null. */
    CpuTimer timer;

    /** Producers: any thread. Consumer: the carrier (per-CPU) or any worker (unbound). */
    final MessagePassingQueue<Node> worklist;

    /** Per-CPU: the carrier (run-slot holder). Written by whoever hands the slot over. */
    volatile Worker holder;
    /** Per-CPU: 1 while the carrier is parking (see the protocol above). CAS by producers. */
    private volatile int sleeping;

    /** Unbound: idle workers, under {@link #idleLock}. */
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    private final Object idleLock = new Object();
    /** Any thread: number of idle workers (the lock-free check producers make). */
    final AtomicInteger nrIdle = new AtomicInteger();
    /** Any thread: one manager at a time creates workers. */
    private final AtomicInteger managing = new AtomicInteger();
    /** Under {@link #workersLock}: every worker still attached. */
    private final List<Worker> workers = new ArrayList<>();
    private final Object workersLock = new Object();
    private int nextWorkerId;

    /** Set once by close. */
    volatile boolean stopping;

    WorkerPool(CpuRuntime rt, int cpu, boolean highpri, int id, CpuSet cpumask) {
        this.rt = rt;
        this.cpu = cpu;
        this.highpri = highpri;
        this.id = id;
        this.cpumask = cpumask;
        this.worklist = cpu >= 0
                ? new MpscUnboundedXaddArrayQueue<>(1024, 4)
                : new MpmcUnboundedXaddArrayQueue<>(1024, 4);
    }

    boolean isBound() {
        return cpu >= 0;
    }

    /** Kernel-style pool name for dumps: {@code cpus=3 flags=H} etc. */
    String describe() {
        return isBound() ? "cpu=" + cpu + (highpri ? " H" : "") : "unbound id=" + id + " cpus=" + cpumask + (highpri ? " H" : "");
    }

    // ---- producer side ---------------------------------------------------------------------

    /** Offers an activated entry and wakes a consumer if needed. CONTEXT: any thread. */
    void push(Node n) {
        worklist.offer(n);
        if (isBound()) {
            if (sleeping != 0) {
                wakeCarrier();
            }
        } else if (nrIdle.get() > 0) {
            wakeIdle();
        } else if (workerCount() == 0) {
            maybeCreateWorker();
        }
    }

    void wakeCarrier() {
        if (SLEEPING.compareAndSet(this, 1, 0)) {
            LockSupport.unpark(holder);
        }
    }

    /** A timer item became the earliest: make the carrier re-compute its park time. */
    void wakeForTimer() {
        Thread t = Thread.currentThread();
        if (t != holder) {
            wakeCarrier();
        }
    }

    // ---- carrier side (per-CPU) -------------------------------------------------------------

    /** CONTEXT: the carrier, about to park. Returns false when work arrived meanwhile (do not park). */
    boolean prepareToSleep() {
        sleeping = 1;
        if (!worklist.isEmpty() || stopping) {
            sleeping = 0;
            return false;
        }
        return true;
    }

    void doneSleeping() {
        sleeping = 0;
    }

    // ---- unbound side ----------------------------------------------------------------------

    private void wakeIdle() {
        Worker w;
        synchronized (idleLock) {
            w = idle.pollFirst();
            if (w != null) {
                nrIdle.decrementAndGet();
                w.idleWoken = true;
            }
        }
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * CONTEXT: an unbound worker with nothing to do. Registers as idle; returns false (not
     * registered) when work arrived meanwhile.
     */
    boolean enterIdle(Worker w) {
        synchronized (idleLock) {
            w.idleWoken = false;
            idle.addFirst(w);
        }
        nrIdle.incrementAndGet(); // full fence before the re-check below
        if (!worklist.isEmpty() || stopping) {
            leaveIdle(w);
            return false;
        }
        return true;
    }

    /** CONTEXT: the worker itself, after waking or on a cancelled registration. */
    void leaveIdle(Worker w) {
        synchronized (idleLock) {
            if (!w.idleWoken && idle.remove(w)) {
                nrIdle.decrementAndGet();
            }
            w.idleWoken = false;
        }
    }

    /**
     * As the kernel's may_start_working: a worker about to run an item makes sure an idle worker
     * remains, so work queued while every worker is busy (or blocked) always finds one.
     */
    void ensureSpare() {
        if (nrIdle.get() == 0) {
            maybeCreateWorker();
        }
    }

    // ---- workers ---------------------------------------------------------------------------

    int workerCount() {
        synchronized (workersLock) {
            return workers.size();
        }
    }

    List<Worker> workersSnapshot() {
        synchronized (workersLock) {
            return new ArrayList<>(workers);
        }
    }

    /** Creates a worker unless another manager is at it or the pool is at its limit. */
    void maybeCreateWorker() {
        if (stopping || !managing.compareAndSet(0, 1)) {
            return;
        }
        try {
            if (workerCount() < rt.maxUnboundWorkers) {
                createWorker();
            }
        } finally {
            managing.set(0);
        }
    }

    /** Creates and starts a worker. CONTEXT: build, or the pool's manager. */
    Worker createWorker() {
        return createWorker(false);
    }

    /**
     * Creates and starts a worker; with {@code asHolder} it holds the run slot from its first
     * instruction (the carrier of a per-CPU pool).
     */
    Worker createWorker(boolean asHolder) {
        Worker w;
        synchronized (workersLock) {
            w = new Worker(this, nextWorkerId++);
            workers.add(w);
        }
        if (asHolder) {
            holder = w;
        }
        try {
            w.start();
        } catch (Throwable t) {
            synchronized (workersLock) {
                workers.remove(w);
            }
            throw t;
        }
        return w;
    }

    /** CONTEXT: the worker on its way out (it detaches itself; nobody waits for it but teardown). */
    void detach(Worker w) {
        synchronized (workersLock) {
            workers.remove(w);
            workersLock.notifyAll();
        }
    }

    /** Stops every worker and waits until all have detached. CONTEXT: runtime close. */
    void stop() {
        stopping = true;
        for (Worker w : workersSnapshot()) {
            LockSupport.unpark(w);
        }
        synchronized (workersLock) {
            while (!workers.isEmpty()) {
                try {
                    workersLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (Worker w : workers) {
                    LockSupport.unpark(w);
                }
            }
        }
    }
}
