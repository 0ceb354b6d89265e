package io.switchboard.channel.wechat.internal;

import io.switchboard.api.Message;
import io.switchboard.api.Outage;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.bus.OutageLog;
import io.switchboard.rest.Problem;
import io.switchboard.rest.ProblemException;
import io.switchboard.store.Nonces;
import io.switchboard.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.annotation.security.PermitAll;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import javax.ws.rs.WebApplicationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's URL in WeChat's console: {@code /switchboard/api/wechat/{account}}. Anonymous, as
 * WeChat calls it; every request proves itself with WeChat's signature over the account's token.
 *
 * <p>{@code GET} is WeChat checking the URL: a good signature gets {@code echostr} back. {@code POST}
 * is a push: checked, decrypted in safe mode, put on the bus, and answered {@code success} at once,
 * since WeChat gives up after 5 seconds. Answers reach the customer later, through the
 * customer-service API. A 503 (bus down) makes WeChat try again; the retries are one message by
 * their {@code MsgId}.
 */
@Path("/")
@PermitAll
public final class CallbackApi {

    /** Puts the message on the bus and returns once the broker has it. */
    interface Inbound {
        /** @throws BusUnavailableException when the broker did not take it */
        void accept(Message message);
    }

    private static final Logger LOG = LoggerFactory.getLogger(CallbackApi.class);

    private final Settings settings;
    private final MessageCipher cipher;
    private final Inbound inbound;
    private final PushXml xml = new PushXml();
    private final RateLimits perAddress;
    private final RateLimits perCustomer;
    private final Nonces nonces;
    private final Clock clock;
    private final OutageLog databaseOutage = new OutageLog(LOG,
            "WeChat pushes' nonce claims (encrypted pushes go on unclaimed, clear ones are answered 503)", Duration.ofSeconds(5));

    /**
     * How far a request's signed timestamp may be from the server's clock. WeChat's signature covers the
     * token, timestamp and nonce but not the body: without a limit, one signed URL from any log would
     * carry any body, from any OpenID, for ever.
     */
    static final Duration WINDOW = Duration.ofSeconds(300);

    CallbackApi(Settings settings, Inbound inbound, Nonces nonces) {
        this(settings, inbound, nonces, Clock.systemUTC());
    }

    CallbackApi(Settings settings, Inbound inbound, Nonces nonces, Clock clock) {
        this(settings, inbound, new RateLimits(settings.ipRatePerMinute()), new RateLimits(settings.ratePerMinute()), nonces, clock);
    }

    CallbackApi(Settings settings, Inbound inbound, RateLimits perAddress, RateLimits perCustomer, Nonces nonces, Clock clock) {
        this.settings = settings;
        this.cipher = settings.cipher();
        this.inbound = inbound;
        this.perAddress = perAddress;
        this.perCustomer = perCustomer;
        this.nonces = nonces;
        this.clock = clock;
    }

    @GET
    @Path("{account}")
    public Response verify(@PathParam("account") String account, @Context UriInfo uri,
                           @Context HttpServletRequest request) {
        return verify(account, query(uri), request.getRemoteAddr());
    }

    @POST
    @Path("{account}")
    public Response receive(@PathParam("account") String account, @Context UriInfo uri,
                            @Context HttpServletRequest request, InputStream body) {
        return receive(account, query(uri), body, request.getContentLengthLong(), request.getRemoteAddr());
    }

    Response verify(String account, Map<String, String> q, String remote) {
        admit(account, remote);
        signed(q);
        String echostr = q.get("echostr");
        if (echostr == null || echostr.isEmpty()) {
            throw new ProblemException(400, "Bad request", "echostr is required");
        }
        return Response.ok(echostr, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
    }

    Response receive(String account, Map<String, String> q, InputStream body, long contentLength, String remote) {
        admit(account, remote);
        if (contentLength > settings.maxBodyBytes()) {
            throw tooLarge(settings.maxBodyBytes());
        }
        long signedAt = signed(q);
        byte[] bytes = read(body);
        Map<String, String> fields = parse(bytes);
        boolean encrypted = "aes".equalsIgnoreCase(q.get("encrypt_type"));
        if (encrypted && settings.mode() == Settings.Mode.PLAIN) {
            throw new ProblemException(400, "Bad request",
                    "an encrypted push, but the channel is in plain mode: set mode and encodingAesKey as in WeChat's console");
        }
        if (!encrypted && settings.mode() == Settings.Mode.SAFE) {
            throw new ProblemException(400, "Bad request", "a clear push, but the channel is in safe mode");
        }
        if (!encrypted && settings.mode() == Settings.Mode.COMPATIBLE
                && (settings.clearPushesUntil() == null || !clock.instant().isBefore(settings.clearPushesUntil()))) {
            throw new ProblemException(400, "Bad request", "a clear push in compatible mode, where WeChat sends an encrypted copy;"
                    + " clear pushes are accepted only until clearPushesUntil, which "
                    + (settings.clearPushesUntil() == null ? "is not set" : "was " + settings.clearPushesUntil()));
        }
        if (encrypted) {
            fields = decrypt(q, fields);
        }
        Optional<Message> message;
        try {
            message = Pushes.toMessage(fields, settings.account());
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Bad request", e.getMessage());
        }
        if (message.isPresent()) {
            Message m = message.get();
            limit(perCustomer, m.address().address(), "this customer");
            // taken once: WeChat's own retries of a push it got no answer to in time are the same request, and
            // so is a copy of its URL with another body; either is answered as WeChat expects, and not queued
            String scope = "wechat:" + settings.account();
            String nonce = signedAt + "." + q.get("nonce");
            boolean claimed;
            try {
                claimed = nonces.claim(scope, nonce, Instant.ofEpochSecond(signedAt).plus(WINDOW));
                databaseOutage.worked();
            } catch (StoreException e) {
                claimed = withoutDatabase(encrypted, e);
            }
            if (!claimed) {
                LOG.info("WeChat push with nonce {} was taken before: answered, not queued again", nonce);
                return Response.ok("success", MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
            }
            try {
                inbound.accept(m);
            } catch (BusUnavailableException e) {
                // WeChat's retry of this very request must get in
                release(scope, nonce);
                LOG.warn("WeChat push {} not taken by the bus; WeChat will retry: {}", m.channelMessageId(), e.getMessage());
                throw refusal(503, "Service unavailable", "the message could not be queued; WeChat retries it", 5);
            } catch (RuntimeException e) {
                release(scope, nonce);
                throw e;
            }
        } else {
            LOG.debug("WeChat push of type {} {} answered and dropped", fields.get("MsgType"), fields.get("Event"));
        }
        return Response.ok("success", MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
    }

    /**
     * Whether a push may go on while the database cannot claim its nonce. WeChat gives up on a push after
     * three tries in about 15 seconds, so a 503 through a longer outage loses the customer's message. An
     * encrypted push may go on: {@code msg_signature} covers its body, so a replay is the same message
     * with the same {@code MsgId}, which the broker's duplicate ids and sb_message's unique channel id
     * store once. A clear push may not: its body is signed by nothing, and without the nonce a captured
     * URL would carry any body from any OpenID for the rest of its window.
     *
     * @return true: go on unclaimed
     */
    private boolean withoutDatabase(boolean encrypted, StoreException e) {
        if (!Outage.isOutage(e)) {
            throw e;
        }
        databaseOutage.failed(e);
        if (!encrypted) {
            throw refusal(503, "Service unavailable", "the database is unavailable and a clear push cannot be told from a replay"
                    + " without it; WeChat retries it (safe mode takes pushes through a database outage)", 5);
        }
        return true;
    }

    /** Gives the claim back, if the database has it; a push taken through an outage holds none. */
    private void release(String scope, String nonce) {
        try {
            nonces.release(scope, nonce);
        } catch (StoreException e) {
            // unreleased, WeChat's retry of the same request is answered "success" and dropped; the database
            // is away, so the bus, which refused this one, most likely is not what failed
            LOG.debug("WeChat nonce not released: {}", e.getMessage());
        }
    }

    /** The account exists, is configured, and this address is not flooding it. */
    private void admit(String account, String remote) {
        if (!settings.account().equals(account)) {
            throw new ProblemException(404, "Not found", "no WeChat account " + account);
        }
        if (!settings.canReceive()) {
            throw refusal(503, "Service unavailable", "the WeChat channel has no token configured", 60);
        }
        limit(perAddress, remote == null ? "?" : remote, "this address");
    }

    private static void limit(RateLimits limits, String source, String who) {
        long wait = limits.take(source);
        if (wait > 0) {
            throw refusal(429, "Too many requests", "too many requests from " + who, wait);
        }
    }

    /** @return when WeChat signed the request, in Unix seconds */
    private long signed(Map<String, String> q) {
        if (!Signatures.matches(q.get("signature"), settings.token(), q.get("timestamp"), q.get("nonce"))) {
            LOG.debug("WeChat request with a bad signature refused");
            throw new ProblemException(401, "Unauthorized", "the signature does not match the account's token");
        }
        long signedAt;
        try {
            signedAt = Long.parseLong(q.get("timestamp").strip());
        } catch (NumberFormatException e) {
            throw new ProblemException(400, "Bad request", "timestamp must be Unix seconds");
        }
        long off = Math.abs(clock.instant().getEpochSecond() - signedAt);
        if (off > WINDOW.toSeconds()) {
            LOG.warn("WeChat request signed {} s away from this server's clock refused (a replay, or a clock to set right)", off);
            throw new ProblemException(401, "Unauthorized", "the request was signed " + off + " s away from the server's clock; at most "
                    + WINDOW.toSeconds() + " s are accepted");
        }
        if (q.get("nonce").length() > 64) {
            throw new ProblemException(400, "Bad request", "nonce is longer than WeChat's");
        }
        return signedAt;
    }

    private Map<String, String> decrypt(Map<String, String> q, Map<String, String> outer) {
        String encrypted = outer.get("Encrypt");
        if (encrypted == null || encrypted.isBlank()) {
            throw new ProblemException(400, "Bad request", "encrypt_type=aes without an Encrypt element");
        }
        if (!Signatures.matches(q.get("msg_signature"), settings.token(), q.get("timestamp"), q.get("nonce"), encrypted)) {
            throw new ProblemException(401, "Unauthorized", "msg_signature does not match");
        }
        try {
            return xml.parse(cipher.decrypt(encrypted).getBytes(StandardCharsets.UTF_8));
        } catch (MessageCipher.Refused e) {
            LOG.warn("WeChat push refused: {}", e.getMessage());
            throw new ProblemException(401, "Unauthorized", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Bad request", e.getMessage());
        }
    }

    private Map<String, String> parse(byte[] bytes) {
        try {
            return xml.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Bad request", e.getMessage());
        }
    }

    private byte[] read(InputStream body) {
        int max = settings.maxBodyBytes();
        if (body == null) {
            throw new ProblemException(400, "Bad request", "a body is required");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(Math.min(max, 4096));
        byte[] chunk = new byte[4096];
        try (body) {
            int n;
            while ((n = body.read(chunk)) != -1) {
                if (buffer.size() + n > max) {
                    throw tooLarge(max);
                }
                buffer.write(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new ProblemException(400, "Bad request", "the body could not be read");
        }
        if (buffer.size() == 0) {
            throw new ProblemException(400, "Bad request", "a body is required");
        }
        return buffer.toByteArray();
    }

    private static ProblemException tooLarge(int max) {
        return new ProblemException(413, "Body too large", "the body exceeds " + max + " bytes");
    }

    private static WebApplicationException refusal(int status, String title, String detail, long retryAfterSeconds) {
        Response r = Response.fromResponse(Problem.of(status, title, detail).toResponse())
                .header("Retry-After", Long.toString(retryAfterSeconds)).build();
        return new WebApplicationException(detail, r);
    }

    private static Map<String, String> query(UriInfo uri) {
        Map<String, String> q = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : uri.getQueryParameters().entrySet()) {
            if (!e.getValue().isEmpty()) {
                q.put(e.getKey(), e.getValue().get(0));
            }
        }
        return q;
    }
}
