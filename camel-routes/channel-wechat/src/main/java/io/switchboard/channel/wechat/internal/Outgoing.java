package io.switchboard.channel.wechat.internal;

import io.switchboard.api.ContentPart;
import io.switchboard.api.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A canonical message as the WeChat calls that send it: one customer-service message per content
 * part, or one template message when the message names a template.
 *
 * <p>Template messages: header {@value #TEMPLATE_ID} names the template, {@value #TEMPLATE_URL} (optional)
 * the page it opens, and each header {@value #TEMPLATE_DATA}{@code <key>} fills the template's
 * {@code {{key.DATA}}}.
 */
final class Outgoing {

    static final String TEMPLATE_ID = "wechatTemplateId";
    static final String TEMPLATE_URL = "wechatTemplateUrl";
    static final String TEMPLATE_DATA = "wechatTemplateData.";

    /** One call: which API, with which JSON. */
    record Call(String api, Map<String, Object> payload) {
    }

    private Outgoing() {
    }

    /**
     * @throws IllegalArgumentException when the message is not for WeChat, or has a part WeChat
     *                                  cannot be sent without an upload (a file, an image with no media id)
     */
    static List<Call> calls(Message m) {
        if (!Pushes.CHANNEL.equals(m.address().channel())) {
            throw new IllegalArgumentException("not a WeChat address: " + m.address());
        }
        String openid = m.address().address();
        String templateId = m.headers().get(TEMPLATE_ID);
        if (templateId != null && !templateId.isBlank()) {
            return List.of(new Call(OfficialAccountApi.TEMPLATE_SEND, template(openid, templateId, m.headers())));
        }
        List<Call> calls = new ArrayList<>();
        for (ContentPart p : m.parts()) {
            if (p.kind() != ContentPart.Kind.EVENT) {
                calls.add(new Call(OfficialAccountApi.CUSTOM_SEND, custom(openid, p)));
            }
        }
        if (calls.isEmpty()) {
            throw new IllegalArgumentException("message " + m.id() + " has nothing WeChat can show");
        }
        return calls;
    }

    static Map<String, Object> custom(String openid, ContentPart p) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("touser", openid);
        switch (p.kind()) {
            case TEXT -> {
                payload.put("msgtype", "text");
                payload.put("text", Map.of("content", p.text()));
            }
            case IMAGE -> {
                payload.put("msgtype", "image");
                payload.put("image", Map.of("media_id", mediaId(p)));
            }
            case FILE -> {
                if (p.mimeType() == null || !p.mimeType().startsWith("audio/")) {
                    throw new IllegalArgumentException("WeChat customer-service messages carry no files, only voice");
                }
                payload.put("msgtype", "voice");
                payload.put("voice", Map.of("media_id", mediaId(p)));
            }
            case LOCATION -> {
                payload.put("msgtype", "text");
                payload.put("text", Map.of("content", (p.text() == null ? "" : p.text() + " ")
                        + p.latitude() + "," + p.longitude()));
            }
            default -> throw new IllegalArgumentException("a " + p.kind() + " part cannot be sent to WeChat");
        }
        return payload;
    }

    static Map<String, Object> template(String openid, String templateId, Map<String, String> headers) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("touser", openid);
        payload.put("template_id", templateId);
        String url = headers.get(TEMPLATE_URL);
        if (url != null && !url.isBlank()) {
            payload.put("url", url);
        }
        Map<String, Object> data = new TreeMap<>();
        headers.forEach((k, v) -> {
            if (k.startsWith(TEMPLATE_DATA) && k.length() > TEMPLATE_DATA.length()) {
                data.put(k.substring(TEMPLATE_DATA.length()), Map.of("value", v));
            }
        });
        payload.put("data", data);
        return payload;
    }

    /** A media id is what WeChat gave for an upload (or for a customer's own image): in the part's name. */
    private static String mediaId(ContentPart p) {
        if (p.name() == null || p.name().isBlank()) {
            throw new IllegalArgumentException("a " + p.kind() + " part needs its WeChat media id in name;"
                    + " uploading " + (p.url() == null ? "it" : p.url()) + " is not supported");
        }
        return p.name();
    }
}
