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
 * The bundle's one DS component, owning its CamelContext: the outside system's notifications become
 * {@code ${eventType}} business events on {@code sb.business-events}, which the proactive rule this
 * plugin ships ({@code etc/io.switchboard.proactive.rule-${rule}.cfg}) turns into a message to each
 * affected customer. Configured by {@code etc/${package}.cfg}.
 */
@Component(immediate = true, configurationPid = "${package}")
@Designate(ocd = ${ruleClass}Events.Config.class)
public class ${ruleClass}Events {

    @ObjectClassDefinition(name = "${ruleClass} business events")
    public @interface Config {
        @AttributeDefinition(description = "Camel endpoint URI the system's notifications (JSON) come from")
        String sourceUri() default "file:data/${rule}/inbox?moveFailed=.failed";
    }

    static final String CONTEXT = "switchboard-${rule}";

    private final BundleRoutes routes;

    @Activate
    public ${ruleClass}Events(BundleContext context, Config config, @Reference Bus bus) throws Exception {
        routes = BundleRoutes.start(context, CONTEXT, bus, new ${ruleClass}Routes(config.sourceUri(), new CanonicalJson()));
    }

    @Deactivate
    void deactivate() {
        routes.close();
    }
}
