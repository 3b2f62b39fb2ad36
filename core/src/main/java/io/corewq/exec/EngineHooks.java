// Engine accessors the adapter needs and the engine does not expose yet; the one place to change when it does.
package io.corewq.exec;

import io.corewq.CpuRuntime;
import io.corewq.Workqueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Stop-gap access to engine internals. Replace {@link #runtimeOf} with a public
 * {@code Workqueue.runtime()} once the engine has it; nothing else in this package reaches into
 * {@code io.corewq} internals.
 */
final class EngineHooks {
    /** Immutable: {@code Workqueue.rt} (package-private, final). */
    private static final VarHandle WQ_RT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Workqueue.class, MethodHandles.lookup());
            WQ_RT = l.findVarHandle(Workqueue.class, "rt", CpuRuntime.class);
        } catch (ReflectiveOperationException | SecurityException | IllegalArgumentException e) {
            throw new ExceptionInInitializerError(
                    new IllegalStateException("corewq exec adapter cannot find the runtime of a workqueue", e));
        }
    }

    private EngineHooks() {
    }

    /** The runtime that owns {@code wq}. */
    static CpuRuntime runtimeOf(Workqueue wq) {
        return (CpuRuntime) WQ_RT.get(wq);
    }
}
