// Turns engine exceptions into JDK ones before they cross JMX, so remote clients need no corewq classes.
package io.corewq.observe;

/** Static helper; see {@link #of}. */
final class Portable {
    private Portable() {
    }

    /**
     * {@code e} itself when its class is the JDK's (a remote JMX client can deserialise it), else an
     * {@link IllegalStateException} with the same message and stack trace, and no cause.
     */
    static RuntimeException of(RuntimeException e) {
        if (e.getClass().getName().startsWith("java.")) {
            return e;
        }
        String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
        IllegalStateException p = new IllegalStateException(msg);
        p.setStackTrace(e.getStackTrace());
        return p;
    }
}
