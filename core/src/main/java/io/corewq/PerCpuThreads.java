// Per-CPU threads with park/unpark across CPU hotplug (the kernel's smpboot threads).
package io.corewq;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads of one {@link PerCpuThread} descriptor: one per online CPU. Obtained from
 * {@link Hotplug#registerPerCpuThreads}; {@link #close()} unregisters them (cleanup runs on each
 * thread, then it ends).
 *
 * <pre>
 *   start ──setup──> RUNNING ⇄ (waiting for wake)       CPU offline: park() ──> PARKED (same thread)
 *                       ▲                                                        │ CPU online
 *                       └──────────── re-pinned, unpark() ◀─────────────────────┘
 *   close: cleanup, thread ends
 * </pre>
 */
public final class PerCpuThreads implements AutoCloseable {
    private final CpuRuntime rt;
    private final PerCpuThread d;
    private final Map<Integer, Slot> slots = new ConcurrentHashMap<>();

    private static final class Slot {
        final int cpu;
        Thread thread;
        volatile boolean shouldPark;
        volatile boolean parked;
        volatile boolean shouldStop;
        volatile boolean woken;
        volatile Thread parkWaiter;
        /** Controller only (written before {@link #shouldPark}): park requests made so far. */
        volatile int parkRequests;
        /** The thread: the last park request it has parked for. */
        volatile int parkedFor;

        Slot(int cpu) {
            this.cpu = cpu;
        }
    }

    PerCpuThreads(CpuRuntime rt, PerCpuThread d) {
        this.rt = rt;
        this.d = d;
    }

    /** Wakes the thread of {@code cpu} so it re-checks {@link PerCpuThread#shouldRun}. */
    public void wake(int cpu) {
        Slot s = slots.get(cpu);
        if (s != null) {
            s.woken = true;
            LockSupport.unpark(s.thread);
        }
    }

    /** The thread of {@code cpu}, or null. */
    public Thread thread(int cpu) {
        Slot s = slots.get(cpu);
        return s == null ? null : s.thread;
    }

    /** Whether the thread of {@code cpu} is parked (its CPU is offline). */
    public boolean isParked(int cpu) {
        Slot s = slots.get(cpu);
        return s != null && s.parked;
    }

    void start(int cpu) {
        Slot s = new Slot(cpu);
        Thread t = new Thread(() -> loop(s), d.name() + "/" + cpu);
        t.setDaemon(true);
        s.thread = t;
        slots.put(cpu, s);
        t.start();
    }

    /** CONTEXT: hotplug controller, CPU going down. Returns once the thread is parked. */
    void park(int cpu) {
        Slot s = slots.get(cpu);
        if (s == null) {
            return;
        }
        // Every request is acknowledged by number: after a quick online, "parked" may still be
        // true from the last offline while the thread is about to run again, so it proves nothing
        // (an earlier version returned on it, and the thread then ran on the offline CPU).
        s.parkWaiter = Thread.currentThread();
        int request = s.parkRequests + 1;
        s.parkRequests = request;
        s.shouldPark = true;
        LockSupport.unpark(s.thread);
        while (s.parkedFor - request < 0 && s.thread.isAlive()) {
            LockSupport.parkNanos(this, 1_000_000L);
        }
        s.parkWaiter = null;
    }

    /** CONTEXT: hotplug controller, CPU coming up. */
    void unparkOrStart(int cpu) {
        Slot s = slots.get(cpu);
        if (s == null) {
            start(cpu);
            return;
        }
        s.shouldPark = false;
        LockSupport.unpark(s.thread);
    }

    private void loop(Slot s) {
        final int cpu = s.cpu;
        rt.pinThread(cpu);
        boolean setupDone = false;
        try {
            for (;;) {
                if (s.shouldStop) {
                    break;
                }
                if (s.shouldPark) {
                    if (!s.parked) {
                        if (setupDone) {
                            d.park(cpu);
                        }
                        s.parked = true;
                    }
                    int request = s.parkRequests; // at least the one whose shouldPark we saw
                    if (s.parkedFor != request) {
                        s.parkedFor = request;
                        Thread w = s.parkWaiter;
                        if (w != null) {
                            LockSupport.unpark(w);
                        }
                    }
                    Thread.interrupted(); // left by the thread's function, or from outside: the park must not spin
                    LockSupport.park(this);
                    continue;
                }
                if (s.parked) {
                    s.parked = false;
                    rt.pinThread(cpu); // the same thread, re-pinned
                    if (setupDone) {
                        d.unpark(cpu);
                    }
                }
                if (!setupDone) {
                    d.setup(cpu);
                    setupDone = true;
                }
                s.woken = false;
                if (d.shouldRun(cpu)) {
                    d.run(cpu);
                    continue;
                }
                if (!s.woken && !s.shouldPark && !s.shouldStop) {
                    Thread.interrupted(); // left by the thread's function, or from outside: the park must not spin
                    LockSupport.park(this);
                }
            }
        } catch (Throwable t) {
            rt.log.error("corewq: per-CPU thread {} failed", Thread.currentThread().getName(), t);
        } finally {
            if (setupDone) {
                try {
                    d.cleanup(cpu, rt.isOnline(cpu));
                } catch (Throwable t) {
                    rt.log.error("corewq: cleanup of per-CPU thread {} failed", Thread.currentThread().getName(), t);
                }
            }
        }
    }

    /** Unregisters: every thread runs cleanup and ends; waits for them. */
    @Override
    public void close() {
        rt.hotplug().unregister(this);
        for (Slot s : slots.values()) {
            s.shouldStop = true;
            LockSupport.unpark(s.thread);
        }
        for (Slot s : slots.values()) {
            try {
                s.thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        slots.clear();
    }
}
