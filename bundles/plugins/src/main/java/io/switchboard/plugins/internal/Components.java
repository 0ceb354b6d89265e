package io.switchboard.plugins.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * A plugin's Declarative Services components, as SCR runs them. A configuration set in Config Admin
 * (a feature's configfile, an operator's PUT) reaches a component a moment later, by deactivating and
 * activating it again: a plugin whose routes already run may still be about to restart, its endpoint gone
 * for that moment. A plugin is ready once every component of its bundles is satisfied, and each one that
 * Config Admin has a configuration for runs with exactly those values.
 */
final class Components {

    private final ServiceComponentRuntime scr;
    private final Function<String, Optional<Map<String, Object>>> configurations;

    /** @param configurations a PID's values in Config Admin now, without Config Admin's own keys */
    Components(ServiceComponentRuntime scr, Function<String, Optional<Map<String, Object>>> configurations) {
        this.scr = scr;
        this.configurations = configurations;
    }

    /** What keeps {@code bundles} from being ready, one line each; empty when nothing does. */
    List<String> pending(Collection<Bundle> bundles) {
        List<String> pending = new ArrayList<>();
        for (Bundle bundle : bundles) {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                if (!scr.isComponentEnabled(description)) {
                    continue;
                }
                // a component waiting for a configuration nobody gave is not waited for: only one Config Admin has
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(description)) {
                    if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE || c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        pending.add(description.name + (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION
                                ? " failed to activate: " + c.failure : " waits for a service"));
                        continue;
                    }
                    for (String pid : description.configurationPid) {
                        Map<String, String> wanted = values(pid);
                        if (!wanted.isEmpty() && !runsWith(c.properties, wanted)) {
                            pending.add(description.name + " is not yet running with configuration " + pid);
                        }
                    }
                }
            }
        }
        return pending;
    }

    private static boolean runsWith(Map<String, Object> properties, Map<String, String> wanted) {
        return wanted.entrySet().stream().allMatch(e -> {
            Object value = properties.get(e.getKey());
            return value != null && String.valueOf(value).equals(e.getValue());
        });
    }

    /** The plain values of a configuration (not lists: a component sees those converted); empty if none. */
    private Map<String, String> values(String pid) {
        Map<String, String> values = new TreeMap<>();
        configurations.apply(pid).ifPresent(all -> all.forEach((k, v) -> {
            if (v != null && !v.getClass().isArray() && !(v instanceof Collection)) {
                values.put(k, String.valueOf(v));
            }
        }));
        return values;
    }
}
