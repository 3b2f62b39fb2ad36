// The watch subcommand: a light workload on every CPU and one line per hotplug event (follows OS CPU changes).
package io.corewq.bench;

import io.corewq.CpuRuntime;
import io.corewq.DelayedWork;
import io.corewq.Workqueue;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code watch [--seconds N]}: keeps a light workload queued on every CPU (an item per CPU that
 * re-arms itself every 5 ms) and prints one line per hotplug event, e.g.
 * {@code cpu 1 offline (cpuset) pending moved: 123} and {@code cpu 1 online (cpuset)}, plus a
 * progress line {@code watch: completed=N online=…} every second. Runs N seconds, or until killed.
 */
final class Watch {
    private Watch() {
    }

    static int run(String[] args, PrintStream out) throws Exception {
        long seconds = Long.MAX_VALUE;
        try {
            for (int i = 0; i < args.length; i += 2) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    out.println("usage: watch [--seconds N]");
                    return 0;
                }
                if (!a.equals("--seconds")) {
                    throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
                seconds = Args.number(a, Args.after(args, i), 1, Long.MAX_VALUE);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("watch: " + e.getMessage());
            System.err.println("usage: watch [--seconds N]");
            return Main.USAGE;
        }
        try (CpuRuntime rt = CpuRuntime.builder().build()) {
            AtomicLong completed = new AtomicLong();
            Workqueue wq = rt.allocWorkqueue("watch", Set.of(), 0);
            rt.hotplug().addListener(e -> {
                synchronized (out) {
                    out.println(e);
                    out.flush();
                }
            });
            List<DelayedWork> items = new ArrayList<>();
            for (int cpu : rt.cpus()) {
                DelayedWork[] self = new DelayedWork[1];
                final int c = cpu;
                self[0] = new DelayedWork("watch-" + cpu, () -> {
                    completed.incrementAndGet();
                    wq.queueDelayedOn(c, self[0], 5, TimeUnit.MILLISECONDS); // aimed at c even while it is offline
                });
                items.add(self[0]);
                wq.queueDelayedOn(cpu, self[0], Duration.ofMillis(1));
            }
            synchronized (out) {
                out.println("watch: ready cpus=" + rt.cpus() + " online=" + rt.onlineCpus() + " binder=" + rt.binder().name());
                out.flush();
            }
            long span = TimeUnit.SECONDS.toNanos(seconds); // saturates
            long end = span > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : System.nanoTime() + span; // no overflow into the past
            while (System.nanoTime() < end) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
                synchronized (out) {
                    out.println("watch: completed=" + completed.get() + " online=" + rt.onlineCpus());
                    out.flush();
                }
            }
            for (DelayedWork dw : items) {
                dw.cancelSync();
            }
        }
        return 0;
    }
}
