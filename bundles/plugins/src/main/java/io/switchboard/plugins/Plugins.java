package io.switchboard.plugins;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The plugin catalog and the plugins installed on this server. */
@org.osgi.annotation.versioning.ProviderType
public interface Plugins {

    /**
     * Verifies a KAR (signature against the trusted signers, descriptor) and adds it to the catalog.
     *
     * @throws PluginRefusedException unsigned (unless allowed), tampered, signed by an unknown signer,
     *                                without a valid descriptor, or that version already published
     */
    CatalogEntry publish(byte[] kar);

    /** Every published version, newest first within a plugin. */
    List<CatalogEntry> catalog();

    /** The KAR of a published version, as published. */
    Optional<byte[]> kar(String id, String version);

    /** What installing {@code version} (null: the newest published) would do. */
    Preview preview(String id, String version);

    /** Installs a published version that is not installed yet. */
    Installation install(String id, String version);

    /**
     * Replaces the installed version with {@code version}: the old one is drained (consumers suspended,
     * in-flight exchanges finished) and stopped before the new one starts; messages wait on the bus.
     */
    UpgradeReport upgrade(String id, String version);

    /**
     * As {@link #upgrade(String, String)}, approving a signer other than the installed version's: an
     * upgrade signed by someone else (another trusted vendor, a new key) is refused unless the operator
     * names that signer here.
     *
     * @param approvedSigner the new version's signer as the refusal names it (its certificate's subject)
     */
    UpgradeReport upgrade(String id, String version, String approvedSigner);

    /** Goes back to the version installed before the last upgrade, with the configuration it had. */
    UpgradeReport rollback(String id);

    void uninstall(String id);

    List<Installation> installed();

    /** The current values of one of the plugin's own configurations. */
    Map<String, String> configuration(String id, String pid);

    /** Sets values of one of the plugin's configurations (a PID its descriptor names); the plugin restarts with them. */
    Map<String, String> configure(String id, String pid, Map<String, String> values);
}
