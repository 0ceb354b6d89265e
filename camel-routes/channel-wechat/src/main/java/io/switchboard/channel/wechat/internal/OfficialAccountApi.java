package io.switchboard.channel.wechat.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.store.Store;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The calls the channel makes to WeChat: {@code cgi-bin/token} for the access token, then the
 * customer-service ({@code message/custom/send}) and template ({@code message/template/send})
 * messages. A call refused for its token (40001, 40014, 42001) is made once more with a fresh one;
 * any other {@code errcode} fails it with a {@link WechatApiException}.
 */
final class OfficialAccountApi {

    static final String CUSTOM_SEND = "cgi-bin/message/custom/send";
    static final String TEMPLATE_SEND = "cgi-bin/message/template/send";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final String appId;
    private final String appSecret;
    private final CanonicalJson json;
    private final HttpClient http;
    private final AccessTokens tokens;

    OfficialAccountApi(Settings settings, Store store, CanonicalJson json, Clock clock) {
        this.base = settings.apiBase();
        this.appId = settings.appId();
        this.appSecret = settings.appSecret();
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        this.tokens = new AccessTokens(store, appId, this::grant, clock);
    }

    /** Sends one customer-service message ({@code {"touser","msgtype",...}}). */
    void sendCustom(Map<String, Object> payload) throws Exception {
        call(CUSTOM_SEND, payload);
    }

    void sendTemplate(Map<String, Object> payload) throws Exception {
        call(TEMPLATE_SEND, payload);
    }

    private Map<String, Object> call(String path, Map<String, Object> payload) throws Exception {
        String body = json.toJson(payload);
        String token = tokens.current();
        try {
            return post(path, token, body);
        } catch (WechatApiException e) {
            if (!e.staleToken()) {
                throw e;
            }
            return post(path, tokens.replace(token), body);
        }
    }

    private Map<String, Object> post(String path, String token, String body) throws IOException, InterruptedException {
        URI uri = URI.create(base + "/" + path + "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        return answer(path, send(path, request));
    }

    /** {@code GET cgi-bin/token?grant_type=client_credential&appid=...&secret=...}. */
    AccessTokens.Grant grant() throws IOException, InterruptedException {
        String path = "cgi-bin/token";
        URI uri = URI.create(base + "/" + path + "?grant_type=client_credential&appid="
                + URLEncoder.encode(appId, StandardCharsets.UTF_8) + "&secret="
                + URLEncoder.encode(appSecret, StandardCharsets.UTF_8));
        Map<String, Object> answer = answer(path, send(path, HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build()));
        Object token = answer.get("access_token");
        Object expiresIn = answer.get("expires_in");
        if (!(token instanceof String t) || t.isEmpty() || !(expiresIn instanceof Number n)) {
            throw new IOException("WeChat " + path + " answered without access_token and expires_in");
        }
        return new AccessTokens.Grant(t, n.longValue());
    }

    private String send(String path, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the URL carries the token or the secret: name only the call
            throw new IOException("WeChat " + path + " unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("WeChat " + path + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> answer(String path, String body) throws IOException {
        Map<String, Object> answer;
        try {
            answer = json.fromJson(body, Map.class);
        } catch (IllegalArgumentException e) {
            throw new IOException("WeChat " + path + " answered something other than JSON");
        }
        Object errcode = answer.get("errcode");
        if (errcode instanceof Number n && n.intValue() != 0) {
            throw new WechatApiException(path, n.intValue(), String.valueOf(answer.get("errmsg")));
        }
        return answer;
    }
}
