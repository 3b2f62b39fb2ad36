// Proves the queue -> run -> complete path allocates nothing for reusable items, on per-CPU, unbound and ordered workqueues, with short and deep backlogs.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bytes allocated by every thread of the JVM (HotSpot's per-thread allocation counters) while
 * 300 000 reusable items are queued and run, after a warm-up. A backlog of up to 512 items keeps
 * the inactive lists (unbound max_active 2, ordered max_active 1) hundreds of entries long, which
 * is where an array-chunk queue used to allocate. The {@code -deep} cases keep up to 8 192 items
 * queued, 2 048 of them on the worklist (max_active {@link Workqueue#MAX_ACTIVE}): more than one
 * of its arrays holds, so the worklist must recycle them (JCTools' unbounded array queue, used
 * before, allocated about 4 bytes an item there). The bound, 0.5 bytes per item, leaves room for
 * the runtime's monitor and the test harness; the old inactive list cost 3 to 6.
 */
class AllocationTest {

    CpuRuntime rt;

    @BeforeEach
    void start() {
        rt = CpuRuntime.builder().followOsCpus(java.time.Duration.ZERO).build(); // no CPU-watch polling: only the queue path counts
    }

    @AfterEach
    void stop() {
        rt.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"percpu", "unbound", "ordered", "percpu-deep", "unbound-deep"})
    void reusableItemsAllocateNothingPerItem(String kind) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counters on this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "per-thread allocation counters not supported");
        threads.setThreadAllocatedMemoryEnabled(true);

        final boolean deep = kind.endsWith("-deep");
        final int window = deep ? 8192 : 512;
        final int ringSize = window * 2;
        Workqueue wq;
        switch (kind) {
            case "percpu":
            case "percpu-deep":
                wq = rt.allocWorkqueue("alloc_percpu", EnumSet.noneOf(WqFlag.class), Workqueue.MAX_ACTIVE);
                break;
            case "unbound":
                wq = rt.allocWorkqueue("alloc_unbound", EnumSet.of(WqFlag.UNBOUND), 2);
                break;
            case "unbound-deep":
                wq = rt.allocWorkqueue("alloc_unbound", EnumSet.of(WqFlag.UNBOUND), Workqueue.MAX_ACTIVE);
                break;
            default:
                wq = rt.allocOrderedWorkqueue("alloc_ordered", EnumSet.noneOf(WqFlag.class));
                break;
        }
        AtomicLong ran = new AtomicLong();
        Work[] ring = new Work[ringSize];
        for (int i = 0; i < ringSize; i++) {
            ring[i] = new Work("alloc-" + i, ran::incrementAndGet);
        }
        int cpu = rt.cpus().last();
        Producer p = new Producer(wq, ring, window, ran, kind.startsWith("percpu") ? cpu : -1);
        p.queue(200_000); // warm-up: JIT, worklist chunks, spare workers

        long[] ids = allThreadIds();
        long[] beforeEach = threads.getThreadAllocatedBytes(ids);
        long before = sum(beforeEach);
        int items = 300_000;
        p.queue(items);
        long[] afterEach = threads.getThreadAllocatedBytes(ids);
        long after = sum(afterEach);
        StringBuilder perThread = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            long d = afterEach[i] - beforeEach[i];
            if (d > 0) {
                java.lang.management.ThreadInfo ti = mx.getThreadInfo(ids[i]);
                perThread.append(ti == null ? "#" + ids[i] : ti.getThreadName()).append('=').append(d).append(' ');
            }
        }
        Bounded.run("flush", wq::flush);

        double perItem = (after - before) / (double) items;
        System.out.printf("allocation, %s workqueue: %.3f bytes per item (%d bytes for %d items; by thread: %s)%n", kind, perItem, after - before, items, perThread);
        assertTrue(perItem < 0.5, () -> kind + ": " + perItem + " bytes per reusable item; by thread: " + perThread + "\n" + rt.dump());
    }

    private static long[] allThreadIds() {
        return Thread.getAllStackTraces().keySet().stream().mapToLong(Thread::getId).toArray();
    }

    private static long sum(long[] bytes) {
        long s = 0;
        for (long b : bytes) {
            s += Math.max(0, b); // -1 for a thread that ended meanwhile
        }
        return s;
    }

    /** Queues items from a ring (a power of two long), at most {@code window} not yet run, without allocating itself. */
    private static final class Producer {
        final Workqueue wq;
        final Work[] ring;
        final int window;
        final AtomicLong ran;
        final int cpu;
        long submitted;
        int next;

        Producer(Workqueue wq, Work[] ring, int window, AtomicLong ran, int cpu) {
            this.wq = wq;
            this.ring = ring;
            this.window = window;
            this.ran = ran;
            this.cpu = cpu;
        }

        void queue(int n) {
            long deadline = System.nanoTime() + Bounded.DEFAULT_SECONDS * 1_000_000_000L;
            for (int done = 0; done < n; ) {
                if (submitted - ran.get() >= window) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("items stopped running: submitted " + submitted + ", ran " + ran.get());
                    }
                    Thread.yield();
                    continue;
                }
                Work w = ring[next];
                next = (next + 1) & (ring.length - 1);
                if (cpu >= 0 ? wq.queueOn(cpu, w) : wq.queue(w)) {
                    submitted++;
                    done++;
                }
            }
        }
    }
}
