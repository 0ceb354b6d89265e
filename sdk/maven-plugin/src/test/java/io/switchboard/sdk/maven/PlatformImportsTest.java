package io.switchboard.sdk.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlatformImportsTest {

    @Test
    void everyPlatformPackageWithItsRangeAndNothingElse() {
        String header = "com.example.acme;version=\"[1.0,2)\",io.switchboard.api;version=\"[1.2,2)\","
                + "io.switchboard.bus;resolution:=optional;version=\"[1.0,2)\",org.apache.camel;version=\"[4.14,4.15)\","
                + "io.switchboard.systems;io.switchboard.store;version=1.1,io.switchboard.rest,io.switchboarding.other;version=\"[1,2)\"";
        Map<String, String> requires = PlatformImports.of(header);
        assertEquals(Map.of("io.switchboard.api", "[1.2,2)", "io.switchboard.bus", "[1.0,2)", "io.switchboard.systems", "1.1",
                "io.switchboard.store", "1.1", "io.switchboard.rest", "0.0.0"), requires);
        assertEquals(List.of("io.switchboard.api", "io.switchboard.bus", "io.switchboard.systems", "io.switchboard.store", "io.switchboard.rest"),
                List.copyOf(requires.keySet()));
    }

    @Test
    void noHeaderNoRequirements() {
        assertEquals(Map.of(), PlatformImports.of(null));
        assertEquals(Map.of(), PlatformImports.of("org.osgi.framework;version=\"[1.10,2)\""));
    }
}
