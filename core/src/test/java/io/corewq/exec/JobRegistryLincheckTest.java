// Lincheck model checking of the executor adapter's job registry: a job retired and registered again by racing threads is listed exactly while it is registered.
package io.corewq.exec;

import io.corewq.Linearizability;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * One job, registered at the start, that threads retire ({@link JobRegistry#remove}), register
 * again ({@link JobRegistry#addAgain}, as a periodic task re-armed from a foreign thread is) and
 * look for, with {@link JobRegistry#contains} and in the stripes as a {@link JobRegistry#snapshot}
 * (what {@code shutdownNow} walks) reads them ({@link JobRegistry#lists}). Against a sequential set of one element: a remove and a
 * re-registration each win once per state, and a registered job is always in the snapshot.
 *
 * <p>The remove used to clear the job's slot after its membership CAS; a re-registration between
 * the two (which, the stripe full, compacted it and took the same slot again) was wiped by that
 * clear, and the snapshot missed a registered job. The model checker finds that interleaving
 * in every run.
 */
public class JobRegistryLincheckTest {
    /** One stripe of one slot: every registration compacts the stripe, and reuses the job's old slot. */
    private final JobRegistry registry = new JobRegistry(1, 1);
    private final Job job = Job.detached("lincheck");

    public JobRegistryLincheckTest() {
        registry.add(job);
    }

    @Operation
    public boolean retire() {
        return registry.remove(job);
    }

    @Operation
    public boolean readmit() {
        return registry.addAgain(job);
    }

    @Operation
    public boolean registered() {
        return registry.contains(job);
    }

    @Operation
    public boolean listed() {
        return registry.lists(job);
    }

    @Test
    void modelChecking() {
        Linearizability.modelCheck(JobRegistryLincheckTest.class, Spec.class, 3);
    }

    @Test
    void stress() {
        Linearizability.stress(JobRegistryLincheckTest.class, Spec.class, 3);
    }

    /** The sequential specification: a set holding the one job or not. */
    public static final class Spec {
        private boolean registered = true;

        public boolean retire() {
            boolean was = registered;
            registered = false;
            return was;
        }

        public boolean readmit() {
            boolean was = registered;
            registered = true;
            return !was;
        }

        @Operation
    public boolean registered() {
            return registered;
        }

        public boolean listed() {
            return registered;
        }
    }
}
