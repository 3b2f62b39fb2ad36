// Renders the state of pools and workers as text for watchdog reports and dumps.
package io.corewq;

/** Text dumps in the shape of the kernel's show_one_worker_pool(). */
final class Dumper {
    private Dumper() {
    }

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
