package io.switchboard.rest.internal;

import io.switchboard.api.Ids;
import io.switchboard.rest.Problem;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;
import javax.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure becomes a problem document. The services' own exceptions carry their meaning
 * (see {@code AgentDesk}); anything unexpected is a 500 whose detail is only an incident id, with
 * the stack trace in the log under that id.
 */
@Provider
public final class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);

    private final Supplier<List<String>> starting;

    /**
     * @param starting what the server still waits for ({@link ServerReadiness#pending()}); while anything is,
     *                 a path no resource has answers 503 with Retry-After: its endpoint is on its way
     */
    public ProblemMapper(Supplier<List<String>> starting) {
        this.starting = starting;
    }

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof WebApplicationException wae) {
            Response r = wae.getResponse();
            if (r.hasEntity() && r.getEntity() instanceof Problem) {
                return r;
            }
            Response.StatusType status = r.getStatusInfo();
            if (status.getStatusCode() == 404) {
                // the JAX-RS runtime's own "no resource matches"; an endpoint's own absence is a NoSuchElementException
                if (!starting.get().isEmpty()) {
                    return Response.fromResponse(Problem.of(503, "Service unavailable", ServerReadiness.STARTING).toResponse())
                            .header("Retry-After", ServerReadiness.RETRY_AFTER).build();
                }
            }
            return Problem.of(status.getStatusCode(), status.getReasonPhrase(), e.getMessage()).toResponse();
        }
        if (e instanceof IllegalArgumentException) {
            return Problem.of(400, "Bad request", e.getMessage()).toResponse();
        }
        if (e instanceof NoSuchElementException) {
            return Problem.of(404, "Not found", e.getMessage()).toResponse();
        }
        if (e instanceof IllegalStateException) {
            return Problem.of(409, "Conflict", e.getMessage()).toResponse();
        }
        if (e instanceof SecurityException) {
            // the core's object rules: the role may call the endpoint, but this object is not theirs
            return Problem.of(403, "Forbidden", e.getMessage()).toResponse();
        }
        String name = e.getClass().getSimpleName();
        if (name.equals("BusUnavailableException") || name.equals("StoreException")) {
            LOG.warn("503: {}", e.getMessage());
            return Response.fromResponse(Problem.of(503, "Service unavailable", e.getMessage()).toResponse())
                    .header("Retry-After", "5").build();
        }
        String incident = Ids.newId();
        LOG.error("Unexpected failure, incident {}", incident, e);
        return Problem.of(500, "Internal error", "incident " + incident).toResponse();
    }
}
