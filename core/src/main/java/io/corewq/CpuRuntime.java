// The runtime: one carrier per CPU, the system workqueues, unbound pools, freeze/thaw and the CPU-level helpers.
package io.corewq;

import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuBinders;
import io.corewq.cpu.CpuSelection;
import io.corewq.cpu.CpuSet;
import io.corewq.cpu.PinningStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A corewq runtime: for each CPU it may use, a <b>carrier</b> (a platform thread pinned to that
 * CPU by the {@link CpuBinder}) that owns the CPU's worker pools and timer; unbound pools shared
 * by equal attributes; the system workqueues; freeze/thaw.
 *
 * <pre>{@code
 * try (CpuRuntime rt = CpuRuntime.builder().build()) {
 *     Workqueue wq = rt.allocWorkqueue("io", Set.of(), 0);
 *     Work w = new Work(() -> handle());
 *     wq.queueOn(3, w);
 *     w.flush();
 * }
 * }</pre>
 *
 * <p>{@link #close()} destroys every workqueue (draining it) and waits until every corewq thread
 * has ended.
 */
public final class CpuRuntime implements AutoCloseable {
    private static final AtomicInteger RUNTIME_IDS = new AtomicInteger();

    final Logger log = LoggerFactory.getLogger(CpuRuntime.class);

    /** Immutable. */
    final CpuBinder binder;
    /** Immutable: the CPUs this runtime may use. */
    private final CpuSet cpus;
    /** Immutable: per-CPU objects indexed by CPU id (null outside {@link #cpus}). */
    private final Cpu[] cpuById;
    /** Immutable: the CPU ids in order, for round-robin placement. */
    private final int[] cpuIds;
    /** Immutable configuration. */
    final int idleSpins;
    final int maxUnboundWorkers;
    final long monitorPeriodNanos;
    final long hogNanos;
    final long idleReapNanos;
    final long createCooldownNanos;
    final long maydayDelayNanos;
    final long watchdogNanos;
    private final ThreadFactory threadFactory;
    final ConcurrencyMonitor monitor;
    private final WorkerPool[] boundPools;
    private final List<StallListener> stallListeners = new CopyOnWriteArrayList<>();
    private final List<Worker> rescuers = new CopyOnWriteArrayList<>();
    private final List<io.corewq.observe.WorkqueueListener> wqListeners = new CopyOnWriteArrayList<>();
    /** The JMX registration, or null when JMX is off. */
    private final io.corewq.observe.CorewqJmx jmx;
    /** Every thread this runtime started (pruned of dead ones as it grows), joined by close(). */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicLong lastCreateFailureLog = new AtomicLong();
    private volatile boolean stopping;
    private final WorkExceptionHandler exceptionHandler;
    final int id = RUNTIME_IDS.incrementAndGet();

    /** Under {@link #unboundLock}: unbound pools by attributes, shared by every workqueue that has them. */
    private final java.util.Map<PoolKey, WorkerPool> unboundPools = new java.util.HashMap<>();
    private final Object unboundLock = new Object();
    /** Snapshot of the unbound pools for the monitor and dumps (replaced under the lock). */
    private volatile List<WorkerPool> unboundList = List.of();
    /** Immutable: CPU topology, for affinity scopes. */
    private final io.corewq.cpu.Topology topology;

    /** What makes two unbound pools the same: the pod they serve, where workers may run, priority. */
    private record PoolKey(CpuSet pod, CpuSet bind, boolean highpri) {
    }
    private final AtomicInteger nextUnboundId = new AtomicInteger();
    private final List<Workqueue> workqueues = new CopyOnWriteArrayList<>();
    /** Immutable: what each carrier's pinning check found. */
    final PinningStatus pinning;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final ThreadLocal<int[]> stickyCpu = ThreadLocal.withInitial(() -> new int[] {-1});

    /** Taken for a freeze's plugging and for thaw and register, never while a freeze waits. */
    private final Object freezeLock = new Object();
    /** Under freezeLock (volatile for readers). */
    private volatile boolean frozen;
    /**
     * Under freezeLock (volatile for waiting freezes): thaws so far. A waiting freeze that sees it
     * move was ended by a thaw.
     */
    private volatile long thaws;
    /**
     * Under freezeLock: close() has begun. A freeze then refuses: one that started after close's
     * thaw plugged the freezable workqueues close had not destroyed yet, and close waited for ever
     * in their drain (found by review, 2026-11-22).
     */
    private boolean closingForFreeze;
    private volatile boolean closed;

    /** Immutable: logical CPUs (torture, tests): ids 0..k-1 sharing the machine's cores, unpinned. */
    final boolean logical;
    /** Under the hotplug write lock (volatile for readers): the online CPUs. */
    private volatile CpuSet online;
    /** Under the hotplug write lock: where work aimed at each CPU goes (itself when online). */
    private volatile int[] redirect;
    /** Immutable. */
    private final Hotplug hotplug;
    /** Immutable. */
    final HotplugLock hotplugLock = new HotplugLock();
    /** Immutable: follows the OS's CPU changes, or null. */
    private final CpuWatcher watcher;
    /** Internal per-CPU high-priority workqueue that runs hotplug callbacks on their CPU. */
    private final Workqueue cpuhp;

    /** System workqueues, as the kernel's system_wq and friends. */
    private final Workqueue events;
    private final Workqueue eventsHighpri;
    private final Workqueue eventsLong;
    private final Workqueue eventsUnbound;
    private final Workqueue eventsFreezable;
    private final Workqueue eventsPowerEfficient;

    private CpuRuntime(Builder b) {
        this.binder = b.binder != null ? b.binder : CpuBinders.load();
        this.logical = b.logicalCpus > 0;
        CpuSet set = logical ? CpuSet.range(0, b.logicalCpus)
                : b.selection.withSystemProperties().resolve(CpuSelection.processCpus(binder));
        this.cpus = set;
        this.topology = b.topology != null ? b.topology : logical ? io.corewq.cpu.Topology.flat(set) : io.corewq.cpu.Topology.system();
        CpuSet startOffline = b.startOffline.and(set);
        if (!startOffline.equals(b.startOffline)) {
            throw new IllegalArgumentException("startOffline CPUs " + b.startOffline.andNot(set) + " are not among the runtime's CPUs " + set);
        }
        if (startOffline.equals(set)) {
            throw new IllegalArgumentException("every CPU of " + set + " would start offline");
        }
        this.online = set.andNot(startOffline);
        this.pinning = new PinningStatus(binder);
        this.cpuIds = set.toArray();
        this.idleSpins = b.idleSpins;
        this.maxUnboundWorkers = b.maxUnboundWorkers;
        this.monitorPeriodNanos = cappedNanos(b.monitorPeriod);
        this.hogNanos = cappedNanos(b.hogThreshold);
        this.idleReapNanos = cappedNanos(b.idleReapTimeout);
        this.createCooldownNanos = cappedNanos(b.createCooldown);
        this.maydayDelayNanos = cappedNanos(b.maydayDelay);
        this.watchdogNanos = cappedNanos(b.watchdogThreshold);
        this.threadFactory = b.threadFactory;
        if (b.stallListener != null) {
            stallListeners.add(b.stallListener);
        }
        this.monitor = new ConcurrencyMonitor(this);
        this.exceptionHandler = b.exceptionHandler != null ? b.exceptionHandler : this::logException;
        this.cpuById = new Cpu[set.last() + 1];
        for (int c : cpuIds) {
            cpuById[c] = new Cpu(this, c);
            cpuById[c].online = online.contains(c);
            if (!cpuById[c].online) {
                cpuById[c].normal.setAssociation(false, online);
                cpuById[c].highpri.setAssociation(false, online);
            }
        }
        this.redirect = computeRedirect(online);
        this.hotplug = new Hotplug(this);
        this.boundPools = new WorkerPool[cpuIds.length * 2];
        for (int i = 0; i < cpuIds.length; i++) {
            boundPools[2 * i] = cpuById[cpuIds[i]].normal;
            boundPools[2 * i + 1] = cpuById[cpuIds[i]].highpri;
        }
        for (int c : online) {
            cpuById[c].start();
        }
        Thread mt = new Thread(monitor, "corewq-monitor-" + id);
        mt.setDaemon(true);
        track(mt);
        monitor.thread = mt;
        mt.start();
        events = allocWorkqueue("events", EnumSet.noneOf(WqFlag.class), 0);
        eventsHighpri = allocWorkqueue("events_highpri", EnumSet.of(WqFlag.HIGHPRI), 0);
        eventsLong = allocWorkqueue("events_long", EnumSet.noneOf(WqFlag.class), 0);
        eventsUnbound = allocWorkqueue("events_unbound", EnumSet.of(WqFlag.UNBOUND), 0);
        eventsFreezable = allocWorkqueue("events_freezable", EnumSet.of(WqFlag.FREEZABLE), 0);
        eventsPowerEfficient = allocWorkqueue("events_power_efficient", EnumSet.of(WqFlag.POWER_EFFICIENT), 0);
        cpuhp = allocWorkqueue("cpuhp", EnumSet.of(WqFlag.HIGHPRI), 0);
        hotplug.addListener(e -> io.corewq.observe.jfr.JfrEvents.hotplug(e.cpu(), e.online(), e.cause(), e.nanos(), e.pendingMoved()));
        if (b.jmx) {
            io.corewq.observe.CorewqJmx j = null;
            try {
                j = io.corewq.observe.CorewqJmx.register(this, b.jmxHotplugOps); // it listens for workqueues itself
            } catch (RuntimeException | LinkageError e) {
                log.warn("corewq: JMX registration failed: {}", e.toString());
            }
            jmx = j;
        } else {
            jmx = null;
        }
        if (!logical && !b.followInterval.isZero()) {
            watcher = new CpuWatcher(this, cappedNanos(b.followInterval));
            watcher.start();
        } else {
            watcher = null;
        }
    }

    /** A builder with the defaults: every CPU the process may use, the best binder on the class path. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- CPUs ---------------------------------------------------------------------------------

    /** The CPUs this runtime may use (its possible set). */
    public CpuSet cpus() {
        return cpus;
    }

    /** The CPUs that are online now. */
    public CpuSet onlineCpus() {
        return online;
    }

    /** Whether {@code cpu} is one of the runtime's CPUs and online. */
    public boolean isOnline(int cpu) {
        return cpu >= 0 && cpu < cpuById.length && cpuById[cpu] != null && cpuById[cpu].online;
    }

    /** The hotplug controller: take CPUs offline and back, states, per-CPU threads. */
    public Hotplug hotplug() {
        return hotplug;
    }

    /**
     * The hotplug read lock: while held, no CPU changes state.
     * {@code try (var g = rt.cpusReadLock()) { if (rt.isOnline(c)) wq.queueOn(c, w); }}
     * keeps {@code c} from going down while queueing. Cheap (no shared atomic), reentrant,
     * allocation-free. Hotplug callbacks may take it.
     */
    public HotplugLock.Guard cpusReadLock() {
        return hotplugLock.enter();
    }

    /** The binder in use. */
    public CpuBinder binder() {
        return binder;
    }

    /** What each carrier found when it pinned itself (queryable per CPU). */
    public PinningStatus pinningStatus() {
        return pinning;
    }

    /**
     * The CPU whose per-CPU pool the calling thread belongs to, or -1 when the caller is not a
     * per-CPU worker of any corewq runtime (unbound workers and other threads).
     */
    public static int currentCpu() {
        Worker w = Worker.current();
        return w == null ? -1 : w.pool.cpu;
    }

    /**
     * For placement checks: the CPU whose per-CPU pool the calling work item runs in, when the pool
     * has been associated (its CPU online) since the item started and that CPU's pinning was
     * verified; else -1 (not a corewq worker, pinning off or unverified, the CPU offline, or a
     * hotplug flip since the item started — as in the kernel, an item in flight across a flip may
     * finish elsewhere). When it returns c, {@code binder().currentCpu()} must be c: anything else
     * is a misplaced item.
     */
    public static int currentPinnedCpu() {
        Worker w = Worker.current();
        if (w == null || !w.pool.isBound() || w.pool.disassociated || w.itemEpoch != w.pool.bindEpoch
                || !w.pinned || !w.pool.rt.pinningOn()) {
            return -1;
        }
        return w.pool.cpu;
    }

    Cpu cpu(int id) {
        return cpuById[id];
    }

    /**
     * Validates a CPU id given by a caller.
     *
     * @throws IllegalArgumentException naming the id when it is not one of the runtime's CPUs
     */
    void checkCpu(int cpu) {
        if (cpu < 0 || cpu >= cpuById.length || cpuById[cpu] == null) {
            throw new IllegalArgumentException("CPU " + cpu + " is not one of this runtime's CPUs " + cpus);
        }
    }

    /**
     * The CPU a caller's item goes to for {@code queue()}: its own when on a carrier, else one the
     * thread sticks to; never an offline one.
     */
    int localCpu() {
        Worker w = Worker.current();
        if (w != null && w.pool.rt == this && w.pool.cpu >= 0) {
            return placementCpu(w.pool.cpu);
        }
        int[] s = stickyCpu.get();
        if (s[0] < 0) {
            s[0] = cpuIds[Math.floorMod(roundRobin.getAndIncrement(), cpuIds.length)];
        }
        return placementCpu(s[0]);
    }

    /**
     * Where work aimed at {@code cpu} goes: itself while online, else an online CPU (never the
     * stall of seed 001). CONTEXT: any thread; {@code cpu} already checked.
     */
    int placementCpu(int cpu) {
        return cpuById[cpu].online ? cpu : redirect[cpu];
    }

    /** For each possible CPU: itself if online, else the next online CPU after it (spreads the load). */
    private int[] computeRedirect(CpuSet on) {
        int[] r = new int[cpuById.length];
        int[] onIds = on.toArray();
        for (int c : cpuIds) {
            if (on.contains(c)) {
                r[c] = c;
                continue;
            }
            int pick = onIds[0];
            for (int o : onIds) {
                if (o > c) {
                    pick = o;
                    break;
                }
            }
            r[c] = pick;
        }
        return r;
    }

    // ---- hotplug flips (CONTEXT: the hotplug controller, serialised) --------------------------

    /**
     * Marks {@code c} offline under the write lock and disassociates its pools. Returns items
     * pending there. {@code first} runs under the write lock before anything changes (the
     * controller parks the CPU's per-CPU threads there, as the kernel parks its smpboot threads
     * under cpus_write_lock); if {@code first} throws, nothing has changed.
     */
    long flipOffline(Cpu c, Runnable first) {
        long pending;
        hotplugLock.writeLock();
        try {
            first.run();
            CpuSet next = online.without(c.id);
            redirect = computeRedirect(next);
            c.normal.setAssociation(false, next);
            c.highpri.setAssociation(false, next);
            c.online = false;
            online = next;
            rebindDisassociated(next);
            pending = c.normal.pendingCount() + c.highpri.pendingCount();
            c.timer.moveAllTo(cpuById[redirect[c.id]].timer); // armed items fire on time elsewhere
        } finally {
            hotplugLock.writeUnlock();
        }
        // Disassociated pools are not concurrency-managed: pending work must not wait behind a
        // carrier stuck in an item, so that carrier gives its slot up now.
        c.normal.releaseBusyHolder();
        c.highpri.releaseBusyHolder();
        c.normal.kickWorkers();
        c.highpri.kickWorkers();
        return pending;
    }

    /** Marks {@code c} online under the write lock; its workers re-pin before their next item. */
    void flipOnline(Cpu c) {
        if (!c.started) {
            c.normal.setAssociation(true, CpuSet.of(c.id));
            c.highpri.setAssociation(true, CpuSet.of(c.id));
            try {
                c.start();
            } catch (RuntimeException | Error e) {
                // The CPU stays offline: its pools follow the online CPUs again, as at build.
                c.normal.setAssociation(false, online);
                c.highpri.setAssociation(false, online);
                throw new HotplugException("could not start the carriers of CPU " + c.id + "; the CPU stays offline: " + e, e);
            }
        }
        hotplugLock.writeLock();
        try {
            CpuSet next = online.with(c.id);
            c.normal.setAssociation(true, CpuSet.of(c.id));
            c.highpri.setAssociation(true, CpuSet.of(c.id));
            c.online = true;
            online = next;
            redirect = computeRedirect(next);
            rebindDisassociated(next);
        } finally {
            hotplugLock.writeUnlock();
        }
        c.normal.kickWorkers();
        c.highpri.kickWorkers();
    }

    /** Pools of offline CPUs follow the online set. CONTEXT: write lock held. */
    private void rebindDisassociated(CpuSet on) {
        for (int id : cpuIds) {
            Cpu x = cpuById[id];
            if (!x.online && x.started) {
                x.normal.setAssociation(false, on);
                x.highpri.setAssociation(false, on);
                x.normal.kickWorkers();
                x.highpri.kickWorkers();
            }
        }
    }

    /** Every associated pool re-pins its workers (the OS reset thread affinities, e.g. a cpuset change). */
    void repinAll() {
        hotplugLock.writeLock();
        try {
            for (int id : cpuIds) {
                Cpu x = cpuById[id];
                if (x.online) {
                    x.normal.setAssociation(true, CpuSet.of(id));
                    x.highpri.setAssociation(true, CpuSet.of(id));
                }
            }
        } finally {
            hotplugLock.writeUnlock();
        }
        for (int id : cpuIds) {
            if (cpuById[id].online) {
                cpuById[id].normal.kickWorkers();
                cpuById[id].highpri.kickWorkers();
            }
        }
    }

    /** Runs a hotplug callback on {@code cpu}'s high-priority carrier and waits; rethrows its exception. */
    void runHotplugCallback(int cpu, Hotplug.CpuCallback cb) throws Throwable {
        Throwable[] err = new Throwable[1];
        Work w = new Work("cpuhp/" + cpu, () -> {
            Worker me = Worker.current();
            me.hotplugCallback = true;
            try {
                cb.run(cpu);
            } catch (Throwable t) {
                err[0] = t;
            } finally {
                me.hotplugCallback = false;
            }
        });
        cpuhp.queueOn(cpu, w);
        w.flush();
        if (err[0] != null) {
            throw err[0];
        }
    }

    /** Whether threads are really pinned (a pinning binder and real CPU ids). */
    boolean pinningOn() {
        return !logical && binder.isPinning();
    }

    /** Pins the calling thread to {@code cpu} and records it; false when unpinned. */
    boolean pinThread(int cpu) {
        if (logical) {
            return false;
        }
        return pinning.pinCurrentThread(cpu) == PinningStatus.State.PINNED;
    }

    /** A pinned carrier found itself on another CPU: the OS changed something. */
    void carrierDisplaced(Worker w, int observedCpu) {
        log.warn("corewq: carrier {} of CPU {} found itself on CPU {}; checking the process's CPUs", w.name, w.pool.cpu, observedCpu);
        if (watcher != null) {
            watcher.poke();
        }
    }

    // ---- workqueues ---------------------------------------------------------------------------

    /**
     * Allocates a workqueue.
     *
     * @param maxActive 1..{@link Workqueue#MAX_ACTIVE}, or 0 for {@link Workqueue#DEFAULT_ACTIVE}
     * @throws NullPointerException if {@code name} or {@code flags} is null
     * @throws IllegalArgumentException if {@code maxActive} is out of range
     * @throws IllegalStateException if the runtime is closed
     */
    public Workqueue allocWorkqueue(String name, Set<WqFlag> flags, int maxActive) {
        return allocWorkqueue(name, flags, maxActive, null, false);
    }

    /**
     * Allocates an unbound workqueue with attributes (cpumask, priority, affinity scope, strict).
     *
     * @throws IllegalArgumentException if {@code flags} lacks UNBOUND, or as {@link #allocWorkqueue(String, Set, int)}
     */
    public Workqueue allocWorkqueue(String name, Set<WqFlag> flags, int maxActive, WqAttrs attrs) {
        return allocWorkqueue(name, flags, maxActive, Objects.requireNonNull(attrs, "attrs is null"), false);
    }

    private Workqueue allocWorkqueue(String name, Set<WqFlag> flags, int maxActive, WqAttrs attrs, boolean ordered) {
        Objects.requireNonNull(name, "workqueue name is null");
        Objects.requireNonNull(flags, "flags is null");
        if (maxActive < 0 || maxActive > Workqueue.MAX_ACTIVE) {
            throw new IllegalArgumentException("max_active " + maxActive + " out of range 0.." + Workqueue.MAX_ACTIVE + " for workqueue " + name);
        }
        if (attrs != null && !flags.contains(WqFlag.UNBOUND)) {
            throw new IllegalArgumentException("attributes " + attrs + " need an UNBOUND workqueue; flags of " + name + " are " + flags);
        }
        int active = ordered ? 1 : maxActive == 0 ? Workqueue.DEFAULT_ACTIVE : maxActive;
        checkOpenFor(name); // before the workqueue takes pools and starts workers
        Workqueue wq = new Workqueue(this, name, flags, active, ordered, attrs); // takes pools, may start workers
        try {
            return register(wq);
        } catch (RuntimeException | Error e) {
            wq.destroy(); // closed meanwhile: give back the pools and the rescuer it took
            throw e;
        }
    }

    private void checkOpenFor(String wqName) {
        if (closed) {
            throw new IllegalStateException("runtime is closed: cannot allocate workqueue " + wqName);
        }
    }

    /** The longest interval the runtime keeps (about 73 years): a deadline of now plus it never overflows. */
    static final long MAX_INTERVAL_NANOS = CpuTimer.MAX_DELAY_NANOS;

    /** {@code d} in nanoseconds, at most {@link #MAX_INTERVAL_NANOS} (a longer one means "never"). */
    static long cappedNanos(Duration d) {
        return d.compareTo(Duration.ofNanos(MAX_INTERVAL_NANOS)) > 0 ? MAX_INTERVAL_NANOS : d.toNanos();
    }

    /** Allocates an ordered workqueue: one item at a time, in queueing order, whatever CPU queues. */
    public Workqueue allocOrderedWorkqueue(String name, Set<WqFlag> flags) {
        return allocWorkqueue(name, flags, 1, null, true);
    }

    private Workqueue register(Workqueue wq) {
        checkOpenFor(wq.name()); // again: close() may have run since the check before construction
        // Under the freeze lock: a thaw between the add and the frozen check would leave the new
        // workqueue frozen for good (it was added after the thaw's pass), and a freeze between them
        // would miss it. Plugging only: nothing of it can be in flight yet, and a freeze never
        // holds the lock while it waits.
        synchronized (freezeLock) {
            workqueues.add(wq);
            if (frozen && wq.freezable) {
                wq.plug();
            }
        }
        for (io.corewq.observe.WorkqueueListener l : wqListeners) {
            l.workqueueAdded(wq);
        }
        return wq;
    }

    void unregister(Workqueue wq) {
        workqueues.remove(wq);
        for (io.corewq.observe.WorkqueueListener l : wqListeners) {
            l.workqueueRemoved(wq);
        }
    }

    /** The {@code runtime=} key of this runtime's MBeans ({@code io.corewq:type=Runtime,runtime=KEY}), or null when JMX is off. */
    public String jmxRuntimeKey() {
        return jmx == null ? null : jmx.runtimeKey();
    }

    /** Observers (JMX, Micrometer) told when workqueues are allocated and destroyed. */
    public void addWorkqueueListener(io.corewq.observe.WorkqueueListener l) {
        wqListeners.add(Objects.requireNonNull(l, "listener is null"));
    }

    public void removeWorkqueueListener(io.corewq.observe.WorkqueueListener l) {
        wqListeners.remove(l);
    }

    /**
     * The state of busy workqueues and pools in the shape of the kernel's show_all_workqueues():
     * per workqueue its pool_workqueues with active/max_active, in-flight items (worker, item, for
     * how long), pending and inactive items (repeats folded as {@code N*name}), a flush in progress;
     * per pool its flags (DISASSOCIATED), holder, workers, idle workers and how long it has been
     * stuck. Lock-free snapshot: consistent enough to debug with, not atomic.
     */
    public String dump() {
        return Dumper.all(this);
    }

    /** Every live workqueue, system ones included. */
    public List<Workqueue> workqueues() {
        return Collections.unmodifiableList(new ArrayList<>(workqueues));
    }

    /**
     * The pwqs of an unbound workqueue for {@code a}: one per pod of the attribute's cpumask under
     * its affinity scope (a single one for an ordered workqueue), each on the shared pool of its
     * attributes, and which pod serves each CPU.
     */
    Workqueue.PodSet buildPods(Workqueue wq, WqAttrs a, int limit) {
        CpuSet mask = a.cpumask() == null ? cpus : a.cpumask().and(cpus);
        if (mask.isEmpty()) {
            throw new IllegalArgumentException("cpumask " + a.cpumask() + " of workqueue " + wq.name()
                    + " has none of the runtime's CPUs " + cpus);
        }
        io.corewq.cpu.Pods pods = wq.ordered ? null : a.scope().partition(topology, mask);
        List<CpuSet> podMasks = wq.ordered ? List.of(mask) : pods.pods();
        PoolWorkqueue[] pwqs = new PoolWorkqueue[podMasks.size()];
        for (int i = 0; i < pwqs.length; i++) {
            CpuSet pod = podMasks.get(i);
            WorkerPool pool = acquireUnboundPool(new PoolKey(pod, a.strict() ? pod : mask, a.highpri()));
            pwqs[i] = new PoolWorkqueue(wq, pool, limit);
        }
        PoolWorkqueue[] byCpu = new PoolWorkqueue[cpuById.length];
        for (int c : cpuIds) {
            int idx = pods == null ? 0 : pods.indexOf(c);
            byCpu[c] = pwqs[idx >= 0 ? idx : Math.floorMod(c, pwqs.length)]; // CPUs outside the mask spread over the pods
        }
        return new Workqueue.PodSet(pwqs, byCpu);
    }

    private WorkerPool acquireUnboundPool(PoolKey k) {
        synchronized (unboundLock) {
            WorkerPool p = unboundPools.get(k);
            if (p == null) {
                p = new WorkerPool(this, -1, k.highpri(), nextUnboundId.getAndIncrement(), k.pod());
                p.bindMask = k.bind();
                p.key = k;
                unboundPools.put(k, p);
                unboundList = List.copyOf(unboundPools.values());
                p.createWorker(false);
            }
            p.refs++;
            return p;
        }
    }

    /** A pwq on {@code p} died: the pool stops when no workqueue uses it any more. */
    void releaseUnboundPool(WorkerPool p) {
        synchronized (unboundLock) {
            if (--p.refs > 0) {
                return;
            }
            unboundPools.remove((PoolKey) p.key);
            unboundList = List.copyOf(unboundPools.values());
        }
        p.stopAsync();
    }

    /** The CPU topology the runtime's affinity scopes use. */
    public io.corewq.cpu.Topology topology() {
        return topology;
    }

    /** The kernel's system_wq: per-CPU, for short items. */
    public Workqueue systemWq() {
        return events;
    }

    public Workqueue systemHighpriWq() {
        return eventsHighpri;
    }

    public Workqueue systemLongWq() {
        return eventsLong;
    }

    public Workqueue systemUnboundWq() {
        return eventsUnbound;
    }

    public Workqueue systemFreezableWq() {
        return eventsFreezable;
    }

    public Workqueue systemPowerEfficientWq() {
        return eventsPowerEfficient;
    }

    /**
     * A scheduled executor that runs everything (and arms every timer) on CPU {@code cpu}, over
     * the system workqueue.
     *
     * @throws IllegalArgumentException if {@code cpu} is not one of the runtime's CPUs
     */
    public io.corewq.exec.WorkqueueScheduledExecutorService executorOn(int cpu) {
        return io.corewq.exec.WorkqueueExecutors.executorOn(this, cpu);
    }

    // ---- helpers on every CPU -----------------------------------------------------------------

    /**
     * Runs {@code fn} on every online CPU (on the system workqueue) and waits for all. As the
     * kernel's {@code schedule_on_each_cpu}, it holds the hotplug read lock throughout: no CPU goes
     * offline or comes online between the choice of CPUs and the last {@code fn}'s end, so
     * {@code fn} runs exactly once on each CPU online for the whole call, pinned there. (Without it
     * a CPU onlined meanwhile was missed, and an offlined one ran {@code fn} unpinned after its
     * teardown; found by review, 2026-11-22.) As in the kernel, {@code fn} must not offline or
     * online a CPU (that would wait for this call), and a nested call or another reader inside
     * {@code fn} waits behind an offline that is waiting for this call's read lock.
     *
     * @throws RuntimeException the first exception {@code fn} threw, others suppressed in it
     */
    public void scheduleOnEachCpu(Runnable fn) {
        Objects.requireNonNull(fn, "function is null");
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        try (HotplugLock.Guard g = cpusReadLock()) {
            List<Work> items = new ArrayList<>();
            for (int c : onlineCpus()) {
                Work w = new Work("scheduleOnEachCpu", () -> {
                    try {
                        fn.run();
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                });
                items.add(w);
                events.queueOn(c, w);
            }
            for (Work w : items) {
                w.flush();
            }
        }
        rethrowFirst(errors);
    }

    /**
     * Runs {@code fn} on CPU {@code cpu} and returns its result (inline when the caller already
     * runs in that CPU's pool).
     *
     * @throws IllegalArgumentException if {@code cpu} is not one of the runtime's CPUs
     * @throws Exception whatever {@code fn} threw
     */
    public <T> T workOnCpu(int cpu, Callable<T> fn) throws Exception {
        Objects.requireNonNull(fn, "function is null");
        checkCpu(cpu);
        if (currentCpu() == cpu && Worker.current(this) != null) {
            return fn.call();
        }
        Object[] result = new Object[1];
        Throwable[] error = new Throwable[1];
        Work w = new Work("workOnCpu", () -> {
            try {
                result[0] = fn.call();
            } catch (Throwable t) {
                error[0] = t;
            }
        });
        events.queueOn(cpu, w);
        w.flush();
        if (error[0] != null) {
            if (error[0] instanceof Exception) {
                throw (Exception) error[0];
            }
            throw (Error) error[0];
        }
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    private static void rethrowFirst(List<Throwable> errors) {
        if (errors.isEmpty()) {
            return;
        }
        Throwable first = errors.get(0);
        for (int i = 1; i < errors.size(); i++) {
            first.addSuppressed(errors.get(i));
        }
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
        throw new RuntimeException(first);
    }

    // ---- freezing -----------------------------------------------------------------------------

    /**
     * Freezes the runtime: freezable workqueues start no new items; returns once their in-flight
     * items have finished. Non-freezable workqueues keep running. As the kernel's freezer, it
     * first plugs every freezable workqueue (so none starts an item while it waits), then waits
     * without holding the freeze lock: {@link #thaw()}, {@link #allocWorkqueue} and
     * {@link #close()} are never blocked by a waiting freeze, and a workqueue allocated meanwhile
     * starts frozen. Waits uninterruptibly (keeping the interrupt status) for as long as it takes;
     * see {@link #freeze(Duration)} to give up after a while.
     *
     * @throws FreezeException if a {@link #thaw()} (or {@link #close()}) ended this freeze before
     *         the in-flight items finished (the runtime was thawed meanwhile; an item that waits
     *         for an item of a frozen workqueue can only finish after a thaw)
     * @throws IllegalStateException if called from an item of a freezable workqueue of this
     *         runtime (the freeze would wait for that item, which waits for the freeze), or once
     *         {@link #close()} has begun
     */
    public void freeze() {
        freezeNanos(-1L);
    }

    /**
     * As {@link #freeze()}, but gives up once {@code timeout} has passed with freezable items still
     * in flight: then it thaws the runtime (unless a thaw ended the freeze already) and throws, as
     * the kernel's PM core thaws when freezing times out. A zero timeout freezes only an idle
     * runtime. A thaw by this timeout also ends any other freeze waiting at the time.
     *
     * @throws FreezeException on timeout (the runtime is thawed) or when a thaw ended the freeze;
     *         the message names the freezable workqueues still busy
     * @throws IllegalStateException as {@link #freeze()}
     */
    public void freeze(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout is null");
        freezeNanos(timeout.isNegative() ? 0L : cappedNanos(timeout));
    }

    /** {@code timeoutNanos} negative: no timeout. */
    private void freezeNanos(long timeoutNanos) {
        checkNotFromFreezableItem();
        List<Workqueue> plugged = new ArrayList<>();
        long thawsBefore;
        synchronized (freezeLock) {
            if (closingForFreeze) {
                throw new IllegalStateException("runtime is closed or closing: cannot freeze");
            }
            // Plug all first (freeze_workqueues_begin): a workqueue still unplugged while the
            // freeze waited on an earlier one went on starting items though isFrozen() was true.
            frozen = true;
            thawsBefore = thaws;
            for (Workqueue wq : workqueues) {
                if (wq.freezable) {
                    wq.plug();
                    plugged.add(wq);
                }
            }
        }
        // Then wait without the lock (freeze_workqueues_busy): the freeze used to wait under it,
        // so a thaw could not end a freeze whose items waited for a frozen workqueue, and a
        // freeze from inside such an item could not end at all (found by review, 2026-11-22).
        long deadline = timeoutNanos < 0 ? 0L : System.nanoTime() + timeoutNanos;
        java.util.function.BooleanSupplier giveUp = () -> thaws != thawsBefore
                || (timeoutNanos >= 0 && System.nanoTime() - deadline >= 0);
        List<String> busy = new ArrayList<>(); // once the wait gave up: the workqueues with items in flight
        for (Workqueue wq : plugged) {
            if (busy.isEmpty() ? !wq.awaitQuiescent(giveUp) : wq.hasActive()) {
                busy.add(wq.name());
            }
        }
        // Every workqueue seen quiescent stayed so (plugged) unless a thaw came: none by the check
        // below means all were quiescent together, frozen. Workqueues allocated meanwhile were
        // plugged empty.
        boolean timedOut;
        synchronized (freezeLock) {
            if (thaws != thawsBefore) {
                // Even with busy empty: the items may have finished only because of the thaw.
                throw new FreezeException("freeze() ended by thaw() (or close()) before it completed; runtime not frozen by it"
                        + (busy.isEmpty() ? "" : " (busy: " + String.join(", ", busy) + ")"));
            }
            timedOut = !busy.isEmpty();
            if (timedOut) {
                thawLocked();
            }
        }
        if (timedOut) {
            throw new FreezeException("freeze() timed out after " + Duration.ofNanos(timeoutNanos)
                    + " with freezable work items in flight (busy: " + String.join(", ", busy) + "); runtime thawed");
        }
    }

    /** Refuses a freeze from an item of a freezable workqueue of this runtime: it would wait for itself. */
    private void checkNotFromFreezableItem() {
        Worker w = Worker.current(this);
        if (w == null) {
            return;
        }
        Work item = w.current;
        PoolWorkqueue pwq = w.currentPwq;
        if (item != null && pwq != null && pwq.wq.freezable) {
            throw new IllegalStateException("freeze() from work item " + item + " of freezable workqueue "
                    + pwq.wq.name() + " would wait for itself");
        }
    }

    /**
     * Lets freezable workqueues run again. Ends a freeze that is still waiting for in-flight items
     * (it throws {@link FreezeException}).
     */
    public void thaw() {
        synchronized (freezeLock) {
            thawLocked();
        }
    }

    private void thawLocked() {
        frozen = false;
        thaws++;
        for (Workqueue wq : workqueues) {
            if (wq.freezable) {
                wq.thaw();
            }
        }
    }

    public boolean isFrozen() {
        return frozen;
    }

    // ---- threads, concurrency management ------------------------------------------------------

    /** A thread for a worker: ours, or the user's factory's (null when the factory fails). */
    Thread newThread(Worker w) {
        Thread t;
        if (threadFactory == null) {
            t = new WorkerThread(w);
        } else {
            try {
                t = threadFactory.newThread(w);
            } catch (Throwable e) {
                creationFailed(w.pool, e);
                return null;
            }
            if (t == null) {
                creationFailed(w.pool, new IllegalStateException("thread factory returned null"));
                return null;
            }
            t.setName(w.name);
        }
        t.setDaemon(true);
        if (w.pool.highpri) {
            t.setPriority(Thread.MAX_PRIORITY);
        }
        track(t);
        return t;
    }

    private void track(Thread t) {
        if (threads.size() > 64) {
            threads.removeIf(x -> !x.isAlive() && x.getState() == Thread.State.TERMINATED);
        }
        threads.add(t);
    }

    /** Threads of this runtime that are still alive (empty after {@link #close()}). */
    List<Thread> liveThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : threads) {
            if (t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    void creationFailed(WorkerPool pool, Throwable e) {
        long now = System.nanoTime();
        long last = lastCreateFailureLog.get();
        if (now - last > 1_000_000_000L && lastCreateFailureLog.compareAndSet(last, now)) {
            log.warn("corewq: could not create a worker for {}: {}", pool, e.toString());
        }
    }

    Worker createRescuer(Workqueue wq) {
        WorkerPool dummy = new WorkerPool(this, -1, false, -1, cpus);
        Worker r = new Worker(dummy, wq);
        Thread t = threadFactory == null ? new WorkerThread(r) : null;
        if (t == null) {
            try {
                t = threadFactory.newThread(r);
            } catch (Throwable e) {
                t = null;
            }
            if (t == null) {
                throw new IllegalStateException("could not create the rescuer of MEM_RECLAIM workqueue " + wq.name());
            }
            t.setName(r.name);
        }
        t.setDaemon(true);
        r.thread = t;
        track(t);
        rescuers.add(r);
        t.start();
        return r;
    }

    void stopRescuer(Worker r) {
        rescuers.remove(r);
        r.pool.stopping = true;
        LockSupport.unpark(r.thread);
        joinQuietly(r.thread);
    }

    /** Every per-CPU pool, normal and high priority. */
    WorkerPool[] boundPools() {
        return boundPools;
    }

    java.util.Collection<WorkerPool> unboundPoolList() {
        return unboundList;
    }

    boolean isStopping() {
        return stopping;
    }

    /** A pool cannot get a worker: call the rescuers of MEM_RECLAIM workqueues with work on it. */
    void mayday(WorkerPool pool) {
        for (Worker r : rescuers) {
            Workqueue wq = r.rescuerOf;
            if (wq.inFlightOn(pool) > 0 && !r.maydays.contains(pool)) {
                wq.count(Worker.Counter.MAYDAY);
                io.corewq.observe.jfr.JfrEvents.mayday(wq.name(), pool.describe());
                r.maydays.add(pool);
                LockSupport.unpark(r.thread);
            }
        }
    }

    void reportHog(Workqueue wq, Worker w) {
        long n = wq.cpuHogs.sum();
        if (n >= 4 && Long.bitCount(n) == 1) {
            log.warn("workqueue: {} hogged CPU for >{}us {} times, consider UNBOUND", wq.name(), hogNanos / 1000, n);
        }
    }

    /** Registers a callback for watchdog stall reports. */
    public void addStallListener(StallListener l) {
        stallListeners.add(Objects.requireNonNull(l, "listener is null"));
    }

    void reportStall(WorkerPool p, long seconds) {
        String dump = Dumper.pool(p) + Dumper.all(this);
        log.error("BUG: workqueue lockup - pool {} stuck for {}s!\n{}", p.describe(), seconds, dump);
        io.corewq.observe.jfr.JfrEvents.stall(p.describe(), seconds);
        for (StallListener l : stallListeners) {
            try {
                l.onStall(p.describe(), seconds, dump);
            } catch (Throwable t) {
                log.error("corewq: stall listener threw", t);
            }
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- errors -------------------------------------------------------------------------------

    void reportException(Work w, Workqueue wq, Throwable t) {
        try {
            exceptionHandler.onException(w, wq, t);
        } catch (Throwable t2) {
            log.error("corewq: exception handler threw on {} of workqueue {}", w, wq.name(), t2);
        }
    }

    private void logException(Work w, Workqueue wq, Throwable t) {
        log.error("corewq: work {} on workqueue {} threw", w.name(), wq.name(), t);
    }

    // ---- shutdown -----------------------------------------------------------------------------

    public boolean isClosed() {
        return closed;
    }

    /**
     * Destroys every workqueue (draining each), then stops every corewq thread and waits until all
     * have ended. Idempotent.
     */
    @Override
    public void close() {
        if (Worker.current(this) != null) {
            throw new IllegalStateException("close() from a corewq worker of this runtime would wait for itself");
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            synchronized (freezeLock) {
                closingForFreeze = true; // no freeze from now on: it would plug what close must drain
                if (frozen) {
                    thawLocked();
                }
            }
            List<Workqueue> all = new ArrayList<>(workqueues);
            Collections.reverse(all); // user workqueues first, system ones last
            for (Workqueue wq : all) {
                int dropped = wq.cancelArmed();
                if (dropped > 0) {
                    log.warn("corewq: close() cancelled {} delayed items still armed on workqueue {}", dropped, wq.name());
                }
                wq.destroy();
            }
            closed = true;
            stopping = true;
            if (jmx != null) {
                wqListeners.remove(jmx);
                jmx.close();
            }
            if (watcher != null) {
                watcher.stop();
            }
            LockSupport.unpark(monitor.thread);
            joinQuietly(monitor.thread);
            for (Worker r : new ArrayList<>(rescuers)) {
                stopRescuer(r);
            }
            for (int c : cpuIds) {
                cpuById[c].normal.stop();
                cpuById[c].highpri.stop();
            }
            for (WorkerPool p : unboundList) {
                p.stop();
            }
            for (Thread t : threads) {
                joinQuietly(t); // detached workers finish their last instructions
            }
        }
    }

    // ---- builder ------------------------------------------------------------------------------

    /** Configures and starts a {@link CpuRuntime}. */
    public static final class Builder {
        private CpuSelection selection = CpuSelection.all();
        private CpuBinder binder;
        private WorkExceptionHandler exceptionHandler;
        private int idleSpins = 256;
        private int maxUnboundWorkers = 512;
        private Duration monitorPeriod = Duration.ofMillis(2);
        private Duration hogThreshold = Duration.ofMillis(10);
        private Duration idleReapTimeout = Duration.ofMinutes(5);
        private Duration createCooldown = Duration.ofSeconds(1);
        private Duration maydayDelay = Duration.ofMillis(10);
        private Duration watchdogThreshold = Duration.ofSeconds(30);
        private ThreadFactory threadFactory;
        private StallListener stallListener;
        private int logicalCpus;
        private CpuSet startOffline = CpuSet.empty();
        private Duration followInterval = Duration.ofMillis(100);
        private boolean jmx = true;
        private io.corewq.cpu.Topology topology;
        private boolean jmxHotplugOps;

        private Builder() {
        }

        /**
         * Use only these CPUs (default: every CPU the process may run on, narrowed by the system
         * properties {@code corewq.cpus} and {@code corewq.cpus.exclude}). CPU ids may be sparse.
         * {@link #build()} throws {@link IllegalArgumentException} naming CPUs the process may not use.
         */
        public Builder cpus(CpuSet cpus) {
            Objects.requireNonNull(cpus, "cpus is null");
            if (cpus.isEmpty()) {
                throw new IllegalArgumentException("empty CPU set");
            }
            this.selection = selection.only(cpus);
            return this;
        }

        /** Never use these CPUs (isolated, or reserved for other work). */
        public Builder excludeCpus(CpuSet cpus) {
            Objects.requireNonNull(cpus, "cpus is null");
            this.selection = selection.exclude(cpus);
            return this;
        }

        /** Use exactly these CPUs, in the cpu-list syntax, e.g. {@code "0-3,8"}. */
        public Builder cpus(String cpuList) {
            return cpus(CpuSet.parse(cpuList));
        }

        /** Use this binder instead of the best one found through ServiceLoader. */
        public Builder binder(CpuBinder binder) {
            this.binder = Objects.requireNonNull(binder, "binder is null");
            return this;
        }

        /** Where exceptions thrown by work functions go (default: logged at error level). */
        public Builder exceptionHandler(WorkExceptionHandler handler) {
            this.exceptionHandler = Objects.requireNonNull(handler, "handler is null");
            return this;
        }

        /**
         * How many idle rounds a CPU's normal carrier spins (then yields, then parks) before
         * parking; {@code Integer.MAX_VALUE} is spin mode, a carrier that never parks. High-priority
         * carriers and unbound workers spin at most 256 rounds (the default) whatever this says,
         * so that spin mode keeps no other thread on a CPU.
         */
        public Builder idleSpins(int spins) {
            if (spins < 0) {
                throw new IllegalArgumentException("idleSpins " + spins + " is negative");
            }
            this.idleSpins = spins;
            return this;
        }

        /** The most workers an unbound pool creates. */
        public Builder maxUnboundWorkers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxUnboundWorkers " + n + " must be at least 1");
            }
            this.maxUnboundWorkers = n;
            return this;
        }

        /**
         * Use {@code k} logical CPUs 0..k-1 instead of real ones (tests, torture): they share the
         * machine's cores and are not pinned; following OS CPU changes is off.
         */
        public Builder logicalCpus(int k) {
            if (k < 1 || k > CpuSet.MAX_CPU_ID) {
                throw new IllegalArgumentException("logicalCpus " + k + " out of range 1.." + CpuSet.MAX_CPU_ID);
            }
            this.logicalCpus = k;
            return this;
        }

        /** These CPUs are possible but start offline (never online until {@link Hotplug#online}). */
        public Builder startOffline(CpuSet cpus) {
            this.startOffline = Objects.requireNonNull(cpus, "cpus is null");
            return this;
        }

        /**
         * How often to compare the process's allowed CPUs (affinity mask, cgroup cpuset, sysfs
         * online) with the online set and offline/online CPUs to match (default 100 ms; zero turns
         * following off).
         */
        public Builder followOsCpus(Duration interval) {
            this.followInterval = nonNegative("followOsCpus", interval);
            return this;
        }

        /** Use this topology for affinity scopes (default: read from sysfs; flat for logical CPUs). */
        public Builder topology(io.corewq.cpu.Topology t) {
            this.topology = Objects.requireNonNull(t, "topology is null");
            return this;
        }

        /** Register the JMX MBeans ({@code io.corewq:type=Workqueue,...}, default on). */
        public Builder jmx(boolean on) {
            this.jmx = on;
            return this;
        }

        /** Expose offline/online over JMX (default off: hotplug operations are not remote unless asked). */
        public Builder jmxHotplugOps(boolean on) {
            this.jmxHotplugOps = on;
            return this;
        }

        /** How often the concurrency monitor samples busy pools (default 2 ms). */
        public Builder monitorPeriod(Duration d) {
            this.monitorPeriod = positive("monitorPeriod", d);
            return this;
        }

        /** An item running longer than this is a CPU hog (default 10 ms, as the kernel). */
        public Builder hogThreshold(Duration d) {
            this.hogThreshold = positive("hogThreshold", d);
            return this;
        }

        /** Idle workers beyond two are reaped after this long (default 5 minutes). */
        public Builder idleReapTimeout(Duration d) {
            this.idleReapTimeout = positive("idleReapTimeout", d);
            return this;
        }

        /** After a failed worker creation, wait this long before the next try (default 1 s). */
        public Builder createCooldown(Duration d) {
            this.createCooldown = nonNegative("createCooldown", d);
            return this;
        }

        /** A pool that cannot get a worker calls the rescuers after this long (default 10 ms). */
        public Builder maydayDelay(Duration d) {
            this.maydayDelay = nonNegative("maydayDelay", d);
            return this;
        }

        /** A pool with pending work and no progress for this long is reported (default 30 s; 0 disables). */
        public Builder watchdogThreshold(Duration d) {
            this.watchdogThreshold = nonNegative("watchdogThreshold", d);
            return this;
        }

        /** Called for each watchdog stall report, besides the log line. */
        public Builder stallListener(StallListener l) {
            this.stallListener = Objects.requireNonNull(l, "listener is null");
            return this;
        }

        /**
         * Where worker threads come from (default: corewq's own platform threads). The factory must
         * return a new, unstarted platform thread; corewq names it ({@code kworker/3:1}) and makes
         * it a daemon. A factory that throws or returns null counts as a failed creation: the pool
         * retries after the cool-down and MEM_RECLAIM workqueues fall back on their rescuers.
         */
        public Builder threadFactory(ThreadFactory f) {
            this.threadFactory = Objects.requireNonNull(f, "thread factory is null");
            return this;
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what + " is null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " " + d + " must be positive");
            }
            return d;
        }

        private static Duration nonNegative(String what, Duration d) {
            Objects.requireNonNull(d, what + " is null");
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " " + d + " is negative");
            }
            return d;
        }

        public CpuRuntime build() {
            return new CpuRuntime(this);
        }
    }
}
