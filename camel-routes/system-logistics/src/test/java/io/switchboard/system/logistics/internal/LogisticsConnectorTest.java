package io.switchboard.system.logistics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.SystemReply;
import io.switchboard.sandbox.logistics.SandboxLogistics;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.ConnectorBench;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector on a real broker against the logistics sandbox over HTTP: pickups booked with
 * Chinese text, once per reference; the courier's refusals answered as faults and never asked
 * again; outages (503, a hanging API, a closed port) holding requests on the bus until the courier
 * is back, with the breaker's system.down and system.up; tracking and cancelling.
 */
class LogisticsConnectorTest {

    static final String CALLBACKS = "http://switchboard.example:8181" + LogisticsConnector.CALLBACK_PATH;
    static final CallPolicy POLICY = new CallPolicy(2, Duration.ofMillis(800), Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofSeconds(30));

    final CanonicalJson json = new CanonicalJson();
    final AtomicReference<LogisticsConnector.Courier> courier = new AtomicReference<>();
    SandboxLogistics logistics;
    ConnectorBench bench;

    @BeforeEach
    void start() throws Exception {
        logistics = SandboxLogistics.start(0).apiKey("key-42");
        courier.set(courier(logistics.url(), "key-42", Duration.ofSeconds(1)));
        bench = ConnectorBench.start("logistics", request -> LogisticsConnector.ask(courier.get(), request), POLICY);
    }

    @AfterEach
    void stop() throws Exception {
        bench.close();
        logistics.close();
    }

    LogisticsConnector.Courier courier(String endpoint, String apiKey, Duration timeout) {
        return new LogisticsConnector.Courier(new LogisticsClient(new LogisticsClient.Settings(URI.create(endpoint), apiKey,
                Duration.ofSeconds(1), timeout), json), CALLBACKS);
    }

    static Map<String, String> vanPickup(String reference) {
        return Map.ofEntries(Map.entry("reference", reference), Map.entry("name", "韩梅梅"),
                Map.entry("phone", "+8613900139000"), Map.entry("address", "北京市朝阳区建国路88号 3单元1201"),
                Map.entry("window", "2026-11-24 09:00-12:00"), Map.entry("description", "旧机顶盒、光猫和两箱线缆"),
                Map.entry("weightKg", "35.5"), Map.entry("sizeCm", "80x60x50"), Map.entry("vehicle", "van"),
                Map.entry("packaging", "large-bag"), Map.entry("requirements", "需要厢式货车和大号行李袋 / needs a van and a large bag"));
    }

    @Test
    void createPickupCarriesChineseTextBothWaysAndTellsTheCourierWhereToCallBack() throws Exception {
        bench.ask("r-1", "CreatePickup", vanPickup("WO-5001"));
        SystemReply reply = bench.reply(10_000);
        assertNotNull(reply);
        assertEquals(SystemReply.Status.OK, reply.status(), String.valueOf(reply));
        String tracking = reply.data().get("trackingNumber");
        assertTrue(tracking.matches("LG\\d+"), tracking);
        assertEquals("accepted", reply.data().get("status"));
        assertEquals("van", reply.data().get("vehicle"));
        assertEquals("large-bag", reply.data().get("packaging"));
        assertEquals("需要厢式货车和大号行李袋 / needs a van and a large bag", reply.data().get("requirements"));
        assertNotNull(Instant.parse(reply.data().get("eta")));

        Map<String, Object> booked = logistics.pickup(tracking).orElseThrow();
        assertEquals("北京市朝阳区建国路88号 3单元1201", booked.get("address"));
        assertEquals("旧机顶盒、光猫和两箱线缆", booked.get("description"));
        assertEquals("韩梅梅", booked.get("name"));
        assertEquals("35.5", booked.get("weightKg").toString(), "weightKg goes as a JSON number");
        assertEquals(CALLBACKS, booked.get("callbackUrl"));
    }

    @Test
    void theSameReferenceIsTheSamePickup() throws Exception {
        bench.ask("r-2", "CreatePickup", vanPickup("WO-5002"));
        SystemReply first = bench.reply(10_000);
        bench.ask("r-3", "CreatePickup", vanPickup("WO-5002"));
        SystemReply second = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, second.status());
        assertEquals(first.data().get("trackingNumber"), second.data().get("trackingNumber"));
        assertEquals(1, logistics.pickups().size());
        assertEquals(List.of(201, 200), logistics.calls().stream().map(SandboxLogistics.Call::status).toList());
    }

    @Test
    void theCouriersRefusalIsTheAnswerAndIsNeverAskedAgain() throws Exception {
        Map<String, String> bike = new java.util.HashMap<>(vanPickup("WO-5003"));
        bike.put("vehicle", "bike");
        bike.put("weightKg", "12");
        bike.remove("sizeCm");
        bench.ask("r-4", "CreatePickup", bike);
        SystemReply fault = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, fault.status());
        assertEquals("a bike carries at most 10 kg, not 12 kg", fault.fault());
        assertEquals("overweight", fault.data().get("faultCode"));
        assertNull(bench.reply(1_000), "one answer");
        assertEquals(1, logistics.calls().size(), "a 400 is not asked again");
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(LogisticsConnector.REQUESTS)));

        bench.ask("r-5", "CreatePickup", Map.of("address", "上海"));
        SystemReply noReference = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, noReference.status());
        assertEquals("CreatePickup needs the parameter reference", noReference.fault());
        assertEquals(1, logistics.calls().size(), "refused before the courier is asked");

        courier.set(courier(logistics.url(), "wrong-key", Duration.ofSeconds(1)));
        bench.ask("r-6", "TrackPickup", Map.of("trackingNumber", "LG1"));
        SystemReply unauthorized = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, unauthorized.status());
        assertEquals("unauthorized", unauthorized.data().get("faultCode"));
    }

    @Test
    void a503KeepsRequestsOnTheBusOpensTheBreakerAndEndsWithOneReplyEach() throws Exception {
        logistics.failWith(503);
        bench.ask("r-7", "CreatePickup", vanPickup("WO-5007"));
        bench.ask("r-8", "CreatePickup", vanPickup("WO-5008"));
        assertNull(bench.reply(2_000), "no answer while the courier answers 503");
        List<DomainEvent> down = bench.systemEvents(500);
        assertEquals(DomainEvent.SYSTEM_DOWN, down.get(0).type(), down.toString());
        assertEquals("logistics", down.get(0).data().get("system"));
        assertTrue(down.get(0).data().get("reason").contains("HTTP 503"), down.toString());
        assertEquals(1, down.size(), "down once, however often it is retried");
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(LogisticsConnector.REQUESTS)));
        assertTrue(logistics.pickups().isEmpty());

        logistics.failWith(0);
        SystemReply first = bench.reply(10_000);
        SystemReply second = bench.reply(10_000);
        assertEquals(List.of("r-7", "r-8"), List.of(first.requestId(), second.requestId()));
        assertEquals(SystemReply.Status.OK, first.status());
        assertEquals(SystemReply.Status.OK, second.status());
        assertNull(bench.reply(1_000), "exactly one reply per request");
        assertEquals(2, logistics.pickups().size());
        List<DomainEvent> up = bench.systemEvents(500);
        assertEquals(List.of(DomainEvent.SYSTEM_UP), up.stream().map(DomainEvent::type).toList());
        assertEquals("CLOSED", bench.connector().health().state());
    }

    @Test
    void aHangingApiAndAClosedPortAreOutagesNotAnswers() throws Exception {
        logistics.hang(Duration.ofSeconds(30));
        bench.ask("r-9", "CreatePickup", vanPickup("WO-5009"));
        assertNull(bench.reply(1_800));
        assertTrue(bench.connector().health().lastFailure().contains("no answer from"), bench.connector().health().toString());
        logistics.hang(Duration.ZERO);
        logistics.stop();
        long end = System.currentTimeMillis() + 5_000;
        while (!bench.connector().health().lastFailure().contains("connection refused") && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertTrue(bench.connector().health().lastFailure().contains("connection refused"), bench.connector().health().toString());
        logistics.start();
        SystemReply reply = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, reply.status());
        assertEquals("r-9", reply.requestId());
    }

    @Test
    void anUnusableApiKeyHoldsRequestsUntilTheFileIsFixed() throws Exception {
        courier.set(courier(logistics.url(), "钥匙", Duration.ofSeconds(1)));
        bench.ask("r-16", "CreatePickup", vanPickup("WO-5016"));
        assertNull(bench.reply(1_500), "a typo in the .cfg loses no request");
        assertTrue(bench.connector().health().lastFailure().contains("cannot be used"), bench.connector().health().toString());
        assertEquals(List.of(), logistics.calls());
        courier.set(courier(logistics.url(), "key-42", Duration.ofSeconds(1)));
        bench.connector().configure(new CallPolicy(2, Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(400),
                Duration.ofSeconds(30)));
        assertEquals(SystemReply.Status.OK, bench.reply(10_000).status());
    }

    @Test
    void tracksAndCancelsAPickup() throws Exception {
        bench.ask("r-10", "CreatePickup", vanPickup("WO-5010"));
        String tracking = bench.reply(10_000).data().get("trackingNumber");
        logistics.advance(tracking, "picked_up", null, null, "王师傅");
        Map<String, Object> delayed = logistics.advance(tracking, "delayed", "2026-11-24T15:00:00Z", "交通管制", "王师傅");

        bench.ask("r-11", "TrackPickup", Map.of("trackingNumber", tracking));
        SystemReply track = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, track.status(), String.valueOf(track));
        assertEquals(Map.of("trackingNumber", tracking, "reference", "WO-5010", "status", "delayed",
                "eta", "2026-11-24T15:00:00Z", "lastEvent", "delayed", "lastEventAt", delayed.get("at")), track.data());

        bench.ask("r-12", "CancelPickup", Map.of("trackingNumber", tracking, "reason", "客户改约"));
        SystemReply cancel = bench.reply(10_000);
        assertEquals(Map.of("trackingNumber", tracking, "status", "cancelled"), cancel.data());
        List<?> events = (List<?>) logistics.pickup(tracking).orElseThrow().get("events");
        assertEquals("客户改约", ((Map<?, ?>) events.get(events.size() - 1)).get("reason"));

        bench.ask("r-13", "TrackPickup", Map.of("trackingNumber", "LG999"));
        SystemReply unknown = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, unknown.status());
        assertEquals("not_found", unknown.data().get("faultCode"));

        bench.ask("r-14", "TrackPickup", Map.of("trackingNumber", "../admin"));
        assertEquals(SystemReply.Status.FAULT, bench.reply(10_000).status(), "never put into the URL");
        bench.ask("r-15", "ShipParcel", Map.of());
        assertTrue(bench.reply(10_000).fault().contains("no operation ShipParcel"));
    }
}
