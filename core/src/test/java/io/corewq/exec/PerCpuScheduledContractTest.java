// The ScheduledExecutorService contract run against the scheduled adapter over a workqueue of kind PER_CPU.
package io.corewq.exec;

class PerCpuScheduledContractTest extends AdapterScheduledContract {
    @Override
    Fixtures.Kind kind() {
        return Fixtures.Kind.PER_CPU;
    }
}
