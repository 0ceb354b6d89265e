package io.switchboard.channel.sms.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Message;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.rest.SourceRate;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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

/**
 * The SMS channel: the bundle's one DS component, owning its CamelContext, its tables and its
 * SMPP link to the SMSC. Configured by {@code etc/io.switchboard.channel.sms.cfg}; a change
 * restarts the component, and with it the bind, with the new values.
 */
@Component(immediate = true, configurationPid = "io.switchboard.channel.sms")
@Designate(ocd = SmsChannel.Config.class)
public class SmsChannel {

    @ObjectClassDefinition(name = "Switchboard SMS (SMPP 3.4)")
    public @interface Config {
        @AttributeDefinition(description = "SMSC or SMPP gateway host")
        String host() default "localhost";

        @AttributeDefinition(description = "SMSC port (SMPP's registered port is 2775)")
        int port() default 2775;

        @AttributeDefinition(description = "system_id the operator gave us for the bind")
        String systemId() default "switchboard";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "The bind password (SMPP allows 8 characters)")
        String password() default "";

        @AttributeDefinition(description = "system_type for the bind, if the operator asks for one")
        String systemType() default "";

        @AttributeDefinition(description = "Our number or sender id: +E.164, a short code, or an alphanumeric name")
        String sourceAddress() default "10690000";

        @AttributeDefinition(description = "Country calling code for numbers the SMSC sends in national form")
        String countryCode() default "86";

        @AttributeDefinition(description = "Seconds of silence after which an enquire_link checks the link")
        int enquireLinkSeconds() default 30;

        @AttributeDefinition(description = "Seconds between attempts to bind again after the link dropped or a bind failed")
        int reconnectDelaySeconds() default 5;

        @AttributeDefinition(description = "submit_sm per second at most (each part counts); 0: no limit")
        int maxPerSecond() default 10;

        @AttributeDefinition(description = "Minutes to wait for the missing parts of a long message before it goes on with gaps")
        int partsTimeoutMinutes() default 10;

        @AttributeDefinition(description = "Messages a minute one phone may send; above it the SMSC is told to retry later")
        int ratePerMinute() default 30;
    }

    public static final String CHANNEL = "sms";
    static final String CHANGELOG = "io/switchboard/channel/sms/db/changelog.xml";

    private final SmscLink link;
    private final BundleRoutes routes;

    private final ServiceRegistration<PersonalData> personalData;

    @Activate
    public SmsChannel(BundleContext context, Config config, @Reference Bus bus, @Reference Store store) throws Exception {
        store.migrate(CHANGELOG, SmsChannel.class.getClassLoader());
        CanonicalJson json = new CanonicalJson();
        Deliveries deliveries = new Deliveries(bus, json);
        InboundPort port = new InboundPort(bus);
        Inbox inbox = new Inbox(store, port, deliveries, new PhoneNumbers(config.countryCode()), json,
                new SourceRate(config.ratePerMinute()));
        link = new SmscLink(settings(config), inbox);
        routes = BundleRoutes.start(context, "switchboard-sms", bus, new SmsRoutes(store, link, inbox, deliveries, json,
                config.sourceAddress(), Duration.ofMinutes(Math.max(1, config.partsTimeoutMinutes())),
                Duration.ofSeconds(30)));
        // bound only once the routes run: a message the SMSC delivers at once has somewhere to go
        link.start();
        // last: only a channel that started may be asked to erase from its tables
        personalData = context.registerService(PersonalData.class, new PhoneData(), null);
    }

    @Deactivate
    void deactivate() {
        personalData.unregister();
        link.close();
        routes.close();
    }

    static SmscLink.Settings settings(Config config) {
        return new SmscLink.Settings(config.host(), config.port(), config.systemId(), config.password(),
                config.systemType(), Duration.ofSeconds(Math.max(5, config.enquireLinkSeconds())),
                Duration.ofSeconds(Math.max(1, config.reconnectDelaySeconds())), config.maxPerSecond(),
                Duration.ofSeconds(10));
    }

    /** Readable messages by the bus's one inbound call; unreadable PDUs to sb.inbound's dead letters, with why. */
    static final class InboundPort implements Inbox.Inbound {
        private final Bus bus;

        InboundPort(Bus bus) {
            this.bus = bus;
        }

        @Override
        public void put(Message message) {
            bus.inbound(message);
        }

        @Override
        public void reject(String pdu, String reason) {
            // a BusUnavailableException reaches the SMSC as a temporary error: it delivers again rather than we forget it
            bus.send(BusAddress.deadLetter(BusAddress.INBOUND), pdu, Map.of(
                    BusAddress.DEAD_LETTER_REASON, reason,
                    BusAddress.DEAD_LETTER_ORIGIN, CHANNEL,
                    BusAddress.DEAD_LETTER_TIME, Instant.now().toString()));
        }
    }
}
