// Test support: a base for test classes whose every test runs in a fresh default CpuRuntime.
package io.corewq;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Builds a default {@link CpuRuntime} before each test (before a subclass's own set-up) and closes it after. */
abstract class RuntimeTestBase {
    /** The test's runtime. */
    CpuRuntime rt;

    @BeforeEach
    void startRuntime() {
        rt = CpuRuntime.builder().build();
    }

    @AfterEach
    void closeRuntime() {
        rt.close();
    }
}
