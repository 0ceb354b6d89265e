package io.switchboard.plugins.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    /** The trusted certificate that is {@code signer} or issued it, if any. */
    Optional<X509Certificate> vouchFor(List<X509Certificate> chain) {
        List<X509Certificate> trusted = certificates();
        for (X509Certificate link : chain) {
            for (X509Certificate t : trusted) {
                if (t.equals(link)) {
                    return Optional.of(t);
                }
                if (t.getSubjectX500Principal().equals(link.getIssuerX500Principal())) {
                    try {
                        link.verify(t.getPublicKey());
                        link.checkValidity();
                        return Optional.of(t);
                    } catch (GeneralSecurityException notThisOne) {
                        // another trusted certificate may still vouch for it
                    }
                }
            }
        }
        return Optional.empty();
    }
}
