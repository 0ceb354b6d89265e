package io.switchboard.field.internal;

import io.switchboard.rest.RestEndpoint;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;

/**
 * The field workers' web app, the bundle's one DS component: serves the files under
 * {@code /switchboard/field/}. The app holds no server state of its own: it speaks the work-orders,
 * customers and conversations API and listens on the desk's event stream, so this bundle can be
 * updated or removed without touching the orders it shows.
 */
@Component(immediate = true)
public class FieldView {

    /** Where the app is served. */
    static final String APP = "/switchboard/field";
    /** Where its files are in the bundle. */
    static final String APP_RESOURCES = "/io/switchboard/field/app";

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public FieldView(BundleContext context) {
        Dictionary<String, Object> files = new Hashtable<>();
        files.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PATTERN, APP + "/*");
        files.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PREFIX, APP_RESOURCES);
        // the page and its scripts hold nothing of anyone's; what they show comes from the API, after login
        files.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        registrations.add(context.registerService(Object.class, new Object(), files));

        Dictionary<String, Object> entry = new Hashtable<>();
        entry.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, new String[] {APP, APP + "/"});
        entry.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-field-entry");
        entry.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        registrations.add(context.registerService(Servlet.class,
                new EntryPage(APP + "/", FieldView.class.getClassLoader(), APP_RESOURCES.substring(1) + "/index.html"), entry));
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework took it first
            }
        }
    }
}
