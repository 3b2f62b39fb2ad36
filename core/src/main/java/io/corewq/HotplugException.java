// Thrown when a hotplug callback fails; the operation was rolled back.
package io.corewq;

/** A hotplug startup or teardown callback failed; the CPU was rolled back. The cause is the callback's exception. */
public class HotplugException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HotplugException(String message, Throwable cause) {
        super(message, cause);
    }
}
