// Renders the state of busy workqueues and pools as text, in the shape of the kernel's show_all_workqueues().
package io.corewq;

import java.util.Iterator;
import java.util.List;

/**
 * Text dumps for {@link CpuRuntime#dump()} and watchdog reports. Everything is read without locks
 * (weakly consistent iteration of the per-CPU worklists and inactive lists, racy reads of worker
 * fields): good enough to debug with, never blocking the runtime.
 */
final class Dumper {
    private Dumper() {
    }

    @SuppressWarnings("unchecked")
    static String all(CpuRuntime rt) {
        StringBuilder sb = new StringBuilder("Showing busy workqueues and worker pools:\n");
        long now = System.nanoTime();
        for (Workqueue wq : rt.workqueues()) {
            Workqueue.Stats st = wq.stats();
            if (st.inFlight() == 0 && st.armed() == 0) {
                continue;
            }
            sb.append("workqueue ").append(wq.name()).append(": flags=").append(wq.flags().isEmpty() ? "none" : wq.flags())
                    .append(wq.isOrdered() ? " ordered" : "").append(" max_active=").append(wq.maxActive());
            if (st.armed() > 0) {
                sb.append(" armed=").append(st.armed());
            }
            sb.append('\n');
            for (PoolWorkqueue p : wq.all) {
                if (p.inFlightTotal() == 0) {
                    continue;
                }
                sb.append("  pwq ").append(p.pool.describe()).append(": active=").append(p.activeCount()).append('/')
                        .append(p.limit()).append(" in_flight=").append(p.inFlightTotal()).append('\n');
                StringBuilder inflight = new StringBuilder();
                for (Worker w : p.pool.workersSnapshot()) {
                    Work cur = w.current;
                    if (cur != null && w.currentPwq == p) {
                        if (inflight.length() > 0) {
                            inflight.append(", ");
                        }
                        inflight.append(w.name).append(':').append(cur.name()).append(" for ").append(runningFor(w, now));
                    }
                }
                if (inflight.length() > 0) {
                    sb.append("    in-flight: ").append(inflight).append('\n');
                }
                String pending = fold(liveEntries(((Iterable<Node>) p.pool.worklist).iterator(), p));
                if (!pending.isEmpty()) {
                    sb.append("    pending: ").append(pending).append('\n');
                }
                String inactive = fold(liveEntries(p.inactiveSnapshot(INACTIVE_DUMP_LIMIT).iterator(), p));
                if (!inactive.isEmpty()) {
                    sb.append("    inactive: ").append(inactive).append('\n');
                }
            }
            Thread f = wq.flusher;
            if (f != null) {
                sb.append("  flush barrier: ").append(f.getName()).append(" waits for items queued before it\n");
            }
        }
        for (WorkerPool p : rt.boundPools()) {
            appendPool(sb, p, now);
        }
        for (WorkerPool p : rt.unboundPoolList()) {
            appendPool(sb, p, now);
        }
        return sb.toString();
    }

    private static void appendPool(StringBuilder sb, WorkerPool p, long now) {
        boolean busy = !p.worklist.isEmpty() || p.disassociated;
        List<Worker> ws = p.workersSnapshot();
        for (Worker w : ws) {
            busy |= w.current != null;
        }
        if (!busy) {
            return;
        }
        sb.append("pool ").append(p.describe());
        if (p.isBound()) {
            Worker h = p.holder;
            sb.append(" hold=").append(h == null ? "(vacant)" : h.name);
        }
        ConcurrencyMonitor.Watch watch = p.watch;
        long hung = p.worklist.isEmpty() || watch.since == 0 ? 0 : (now - watch.since) / 1_000_000_000L;
        sb.append(" hung=").append(hung).append("s workers=").append(ws.size()).append(" idle:");
        for (Worker w : ws) {
            if (w.current == null && w != p.holder) {
                sb.append(' ').append(w.name);
            }
        }
        sb.append(" pending=").append(p.worklist.size()).append('\n');
    }

    private static String runningFor(Worker w, long now) {
        if (w.monSeq == (int) Worker.ITEM_SEQ.getOpaque(w) && w.monSince != 0) {
            return Math.max(0, now - w.monSince) / 1_000_000L + "ms"; // the monitor may have sampled after now
        }
        return "<" + Math.max(1, w.pool.rt.monitorPeriodNanos / 1_000_000L) + "ms";
    }

    /** Most inactive entries of one pool_workqueue a dump lists. */
    private static final int INACTIVE_DUMP_LIMIT = 1_000_000;

    /** Names of the live entries of {@code pwq} among {@code it}, in queue order. */
    private static Iterator<String> liveEntries(Iterator<Node> it, PoolWorkqueue pwq) {
        return new Iterator<>() {
            String next = advance();

            private String advance() {
                while (it.hasNext()) {
                    Node n = it.next();
                    if (n == null || n.pwq != pwq) {
                        continue;
                    }
                    long st = n.work.state;
                    if ((st & Work.PENDING) != 0 && Work.seqOf(st) == n.seq) {
                        return n.work.name();
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public String next() {
                String r = next;
                next = advance();
                return r;
            }
        };
    }

    /** {@code 3*foo, bar, 2*baz}: consecutive repeats folded, as the kernel does. */
    static String fold(Iterator<String> names) {
        StringBuilder sb = new StringBuilder();
        String prev = null;
        int run = 0;
        int shown = 0;
        while (names.hasNext()) {
            String n = names.next();
            if (n.equals(prev)) {
                run++;
                continue;
            }
            if (prev != null) {
                shown = appendRun(sb, prev, run, shown);
            }
            prev = n;
            run = 1;
        }
        if (prev != null) {
            appendRun(sb, prev, run, shown);
        }
        return sb.toString();
    }

    private static int appendRun(StringBuilder sb, String name, int run, int shown) {
        if (shown > 0) {
            sb.append(", ");
        }
        if (run > 1) {
            sb.append(run).append('*');
        }
        sb.append(name);
        return shown + 1;
    }

    /** One pool with its in-flight items and their stacks (watchdog report). */
    static String pool(WorkerPool p) {
        StringBuilder sb = new StringBuilder();
        Worker h = p.holder;
        sb.append("pool ").append(p.describe())
                .append(p.isBound() ? " hold=" + (h == null ? "(vacant)" : h.name) : "")
                .append(" workers=").append(p.workerCount())
                .append(" idle: ").append(p.idleCount())
                .append(" pending: ").append(p.worklist.size()).append('\n');
        for (Worker w : p.workersSnapshot()) {
            Work cur = w.current;
            if (cur == null) {
                continue;
            }
            sb.append("  in-flight: ").append(w.name).append(':').append(cur.name()).append('\n');
            Thread t = w.thread;
            if (t != null) {
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("    at ").append(e).append('\n');
                }
            }
        }
        return sb.toString();
    }
}
