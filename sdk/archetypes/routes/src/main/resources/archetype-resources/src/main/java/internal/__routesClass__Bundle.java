package ${package}.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The bundle's one DS component, owning its CamelContext with the routes of {@link ${routesClass}Routes}.
 * A configuration change ({@code etc/${package}.cfg}) replaces the component, and with it the context.
 */
@Component(immediate = true, configurationPid = "${package}")
@Designate(ocd = ${routesClass}Bundle.Config.class)
public class ${routesClass}Bundle {

    @ObjectClassDefinition(name = "${routesClass} routes")
    public @interface Config {
        @AttributeDefinition(description = "Camel endpoint URI the routes take from")
        String sourceUri() default "file:data/${routeName}/in?moveFailed=.failed";

        @AttributeDefinition(description = "Camel endpoint URI the routes deliver to")
        String targetUri() default "log:${routeName}";
    }

    static final String CONTEXT = "switchboard-${routeName}";

    private final BundleRoutes routes;

    @Activate
    public ${routesClass}Bundle(BundleContext context, Config config, @Reference Bus bus) throws Exception {
        routes = BundleRoutes.start(context, CONTEXT, bus,
                new ${routesClass}Routes(config.sourceUri(), config.targetUri(), new CanonicalJson()));
    }

    @Deactivate
    void deactivate() {
        routes.close();
    }
}
