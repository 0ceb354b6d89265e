package io.switchboard.rest;

import javax.ws.rs.WebApplicationException;

/** Thrown by a resource to answer with a problem document. */
public class ProblemException extends WebApplicationException {

    private static final long serialVersionUID = 1L;

    public ProblemException(int status, String title, String detail) {
        super(detail, Problem.of(status, title, detail).toResponse());
    }

    /** A 429 or 503 that tells the client when to try again. */
    public static ProblemException retryAfter(int status, String title, String detail, long seconds) {
        return new ProblemException(detail, javax.ws.rs.core.Response.fromResponse(Problem.of(status, title, detail).toResponse())
                .header("Retry-After", String.valueOf(Math.max(1, seconds))).build());
    }

    private ProblemException(String detail, javax.ws.rs.core.Response response) {
        super(detail, response);
    }
}
