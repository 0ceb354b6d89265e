package io.switchboard.system.erp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.sandbox.erp.SandboxErp;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.ConnectorBench;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector on a real broker against the ERP sandbox over HTTP: orders with Chinese names made
 * once per reference, the ERP's refusals (OUT_OF_STOCK, NOT_FOUND, a wrong key) answered as faults
 * word for word, lookups, and outages (refused, 503, a hang) that keep requests on the bus until
 * the ERP is back, with exactly one reply and one order.
 */
class ErpConnectorTest {

    static final CallPolicy POLICY = new CallPolicy(2, Duration.ofMillis(800), Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofSeconds(30));

    final CanonicalJson json = new CanonicalJson();
    final AtomicReference<ErpClient> client = new AtomicReference<>();
    SandboxErp erp;
    ConnectorBench bench;

    @BeforeEach
    void start() throws Exception {
        erp = SandboxErp.start(0).apiKey("k-1f3a9");
        erp.product("KETTLE-17", "电热水壶 1.7L", "199.00").stock("KETTLE-17", "北京仓", 3).stock("KETTLE-17", "上海仓", 1);
        erp.product("FILTER-RO", "净水器滤芯（三支装）", "89.90").stock("FILTER-RO", "广州仓", 1);
        client.set(client(erp.url(), erp.apiKey()));
        bench = ConnectorBench.start("erp", request -> ErpConnector.ask(client.get(), request), POLICY);
    }

    @AfterEach
    void stop() throws Exception {
        bench.close();
        erp.close();
    }

    ErpClient client(String url, String key) {
        return new ErpClient(new ErpClient.Settings(URI.create(url), key, Duration.ofSeconds(1), Duration.ofSeconds(1)), json);
    }

    void ask(String id, String operation, Map<String, String> params) {
        // a fresh duplicate id per send, so a test can play the same request delivered twice
        bench.send(new SystemRequest(id, "erp", operation, params, "c-1", "conv-1", ConnectorBench.REPLIES, Instant.now(), null),
                id + ":" + System.nanoTime());
    }

    static Map<String, String> kettles(String reference, int quantity) {
        Map<String, String> p = new LinkedHashMap<>();
        if (reference != null) {
            p.put("reference", reference);
        }
        p.put("name", "王小明");
        p.put("phone", "+8613800138000");
        p.put("address", "北京市朝阳区建国路 88 号 3 单元 502");
        p.put("note", "工作日白天送货");
        p.put("item.0.sku", "KETTLE-17");
        p.put("item.0.quantity", Integer.toString(quantity));
        return p;
    }

    @Test
    void createOrderWithChineseNamesMakesOneOrderPerReference() throws Exception {
        ask("r-1", "CreateOrder", kettles("conv-1:kettle", 2));
        SystemReply created = bench.reply(10_000);
        assertNotNull(created);
        assertEquals(SystemReply.Status.OK, created.status(), created.toString());
        assertEquals("r-1", created.requestId());
        assertEquals("CreateOrder", created.operation());
        Map<String, String> data = created.data();
        assertEquals("10001", data.get("number"));
        assertEquals("CONFIRMED", data.get("status"));
        assertEquals("398.00", data.get("total"));
        assertEquals("CNY", data.get("currency"));
        assertEquals("电热水壶 1.7L", data.get("item.0.name"));
        assertEquals("2", data.get("item.0.quantity"));
        assertEquals("王小明", data.get("name"));
        assertEquals("北京市朝阳区建国路 88 号 3 单元 502", data.get("address"));
        SandboxErp.Order order = erp.order("10001").orElseThrow();
        assertEquals("王小明", order.customer().name());
        assertEquals("工作日白天送货", order.note());
        assertEquals(2, erp.available("KETTLE-17"));

        ask("r-2", "CreateOrder", kettles("conv-1:kettle", 2));
        assertEquals("10001", bench.reply(10_000).data().get("number"), "the same reference is the same order");
        assertEquals(1, erp.orders().size());
        assertEquals(2, erp.available("KETTLE-17"), "stock taken once");
    }

    @Test
    void aRequestDeliveredTwiceWithoutAReferenceStillMakesOneOrder() throws Exception {
        ask("r-3", "CreateOrder", kettles(null, 1));
        ask("r-3", "CreateOrder", kettles(null, 1));
        SystemReply first = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, first.status());
        long end = System.currentTimeMillis() + 10_000;
        while (erp.calls().size() < 2 && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertEquals(List.of("POST /api/orders", "POST /api/orders"), erp.calls(), "both deliveries asked the ERP");
        assertNull(bench.reply(1_000), "the broker drops the second reply to the same id");
        assertEquals(1, erp.orders().size());
        assertEquals("r-3", erp.orders().get(0).externalReference());
        assertEquals(first.data().get("number"), erp.orders().get(0).number());
    }

    @Test
    void outOfStockIsAFaultWithTheErpsCodeAndTakesNothing() throws Exception {
        ask("r-4", "CreateOrder", kettles("conv-2:kettle", 5));
        SystemReply fault = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, fault.status());
        assertEquals("OUT_OF_STOCK", fault.data().get("faultCode"));
        assertEquals("商品 电热水壶 1.7L（KETTLE-17）库存不足：需要 5，可用 4", fault.fault());
        assertEquals(4, erp.available("KETTLE-17"));
        assertEquals(List.of(), erp.orders());
        assertEquals(List.of("POST /api/orders"), erp.calls(), "a fault is not asked again");
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(ErpConnector.REQUESTS)));
    }

    @Test
    void lookupsAnswerOrdersStockAndNotFound() throws Exception {
        ask("r-5", "CreateOrder", kettles("conv-3:kettle", 1));
        String number = bench.reply(10_000).data().get("number");

        ask("r-6", "GetOrder", Map.of("number", number));
        SystemReply one = bench.reply(10_000);
        assertEquals("199.00", one.data().get("total"));
        assertEquals("KETTLE-17", one.data().get("item.0.sku"));

        ask("r-7", "FindOrders", Map.of("phone", "+8613800138000"));
        SystemReply mine = bench.reply(10_000);
        assertEquals("1", mine.data().get("count"), mine.toString());
        assertEquals(number, mine.data().get("order.0.number"));

        ask("r-8", "GetStock", Map.of("sku", "KETTLE-17"));
        SystemReply stock = bench.reply(10_000);
        assertEquals("3", stock.data().get("available"));
        assertEquals("上海仓", stock.data().get("warehouse.0.name"), "the one kettle came from 上海仓");
        assertEquals("0", stock.data().get("warehouse.0.available"));
        assertEquals("北京仓", stock.data().get("warehouse.1.name"));

        ask("r-9", "GetOrder", Map.of("number", "99999"));
        SystemReply missing = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, missing.status());
        assertEquals("NOT_FOUND", missing.data().get("faultCode"));
        assertEquals("订单 99999 不存在", missing.fault());
    }

    @Test
    void wrongParametersAndAWrongKeyAreFaultsNotRetries() throws Exception {
        ask("r-10", "CreateOrder", Map.of("name", "王小明", "address", "北京"));
        SystemReply noItems = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, noItems.status());
        assertEquals("BAD_REQUEST", noItems.data().get("faultCode"));
        ask("r-11", "CancelOrder", Map.of("number", "1"));
        assertEquals("UNKNOWN_OPERATION", bench.reply(10_000).data().get("faultCode"));
        assertEquals(List.of(), erp.calls(), "neither was sent to the ERP");

        client.set(client(erp.url(), "wrong"));
        ask("r-12", "GetStock", Map.of("sku", "KETTLE-17"));
        SystemReply refused = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, refused.status());
        assertEquals("UNAUTHORIZED", refused.data().get("faultCode"));
    }

    @Test
    void whileTheErpIsDownACreateOrderIsHeldThenAnsweredOnceWithOneOrder() throws Exception {
        int port = erp.port();
        erp.stop();
        ask("r-13", "CreateOrder", kettles("conv-4:kettle", 1));
        assertNull(bench.reply(2_000), "no answer while the ERP is down");
        List<DomainEvent> down = bench.systemEvents(500);
        assertEquals(DomainEvent.SYSTEM_DOWN, down.get(0).type(), down.toString());
        assertEquals("erp", down.get(0).data().get("system"));
        assertTrue(down.get(0).data().get("reason").contains("cannot reach"), down.toString());
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(ErpConnector.REQUESTS)));

        erp.start();
        assertEquals(port, erp.port());
        SystemReply created = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, created.status());
        assertNull(bench.reply(1_000), "exactly one reply");
        assertEquals(1, erp.orders().size());
        assertEquals(List.of(DomainEvent.SYSTEM_UP), bench.systemEvents(500).stream().map(DomainEvent::type).toList());
        assertEquals("CLOSED", bench.connector().health().state());
    }

    @Test
    void aGatewayErrorAndAHangAreOutagesNotAnswers() throws Exception {
        erp.failWith(503);
        ask("r-14", "GetStock", Map.of("sku", "FILTER-RO"));
        assertNull(bench.reply(1_500));
        assertTrue(bench.connector().health().lastFailure().contains("HTTP 503"), bench.connector().health().toString());
        erp.failWith(0);
        erp.delay(Duration.ofMillis(1500));
        assertNull(bench.reply(1_500));
        erp.delay(Duration.ZERO);
        SystemReply stock = bench.reply(10_000);
        assertEquals(SystemReply.Status.OK, stock.status());
        assertEquals("净水器滤芯（三支装）", stock.data().get("name"));
        assertTrue(erp.calls().size() >= 3, erp.calls().toString());
    }
}
