// Attaches to a local JVM and returns the JMX service URL of its local management agent (started on demand).
package io.corewq.bench.monitor;

import com.sun.tools.attach.VirtualMachine;

/**
 * The only user of {@code jdk.attach}, kept apart so the rest of the monitor loads on a runtime
 * without that module (the in-process demo needs none of it).
 */
final class Attach {
    private Attach() {
    }

    /**
     * Attaches to {@code pid}, starts its local management agent if it is not running (the JVM's
     * own {@code jcmd ManagementAgent.start_local}: loopback only, no port, same user only) and
     * detaches.
     *
     * @throws Exception from the Attach API: no such JVM, another user's, attach disabled, or this
     *     JVM itself ({@code jdk.attach.allowAttachSelf} is off by default)
     */
    static String localManagementAgent(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            return vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
    }
}
