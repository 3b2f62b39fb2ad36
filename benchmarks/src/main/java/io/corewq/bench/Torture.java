// The torture subcommand: producers hammer workqueues while a hotplug thread offlines and onlines random CPUs.
package io.corewq.bench;

import io.corewq.CpuRuntime;
import io.corewq.DelayedWork;
import io.corewq.HotplugLock;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import io.corewq.cpu.CpuBinders;
import io.corewq.cpu.CpuSelection;
import io.corewq.cpu.CpuSet;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code torture [--seconds N] [--cpus K] [--producers P]}: as the kernel's torture_onoff, producers
 * queue (queue, queueOn including offline CPUs, delayed, modDelayed, cancel, flush, ordered) while a
 * hotplug thread offlines and onlines random CPUs (never all). With K above the CPUs the process
 * may use, K logical CPUs share the cores unpinned. Ends with one line
 * {@code items=… hotplug_ops=… lost=0 duplicated=0 misplaced=0 stuck_flushes=0}; any non-zero count
 * is a failure exit (1).
 *
 * <p>Accounting per reusable item: every {@code true} from a queue call is one instance owed,
 * every {@code true} from cancel one instance forgiven; at the end (after draining) runs must equal
 * owed minus forgiven: fewer is {@code lost}, more (or two runs at once) is {@code duplicated}.
 * {@code misplaced} counts runs in an associated pool of CPU c on a thread the OS placed elsewhere
 * (only measurable when carriers are pinned). A flush that takes longer than 10 s is stuck.
 */
final class Torture {
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(10);

    private Torture() {
    }

    static final class Item {
        final AtomicLong owed = new AtomicLong();
        final AtomicLong forgiven = new AtomicLong();
        final AtomicLong runs = new AtomicLong();
        final AtomicInteger inside = new AtomicInteger();
        Work work;
    }

    private static final String USAGE = "usage: torture [--seconds N] [--cpus K] [--producers P]";

    static int run(String[] args, PrintStream out) throws Exception {
        int seconds = 30;
        int cpus = 0;
        int producers = 2;
        try {
            for (int i = 0; i < args.length; i += 2) { // every option takes a value
                String a = args[i];
                String v = Args.after(args, i);
                switch (a) {
                    case "-h":
                    case "--help":
                        out.println(USAGE + "  (--cpus 0: every CPU; more than the real ones: logical CPUs)");
                        return 0;
                    case "--seconds":
                        seconds = (int) Args.number(a, v, 1, Integer.MAX_VALUE);
                        break;
                    case "--cpus":
                        cpus = (int) Args.number(a, v, 0, Integer.MAX_VALUE);
                        if (cpus == 1) {
                            throw new IllegalArgumentException("--cpus 1: torture needs 0 (every CPU) or at least 2");
                        }
                        break;
                    case "--producers":
                        producers = (int) Args.number(a, v, 1, Integer.MAX_VALUE);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("torture: " + e.getMessage());
            System.err.println(USAGE);
            return Main.USAGE;
        }
        CpuRuntime.Builder b = CpuRuntime.builder().followOsCpus(Duration.ZERO);
        CpuSet real = CpuSelection.fromSystemProperties().resolve(CpuSelection.processCpus(CpuBinders.load()));
        boolean logical = cpus > real.size();
        if (logical) {
            b.logicalCpus(cpus);
        } else if (cpus > 0) {
            b.cpus(CpuSet.of(java.util.Arrays.copyOf(real.toArray(), cpus)));
        }
        try (CpuRuntime rt = b.build()) {
            return torture(rt, seconds, producers, logical, out);
        }
    }

    private static int torture(CpuRuntime rt, int seconds, int nProducers, boolean logical, PrintStream out) throws Exception {
        int[] possible = rt.cpus().toArray();
        if (possible.length < 2) {
            out.println("torture: needs at least 2 CPUs, has only CPU " + rt.cpus() + " (--cpus 2 or more runs on logical CPUs)");
            return Main.USAGE;
        }
        out.println("torture: cpus " + rt.cpus() + (logical ? " (logical, unpinned)" : " (binder " + rt.binder().name() + ")")
                + ", " + nProducers + " producers, " + seconds + " s");
        Workqueue percpu = rt.allocWorkqueue("torture", Set.of(), 16);
        Workqueue unbound = rt.allocWorkqueue("torture_u", EnumSet.of(WqFlag.UNBOUND), 8);
        Workqueue ordered = rt.allocOrderedWorkqueue("torture_o", Set.of());
        AtomicLong duplicated = new AtomicLong();
        AtomicLong misplaced = new AtomicLong();
        AtomicLong orderErrors = new AtomicLong();
        AtomicLong stuck = new AtomicLong();
        AtomicLong hotplugOps = new AtomicLong();
        List<Item> items = new ArrayList<>();
        int perProducer = 256;
        for (int i = 0; i < nProducers * perProducer; i++) {
            Item it = new Item();
            Runnable fn = () -> {
                if (it.inside.incrementAndGet() != 1) {
                    duplicated.incrementAndGet();
                }
                int pinnedCpu = CpuRuntime.currentPinnedCpu();
                if (pinnedCpu >= 0) {
                    int os = rt.binder().currentCpu();
                    if (os >= 0 && os != pinnedCpu && CpuRuntime.currentPinnedCpu() == pinnedCpu) {
                        misplaced.incrementAndGet();
                    }
                }
                it.runs.incrementAndGet();
                it.inside.decrementAndGet();
            };
            it.work = (i % 4 == 0) ? new DelayedWork("torture-" + i, fn) : new Work("torture-" + i, fn);
            items.add(it);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicBoolean stop = new AtomicBoolean();
        long[] flushStart = new long[nProducers];
        List<Thread> threads = new ArrayList<>();
        AtomicLong opsDone = new AtomicLong();
        for (int p = 0; p < nProducers; p++) {
            final int pid = p;
            final List<Item> mine = items.subList(p * perProducer, (p + 1) * perProducer);
            Thread t = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(42 + pid);
                long orderedSeq = 0;
                long[] lastOrdered = {-1};
                long ops = 0;
                while (!stop.get()) {
                    Item it = mine.get(rnd.nextInt(mine.size()));
                    int op = rnd.nextInt(100);
                    int cpu = possible[rnd.nextInt(possible.length)];
                    if (op < 30) {
                        if (percpu.queueOn(cpu, it.work)) { // offline CPUs included
                            it.owed.incrementAndGet();
                        }
                    } else if (op < 45) {
                        if ((op & 1) == 0 ? percpu.queue(it.work) : unbound.queue(it.work)) {
                            it.owed.incrementAndGet();
                        }
                    } else if (op < 55 && it.work instanceof DelayedWork) {
                        DelayedWork dw = (DelayedWork) it.work;
                        long delay = rnd.nextInt(2000);
                        boolean q = (op & 1) == 0
                                ? percpu.queueDelayedOn(cpu, dw, delay, TimeUnit.MICROSECONDS)
                                : percpu.queueDelayed(dw, delay, TimeUnit.MICROSECONDS);
                        if (q) {
                            it.owed.incrementAndGet();
                        }
                    } else if (op < 60 && it.work instanceof DelayedWork) {
                        // modDelayed: re-arms a pending instance (nothing owed) or arms an idle one (one owed)
                        if (!percpu.modDelayed((DelayedWork) it.work, Duration.ofNanos(rnd.nextInt(1_000_000)))) {
                            it.owed.incrementAndGet(); // it was idle and is armed now (items are never disabled)
                        }
                    } else if (op < 70) {
                        if (it.work.cancel()) {
                            it.forgiven.incrementAndGet();
                        }
                    } else if (op < 73) {
                        flushStart[pid] = System.nanoTime();
                        it.work.flush();
                        flushStart[pid] = 0;
                    } else if (op < 85) {
                        final long seq = orderedSeq++;
                        ordered.queue(new Work("ordered", () -> {
                            if (seq != lastOrdered[0] + 1) {
                                orderErrors.incrementAndGet();
                            }
                            lastOrdered[0] = seq;
                        }));
                    } else {
                        try (HotplugLock.Guard g = rt.cpusReadLock()) {
                            if (rt.isOnline(cpu) && percpu.queueOn(cpu, it.work)) {
                                it.owed.incrementAndGet();
                            }
                        }
                    }
                    ops++;
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                }
                opsDone.addAndGet(ops);
            }, "torture-producer-" + p);
            threads.add(t);
        }
        Thread hotplug = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(7);
            while (!stop.get() && System.nanoTime() < deadline) {
                int cpu = possible[rnd.nextInt(possible.length)];
                if (rt.isOnline(cpu)) {
                    if (rt.onlineCpus().size() > 1 && rt.hotplug().offline(cpu)) {
                        hotplugOps.incrementAndGet();
                    }
                } else if (rt.hotplug().online(cpu)) {
                    hotplugOps.incrementAndGet();
                }
                Thread.yield();
            }
        }, "torture-hotplug");
        threads.add(hotplug);
        threads.forEach(Thread::start);
        // watchdog: count flushes stuck for more than 10 s
        while (threads.stream().anyMatch(Thread::isAlive)) {
            for (int p = 0; p < nProducers; p++) {
                long s = flushStart[p];
                if (s != 0 && System.nanoTime() - s > STUCK_NANOS) {
                    stuck.incrementAndGet();
                    flushStart[p] = 0;
                }
            }
            if (System.nanoTime() - deadline > TimeUnit.SECONDS.toNanos(60)) {
                stop.set(true);
                out.println("torture: producers did not stop 60 s after the deadline");
                stuck.incrementAndGet();
                break;
            }
            threads.get(0).join(200);
        }
        for (int cpu : possible) {
            rt.hotplug().online(cpu);
        }
        for (Workqueue wq : List.of(percpu, unbound, ordered)) {
            wq.drain();
        }
        long lost = 0;
        long itemsQueued = 0;
        for (Item it : items) {
            long expect = it.owed.get() - it.forgiven.get();
            long ran = it.runs.get();
            itemsQueued += it.owed.get();
            if (ran < expect) {
                lost += expect - ran;
            } else if (ran > expect) {
                duplicated.addAndGet(ran - expect);
            }
        }
        long bad = lost + duplicated.get() + misplaced.get() + stuck.get() + orderErrors.get();
        if (orderErrors.get() > 0) {
            out.println("torture: ordered workqueue ran " + orderErrors.get() + " items out of order");
        }
        out.println("items=" + itemsQueued + " hotplug_ops=" + hotplugOps.get() + " lost=" + lost
                + " duplicated=" + duplicated.get() + " misplaced=" + misplaced.get() + " stuck_flushes=" + stuck.get());
        return bad == 0 ? 0 : 1;
    }
}
