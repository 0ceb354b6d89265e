package io.switchboard.rest;

import javax.ws.rs.WebApplicationException;

/** Thrown by a resource to answer with a problem document. */
public class ProblemException extends WebApplicationException {

    private static final long serialVersionUID = 1L;

    public ProblemException(int status, String title, String detail) {
        super(detail, Problem.of(status, title, detail).toResponse());
    }
}
