// Queue-throughput target for corewq: reusable Work items queued with queueOn onto a per-CPU workqueue.
package io.corewq.bench.harness;

import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import java.util.EnumSet;

/**
 * A {@link CpuRuntime} with one per-CPU workqueue. Producer {@code k} queues onto CPU
 * {@code cpus[k % n]} with {@link Workqueue#queueOn}, cycling through its own ring of reusable
 * {@link Work} items, twice as many as its window, so an attempt on a still-pending item is rare
 * and the next item is always a different one.
 *
 * <p>The workqueue's max_active is {@link Workqueue#MAX_ACTIVE}, above any window a producer uses,
 * so items never wait on the inactive list: the benchmark measures the queue -> run -> complete
 * path, not max_active throttling.
 */
public final class CorewqTarget implements QueueTarget {
    /** Immutable. */
    private final CpuRuntime rt;
    /** Immutable. */
    private final Workqueue wq;
    /** Immutable: the runtime's CPU ids, producers are spread over them round-robin. */
    private final int[] cpus;

    public CorewqTarget() {
        rt = CpuRuntime.builder().build();
        wq = rt.allocWorkqueue("bench_percpu", EnumSet.noneOf(WqFlag.class), Workqueue.MAX_ACTIVE);
        cpus = rt.cpus().toArray();
    }

    @Override
    public Producer producer(int index, int window) {
        return new RingProducer(wq, cpus[index % cpus.length], window);
    }

    @Override
    public String describe() {
        return "corewq per-CPU workqueue on CPUs " + rt.cpus() + ", binder " + rt.binder().name()
                + ", pinned " + rt.pinningStatus().pinned();
    }

    @Override
    public void close() {
        rt.close();
    }

    /** A ring of reusable items, all queued on one CPU. */
    private static final class RingProducer extends Producer {
        /** Immutable. */
        private final Workqueue wq;
        /** Immutable: the CPU this producer queues onto. */
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
            Runnable fn = this::onRun;
            for (int i = 0; i < size; i++) {
                items[i] = new Work("bench-noop", fn);
            }
        }

        @Override
        protected boolean tryQueue() {
            Work w = items[next];
            next = (next + 1) & (items.length - 1);
            return wq.queueOn(cpu, w);
        }
    }
}
