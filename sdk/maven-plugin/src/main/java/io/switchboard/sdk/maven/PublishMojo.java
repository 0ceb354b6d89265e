package io.switchboard.sdk.maven;

import java.io.File;
import java.io.IOException;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Publishes the KAR to a Switchboard server's plugin catalog ({@code mvn switchboard:publish}): POSTs it to
 * {@code <catalog>/plugins} as application/vnd.switchboard.kar with HTTP Basic credentials. The server
 * checks the signature and the descriptor; its refusal fails the build with the reason it gave.
 */
@Mojo(name = "publish", threadSafe = true)
public class PublishMojo extends AbstractMojo {

    /** The catalog's base URL. */
    @Parameter(property = "switchboard.catalog", defaultValue = "http://localhost:8181/switchboard/api/catalog", required = true)
    private String catalog;

    @Parameter(property = "switchboard.catalog.user")
    private String user;

    @Parameter(property = "switchboard.catalog.password")
    private String password;

    /** The KAR to publish; by default the one the kar goal wrote. */
    @Parameter(property = "switchboard.kar", defaultValue = "${project.build.directory}/${project.artifactId}-${project.version}.kar", required = true)
    private File kar;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (!kar.isFile()) {
            throw new MojoFailureException("No KAR at " + kar + ": build it first (mvn verify switchboard:publish)");
        }
        Catalog server = new Catalog(catalog, user == null || user.isEmpty() ? null : user, password);
        if (user == null || user.isEmpty()) {
            getLog().warn("No switchboard.catalog.user: publishing without credentials");
        }
        getLog().info("Publishing " + kar.getName() + " to " + server.plugins());
        try {
            Catalog.Answer answer = server.publish(kar.toPath());
            getLog().info("The catalog answered HTTP " + answer.status() + (answer.body().isBlank() ? "" : ": " + answer.body()));
        } catch (Catalog.Refused e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot publish to " + server.plugins() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("Interrupted while publishing to " + server.plugins(), e);
        }
    }
}
