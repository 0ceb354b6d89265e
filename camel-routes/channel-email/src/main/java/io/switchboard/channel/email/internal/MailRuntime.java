package io.switchboard.channel.email.internal;

import jakarta.activation.DataHandler;
import jakarta.mail.Session;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.eclipse.angus.activation.MailcapRegistryProviderImpl;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Jakarta Mail as it expects to run: on a flat class path. It finds its content handlers
 * ({@code META-INF/mailcap} in angus-mail: without them no multipart can be written), its stream
 * provider and activation's registries through the thread's context class loader. In OSGi each of
 * those lives in another bundle, so mail work runs with a context loader that sees all of them.
 * Stores and transports are constructed directly (see {@link Mailbox}, {@link MailSender}), never
 * looked up by protocol name, so no provider lookup is involved at all.
 */
final class MailRuntime {

    /** Work that runs with the mail context loader. */
    interface Work<T, E extends Exception> {
        T run() throws E;
    }

    private final ClassLoader loader;

    MailRuntime() {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {MailRuntime.class, SMTPTransport.class, MailcapRegistryProviderImpl.class,
                Session.class, DataHandler.class}) {
            if (c.getClassLoader() != null) {
                loaders.add(c.getClassLoader());
            }
        }
        this.loader = new Joined(List.copyOf(loaders));
    }

    <T, E extends Exception> T run(Work<T, E> work) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.run();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** A session for parsing and for building messages; lenient where real mail is sloppy. */
    Session session(Properties extra) {
        Properties p = new Properties();
        p.setProperty("mail.mime.address.strict", "false");
        p.setProperty("mail.mime.parameters.strict", "false");
        p.setProperty("mail.mime.decodeparameters", "true");
        p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
        p.setProperty("mail.mime.multipart.ignoremissingboundaryparameter", "true");
        p.setProperty("mail.mime.base64.ignoreerrors", "true");
        p.setProperty("mail.mime.charset", "UTF-8");
        p.putAll(extra);
        return run(() -> Session.getInstance(p));
    }

    private static final class Joined extends ClassLoader {
        private final List<ClassLoader> loaders;

        Joined(List<ClassLoader> loaders) {
            super(null);
            this.loaders = loaders;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            for (ClassLoader l : loaders) {
                try {
                    return l.loadClass(name);
                } catch (ClassNotFoundException tryNext) {
                    // the next bundle may have it
                }
            }
            throw new ClassNotFoundException(name);
        }

        @Override
        protected URL findResource(String name) {
            for (ClassLoader l : loaders) {
                URL u = l.getResource(name);
                if (u != null) {
                    return u;
                }
            }
            return null;
        }

        @Override
        protected Enumeration<URL> findResources(String name) throws IOException {
            Set<URL> all = new LinkedHashSet<>();
            for (ClassLoader l : loaders) {
                all.addAll(Collections.list(l.getResources(name)));
            }
            return Collections.enumeration(new ArrayList<>(all));
        }
    }
}
