package io.switchboard.store;

import java.time.Instant;

/**
 * One entry of the identity audit trail: who merged, un-merged or linked what, when and why.
 * {@code mergeId} names the merge an UNMERGE undid.
 */
public record IdentityChange(String id, Action action, String customerId, String otherCustomerId, String detail,
                             String mergeId, String operator, String reason, Instant time) {

    public enum Action { MERGE, UNMERGE, LINK }
}
