// Thrown when CpuRuntime.freeze gives up: a thaw ended it, or its timeout passed.
package io.corewq;

/**
 * {@link CpuRuntime#freeze()} did not complete: a {@link CpuRuntime#thaw()} (or
 * {@link CpuRuntime#close()}) ended it while freezable items were still in flight, or the timeout
 * of {@link CpuRuntime#freeze(java.time.Duration)} passed and that freeze thawed the runtime. The
 * message names the freezable workqueues that still had items in flight, as the kernel's freezer
 * lists its busy workqueues when it gives up.
 */
public class FreezeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FreezeException(String message) {
        super(message);
    }
}
