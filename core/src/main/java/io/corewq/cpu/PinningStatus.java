// Pins carrier threads through the CpuBinder, verifies each, logs failures once and keeps a queryable per-CPU status.
package io.corewq.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-runtime record of whether each CPU's carrier is really pinned. A carrier calls
 * {@link #pinCurrentThread(int)} first thing on its own thread; the result says whether it may
 * trust that it runs on its CPU. Failures never stop a carrier: it keeps running where the
 * scheduler puts it, and the CPU shows up in {@link #unverified()} and in one warning per CPU.
 *
 * <pre>
 *   NOT_ATTEMPTED --pinCurrentThread--> PINNED        bind verified: mask == {cpu}, getCpu() == cpu
 *                                   \-> UNVERIFIED    binder pins, but bind failed or did not verify
 *                                   \-> UNPINNED      binder does not pin (no corewq-affinity, no JNA)
 *   any state --pinCurrentThread--> a new result     (e.g. a carrier recreated after CPU hotplug)
 * </pre>
 *
 * Thread-safe: any thread may pin (its own thread) and query; states live in a
 * {@link ConcurrentHashMap}, so a query sees every state recorded before it started.
 */
public final class PinningStatus {
    private static final Logger LOG = LoggerFactory.getLogger(PinningStatus.class);

    /** What is known about one CPU's carrier. */
    public enum State {
        /** Nobody tried to pin a thread to this CPU yet. */
        NOT_ATTEMPTED,
        /** Bound and verified. */
        PINNED,
        /** The binder pins, but this CPU could not be bound or verified; the carrier runs unpinned. */
        UNVERIFIED,
        /** The binder does not pin at all; every carrier runs unpinned. */
        UNPINNED
    }

    private final CpuBinder binder;                              // immutable
    private final Map<Integer, State> states = new ConcurrentHashMap<>();   // any thread
    private final Map<Integer, Boolean> warned = new ConcurrentHashMap<>(); // any thread, putIfAbsent
    private final AtomicBoolean unpinnedSaid = new AtomicBoolean();         // any thread, CAS

    public PinningStatus(CpuBinder binder) {
        this.binder = binder;
    }

    public CpuBinder binder() {
        return binder;
    }

    /**
     * Pins the calling thread to {@code cpu} and records the outcome.
     *
     * <p>CONTEXT: the carrier's own thread, before it runs work. May block briefly in the kernel.
     *
     * @return the recorded state: {@link State#PINNED}, {@link State#UNVERIFIED} or {@link State#UNPINNED}
     */
    public State pinCurrentThread(int cpu) {
        State s;
        if (!binder.isPinning()) {
            s = State.UNPINNED;
            if (unpinnedSaid.compareAndSet(false, true)) {
                LOG.info("corewq: CPU binder '{}' does not pin threads; carriers run unpinned", binder.name());
            }
        } else {
            boolean ok;
            try {
                ok = binder.bind(CpuSet.of(cpu));
            } catch (RuntimeException | LinkageError e) {
                ok = false;
            }
            s = ok ? State.PINNED : State.UNVERIFIED;
            if (!ok && warned.putIfAbsent(cpu, Boolean.TRUE) == null) {
                LOG.warn("corewq: could not verify pinning of {} to cpu {} (running on cpu {}, mask {});"
                        + " it keeps working unpinned there", Thread.currentThread().getName(), cpu,
                        safeCpu(), safeMask());
            }
        }
        states.put(cpu, s);
        return s;
    }

    private int safeCpu() {
        try {
            return binder.currentCpu();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    private CpuSet safeMask() {
        try {
            return binder.currentAffinity();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The state recorded for {@code cpu}. */
    public State state(int cpu) {
        return states.getOrDefault(cpu, State.NOT_ATTEMPTED);
    }

    /** The CPUs whose carriers are verified pinned. */
    public CpuSet pinned() {
        return with(State.PINNED);
    }

    /** The CPUs whose carriers could not be pinned or verified (including when the binder does not pin). */
    public CpuSet unverified() {
        return with(State.UNVERIFIED).or(with(State.UNPINNED));
    }

    /** A sorted snapshot of every recorded state. */
    public Map<Integer, State> snapshot() {
        return new TreeMap<>(states);
    }

    private CpuSet with(State s) {
        List<Integer> ids = new ArrayList<>();
        states.forEach((cpu, st) -> {
            if (st == s) {
                ids.add(cpu);
            }
        });
        return CpuSet.of(ids);
    }

    @Override
    public String toString() {
        return "PinningStatus[" + binder.name() + ", pinned " + pinned() + ", unverified " + unverified() + "]";
    }
}
