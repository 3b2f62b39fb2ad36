// Registers a runtime's MXBeans (runtime, optional hotplug, one per workqueue) and keeps them in step with its workqueues.
package io.corewq.observe;

import io.corewq.CpuRuntime;
import io.corewq.Workqueue;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JMX face of one {@link CpuRuntime}. {@link #register} puts into an {@link MBeanServer}:
 *
 * <ul>
 *   <li>{@code io.corewq:type=Runtime,runtime=<key>}: a {@link CorewqRuntimeMXBean};
 *   <li>{@code io.corewq:type=Workqueue,name="<name>",runtime=<key>}: a {@link WorkqueueMXBean} per
 *       live workqueue, system ones included. The name is always quoted with
 *       {@link ObjectName#quote}, so any workqueue name is safe. A second live workqueue with the
 *       same name in the same runtime gets an extra {@code instance=2} (3, ...) key;
 *   <li>{@code io.corewq:type=Hotplug,runtime=<key>}: a {@link CorewqHotplugMXBean}, only when
 *       {@code hotplugOps} is true.
 * </ul>
 *
 * <p>The {@code runtime} key keeps two runtimes of one JVM apart. {@link #register(CpuRuntime, boolean)}
 * numbers them 1, 2, ... in registration order; the full overload takes the key from the caller.
 *
 * <p>Workqueues allocated or destroyed after registration come and go through
 * {@link #workqueueAdded} and {@link #workqueueRemoved}, which the engine calls. {@link #close()}
 * unregisters everything this handle registered; after it, both callbacks do nothing.
 *
 * <p>Thread-safe. Registration changes are serialised by this handle's lock (they are rare: one per
 * workqueue allocation); attribute reads take no lock of ours and go straight to the engine's
 * counters. Registering an MBean happens-before a JMX client can see it, as the MBeanServer
 * guarantees; no other ordering is promised between a workqueue's allocation and its MBean.
 */
public final class CorewqJmx implements WorkqueueListener, AutoCloseable {
    /** The JMX domain of every corewq MBean. */
    public static final String DOMAIN = "io.corewq";

    private static final Logger LOG = LoggerFactory.getLogger(CorewqJmx.class);
    private static final AtomicInteger NEXT_KEY = new AtomicInteger();
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");
    /** Duplicate workqueue names get instance=2.. up to this, then no MBean (and a warning). */
    private static final int MAX_INSTANCES = 1000;

    /** Immutable. */
    private final CpuRuntime rt;
    /** Immutable. */
    private final String runtimeKey;
    /** Immutable. */
    private final MBeanServer server;
    /** Immutable. */
    private final ObjectName runtimeName;
    /** Immutable: null unless hotplug operations were asked for. */
    private final ObjectName hotplugName;
    /** Under {@code this}: the MBean of each live workqueue registered by this handle. */
    private final Map<Workqueue, ObjectName> names = new IdentityHashMap<>();
    /** Under {@code this}. */
    private boolean closed;

    private CorewqJmx(CpuRuntime rt, String runtimeKey, boolean hotplugOps, MBeanServer server) {
        this.rt = rt;
        this.runtimeKey = runtimeKey;
        this.server = server;
        this.runtimeName = runtimeObjectName(runtimeKey);
        this.hotplugName = hotplugOps ? hotplugObjectName(runtimeKey) : null;
    }

    /**
     * Registers the MBeans of {@code rt} in the platform MBean server under the next free runtime
     * number.
     *
     * @param hotplugOps whether to register the {@code type=Hotplug} MBean whose operations take CPUs
     *     offline and online
     * @throws IllegalStateException if an MBean could not be registered (nothing stays registered)
     */
    public static CorewqJmx register(CpuRuntime rt, boolean hotplugOps) {
        Objects.requireNonNull(rt, "runtime is null");
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        for (;;) {
            String key = Integer.toString(NEXT_KEY.incrementAndGet());
            if (!mbs.isRegistered(runtimeObjectName(key))) { // another handle may have chosen this key by hand
                return register(rt, key, hotplugOps, mbs);
            }
        }
    }

    /**
     * Registers the MBeans of {@code rt} in {@code server} under {@code runtimeKey}.
     *
     * @param runtimeKey the value of the {@code runtime} key: letters, digits, {@code _ . -}
     * @throws IllegalArgumentException if {@code runtimeKey} has other characters
     * @throws IllegalStateException if an MBean could not be registered, e.g. because the key is
     *     taken by another runtime (nothing stays registered)
     */
    public static CorewqJmx register(CpuRuntime rt, String runtimeKey, boolean hotplugOps, MBeanServer server) {
        Objects.requireNonNull(rt, "runtime is null");
        Objects.requireNonNull(runtimeKey, "runtime key is null");
        Objects.requireNonNull(server, "MBean server is null");
        if (!KEY.matcher(runtimeKey).matches()) {
            throw new IllegalArgumentException("runtime key '" + runtimeKey + "' must match " + KEY);
        }
        CorewqJmx jmx = new CorewqJmx(rt, runtimeKey, hotplugOps, server);
        jmx.start(hotplugOps);
        return jmx;
    }

    private synchronized void start(boolean hotplugOps) {
        boolean runtimeRegistered = false;
        try {
            server.registerMBean(new RuntimeMBeanImpl(rt, runtimeKey, hotplugOps), runtimeName);
            runtimeRegistered = true;
            if (hotplugName != null) {
                server.registerMBean(new RuntimeMBeanImpl.Hotplug(rt), hotplugName);
            }
        } catch (JMException e) {
            // Undo only what this handle registered: with the key taken, the names belong to the
            // runtime that holds it (an earlier version's close() unregistered them; found by
            // review, 2026-11-22).
            closed = true;
            if (runtimeRegistered) {
                unregisterQuietly(runtimeName);
            }
            throw new IllegalStateException("could not register the corewq MBeans of runtime " + runtimeKey + ": " + e, e);
        }
        // Listen first, then register what exists: a workqueue allocated in between is seen twice,
        // which workqueueAdded ignores. (A handle registered by hand used to miss every workqueue
        // allocated after it.)
        rt.addWorkqueueListener(this);
        for (Workqueue wq : rt.workqueues()) {
            workqueueAdded(wq);
        }
    }

    /** The {@code runtime} key of every ObjectName of this handle. */
    public String runtimeKey() {
        return runtimeKey;
    }

    /** The ObjectName of the runtime MBean. */
    public ObjectName runtimeObjectName() {
        return runtimeName;
    }

    /** The ObjectName under which {@code wq}'s MBean is registered now, or null if it has none. */
    public synchronized ObjectName objectName(Workqueue wq) {
        return names.get(wq);
    }

    /**
     * Registers {@code wq}'s MBean. Idempotent; does nothing after {@link #close()} or for a
     * workqueue already destroyed. Never throws: a failure is logged as a warning.
     *
     * <p>CONTEXT: any thread; the engine calls it after adding {@code wq} to
     * {@code rt.workqueues()}. Takes this handle's lock and the MBean server's.
     */
    @Override
    public synchronized void workqueueAdded(Workqueue wq) {
        if (closed || wq.runtime() != rt || names.containsKey(wq)) {
            return;
        }
        ObjectName name = null;
        try {
            for (int instance = 1; instance <= MAX_INSTANCES && name == null; instance++) {
                ObjectName candidate = workqueueObjectName(runtimeKey, wq.name(), instance);
                try {
                    server.registerMBean(new WorkqueueMBeanImpl(wq, runtimeKey), candidate);
                    name = candidate;
                } catch (InstanceAlreadyExistsException taken) {
                    // a live namesake: try the next instance number
                }
            }
        } catch (JMException | RuntimeException e) {
            LOG.warn("corewq: could not register the MBean of workqueue {}: {}", wq.name(), e.toString());
            return;
        }
        if (name == null) {
            LOG.warn("corewq: no MBean for workqueue {}: {} live namesakes", wq.name(), MAX_INSTANCES);
            return;
        }
        names.put(wq, name);
        // destroy() marks the workqueue destroyed before the engine calls workqueueRemoved, so a
        // registration racing with the destruction either sees the flag here or is undone there.
        if (wq.isDestroyed()) {
            workqueueRemoved(wq);
        }
    }

    /**
     * Unregisters {@code wq}'s MBean, if this handle registered one. Never throws.
     *
     * <p>CONTEXT: any thread; the engine calls it after {@code wq} is destroyed.
     */
    @Override
    public synchronized void workqueueRemoved(Workqueue wq) {
        ObjectName name = names.remove(wq);
        if (name != null) {
            unregisterQuietly(name);
        }
    }

    /** Unregisters every MBean of this handle. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        rt.removeWorkqueueListener(this);
        List<ObjectName> all = new ArrayList<>(names.values());
        names.clear();
        for (ObjectName n : all) {
            unregisterQuietly(n);
        }
        if (hotplugName != null) {
            unregisterQuietly(hotplugName);
        }
        unregisterQuietly(runtimeName);
    }

    private void unregisterQuietly(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
            // never registered (a failed start) or removed by someone else
        } catch (JMException | RuntimeException e) {
            LOG.warn("corewq: could not unregister MBean {}: {}", name, e.toString());
        }
    }

    // ---- names ---------------------------------------------------------------------------------

    /** {@code io.corewq:type=Runtime,runtime=<key>}. */
    public static ObjectName runtimeObjectName(String runtimeKey) {
        return name(DOMAIN + ":type=Runtime,runtime=" + runtimeKey);
    }

    /** {@code io.corewq:type=Hotplug,runtime=<key>}. */
    public static ObjectName hotplugObjectName(String runtimeKey) {
        return name(DOMAIN + ":type=Hotplug,runtime=" + runtimeKey);
    }

    /** {@code io.corewq:type=Workqueue,name="<name>",runtime=<key>}, the name quoted. */
    public static ObjectName workqueueObjectName(String runtimeKey, String wqName) {
        return workqueueObjectName(runtimeKey, wqName, 1);
    }

    private static ObjectName workqueueObjectName(String runtimeKey, String wqName, int instance) {
        String s = DOMAIN + ":type=Workqueue,name=" + ObjectName.quote(wqName) + ",runtime=" + runtimeKey;
        return name(instance == 1 ? s : s + ",instance=" + instance);
    }

    /** A pattern matching every corewq workqueue MBean of every runtime in a server. */
    public static ObjectName allWorkqueues() {
        return name(DOMAIN + ":type=Workqueue,*");
    }

    private static ObjectName name(String s) {
        try {
            return new ObjectName(s);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("bad ObjectName " + s, e);
        }
    }
}
