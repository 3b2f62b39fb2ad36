// A worker thread (kworker/N:M): the run loop of a carrier or unbound worker, and the per-item run/complete path.
package io.corewq;

import io.corewq.cpu.PinningStatus;
import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread of a {@link WorkerPool}. In a per-CPU pool the run-slot holder is the CPU's
 * carrier: it polls the worklist, runs items, and services the CPU's timer; it spins briefly when
 * idle, then parks. In an unbound pool every worker polls.
 *
 * <p>The per-item path ({@link #process}) is the queue -> run -> complete path of {@link Work}:
 * <pre>
 *   pop entry n (seq s) ── stale? (no PENDING, or seq != s) ──> retire ticket, drop
 *        │
 *        ├─ RUNNING elsewhere ──> CAS set DEFERRED (stays PENDING); the runner runs it next
 *        │
 *        └─ CAS PENDING→RUNNING (full fence) ──> run fn ──> CAS clear RUNNING
 *                                                   ▲            │ DEFERRED set?
 *                                                   └── CAS clear DEFERRED|PENDING
 * </pre>
 */
final class Worker extends Thread {
    /** Immutable. */
    final WorkerPool pool;
    /** Immutable: the M of kworker/N:M. */
    final int workerId;

    /** This thread only (volatile for dumps): the item running now. */
    volatile Work current;
    /** This thread only: pwq of the item running now. */
    PoolWorkqueue currentPwq;
    /** This thread only: whether pinning was verified. */
    volatile boolean pinned;
    /** Under the pool's idle lock: set by the waker. */
    boolean idleWoken;

    Worker(WorkerPool pool, int workerId) {
        super(threadName(pool, workerId));
        this.pool = pool;
        this.workerId = workerId;
        setDaemon(true);
        if (pool.highpri) {
            setPriority(Thread.MAX_PRIORITY);
        }
    }

    private static String threadName(WorkerPool pool, int id) {
        if (pool.isBound()) {
            return "kworker/" + pool.cpu + ":" + id + (pool.highpri ? "H" : "");
        }
        return "kworker/u" + pool.id + ":" + id + (pool.highpri ? "H" : "");
    }

    /** The calling thread as a worker of {@code rt}, or null. */
    static Worker current(CpuRuntime rt) {
        Thread t = Thread.currentThread();
        if (t instanceof Worker && ((Worker) t).pool.rt == rt) {
            return (Worker) t;
        }
        return null;
    }

    @Override
    public void run() {
        try {
            bind();
            if (pool.isBound()) {
                runCarrier();
            } else {
                runUnbound();
            }
        } catch (Throwable t) {
            pool.rt.log.error("corewq: worker {} died", getName(), t);
        } finally {
            pool.detach(this);
        }
    }

    private void bind() {
        if (pool.isBound()) {
            pinned = pool.rt.pinning.pinCurrentThread(pool.cpu) == PinningStatus.State.PINNED;
        } else if (pool.rt.binder.isPinning()) {
            pinned = pool.rt.binder.bind(pool.cpumask);
        }
    }

    // ---- per-CPU pools: the carrier loop ----------------------------------------------------

    private void runCarrier() {
        final WorkerPool p = pool;
        final CpuTimer timer = p.timer;
        final int spins = p.rt.idleSpins;
        int idleRounds = 0;
        int ops = 0;
        while (!p.stopping) {
            if (p.holder != this) {
                return; // surplus (concurrency management hands the slot around)
            }
            Node n = p.worklist.relaxedPoll();
            if (n != null) {
                process(n);
                idleRounds = 0;
                if (timer != null && (++ops & 63) == 0) {
                    timer.runExpired(System.nanoTime());
                }
                continue;
            }
            if (timer != null && timer.runExpired(System.nanoTime()) > 0) {
                continue;
            }
            if (idleRounds < spins) {
                idleRounds++;
                if (idleRounds > spins - 8) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
                continue;
            }
            if (p.prepareToSleep()) {
                long next = timer == null ? Long.MAX_VALUE : timer.nextDeadline();
                if (next == Long.MAX_VALUE) {
                    LockSupport.park(p);
                } else {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(p, wait);
                    }
                }
                p.doneSleeping();
            }
            idleRounds = 0;
        }
    }

    // ---- unbound pools ------------------------------------------------------------------------

    private void runUnbound() {
        final WorkerPool p = pool;
        final int spins = Math.max(1, p.rt.idleSpins / 4);
        int idleRounds = 0;
        while (!p.stopping) {
            Node n = p.worklist.poll();
            if (n != null) {
                p.ensureSpare();
                process(n);
                idleRounds = 0;
                continue;
            }
            if (idleRounds++ < spins) {
                Thread.onSpinWait();
                continue;
            }
            if (p.enterIdle(this)) {
                LockSupport.park(p);
                p.leaveIdle(this);
            }
            idleRounds = 0;
        }
    }

    // ---- queue -> run -> complete ---------------------------------------------------------

    /** Runs the instance carried by {@code n}, or drops it if stale, or defers it to its runner. */
    void process(Node n) {
        final Work w = n.work;
        final PoolWorkqueue pwq = n.pwq;
        final int color = n.color;
        final int seq = n.seq;
        n.inQueue = false; // the entry may be reused by the next PENDING owner from here on
        for (;;) {
            long st = w.state;
            if ((st & Work.PENDING) == 0 || Work.seqOf(st) != seq) {
                pwq.retire(color); // cancelled or re-armed while queued
                return;
            }
            if ((st & Work.RUNNING) != 0) {
                w.deferPwq = pwq;
                w.deferColor = color;
                w.deferSeq = seq;
                if (Work.STATE.compareAndSet(w, st, st | Work.DEFERRED)) {
                    return; // the runner will run this instance after the current one
                }
            } else if (Work.STATE.compareAndSet(w, st, (st & ~Work.PENDING) | Work.RUNNING)) {
                break;
            }
        }
        runChain(w, pwq, color, seq);
    }

    private void runChain(Work w, PoolWorkqueue pwq, int color, int seq) {
        for (;;) {
            w.runner = this;
            w.runSeq = seq;
            current = w;
            currentPwq = pwq;
            pwq.wq.started.increment();
            try {
                w.fn.run();
            } catch (Throwable t) {
                pwq.wq.exceptions.increment();
                pool.rt.reportException(w, pwq.wq, t);
            }
            current = null;
            currentPwq = null;
            pwq.wq.completed.increment();
            for (;;) {
                long st = w.state;
                if ((st & Work.DEFERRED) != 0) {
                    PoolWorkqueue dp = w.deferPwq;
                    int dc = w.deferColor;
                    int ds = w.deferSeq;
                    if (Work.STATE.compareAndSet(w, st, st & ~(Work.DEFERRED | Work.PENDING))) {
                        pwq.retire(color);
                        w.wakeWaiters();
                        pwq = dp;
                        color = dc;
                        seq = ds;
                        break;
                    }
                } else if (Work.STATE.compareAndSet(w, st, st & ~Work.RUNNING)) {
                    pwq.retire(color);
                    w.wakeWaiters();
                    return;
                }
            }
        }
    }
}
