// The one place where the observers call engine features that are still landing (dump) or may change shape (hotplug).
package io.corewq.observe;

import io.corewq.CpuRuntime;

/**
 * Calls into {@code CpuRuntime.hotplug()} and {@code CpuRuntime.dump()}. Kept in one class so the
 * JMX code does not change when those engine calls change: until {@code dump()} lands,
 * {@link #dump} throws {@link UnsupportedOperationException}.
 */
final class EngineAccess {
    private EngineAccess() {
    }

    static long offlineOps(CpuRuntime rt) {
        return rt.hotplug().offlineOps();
    }

    static long onlineOps(CpuRuntime rt) {
        return rt.hotplug().onlineOps();
    }

    static boolean offline(CpuRuntime rt, int cpu) {
        return rt.hotplug().offline(cpu);
    }

    static boolean online(CpuRuntime rt, int cpu) {
        return rt.hotplug().online(cpu);
    }

    static String dump(CpuRuntime rt) {
        throw new UnsupportedOperationException("CpuRuntime.dump() is not in this build of corewq");
    }
}
