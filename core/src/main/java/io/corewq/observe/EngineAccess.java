// The one place where the observers call engine features that are still landing (hotplug, dump).
package io.corewq.observe;

import io.corewq.CpuRuntime;

/**
 * Calls into {@code CpuRuntime.hotplug()} and {@code CpuRuntime.dump()}. Kept in one class so the
 * JMX and Micrometer code does not change when those engine calls arrive: until they do, the
 * hotplug counters read 0 and the operations throw {@link UnsupportedOperationException}.
 */
final class EngineAccess {
    private EngineAccess() {
    }

    /** Whether this build's engine has CPU hotplug. */
    static boolean hasHotplug() {
        return false;
    }

    static long offlineOps(CpuRuntime rt) {
        return 0;
    }

    static long onlineOps(CpuRuntime rt) {
        return 0;
    }

    static boolean offline(CpuRuntime rt, int cpu) {
        throw new UnsupportedOperationException("CPU hotplug is not in this build of corewq");
    }

    static boolean online(CpuRuntime rt, int cpu) {
        throw new UnsupportedOperationException("CPU hotplug is not in this build of corewq");
    }

    static String dump(CpuRuntime rt) {
        throw new UnsupportedOperationException("CpuRuntime.dump() is not in this build of corewq");
    }
}
