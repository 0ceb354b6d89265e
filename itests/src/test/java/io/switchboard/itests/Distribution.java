package io.switchboard.itests;

import io.switchboard.testkit.TestServer;
import java.nio.file.Path;

/** The distribution this build made (karaf-distro), unpacked afresh for one test class's server. */
final class Distribution {

    private Distribution() {
    }

    /** A server of its own, in a new directory under the build's itest directory, not yet started. */
    static TestServer unpack(String adminPassword) {
        return TestServer.unpack(TestServer.findDistribution(Path.of(System.getProperty("switchboard.distro.dir"))),
                Path.of(System.getProperty("switchboard.itest.dir")), adminPassword);
    }
}
