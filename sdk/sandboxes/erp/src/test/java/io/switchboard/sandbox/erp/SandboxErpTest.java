package io.switchboard.sandbox.erp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.support.Json;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox over real HTTP, as an ERP client and as a test driving its control API. */
class SandboxErpTest {

    final HttpClient http = HttpClient.newHttpClient();
    SandboxErp erp;

    @BeforeEach
    void start() {
        erp = SandboxErp.start(0);
        erp.product("KETTLE-17", "电热水壶 1.7L", "199.00").stock("KETTLE-17", "北京仓", 2).stock("KETTLE-17", "上海仓", 1);
        erp.product("ROUTER-AX3", "千兆无线路由器", "299.00").stock("ROUTER-AX3", "上海仓", 5);
    }

    @AfterEach
    void stop() {
        erp.close();
    }

    HttpResponse<String> call(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(erp.url() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> control(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(erp.controlUrl() + path)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(HttpResponse<String> r) {
        return (Map<String, Object>) Json.parse(r.body());
    }

    static String order(String reference, String sku, int quantity) {
        return "{\"externalReference\":\"" + reference + "\",\"customer\":{\"name\":\"王小明\",\"phone\":\"+8613800138000\"},"
                + "\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}],\"shippingAddress\":\"北京市朝阳区建国路 88 号\","
                + "\"note\":\"工作日送货\"}";
    }

    @Test
    void anOrderIsMadeOnceForOneReferenceAndTakesItsStock() throws Exception {
        HttpResponse<String> created = call("POST", "/orders", order("conv-1:a", "KETTLE-17", 3), erp.apiKey());
        assertEquals(201, created.statusCode(), created.body());
        Map<String, Object> order = json(created);
        assertEquals("597.00", order.get("total"));
        assertEquals("CNY", order.get("currency"));
        assertEquals("电热水壶 1.7L", ((Map<?, ?>) ((List<?>) order.get("items")).get(0)).get("name"));
        assertEquals(0, erp.available("KETTLE-17"), "two from 北京仓 and one from 上海仓");

        HttpResponse<String> again = call("POST", "/orders", order("conv-1:a", "KETTLE-17", 3), erp.apiKey());
        assertEquals(200, again.statusCode());
        assertEquals(order.get("number"), json(again).get("number"));
        assertEquals(1, erp.orders().size());

        HttpResponse<String> one = call("GET", "/orders/" + order.get("number"), null, erp.apiKey());
        assertEquals("北京市朝阳区建国路 88 号", json(one).get("shippingAddress"));
        HttpResponse<String> mine = call("GET", "/orders?customerPhone=" + URLEncoder.encode("+8613800138000", StandardCharsets.UTF_8),
                null, erp.apiKey());
        assertEquals(1, ((List<?>) json(mine).get("orders")).size(), mine.body());
        assertEquals(404, call("GET", "/orders/99999", null, erp.apiKey()).statusCode());
    }

    @Test
    void aShortStockIsOutOfStockAndTakesNothing() throws Exception {
        String both = "{\"externalReference\":\"r-2\",\"customer\":{\"name\":\"李雷\"},\"items\":[{\"sku\":\"ROUTER-AX3\",\"quantity\":1},"
                + "{\"sku\":\"KETTLE-17\",\"quantity\":4}],\"shippingAddress\":\"上海市浦东新区\"}";
        HttpResponse<String> r = call("POST", "/orders", both, erp.apiKey());
        assertEquals(409, r.statusCode());
        assertEquals("OUT_OF_STOCK", json(r).get("code"));
        assertEquals("KETTLE-17", json(r).get("sku"));
        assertEquals(5, erp.available("ROUTER-AX3"), "the available line was not taken either");
        assertEquals(List.of(), erp.orders());
        Map<String, Object> stock = json(call("GET", "/stock/KETTLE-17", null, erp.apiKey()));
        assertEquals(3L, stock.get("available"));
        assertEquals(2, ((List<?>) stock.get("warehouses")).size());
    }

    @Test
    void badInputIs400AndAWrongKeyIs401() throws Exception {
        assertEquals(401, call("GET", "/stock/KETTLE-17", null, null).statusCode());
        assertEquals(401, call("GET", "/stock/KETTLE-17", null, "wrong").statusCode());
        assertEquals(400, call("POST", "/orders", "{\"customer\":{\"name\":\"x\"}}", erp.apiKey()).statusCode());
        assertEquals(400, call("POST", "/orders", order("r-3", "KETTLE-17", 0), erp.apiKey()).statusCode());
        assertEquals("UNKNOWN_SKU", json(call("POST", "/orders", order("r-4", "NOPE", 1), erp.apiKey())).get("code"));
        assertEquals(400, call("POST", "/orders", "not json", erp.apiKey()).statusCode());
        assertEquals(400, call("GET", "/orders", null, erp.apiKey()).statusCode());
    }

    @Test
    void theControlApiSeedsPlaysOutagesAndListsCalls() throws Exception {
        assertEquals(200, control("POST", "/products", "{\"sku\":\"TEA-1\",\"name\":\"西湖龙井 250g\",\"unitPrice\":\"168.00\","
                + "\"stock\":{\"杭州仓\":7}}").statusCode());
        assertEquals(7, erp.available("TEA-1"));
        assertEquals(201, control("POST", "/orders", "{\"number\":\"20001\",\"status\":\"SHIPPED\",\"customer\":{\"name\":\"韩梅梅\","
                + "\"email\":\"mei@example.cn\"},\"items\":[{\"sku\":\"TEA-1\",\"quantity\":1}],\"shippingAddress\":\"杭州市西湖区\"}")
                .statusCode());
        assertEquals("SHIPPED", json(call("GET", "/orders/20001", null, erp.apiKey())).get("status"));
        assertEquals(7, erp.available("TEA-1"), "a seeded order takes no stock");

        control("PUT", "/mode", "{\"failWith\":503}");
        assertEquals(503, call("GET", "/orders/20001", null, erp.apiKey()).statusCode());
        control("PUT", "/mode", "{\"failWith\":0}");
        assertTrue(control("GET", "/calls", null).body().contains("GET /api/orders/20001"));

        int port = erp.port();
        erp.stop();
        assertThrows(ConnectException.class, () -> call("GET", "/orders/20001", null, erp.apiKey()));
        erp.start();
        assertEquals(port, erp.port());
        assertEquals(200, call("GET", "/orders/20001", null, erp.apiKey()).statusCode());
    }
}
