// The hotplug controller: offline/online CPUs at runtime, ordered states with rollback, per-CPU threads, events.
package io.corewq;

import io.corewq.cpu.CpuSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Takes CPUs offline and brings them back while the runtime runs, as the kernel's cpuhp.
 *
 * <h2>Going down ({@link #offline})</h2>
 * <pre>
 *   ONLINE ──teardown states, last first, on the CPU (still pinned)──> [failure: startups re-run, stays ONLINE]
 *          ──write lock: per-CPU threads parked (the CPU still online), then mark offline,
 *            pools DISASSOCIATED, redirect, timers moved──> OFFLINE
 *          ──carriers drain the pools unpinned, then park
 * </pre>
 * Pending work is not moved item by item: the CPU's pools (worklists and the inactive lists of
 * their pool_workqueues) are adopted whole by their own workers, which lose their pinning, are
 * bound to the online CPUs and keep draining in the background, so {@code offline()} does not wait
 * for that work. New work aimed at the CPU goes to an online CPU ({@link CpuRuntime#placementCpu}).
 * Non-reentrancy holds because it lives in each item's state word; FIFO and max_active hold
 * because the pool_workqueues keep their own lists and permits.
 *
 * <h2>Coming up ({@link #online})</h2>
 * <pre>
 *   OFFLINE ──carriers unparked (started the first time)──> write lock: mark online, pools associated,
 *           carriers re-pin before their next item ──startup states, first first, on the CPU──> ONLINE
 *                                                         [failure: teardowns run, back OFFLINE]
 * </pre>
 *
 * <h2>Locking rule</h2>
 * State callbacks run without the write lock: they may take {@link CpuRuntime#cpusReadLock()} and
 * may wait for work that takes it. The write lock is held for the flip, which runs no user code,
 * and on an offline first for parking the CPU's per-CPU threads, whose {@link PerCpuThread}
 * callbacks must therefore not take the read lock.
 * Calls are serialised by this object's monitor; a callback must not call {@code offline},
 * {@code online} or {@code registerState} itself (that throws).
 */
public final class Hotplug {
    /** Immutable. */
    private final CpuRuntime rt;
    /** Under this object's monitor: registered states in startup order. */
    private final List<HotplugState> states = new ArrayList<>();
    /** Registered per-CPU threads. */
    private final List<PerCpuThreads> threads = new CopyOnWriteArrayList<>();
    private final List<Consumer<HotplugEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong offlineOps = new AtomicLong();
    private final AtomicLong onlineOps = new AtomicLong();
    /**
     * Under this monitor: per CPU id, the offlines and onlines done so far. The CPU watcher brings
     * back only a CPU whose count is still the one its own offline left: a CPU that somebody else
     * onlined or offlined since is theirs ({@link #onlineIfUnchanged}).
     */
    private final long[] transitions;
    /** The thread inside a hotplug operation, for the reentrancy check. */
    private volatile Thread operating;

    Hotplug(CpuRuntime rt) {
        this.transitions = new long[rt.cpus().last() + 1];
        this.rt = rt;
    }

    /** A callback run on a CPU's carrier. */
    @FunctionalInterface
    public interface CpuCallback {
        void run(int cpu) throws Exception;
    }

    /** A registered hotplug state. */
    public static final class HotplugState {
        final String name;
        final CpuCallback startup;
        final CpuCallback teardown;

        HotplugState(String name, CpuCallback startup, CpuCallback teardown) {
            this.name = name;
            this.startup = startup;
            this.teardown = teardown;
        }

        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return "HotplugState[" + name + "]";
        }
    }

    /**
     * What happened: a CPU went offline or came online.
     *
     * @param cpu the CPU
     * @param online its new state
     * @param cause {@code api}, {@code cpuset}, {@code affinity} or {@code sysfs}
     * @param pendingMoved items pending on its pools when it went down (adopted, run elsewhere)
     * @param nanos how long the operation took
     */
    public record HotplugEvent(int cpu, boolean online, String cause, long pendingMoved, long nanos) {
        @Override
        public String toString() {
            return "cpu " + cpu + (online ? " online (" + cause + ")" : " offline (" + cause + ") pending moved: " + pendingMoved);
        }
    }

    public void addListener(Consumer<HotplugEvent> l) {
        listeners.add(Objects.requireNonNull(l, "listener is null"));
    }

    public void removeListener(Consumer<HotplugEvent> l) {
        listeners.remove(l);
    }

    public long offlineOps() {
        return offlineOps.get();
    }

    public long onlineOps() {
        return onlineOps.get();
    }

    // ---- states -------------------------------------------------------------------------------

    /**
     * Registers a state after the existing ones and runs {@code startup} on every online CPU. If a
     * startup fails, {@code teardown} runs on the CPUs already done (in reverse) and the
     * registration fails with the callback's exception.
     *
     * @param startup run on a CPU coming online (and now on each online CPU), or null
     * @param teardown run on a CPU going offline, or null
     * @throws HotplugException wrapping what a startup threw
     */
    public HotplugState registerState(String name, CpuCallback startup, CpuCallback teardown) {
        Objects.requireNonNull(name, "state name is null");
        checkNotReentrant("registerState");
        synchronized (this) {
            return registerLocked(name, startup, teardown);
        }
    }

    private HotplugState registerLocked(String name, CpuCallback startup, CpuCallback teardown) {
        HotplugState s = new HotplugState(name, startup, teardown);
        List<Integer> done = new ArrayList<>();
        operating = Thread.currentThread();
        try {
            for (int cpu : rt.onlineCpus()) {
                try {
                    runOn(cpu, s.startup);
                    done.add(cpu);
                } catch (Throwable t) {
                    for (int i = done.size() - 1; i >= 0; i--) {
                        runQuietly(done.get(i), s.teardown, s);
                    }
                    throw failure("startup of state " + name + " failed on CPU " + cpu, t);
                }
            }
            states.add(s);
            return s;
        } finally {
            operating = null;
        }
    }

    /** Runs the state's teardown on every online CPU and forgets it. */
    public void removeState(HotplugState s) {
        checkNotReentrant("removeState");
        synchronized (this) {
            removeLocked(s);
        }
    }

    private void removeLocked(HotplugState s) {
        if (!states.remove(s)) {
            throw new IllegalArgumentException(s + " is not registered");
        }
        operating = Thread.currentThread();
        try {
            for (int cpu : rt.onlineCpus()) {
                runQuietly(cpu, s.teardown, s);
            }
        } finally {
            operating = null;
        }
    }

    // ---- per-CPU threads ----------------------------------------------------------------------

    /**
     * Registers per-CPU threads (the kernel's smpboot): one thread per online CPU, pinned to it,
     * parked (not destroyed) while its CPU is offline, unparked and re-pinned when it returns.
     */
    public PerCpuThreads registerPerCpuThreads(PerCpuThread descriptor) {
        Objects.requireNonNull(descriptor, "descriptor is null");
        checkNotReentrant("registerPerCpuThreads");
        synchronized (this) {
            return registerThreadsLocked(descriptor);
        }
    }

    private PerCpuThreads registerThreadsLocked(PerCpuThread descriptor) {
        PerCpuThreads t = new PerCpuThreads(rt, descriptor);
        for (int cpu : rt.onlineCpus()) {
            t.start(cpu);
        }
        threads.add(t);
        return t;
    }

    synchronized void unregister(PerCpuThreads t) {
        threads.remove(t);
    }

    // ---- offline / online ---------------------------------------------------------------------

    /**
     * Takes {@code cpu} offline. Returns once teardown callbacks ran and the CPU's pools are
     * disassociated; work that was pending there runs on online CPUs without being waited for.
     * Idempotent for an offline CPU (returns false).
     *
     * @return whether the CPU was online
     * @throws IllegalArgumentException if {@code cpu} is not one of the runtime's possible CPUs
     * @throws IllegalStateException if it is the last online CPU, or if called from a hotplug
     *     callback or operation, or from inside the hotplug read lock (each would deadlock)
     * @throws HotplugException wrapping a teardown's exception (the CPU then stays online)
     */
    public boolean offline(int cpu) {
        return offline(cpu, "api");
    }

    /**
     * Brings {@code cpu} online. Idempotent for an online CPU (returns false).
     *
     * @throws IllegalArgumentException if {@code cpu} is not one of the runtime's possible CPUs
     * @throws IllegalStateException if called from a hotplug callback or operation, or from
     *     inside the hotplug read lock (each would deadlock)
     * @throws HotplugException wrapping a startup's exception (the CPU then stays offline)
     */
    public boolean online(int cpu) {
        return online(cpu, "api");
    }

    /**
     * The CPU watcher's offline: as {@link #offline(int, String)}, returning the CPU's transition
     * count after it, or -1 if the CPU was offline already.
     */
    long offlineCounted(int cpu, String cause) {
        Objects.requireNonNull(cause, "cause is null");
        rt.checkCpu(cpu);
        checkNotReentrant("offline");
        synchronized (this) {
            return offlineLocked(cpu, cause) ? transitions[cpu] : -1L;
        }
    }

    /**
     * The CPU watcher's online of a CPU it took offline: only if nobody has onlined or offlined it
     * since ({@code transitions}, from {@link #offlineCounted}); false otherwise. (The watcher
     * brought back a CPU that the user had onlined and offlined again in between; found by review,
     * 2026-11-22.)
     */
    boolean onlineIfUnchanged(int cpu, String cause, long transitionsThen) {
        rt.checkCpu(cpu);
        checkNotReentrant("online");
        synchronized (this) {
            return transitions[cpu] == transitionsThen && onlineLocked(cpu, cause);
        }
    }

    /** As {@link #offline(int)}, recording {@code cause} in the event (e.g. {@code "jmx"}). */
    public boolean offline(int cpu, String cause) {
        return offlineCounted(cpu, cause) >= 0;
    }

    private boolean offlineLocked(int cpu, String cause) {
        if (rt.isClosed()) {
            throw new IllegalStateException("runtime is closed");
        }
        Cpu c = rt.cpu(cpu);
        if (!c.online) {
            return false;
        }
        if (rt.onlineCpus().size() == 1) {
            throw new IllegalStateException("CPU " + cpu + " is the last online CPU of the runtime; it cannot go offline");
        }
        long t0 = System.nanoTime();
        operating = Thread.currentThread();
        try {
            // teardown, last state first, while the CPU is online and its carrier pinned
            for (int i = states.size() - 1; i >= 0; i--) {
                HotplugState s = states.get(i);
                try {
                    runOn(cpu, s.teardown);
                } catch (Throwable t) {
                    startStatesFrom(i + 1, cpu);
                    throw failure("teardown of state " + s.name + " failed on CPU " + cpu + "; the CPU stays online", t);
                }
            }
            // Per-CPU threads park under the write lock, before the flip, while the CPU is still
            // online and they are pinned to it, as the kernel parks its smpboot threads under
            // cpus_write_lock: parked after the flip, a thread's function could start on a CPU
            // already marked offline; parked before taking the write lock, a reader that waited
            // for such a thread (scheduleOnEachCpu's fn, a cpusReadLock holder) waited for ever
            // beside the offline (both found by review, 2026-11-22).
            long pending;
            try {
                pending = rt.flipOffline(c, () -> parkThreads(cpu));
            } catch (RuntimeException | Error e) {
                if (!c.online) {
                    throw failure("the offline flip of CPU " + cpu + " failed after the CPU was marked offline", e);
                }
                // Nothing changed (the write lock refused, or an allocation failed first): back
                // to where the teardowns started, as a failed teardown leaves it.
                for (PerCpuThreads t : threads) {
                    t.unparkOrStart(cpu);
                }
                startStatesFrom(0, cpu);
                throw failure("the offline flip of CPU " + cpu + " failed; the CPU stays online", e);
            }
            offlineOps.incrementAndGet();
            transitions[cpu]++;
            emit(new HotplugEvent(cpu, false, cause, pending, System.nanoTime() - t0));
            return true;
        } finally {
            operating = null;
        }
    }

    /** Rolls an offline back: runs the startups of states {@code from} onwards (those torn down), quietly. */
    private void startStatesFrom(int from, int cpu) {
        for (int j = from; j < states.size(); j++) {
            runQuietly(cpu, states.get(j).startup, states.get(j));
        }
    }

    private void parkThreads(int cpu) {
        for (PerCpuThreads t : threads) {
            t.park(cpu);
        }
    }

    /** As {@link #online(int)}, recording {@code cause} in the event. */
    public boolean online(int cpu, String cause) {
        Objects.requireNonNull(cause, "cause is null");
        rt.checkCpu(cpu);
        checkNotReentrant("online");
        synchronized (this) {
            return onlineLocked(cpu, cause);
        }
    }

    private boolean onlineLocked(int cpu, String cause) {
        if (rt.isClosed()) {
            throw new IllegalStateException("runtime is closed");
        }
        Cpu c = rt.cpu(cpu);
        if (c.online) {
            return false;
        }
        long t0 = System.nanoTime();
        operating = Thread.currentThread();
        try {
            rt.flipOnline(c);
            for (PerCpuThreads t : threads) {
                t.unparkOrStart(cpu);
            }
            for (int i = 0; i < states.size(); i++) {
                HotplugState s = states.get(i);
                try {
                    runOn(cpu, s.startup);
                } catch (Throwable t) {
                    for (int j = i - 1; j >= 0; j--) {
                        runQuietly(cpu, states.get(j).teardown, states.get(j));
                    }
                    try {
                        rt.flipOffline(c, () -> parkThreads(cpu));
                    } catch (RuntimeException | Error undo) {
                        t.addSuppressed(undo); // the startup's failure is the one to report
                    }
                    throw failure("startup of state " + s.name + " failed on CPU " + cpu + "; the CPU stays offline", t);
                }
            }
            onlineOps.incrementAndGet();
            transitions[cpu]++;
            emit(new HotplugEvent(cpu, true, cause, 0, System.nanoTime() - t0));
            return true;
        } finally {
            operating = null;
        }
    }

    private void emit(HotplugEvent e) {
        rt.log.debug("corewq: {}", e); // listeners (watch, JFR) report events; the log stays quiet under torture
        for (Consumer<HotplugEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (Throwable t) {
                rt.log.error("corewq: hotplug listener threw", t);
            }
        }
    }

    private void checkNotReentrant(String op) {
        Thread t = operating;
        Worker w = Worker.current(rt);
        if (t == Thread.currentThread() || w != null && w.hotplugCallback) {
            throw new IllegalStateException(op + "() from inside a hotplug operation or callback would deadlock");
        }
        if (rt.hotplugLock.isHeldByCurrentThread()) {
            throw new IllegalStateException(op + "() from inside the hotplug read lock (cpusReadLock) would deadlock: it waits for every reader to leave");
        }
    }

    private void runOn(int cpu, CpuCallback cb) throws Throwable {
        if (cb != null) {
            rt.runHotplugCallback(cpu, cb);
        }
    }

    private void runQuietly(int cpu, CpuCallback cb, HotplugState s) {
        try {
            runOn(cpu, cb);
        } catch (Throwable t) {
            rt.log.error("corewq: rollback callback of {} failed on CPU {}", s, cpu, t);
        }
    }

    private static HotplugException failure(String msg, Throwable t) {
        if (t instanceof HotplugException) {
            return (HotplugException) t;
        }
        return new HotplugException(msg + ": " + t, t);
    }

    /** The online CPUs as a set (same as {@link CpuRuntime#onlineCpus()}). */
    public CpuSet onlineCpus() {
        return rt.onlineCpus();
    }
}
