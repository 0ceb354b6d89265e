package io.switchboard.rest;

import javax.ws.rs.core.Response;

/** An RFC 9457 problem document: every error the platform's HTTP APIs return has this body. */
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE + ";charset=UTF-8").entity(this).build();
    }
}
