package io.switchboard.proactive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusinessEvent;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Customer;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestDatabase;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Business events to pushes over a real (H2) database; the desk's pushes are recorded, not sent. */
class OutreachTest {

    record Sent(String customerId, String channel, String text, String pushId, String reason) {
    }

    TestDatabase db;
    JdbcStore store;
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresToCome = new AtomicInteger();
    final List<Rule> rules = new CopyOnWriteArrayList<>();
    /** Work-order numbers and their customers, as the work-order service would tell. */
    final Map<String, String> workOrders = new java.util.concurrent.ConcurrentHashMap<>();
    Outreach outreach;

    @BeforeEach
    void start() {
        db = TestDatabase.h2();
        store = new JdbcStore(db.dataSource());
        store.migrate("io/switchboard/proactive/db/changelog.xml", Outreach.class.getClassLoader());
        AgentDesk desk = (AgentDesk) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgentDesk.class},
                (p, m, a) -> {
                    if (!m.getName().equals("push")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    if (failuresToCome.getAndDecrement() > 0) {
                        throw new IllegalStateException("the broker is away");
                    }
                    sent.add(new Sent((String) a[0], (String) a[1], (String) a[2], (String) a[3], (String) a[4]));
                    return new Message((String) a[3], null, Direction.OUTBOUND, new ChannelAddress("sms", "+86"), "conv-1",
                            (String) a[0], "push", Instant.now(), List.of(ContentPart.text((String) a[2])), Map.of());
                });
        outreach = new Outreach(store, desk, () -> List.copyOf(rules),
                number -> workOrders.containsKey(number) ? java.util.Optional.of(workOrders.get(number)) : java.util.Optional.empty());
        rules.add(new Rule("flight-cancelled", "flight.cancelled",
                "您预订的 {flight} 航班（{date}）已取消。改签选项：{options}。回复 1 改签，2 退款。", null, null,
                Rule.Category.SERVICE, "Flight {flight} on {date} cancelled"));
    }

    @AfterEach
    void stop() {
        db.close();
    }

    Customer customer(String phone, List<String> tags) {
        return store.inTransaction(s -> {
            Customer c = s.customers().forAddress(new ChannelAddress("sms", phone), null);
            if (!tags.isEmpty()) {
                s.customers().update(new Customer(c.id(), c.name(), c.tier(), tags, c.addresses(), c.preferredChannel()));
            }
            return s.customers().byId(c.id()).orElseThrow();
        });
    }

    BusinessEvent cancelled(String id, String... affected) {
        return new BusinessEvent(id, "flight.cancelled", "booking", Instant.now(),
                Map.of("flight", "CA1234", "date", "2026-11-23", "options", "CA1236 14:05, CA1238 18:30"), List.of(affected));
    }

    @Test
    void everyAffectedCustomerWhoConsentedIsToldOnceWithTheReasonOnTheTimeline() {
        Customer li = customer("+8613800000001", List.of());
        Customer wang = customer("+8613800000002", List.of("optout:service"));
        assertEquals(1, outreach.take(cancelled("ev-1", "sms:+8613800000001", "customer:" + wang.id(), "sms:+8613899999999")));
        assertEquals(1, sent.size());
        Sent told = sent.get(0);
        assertEquals(li.id(), told.customerId());
        assertNull(told.channel(), "the customer's preferred channel, chosen by the desk");
        assertEquals("您预订的 CA1234 航班（2026-11-23）已取消。改签选项：CA1236 14:05, CA1238 18:30。回复 1 改签，2 退款。", told.text());
        assertEquals("Flight CA1234 on 2026-11-23 cancelled", told.reason());

        Map<String, String> statuses = new java.util.TreeMap<>();
        outreach.ofEvent("ev-1").forEach(p -> statuses.put(p.affected(), p.status()));
        assertEquals(Map.of("sms:+8613800000001", "SENT", "customer:" + wang.id(), "NO_CONSENT",
                "sms:+8613899999999", "UNKNOWN_CUSTOMER"), statuses);

        assertEquals(0, outreach.take(cancelled("ev-1", "sms:+8613800000001")), "the same event again");
        outreach.sendDue();
        assertEquals(1, sent.size());
    }

    @Test
    void aSystemThatKnowsOnlyOurWorkOrderReachesItsCustomer() {
        Customer han = customer("+8613800000003", List.of());
        workOrders.put("WO-261123-00A1B2", han.id());
        rules.add(new Rule("parcel-delayed", "parcel.delayed", "您的包裹 {tracking} 因{reason}延误，预计 {eta} 送达。", null,
                null, Rule.Category.SERVICE, "Parcel {tracking} delayed"));
        assertEquals(1, outreach.take(new BusinessEvent("logistics:e-7", "parcel.delayed", "logistics", Instant.now(),
                Map.of("tracking", "SF1400000001", "reason", "暴雨", "eta", "11月25日"),
                List.of("workorder:WO-261123-00A1B2", "workorder:WO-nobody"))));
        assertEquals(List.of(han.id()), sent.stream().map(Sent::customerId).toList());
        assertEquals("您的包裹 SF1400000001 因暴雨延误，预计 11月25日 送达。", sent.get(0).text());
        Map<String, String> statuses = new java.util.TreeMap<>();
        outreach.ofEvent("logistics:e-7").forEach(p -> statuses.put(p.affected(), p.status()));
        assertEquals("UNKNOWN_CUSTOMER", statuses.get("workorder:WO-nobody"));
    }

    @Test
    void aPushTheBusDidNotTakeGoesAtTheNextSweepUnderTheSameId() {
        customer("+8613800000003", List.of());
        failuresToCome.set(1);
        outreach.take(cancelled("ev-2", "sms:+8613800000003"));
        assertTrue(sent.isEmpty());
        assertEquals("PLANNED", outreach.ofEvent("ev-2").get(0).status());
        outreach.sendDue();
        assertEquals(1, sent.size());
        assertEquals(outreach.ofEvent("ev-2").get(0).id(), sent.get(0).pushId());
        assertEquals("SENT", outreach.ofEvent("ev-2").get(0).status());
    }

    @Test
    void duringQuietHoursThePushWaitsForTheirEnd() {
        customer("+8613800000004", List.of());
        LocalTime now = LocalTime.now(ZoneId.of("UTC"));
        QuietHours allDay = new QuietHours(now.minusHours(1), now.plusHours(1), ZoneId.of("UTC"));
        rules.clear();
        rules.add(new Rule("parcel-delayed", "flight.cancelled", "晚了", null, allDay, Rule.Category.SERVICE, null));
        outreach.take(cancelled("ev-3", "sms:+8613800000004"));
        assertTrue(sent.isEmpty());
        PlannedPush waiting = outreach.ofEvent("ev-3").get(0);
        assertEquals("PLANNED", waiting.status());
        assertTrue(waiting.notBefore().isAfter(Instant.now().plusSeconds(3000)), waiting.notBefore().toString());
        outreach.sendDue();
        assertTrue(sent.isEmpty());
    }

    @Test
    void marketingGoesOnlyToThoseWhoOptedIn() {
        Customer yes = customer("+8613800000005", List.of("optin:marketing"));
        customer("+8613800000006", List.of());
        rules.clear();
        rules.add(new Rule("upgrade-offer", "flight.cancelled", "升舱优惠", null, null, Rule.Category.MARKETING, null));
        outreach.take(cancelled("ev-4", "sms:+8613800000005", "sms:+8613800000006"));
        assertEquals(List.of(yes.id()), sent.stream().map(Sent::customerId).toList());
    }

    @Test
    void quietHoursAcrossMidnight() {
        QuietHours night = QuietHours.parse("22:00-08:00", "Asia/Shanghai");
        assertTrue(night.covers(LocalTime.of(23, 0)));
        assertTrue(night.covers(LocalTime.of(7, 59)));
        assertFalse(night.covers(LocalTime.of(8, 0)));
        assertFalse(night.covers(LocalTime.of(21, 59)));
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        Instant lateEvening = ZonedDateTime.of(2026, 11, 23, 23, 30, 0, 0, shanghai).toInstant();
        assertEquals(ZonedDateTime.of(2026, 11, 24, 8, 0, 0, 0, shanghai).toInstant(), night.nextAllowed(lateEvening));
        Instant earlyMorning = ZonedDateTime.of(2026, 11, 24, 6, 0, 0, 0, shanghai).toInstant();
        assertEquals(ZonedDateTime.of(2026, 11, 24, 8, 0, 0, 0, shanghai).toInstant(), night.nextAllowed(earlyMorning));
        Instant noon = ZonedDateTime.of(2026, 11, 24, 12, 0, 0, 0, shanghai).toInstant();
        assertEquals(noon, night.nextAllowed(noon));
    }
}
