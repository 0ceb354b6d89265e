package io.switchboard.channel.wechat.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.Nonces;
import io.switchboard.store.Store;
import java.time.Clock;
import org.osgi.framework.BundleContext;
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
 * The WeChat official-account channel: the bundle's one DS component, owning its CamelContext, its
 * URL for WeChat and its tables. Configured by {@code etc/io.switchboard.channel.wechat.cfg}; a change
 * there re-activates it (DS does that for a component without a modified method), so a new token or
 * key applies without a restart.
 */
@Component(immediate = true, configurationPid = "io.switchboard.channel.wechat")
@Designate(ocd = WechatChannel.Config.class)
public class WechatChannel {

    @ObjectClassDefinition(name = "Switchboard WeChat official account")
    public @interface Config {
        @AttributeDefinition(description = "Name in the account's URL: /switchboard/api/wechat/<account>")
        String account() default "main";

        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "Token (令牌) as set in WeChat's console; pushes signed otherwise get 401. Empty: pushes get 503")
        String token() default "";

        @AttributeDefinition(description = "AppID (开发者ID) of the account")
        String appId() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "AppSecret (开发者密码); empty: outbound messages wait on the bus")
        String appSecret() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "EncodingAESKey (消息加解密密钥), 43 characters; needed in safe and compatible mode")
        String encodingAesKey() default "";

        @AttributeDefinition(description = "Message encryption method (消息加解密方式) as in WeChat's console",
                options = {@Option(value = "plain"), @Option(value = "compatible"), @Option(value = "safe")})
        String mode() default "plain";

        @AttributeDefinition(description = "compatible mode only: pushes in the clear alone (no Encrypt) are accepted until"
                + " this instant (ISO-8601, e.g. 2026-12-31T16:00:00Z), while WeChat's console is switched to safe mode."
                + " Empty: refused (400)")
        String clearPushesUntil() default "";

        @AttributeDefinition(description = "WeChat's API; a sandbox's URL in tests")
        String apiBase() default "https://api.weixin.qq.com";

        @AttributeDefinition(description = "Largest push accepted, in bytes (larger: 413)")
        int maxBodyBytes() default 65_536;

        @AttributeDefinition(description = "Pushes a minute from one customer (OpenID) before 429; 0: no limit")
        int ratePerMinute() default 60;

        @AttributeDefinition(description = "Requests a minute from one remote address before 429; 0: no limit."
                + " WeChat pushes every customer's messages from a few addresses: keep it high")
        int ipRatePerMinute() default 6_000;
    }

    static final String CHANGELOG = "io/switchboard/channel/wechat/db/changelog.xml";

    private static final Logger LOG = LoggerFactory.getLogger(WechatChannel.class);

    private final BundleRoutes routes;
    private final RestEndpoint endpoint;

    @Activate
    public WechatChannel(BundleContext context, Config config, @Reference Bus bus, @Reference Store store, @Reference Nonces nonces)
            throws Exception {
        Settings settings = Settings.from(config);
        store.migrate(CHANGELOG, WechatChannel.class.getClassLoader());
        CanonicalJson json = new CanonicalJson();
        Clock clock = Clock.systemUTC();
        OfficialAccountApi api = settings.canSend() ? new OfficialAccountApi(settings, store, json, clock) : null;
        if (!settings.canReceive()) {
            LOG.warn("WeChat account {} has no token: its URL answers 503 until {} sets one", settings.account(),
                    "etc/io.switchboard.channel.wechat.cfg");
        }
        if (api == null) {
            LOG.warn("WeChat account {} has no appId/appSecret: messages to customers wait on {}", settings.account(),
                    WechatRoutes.OUTBOUND);
        }
        routes = BundleRoutes.start(context, "switchboard-wechat", bus, new WechatRoutes(store, api, json, clock));
        endpoint = RestEndpoint.publish(context, "/wechat", settings.maxBodyBytes(), false,
                new CallbackApi(settings, bus::inbound, nonces));
        LOG.info("WeChat channel active: {}", settings);
    }

    @Deactivate
    void deactivate() {
        endpoint.close();
        routes.close();
    }
}
