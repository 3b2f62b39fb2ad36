// The ScheduledExecutorService contract run against the scheduled adapter over a workqueue of kind ORDERED.
package io.corewq.exec;

class OrderedScheduledContractTest extends AdapterScheduledContract {
    @Override
    Fixtures.Kind kind() {
        return Fixtures.Kind.ORDERED;
    }
}
