package io.switchboard.plugins.internal;

import io.switchboard.bus.BusGrants;
import io.switchboard.plugins.PluginDescriptor;
import io.switchboard.plugins.PluginRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

/**
 * A plugin's KAR, read and checked: a zip signed as {@code jarsigner} signs a jar, with
 * {@code META-INF/switchboard-plugin.json} and the feature's artifacts under {@code repository/} in
 * Maven layout. Every entry must be signed by one signer the operator trusts and be unchanged since;
 * an entry added, changed or removed after signing is named in the refusal.
 *
 * @param signer the trusted signer's certificate subject; null when unsigned and that was allowed
 */
record PluginArchive(PluginDescriptor descriptor, String signer, Map<String, byte[]> repository) {

    static final String DESCRIPTOR = "META-INF/switchboard-plugin.json";
    static final String REPOSITORY = "repository/";

    static PluginArchive open(Path kar, TrustedSigners trust, boolean allowUnsigned) {
        try (JarFile jar = new JarFile(kar.toFile(), true)) {
            byte[] descriptor = null;
            Map<String, byte[]> repository = new java.util.TreeMap<>();
            Set<String> unsigned = new java.util.TreeSet<>();
            Set<List<? extends Certificate>> chains = new HashSet<>();
            Set<String> seen = new HashSet<>();
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                seen.add(entry.getName());
                byte[] bytes;
                try (InputStream in = jar.getInputStream(entry)) {
                    // reading to the end is what checks the entry's digest against the signed manifest
                    bytes = in.readAllBytes();
                } catch (SecurityException e) {
                    throw new PluginRefusedException("The plugin was changed after it was signed: " + entry.getName()
                            + " (" + e.getMessage() + ")");
                }
                if (signatureFile(entry.getName())) {
                    continue;
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    unsigned.add(entry.getName());
                } else {
                    for (CodeSigner s : signers) {
                        chains.add(s.getSignerCertPath().getCertificates());
                    }
                }
                if (entry.getName().equals(DESCRIPTOR)) {
                    descriptor = bytes;
                } else if (entry.getName().startsWith(REPOSITORY)) {
                    String path = entry.getName().substring(REPOSITORY.length());
                    if (path.contains("..") || path.startsWith("/")) {
                        throw new PluginRefusedException("Unsafe path in the plugin: " + entry.getName());
                    }
                    repository.put(path, bytes);
                }
            }
            String signer = null;
            if (chains.isEmpty()) {
                if (!allowUnsigned) {
                    throw new PluginRefusedException("The plugin is not signed. Sign it (mvn verify -Dswitchboard.sign.keystore=…) "
                            + "with a key whose certificate the operator trusts, or allow unsigned plugins for development "
                            + "(allowUnsigned=true in etc/io.switchboard.plugins.cfg).");
                }
            } else {
                if (!unsigned.isEmpty()) {
                    throw new PluginRefusedException("The plugin was changed after it was signed: not signed: " + unsigned);
                }
                checkNothingRemoved(jar.getManifest(), seen);
                signer = trustedSigner(chains, trust);
            }
            if (descriptor == null) {
                throw new PluginRefusedException("Not a Switchboard plugin: no " + DESCRIPTOR + " in the KAR");
            }
            PluginDescriptor parsed = Descriptors.parse(descriptor);
            refuseBundlesOfNoPlugin(parsed, repository);
            return new PluginArchive(parsed, signer, repository);
        } catch (ZipException e) {
            throw new PluginRefusedException("Not a KAR (zip): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PluginRefusedException("The plugin cannot be read: " + e.getMessage(), e);
        } catch (SecurityException e) {
            throw new PluginRefusedException("The plugin's signature is invalid: " + e.getMessage(), e);
        }
    }

    private static String trustedSigner(Set<List<? extends Certificate>> chains, TrustedSigners trust) {
        List<String> refused = new ArrayList<>();
        for (List<? extends Certificate> chain : chains) {
            List<X509Certificate> x509 = chain.stream().map(X509Certificate.class::cast).toList();
            try {
                trust.vouchFor(x509);
            } catch (TrustedSigners.UntrustedSigner e) {
                refused.add(x509.isEmpty() ? "an unnamed signer" : x509.get(0).getSubjectX500Principal().getName() + ": " + e.getMessage());
            }
        }
        if (!refused.isEmpty()) {
            throw new PluginRefusedException("The plugin is signed by a signer this server does not trust (" + String.join("; ", refused)
                    + "). Add the signer's certificate, or the CA that issued it, to " + trust.directory() + " if you trust it");
        }
        List<? extends Certificate> first = chains.iterator().next();
        return ((X509Certificate) first.get(0)).getSubjectX500Principal().getName();
    }

    /**
     * Every bundle a KAR carries names its plugin in the {@code Switchboard-Plugin} header: the bus
     * connects a bundle to a plugin's grants by that header alone, and would give a bundle without it
     * the platform's own.
     */
    static void refuseBundlesOfNoPlugin(PluginDescriptor descriptor, Map<String, byte[]> repository) {
        for (Map.Entry<String, byte[]> e : repository.entrySet()) {
            if (!e.getKey().endsWith(".jar")) {
                continue;
            }
            Manifest manifest;
            try (java.util.jar.JarInputStream jar = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(e.getValue()))) {
                manifest = jar.getManifest();
            } catch (IOException notAJar) {
                continue;
            }
            if (manifest == null || manifest.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                continue;
            }
            String header = manifest.getMainAttributes().getValue(BusGrants.PLUGIN_HEADER);
            if (header == null || !header.strip().equals(descriptor.id())) {
                throw new PluginRefusedException("The plugin's bundle " + e.getKey() + (header == null
                        ? " has no " + BusGrants.PLUGIN_HEADER + " header"
                        : " names " + header.strip() + " in its " + BusGrants.PLUGIN_HEADER + " header")
                        + ", not the plugin " + descriptor.id() + ": every bundle of a plugin is connected to the bus as that plugin "
                        + "(switchboard-plugin-parent's bnd instructions write the header)");
            }
        }
    }

    /** A signed manifest naming an entry the zip no longer has: something was taken out. */
    private static void checkNothingRemoved(Manifest manifest, Set<String> seen) {
        if (manifest == null) {
            return;
        }
        for (Map.Entry<String, Attributes> e : manifest.getEntries().entrySet()) {
            boolean digested = e.getValue().keySet().stream().anyMatch(k -> k.toString().toUpperCase(Locale.ROOT).endsWith("-DIGEST"));
            if (digested && !seen.contains(e.getKey())) {
                throw new PluginRefusedException("The plugin was changed after it was signed: " + e.getKey() + " is missing");
            }
        }
    }

    static boolean signatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.equals("META-INF/MANIFEST.MF")) {
            return true;
        }
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        return upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC")
                || upper.startsWith("META-INF/SIG-");
    }

    static PluginArchive open(byte[] kar, TrustedSigners trust, boolean allowUnsigned) {
        Path temp = null;
        try {
            temp = Files.createTempFile("plugin-", ".kar");
            Files.write(temp, kar);
            return open(temp, trust, allowUnsigned);
        } catch (IOException e) {
            throw new PluginRefusedException("The plugin cannot be read: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
