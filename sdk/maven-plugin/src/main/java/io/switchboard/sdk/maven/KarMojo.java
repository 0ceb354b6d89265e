package io.switchboard.sdk.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import jakarta.json.JsonObject;

import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Packages the plugin as {@code target/<artifactId>-<version>.kar}: the descriptor, filled from the build, and
 * a Maven-layout repository with the bundle, the features XML, every other attached artifact (configuration
 * files…) and the POM. The KAR is attached to the project (type kar), so install and deploy carry it too.
 */
@Mojo(name = "kar", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class KarMojo extends AbstractMojo {

    static final String BUNDLE_HEADER = "Switchboard-Plugin";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Component
    private MavenProjectHelper projectHelper;

    /** The developer's descriptor. */
    @Parameter(property = "switchboard.descriptor", defaultValue = "${project.basedir}/" + PluginDescriptor.SOURCE, required = true)
    private File descriptor;

    /**
     * The features XML, used when no artifact with classifier features and type xml is attached already; it is
     * then attached, so install and deploy publish it with the bundle.
     */
    @Parameter(property = "switchboard.features", defaultValue = "${project.basedir}/src/main/feature/feature.xml", required = true)
    private File features;

    @Parameter(property = "switchboard.kar.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("switchboard.kar.skip: no KAR");
            return;
        }
        if ("pom".equals(project.getPackaging())) {
            // the aggregator or parent of a multi-module plugin: its bundle modules make the KARs
            getLog().info("Packaging pom: no KAR");
            return;
        }
        Path descriptorFile = descriptor.toPath();
        try {
            JsonObject written = PluginDescriptor.read(descriptorFile);
            Path bundle = bundle();
            Attributes manifest = manifest(bundle);
            String bundleId = manifest.getValue(BUNDLE_HEADER);
            if (bundleId == null) {
                getLog().warn(bundle.getFileName() + " has no " + BUNDLE_HEADER + " header: the platform will not connect it to the bus as this plugin"
                        + " (switchboard-plugin-parent's bnd instructions add it)");
            }
            Artifact featuresArtifact = featuresArtifact();
            Artifact main = project.getArtifact();
            PluginDescriptor.Build build = new PluginDescriptor.Build(project.getArtifactId(), project.getVersion(), bundleId,
                    "mvn:" + featuresArtifact.getGroupId() + "/" + featuresArtifact.getArtifactId() + "/" + featuresArtifact.getBaseVersion() + "/xml/features",
                    PlatformImports.of(manifest.getValue("Import-Package")));
            JsonObject filled = PluginDescriptor.fill(descriptorFile, written, build);
            checkFeature(featuresArtifact.getFile().toPath(), filled.getString("feature"), project.getVersion(), descriptorFile);

            Map<String, Path> repository = new LinkedHashMap<>();
            repository.put(path(main), bundle);
            for (Artifact attached : project.getAttachedArtifacts()) {
                if ("kar".equals(attached.getType())) {
                    continue;
                }
                if (attached.getFile() == null || !attached.getFile().isFile()) {
                    getLog().warn("Attached artifact " + attached + " has no file: left out of the KAR");
                    continue;
                }
                repository.put(path(attached), attached.getFile().toPath());
            }
            repository.put(KarArchive.repositoryPath(main.getGroupId(), main.getArtifactId(), main.getBaseVersion(), null, "pom"),
                    project.getFile().toPath());

            Path kar = Path.of(project.getBuild().getDirectory(), project.getArtifactId() + "-" + project.getVersion() + ".kar");
            KarArchive.write(kar, PluginDescriptor.bytes(filled), repository);
            projectHelper.attachArtifact(project, "kar", null, kar.toFile());
            getLog().info("Plugin " + filled.getString("id") + " " + filled.getString("version") + " requires " + filled.getJsonObject("requires")
                    + ", reads " + filled.getJsonArray("reads") + ", writes " + filled.getJsonArray("writes"));
            getLog().info("KAR " + kar + " with " + String.join(", ", repository.keySet()));
        } catch (InvalidDescriptorException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot write the KAR: " + e.getMessage(), e);
        }
    }

    private Path bundle() throws InvalidDescriptorException {
        File file = project.getArtifact().getFile();
        if (file == null || !file.isFile()) {
            throw new InvalidDescriptorException("The bundle of " + project.getArtifactId() + " is not built: the kar goal runs in the package phase, after the jar");
        }
        return file.toPath();
    }

    private static Attributes manifest(Path bundle) throws IOException, InvalidDescriptorException {
        try (JarFile jar = new JarFile(bundle.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                throw new InvalidDescriptorException(bundle + " is not an OSGi bundle (no Bundle-SymbolicName in its manifest)");
            }
            return manifest.getMainAttributes();
        }
    }

    private Artifact featuresArtifact() throws InvalidDescriptorException {
        for (Artifact attached : project.getAttachedArtifacts()) {
            if ("features".equals(attached.getClassifier()) && "xml".equals(attached.getType()) && attached.getFile() != null) {
                return attached;
            }
        }
        if (!features.isFile()) {
            throw new InvalidDescriptorException("No features XML: attach one (classifier features, type xml) or write " + features
                    + "; the platform installs a plugin through its Karaf feature");
        }
        projectHelper.attachArtifact(project, "xml", "features", features);
        return featuresArtifact();
    }

    /** The feature the descriptor names must be in the features XML, or installing the KAR would fail on the operator's server. */
    private static void checkFeature(Path featuresXml, String feature, String version, Path descriptorFile)
            throws InvalidDescriptorException, IOException {
        Element root;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            root = factory.newDocumentBuilder().parse(featuresXml.toFile()).getDocumentElement();
        } catch (ParserConfigurationException | SAXException e) {
            throw new InvalidDescriptorException("The features XML " + featuresXml + " cannot be read: " + e.getMessage());
        }
        for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && "feature".equals(element.getLocalName()) && feature.equals(element.getAttribute("name"))) {
                // the platform installs <feature>/<version>: a features XML left at an older version (not
                // filtered) would install that version's bundles under the new one's name
                String declared = element.getAttribute("version");
                String osgi = version.replace("-SNAPSHOT", ".SNAPSHOT");
                if (!declared.equals(version) && !declared.equals(osgi)) {
                    throw new InvalidDescriptorException(featuresXml + ": feature \"" + feature + "\" has version \"" + declared
                            + "\", this build is " + version + " (filter the features XML with ${project.version})");
                }
                return;
            }
        }
        throw new InvalidDescriptorException(descriptorFile + ": field \"feature\": the features XML " + featuresXml + " has no feature named \""
                + feature + "\"");
    }

    private static String path(Artifact artifact) {
        return KarArchive.repositoryPath(artifact.getGroupId(), artifact.getArtifactId(), artifact.getBaseVersion(), artifact.getClassifier(),
                artifact.getArtifactHandler().getExtension());
    }
}
