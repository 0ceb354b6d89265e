package io.switchboard.sdk.maven;

import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Signs the KAR in place with a key from a PKCS12 keystore (Ed25519 or RSA), as {@code jarsigner} would. The
 * operator trusts the key's certificate (etc/plugin-trust/). Without a keystore the KAR stays unsigned, with a
 * warning: a developer's everyday build needs no key.
 */
@Mojo(name = "sign", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class SignMojo extends AbstractMojo {

    static final String UNSIGNED = "the KAR is unsigned: operators will refuse it unless they allow unsigned plugins";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The KAR the kar goal wrote. */
    @Parameter(property = "switchboard.kar", defaultValue = "${project.build.directory}/${project.artifactId}-${project.version}.kar", required = true)
    private File kar;

    /** PKCS12 keystore with the signing key and its certificate; none: the KAR is left unsigned. */
    @Parameter(property = "switchboard.sign.keystore")
    private File keystore;

    /** The key's alias; may be left out when the keystore holds one key. */
    @Parameter(property = "switchboard.sign.alias")
    private String alias;

    @Parameter(property = "switchboard.sign.storepass")
    private String storepass;

    /** The key's password; by default the store password (keytool makes PKCS12 keys so). */
    @Parameter(property = "switchboard.sign.keypass")
    private String keypass;

    @Parameter(property = "switchboard.sign.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("switchboard.sign.skip: the KAR is not signed");
            return;
        }
        if ("pom".equals(project.getPackaging()) && !kar.isFile()) {
            getLog().info("Packaging pom: no KAR to sign");
            return;
        }
        if (!kar.isFile()) {
            throw new MojoFailureException("No KAR at " + kar + ": the kar goal makes it (bound to package by switchboard-plugin-parent)");
        }
        if (keystore == null || keystore.getPath().isBlank()) {
            getLog().warn("No keystore (switchboard.sign.keystore): " + UNSIGNED);
            return;
        }
        if (!keystore.isFile()) {
            throw new MojoFailureException("Keystore " + keystore + " (switchboard.sign.keystore) is not a file");
        }
        if (storepass == null) {
            throw new MojoFailureException("Keystore " + keystore + " needs its password: set switchboard.sign.storepass");
        }
        try {
            KarSigner.Signed signed = KarSigner.sign(kar.toPath(), keystore.toPath(), blankToNull(alias), storepass.toCharArray(),
                    blankToNull(keypass) == null ? null : keypass.toCharArray());
            getLog().info("Signed " + kar.getName() + " with " + signed.keyAlgorithm() + " key \"" + signed.alias() + "\" of " + signed.subject()
                    + ": operators who trust that certificate accept it");
        } catch (GeneralSecurityException e) {
            throw new MojoFailureException("Cannot sign " + kar + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot sign " + kar + ": " + e.getMessage(), e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
