// The MXBean object registered for one workqueue: reads its stats, forwards max_active.
package io.corewq.observe;

import io.corewq.Workqueue;
import io.corewq.WqFlag;

/** Thread-safe: holds only immutable references; every read goes to the workqueue. */
final class WorkqueueMBeanImpl implements WorkqueueMXBean {
    /** Immutable. */
    final Workqueue wq;
    /** Immutable. */
    private final String runtimeKey;

    WorkqueueMBeanImpl(Workqueue wq, String runtimeKey) {
        this.wq = wq;
        this.runtimeKey = runtimeKey;
    }

    @Override
    public String getName() {
        return wq.name();
    }

    @Override
    public String getRuntime() {
        return runtimeKey;
    }

    @Override
    public String[] getFlags() {
        return wq.flags().stream().sorted().map(WqFlag::name).toArray(String[]::new);
    }

    @Override
    public boolean isUnbound() {
        return wq.flags().contains(WqFlag.UNBOUND);
    }

    @Override
    public boolean isMemReclaim() {
        return wq.flags().contains(WqFlag.MEM_RECLAIM);
    }

    @Override
    public boolean isOrdered() {
        return wq.isOrdered();
    }

    @Override
    public boolean isDestroyed() {
        return wq.isDestroyed();
    }

    @Override
    public int getMaxActive() {
        return wq.maxActive();
    }

    @Override
    public void setMaxActive(int n) {
        wq.setMaxActive(n);
    }

    @Override
    public long getStarted() {
        return wq.stats().started();
    }

    @Override
    public long getCompleted() {
        return wq.stats().completed();
    }

    @Override
    public long getExceptions() {
        return wq.stats().exceptions();
    }

    @Override
    public long getInFlight() {
        return wq.stats().inFlight();
    }

    @Override
    public long getArmed() {
        return wq.stats().armed();
    }

    @Override
    public long getCpuTimeNanos() {
        return wq.stats().cpuTimeNanos();
    }

    @Override
    public long getCpuHogs() {
        return wq.stats().cpuHogs();
    }

    @Override
    public long getCmWakeups() {
        return wq.stats().cmWakeups();
    }

    @Override
    public long getMayday() {
        return wq.stats().mayday();
    }

    @Override
    public long getRescued() {
        return wq.stats().rescued();
    }
}
