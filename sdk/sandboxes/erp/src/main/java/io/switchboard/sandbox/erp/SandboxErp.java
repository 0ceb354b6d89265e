package io.switchboard.sandbox.erp;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.sandbox.support.Json;
import io.switchboard.sandbox.support.SandboxServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A company's ERP as far as Switchboard can tell: a JSON REST API on the JDK's HTTP server at
 * {@code http://127.0.0.1:<port>/api}, every call with {@code Authorization: Bearer <api key>}.
 *
 * <ul>
 *   <li>{@code GET /api/orders/{number}}: one order, 404 if unknown</li>
 *   <li>{@code GET /api/orders?customerPhone=…} or {@code ?customerEmail=…}: a customer's orders, newest first</li>
 *   <li>{@code GET /api/stock/{sku}}: what is available, per warehouse</li>
 *   <li>{@code POST /api/orders}: a new order, 201; the same {@code externalReference} again is the
 *       same order, 200; a short stock is 409 {@code OUT_OF_STOCK} and takes nothing; bad input 400</li>
 * </ul>
 * Errors are {@code {"code": …, "message": …}}. The control API under {@code /sandbox/} (no key)
 * seeds products, stock and orders, plays outages and lists the calls received; tests in the same
 * JVM use the methods below instead. {@link #stop()} and {@link #start()} keep the port and the data.
 */
public final class SandboxErp extends SandboxServer {

    public static final String DEFAULT_API_KEY = "erp-sandbox-key";
    public static final String CURRENCY = "CNY";
    static final String API = "/api";
    static final String CONTROL = "/sandbox";

    /** A product the ERP sells, at {@code unitPrice} CNY. */
    public record Product(String sku, String name, BigDecimal unitPrice) {
        public Product {
            Objects.requireNonNull(sku, "sku");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(unitPrice, "unitPrice");
        }
    }

    public record Customer(String name, String phone, String email) {
    }

    public record Item(String sku, String name, int quantity, BigDecimal unitPrice) {
        BigDecimal amount() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity)).setScale(2, RoundingMode.HALF_UP);
        }
    }

    public record Order(String number, String externalReference, String status, Customer customer, List<Item> items,
                        String shippingAddress, String note, BigDecimal total, String currency, Instant createdAt) {
    }

    /** An answer of the API: status and JSON body. */
    private record Answer(int status, Object body) {
    }

    private final Map<String, Product> products = new LinkedHashMap<>();
    private final Map<String, TreeMap<String, Integer>> stock = new HashMap<>();
    private final Map<String, Order> orders = new LinkedHashMap<>();
    private final Map<String, String> byReference = new HashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private long nextNumber = 10001;
    private volatile String apiKey = DEFAULT_API_KEY;
    private volatile Duration delay = Duration.ZERO;
    private volatile int failWith;

    private SandboxErp(int port) {
        super("sandbox-erp", port);
        context(API + "/", this::api);
        context(CONTROL + "/", this::control);
    }

    /** Starts it on {@code port} (0: a free one, which it then keeps across {@link #stop()} and {@link #start()}). */
    public static SandboxErp start(int port) {
        SandboxErp erp = new SandboxErp(port);
        erp.start();
        return erp;
    }

    /** The API's base address, what the connector's {@code endpoint} is set to. */
    @Override
    public String url() {
        return super.url() + API;
    }

    /** The control API's base address. */
    public String controlUrl() {
        return super.url() + CONTROL;
    }

    public String apiKey() {
        return apiKey;
    }

    public SandboxErp apiKey(String key) {
        this.apiKey = Objects.requireNonNull(key, "key");
        return this;
    }

    public synchronized SandboxErp product(String sku, String name, String unitPrice) {
        products.put(sku, new Product(sku, name, new BigDecimal(unitPrice)));
        stock.computeIfAbsent(sku, s -> new TreeMap<>());
        return this;
    }

    /** Sets what {@code warehouse} has of {@code sku} (a product already). */
    public synchronized SandboxErp stock(String sku, String warehouse, int available) {
        if (!products.containsKey(sku)) {
            throw new IllegalArgumentException("no product " + sku);
        }
        stock.computeIfAbsent(sku, s -> new TreeMap<>()).put(warehouse, Math.max(0, available));
        return this;
    }

    public synchronized int available(String sku) {
        return stock.getOrDefault(sku, new TreeMap<>()).values().stream().mapToInt(Integer::intValue).sum();
    }

    public synchronized List<Order> orders() {
        return List.copyOf(orders.values());
    }

    public synchronized Optional<Order> order(String number) {
        return Optional.ofNullable(orders.get(number));
    }

    /** Every answer of the API waits this long first (a slow ERP, a hang: the client's timeout). */
    public void delay(Duration delay) {
        this.delay = delay == null ? Duration.ZERO : delay;
    }

    /** Every API call is answered with this HTTP status and an HTML page, as a gateway would (0: answer normally). */
    public void failWith(int httpStatus) {
        this.failWith = httpStatus;
    }

    /** The API calls received, {@code METHOD path[?query]}, in order, including refused ones. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public void clearCalls() {
        calls.clear();
    }

    public synchronized void reset() {
        products.clear();
        stock.clear();
        orders.clear();
        byReference.clear();
        calls.clear();
        delay = Duration.ZERO;
        failWith = 0;
    }

    // ---- the ERP's API

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + (query == null ? "" : "?" + query));
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!SandboxServer.pause(delay)) {
                return;
            }
            if (failWith != 0) {
                SandboxServer.errorPage(exchange, failWith);
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.equals("Bearer " + apiKey)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"erp\"");
                json(exchange, error(401, "UNAUTHORIZED", "API key missing or wrong"));
                return;
            }
            json(exchange, route(exchange.getRequestMethod(), exchange.getRequestURI().getPath().substring(API.length()),
                    query(query), new String(body, StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            json(exchange, error(500, "INTERNAL", "sandbox failed: " + e));
        }
    }

    private Answer route(String method, String path, Map<String, String> query, String body) {
        if (path.equals("/orders")) {
            return switch (method) {
                case "GET" -> find(query);
                case "POST" -> create(body, false);
                default -> error(405, "METHOD_NOT_ALLOWED", "GET or POST /api/orders");
            };
        }
        if (path.startsWith("/orders/") && path.length() > "/orders/".length()) {
            if (!method.equals("GET")) {
                return error(405, "METHOD_NOT_ALLOWED", "GET /api/orders/{number}");
            }
            String number = path.substring("/orders/".length());
            Order order;
            synchronized (this) {
                order = orders.get(number);
            }
            return order == null ? error(404, "NOT_FOUND", "订单 " + number + " 不存在") : new Answer(200, view(order));
        }
        if (path.startsWith("/stock/") && path.length() > "/stock/".length()) {
            if (!method.equals("GET")) {
                return error(405, "METHOD_NOT_ALLOWED", "GET /api/stock/{sku}");
            }
            return stockOf(path.substring("/stock/".length()));
        }
        return error(404, "NOT_FOUND", "no such resource: " + path);
    }

    private synchronized Answer find(Map<String, String> query) {
        String phone = query.get("customerPhone");
        String email = query.get("customerEmail");
        if ((phone == null || phone.isBlank()) && (email == null || email.isBlank())) {
            return error(400, "BAD_REQUEST", "customerPhone or customerEmail is required");
        }
        List<Object> found = new ArrayList<>();
        List<Order> all = new ArrayList<>(orders.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            Customer c = all.get(i).customer();
            if ((phone != null && !phone.isBlank() && phone.trim().equals(c.phone()))
                    || (email != null && !email.isBlank() && email.trim().equalsIgnoreCase(c.email()))) {
                found.add(view(all.get(i)));
            }
        }
        return new Answer(200, Map.of("orders", found));
    }

    private synchronized Answer stockOf(String sku) {
        Product product = products.get(sku);
        if (product == null) {
            return error(404, "NOT_FOUND", "商品 " + sku + " 不存在");
        }
        List<Object> warehouses = new ArrayList<>();
        stock.getOrDefault(sku, new TreeMap<>()).forEach((w, n) -> warehouses.add(map("warehouse", w, "available", n)));
        return new Answer(200, map("sku", sku, "name", product.name(), "available", available(sku), "warehouses", warehouses));
    }

    /** One order from a body of the API (or the control API's seed, which takes no stock and may name the number). */
    private synchronized Answer create(String body, boolean seed) {
        Map<String, Object> in;
        try {
            if (!(Json.parse(body) instanceof Map<?, ?> object)) {
                return error(400, "BAD_REQUEST", "the body is a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> cast = (Map<String, Object>) object;
            in = cast;
        } catch (IllegalArgumentException e) {
            return error(400, "BAD_REQUEST", "not JSON: " + e.getMessage());
        }
        String reference = text(in.get("externalReference"));
        if (!seed && (reference == null || reference.length() > 100)) {
            return error(400, "BAD_REQUEST", "externalReference is required (at most 100 characters)");
        }
        if (reference != null && byReference.containsKey(reference)) {
            // the caller's retry: the order it made the first time
            return new Answer(200, view(orders.get(byReference.get(reference))));
        }
        if (!(in.get("customer") instanceof Map<?, ?> customer) || text(customer.get("name")) == null) {
            return error(400, "BAD_REQUEST", "customer.name is required");
        }
        String address = text(in.get("shippingAddress"));
        if (address == null) {
            return error(400, "BAD_REQUEST", "shippingAddress is required");
        }
        if (!(in.get("items") instanceof List<?> lines) || lines.isEmpty()) {
            return error(400, "BAD_REQUEST", "items must hold at least one {sku, quantity}");
        }
        List<Item> items = new ArrayList<>();
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (Object line : lines) {
            if (!(line instanceof Map<?, ?> item) || text(item.get("sku")) == null) {
                return error(400, "BAD_REQUEST", "every item has a sku and a quantity");
            }
            String sku = text(item.get("sku"));
            Product product = products.get(sku);
            if (product == null) {
                Answer unknown = error(400, "UNKNOWN_SKU", "商品 " + sku + " 不存在");
                ((Map<String, Object>) unknown.body()).put("sku", sku);
                return unknown;
            }
            Integer quantity = whole(item.get("quantity"));
            if (quantity == null || quantity < 1 || quantity > 100_000) {
                return error(400, "BAD_REQUEST", "the quantity of " + sku + " is a whole number from 1 to 100000");
            }
            items.add(new Item(sku, product.name(), quantity, product.unitPrice()));
            wanted.merge(sku, quantity, Integer::sum);
        }
        if (!seed) {
            for (Map.Entry<String, Integer> w : wanted.entrySet()) {
                int available = available(w.getKey());
                if (available < w.getValue()) {
                    Answer shortage = error(409, "OUT_OF_STOCK", "商品 " + products.get(w.getKey()).name() + "（" + w.getKey()
                            + "）库存不足：需要 " + w.getValue() + "，可用 " + available);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> details = (Map<String, Object>) shortage.body();
                    details.put("sku", w.getKey());
                    details.put("requested", w.getValue());
                    details.put("available", available);
                    return shortage;
                }
            }
            // only now, with every line available, is stock taken: all or nothing
            wanted.forEach(this::take);
        }
        String number = seed && text(in.get("number")) != null ? text(in.get("number")) : String.valueOf(nextNumber++);
        String status = seed && text(in.get("status")) != null ? text(in.get("status")) : "CONFIRMED";
        BigDecimal total = items.stream().map(Item::amount).reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2, RoundingMode.HALF_UP);
        Order order = new Order(number, reference, status, new Customer(text(customer.get("name")), text(customer.get("phone")),
                text(customer.get("email"))), List.copyOf(items), address, text(in.get("note")), total, CURRENCY, Instant.now());
        orders.put(number, order);
        if (reference != null) {
            byReference.put(reference, number);
        }
        return new Answer(201, view(order));
    }

    private void take(String sku, int quantity) {
        int left = quantity;
        for (Map.Entry<String, Integer> w : stock.get(sku).entrySet()) {
            int taken = Math.min(left, w.getValue());
            w.setValue(w.getValue() - taken);
            left -= taken;
        }
    }

    static Map<String, Object> view(Order o) {
        List<Object> items = new ArrayList<>();
        for (Item i : o.items()) {
            items.add(map("sku", i.sku(), "name", i.name(), "quantity", i.quantity(), "unitPrice", yuan(i.unitPrice()),
                    "amount", yuan(i.amount())));
        }
        Map<String, Object> customer = map("name", o.customer().name());
        putIf(customer, "phone", o.customer().phone());
        putIf(customer, "email", o.customer().email());
        Map<String, Object> view = map("number", o.number(), "status", o.status(), "total", yuan(o.total()),
                "currency", o.currency(), "items", items, "customer", customer, "shippingAddress", o.shippingAddress());
        putIf(view, "externalReference", o.externalReference());
        putIf(view, "note", o.note());
        view.put("createdAt", o.createdAt().toString());
        return view;
    }

    // ---- the control API, for tests that drive it over HTTP

    private void control(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(CONTROL.length());
            String method = exchange.getRequestMethod();
            json(exchange, control(method, path, SandboxServer.body(exchange)));
        } catch (IllegalArgumentException | ClassCastException e) {
            json(exchange, error(400, "BAD_REQUEST", e.getMessage()));
        } catch (RuntimeException e) {
            json(exchange, error(500, "INTERNAL", "sandbox failed: " + e));
        }
    }

    @SuppressWarnings("unchecked")
    private Answer control(String method, String path, String body) {
        switch (method + " " + path) {
            case "POST /products" -> {
                Map<String, Object> p = (Map<String, Object>) Json.parse(body);
                String sku = Objects.requireNonNull(text(p.get("sku")), "sku");
                product(sku, Objects.requireNonNull(text(p.get("name")), "name"), String.valueOf(p.get("unitPrice")));
                if (p.get("stock") instanceof Map<?, ?> perWarehouse) {
                    perWarehouse.forEach((w, n) -> stock(sku, (String) w, stockCount(n)));
                }
                return stockOf(sku);
            }
            case "POST /orders" -> {
                return create(body, true);
            }
            case "GET /orders" -> {
                return new Answer(200, orders().stream().map(SandboxErp::view).toList());
            }
            case "GET /calls" -> {
                return new Answer(200, calls());
            }
            case "DELETE /calls" -> {
                clearCalls();
                return new Answer(200, List.of());
            }
            case "PUT /mode" -> {
                Map<String, Object> m = (Map<String, Object>) Json.parse(body);
                failWith(m.get("failWith") instanceof Number f ? f.intValue() : 0);
                delay(Duration.ofMillis(m.get("delayMillis") instanceof Number d ? d.longValue() : 0));
                return new Answer(200, map("failWith", failWith, "delayMillis", delay.toMillis()));
            }
            case "POST /reset" -> {
                reset();
                return new Answer(200, Map.of());
            }
            default -> {
                if (method.equals("PUT") && path.startsWith("/stock/")) {
                    String sku = path.substring("/stock/".length());
                    Map<String, Object> perWarehouse = (Map<String, Object>) Json.parse(body);
                    perWarehouse.forEach((w, n) -> stock(sku, w, stockCount(n)));
                    return stockOf(sku);
                }
                return error(404, "NOT_FOUND", "control API: POST /sandbox/products, PUT /sandbox/stock/{sku}, POST|GET"
                        + " /sandbox/orders, GET|DELETE /sandbox/calls, PUT /sandbox/mode, POST /sandbox/reset");
            }
        }
    }

    // ---- plumbing

    /** A whole JSON number ({@code 3}, also {@code 3.0}) as an int; anything else (text, 2.5, too big) is null. */
    private static Integer whole(Object value) {
        try {
            return value instanceof Number n ? new BigDecimal(n.toString()).intValueExact() : null;
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    private static int stockCount(Object value) {
        Integer count = whole(value);
        if (count == null) {
            throw new IllegalArgumentException("stock is a whole number per warehouse, not " + value);
        }
        return count;
    }

    private static Answer error(int status, String code, String message) {
        return new Answer(status, map("code", code, "message", message));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s.trim() : null;
    }

    private static String yuan(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static void putIf(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static void json(HttpExchange exchange, Answer answer) throws IOException {
        SandboxServer.json(exchange, answer.status(), answer.body());
    }
}
