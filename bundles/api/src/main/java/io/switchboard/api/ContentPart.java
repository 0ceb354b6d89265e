package io.switchboard.api;

/**
 * One part of a message. A message is a list of parts so that a WeChat image with a caption or an
 * email with attachments keeps its shape; fields that do not apply to a kind are null.
 */
public record ContentPart(Kind kind, String text, String url, String mimeType, String name,
                          Double latitude, Double longitude) {

    public enum Kind { TEXT, IMAGE, FILE, LOCATION, EVENT }

    public ContentPart {
        if (kind == null) {
            throw new IllegalArgumentException("content part kind is required");
        }
        if (kind == Kind.TEXT && (text == null || text.isEmpty())) {
            throw new IllegalArgumentException("a text part needs text");
        }
    }

    public static ContentPart text(String text) {
        return new ContentPart(Kind.TEXT, text, null, null, null, null, null);
    }

    public static ContentPart event(String name) {
        return new ContentPart(Kind.EVENT, null, null, null, name, null, null);
    }
}
