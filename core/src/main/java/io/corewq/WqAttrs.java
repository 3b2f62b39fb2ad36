// Attributes of an unbound workqueue (the kernel's workqueue_attrs): cpumask, priority, affinity scope, strictness.
package io.corewq;

import io.corewq.cpu.AffinityScope;
import io.corewq.cpu.CpuSet;
import java.util.Objects;

/**
 * Where an unbound workqueue's items run, as the kernel's {@code workqueue_attrs}:
 * <ul>
 *   <li>{@code cpumask}: the CPUs its workers may use (null: every CPU of the runtime);</li>
 *   <li>{@code highpri}: high-priority workers (the kernel's nice -20);</li>
 *   <li>{@code scope}: how the cpumask is cut into pods (CPU, SMT, CACHE, NUMA, SYSTEM): an item
 *       queued from a CPU goes to the pool of that CPU's pod; default CACHE;</li>
 *   <li>{@code strict}: workers are confined to their pod; otherwise they may run anywhere in the
 *       cpumask (the pod still decides which pool takes the item).</li>
 * </ul>
 * Workqueues with equal attributes share pools. Immutable; change one field with the withers.
 */
public final class WqAttrs {
    private final CpuSet cpumask;
    private final boolean highpri;
    private final AffinityScope scope;
    private final boolean strict;

    private WqAttrs(CpuSet cpumask, boolean highpri, AffinityScope scope, boolean strict) {
        this.cpumask = cpumask;
        this.highpri = highpri;
        this.scope = Objects.requireNonNull(scope, "scope is null");
        this.strict = strict;
    }

    /** Every CPU, normal priority, scope CACHE, not strict. */
    public static WqAttrs defaults() {
        return new WqAttrs(null, false, AffinityScope.DEFAULT, false);
    }

    public WqAttrs cpumask(CpuSet mask) {
        if (mask != null && mask.isEmpty()) {
            throw new IllegalArgumentException("empty cpumask");
        }
        return new WqAttrs(mask, highpri, scope, strict);
    }

    public WqAttrs highpri(boolean on) {
        return new WqAttrs(cpumask, on, scope, strict);
    }

    public WqAttrs scope(AffinityScope s) {
        return new WqAttrs(cpumask, highpri, s, strict);
    }

    public WqAttrs strict(boolean on) {
        return new WqAttrs(cpumask, highpri, scope, on);
    }

    /** The cpumask, or null for every CPU of the runtime. */
    public CpuSet cpumask() {
        return cpumask;
    }

    public boolean highpri() {
        return highpri;
    }

    public AffinityScope scope() {
        return scope;
    }

    public boolean strict() {
        return strict;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WqAttrs)) {
            return false;
        }
        WqAttrs a = (WqAttrs) o;
        return highpri == a.highpri && strict == a.strict && scope == a.scope && Objects.equals(cpumask, a.cpumask);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cpumask, highpri, scope, strict);
    }

    @Override
    public String toString() {
        return "WqAttrs[cpumask=" + (cpumask == null ? "all" : cpumask) + " highpri=" + highpri + " scope=" + scope
                + " strict=" + strict + "]";
    }
}
