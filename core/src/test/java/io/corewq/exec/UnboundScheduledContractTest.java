// The ScheduledExecutorService contract run against the scheduled adapter over a workqueue of kind UNBOUND.
package io.corewq.exec;

class UnboundScheduledContractTest extends AdapterScheduledContract {
    @Override
    Fixtures.Kind kind() {
        return Fixtures.Kind.UNBOUND;
    }
}
