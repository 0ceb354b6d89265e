package io.switchboard.channel.email.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.rest.SourceRate;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import java.time.Duration;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The email channel: the bundle's one DS component, owning its CamelContext, its tables, its
 * attachment URLs and its IMAP and SMTP connections. Configured by
 * {@code etc/io.switchboard.channel.email.cfg}; a change re-activates it (no modified method), so
 * new servers or passwords apply without a restart. Without an IMAP host nothing is polled; without
 * an SMTP host answers wait on {@code sb.outbound.email}: the server boots quietly unconfigured.
 */
@Component(immediate = true, configurationPid = "io.switchboard.channel.email")
@Designate(ocd = EmailChannel.Config.class)
public class EmailChannel {

    @ObjectClassDefinition(name = "Switchboard email (IMAP and SMTP)")
    public @interface Config {
        @AttributeDefinition(description = "IMAP server customers' mail is read from; empty: nothing is polled")
        String imapHost() default "";

        @AttributeDefinition(description = "IMAP port: 993 with ssl, 143 with starttls")
        int imapPort() default 993;

        @AttributeDefinition(description = "ssl, starttls or none", options = {@Option(value = "ssl"),
                @Option(value = "starttls"), @Option(value = "none")})
        String imapSecurity() default "ssl";

        @AttributeDefinition(description = "Login for IMAP (and for SMTP unless smtpUsername is set); usually the mailbox address")
        String username() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password or app password for IMAP (and SMTP unless smtpPassword is set)")
        String password() default "";

        @AttributeDefinition(description = "Folder customers' mail arrives in")
        String folder() default "INBOX";

        @AttributeDefinition(description = "Folder handled mail is moved to (made if missing); empty: handled mail stays and is flagged \\Seen")
        String processedFolder() default "Switchboard";

        @AttributeDefinition(description = "Seconds between polls")
        int pollSeconds() default 30;

        @AttributeDefinition(description = "Mails read at most per poll")
        int batch() default 50;

        @AttributeDefinition(description = "Bytes fetched at most per poll: no further mail is fetched once the poll's mails "
                + "add up to this (the first mail always is)")
        long batchBytes() default 104_857_600;

        @AttributeDefinition(description = "A mail larger than this (in bytes, by the IMAP server's count) is never fetched "
                + "whole: its headers and structure first, then its text into the message and each file streamed into the "
                + "attachment store")
        long largeMailBytes() default 2_097_152;

        @AttributeDefinition(description = "The most taken from one mail, in bytes: its text and its files up to this; a "
                + "file past it stays on the mail server (the mail is moved like any other) and the message says so")
        long maxMailBytes() default 26_214_400;

        @AttributeDefinition(description = "SMTP server answers are sent through; empty: answers wait on sb.outbound.email")
        String smtpHost() default "";

        @AttributeDefinition(description = "SMTP port: 465 with ssl, 587 with starttls")
        int smtpPort() default 465;

        @AttributeDefinition(description = "ssl, starttls or none", options = {@Option(value = "ssl"),
                @Option(value = "starttls"), @Option(value = "none")})
        String smtpSecurity() default "ssl";

        @AttributeDefinition(description = "Login for SMTP; empty: the IMAP username")
        String smtpUsername() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password for SMTP; empty: the IMAP password")
        String smtpPassword() default "";

        @AttributeDefinition(description = "Our address, the From of every answer; empty: the username")
        String fromAddress() default "";

        @AttributeDefinition(description = "Name shown with our address")
        String fromName() default "";

        @AttributeDefinition(description = "Subject of an answer to someone who has not written a subject")
        String defaultSubject() default "Your enquiry";

        @AttributeDefinition(description = "Mails a minute from one sender before the rest wait in the folder; 0: no limit")
        int ratePerMinute() default 20;

        @AttributeDefinition(description = "Seconds to connect, read or write before a mail server counts as not answering")
        int timeoutSeconds() default 30;

        @AttributeDefinition(description = "Accept any TLS certificate (a test server's self-signed one); never for a real server")
        boolean trustAllCertificates() default false;

        @AttributeDefinition(description = "Largest upload accepted by the channel's HTTP endpoint, in bytes")
        int maxBodyBytes() default 65_536;
    }

    static final String CHANGELOG = "io/switchboard/channel/email/db/changelog.xml";

    private static final Logger LOG = LoggerFactory.getLogger(EmailChannel.class);

    private final Mailbox mailbox;
    private final BundleRoutes routes;
    private final RestEndpoint endpoint;

    private final ServiceRegistration<PersonalData> personalData;

    @Activate
    public EmailChannel(BundleContext context, Config config, @Reference Bus bus, @Reference Store store) throws Exception {
        store.migrate(CHANGELOG, EmailChannel.class.getClassLoader());
        MailRuntime runtime = new MailRuntime();
        Duration poll = Duration.ofSeconds(Math.max(1, config.pollSeconds()));
        MailServer imap = new MailServer(config.imapHost(), config.imapPort(), config.imapSecurity(), config.username(),
                config.password(), config.timeoutSeconds(), config.trustAllCertificates());
        MailServer smtp = new MailServer(config.smtpHost(), config.smtpPort(), config.smtpSecurity(),
                config.smtpUsername().isBlank() ? config.username() : config.smtpUsername(),
                config.smtpPassword().isEmpty() ? config.password() : config.smtpPassword(),
                config.timeoutSeconds(), config.trustAllCertificates());
        String from = config.fromAddress().isBlank() ? config.username() : config.fromAddress();
        mailbox = imap.configured()
                ? new Mailbox(imap, config.folder(), config.processedFolder(), config.batch(),
                        new Mailbox.Limits(config.largeMailBytes(), config.maxMailBytes(), config.batchBytes()), poll, runtime)
                : null;
        MailSender sender = smtp.configured() && from.contains("@") ? new MailSender(smtp, from, config.fromName(), runtime) : null;
        if (mailbox == null) {
            LOG.info("Email: no imapHost in {}: customers' mail is not read", "etc/io.switchboard.channel.email.cfg");
        }
        if (sender == null) {
            LOG.info("Email: no smtpHost or fromAddress in {}: answers wait on {}", "etc/io.switchboard.channel.email.cfg",
                    EmailRoutes.OUTBOUND);
        }
        routes = BundleRoutes.start(context, "switchboard-email", bus, new EmailRoutes(bus, store, new CanonicalJson(),
                new MailReader(runtime), mailbox, sender, config.ratePerMinute() > 0 ? new SourceRate(config.ratePerMinute()) : null,
                poll, config.defaultSubject()));
        try {
            endpoint = RestEndpoint.publish(context, "/email", config.maxBodyBytes(), false, new AttachmentsApi(store));
        } catch (RuntimeException e) {
            routes.close();
            throw e;
        }
        LOG.info("Email channel active: IMAP {}, SMTP {}", mailbox == null ? "off" : imap + " " + config.folder(),
                sender == null ? "off" : smtp);
        // last: only a channel that started may be asked to erase from its tables
        personalData = context.registerService(PersonalData.class, new CorrespondentData(), null);
    }

    @Deactivate
    void deactivate() {
        personalData.unregister();
        endpoint.close();
        routes.close();
        if (mailbox != null) {
            mailbox.close();
        }
    }
}
