package io.switchboard.channel.wechat.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.bus.DeadLetters;
import io.switchboard.bus.OutageLog;
import io.switchboard.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Out: agents' and the bot's messages from
 * {@code sb.outbound.wechat} through WeChat's customer-service and template APIs; what WeChat
 * refuses is retried, then dead-lettered with WeChat's errcode as the reason.
 */
final class WechatRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(WechatRoutes.class);

    static final String OUTBOUND = BusAddress.outbound(Pushes.CHANNEL);
    static final Duration REMEMBER_SENT = Duration.ofDays(7);

    private final Store store;
    private final OfficialAccountApi api;
    private final CanonicalJson json;
    private final Clock clock;

    /** @param api null while the account has no AppID and AppSecret: outbound messages wait on the bus */
    WechatRoutes(Store store, OfficialAccountApi api, CanonicalJson json, Clock clock) {
        this.store = store;
        this.api = api;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void configure() {
        if (api != null) {
            from("bus:queue:" + OUTBOUND + "?transacted=true&asyncStartListener=true")
                    .routeId("wechat-outbound")
                    .errorHandler(DeadLetters.forAddress(OUTBOUND))
                    .process(this::send);
        }

        OutageLog forgetting = new OutageLog(LOG, "wechat-sent-forget", Duration.ofHours(1));
        from("timer:wechat-sent-forget?period=3600000&delay=60000").routeId("wechat-sent-forget")
                .process(e -> forgetting.run(() -> store.inTransaction(s -> SentParts.forget(s, clock.instant().minus(REMEMBER_SENT)))));
    }

    void send(Exchange exchange) throws Exception {
        Message m = json.fromJson(exchange.getMessage().getMandatoryBody(String.class), Message.class);
        if (m.direction() != Direction.OUTBOUND) {
            throw new IllegalArgumentException(OUTBOUND + " takes OUTBOUND messages, got " + m.direction());
        }
        // all calls are made up before any goes out: a message that cannot be sent whole is not begun
        List<Outgoing.Call> calls = Outgoing.calls(m);
        for (int part = 0; part < calls.size(); part++) {
            int p = part;
            if (store.inTransaction(s -> SentParts.sent(s, m.id(), p))) {
                continue;
            }
            Outgoing.Call call = calls.get(part);
            if (OfficialAccountApi.TEMPLATE_SEND.equals(call.api())) {
                api.sendTemplate(call.payload());
            } else {
                api.sendCustom(call.payload());
            }
            store.inTransaction(s -> {
                SentParts.record(s, m.id(), p, clock.instant());
                return null;
            });
        }
    }
}
