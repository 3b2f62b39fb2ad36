// Queue-throughput target for corewq: reusable Work items queued onto a per-CPU, unbound or ordered workqueue.
package io.corewq.bench.harness;

import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import java.time.Duration;
import java.util.EnumSet;

/**
 * A {@link CpuRuntime} with one workqueue of the given {@link Kind}. Each producer cycles through
 * its own ring of reusable {@link Work} items, twice as many as its window, so an attempt on a
 * still-pending item is rare and the next item is always a different one.
 * <ul>
 *   <li>{@link Kind#PERCPU}: producer {@code k} queues onto CPU {@code cpus[k % n]} with
 *       {@link Workqueue#queueOn}; max_active {@link Workqueue#MAX_ACTIVE}, above any window a
 *       producer uses, so items never wait on the inactive list;</li>
 *   <li>{@link Kind#UNBOUND}: {@link Workqueue#queue} onto an {@code UNBOUND} workqueue with the
 *       default max_active ({@link Workqueue#DEFAULT_ACTIVE}, above any window, as a user gets
 *       with 0); how many workers run is the unbound pool's business, as in the kernel;</li>
 *   <li>{@link Kind#ORDERED}: {@link Workqueue#queue} onto an ordered workqueue: one item at a
 *       time in queueing order, so one consumer (compare with the JCTools floor, also one).</li>
 * </ul>
 * The runtime is built without JMX and without OS CPU following, so nothing but the benchmark
 * runs in it.
 */
public final class CorewqTarget implements QueueTarget {
    /** Which workqueue the items go to. */
    public enum Kind { PERCPU, UNBOUND, ORDERED }

    /** Immutable. */
    private final CpuRuntime rt;
    /** Immutable. */
    private final Workqueue wq;
    /** Immutable. */
    private final Kind kind;
    /** Immutable: the runtime's CPU ids, per-CPU producers are spread over them round-robin. */
    private final int[] cpus;

    public CorewqTarget() {
        this(Kind.PERCPU);
    }

    public CorewqTarget(Kind kind) {
        this.kind = kind;
        rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).build();
        cpus = rt.cpus().toArray();
        switch (kind) {
            case PERCPU:
                wq = rt.allocWorkqueue("bench_percpu", EnumSet.noneOf(WqFlag.class), Workqueue.MAX_ACTIVE);
                break;
            case UNBOUND:
                wq = rt.allocWorkqueue("bench_unbound", EnumSet.of(WqFlag.UNBOUND), 0);
                break;
            default:
                wq = rt.allocOrderedWorkqueue("bench_ordered", EnumSet.noneOf(WqFlag.class));
                break;
        }
    }

    @Override
    public Producer producer(int index, int window) {
        return new RingProducer(wq, kind == Kind.PERCPU ? cpus[index % cpus.length] : -1, window);
    }

    @Override
    public String describe() {
        return "corewq " + kind.name().toLowerCase(java.util.Locale.ROOT) + " workqueue on CPUs " + rt.cpus()
                + ", binder " + rt.binder().name() + ", pinned " + rt.pinningStatus().pinned();
    }

    @Override
    public void close() {
        rt.close();
    }

    /** A ring of reusable items, queued on one CPU ({@code cpu >= 0}) or with {@code queue} ({@code cpu < 0}). */
    private static final class RingProducer extends Producer {
        /** Immutable. */
        private final Workqueue wq;
        /** Immutable: the CPU this producer queues onto, or -1 for {@link Workqueue#queue}. */
        private final int cpu;
        /** Immutable: the ring, a power of two long. */
        private final Work[] items;
        /** Producer thread only: index of the next item to try. */
        private int next;

        RingProducer(Workqueue wq, int cpu, int window) {
            super(window);
            this.wq = wq;
            this.cpu = cpu;
            int size = Integer.highestOneBit(Math.max(2, window) * 2 - 1) << 1;
            this.items = new Work[size];
            Runnable fn = task();
            for (int i = 0; i < size; i++) {
                items[i] = new Work("bench-noop", fn);
            }
        }

        @Override
        public int targetCpu() {
            return cpu;
        }

        @Override
        protected boolean tryQueue() {
            Work w = items[next];
            next = (next + 1) & (items.length - 1);
            return cpu >= 0 ? wq.queueOn(cpu, w) : wq.queue(w);
        }
    }
}
