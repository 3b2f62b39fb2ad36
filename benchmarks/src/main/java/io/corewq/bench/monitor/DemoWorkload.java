// A small, steady corewq workload with JMX on, for the monitor command's demo and for a child JVM to attach to.
package io.corewq.bench.monitor;

import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A runtime with five workqueues that each show one wq_monitor column moving, fed by one producer
 * thread at a modest rate (a few percent of a CPU):
 *
 * <ul>
 *   <li>{@code demo_percpu}: short items on every CPU ("total");
 *   <li>{@code demo_blocking}: items that block for a millisecond, so concurrency management
 *       wakes another worker ("CMW/RPR");
 *   <li>{@code demo_hog}: now and then an item that spins past the 10 ms hog threshold ("CPUhog",
 *       "CPUtime");
 *   <li>{@code demo_unbound}: short unbound items;
 *   <li>{@code demo_reclaim}: a MEM_RECLAIM workqueue (its mayday/rescued columns show 0, not "-").
 * </ul>
 *
 * <p>{@code java -cp corewq.jar io.corewq.bench.monitor.DemoWorkload [--seconds N]} runs it in a
 * JVM of its own (default 60 s), prints {@code ready pid=<pid>} once its MBeans are registered and
 * exits after N seconds; {@code monitor <pid>} can then attach to it.
 */
public final class DemoWorkload implements AutoCloseable {
    /** Items per workqueue per producer round; a round every {@link #ROUND_NANOS}. */
    private static final int BURST = 4;
    private static final long ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Every this many rounds, one hogging item. */
    private static final int HOG_EVERY = 50;
    private static final long HOG_NANOS = TimeUnit.MILLISECONDS.toNanos(12);

    /** Immutable. */
    private final CpuRuntime rt;
    /** Immutable. */
    private final Thread producer;
    /** Written by close(), read by the producer. */
    private volatile boolean stop;

    private DemoWorkload() {
        this.rt = CpuRuntime.builder().jmx(true).build(); // the runtime registers its MBeans itself
        try {
            Workqueue percpu = rt.allocWorkqueue("demo_percpu", Set.of(), 0);
            Workqueue blocking = rt.allocWorkqueue("demo_blocking", Set.of(), 0);
            Workqueue hog = rt.allocWorkqueue("demo_hog", Set.of(), 0);
            Workqueue unbound = rt.allocWorkqueue("demo_unbound", EnumSet.of(WqFlag.UNBOUND), 0);
            Workqueue reclaim = rt.allocWorkqueue("demo_reclaim", EnumSet.of(WqFlag.MEM_RECLAIM), 0);
            this.producer = new Thread(() -> produce(percpu, blocking, hog, unbound, reclaim), "corewq-demo-producer");
        } catch (RuntimeException | Error e) {
            rt.close();
            throw e;
        }
        producer.setDaemon(true);
    }

    /** Starts a runtime, registers its MBeans in the platform MBean server and starts producing. */
    public static DemoWorkload start() {
        DemoWorkload d = new DemoWorkload();
        d.producer.start();
        return d;
    }

    /** The runtime the workload runs on. */
    public CpuRuntime runtime() {
        return rt;
    }

    /** The {@code runtime} key of its MBeans. */
    public String runtimeKey() {
        return rt.jmxRuntimeKey();
    }

    private void produce(Workqueue percpu, Workqueue blocking, Workqueue hog, Workqueue unbound, Workqueue reclaim) {
        int[] cpus = rt.cpus().toArray();
        Work[] shortItems = ring(BURST * cpus.length, "demo_short", () -> spin(20_000));
        Work[] blockItems = ring(BURST, "demo_block", () -> LockSupport.parkNanos(1_000_000));
        Work[] unboundItems = ring(BURST, "demo_unbound_item", () -> spin(50_000));
        Work[] reclaimItems = ring(BURST, "demo_reclaim_item", () -> spin(10_000));
        Work hogItem = new Work("demo_hog_item", () -> spin(HOG_NANOS));
        long next = System.nanoTime();
        for (long round = 0; !stop && !rt.isClosed(); round++) {
            try {
                for (int i = 0; i < shortItems.length; i++) {
                    percpu.queueOn(cpus[i % cpus.length], shortItems[i]);
                }
                for (int i = 0; i < BURST; i++) {
                    blocking.queueOn(cpus[i % cpus.length], blockItems[i]);
                    unbound.queue(unboundItems[i]);
                    reclaim.queue(reclaimItems[i]);
                }
                if (round % HOG_EVERY == 0) {
                    hog.queueOn(cpus[(int) (round / HOG_EVERY) % cpus.length], hogItem);
                }
            } catch (IllegalStateException closing) {
                return; // the runtime is being closed under us
            }
            next += ROUND_NANOS; // pacing, not synchronisation
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime();
            }
        }
    }

    private static Work[] ring(int n, String name, Runnable fn) {
        Work[] r = new Work[n];
        for (int i = 0; i < n; i++) {
            r[i] = new Work(name, fn);
        }
        return r;
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /** Stops producing, unregisters the MBeans and closes the runtime (waits for its threads). */
    @Override
    public void close() {
        stop = true;
        LockSupport.unpark(producer);
        try {
            producer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rt.close(); // unregisters the MBeans
    }

    /** Runs the workload in this JVM for {@code --seconds N} (default 60), then exits. */
    public static void main(String[] args) throws InterruptedException {
        long seconds = 60;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds") && i + 1 < args.length) {
                seconds = Long.parseLong(args[++i]);
            } else {
                System.err.println("usage: DemoWorkload [--seconds N]");
                System.exit(2);
            }
        }
        PrintStream out = System.out;
        try (DemoWorkload d = start()) {
            out.println("ready pid=" + ProcessHandle.current().pid() + " runtime=" + d.runtimeKey());
            out.flush();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // the workload's lifetime, not synchronisation
        }
    }
}
