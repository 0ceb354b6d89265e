package io.switchboard.routefiles.internal;

import io.switchboard.routefiles.RouteFileCheck;
import io.switchboard.routefiles.RouteFileCheck.Problem;
import io.switchboard.routefiles.Toolbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.NoSuchLanguageException;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteDefinitionHelper;

/**
 * A route file checked before it is deployed. Its routes are built exactly as the deployer would
 * build them, in a context whose routes never start (so no timer fires, no queue is consumed, no
 * file is read), which is stopped and dropped afterwards.
 *
 * <p>Every endpoint's component is looked up first, so that a file written for another
 * installation learns everything it lacks at once, each with the feature to install; only a file
 * whose components are all there is built further, which is where Camel finds a misspelt option,
 * a missing language or data format, or a Kamelet that does not exist.
 */
final class FileCheck {

    /** Camel's words when a component is missing while a route is built. */
    static final Pattern NO_COMPONENT = Pattern.compile("No component found with scheme: ([\\w+.-]+)");
    static final Pattern NO_ENDPOINT = Pattern.compile("No endpoint could be found for: ([\\w+.-]+):");
    static final Pattern NO_DATA_FORMAT = Pattern.compile("Data format '([\\w+.-]+)' could not be created");

    private final RouteContexts.Unstarted contexts;
    private final ComponentFeatures features;
    private final Path kameletDirectory;
    private final Supplier<Map<String, Object>> beans;

    FileCheck(RouteContexts.Unstarted contexts, ComponentFeatures features, Path kameletDirectory,
              Supplier<Map<String, Object>> beans) {
        this.contexts = contexts;
        this.features = features;
        this.kameletDirectory = kameletDirectory;
        this.beans = beans;
    }

    RouteFileCheck check(String name, byte[] content) {
        RouteFileDsl dsl = RouteFileDsl.require(name, content);
        List<Problem> problems = new ArrayList<>();
        CamelContext context;
        try {
            context = contexts.context("check-" + name);
        } catch (Exception e) {
            throw new IllegalStateException("no context to check " + name + " in", e);
        }
        try {
            context.setAutoStartup(false);
            // a context that lives for a moment is nothing for JMX (and Hawtio) to show
            context.disableJMX();
            try {
                context.addRoutes(new FileRoutes(name, dsl, content, kameletDirectory, beans.get()));
            } catch (Exception | LinkageError e) {
                problems.add(problem(e));
                return new RouteFileCheck(name, dsl.label(), false, problems);
            }
            Set<String> schemes = new LinkedHashSet<>();
            for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
                for (String uri : RouteDefinitionHelper.gatherAllStaticEndpointUris(context, route, true, true)) {
                    int colon = uri.indexOf(':');
                    if (colon > 0) {
                        schemes.add(uri.substring(0, colon));
                    }
                }
            }
            for (String scheme : schemes) {
                if (context.getComponent(scheme, true, false) == null) {
                    problems.add(missing(Toolbox.Kind.COMPONENT, scheme, "No component " + scheme + " is installed (used in "
                            + name + ")"));
                }
            }
            if (problems.isEmpty()) {
                try {
                    // builds every route (endpoints with their options, processors, expressions) and starts none
                    context.start();
                } catch (Exception | LinkageError e) {
                    problems.add(problem(e));
                }
            }
            return new RouteFileCheck(name, dsl.label(), problems.isEmpty(), problems);
        } finally {
            context.stop();
        }
    }

    private Problem missing(Toolbox.Kind kind, String what, String message) {
        Optional<String> feature = features.featureFor(kind, what);
        return new Problem(message + feature.map(f -> ": install the feature " + f + " (feature:install " + f + ")")
                .orElse(": no feature of this distribution brings it"), feature.orElse(null));
    }

    /** Camel's reason, with the feature that would mend it when what is missing is a component, language or data format. */
    private Problem problem(Throwable e) {
        String reason = RouteFileDeployer.reason(e);
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NoSuchLanguageException nsl) {
                return withFeature(reason, Toolbox.Kind.LANGUAGE, nsl.getLanguage());
            }
        }
        for (Pattern p : List.of(NO_COMPONENT, NO_ENDPOINT)) {
            Matcher m = p.matcher(reason);
            if (m.find()) {
                return withFeature(reason, Toolbox.Kind.COMPONENT, m.group(1));
            }
        }
        Matcher m = NO_DATA_FORMAT.matcher(reason);
        if (m.find()) {
            return withFeature(reason, Toolbox.Kind.DATAFORMAT, m.group(1));
        }
        return new Problem(reason, null);
    }

    private Problem withFeature(String reason, Toolbox.Kind kind, String what) {
        Optional<String> feature = features.featureFor(kind, what);
        return new Problem(reason + feature.map(f -> " (install the feature " + f + ")").orElse(""), feature.orElse(null));
    }
}
