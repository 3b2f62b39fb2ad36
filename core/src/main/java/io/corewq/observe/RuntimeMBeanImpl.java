// The MXBean objects registered for a runtime: the read-only view and the opt-in hotplug operations.
package io.corewq.observe;

import io.corewq.CpuRuntime;
import io.corewq.Workqueue;
import java.util.List;

/** Thread-safe: immutable references; every read goes to the runtime. */
final class RuntimeMBeanImpl implements CorewqRuntimeMXBean {
    /** Immutable. */
    private final CpuRuntime rt;
    /** Immutable. */
    private final String runtimeKey;
    /** Immutable. */
    private final boolean hotplugOps;

    RuntimeMBeanImpl(CpuRuntime rt, String runtimeKey, boolean hotplugOps) {
        this.rt = rt;
        this.runtimeKey = runtimeKey;
        this.hotplugOps = hotplugOps;
    }

    @Override
    public String getRuntime() {
        return runtimeKey;
    }

    @Override
    public String getPossibleCpus() {
        return rt.cpus().toString();
    }

    @Override
    public String getOnlineCpus() {
        return rt.onlineCpus().toString();
    }

    @Override
    public int getPossibleCpuCount() {
        return rt.cpus().size();
    }

    @Override
    public int getOnlineCpuCount() {
        return rt.onlineCpus().size();
    }

    @Override
    public String[] getWorkqueueNames() {
        List<Workqueue> all = rt.workqueues();
        String[] names = new String[all.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = all.get(i).name();
        }
        return names;
    }

    @Override
    public boolean isFrozen() {
        return rt.isFrozen();
    }

    @Override
    public boolean isClosed() {
        return rt.isClosed();
    }

    @Override
    public boolean isHotplugOperationsEnabled() {
        return hotplugOps;
    }

    @Override
    public long getHotplugOfflineOps() {
        return EngineAccess.offlineOps(rt);
    }

    @Override
    public long getHotplugOnlineOps() {
        return EngineAccess.onlineOps(rt);
    }

    @Override
    public String dump() {
        try {
            return EngineAccess.dump(rt);
        } catch (RuntimeException e) {
            throw Portable.of(e);
        }
    }

    /** The opt-in operations. */
    static final class Hotplug implements CorewqHotplugMXBean {
        /** Immutable. */
        private final CpuRuntime rt;

        Hotplug(CpuRuntime rt) {
            this.rt = rt;
        }

        @Override
        public boolean offline(int cpu) {
            try {
                return EngineAccess.offline(rt, cpu);
            } catch (RuntimeException e) {
                throw Portable.of(e);
            }
        }

        @Override
        public boolean online(int cpu) {
            try {
                return EngineAccess.online(rt, cpu);
            } catch (RuntimeException e) {
                throw Portable.of(e);
            }
        }
    }
}
