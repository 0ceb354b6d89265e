package io.switchboard.system.booking.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.SystemReply;
import io.switchboard.sandbox.booking.SandboxBooking;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.ConnectorBench;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector on a real broker against the booking sandbox over HTTP: bookings with Chinese
 * names, by phone, options, an idempotent rebook, the system's refusals as FAULTs, and outages
 * (refused connections, 503) that keep requests on the bus until the system is back.
 */
class BookingConnectorTest {

    static final CallPolicy POLICY = new CallPolicy(2, Duration.ofMillis(800), Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofSeconds(30));

    final CanonicalJson json = new CanonicalJson();
    final AtomicReference<BookingClient> client = new AtomicReference<>();
    SandboxBooking booking;
    ConnectorBench bench;

    @BeforeEach
    void start() throws Exception {
        booking = SandboxBooking.start(0, "key-b00king-1");
        booking.booking("HX7K2P", new SandboxBooking.Segment("CA1501", "2026-11-24", "PEK", "SHA", "08:00"),
                new SandboxBooking.Passenger("李娜", "+8613800000001", "lina@example.cn", "sms"),
                new SandboxBooking.Passenger("欧阳娜娜", "13900000002", null, null));
        client.set(new BookingClient(new BookingClient.Settings(URI.create(booking.apiUrl()), "key-b00king-1",
                Duration.ofSeconds(1), Duration.ofSeconds(1)), json));
        bench = ConnectorBench.start("booking", request -> BookingConnector.ask(client.get(), request), POLICY);
    }

    @AfterEach
    void stop() throws Exception {
        bench.close();
        booking.close();
    }

    @Test
    void aBookingIsAnsweredWithItsTravellersChineseNamesAndFoundByPhone() throws Exception {
        bench.ask("r-1", "GetBooking", Map.of("pnr", "HX7K2P"));
        SystemReply got = bench.reply(10_000);
        assertNotNull(got);
        assertEquals(SystemReply.Status.OK, got.status(), String.valueOf(got.fault()));
        assertEquals("HX7K2P", got.data().get("pnr"));
        assertEquals("CONFIRMED", got.data().get("status"));
        assertEquals("李娜、欧阳娜娜", got.data().get("names"));
        assertEquals("欧阳娜娜", got.data().get("passenger.2.name"));
        assertEquals("+8613800000001", got.data().get("passenger.1.phone"));
        assertEquals("CA1501", got.data().get("flight"));
        assertEquals("2026-11-24", got.data().get("date"));
        assertEquals("PEK", got.data().get("from"));
        assertEquals("2", got.data().get("passengers"));
        assertTrue(booking.asked().contains("GET /api/bookings/HX7K2P"), booking.asked().toString());

        bench.ask("r-2", "FindBookings", Map.of("phone", "+86 139 0000 0002"));
        SystemReply found = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, found.status(), String.valueOf(found.fault()));
        assertEquals("1", found.data().get("count"));
        assertEquals("HX7K2P", found.data().get("pnrs"));
        assertEquals("CA1501", found.data().get("booking.1.flight"));

        bench.ask("r-3", "FindBookings", Map.of("phone", "+8613000000000"));
        assertEquals("0", bench.reply(10_000).data().get("count"), "nobody's phone: an empty answer, not a fault");
    }

    @Test
    void aCancelledFlightsOptionsAreListedAndARebookRepeatedIsTheSameRebook() throws Exception {
        booking.cancelFlight("CA1501", "2026-11-24", List.of(
                new SandboxBooking.Option("1", "明天 08:00 CA1502", "CA1502", "2026-11-25", "08:00"),
                new SandboxBooking.Option("2", "全额退款", null, null, null)), "航空管制");
        bench.ask("r-4", "RebookingOptions", Map.of("pnr", "HX7K2P"));
        SystemReply options = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, options.status(), String.valueOf(options.fault()));
        assertEquals("CANCELLED", options.data().get("status"));
        assertEquals("1) 明天 08:00 CA1502 2) 全额退款", options.data().get("options"));
        assertEquals("2", options.data().get("count"));
        assertEquals("全额退款", options.data().get("option.2.text"));

        bench.ask("r-5", "Rebook", Map.of("pnr", "HX7K2P", "optionId", "1"));
        SystemReply first = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, first.status(), String.valueOf(first.fault()));
        assertEquals("REBOOKED", first.data().get("status"));
        assertEquals("CA1502", first.data().get("flight"));
        assertEquals("2026-11-25", first.data().get("date"));
        // another request for the same choice (a customer answering "1" twice): the same booking, no second rebook
        bench.ask("r-6", "Rebook", Map.of("pnr", "HX7K2P", "optionId", "1"));
        SystemReply second = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, second.status(), String.valueOf(second.fault()));
        assertEquals(first.data(), second.data());
        assertEquals("CA1502", booking.get("HX7K2P").segments().get(0).flight());

        bench.ask("r-7", "Refund", Map.of("pnr", "HX7K2P"));
        SystemReply refused = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, refused.status());
        assertEquals("ALREADY_REBOOKED", refused.data().get("faultCode"));
        assertEquals("订单 HX7K2P 已改签，不能退款", refused.fault());
    }

    @Test
    void anUnknownPnrAndAWrongRequestAreFaultsAskedOnceAndNeverDeadLettered() throws Exception {
        bench.ask("r-8", "GetBooking", Map.of("pnr", "NOPE00"));
        SystemReply fault = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, fault.status());
        assertEquals("订单 NOPE00 不存在", fault.fault());
        assertEquals("PNR_NOT_FOUND", fault.data().get("faultCode"));
        assertNull(bench.reply(1_000));
        assertEquals(List.of("GET /api/bookings/NOPE00"), booking.asked(), "a fault is not asked again");

        bench.ask("r-9", "Rebook", Map.of("pnr", "HX7K2P"));
        assertEquals("Rebook needs the parameter optionId", bench.reply(10_000).fault());
        bench.ask("r-10", "CancelFlight", Map.of("pnr", "HX7K2P"));
        assertTrue(bench.reply(10_000).fault().startsWith("booking has no operation CancelFlight"));

        client.set(new BookingClient(new BookingClient.Settings(URI.create(booking.apiUrl()), "wrong-key",
                Duration.ofSeconds(1), Duration.ofSeconds(1)), json));
        bench.ask("r-11", "GetBooking", Map.of("pnr", "HX7K2P"));
        SystemReply unauthorized = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, unauthorized.status());
        assertEquals("UNAUTHORIZED", unauthorized.data().get("faultCode"));
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(BookingConnector.REQUESTS)));
    }

    @Test
    void whileTheSystemIsDownRequestsWaitOnTheBusAndAreAnsweredOnceWhenItIsBack() throws Exception {
        int port = booking.port();
        booking.stop();
        bench.ask("r-12", "GetBooking", Map.of("pnr", "HX7K2P"));
        assertNull(bench.reply(2_000), "no answer while booking is down");
        List<DomainEvent> down = bench.systemEvents(500);
        assertEquals(1, down.size(), "down once, however often it is retried: " + down);
        assertEquals(DomainEvent.SYSTEM_DOWN, down.get(0).type());
        assertEquals("booking", down.get(0).data().get("system"));
        assertTrue(down.get(0).data().get("reason").contains("connection refused"), down.toString());
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(BookingConnector.REQUESTS)));

        booking.start();
        assertEquals(port, booking.port());
        booking.failWith(503);
        assertNull(bench.reply(1_500), "a 503 is an outage, not an answer");
        assertTrue(bench.connector().health().lastFailure().contains("HTTP 503"), bench.connector().health().toString());

        booking.failWith(0);
        SystemReply answered = bench.reply(10_000);
        assertEquals("r-12", answered.requestId());
        assertEquals(SystemReply.Status.OK, answered.status());
        assertEquals("李娜、欧阳娜娜", answered.data().get("names"));
        assertNull(bench.reply(1_000), "exactly one reply");
        assertEquals(List.of(DomainEvent.SYSTEM_UP), bench.systemEvents(500).stream().map(DomainEvent::type).toList());
        assertEquals("CLOSED", bench.connector().health().state());
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(BookingConnector.REQUESTS)));
    }

    @Test
    void aSlowAnswerIsATimeout() throws Exception {
        booking.delay(Duration.ofMillis(1500));
        bench.ask("r-13", "GetBooking", Map.of("pnr", "HX7K2P"));
        assertNull(bench.reply(1_500));
        assertTrue(bench.connector().health().lastFailure().contains("no answer from"), bench.connector().health().toString());
        booking.delay(Duration.ZERO);
        assertEquals(SystemReply.Status.OK, bench.reply(10_000).status());
    }
}
