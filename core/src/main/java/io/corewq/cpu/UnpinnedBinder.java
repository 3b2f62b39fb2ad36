// The core's default CpuBinder: records the wanted CPU but leaves the OS scheduler free to place threads.
package io.corewq.cpu;

/**
 * The default binder when no pinning provider is on the class path: threads are not pinned,
 * {@link #currentCpu()} is unknown, and the runtime keeps every semantic except physical placement.
 */
public final class UnpinnedBinder implements CpuBinder {
    public static final UnpinnedBinder INSTANCE = new UnpinnedBinder();

    @Override
    public String name() {
        return "unpinned";
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public boolean isPinning() {
        return false;
    }

    @Override
    public boolean bind(CpuSet cpus) {
        return false;
    }

    @Override
    public int currentCpu() {
        return -1;
    }

    @Override
    public CpuSet currentAffinity() {
        return null;
    }
}
