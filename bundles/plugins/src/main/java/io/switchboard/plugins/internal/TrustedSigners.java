package io.switchboard.plugins.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates an operator trusts to sign plugins: every {@code *.pem}, {@code *.crt} and
 * {@code *.cer} in one directory ({@code etc/plugin-trust/}), read again at each verification so a
 * certificate dropped in or removed counts at once.
 */
final class TrustedSigners {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedSigners.class);

    private final Path directory;

    TrustedSigners(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    List<X509Certificate> certificates() {
        List<X509Certificate> trusted = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return trusted;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.{pem,crt,cer}")) {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (var c : x509.generateCertificates(in)) {
                        trusted.add((X509Certificate) c);
                    }
                } catch (IOException | GeneralSecurityException e) {
                    LOG.warn("Ignoring {}: not an X.509 certificate ({})", file, e.getMessage());
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("Cannot read the trusted plugin signers in {}: {}", directory, e.getMessage());
        }
        return trusted;
    }

    /** Extended key usage for signing code (RFC 5280, 4.2.1.12), and the one that stands for any. */
    static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    /**
     * Whether the signer of a KAR is trusted: its certificate ({@code chain.get(0)}) is a trusted
     * certificate itself, or a PKIX path from it to a trusted certificate validates (every signature
     * along it checked, every certificate in its validity, CA constraints and key usages), never
     * merely because some certificate the KAR carries equals a trusted one: a jar's signature block
     * holds whatever certificates its maker put there, in an order built from their names.
     *
     * @return the trusted certificate that vouches for the signer
     * @throws UntrustedSigner with the reason, when none does
     */
    X509Certificate vouchFor(List<X509Certificate> chain) throws UntrustedSigner {
        if (chain.isEmpty()) {
            throw new UntrustedSigner("the signature carries no certificate");
        }
        X509Certificate signer = chain.get(0);
        List<X509Certificate> trusted = certificates();
        if (trusted.isEmpty()) {
            throw new UntrustedSigner("no certificate is trusted in " + directory);
        }
        checkSigningUse(signer);
        for (X509Certificate t : trusted) {
            if (t.equals(signer)) {
                try {
                    signer.checkValidity();
                } catch (GeneralSecurityException e) {
                    throw new UntrustedSigner("the signer's certificate is not valid now (" + e.getMessage() + ")");
                }
                return t;
            }
        }
        // the path the KAR offers, up to (not including) a certificate the operator trusts: that one is the anchor
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate link : chain) {
            if (trusted.contains(link)) {
                break;
            }
            path.add(link);
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate t : trusted) {
            anchors.add(new TrustAnchor(t, null));
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            // plugins are installed offline: no CRL or OCSP responder is reachable, removing a certificate from the
            // trust directory is how an operator withdraws trust
            parameters.setRevocationEnabled(false);
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(certPath, parameters);
            return result.getTrustAnchor().getTrustedCert();
        } catch (CertPathValidatorException e) {
            throw new UntrustedSigner("its certificate path does not lead to a trusted certificate: " + e.getMessage()
                    + (e.getIndex() >= 0 ? " (at " + path.get(e.getIndex()).getSubjectX500Principal().getName() + ")" : ""));
        } catch (GeneralSecurityException e) {
            throw new UntrustedSigner("its certificate path cannot be checked: " + e.getMessage());
        }
    }

    /** A certificate that says what its key is for must say signing; one that says nothing may sign. */
    private static void checkSigningUse(X509Certificate signer) throws UntrustedSigner {
        boolean[] keyUsage = signer.getKeyUsage();
        if (keyUsage != null && !keyUsage[0]) {
            throw new UntrustedSigner("its certificate's key usage does not include digitalSignature");
        }
        try {
            List<String> extended = signer.getExtendedKeyUsage();
            if (extended != null && !extended.contains(CODE_SIGNING) && !extended.contains(ANY_EXTENDED_KEY_USAGE)) {
                throw new UntrustedSigner("its certificate's extended key usage " + extended + " does not include codeSigning");
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new UntrustedSigner("its certificate's extended key usage cannot be read: " + e.getMessage());
        }
    }

    /** Why a signer is not trusted, in words for the operator. */
    static final class UntrustedSigner extends Exception {
        private static final long serialVersionUID = 1L;

        UntrustedSigner(String reason) {
            super(reason);
        }
    }
}
