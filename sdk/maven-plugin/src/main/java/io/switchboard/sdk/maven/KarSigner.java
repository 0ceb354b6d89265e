package io.switchboard.sdk.maven;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.interfaces.EdECKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

import jdk.security.jarsigner.JarSigner;

/**
 * Signs a KAR the way {@code jarsigner} signs a jar, with a key and X.509 certificate from a PKCS12 keystore
 * (Ed25519 or RSA; the JDK picks the digest and signature algorithms for the key). The platform verifies it
 * with {@code JarFile} against the certificates its operator trusts.
 */
final class KarSigner {

    private KarSigner() {
    }

    /** What was signed with: the alias and the certificate's subject and key algorithm, for the build log. */
    record Signed(String alias, String subject, String keyAlgorithm) {
    }

    /**
     * Signs {@code kar} in place. {@code alias} may be null when the keystore holds exactly one key;
     * {@code keypass} null means the store password (as PKCS12 keystores made by keytool have it).
     */
    static Signed sign(Path kar, Path keystore, String alias, char[] storepass, char[] keypass) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, storepass);
        } catch (IOException e) {
            // PKCS12 reports a wrong password as an IOException caused by an UnrecoverableKeyException
            throw new GeneralSecurityException("cannot open keystore " + keystore + " (wrong storepass, or not PKCS12): " + e.getMessage(), e);
        }
        String keyAlias = alias != null ? alias : onlyKey(store, keystore);
        if (!store.isKeyEntry(keyAlias)) {
            throw new GeneralSecurityException("keystore " + keystore + " has no private key under alias \"" + keyAlias + "\"; its keys: " + keys(store));
        }
        KeyStore.Entry entry = store.getEntry(keyAlias, new KeyStore.PasswordProtection(keypass != null ? keypass : storepass));
        if (!(entry instanceof KeyStore.PrivateKeyEntry key) || !(key.getCertificate() instanceof X509Certificate certificate)) {
            throw new GeneralSecurityException("alias \"" + keyAlias + "\" of " + keystore + " is not a private key with an X.509 certificate");
        }
        JarSigner signer = new JarSigner.Builder(key).signerName(signerName(keyAlias)).build();
        Path signed = Files.createTempFile(kar.toAbsolutePath().getParent(), kar.getFileName().toString(), ".signing");
        try {
            try (ZipFile unsigned = new ZipFile(kar.toFile()); OutputStream out = Files.newOutputStream(signed)) {
                signer.sign(unsigned, out);
            }
            checkSigned(signed);
            Files.move(signed, kar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(signed);
        }
        // an Ed25519 key calls itself EdDSA; its curve is what a developer chose
        String algorithm = certificate.getPublicKey() instanceof EdECKey ed ? ed.getParams().getName() : certificate.getPublicKey().getAlgorithm();
        return new Signed(keyAlias, certificate.getSubjectX500Principal().getName(), algorithm);
    }

    /** jarsigner's rule for the .SF and block file names: at most 8 characters of A-Z, 0-9, _ and -. */
    static String signerName(String alias) {
        String name = alias.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_-]", "_");
        return name.length() > 8 ? name.substring(0, 8) : name;
    }

    private static String onlyKey(KeyStore store, Path keystore) throws GeneralSecurityException {
        List<String> keys = keys(store);
        if (keys.size() != 1) {
            throw new GeneralSecurityException("keystore " + keystore + " has " + (keys.isEmpty() ? "no private key" : "several keys " + keys)
                    + ": name one with alias (switchboard.sign.alias)");
        }
        return keys.get(0);
    }

    private static List<String> keys(KeyStore store) throws GeneralSecurityException {
        List<String> keys = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                keys.add(alias);
            }
        }
        return keys;
    }

    /** Reads the signed KAR back as the platform will, so a KAR that would be refused is not left behind as signed. */
    private static void checkSigned(Path signed) throws IOException, GeneralSecurityException {
        try (JarFile jar = new JarFile(signed.toFile(), true)) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || isSignature(entry.getName())) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                if (entry.getCodeSigners() == null) {
                    throw new GeneralSecurityException("signed KAR has an unsigned entry " + entry.getName());
                }
            }
        }
    }

    /** The manifest and the signature files (.SF, its block file, SIG-*): what signing adds, not what it signs. */
    static boolean isSignature(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', 9) >= 0) {
            return false;
        }
        String file = upper.substring(9);
        return file.equals("MANIFEST.MF") || file.startsWith("SIG-")
                || file.endsWith(".SF") || file.endsWith(".RSA") || file.endsWith(".DSA") || file.endsWith(".EC");
    }
}
