package org.stateos.itests.harness;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the distribution tests: one real ESR per test class, booted from a fresh copy of the
 * distribution before the first test and shut down after the last. The work folder stays behind
 * when a test fails, with the console transcript and karaf.log in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class BootedNode {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    protected static Path work;
    protected Esr esr;
    /** The first answer of GET /api/status. */
    protected String firstStatus;

    @BeforeAll
    void bootNode() throws Exception {
        esr = Esr.boot(work);
        firstStatus = esr.awaitHttp(Duration.ofSeconds(90));
    }

    @AfterAll
    void shutdownNode() {
        if (esr != null) {
            esr.close();
        }
    }
}
