package io.switchboard.plugins.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.plugins.PluginDescriptor;
import io.switchboard.plugins.PluginRefusedException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whoever signed the installed version signs its upgrades, unless the operator approves another signer by name. */
class UpgradeSignerTest {

    static final String ACME = "CN=Acme Ltd,O=Acme";
    static final String OTHER = "CN=Other Vendor,O=Other";

    static Installations.Row installed(String signer) {
        return new Installations.Row("acme-channel", "1.0.0", "acme-channel", signer, Instant.now(), null, null, "{}");
    }

    static PluginArchive next(String signer) {
        PluginDescriptor d = new PluginDescriptor("acme-channel", "Acme 渠道", "Acme Ltd", "1.0.1", "Apache-2.0", "免费", "",
                "acme-channel", "mvn:com.acme/acme-channel/1.0.1/xml/features", Map.of(), List.of(), List.of(), List.of(), List.of());
        return new PluginArchive(d, signer, Map.of());
    }

    @Test
    void theSameSignerUpgrades() {
        assertDoesNotThrow(() -> PluginService.refuseNewSigner(installed(ACME), next(ACME), null));
    }

    @Test
    void anotherTrustedSignerIsRefusedUntilApprovedByName() {
        PluginRefusedException e = assertThrows(PluginRefusedException.class,
                () -> PluginService.refuseNewSigner(installed(ACME), next(OTHER), null));
        assertTrue(e.getMessage().contains("acme-channel 1.0.0 was signed by " + ACME) && e.getMessage().contains("1.0.1 is signed by " + OTHER)
                && e.getMessage().contains("\"approvedSigner\":\"" + OTHER + "\""), e.getMessage());
        // approving someone else is no approval of this signer
        assertThrows(PluginRefusedException.class, () -> PluginService.refuseNewSigner(installed(ACME), next(OTHER), ACME));
        assertDoesNotThrow(() -> PluginService.refuseNewSigner(installed(ACME), next(OTHER), OTHER));
    }

    @Test
    void unsignedAndSignedVersionsNeverReplaceEachOtherUnapproved() {
        PluginRefusedException e = assertThrows(PluginRefusedException.class,
                () -> PluginService.refuseNewSigner(installed(ACME), next(null), null));
        assertTrue(e.getMessage().contains("is signed by (unsigned)"), e.getMessage());
        assertThrows(PluginRefusedException.class, () -> PluginService.refuseNewSigner(installed(null), next(ACME), null));
        assertDoesNotThrow(() -> PluginService.refuseNewSigner(installed(null), next(null), null));
    }
}
