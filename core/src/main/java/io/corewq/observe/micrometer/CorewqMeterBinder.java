// Micrometer MeterBinder: function counters and gauges over a CpuRuntime's workqueue stats and CPUs.
package io.corewq.observe.micrometer;

import io.corewq.CpuRuntime;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import io.corewq.observe.WorkqueueListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Binds a {@link CpuRuntime}'s counters to Micrometer:
 *
 * <table>
 *   <caption>Meters (tags {@code workqueue}, {@code flags} and the constructor's tags)</caption>
 *   <tr><th>Name</th><th>Type</th><th>From {@link Workqueue.Stats}</th></tr>
 *   <tr><td>{@code corewq.workqueue.started}</td><td>function counter</td><td>started</td></tr>
 *   <tr><td>{@code corewq.workqueue.completed}</td><td>function counter</td><td>completed</td></tr>
 *   <tr><td>{@code corewq.workqueue.exceptions}</td><td>function counter</td><td>exceptions</td></tr>
 *   <tr><td>{@code corewq.workqueue.cpu.time}</td><td>function counter, seconds</td><td>cpuTimeNanos</td></tr>
 *   <tr><td>{@code corewq.workqueue.cpu.hogs}</td><td>function counter</td><td>cpuHogs</td></tr>
 *   <tr><td>{@code corewq.workqueue.cm.wakeups}</td><td>function counter</td><td>cmWakeups</td></tr>
 *   <tr><td>{@code corewq.workqueue.mayday}</td><td>function counter</td><td>mayday</td></tr>
 *   <tr><td>{@code corewq.workqueue.rescued}</td><td>function counter</td><td>rescued</td></tr>
 *   <tr><td>{@code corewq.workqueue.in.flight}</td><td>gauge</td><td>inFlight</td></tr>
 *   <tr><td>{@code corewq.workqueue.armed}</td><td>gauge</td><td>armed</td></tr>
 *   <tr><td>{@code corewq.workqueue.max.active}</td><td>gauge</td><td>{@link Workqueue#maxActive()}</td></tr>
 * </table>
 *
 * <p>Runtime meters (the constructor's tags only): gauges {@code corewq.cpus.possible},
 * {@code corewq.cpus.online}, {@code corewq.workqueues}; function counters
 * {@code corewq.hotplug.offline} and {@code corewq.hotplug.online} (CPU transitions so far).
 *
 * <p>Workqueues allocated after {@link #bindTo} get their meters through
 * {@link #workqueueAdded}; destroyed ones lose them through {@link #workqueueRemoved} (the engine
 * calls both). Two runtimes bound to one registry need telling apart by a tag, e.g.
 * {@code new CorewqMeterBinder(rt, Tags.of("runtime", "ingest"))}: meters with equal names and
 * tags are one meter to Micrometer, which would report the first runtime's workqueue only. The same
 * holds for two live workqueues of one runtime with the same name.
 *
 * <p>Micrometer is an optional dependency of corewq-core: only this package needs it on the class
 * path, and nothing else in corewq loads this class.
 *
 * <p>Thread-safe: binding and the workqueue callbacks are serialised by this binder's lock; the
 * meters read the engine's counters without any lock of ours.
 */
public final class CorewqMeterBinder implements MeterBinder, WorkqueueListener {
    /** Immutable. */
    private final CpuRuntime rt;
    /** Immutable. */
    private final Tags tags;
    /** Under {@code this}: the registries bound so far. */
    private final List<MeterRegistry> registries = new ArrayList<>();
    /** Under {@code this}: the meters of each workqueue, over every bound registry. */
    private final Map<Workqueue, List<Bound>> meters = new IdentityHashMap<>();

    private record Bound(MeterRegistry registry, Meter meter) {
    }

    /** A binder for {@code rt}'s meters with no extra tags. */
    public CorewqMeterBinder(CpuRuntime rt) {
        this(rt, Tags.empty());
    }

    /** A binder for {@code rt}'s meters, each also carrying {@code tags}. */
    public CorewqMeterBinder(CpuRuntime rt, Iterable<Tag> tags) {
        this.rt = Objects.requireNonNull(rt, "runtime is null");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags is null"));
    }

    /** Registers the runtime gauges and the meters of every live workqueue in {@code registry}. */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry is null");
        if (registries.contains(registry)) {
            return;
        }
        registries.add(registry);
        if (registries.size() == 1) {
            rt.addWorkqueueListener(this); // later workqueues get meters too
        }
        Gauge.builder("corewq.cpus.possible", rt, r -> r.cpus().size())
                .tags(tags).description("CPUs the corewq runtime may use").register(registry);
        Gauge.builder("corewq.cpus.online", rt, r -> r.onlineCpus().size())
                .tags(tags).description("CPUs of the corewq runtime that are online").register(registry);
        Gauge.builder("corewq.workqueues", rt, r -> r.workqueues().size())
                .tags(tags).description("Live workqueues, system ones included").register(registry);
        FunctionCounter.builder("corewq.hotplug.offline", rt, r -> r.hotplug().offlineOps())
                .tags(tags).description("CPUs taken offline").register(registry);
        FunctionCounter.builder("corewq.hotplug.online", rt, r -> r.hotplug().onlineOps())
                .tags(tags).description("CPUs brought online").register(registry);
        for (Workqueue wq : rt.workqueues()) {
            bind(wq, registry);
        }
    }

    /** Registers {@code wq}'s meters in every bound registry. Idempotent; never throws. */
    @Override
    public synchronized void workqueueAdded(Workqueue wq) {
        if (wq.runtime() != rt || wq.isDestroyed()) {
            return;
        }
        for (MeterRegistry r : registries) {
            bind(wq, r);
        }
    }

    /** Removes {@code wq}'s meters from every bound registry. Never throws. */
    @Override
    public synchronized void workqueueRemoved(Workqueue wq) {
        List<Bound> gone = meters.remove(wq);
        if (gone != null) {
            for (Bound b : gone) {
                b.registry().remove(b.meter());
            }
        }
    }

    private void bind(Workqueue wq, MeterRegistry registry) {
        List<Bound> list = meters.computeIfAbsent(wq, k -> new ArrayList<>());
        for (Bound b : list) {
            if (b.registry() == registry) {
                return; // already bound there
            }
        }
        Tags t = tags.and("workqueue", wq.name()).and("flags", flagsTag(wq));
        counter(list, registry, wq, t, "started", "Items whose function began running", s -> s.stats().started());
        counter(list, registry, wq, t, "completed", "Items whose function returned or threw", s -> s.stats().completed());
        counter(list, registry, wq, t, "exceptions", "Functions that threw", s -> s.stats().exceptions());
        list.add(new Bound(registry, FunctionCounter.builder("corewq.workqueue.cpu.time", wq, s -> s.stats().cpuTimeNanos() / 1e9)
                .tags(t).baseUnit("seconds").description("CPU time of its items, sampled").register(registry)));
        counter(list, registry, wq, t, "cpu.hogs", "Items that ran longer than the hog threshold", s -> s.stats().cpuHogs());
        counter(list, registry, wq, t, "cm.wakeups", "Concurrency-management wake-ups", s -> s.stats().cmWakeups());
        counter(list, registry, wq, t, "mayday", "Calls for the rescuer", s -> s.stats().mayday());
        counter(list, registry, wq, t, "rescued", "Items run by the rescuer", s -> s.stats().rescued());
        gauge(list, registry, wq, t, "in.flight", "Queued or running instances", s -> s.stats().inFlight());
        gauge(list, registry, wq, t, "armed", "Delayed items armed on timers", s -> s.stats().armed());
        gauge(list, registry, wq, t, "max.active", "Items of one pool_workqueue that may run at once", Workqueue::maxActive);
    }

    private static void counter(List<Bound> list, MeterRegistry registry, Workqueue wq, Tags t, String name,
            String description, ToDoubleFunction<Workqueue> f) {
        list.add(new Bound(registry, FunctionCounter.builder("corewq.workqueue." + name, wq, f)
                .tags(t).description(description).register(registry)));
    }

    private static void gauge(List<Bound> list, MeterRegistry registry, Workqueue wq, Tags t, String name,
            String description, ToDoubleFunction<Workqueue> f) {
        list.add(new Bound(registry, Gauge.builder("corewq.workqueue." + name, wq, f)
                .tags(t).description(description).register(registry)));
    }

    /** The flag names joined by commas in declaration order, or {@code none}. */
    static String flagsTag(Workqueue wq) {
        if (wq.flags().isEmpty()) {
            return "none";
        }
        return wq.flags().stream().sorted().map(WqFlag::name).collect(Collectors.joining(","));
    }
}
