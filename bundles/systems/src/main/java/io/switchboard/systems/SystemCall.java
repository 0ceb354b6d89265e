package io.switchboard.systems;

import io.switchboard.api.SystemRequest;
import java.util.Map;

/** One attempt to ask a system for what a request wants. Called again after a {@link SystemUnreachable}. */
@FunctionalInterface
public interface SystemCall {

    /**
     * @return the answer's data (the {@code SystemReply} is OK)
     * @throws SystemFault the system answered and said no, or the request is wrong: answered as a FAULT, never retried
     * @throws SystemUnreachable the system could not be asked (refused, timed out, 5xx): asked again later
     */
    Map<String, String> call(SystemRequest request) throws SystemFault, SystemUnreachable, InterruptedException;
}
