package ${package}.internal;

import io.switchboard.api.CanonicalJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Hands one reply to the outside world: a JSON POST carrying our message id, which the outside world
 * uses to drop a repeat (after a crash a reply may be delivered again). Anything but a 2xx is a
 * failure: the transaction rolls back, the bus redelivers, and after its attempts the reply is a dead
 * letter with the answer as its reason.
 */
final class ${channelClass}Delivery implements Processor {

    private final URI endpoint;
    private final CanonicalJson json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ${channelClass}Delivery(URI endpoint, CanonicalJson json) {
        this.endpoint = endpoint;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws IOException, InterruptedException {
        var message = exchange.getMessage();
        String body = json.toJson(Map.of("messageId", message.getHeader("messageId", String.class),
                "to", message.getHeader("to", String.class), "text", message.getBody(String.class)));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Idempotency-Key", message.getHeader("messageId", String.class))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            throw new IOException(endpoint + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
