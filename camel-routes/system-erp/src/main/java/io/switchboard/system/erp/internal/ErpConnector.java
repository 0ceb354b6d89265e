package io.switchboard.system.erp.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.SystemConnector;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ERP connector: the bundle's one DS component, owning its CamelContext. It answers
 * {@code GetOrder}, {@code FindOrders}, {@code GetStock} and {@code CreateOrder} requests from
 * {@code sb.system.erp.request} by asking the company's ERP over its REST API. Parameters and data
 * are flat strings; lists are indexed keys ({@code item.0.sku}, {@code item.0.quantity}).
 * Configured by {@code etc/io.switchboard.system.erp.cfg}; a change applies to the next call
 * without restarting the routes, so a request held through an outage is not put back for it.
 */
@Component(immediate = true, configurationPid = "io.switchboard.system.erp")
@Designate(ocd = ErpConnector.Config.class)
public class ErpConnector {

    @ObjectClassDefinition(name = "Switchboard ERP connector (REST)")
    public @interface Config {
        @AttributeDefinition(description = "The ERP API's base address; the operations append /orders and /stock")
        String endpoint() default "http://localhost:8092/api";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "The API key, sent as Authorization: Bearer")
        String apiKey() default "";

        @AttributeDefinition(description = "Seconds to wait for the TCP connection")
        int connectTimeoutSeconds() default 5;

        @AttributeDefinition(description = "Seconds to wait for one call's answer")
        int callTimeoutSeconds() default 10;

        @AttributeDefinition(description = "Unreachable calls in a row after which the connector stops asking (system.down)")
        int failureThreshold() default 3;

        @AttributeDefinition(description = "Seconds the connector stops asking once the breaker opened; then one call tries")
        int coolDownSeconds() default 30;

        @AttributeDefinition(description = "Milliseconds before asking again after the first failure; doubles each time")
        int retryFirstMillis() default 500;

        @AttributeDefinition(description = "Longest pause between two attempts, in seconds")
        int retryMaxSeconds() default 30;

        @AttributeDefinition(description = "Seconds one request is held unanswered before it goes back to the bus (below the broker's transaction timeout, 300 s)")
        int holdSeconds() default 120;
    }

    static final String SYSTEM = "erp";
    static final String REQUESTS = BusAddress.systemRequest(SYSTEM);
    static final List<String> OPERATIONS = List.of("GetOrder", "FindOrders", "GetStock", "CreateOrder");
    /** More lines than this in one order is a mistake, not a purchase. */
    static final int MAX_ITEMS = 100;
    /** How many of a customer's orders FindOrders returns, newest first. */
    static final int MAX_ORDERS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(ErpConnector.class);

    private final CanonicalJson json = new CanonicalJson();
    private final AtomicReference<ErpClient> client = new AtomicReference<>();
    private final SystemConnector connector;
    private final BundleRoutes routes;

    @Activate
    public ErpConnector(BundleContext context, Config config, @Reference Bus bus) throws Exception {
        client.set(new ErpClient(settings(config), json));
        connector = new SystemConnector(SYSTEM, bus, request -> ask(client.get(), request), policy(config));
        routes = BundleRoutes.start(context, "switchboard-erp", bus, connector.routes());
    }

    @Modified
    void modified(Config config) {
        client.set(new ErpClient(settings(config), json));
        connector.configure(policy(config));
        LOG.info("erp: now {} (timeouts {} s/{} s, breaker {} failures, {} s)", config.endpoint(),
                config.connectTimeoutSeconds(), config.callTimeoutSeconds(), config.failureThreshold(), config.coolDownSeconds());
    }

    @Deactivate
    void deactivate() {
        connector.stop();
        routes.close();
    }

    static CallPolicy policy(Config config) {
        return CallPolicy.of(config.failureThreshold(), config.coolDownSeconds(), config.retryFirstMillis(),
                config.retryMaxSeconds(), config.holdSeconds());
    }

    static ErpClient.Settings settings(Config config) {
        return new ErpClient.Settings(URI.create(config.endpoint().trim()), config.apiKey(),
                Duration.ofSeconds(Math.max(1, config.connectTimeoutSeconds())),
                Duration.ofSeconds(Math.max(1, config.callTimeoutSeconds())));
    }

    /** One request: its parameters checked here (a wrong one is a fault, never sent), then one call to the ERP. */
    static Map<String, String> ask(ErpClient client, SystemRequest request) throws SystemFault, SystemUnreachable {
        Map<String, String> params = request.params();
        return switch (request.operation()) {
            case "GetOrder" -> order(client.order(required(params, "number")));
            case "FindOrders" -> {
                String phone = optional(params, "phone");
                String email = optional(params, "email");
                if (phone == null && email == null) {
                    throw new SystemFault("BAD_REQUEST", "FindOrders needs the parameter phone or email");
                }
                yield orders(client.orders(phone, email));
            }
            case "GetStock" -> stock(client.stock(required(params, "sku")));
            // the reference defaults to the request's id, which a redelivered request keeps: one order either way
            case "CreateOrder" -> order(client.create(newOrder(params, request.id())));
            default -> throw new SystemFault("UNKNOWN_OPERATION", "the ERP has no operation " + request.operation()
                    + " (only " + String.join(", ", OPERATIONS) + ")");
        };
    }

    /** The API's body of {@code POST /orders} from CreateOrder's flat parameters. */
    static Map<String, Object> newOrder(Map<String, String> params, String requestId) throws SystemFault {
        String reference = optional(params, "reference");
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("name", required(params, "name"));
        putIf(customer, "phone", optional(params, "phone"));
        putIf(customer, "email", optional(params, "email"));
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; params.containsKey("item." + i + ".sku"); i++) {
            if (i >= MAX_ITEMS) {
                throw new SystemFault("BAD_REQUEST", "at most " + MAX_ITEMS + " items in one order");
            }
            String sku = required(params, "item." + i + ".sku");
            String quantity = required(params, "item." + i + ".quantity");
            int n;
            try {
                n = Integer.parseInt(quantity);
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new SystemFault("BAD_REQUEST", "item." + i + ".quantity must be a whole number above 0, not " + quantity);
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("sku", sku);
            item.put("quantity", n);
            items.add(item);
        }
        if (items.isEmpty()) {
            throw new SystemFault("BAD_REQUEST", "CreateOrder needs at least item.0.sku and item.0.quantity");
        }
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("externalReference", reference == null ? requestId : reference);
        order.put("customer", customer);
        order.put("items", items);
        order.put("shippingAddress", required(params, "address"));
        putIf(order, "note", optional(params, "note"));
        return order;
    }

    /** An order as flat data: number, status, total, currency, the customer and item.N.* lines. */
    static Map<String, String> order(Map<String, Object> order) throws SystemUnreachable {
        Map<String, String> data = new LinkedHashMap<>();
        String number = ErpClient.text(order.get("number"));
        if (number == null) {
            throw new SystemUnreachable("the ERP's order has no number: " + order.keySet());
        }
        data.put("number", number);
        putText(data, "status", order.get("status"));
        putText(data, "total", order.get("total"));
        putText(data, "currency", order.get("currency"));
        putText(data, "reference", order.get("externalReference"));
        if (order.get("customer") instanceof Map<?, ?> customer) {
            putText(data, "name", customer.get("name"));
            putText(data, "phone", customer.get("phone"));
            putText(data, "email", customer.get("email"));
        }
        putText(data, "address", order.get("shippingAddress"));
        putText(data, "note", order.get("note"));
        putText(data, "createdAt", order.get("createdAt"));
        List<?> items = order.get("items") instanceof List<?> list ? list : List.of();
        int i = 0;
        for (Object line : items) {
            if (line instanceof Map<?, ?> item) {
                for (String key : List.of("sku", "name", "quantity", "unitPrice", "amount")) {
                    putText(data, "item." + i + "." + key, item.get(key));
                }
                i++;
            }
        }
        data.put("itemCount", Integer.toString(i));
        return data;
    }

    static Map<String, String> orders(List<Map<String, Object>> orders) {
        Map<String, String> data = new LinkedHashMap<>();
        int i = 0;
        for (Map<String, Object> order : orders.subList(0, Math.min(orders.size(), MAX_ORDERS))) {
            for (String key : List.of("number", "status", "total", "currency", "createdAt")) {
                putText(data, "order." + i + "." + key, order.get(key));
            }
            i++;
        }
        data.put("count", Integer.toString(i));
        data.put("total", Integer.toString(orders.size()));
        return data;
    }

    static Map<String, String> stock(Map<String, Object> stock) {
        Map<String, String> data = new LinkedHashMap<>();
        putText(data, "sku", stock.get("sku"));
        putText(data, "name", stock.get("name"));
        putText(data, "available", stock.get("available"));
        List<?> warehouses = stock.get("warehouses") instanceof List<?> list ? list : List.of();
        int i = 0;
        for (Object w : warehouses) {
            if (w instanceof Map<?, ?> warehouse) {
                putText(data, "warehouse." + i + ".name", warehouse.get("warehouse"));
                putText(data, "warehouse." + i + ".available", warehouse.get("available"));
                i++;
            }
        }
        data.put("warehouseCount", Integer.toString(i));
        return data;
    }

    private static String required(Map<String, String> params, String name) throws SystemFault {
        String value = optional(params, name);
        if (value == null) {
            throw new SystemFault("BAD_REQUEST", "the parameter " + name + " is required");
        }
        return value;
    }

    private static String optional(Map<String, String> params, String name) {
        String value = params.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static void putText(Map<String, String> data, String key, Object value) {
        String text = ErpClient.text(value);
        if (text != null) {
            data.put(key, text);
        }
    }

    private static void putIf(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
