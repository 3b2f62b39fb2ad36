// The one place where the observers call engine features that are still landing (dump) or may change shape (hotplug).
package io.corewq.observe;

import io.corewq.CpuRuntime;

/** Calls into {@code CpuRuntime.hotplug()} and {@code CpuRuntime.dump()}, kept in one class for the JMX beans. */
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
        return rt.hotplug().offline(cpu, "jmx");
    }

    static boolean online(CpuRuntime rt, int cpu) {
        return rt.hotplug().online(cpu, "jmx");
    }

    static String dump(CpuRuntime rt) {
        return rt.dump();
    }
}
