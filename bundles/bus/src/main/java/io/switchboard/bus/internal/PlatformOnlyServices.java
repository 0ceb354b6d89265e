package io.switchboard.bus.internal;

import io.switchboard.bus.BusGrants;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook;

/**
 * Services a plugin bundle (one with the {@value BusGrants#PLUGIN_HEADER} header) must not see: the
 * grants themselves, with which a plugin would grant itself any address. The framework's service
 * hooks take them out of what a plugin's lookups find and of the events its trackers and
 * Declarative Services hear, so to a plugin they do not exist. (Its {@code Bus} it gets, as its
 * own, from {@link ArtemisBus}'s service factory.)
 */
final class PlatformOnlyServices implements FindHook, EventListenerHook {

    static final Set<String> HIDDEN = Set.of(BusGrants.class.getName());

    static boolean plugin(Bundle bundle) {
        // raw headers, as ArtemisBus reads them: a localized value must not decide who a bundle is
        return bundle != null && bundle.getHeaders("").get(BusGrants.PLUGIN_HEADER) != null;
    }

    static boolean hidden(ServiceReference<?> reference) {
        Object classes = reference.getProperty(Constants.OBJECTCLASS);
        if (classes instanceof String[] names) {
            for (String name : names) {
                if (HIDDEN.contains(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
                     Collection<ServiceReference<?>> references) {
        if (plugin(context.getBundle())) {
            references.removeIf(PlatformOnlyServices::hidden);
        }
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerHook.ListenerInfo>> listeners) {
        if (hidden(event.getServiceReference())) {
            listeners.keySet().removeIf(context -> plugin(context.getBundle()));
        }
    }
}
